using Microsoft.EntityFrameworkCore;
using Otklik.Features.Knowledge;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Knowledge;

namespace Otklik.Tests.Nodes;

/// <summary>Issue 21 item 6: two nodes that start their stale-article sweeps together tell each staleness once.</summary>
public sealed class SweepClaimTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_stale_article_sweep_on_two_nodes_at_once_writes_each_notice_once(Engine engine)
    {
        await using var a = await TestApp.StartAsync(engine);
        await using var b = await a.SecondNodeAsync();
        for (var i = 0; i < 24; i++)
            await a.AddArticleAsync($"Статья к пересмотру {i}", "Ответ.", reviewOn: new DateOnly(2026, 11, 20), owner: a.Region.MunB);
        var now = a.Clock.GetUtcNow().UtcDateTime;

        var told = await Task.WhenAll(
            Task.Run(() => a.WithDbAsync(db => StaleArticleSweep.RunOnceAsync(db, now, default))),
            Task.Run(() => b.WithDbAsync(db => StaleArticleSweep.RunOnceAsync(db, now, default))));

        Assert.Equal(24, told.Sum());
        var notices = await a.WithDbAsync(db => db.Outbox.AsNoTracking().Where(o => o.Type == "knowledge.article_stale").Select(o => o.Payload).ToListAsync());
        Assert.Equal(24, notices.Count);
        Assert.Equal(24, notices.Distinct().Count());
        Assert.Equal(0, await b.WithDbAsync(db => StaleArticleSweep.RunOnceAsync(db, now, default)));
    }
}
