using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Surveys;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// The seed 002 questionnaire on a 360-px phone by a reception desk's QR link: the follow-up "what could you not find"
/// appears when a rating is 1, 2 or 3 and disappears when it is raised; the answers are stored without it. Then an
/// operator keys in a paper questionnaire from the keyboard alone, and the editor sees the phone preview.
/// </summary>
public sealed class SurveyTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_seed_002_form_is_filled_on_a_phone_with_the_follow_up_appearing_and_disappearing(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var survey = DemoSurveys.InformationSurvey(r.MinInvest, app.Clock.GetUtcNow().UtcDateTime, Guid.NewGuid(), afterAppeal: false);
        var link = new SurveyLink { Id = Guid.NewGuid(), SurveyId = survey.Id, Token = SurveyDesk.NewToken(), Label = "Приёмная", OrganisationId = r.MinInvest, CreatedAtUtc = app.Clock.GetUtcNow().UtcDateTime };
        await app.WithDbAsync(async db => { db.Surveys.Add(survey); db.SurveyLinks.Add(link); await db.SaveChangesAsync(); });

        var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/survey/l/{link.Token}");
        await Assertions.Expect(page.GetByText("Министерство инвестиций и развития")).ToBeVisibleAsync(); // block 1 filled automatically
        // Nothing wider than the phone: no sideways scrolling.
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        var followUp = page.GetByLabel("(24) Уточните, пожалуйста", new() { Exact = false });
        await Assertions.Expect(followUp).ToBeHiddenAsync();
        await Browser.ShotAsync(page, app, "90-survey-phone-start");

        await page.GetByLabel("(12) Муниципальный район").SelectOptionAsync(new SelectOptionValue { Label = "Город А" });
        await page.GetByRole(AriaRole.Group, new() { Name = "(21)" }).GetByText("Скорее удовлетворен", new() { Exact = true }).ClickAsync();
        foreach (var (row, answer) in new[] { ("22.1", "Пользуюсь постоянно"), ("22.2", "Пользуюсь время от времени"), ("22.3", "Вообще не пользуюсь"), ("22.4", "Вообще не пользуюсь") })
            await page.GetByRole(AriaRole.Group, new() { Name = $"({row})" }).GetByText(answer).ClickAsync();
        foreach (var (row, score) in new[] { ("23.1", "5"), ("23.2", "5"), ("23.3", "4"), ("23.4", "5") })
            await page.GetByRole(AriaRole.Group, new() { Name = $"({row})" }).GetByText(score, new() { Exact = true }).ClickAsync();
        await Assertions.Expect(followUp).ToBeHiddenAsync();

        // A rating of 2 asks why; raised to 4, the question goes away; 3 brings it back.
        await page.GetByRole(AriaRole.Group, new() { Name = "(23.2)" }).GetByText("2", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(followUp).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, "91-survey-phone-follow-up-shown");
        await page.GetByRole(AriaRole.Group, new() { Name = "(23.2)" }).GetByText("4", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(followUp).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "(23.2)" }).GetByText("3", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(followUp).ToBeVisibleAsync();
        await followUp.FillAsync("Не нашёл в канале график приёма");
        await page.GetByRole(AriaRole.Button, new() { Name = "Отправить ответы" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Спасибо!" })).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, "92-survey-phone-thanks");

        var answers = await app.WithDbAsync(db => db.SurveyAnswers.AsNoTracking().Where(a => a.SurveyId == survey.Id).ToDictionaryAsync(a => a.Key, a => a.Value));
        Assert.Equal("3", answers["23.2"]);
        Assert.Equal("Не нашёл в канале график приёма", answers["24"]);
        Assert.Equal(r.MinInvest.ToString(), answers["11"]);
        Assert.Equal(r.TerritoryA.ToString(), answers["12"]);
        Assert.True(answers.ContainsKey("13")); // the date and time filled automatically
        await context.CloseAsync();

        // The operator keys in a paper questionnaire without the mouse: a digit moves on to the next field.
        var office = await browser.SignInAsync(app, Persona.ContentEditor);
        await office.GotoAsync($"/office/surveys/{survey.Id}/paper");
        await office.GetByLabel("(12)").SelectOptionAsync(new SelectOptionValue { Label = "Город Б" });
        await office.GetByLabel("(13)").FillAsync("20.11.2026 09:15");
        await office.GetByLabel("(21)").FocusAsync();
        await office.Keyboard.TypeAsync("2" + "1233" + "2155");
        await Assertions.Expect(office.GetByLabel("(24)")).ToBeFocusedAsync();
        await office.Keyboard.TypeAsync("Сайт не открывается");
        await Browser.ShotAsync(office, app, "93-survey-paper-entry");
        await office.Keyboard.PressAsync("Enter");
        await Assertions.Expect(office.GetByRole(AriaRole.Status)).ToContainTextAsync("Анкета сохранена");
        var paper = await app.WithDbAsync(db => db.SurveyResponses.Include(x => x.Answers).AsNoTracking().SingleAsync(x => x.SurveyId == survey.Id && x.Channel == SurveyChannel.Paper));
        Assert.Equal("2;1;2;3;3;2;1;5;5;Сайт не открывается", string.Join(";", paper.Answers.Where(a => a.Key is not ("11" or "12" or "13")).OrderBy(a => a.Id).Select(a => a.Value)));
        Assert.Equal(r.TerritoryB, paper.TerritoryId);

        await office.Context.CloseAsync();
        // The region's administrator edits the ministry's survey and reads its analysis.
        office = await browser.SignInAsync(app, Persona.RegionAdmin);
        await office.GotoAsync($"/office/surveys/edit/{survey.Id}");
        await Assertions.Expect(office.Locator(".phone-frame")).ToBeVisibleAsync();
        await Browser.ShotAsync(office, app, "94-survey-editor-with-phone-preview");
        await office.GotoAsync($"/office/surveys/{survey.Id}/analysis");
        await Browser.ShotAsync(office, app, "95-survey-analysis");
        await office.Context.CloseAsync();
    }
}
