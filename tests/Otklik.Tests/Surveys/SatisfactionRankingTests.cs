using System.Net;
using Otklik.Features.Analytics;
using Otklik.Features.Appeals;
using Otklik.Features.Surveys;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Surveys;

/// <summary>
/// The surveys' satisfaction index feeds the executors' ranking (issue 22.4) as the satisfaction component, with its own
/// weight; an organisation with fewer than 5 questionnaires keeps the ratings' share (none here: the component is left out).
/// </summary>
public sealed class SatisfactionRankingTests
{
    const string Period = "from=2026-11-23&to=2026-11-25";

    /// <summary>
    /// МО Б answers one pothole on time, on the merits, unrated. Without questionnaires: (40 + 20 + 15 + 10) / 85 = 100.0.
    /// With 5 questionnaires naming МО Б, 4 satisfied (index 0.8): (40 + 20 + 15 + 10 + 15·0.8) / 100 = 97.0; with
    /// wSatisfaction=0 the index weighs nothing again: 100.0. Four questionnaires of МО А stay under the group of 5: no index.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_survey_index_of_an_organisation_is_the_ranking_satisfaction_component_with_its_weight(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var a = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, TestRegion.InsideB, "Яма у дома 3 по улице Мира."));
        a = await app.ActAsync(Persona.MunBExecutor, a, "answer", new { text = "Яма заделана, работы приняты.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(Persona.MunBExecutor, a, "answer/submit");
        await app.ActAsync(Persona.MunBController, a, "answer/approve");
        app.Clock.Advance(TimeSpan.FromDays(2));

        var before = (await RankingAsync(app, Period)).Rows.Single(x => x.Key == r.MunB.ToString());
        Assert.Equal(100.0, before.Score);
        Assert.Null(before.SurveyIndex);

        var now = app.Clock.GetUtcNow().UtcDateTime;
        var survey = DemoSurveys.InformationSurvey(r.MinInvest, now, Guid.NewGuid(), afterAppeal: false);
        await app.WithDbAsync(async db =>
        {
            db.Surveys.Add(survey);
            foreach (var (org, answer) in new[] { (r.MunB, "1"), (r.MunB, "1"), (r.MunB, "2"), (r.MunB, "1"), (r.MunB, "1"), (r.MunA, "1"), (r.MunA, "1"), (r.MunA, "1"), (r.MunA, "1") })
            {
                var response = new SurveyResponse { Id = Guid.NewGuid(), SurveyId = survey.Id, VersionNumber = 1, OrganisationId = org, Channel = SurveyChannel.Paper, SubmittedOn = new DateOnly(2026, 11, 24) };
                response.Answers.Add(new SurveyAnswer { ResponseId = response.Id, SurveyId = survey.Id, Key = "21", Value = answer });
                db.SurveyResponses.Add(response);
            }
            await db.SaveChangesAsync();
        });
        // A new period key: the ranking cache does not hold it.
        var withIndex = await RankingAsync(app, "from=2026-11-22&to=2026-11-25");
        var b = withIndex.Rows.Single(x => x.Key == r.MunB.ToString());
        Assert.Equal(0.8, b.SurveyIndex);
        Assert.Equal(97.0, b.Score);
        Assert.DoesNotContain(withIndex.Rows, x => x.Key == r.MunA.ToString() && x.SurveyIndex is not null);
        Assert.Equal(100.0, (await RankingAsync(app, "from=2026-11-22&to=2026-11-25&wSatisfaction=0")).Rows.Single(x => x.Key == r.MunB.ToString()).Score);
    }

    static async Task<RankingView> RankingAsync(TestApp app, string query) =>
        await (await app.ClientAs(Persona.CentreAnalyst).GetAsync("/api/v1/stats/ranking?" + query).Expect(HttpStatusCode.OK)).ReadAsync<RankingView>();
}
