using Otklik.Data;
using Otklik.Features.Analytics;

namespace Otklik.Features.Surveys;

/// <summary>
/// The surveys' satisfaction index as the ranking's satisfaction component (issue 22.4): for an organisation with at
/// least <see cref="SurveyAnalysis.MinGroup"/> questionnaires in the period it replaces the share of 4–5 ratings; its
/// weight is the ranking's `Otklik:Analytics:Ranking:Satisfaction` like the other components'.
/// </summary>
public sealed class SurveySatisfactionSource(AppDbContext db) : ISatisfactionSource
{
    public async Task<IReadOnlyDictionary<Guid, double>> IndexAsync(DateTime fromUtc, DateTime toUtc, CancellationToken ct) =>
        (await SatisfactionIndex.ByOrganisationAsync(db, DateOnly.FromDateTime(fromUtc), DateOnly.FromDateTime(toUtc.AddTicks(-1)), ct))
            .ToDictionary(e => e.OrganisationId, e => Math.Round(e.Index / 100, 4));
}
