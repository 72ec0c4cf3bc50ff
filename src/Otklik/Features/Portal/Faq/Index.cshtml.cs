using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Knowledge;

namespace Otklik.Features.Portal.Faq;

/// <summary>Frequent questions: the published articles by category, a search over them, and one article's page.</summary>
public sealed class IndexModel(AppDbContext db, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [FromRoute] public Guid? Id { get; set; }

    public IReadOnlyList<(Category Category, IReadOnlyList<Article> Articles)> ByCategory { get; private set; } = [];
    public IReadOnlyList<KnowledgeBase.ArticleHit> Hits { get; private set; } = [];
    public Article? Article { get; private set; }
    public string? TopicName { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Id is { } id)
        {
            Article = await db.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.IsPublished, ct);
            if (Article is null) return NotFound();
            TopicName = Article.TopicId is { } t ? await db.Topics.Where(x => x.Id == t).Select(x => x.Name).SingleOrDefaultAsync(ct) : null;
            return Page();
        }
        if (!string.IsNullOrWhiteSpace(Q) && Q.Length <= Search.SearchQuery.MaxLength)
        {
            // The query as typed, then its variants by the editors' synonyms («капремонт» → «капитальный ремонт»).
            var hits = new List<KnowledgeBase.ArticleHit>();
            foreach (var variant in Search.Synonyms.Variants(Q.Trim(), await Search.Synonyms.LoadAsync(db, ct)).Take(10))
                foreach (var hit in await KnowledgeBase.SearchAsync(db, variant, publicOnly: true, anyWord: false, 20, KnowledgeBase.Today(clock), ct))
                    if (hits.Count < 20 && hits.All(h => h.Id != hit.Id)) hits.Add(hit);
            Hits = hits;
        }
        var articles = await db.Articles.AsNoTracking().Where(a => a.IsPublished).OrderByDescending(a => a.UsageCount + a.SuggestionOpens).ThenBy(a => a.Title)
            .ToListAsync(ct);
        var categories = await db.Categories.AsNoTracking().Where(c => c.IsActive).OrderBy(c => c.Audience).ThenBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);
        ByCategory = [.. categories.Select(c => (c, (IReadOnlyList<Article>)[.. articles.Where(a => a.CategoryId == c.Id)])).Where(x => x.Item2.Count > 0)];
        return Page();
    }
}
