using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
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
        var audience = await AnalyticsData.AudienceAsync(user, ct);
        var found = await cache.GetAsync($"spikes|{audience}|{Day:O}|{offset.TotalMinutes}",
            () => Spikes.FindAsync(visible, names, Day, offset, CancellationToken.None));
        // A spike dismissed or confirmed is not shown again for its series and window; the detector itself is untouched.
        var since = Day.AddDays(-7);
        var decided = await db.SpikeDecisions.AsNoTracking()
            .Where(d => d.Audience == audience && d.LastDay > since && d.Mark != SpikeMark.Announced).ToListAsync(ct);
        Found = [.. found.Where(s => !decided.Any(d => d.Covers(s.Series, s.Window, s.To)))];
        return Page();
    }

    /// <summary>Dismisses a spike: kept as dismissed, so the same series and window is not shown again.</summary>
    public async Task<IActionResult> OnPostDismissAsync(string series, SpikeWindow window, DateOnly day, CancellationToken ct)
    {
        if (!await IndexModel.MayAsync(user, ct)) return Forbid();
        if (string.IsNullOrWhiteSpace(series) || series.Length > 200) return BadRequest();
        db.SpikeDecisions.Add(new SpikeDecision
        {
            Id = Guid.CreateVersion7(), Audience = await AnalyticsData.AudienceAsync(user, ct), Series = series, Window = window, LastDay = day,
            Mark = SpikeMark.Dismissed, PersonId = user.RequiredId, AtUtc = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        return Redirect("/office/analytics/spikes");
    }
}
