using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Stats;

public sealed record StatusCount(AppealStatus Status, string Title, int Count, int Overdue);

public sealed record GroupCount(Guid? Id, string Name, int Total, int Open, int Overdue);

/// <summary>The centre's dashboard: what the caller sees, counted by status, category and territory, and how much is overdue.</summary>
public sealed record DashboardView(DateTime AtUtc, int Total, int Open, int Overdue,
    IReadOnlyList<StatusCount> ByStatus, IReadOnlyList<GroupCount> ByCategory, IReadOnlyList<GroupCount> ByTerritory);

/// <summary>
/// The dashboard's counts, kept for <see cref="Lifetime"/> per audience: at a million appeals one count reads the whole
/// table (about a second on two cores), so it is made once per interval, whatever the number of people looking, and
/// shows when it was made (<see cref="DashboardView.AtUtc"/>). Concurrent callers of an expired entry wait for the same
/// count (single flight); a failed count is not kept.
/// </summary>
public sealed class DashboardCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    const int MaxEntries = 1000;

    sealed record Entry(DateTime MadeAtUtc, Lazy<Task<DashboardView>> View);

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, Entry> _entries = new();

    public async Task<DashboardView> GetAsync(string key, Func<Task<DashboardView>> count)
    {
        while (true)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            if (_entries.Count > MaxEntries)
                foreach (var old in _entries.Where(e => now - e.Value.MadeAtUtc >= Lifetime)) _entries.TryRemove(old);
            var entry = _entries.GetOrAdd(key, _ => new Entry(now, new Lazy<Task<DashboardView>>(count)));
            if (now - entry.MadeAtUtc >= Lifetime)
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
                continue;
            }
            try
            {
                return await entry.View.Value;
            }
            catch
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
                throw;
            }
        }
    }
}

public static class StatsApi
{
    public static RouteGroupBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/stats").WithTags("Stats");
        group.MapGet("/dashboard", Dashboard).RequireRole(AppealAccess.Viewers).WithName("Dashboard").Produces<DashboardView>()
            .WithSummary("Counts of the appeals the caller sees: by status, category and territory, with the overdue ones.");
        return group;
    }

    static async Task<IResult> Dashboard(AppDbContext db, CurrentUser user, DashboardCache cache, TimeProvider clock, CancellationToken ct)
    {
        // Everyone who sees the whole region shares one count; anyone else has their own (their own appeals are in it).
        var key = await user.IsEverywhereAsync(await user.ScopeAsync(ct, AppealAccess.Viewers), ct) ? "region" : $"person:{user.Id}";
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        return TypedResults.Ok(await cache.GetAsync(key, () => CountAsync(db, visible, clock.GetUtcNow().UtcDateTime, CancellationToken.None)));
    }

    /// <summary>
    /// One grouped pass over the appeals (status × category × territory × past its deadline), folded into the three views
    /// in memory: the groups are a few thousand at most, whatever the number of appeals. Overdue means what the lists'
    /// overdue filter means: not finished, not paused, past the current stage deadline.
    /// </summary>
    public static async Task<DashboardView> CountAsync(AppDbContext db, IQueryable<Appeal> appeals, DateTime nowUtc, CancellationToken ct)
    {
        var rows = await appeals.AsNoTracking()
            .GroupBy(a => new { a.Status, a.CategoryId, a.TerritoryId, Late = a.PausedAtUtc == null && a.DueAtUtc < nowUtc })
            .Select(g => new { g.Key.Status, g.Key.CategoryId, g.Key.TerritoryId, g.Key.Late, Count = g.Count() })
            .ToListAsync(ct);
        var categories = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var territories = await db.Territories.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);

        var groups = rows.Select(r => new
        {
            r.Status, r.CategoryId, r.TerritoryId, r.Count,
            Open = DeadlineStates.Finished.Contains(r.Status) ? 0 : r.Count,
            Overdue = !DeadlineStates.Finished.Contains(r.Status) && r.Late ? r.Count : 0,
        }).ToList();
        var byStatus = groups.GroupBy(g => g.Status).OrderBy(g => g.Key)
            .Select(g => new StatusCount(g.Key, Labels.Of(g.Key), g.Sum(x => x.Count), g.Sum(x => x.Overdue))).ToList();
        var byCategory = groups.GroupBy(g => g.CategoryId)
            .Select(g => new GroupCount(g.Key, categories.GetValueOrDefault(g.Key, "—"), g.Sum(x => x.Count), g.Sum(x => x.Open), g.Sum(x => x.Overdue)))
            .OrderByDescending(g => g.Total).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        var byTerritory = groups.GroupBy(g => g.TerritoryId)
            .Select(g => new GroupCount(g.Key, g.Key is { } id ? territories.GetValueOrDefault(id, "—") : "Без территории",
                g.Sum(x => x.Count), g.Sum(x => x.Open), g.Sum(x => x.Overdue)))
            .OrderByDescending(g => g.Total).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        return new DashboardView(nowUtc, groups.Sum(g => g.Count), groups.Sum(g => g.Open), groups.Sum(g => g.Overdue), byStatus, byCategory, byTerritory);
    }
}
