using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>The spikes of today and of the last 7 days (<c>/office/analytics/spikes</c>), each with its appeals.</summary>
[Authorize]
public sealed class SpikesModel(AppDbContext db, CurrentUser user, AnalyticsCache cache, TimeProvider clock) : PageModel
{
    public IReadOnlyList<Spike> Found { get; private set; } = [];
    public DateOnly Day { get; private set; }
    public DateTime AtUtc { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await IndexModel.MayAsync(user, ct)) return Forbid();
        var names = await ListDirectory.LoadAsync(db, ct);
        Zone = await names.ZoneOfAsync(user, ct);
        AtUtc = clock.GetUtcNow().UtcDateTime;
        var offset = Zone.GetUtcOffset(AtUtc);
        Day = DateOnly.FromDateTime(AtUtc + offset);
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        Found = await cache.GetAsync($"spikes|{await AnalyticsData.AudienceAsync(user, ct)}|{Day:O}|{offset.TotalMinutes}",
            () => Spikes.FindAsync(visible, names, Day, offset, CancellationToken.None));
        return Page();
    }
}
