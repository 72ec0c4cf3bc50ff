using System.Collections.Concurrent;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>
/// The analytics' computed figures, kept for <see cref="Lifetime"/> per audience and filter, like the older dashboard's
/// counts (<see cref="Stats.DashboardCache"/>): made once per interval whatever the number of people looking, each
/// saying when it was made. Concurrent callers of an expired entry wait for the same computation; a failure is not kept.
/// </summary>
public sealed class AnalyticsCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    const int MaxEntries = 2000;

    sealed record Entry(DateTime MadeAtUtc, Lazy<Task<object>> Value);

    readonly ConcurrentDictionary<string, Entry> _entries = new();

    public async Task<T> GetAsync<T>(string key, Func<Task<T>> make) where T : class
    {
        while (true)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            if (_entries.Count > MaxEntries)
                foreach (var old in _entries.Where(e => now - e.Value.MadeAtUtc >= Lifetime)) _entries.TryRemove(old);
            var entry = _entries.GetOrAdd(key, _ => new Entry(now, new Lazy<Task<object>>(async () => await make())));
            if (now - entry.MadeAtUtc >= Lifetime)
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
                continue;
            }
            try
            {
                return (T)await entry.Value.Value;
            }
            catch
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
                throw;
            }
        }
    }
}

/// <summary>What the page and the API share: the person's scope, the filter, the cache.</summary>
public static class AnalyticsData
{
    public static async Task<RankingView> RankingAsync(AppDbContext db, CurrentUser user, AnalyticsCache cache, AnalyticsFilter filter, bool byPerson,
        RankingWeights weights, ListDirectory names, ISatisfactionSource? surveys, DateTime nowUtc, CancellationToken ct)
    {
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        return await cache.GetAsync($"ranking|{await AudienceAsync(user, ct)}|{filter.Key}|{byPerson}|{weights}",
            () => Ranking.ComputeAsync(db, visible, filter, byPerson, weights, names, surveys, nowUtc, CancellationToken.None));
    }

    /// <summary>Everyone who sees the whole region shares one entry per filter; anyone else has their own.</summary>
    public static async Task<string> AudienceAsync(CurrentUser user, CancellationToken ct) =>
        await user.IsEverywhereAsync(await user.ScopeAsync(ct, AppealAccess.Viewers), ct) ? "region" : $"person:{user.Id}";

    public static async Task<DashboardFigures> DashboardAsync(AppDbContext db, CurrentUser user, AnalyticsCache cache, AnalyticsFilter filter,
        ListDirectory names, DateTime nowUtc, CancellationToken ct)
    {
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        return await cache.GetAsync($"dashboard|{await AudienceAsync(user, ct)}|{filter.Key}",
            () => Dashboard.ComputeAsync(db, visible, filter, names, nowUtc, CancellationToken.None));
    }
}

public static class AnalyticsApi
{
    /// <summary>GET /api/v1/stats/ranking: the executors' ranking with its components, weights and the period before.</summary>
    static async Task<IResult> RankingEndpoint(HttpRequest request, AppDbContext db, CurrentUser user, AnalyticsCache cache, TimeProvider clock,
        IConfiguration config, IServiceProvider services, CancellationToken ct)
    {
        var names = await ListDirectory.LoadAsync(db, ct);
        var zone = await names.ZoneOfAsync(user, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var filter = AnalyticsFilter.FromQuery(request.Query, now, zone);
        var weights = RankingWeights.From(config).With(request.Query);
        var by = request.Query["by"].ToString();
        if (by is not ("" or "organisation" or "person")) throw new InputException("by", "request.invalid_parameter", "Параметр «by»: organisation или person.");
        return TypedResults.Ok(await AnalyticsData.RankingAsync(db, user, cache, filter, by == "person", weights, names, services.GetService<ISatisfactionSource>(), now, ct));
    }

    public static RouteGroupBuilder MapAnalyticsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/stats").WithTags("Stats");
        group.MapGet("/overview", Overview).RequireRole(AppealAccess.Viewers).WithName("AnalyticsOverview").Produces<DashboardFigures>()
            .WithSummary("The analytics dashboard over the appeals the caller sees: incoming by day/week/month, by channel, category, territory "
                + "and executor; open, at risk, overdue; median and 90th percentile of the time to answer; on-time share; ratings; reopened share. "
                + "Filters: from, to (yyyy-MM-dd, local dates), territoryId, organisationId (executor), channel, regime, kind, granularity (day, week, month). "
                + "Each figure links to the office list of the appeals behind it; atUtc says when the figures were computed (kept 60 s).");
        group.MapGet("/ranking", RankingEndpoint).RequireRole(AppealAccess.Viewers).WithName("AnalyticsRanking").Produces<RankingView>()
            .WithSummary("The ranking of executors over the appeals the caller sees: per organisation (by=organisation) or per assignee (by=person), "
                + "each component, the score by the documented formula with the configured weights (wOnTime, wSubstance, wRework, wReopened, "
                + "wSatisfaction override them, 0–100), the score and place of the period before, and the federal ranking's first-block indicators.");
        return group;
    }

    static async Task<IResult> Overview(HttpRequest request, AppDbContext db, CurrentUser user, AnalyticsCache cache, TimeProvider clock, CancellationToken ct)
    {
        var names = await ListDirectory.LoadAsync(db, ct);
        var zone = await names.ZoneOfAsync(user, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var filter = AnalyticsFilter.FromQuery(request.Query, now, zone);
        return TypedResults.Ok(await AnalyticsData.DashboardAsync(db, user, cache, filter, names, now, ct));
    }
}
