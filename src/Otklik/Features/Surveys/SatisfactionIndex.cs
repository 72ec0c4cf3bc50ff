using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Surveys;

/// <summary>
/// The satisfaction index of each organisation: the share of questionnaires, over every published survey that names an
/// index question, whose answer to it is one of the "satisfied" values. A public query for the ranking of executors
/// (issue 20): organisations with fewer than <see cref="SurveyAnalysis.MinGroup"/> answers are left out.
/// </summary>
public static class SatisfactionIndex
{
    /// <param name="Index">0–100: the percentage of satisfied answers.</param>
    public sealed record Entry(Guid OrganisationId, int Responses, int Satisfied, double Index);

    public static async Task<IReadOnlyList<Entry>> ByOrganisationAsync(AppDbContext db, DateOnly from, DateOnly to, CancellationToken ct, Guid? surveyId = null)
    {
        var versions = await db.SurveyVersions.AsNoTracking().Where(v => v.PublishedAtUtc != null && (surveyId == null || v.SurveyId == surveyId))
            .Select(v => new { v.SurveyId, v.Number, v.Source }).ToListAsync(ct);
        var totals = new Dictionary<Guid, (int N, int Yes)>();
        foreach (var v in versions)
        {
            if (SurveyForm.Of(v.Source).IndexQuestion is not { } q) continue;
            var rows = await db.SurveyAnswers.AsNoTracking()
                .Where(a => a.SurveyId == v.SurveyId && a.Key == q.Paper)
                .Join(db.SurveyResponses.Where(r => r.SurveyId == v.SurveyId && r.VersionNumber == v.Number && r.OrganisationId != null && r.SubmittedOn >= from && r.SubmittedOn <= to),
                    a => a.ResponseId, r => r.Id, (a, r) => new { r.OrganisationId, a.Value })
                .GroupBy(x => new { x.OrganisationId, x.Value }).Select(g => new { g.Key.OrganisationId, g.Key.Value, N = g.Count() }).ToListAsync(ct);
            foreach (var r in rows)
            {
                var t = totals.GetValueOrDefault(r.OrganisationId!.Value);
                totals[r.OrganisationId.Value] = (t.N + r.N, t.Yes + (q.Satisfied.Contains(r.Value) ? r.N : 0));
            }
        }
        return [.. totals.Where(t => t.Value.N >= SurveyAnalysis.MinGroup)
            .Select(t => new Entry(t.Key, t.Value.N, t.Value.Yes, Math.Round(100.0 * t.Value.Yes / t.Value.N, 1)))
            .OrderByDescending(e => e.Index).ThenByDescending(e => e.Responses)];
    }
}
