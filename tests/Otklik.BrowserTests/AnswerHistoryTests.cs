using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.BrowserTests;

/// <summary>The history of answers on /my on a 360 px phone: a reopened appeal answered again shows both answers.</summary>
public sealed class AnswerHistoryTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Both_answers_of_a_reopened_appeal_fit_a_phone_newest_first(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var a = await app.AppealInAsync(AppealStatus.AnswerSent, PublicSupport.Published(app.Region, 6, "Яма у дома 7 по улице Ленина, колесо пробито."));
        a = await app.ActAsync(Persona.Applicant, a, "rate", new { score = 2, comment = "Яму так и не заделали" });
        var (_, executor, controller) = Scenario.Staff(app, a);
        a = await app.ActAsync(executor, a, "answer", new { text = "Покрытие переложено 2 декабря, фото прилагаем.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(executor, a, "answer/submit");
        a = await app.ActAsync(controller, a, "answer/approve");

        await PublicSupport.EnsurePasswordAsync(app, Persona.Applicant);
        var context = await browser.Chromium.NewContextAsync(new()
        {
            BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = 360, Height = 740 },
        });
        await context.APIRequest.PostAsync("/api/v1/auth/login", new() { DataObject = new { email = "applicant@test.example", password = TestRegion.Password } });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/my/{a.Number}");
        var answers = page.Locator("#answers .answer-item");
        await Assertions.Expect(answers).ToHaveCountAsync(2);
        await Assertions.Expect(answers.Nth(0)).ToContainTextAsync("Покрытие переложено 2 декабря");
        await Assertions.Expect(answers.Nth(1)).ToContainTextAsync("Яма будет заделана до 1 декабря");
        await Assertions.Expect(answers.Nth(1)).ToContainTextAsync("Ваша оценка: 2 из 5 — Яму так и не заделали");
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 360, "/my is wider than the phone.");
        await Browser.ShotAsync(page, app, "70-my-answer-history-phone");

        await page.GotoAsync($"/appeals/{a.Number}");
        await Assertions.Expect(page.Locator("#earlier-answers")).ToContainTextAsync("Оценка заявителя: 2 из 5");
        await Browser.ShotAsync(page, app, "71-public-answer-history-phone");
        await context.DisposeAsync();
    }
}
