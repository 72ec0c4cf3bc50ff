using System.Net;
using DocumentFormat.OpenXml.Packaging;
using Otklik.Features.Analytics;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Analytics;

/// <summary>
/// The analytics dashboard (/api/v1/stats/overview and /office/analytics) on a small fixed data set whose every figure is
/// computed by hand below. The analyst's zone is Yekaterinburg (UTC+5); the test clock starts Monday 23.11.2026 07:00 UTC.
/// </summary>
public sealed class DashboardFiguresTests
{
    const string Period = "from=2026-11-23&to=2026-12-07";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_figure_matches_the_hand_computed_value_and_drills_to_its_appeals(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var (s1, s2, s3, s4, s5, s6) = await DashboardScenario.FillAsync(app);

        var f = await OverviewAsync(app, Persona.CentreAnalyst, Period);
        Assert.Equal("23.11.2026 — 07.12.2026", f.Period);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, f.AtUtc);
        Assert.Equal(6, f.Incoming);
        Assert.Equal(2, f.Open);        // S2 (reopened, in work) and S4 (moderation)
        Assert.Equal(1, f.Overdue);     // S4: its 48-hour moderation ran out long ago
        Assert.Equal(1, f.AtRisk);      // S2: due at the end of 07.12, at risk from the working day before the control date
        Assert.Equal(3, f.Answered);    // S1, S3, S6; S2's answer was taken back by the reopening
        Assert.Equal(2, f.AnsweredOnTime);
        // S1 and S3 on time, S6 late, S4 open past its deadline: 2 of 4 (the public /stats definition), not 2 of 3.
        Assert.Equal(50.0, f.OnTimePercent);
        Assert.Equal(2.0, f.MedianDaysToAnswer);   // of 1, 2, 12
        Assert.Equal(12.0, f.P90DaysToAnswer);     // rank ⌈0.9·3⌉ = 3
        Assert.Equal(2, f.Rated);
        Assert.Equal(3.0, f.AverageRating);        // (5 + 1) / 2
        Assert.Equal(50.0, f.PositivePercent);
        Assert.Equal(4, f.EverAnswered);           // S1, S2, S3, S6
        Assert.Equal(1, f.Reopened);
        Assert.Equal(25.0, f.ReopenedPercent);
        Assert.Equal([1, 0, 0, 0, 1], f.Ratings.Select(b => b.Count));

        // Days of receipt in Yekaterinburg: five on 23.11, one on 24.11, none after; weeks start on Monday.
        Assert.Equal(15, f.ByPeriod.Count);
        Assert.Equal((5, 1, 0), (f.ByPeriod[0].Count, f.ByPeriod[1].Count, f.ByPeriod.Skip(2).Sum(b => b.Count)));
        var weeks = await OverviewAsync(app, Persona.CentreAnalyst, Period + "&granularity=week");
        Assert.Equal([6, 0, 0], weeks.ByPeriod.Select(b => b.Count));

        Assert.Equal([("portal", 5), ("hotline", 1)], f.ByChannel.Select(s => (s.Key, s.Total)));
        Assert.Equal((5, 1), (f.ByCategory.Single(s => s.Key == r.CityCategory.ToString()).Total, f.ByCategory.Single(s => s.Key == r.BusinessCategory.ToString()).Total));
        Assert.Equal((4, 1, 1), (f.ByTerritory.Single(s => s.Key == r.TerritoryA.ToString()).Total, f.ByTerritory.Single(s => s.Key == r.TerritoryB.ToString()).Total,
            f.ByTerritory.Single(s => s.Key == "").Total));
        var munA = f.ByOrganisation.Single(s => s.Key == r.MunA.ToString());
        Assert.Equal((3, 1, 0), (munA.Total, munA.Open, munA.Overdue));
        Assert.Equal(1, f.ByOrganisation.Single(s => s.Key == r.MunB.ToString()).Total);
        Assert.Equal(2, f.ByOrganisation.Single(s => s.Key == "").Total); // S4 and S5 never left moderation

        // Each figure opens the list of exactly the appeals it counts.
        var office = await Office.SignInAsync(app, Persona.CentreAnalyst);
        async Task<HashSet<string>> Drill(string link) => [.. Office.Numbers(await office.HtmlAsync(link))];
        HashSet<string> N(params AppealView[] a) => [.. a.Select(x => x.Number)];
        string Link(string title) => f.Figures.Single(x => x.Title == title).Link!;
        Assert.Equal(N(s1, s2, s3, s4, s5, s6), await Drill(Link("Поступило")));
        Assert.Equal(N(s2, s4), await Drill(Link("Открыто")));
        Assert.Equal(N(s4), await Drill(Link("Просрочено")));
        Assert.Equal(N(s2), await Drill(Link("Срок истекает")));
        Assert.Equal(N(s1, s3, s6), await Drill(Link("Дан ответ")));
        Assert.Equal(N(s1, s3), await Drill(Link("Ответов в срок, %")));
        Assert.Equal(N(s2), await Drill(Link("Возвращено после низкой оценки, %")));
        Assert.Equal(N(s1), await Drill(f.Ratings[4].Link));
        Assert.Equal(N(s1, s2, s6), await Drill(munA.Link));
        Assert.Equal(N(s2), await Drill(munA.OpenLink));
        Assert.Equal(N(s5), await Drill(f.ByChannel.Single(s => s.Key == "hotline").Link));
        Assert.Equal(N(s6), await Drill(f.ByPeriod[1].Link));
        Assert.Contains("Отбор из аналитики", await office.HtmlAsync(Link("Дан ответ")));

        // Filters narrow every figure: territory B holds only S3.
        var b = await OverviewAsync(app, Persona.CentreAnalyst, $"{Period}&territoryId={r.TerritoryB}");
        Assert.Equal((1, 1, 1.0), (b.Incoming, b.Answered, b.MedianDaysToAnswer));
        Assert.Equal(1, (await OverviewAsync(app, Persona.CentreAnalyst, $"{Period}&channel=hotline")).Incoming);
        Assert.Equal(1, (await OverviewAsync(app, Persona.CentreAnalyst, $"{Period}&regime=businessConsultation")).Incoming);
        Assert.Equal(3, (await OverviewAsync(app, Persona.CentreAnalyst, $"{Period}&organisationId={r.MunA}")).Incoming);
        Assert.Equal(1, (await OverviewAsync(app, Persona.CentreAnalyst, "from=2026-11-24&to=2026-11-24")).Incoming);

        // The head of municipality A sees the figures of what municipality A may see: S1, S2, S6.
        var head = await OverviewAsync(app, Persona.MunAController, Period);
        Assert.Equal((3, 2, 1, 1), (head.Incoming, head.Answered, head.Reopened, head.AnsweredOnTime));
        Assert.Equal(0, (await OverviewAsync(app, Persona.MunBController, $"{Period}&territoryId={r.TerritoryA}")).Incoming);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Wrong_filters_are_refused_naming_the_field_and_the_page_and_exports_show_the_same_figures(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        await app.AppealInAsync(AppealStatus.InWork);
        var analyst = app.ClientAs(Persona.CentreAnalyst);
        var problem = await (await analyst.GetAsync("/api/v1/stats/overview?from=2026-12-01&to=2026-11-01").Expect(HttpStatusCode.BadRequest)).ProblemAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty("from", out _));
        problem = await (await analyst.GetAsync("/api/v1/stats/overview?channel=pigeon").Expect(HttpStatusCode.BadRequest)).ProblemAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty("channel", out _));
        await app.ClientAs(Persona.Applicant).GetAsync("/api/v1/stats/overview").Expect(HttpStatusCode.Forbidden);

        // The analyst's home is the dashboard; it says when its figures were made.
        var office = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var home = await office.GetAsync("/office");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/office/analytics", home.Headers.Location?.OriginalString);
        var page = await office.HtmlAsync("/office/analytics");
        Assert.Contains("Рассчитано 23.11.2026 12:00", page);
        Assert.Contains("<svg class=\"bars\"", page);
        Assert.Contains("Дата в виде ГГГГ-ММ-ДД.", await office.HtmlAsync("/office/analytics?from=вчера"));

        var csv = System.Text.Encoding.UTF8.GetString(await office.GetByteArrayAsync("/office/analytics/export.csv?from=2026-11-23&to=2026-11-23"));
        Assert.Contains("Показатели;Поступило;1;http", csv);
        var xlsx = await office.GetByteArrayAsync("/office/analytics/export.xlsx?from=2026-11-23&to=2026-11-23");
        using var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var texts = doc.WorkbookPart!.WorksheetParts.Single().Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Cell>().Select(c => c.InnerText).ToList();
        Assert.Contains("Поступило", texts);
    }

    /// <summary>
    /// The ranking on the same data, by hand. МО А (S1, S2, S6): 2 answers, 1 on time (0.5); both on the merits (1);
    /// 3 answered at least once, 1 returned for rework and 1 reopened (1 − 1/3 each); ratings 5 and 1 (0.5):
    /// (40·0.5 + 20·1 + 15·2/3 + 10·2/3 + 15·0.5) / 100 = 64.2. МО Б (S3): on time, on the merits, no rework, no reopening,
    /// no rating — satisfaction left out: (40 + 20 + 15 + 10) / 85 = 100.0.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_ranking_matches_the_hand_computed_scores_with_its_components_weights_and_the_period_before(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await DashboardScenario.FillAsync(app);

        var v = await RankingAsync(app, Persona.CentreAnalyst, Period);
        Assert.Equal([r.MunB.ToString(), r.MunA.ToString()], v.Rows.Select(x => x.Key));
        var a = v.Rows[1];
        Assert.Equal((2, 3, 2, 1, 0.5, 1.0), (a.Place!.Value, a.Volume, a.Answered, a.AnsweredOnTime, a.OnTimeShare!.Value, a.SubstanceShare!.Value));
        Assert.Equal((3, 1, 0.3333, 1, 0.3333), (a.EverAnswered, a.Returned, a.ReturnedShare!.Value, a.Reopened, a.ReopenedShare!.Value));
        Assert.Equal((2, 3.0, 0.5), (a.Rated, a.AverageRating!.Value, a.PositiveShare!.Value));
        Assert.Equal((1, 1.5), (a.LateCount, a.AverageDaysLate!.Value)); // S6: due at the end of 04.12 (19:00 UTC), answered 06.12 07:00 UTC
        Assert.Equal(64.2, a.Score);
        var b = v.Rows[0];
        Assert.Equal((1, 100.0, (double?)null), (b.Place!.Value, b.Score!.Value, b.PositiveShare));
        Assert.Null(a.PreviousScore); // nothing was received in the fortnight before

        // Another weighting: satisfaction weighs nothing — (20 + 20 + 10 + 6.67) / 85.
        Assert.Equal(66.7, (await RankingAsync(app, Persona.CentreAnalyst, Period + "&wSatisfaction=0")).Rows.Single(x => x.Key == r.MunA.ToString()).Score);
        await app.ClientAs(Persona.CentreAnalyst).GetAsync($"/api/v1/stats/ranking?{Period}&wOnTime=500").Expect(HttpStatusCode.BadRequest);

        // 24.11–07.12 against 10.11–23.11: МО А has S6 alone now — late, on the merits, returned: (20 + 10) / 85 = 35.3;
        // before, S1 and S2: (40 + 20 + 15 + 10·0.5 + 15·0.5) / 100 = 87.5, second after МО Б.
        var now = (await RankingAsync(app, Persona.CentreAnalyst, "from=2026-11-24&to=2026-12-07")).Rows.Single();
        Assert.Equal((35.3, 1, 87.5, 2, -52.2), (now.Score!.Value, now.Place!.Value, now.PreviousScore!.Value, now.PreviousPlace!.Value, now.Change!.Value));

        // People, for an organisation's head: МО А's specialist did all three.
        var people = await RankingAsync(app, Persona.MunAController, Period + "&by=person");
        Assert.Equal((r.IdOf(Persona.MunAExecutor).ToString(), 3, 64.2), (people.Rows.Single().Key, people.Rows.Single().Volume, people.Rows.Single().Score!.Value));

        // The federal ranking's first block as the region's data allow.
        string F(string title) => v.Federal.Single(i => i.Title == title).Value;
        Assert.Equal("8 из 9", F("Организаций подключено к платформе"));
        Assert.Equal("3 (50,0 %)", F("Рассмотрено (дан ответ)"));
        Assert.Equal("100,0 %", F("Зарегистрировано в течение 3 дней"));
        // S1 and S3 on time of 3 answers plus S4 open past its deadline: 2 of 4, the dashboard's and /stats' definition.
        Assert.Equal("50,0 %", F("Ответов в срок"));

        // The office page shows the formula and the components; the portal shows the organisations' part to everyone.
        var office = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var page = await office.HtmlAsync($"/office/analytics/ranking?{Period}");
        Assert.Contains("Балл = 100 × (40·В срок + 20·По существу + 15·(1 − Доработка) + 10·(1 − Повторно) + 15·Удовлетворённость + 10·Проверка)", page);
        Assert.Contains("64,2", page);
        var stats = await (await app.Anonymous().GetAsync("/stats").Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync();
        Assert.Contains("Рейтинг организаций", stats);
        Assert.Matches("Город Б</th><td class=\"num\">100,0</td>", stats);
        Assert.DoesNotContain(r.IdOf(Persona.MunAExecutor).ToString(), stats);

        // A day later S2 (reopened, due at the end of 07.12) is open past its deadline and counts as late, as on the
        // dashboard: c(в срок) = 1 on time ÷ (2 answered + 1 overdue) = ⅓, not ½ —
        // (40·⅓ + 20·1 + 15·⅔ + 10·⅔ + 15·0.5) / 100 = 57.5.
        app.Clock.Advance(TimeSpan.FromDays(1));
        var later = (await RankingAsync(app, Persona.CentreAnalyst, Period)).Rows.Single(x => x.Key == r.MunA.ToString());
        Assert.Equal((1, 2, 1, 0.3333, 57.5), (later.OverdueNow, later.Answered, later.AnsweredOnTime, later.OnTimeShare!.Value, later.Score!.Value));
    }

    internal static async Task<RankingView> RankingAsync(TestApp app, Persona who, string query) =>
        await (await app.ClientAs(who).GetAsync("/api/v1/stats/ranking?" + query).Expect(HttpStatusCode.OK)).ReadAsync<RankingView>();

    static async Task<DashboardFigures> OverviewAsync(TestApp app, Persona who, string query) =>
        await (await app.ClientAs(who).GetAsync("/api/v1/stats/overview?" + query).Expect(HttpStatusCode.OK)).ReadAsync<DashboardFigures>();
}
