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
        await MapAsync(names, ct);
        // Known root causes each spike looks like (its first ones): for those who manage root causes.
        if ((await RootCauseAccess.ManagedAsync(user, ct)).Count > 0)
        {
            var causes = await RootCauseAccess.VisibleAsync(db, user, ct);
            foreach (var s in Found.Take(MaxSuggested))
            {
                var (topic, territory) = (Spikes.TopicOf(s.Series), Spikes.TerritoryOf(s.Series));
                var like = await CauseSuggestions.ForSpikeAsync(db, causes, Spikes.AppealsOf(visible, s.Series, s.Window, s.To, offset),
                    RootCauseDismissal.OfSpike(s.Series, s.Window, s.To), topic, territory, ct);
                if (like.Count > 0) Suggested[s] = like;
            }
        }
        return Page();
    }

    /// <summary>How many spikes (the most unlikely first) are matched against the known root causes.</summary>
    public const int MaxSuggested = 10;

    /// <summary>Per spike, the root causes it looks like by text, topic and territory (ADR 0049).</summary>
    public Dictionary<Spike, List<CauseSuggestions.CauseSuggestion>> Suggested { get; } = [];

    /// <summary>
    /// Accepts a suggestion: the spike's appeals are linked to the existing root cause (marked «из всплеска») and the
    /// spike is marked confirmed with it, as when a new root cause is made from it.
    /// </summary>
    public async Task<IActionResult> OnPostAttachAsync(string series, SpikeWindow window, DateOnly day, Guid causeId, CancellationToken ct)
    {
        if (!await IndexModel.MayAsync(user, ct)) return Forbid();
        if (string.IsNullOrWhiteSpace(series) || series.Length > 200) return BadRequest();
        var cause = await (await RootCauseAccess.VisibleAsync(db, user, ct)).Include(c => c.Appeals).SingleOrDefaultAsync(c => c.Id == causeId, ct);
        if (cause is null) return NotFound();
        if (!await user.ReachesAsync(cause.OrganisationId, ct, RootCauseAccess.Managers)) return Forbid();
        var names = await ListDirectory.LoadAsync(db, ct);
        var zone = await names.ZoneOfAsync(user, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        var ids = await Spikes.AppealsOf(visible, series, window, day, zone.GetUtcOffset(now)).Select(a => a.Id).ToListAsync(ct);
        foreach (var id in ids)
            if (cause.Link(id, fromSpike: true, now)) db.Set<RootCauseAppeal>().Add(cause.Appeals[^1]);
        db.SpikeDecisions.Add(new SpikeDecision
        {
            Id = Guid.CreateVersion7(), Audience = await AnalyticsData.AudienceAsync(user, ct), Series = series, Window = window, LastDay = day,
            Mark = SpikeMark.Confirmed, RootCauseId = cause.Id, PersonId = user.RequiredId, AtUtc = now,
        });
        await db.SaveChangesAsync(ct);
        return Redirect($"/office/analytics/causes/{cause.Id}");
    }

    /// <summary>Turns a suggestion down: this spike is not that root cause; the spike itself stays.</summary>
    public async Task<IActionResult> OnPostNotCauseAsync(string series, SpikeWindow window, DateOnly day, Guid causeId, CancellationToken ct)
    {
        if (!await IndexModel.MayAsync(user, ct)) return Forbid();
        if (string.IsNullOrWhiteSpace(series) || series.Length > 200) return BadRequest();
        if (!await (await RootCauseAccess.VisibleAsync(db, user, ct)).AnyAsync(c => c.Id == causeId, ct)) return NotFound();
        var subject = RootCauseDismissal.OfSpike(series, window, day);
        if (!await db.Set<RootCauseDismissal>().AnyAsync(d => d.RootCauseId == causeId && d.Subject == subject, ct))
        {
            db.Set<RootCauseDismissal>().Add(new RootCauseDismissal { RootCauseId = causeId, Subject = subject, PersonId = user.RequiredId, AtUtc = clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(ct);
        }
        return Redirect("/office/analytics/spikes");
    }

    /// <summary>One territory of the spike map: its spikes (a territory's own and its topics'), each with the link to its appeals.</summary>
    public sealed record MapArea(Guid Id, string Name, int Appeals, IReadOnlyList<Spike> Spikes);

    /// <summary>The territories with a spike, for the map and the table beside it; biggest first.</summary>
    public List<MapArea> Areas { get; private set; } = [];
    /// <summary>The map's data: the region's outlines (grey) and each territory with a spike, tinted by its largest count over its threshold.</summary>
    public string MapJson { get; private set; } = "{}";

    async Task MapAsync(ListDirectory names, CancellationToken ct)
    {
        Areas = [.. Found.Select(s => (Spike: s, Territory: Spikes.TerritoryOf(s.Series))).Where(x => x.Territory is not null)
            .GroupBy(x => x.Territory!.Value)
            .Select(g => new MapArea(g.Key, names.Name(g.Key) ?? "?", g.Max(x => x.Spike.Count), [.. g.Select(x => x.Spike).OrderByDescending(s => s.Count)]))
            .OrderByDescending(a => a.Appeals)];
        var boundaries = await db.Territories.AsNoTracking().Where(t => t.BoundaryGeoJson != "" && t.Kind == Directory.TerritoryKind.Municipality)
            .Select(t => new { t.Id, t.Name, t.BoundaryGeoJson }).ToListAsync(ct);
        var areas = Areas.ToDictionary(a => a.Id);
        MapJson = System.Text.Json.JsonSerializer.Serialize(new
        {
            territories = boundaries.Select(t => new
            {
                name = t.Name,
                geometry = System.Text.Json.JsonDocument.Parse(t.BoundaryGeoJson).RootElement,
                // How far above its usual level: the largest count ÷ threshold of its spikes (1 = just at the threshold).
                level = areas.TryGetValue(t.Id, out var a) ? Math.Round(a.Spikes.Max(s => (double)s.Count / Math.Max(1, s.Threshold)), 2) : 0,
                spikes = areas.TryGetValue(t.Id, out var b)
                    ? b.Spikes.Select(s => new { name = s.Name, window = s.Window == SpikeWindow.Day ? "день" : "неделя", count = s.Count, baseline = s.Baseline, link = s.Link })
                    : null,
            }),
        });
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
