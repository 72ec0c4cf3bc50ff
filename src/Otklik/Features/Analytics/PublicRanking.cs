using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Workspace;

namespace Otklik.Features.Analytics;

/// <summary>
/// The public part of the ranking on the portal's statistics page: organisations only (never people), over every appeal
/// of the region received in the last <see cref="Days"/> full days, with the configured weights. Aggregates per
/// organisation hold no personal data; the page itself is output-cached, and the figures are kept like the office's.
/// </summary>
public static class PublicRanking
{
    public const int Days = 90;

    public static async Task<RankingView> LoadAsync(AppDbContext db, AnalyticsCache cache, IConfiguration config, DateTime nowUtc, CancellationToken ct)
    {
        var names = await ListDirectory.LoadAsync(db, ct);
        var zoneId = await db.Organisations.AsNoTracking().Where(o => o.ParentId == null).OrderBy(o => o.Name).Select(o => o.TimeZone).FirstOrDefaultAsync(ct);
        var zone = Directory.TimeZones.Find(zoneId ?? "Europe/Moscow");
        var yesterday = DateOnly.FromDateTime(nowUtc + zone.GetUtcOffset(nowUtc)).AddDays(-1);
        var filter = AnalyticsFilter.Parse(yesterday.AddDays(-(Days - 1)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            yesterday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), null, null, null, null, null, null, nowUtc, zone);
        return await cache.GetAsync($"public-ranking|{filter.Key}", () =>
            Ranking.ComputeAsync(db, db.Appeals, filter, byPerson: false, RankingWeights.From(config), names, new Surveys.SurveySatisfactionSource(db), nowUtc, CancellationToken.None));
    }
}
