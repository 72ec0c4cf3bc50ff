using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Search;

/// <summary>A found document: its title, a fragment of its body with the matched words in &lt;mark&gt; (HTML-safe), and whether the title matched.</summary>
public sealed record SearchHit(Guid EntityId, string Title, string FragmentHtml, bool TitleHit, double Rank);

/// <summary>
/// The one search used by the knowledge base, the staff lists and the public feed. Two implementations behind it, chosen
/// by the database engine: PostgreSQL's own Russian full-text search, and SQLite FTS5 over Lucene.Net stems.
/// </summary>
public interface ISearchIndex
{
    /// <summary>The ids of the matching documents of a kind, as a query that composes into another (a list keeps its own order and paging).</summary>
    IQueryable<Guid> Matching(AppDbContext db, SearchKind kind, bool publicOnly, SearchQuery query);

    /// <summary>
    /// The best matches, ranked: a hit in the title above a hit in the body only, then by the engine's rank.
    /// With <paramref name="anyWord"/> a document needs only one of the words (suggestions from a typed text).
    /// </summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(AppDbContext db, SearchKind kind, bool publicOnly, SearchQuery query, int limit, bool anyWord, CancellationToken ct);
}

public static class SearchIndexes
{
    static readonly ISearchIndex Postgres = new PostgresSearchIndex();
    static readonly ISearchIndex Sqlite = new SqliteSearchIndex();

    public static ISearchIndex For(AppDbContext db) => db.IsPostgres ? Postgres : Sqlite;

    public static IServiceCollection AddSearch(this IServiceCollection services) =>
        services.AddScoped(sp => For(sp.GetRequiredService<AppDbContext>()));

    /// <summary>The markers around matched words inside fragments until they become &lt;mark&gt; (private-use characters, never typed).</summary>
    internal const char Open = '\uE000', Close = '\uE001';

    /// <summary>Encodes a marked fragment for HTML; only the markers turn into tags.</summary>
    public static string ToHtml(string marked)
    {
        var encoded = WebUtility.HtmlEncode(marked.Replace("\n", " ").Replace("\r", ""));
        return encoded.Replace(Open.ToString(), "<mark>").Replace(Close.ToString(), "</mark>");
    }

    /// <summary>Does the text hold every required part of the query (in Lucene's stems)?</summary>
    public static bool Holds(string text, SearchQuery query, bool anyWord)
    {
        var stems = RussianText.Tokens(text).Select(t => t.Stem).ToList();
        bool Has(SearchQuery.Part p)
        {
            for (var i = 0; i + p.Stems.Count <= stems.Count; i++)
                if (p.Stems.Select((s, k) => stems[i + k] == s).All(x => x)) return true;
            return false;
        }
        return anyWord ? query.Required.Any(Has) : query.Required.All(Has);
    }

    /// <summary>
    /// A fragment of about <paramref name="words"/> words around the first matched word, the matches marked; the
    /// beginning of the text when nothing matches. SQLite has no ts_headline, so the fragment is cut here.
    /// </summary>
    public static string Fragment(string text, IReadOnlySet<string> stems, int words = 30)
    {
        var tokens = RussianText.Tokens(text);
        if (tokens.Count == 0) return text.Length <= 300 ? text : text[..300] + "…";
        var first = tokens.FindIndex(t => stems.Contains(t.Stem));
        var from = Math.Max(0, first - words / 3);
        var to = Math.Min(tokens.Count - 1, from + words - 1);
        var start = from == 0 ? 0 : tokens[from].Start;
        var end = to == tokens.Count - 1 ? text.Length : tokens[to].End;
        var sb = new StringBuilder();
        if (start > 0) sb.Append('…');
        var at = start;
        for (var i = from; i <= to; i++)
        {
            var t = tokens[i];
            if (!stems.Contains(t.Stem)) continue;
            sb.Append(text, at, t.Start - at).Append(Open).Append(text, t.Start, t.End - t.Start).Append(Close);
            at = t.End;
        }
        sb.Append(text, at, end - at);
        if (end < text.Length) sb.Append('…');
        return sb.ToString().Trim();
    }

    internal static IReadOnlyList<SearchHit> Order(IEnumerable<SearchHit> hits, int limit) =>
        [.. hits.OrderByDescending(h => h.TitleHit).ThenByDescending(h => h.Rank).Take(limit)];

    internal static IQueryable<Guid> Nothing(AppDbContext db) => db.Set<SearchEntry>().Where(_ => false).Select(e => e.EntityId);
}

/// <summary>PostgreSQL: a generated tsvector (title weight A, body B) with a GIN index, websearch_to_tsquery, ts_rank and ts_headline.</summary>
sealed class PostgresSearchIndex : ISearchIndex
{
    public IQueryable<Guid> Matching(AppDbContext db, SearchKind kind, bool publicOnly, SearchQuery query)
    {
        if (query.IsEmpty) return SearchIndexes.Nothing(db);
        var text = query.Text;
        return db.Set<SearchEntry>()
            .FromSql($"""SELECT * FROM "SearchEntries" WHERE "Vector" @@ websearch_to_tsquery('russian', {text})""")
            .Where(e => e.Kind == kind && (!publicOnly || e.IsPublic)).Select(e => e.EntityId);
    }

    sealed record Row(Guid EntityId, string Title, string Fragment, double Rank);

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(AppDbContext db, SearchKind kind, bool publicOnly, SearchQuery query, int limit, bool anyWord,
        CancellationToken ct)
    {
        if (query.IsEmpty) return [];
        var text = anyWord ? query.ToTsQueryAny() : query.Text;
        if (text.Length == 0) return [];
        var kindName = kind.ToString();
        var options = $"StartSel={SearchIndexes.Open}, StopSel={SearchIndexes.Close}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"";
        var rows = anyWord
            ? await db.Database.SqlQuery<Row>($"""
                SELECT e."EntityId", e."Title", ts_headline('russian', e."Body", q, {options}) AS "Fragment", ts_rank(e."Vector", q)::float8 AS "Rank"
                FROM "SearchEntries" e, to_tsquery('russian', {text}) q
                WHERE e."Vector" @@ q AND e."Kind" = {kindName} AND (e."IsPublic" OR NOT {publicOnly})
                ORDER BY "Rank" DESC LIMIT 200
                """).ToListAsync(ct)
            : await db.Database.SqlQuery<Row>($"""
                SELECT e."EntityId", e."Title", ts_headline('russian', e."Body", q, {options}) AS "Fragment", ts_rank(e."Vector", q)::float8 AS "Rank"
                FROM "SearchEntries" e, websearch_to_tsquery('russian', {text}) q
                WHERE e."Vector" @@ q AND e."Kind" = {kindName} AND (e."IsPublic" OR NOT {publicOnly})
                ORDER BY "Rank" DESC LIMIT 200
                """).ToListAsync(ct);
        return SearchIndexes.Order(rows.Select(r => new SearchHit(r.EntityId, r.Title, SearchIndexes.ToHtml(r.Fragment),
            SearchIndexes.Holds(r.Title, query, anyWord: true), r.Rank)), limit);
    }
}

/// <summary>SQLite: an FTS5 table over the Lucene stems of title and body (title weighted 10 : 1 in bm25); fragments are cut in C#.</summary>
sealed class SqliteSearchIndex : ISearchIndex
{
    public IQueryable<Guid> Matching(AppDbContext db, SearchKind kind, bool publicOnly, SearchQuery query)
    {
        if (query.IsEmpty) return SearchIndexes.Nothing(db);
        var match = query.ToFts5(any: false);
        return db.Set<SearchEntry>()
            .FromSql($"SELECT * FROM SearchEntries WHERE Id IN (SELECT rowid FROM SearchFts WHERE SearchFts MATCH {match})")
            .Where(e => e.Kind == kind && (!publicOnly || e.IsPublic)).Select(e => e.EntityId);
    }

    sealed record Row(Guid EntityId, string Title, string Body, double Rank);

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(AppDbContext db, SearchKind kind, bool publicOnly, SearchQuery query, int limit, bool anyWord,
        CancellationToken ct)
    {
        if (query.IsEmpty) return [];
        var match = query.ToFts5(anyWord);
        var kindName = kind.ToString();
        var rows = await db.Database.SqlQuery<Row>($"""
            SELECT e.EntityId AS EntityId, e.Title AS Title, e.Body AS Body, -bm25(SearchFts, 10.0, 1.0) AS Rank
            FROM SearchFts JOIN SearchEntries e ON e.Id = SearchFts.rowid
            WHERE SearchFts MATCH {match} AND e.Kind = {kindName} AND (e.IsPublic = 1 OR {publicOnly} = 0)
            ORDER BY bm25(SearchFts, 10.0, 1.0) LIMIT 200
            """).ToListAsync(ct);
        var stems = query.RequiredStems;
        return SearchIndexes.Order(rows.Select(r => new SearchHit(r.EntityId, r.Title, SearchIndexes.ToHtml(SearchIndexes.Fragment(r.Body, stems)),
            SearchIndexes.Holds(r.Title, query, anyWord: true), r.Rank)), limit);
    }
}
