using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Surveys;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Surveys;

/// <summary>Surveys over HTTP on both engines: versions, the desk link, paper questionnaires, the analysis figures, the export, the invitation after an answer.</summary>
public sealed class SurveyPagesTests(AppPool pool) : IClassFixture<AppPool>
{
    static string Token(string html) => FormSession.TokenIn(html) ?? "";

    static async Task<Survey> SeedSurveyAsync(TestApp app, bool anonymous = true, bool afterAppeal = false)
    {
        var survey = DemoSurveys.InformationSurvey(app.Region.MinInvest, app.Clock.GetUtcNow().UtcDateTime, Guid.NewGuid(), afterAppeal);
        survey.IsAnonymous = anonymous;
        await app.WithDbAsync(async db => { db.Surveys.Add(survey); await db.SaveChangesAsync(); });
        return survey;
    }

    static async Task<SurveyLink> DeskLinkAsync(TestApp app, Survey survey, Guid organisation)
    {
        var link = new SurveyLink { Id = Guid.NewGuid(), SurveyId = survey.Id, Token = SurveyDesk.NewToken(), Label = "Приёмная", OrganisationId = organisation, CreatedAtUtc = app.Clock.GetUtcNow().UtcDateTime };
        await app.WithDbAsync(async db => { db.SurveyLinks.Add(link); await db.SaveChangesAsync(); });
        return link;
    }

    static Dictionary<string, string> Answers(TestApp app, string q21, string q231, string? q24 = null) => new()
    {
        ["q[12]"] = app.Region.TerritoryA.ToString(), ["q[21]"] = q21,
        ["q[22.1]"] = "1", ["q[22.2]"] = "2", ["q[22.3]"] = "3", ["q[22.4]"] = "3",
        ["q[23.1]"] = q231, ["q[23.2]"] = "5", ["q[23.3]"] = "4", ["q[23.4]"] = "5", ["q[24]"] = q24 ?? "",
    };

    static async Task<HttpResponseMessage> AnswerByLinkAsync(TestApp app, SurveyLink link, Dictionary<string, string> answers)
    {
        using var visitor = app.CookieClient();
        var form = await visitor.HtmlAsync($"/survey/l/{link.Token}");
        return await visitor.PostAsync($"/survey/l/{link.Token}", new FormUrlEncodedContent(answers.Append(new("__RequestVerificationToken", Token(form)))));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_edit_after_publication_makes_a_new_version_and_the_answers_keep_theirs(Engine engine)
    {
        var app = await pool.For(engine);
        using var editor = await Office.SignInAsync(app, Persona.ContentEditor);
        var blank = await editor.HtmlAsync("/office/surveys/edit");
        var title = "Оценка приёма " + Guid.NewGuid().ToString("N")[..6];
        Dictionary<string, string> Fields(string source, string? version = null, string action = "publish") => new()
        {
            ["__RequestVerificationToken"] = Token(blank), ["Title"] = title, ["OwnerOrganisationId"] = app.Region.Centre.ToString(),
            ["RepeatDays"] = "90", ["Source"] = source, ["Version"] = version ?? "", ["action"] = action,
        };

        // A mistake in the text: nothing saved, the line named next to the field.
        var bad = await editor.PostAsync("/office/surveys/edit", new FormUrlEncodedContent(Fields("[1] Оценка | шкала 1-5\n[2] Почему? | текст | если 5 = 1")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("Строка 2: Условие вопроса 2 ссылается на 5", await bad.Content.ReadAsStringAsync());
        Assert.False(await app.WithDbAsync(db => db.Surveys.AnyAsync(s => s.Title == title)));

        const string v1 = "[1] Как вас приняли? | шкала 1-5 | обязательный | индекс 4, 5\n[2] Что было не так? | текст | если 1 = 1, 2, 3";
        var created = await editor.PostAsync("/office/surveys/edit", new FormUrlEncodedContent(Fields(v1)));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var survey = await app.WithDbAsync(db => db.Surveys.Include(s => s.Versions).AsNoTracking().SingleAsync(s => s.Title == title));
        Assert.Equal(1, survey.CurrentVersion);
        var page = await editor.HtmlAsync($"/office/surveys/edit/{survey.Id}");
        Assert.Contains("class=\"phone-frame survey\"", page); // the phone preview renders the form
        Assert.Contains("name=\"q[1]\"", page);

        var link = await DeskLinkAsync(app, survey, app.Region.Centre);
        using (var visitor = app.CookieClient())
        {
            var form = await visitor.HtmlAsync($"/survey/l/{link.Token}");
            var sent = await visitor.PostAsync($"/survey/l/{link.Token}", new FormUrlEncodedContent(new Dictionary<string, string>
                { ["__RequestVerificationToken"] = Token(form), ["q[1]"] = "2", ["q[2]"] = "Долго ждал" }));
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        }

        // The edit: a new draft, the published text unchanged; publishing makes version 2 the current one.
        blank = page;
        var edited = await editor.PostAsync($"/office/surveys/edit/{survey.Id}", new FormUrlEncodedContent(Fields(v1 + "\n[3] Ваш возраст | один\n    1 = до 35\n    2 = 35 и старше", survey.Version.ToString(), "save")));
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        var after = await app.WithDbAsync(db => db.Surveys.Include(s => s.Versions).AsNoTracking().SingleAsync(s => s.Id == survey.Id));
        Assert.Equal(1, after.CurrentVersion);
        Assert.Equal(v1, after.Versions.Single(v => v.Number == 1).Source);
        Assert.Null(after.Versions.Single(v => v.Number == 2).PublishedAtUtc);
        await app.WithDbAsync(async db => { var s = await db.Surveys.Include(x => x.Versions).SingleAsync(x => x.Id == survey.Id); s.Publish(app.Clock.GetUtcNow().UtcDateTime); await db.SaveChangesAsync(); });
        var response = await app.WithDbAsync(db => db.SurveyResponses.Include(r => r.Answers).AsNoTracking().SingleAsync(r => r.SurveyId == survey.Id));
        Assert.Equal(1, response.VersionNumber);
        Assert.Equal(SurveyChannel.Reception, response.Channel);
        Assert.Equal(app.Region.Centre, response.OrganisationId);
        Assert.Equal(["1:2", "2:Долго ждал"], response.Answers.OrderBy(a => a.Key).Select(a => a.Key + ":" + a.Value));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_operator_keys_in_a_paper_questionnaire_marked_as_entered_from_paper_by_them(Engine engine)
    {
        var app = await pool.For(engine);
        var survey = await SeedSurveyAsync(app);
        using var clerk = await Office.SignInAsync(app, Persona.ContentEditor);
        var form = await clerk.HtmlAsync($"/office/surveys/{survey.Id}/paper");
        // The fields go in the paper's order; the organisation is the clerk's own, the date today.
        var order = Regex.Matches(form, "name=\"q\\[([0-9.]+)\\]\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(["12", "13", "21", "22.1", "22.2", "22.3", "22.4", "23.1", "23.2", "23.3", "23.4", "24"], order);
        Assert.Contains($"<option value=\"{app.Region.Centre}\" selected=\"selected\">", form);
        Assert.Contains("value=\"2026-11-23\"", form);

        var fields = Answers(app, "2", "3", "Нет расписания приёма").Select(f => KeyValuePair.Create(f.Key, f.Value)).ToList();
        fields.AddRange([new("q[13]", "20.11.2026 14:30"), new("Org", app.Region.Centre.ToString()), new("On", "2026-11-21"), new("__RequestVerificationToken", Token(form))]);
        var wrong = fields.Select(f => f.Key == "q[22.2]" ? KeyValuePair.Create(f.Key, "8") : f).ToList();
        var refused = await clerk.PostAsync($"/office/surveys/{survey.Id}/paper", new FormUrlEncodedContent(wrong));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("id=\"q-22-2-error\"", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.SurveyResponses.CountAsync(r => r.SurveyId == survey.Id)));

        var saved = await clerk.PostAsync($"/office/surveys/{survey.Id}/paper", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var response = await app.WithDbAsync(db => db.SurveyResponses.Include(r => r.Answers).AsNoTracking().SingleAsync(r => r.SurveyId == survey.Id));
        Assert.Equal(SurveyChannel.Paper, response.Channel);
        Assert.Equal(app.Region.IdOf(Persona.ContentEditor), response.EnteredByPersonId);
        Assert.Equal(app.Region.Centre, response.OrganisationId);
        Assert.Equal(app.Region.TerritoryA, response.TerritoryId);
        Assert.Equal(new DateOnly(2026, 11, 21), response.SubmittedOn);
        Assert.Null(response.PersonId);
        Assert.Null(response.SubmittedAtUtc); // anonymous: no time of day
        Assert.Equal("2026-11-20T14:30", response.Answers.Single(a => a.Key == "13").Value);
        Assert.Equal("Нет расписания приёма", response.Answers.Single(a => a.Key == "24").Value);
        Assert.Equal(app.Region.Centre.ToString(), response.Answers.Single(a => a.Key == "11").Value);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_analysis_matches_hand_computed_figures_hides_small_groups_and_exports_by_paper_number(Engine engine)
    {
        var app = await pool.For(engine);
        var survey = await SeedSurveyAsync(app);
        var link = await DeskLinkAsync(app, survey, app.Region.MinInvest);
        using var analyst = await Office.SignInAsync(app, Persona.RegionAdmin);

        // 4 answers of an anonymous survey: fewer than 5, nothing is shown.
        var given = new[] { ("1", "5", ""), ("1", "4", ""), ("2", "2", "На сайте нет телефона"), ("1", "1", "Сайт не открывается") };
        foreach (var (a21, a231, a24) in given)
            Assert.Equal(HttpStatusCode.Redirect, (await AnswerByLinkAsync(app, link, Answers(app, a21, a231, a24))).StatusCode);
        var hidden = await analyst.HtmlAsync($"/office/surveys/{survey.Id}/analysis");
        Assert.Contains("меньше 5 анкет не показываются", hidden);
        Assert.DoesNotContain("class=\"analysis-table\"", hidden);

        // Two more: 6 questionnaires. 21: 1,1,2,1,2,1 → satisfied 4 of 6 = 66.7 %. 23.1: 5,4,2,1,3,5 → mean 20/6 = 3.33, 4–5 in 3 of 6 = 50.0 %.
        Assert.Equal(HttpStatusCode.Redirect, (await AnswerByLinkAsync(app, link, Answers(app, "2", "3", "Сайт устарел"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AnswerByLinkAsync(app, link, Answers(app, "1", "5", "Лишний текст: оценка 5"))).StatusCode);
        var html = await analyst.HtmlAsync($"/office/surveys/{survey.Id}/analysis");
        Assert.Contains("<strong id=\"responses\">6</strong>", html);
        var q21 = Regex.Match(html, "<table class=\"analysis-table\" data-key=\"21\">.*?</table>", RegexOptions.Singleline).Value;
        Assert.Contains("<td>Скорее удовлетворен</td><td>4</td><td>66.7%</td>", q21.Replace(",", ".", StringComparison.Ordinal));
        Assert.Contains("<td data-satisfied>66.7%</td>", q21.Replace(",", ".", StringComparison.Ordinal));
        var q231 = Regex.Match(html, "<table class=\"analysis-table\" data-key=\"23.1\">.*?</table>", RegexOptions.Singleline).Value.Replace(",", ".", StringComparison.Ordinal);
        Assert.Contains("<td data-mean>3.33</td>", q231);
        Assert.Contains("<td data-satisfied>50.0%</td>", q231);
        Assert.Contains("<td data-answered>6</td>", q231);
        Assert.Contains("<svg", html);
        // The follow-up of the rating 5 was not kept: 3 texts, under 5, so an anonymous survey shows no group of them.
        Assert.Equal(3, await app.WithDbAsync(db => db.SurveyAnswers.CountAsync(a => a.SurveyId == survey.Id && a.Key == "24")));

        // The index of the ministry: 4 of 6 satisfied.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var index = await SatisfactionIndex.ByOrganisationAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), DateOnly.MinValue, DateOnly.MaxValue, default, survey.Id);
            var entry = Assert.Single(index);
            Assert.Equal((app.Region.MinInvest, 6, 4, 66.7), (entry.OrganisationId, entry.Responses, entry.Satisfied, entry.Index));
        }

        // The filter by channel: no paper questionnaires, so nothing shown (and fewer than 5).
        Assert.Contains("<strong id=\"responses\">0</strong>", await analyst.HtmlAsync($"/office/surveys/{survey.Id}/analysis?Channel=Paper"));
        // A comparison with an earlier, empty period.
        Assert.Contains("<strong id=\"responses2\">0</strong>", await analyst.HtmlAsync($"/office/surveys/{survey.Id}/analysis?From2=2026-01-01&To2=2026-01-31"));

        var csv = await analyst.GetStringAsync($"/office/surveys/{survey.Id}/analysis?handler=export&format=csv");
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Анкета;Дата;Версия;Канал;Организация;Муниципальное образование;Введена с бумаги;11;12;13;21;22.1;22.2;22.3;22.4;23.1;23.2;23.3;23.4;24", lines[0]);
        Assert.Equal(7, lines.Length);
        Assert.StartsWith("3;23.11.2026;1;стойка приёма (ссылка, QR-код);Министерство", lines[3], StringComparison.Ordinal);
        Assert.EndsWith(";2;1;2;3;3;2;5;4;5;На сайте нет телефона", lines[3], StringComparison.Ordinal);
        var xlsx = await analyst.GetAsync($"/office/surveys/{survey.Id}/analysis?handler=export&format=xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        using var book = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()), false);
        var first = book.WorkbookPart!.WorksheetParts.First().Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>().First();
        Assert.Contains("22.1", first.InnerText, StringComparison.Ordinal);

        // An executor of a municipality reads nothing of it.
        using var outsider = await Office.SignInAsync(app, Persona.MunAExecutor);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/office/surveys/{survey.Id}/analysis")).StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_answer_letter_carries_a_personal_link_once_per_period_answered_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var survey = await SeedSurveyAsync(app, afterAppeal: true);
        var to = MailBox.NewAddress("survey");
        var body = Samples.Pothole(app.Region).With("applicant", new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Иванова", ["firstName"] = "Мария", ["email"] = to });
        var a = await app.AppealInAsync(AppealStatus.AnswerSent, body);
        await app.DispatchMailAsync();
        var letter = await app.Mail.WaitForAsync(to, m => m.Subject == $"Ответ на обращение № {a.Number}");
        var url = Regex.Match(letter.TextBody ?? "", @"http\S+/survey/i/[A-Za-z0-9_-]+").Value;
        Assert.NotEmpty(url);
        var path = new Uri(url).AbsolutePath;

        using (var visitor = app.CookieClient())
        {
            var form = await visitor.HtmlAsync(path);
            var sent = await visitor.PostAsync(path, new FormUrlEncodedContent(Answers(app, "1", "5").Append(new("__RequestVerificationToken", Token(form)))));
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
            var again = await visitor.PostAsync(path, new FormUrlEncodedContent(Answers(app, "2", "1").Append(new("__RequestVerificationToken", Token(form)))));
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }
        var response = await app.WithDbAsync(db => db.SurveyResponses.AsNoTracking().SingleAsync(r => r.SurveyId == survey.Id));
        Assert.Equal(SurveyChannel.Letter, response.Channel);
        Assert.Equal(app.Region.MunA, response.OrganisationId); // the executor's organisation, from the invitation
        Assert.Null(response.PersonId); // anonymous: nothing ties it to the applicant
        Assert.Null(response.SubmittedAtUtc);

        // A second appeal answered within the period: its letter has no survey link.
        var b = await app.AppealInAsync(AppealStatus.AnswerSent, body);
        await app.DispatchMailAsync();
        var second = await app.Mail.WaitForAsync(to, m => m.Subject == $"Ответ на обращение № {b.Number}");
        Assert.DoesNotContain("/survey/i/", second.TextBody ?? "", StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.SurveyInvitations.CountAsync()));
    }
}
