using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Analytics;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Analytics;

/// <summary>
/// The sample review of answers (ADR 0036) on the dashboard's fixed data set (DashboardScenario.FillAsync): МО А has
/// two standing answers received 23.11–07.12 (S1 on time, S6 late; S2's answer was taken back by its reopening).
/// </summary>
public sealed class AnswerReviewTests
{
    const string Period = "from=2026-11-23&to=2026-12-07";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_reproducible_sample_reviewed_against_the_rubric_feeds_the_ranking_with_hand_computed_figures(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var (s1, _, _, _, _, s6) = await DashboardScenario.FillAsync(app);

        var analyst = await FormSession.SignInAsync(app, Persona.CentreAnalyst);
        await analyst.GetAsync("/office/analytics/reviews");
        var drawn = await analyst.PostAsync("/office/analytics/reviews", Draw(r.MunA, size: 5, seed: 42));
        Assert.Equal(HttpStatusCode.Redirect, drawn.StatusCode);
        var sampleId = Guid.Parse(drawn.Headers.Location!.ToString().Split('/')[^1]);
        var sample = await app.WithDbAsync(db => db.ReviewSamples.AsNoTracking().Include(s => s.Items).SingleAsync(s => s.Id == sampleId));
        // The population is the two standing answers; five asked, two drawn.
        Assert.Equal((2, 42), (sample.Population, sample.Seed));
        Assert.Equal(new[] { s1.Id, s6.Id }.Order(), sample.Items.Select(i => i.AppealId).Order());

        // The same seed draws the same answers in the same order: a sample of one is the first of the sample of five.
        await analyst.GetAsync("/office/analytics/reviews");
        var again = await analyst.PostAsync("/office/analytics/reviews", Draw(r.MunA, size: 1, seed: 42));
        var againId = Guid.Parse(again.Headers.Location!.ToString().Split('/')[^1]);
        var one = await app.WithDbAsync(db => db.AnswerReviews.AsNoTracking().Where(i => i.SampleId == againId).Select(i => i.AppealId).ToListAsync());
        Assert.Equal([sample.Items.Single(i => i.Position == 1).AppealId], one);

        // A review with a criterion left unmarked is refused by that criterion; nothing is kept.
        var posOf1 = sample.Items.Single(i => i.AppealId == s1.Id).Position;
        var posOf6 = sample.Items.Single(i => i.AppealId == s6.Id).Position;
        var page = await analyst.GetAsync($"/office/analytics/reviews/{sampleId}?item={posOf1}");
        Assert.Contains("Яма заделана, работы приняты.", page);
        var refused = await analyst.PostAsync($"/office/analytics/reviews/{sampleId}?item={posOf1}", Marks("Yes", "Yes", "", "Yes", "Yes", "Yes"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("id=\"m2-error\" class=\"field-error\">Отметьте: да, частично или нет.", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.AnswerReviews.CountAsync(i => i.Score != null)));

        // S1: all «да» = 1. S6: да, частично, нет, да, да, нет = (1 + ½ + 0 + 1 + 1 + 0) / 6 = 0.5833. Mean 0.7917.
        var saved = await analyst.PostAsync($"/office/analytics/reviews/{sampleId}?item={posOf1}", Marks("Yes", "Yes", "Yes", "Yes", "Yes", "Yes"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await analyst.GetAsync($"/office/analytics/reviews/{sampleId}?item={posOf6}");
        var last = await analyst.PostAsync($"/office/analytics/reviews/{sampleId}?item={posOf6}", Marks("Yes", "Partly", "No", "Yes", "Yes", "No", "Срок работ не назван."));
        Assert.EndsWith("?done=1", last.Headers.Location!.ToString());
        var reviewed = await app.WithDbAsync(db => db.AnswerReviews.AsNoTracking().SingleAsync(i => i.SampleId == sampleId && i.AppealId == s6.Id));
        Assert.Equal((0.5833, "Срок работ не назван.", (Guid?)r.IdOf(Persona.CentreAnalyst)), (Math.Round(reviewed.Score!.Value, 4), reviewed.AddressesQuestionComment, reviewed.ReviewerId));
        var html = Regex.Replace(await analyst.GetAsync($"/office/analytics/reviews/{sampleId}"), "\\s+", " ");
        Assert.Contains("Проверено <strong data-count=\"reviewed\">2</strong> из 2, средний балл <strong data-count=\"score\">79,2</strong>", html);

        // The ranking: МО А's components of DashboardFiguresTests plus c(проверка) = 0.7917 with weight 10:
        // (40·0.5 + 20·1 + 15·⅔ + 10·⅔ + 15·0.5 + 10·0.7917) / 110 = 72.083 / 110 = 65.5. МО Б has no review: 100.0 as before.
        var v = await DashboardFiguresTests.RankingAsync(app, Persona.CentreAnalyst, Period);
        var a = v.Rows.Single(x => x.Key == r.MunA.ToString());
        Assert.Equal((2, 0.7917, 65.5), (a.Reviewed, a.ReviewScore!.Value, a.Score!.Value));
        Assert.Equal(100.0, v.Rows.Single(x => x.Key == r.MunB.ToString()).Score);
        // Its weight is configurable like the others: weight 0 gives the score without it.
        Assert.Equal(64.2, (await DashboardFiguresTests.RankingAsync(app, Persona.CentreAnalyst, Period + "&wReview=0")).Rows.Single(x => x.Key == r.MunA.ToString()).Score);
        // By person, for МО А's head: the specialist answered both.
        Assert.Equal(65.5, (await DashboardFiguresTests.RankingAsync(app, Persona.MunAController, Period + "&by=person")).Rows.Single().Score);
        var ranking = await analyst.GetAsync($"/office/analytics/ranking?{Period}");
        Assert.Contains("15·Удовлетворённость + 10·Проверка)", ranking);
        Assert.Contains("79,2 % (2)", ranking);

        // Scope: МО Б's head neither sees МО А's sample nor draws one for МО А; an applicant has no such page.
        var other = await FormSession.SignInAsync(app, Persona.MunBController);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetRawAsync($"/office/analytics/reviews/{sampleId}")).StatusCode);
        var list = await other.GetAsync("/office/analytics/reviews");
        Assert.DoesNotContain(sampleId.ToString(), list);
        var outOfScope = await other.PostAsync("/office/analytics/reviews", Draw(r.MunA, size: 5, seed: 1));
        Assert.Contains("id=\"organisationId-error\" class=\"field-error\">Выберите организацию из своей сферы ведения.", await outOfScope.Content.ReadAsStringAsync());
        Assert.Equal(2, await app.WithDbAsync(db => db.ReviewSamples.CountAsync()));
        var applicant = await FormSession.SignInAsync(app, Persona.Applicant);
        Assert.Equal(HttpStatusCode.Forbidden, (await applicant.GetRawAsync("/office/analytics/reviews")).StatusCode);
    }

    static Dictionary<string, string> Draw(Guid org, int size, int seed) => new()
    {
        ["organisationId"] = org.ToString(), ["from"] = "2026-11-23", ["to"] = "2026-12-07", ["size"] = size.ToString(), ["seed"] = seed.ToString(),
    };

    static Dictionary<string, string> Marks(params string[] values)
    {
        var fields = new Dictionary<string, string>();
        for (var i = 0; i < 6; i++) if (values[i].Length > 0) fields[$"m{i}"] = values[i];
        if (values.Length > 6) fields["c0"] = values[6];
        return fields;
    }
}
