using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Otklik.Data;
using Otklik.Features.Portal.Public;

namespace Otklik.Features.Portal;

/// <summary>The portal's home: what it is for, a few counters and the latest published appeals.</summary>
[OutputCache(PolicyName = PublicCache.Policy)]
public sealed class IndexModel(AppDbContext db, TimeProvider clock) : PageModel
{
    public const int Latest = 5;

    public IReadOnlyList<FeedItem> Items { get; private set; } = [];
    public PublicStatsData Stats { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        Items = await PublicFeed.LatestAsync(db, Latest, now, ct);
        Stats = await PublicStats.LoadAsync(db, now, ct);
    }
}
