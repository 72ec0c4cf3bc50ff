using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Otklik.Data;
using Otklik.Features.Directory;
using Microsoft.EntityFrameworkCore;

namespace Otklik.Features.Portal.Public;

/// <summary>The public feed: published appeals and their answers, filtered, sorted, twenty to a page.</summary>
[OutputCache(PolicyName = PublicCache.Policy)]
public sealed class FeedModel(AppDbContext db, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public FeedKind? Kind { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Category { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Territory { get; set; }
    /// <summary>Words searched in the published (masked) text and address, with Russian word forms.</summary>
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public FeedSort Sort { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public FeedPage Feed { get; private set; } = new([], 0, 1, PublicFeed.PageSize);
    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<Territory> Territories { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Categories = await db.Categories.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        if (Category is { } c && Categories.All(x => x.Id != c)) Category = null;
        Territories = await db.Territories.AsNoTracking().Where(t => t.Kind == TerritoryKind.Municipality).OrderBy(t => t.Name).ToListAsync(ct);
        if (Territory is { } t && Territories.All(x => x.Id != t)) Territory = null;
        if (Q is { Length: > Search.SearchQuery.MaxLength }) Q = Q[..Search.SearchQuery.MaxLength];
        Feed = await PublicFeed.LoadAsync(db, Kind, Category, Sort, PageNumber, clock.GetUtcNow().UtcDateTime, ct, Territory, Q);
    }

    /// <summary>The link to another page of the same filters.</summary>
    public string PageLink(int page)
    {
        var query = new List<string>();
        if (Kind is { } k) query.Add("kind=" + k);
        if (Category is { } c) query.Add("category=" + c);
        if (Territory is { } t) query.Add("territory=" + t);
        if (!string.IsNullOrWhiteSpace(Q)) query.Add("q=" + Uri.EscapeDataString(Q));
        if (Sort != FeedSort.New) query.Add("sort=" + Sort);
        if (page > 1) query.Add("p=" + page);
        return "/feed" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
    }
}
