using Microsoft.EntityFrameworkCore;
using Otklik.Features.Search;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Knowledge;

/// <summary>The demo region's knowledge base: at least 20 articles, the ones the issue names found by the words people use.</summary>
public sealed class DemoKnowledgeTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_demo_knowledge_base_answers_the_typical_business_questions(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, demoSeed: true);
        Assert.True(await app.WithDbAsync(db => db.Articles.CountAsync(a => a.IsPublished)) >= 20);
        Assert.True(await app.WithDbAsync(db => db.AnswerTemplates.CountAsync()) >= 3);
        Assert.True(await app.WithDbAsync(db => db.Articles.CountAsync(a => a.ReviewOn < DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime))) >= 1);

        foreach (var (query, expected) in new[]
        {
            ("субсидии на модернизацию", "субсидию «Модернизация»"),
            ("изменения ГПЗУ", "градостроительный план"),
            ("разрешение на вывеску", "вывеск"),
            ("разрешение на такси", "легковым такси"),
        })
        {
            var hits = await app.SearchAsync(SearchKind.Article, query);
            Assert.True(hits.Count > 0, query);
            Assert.Contains(expected, hits[0].Title, StringComparison.OrdinalIgnoreCase);
        }
        // Every demo appeal is in the staff index, in the same transaction as the seed.
        Assert.Equal(await app.WithDbAsync(db => db.Appeals.CountAsync()),
            await app.WithDbAsync(db => db.SearchEntries.CountAsync(e => e.Kind == SearchKind.Appeal && !e.IsPublic)));
    }
}
