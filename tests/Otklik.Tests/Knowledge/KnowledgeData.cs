using Otklik.Features.Knowledge;
using Otklik.Features.Search;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Knowledge;

/// <summary>Articles written straight into the database (the search tests do not depend on the API) and searches run against the index.</summary>
public static class KnowledgeData
{
    public static async Task<Article> AddArticleAsync(this TestApp app, string title, string answer, bool published = true, string? legalBasis = null,
        DateOnly? reviewOn = null, Guid? owner = null, Guid? topicId = null)
    {
        var r = app.Region;
        var article = Article.Create(new Article.Content(title, answer, legalBasis, null, r.BusinessCategory, topicId, owner ?? r.Centre,
            reviewOn ?? new DateOnly(2027, 6, 1), published), null, "Тестов", app.Clock.GetUtcNow().UtcDateTime);
        await app.WithDbAsync(async db => { db.Articles.Add(article); await db.SaveChangesAsync(); });
        return article;
    }

    public static Task<IReadOnlyList<SearchHit>> SearchAsync(this TestApp app, SearchKind kind, string query, bool publicOnly = true, bool anyWord = false) =>
        app.WithDbAsync(db => SearchIndexes.For(db).SearchAsync(db, kind, publicOnly, anyWord ? SearchQuery.AnyWords(query) : SearchQuery.Parse(query), 50, anyWord, default));

    /// <summary>The ids that the list filter's side of the index (<see cref="ISearchIndex.Matching"/>) finds.</summary>
    public static Task<List<Guid>> MatchingAsync(this TestApp app, SearchKind kind, string query, bool publicOnly) =>
        app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            SearchIndexes.For(db).Matching(db, kind, publicOnly, SearchQuery.Parse(query))));
}
