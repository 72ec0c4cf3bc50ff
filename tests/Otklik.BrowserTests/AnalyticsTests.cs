using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>The analyst's morning in the browser: the dashboard is the home page, a figure opens its appeals, a filter narrows it.</summary>
public sealed class AnalyticsTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_analyst_lands_on_the_dashboard_opens_the_overdue_appeals_and_filters_by_territory(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var late = await app.SubmitAsync(Samples.Subsidy(r));
        var inB = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, TestRegion.InsideB, "Яма на перекрёстке улиц Мира и Гагарина."));
        var call = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, "Звонок: яма у остановки «Рынок».").With("channel", "hotline"), Persona.CentreOperator);
        app.Clock.Advance(TimeSpan.FromDays(1));
        var answered = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, TestRegion.InsideA, "Яма у дома 7 по улице Ленина."));
        app.Clock.Advance(TimeSpan.FromDays(2));
        answered = await app.ActAsync(Persona.MunAExecutor, answered, "answer", new { text = "Яма заделана.", result = "supportedMeasuresTaken" });
        answered = await app.ActAsync(Persona.MunAExecutor, answered, "answer/submit");
        answered = await app.ActAsync(Persona.MunAController, answered, "answer/approve");
        await app.ActAsync(Persona.Applicant, answered, "rate", new { score = 4 });

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var person = await users.FindByIdAsync(r.IdOf(Persona.CentreAnalyst).ToString());
            if (!await users.HasPasswordAsync(person!)) Assert.True((await users.AddPasswordAsync(person!, TestRegion.Password)).Succeeded);
        }
        var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = 1366, Height = 768 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/office/login");
        await page.GetByLabel("Электронная почта").FillAsync($"{Persona.CentreAnalyst}@test.example".ToLowerInvariant());
        await page.GetByLabel("Пароль").FillAsync(TestRegion.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();

        // Home is the dashboard, not "no queues".
        await page.WaitForURLAsync("**/office/analytics");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Аналитика", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".card", new() { HasText = "Поступило" }).Locator(".count")).ToHaveTextAsync("4");
        await Assertions.Expect(page.Locator(".card", new() { HasText = "Средняя оценка" }).Locator(".count")).ToHaveTextAsync("4,00");
        await Assertions.Expect(page.Locator("#freshness")).ToContainTextAsync("Рассчитано");
        await Assertions.Expect(page.Locator("svg[data-chart=territory] rect.bar")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByRole(AriaRole.Table).Filter(new() { HasText = "Территория" })).ToContainTextAsync("Город Б");
        await page.ScreenshotAsync(new() { Path = Shot(app, "90-analytics-dashboard") });
        await page.ScreenshotAsync(new() { Path = Shot(app, "90-analytics-dashboard-full"), FullPage = true });

        // A figure opens its appeals: the subsidy question and the call, three days in moderation, are overdue.
        await Assertions.Expect(page.Locator("a.card", new() { HasText = "Просрочено" }).Locator(".count")).ToHaveTextAsync("2");
        await page.Locator("a.card", new() { HasText = "Просрочено" }).ClickAsync();
        await page.WaitForURLAsync("**/office/appeals?**deadline=overdue**");
        var rows = page.Locator("table.appeals tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("table.appeals")).ToContainTextAsync(late.Number);
        await Assertions.Expect(page.Locator("table.appeals")).ToContainTextAsync(call.Number);
        await Assertions.Expect(page.Locator("#drill")).ToContainTextAsync("Отбор из аналитики");
        await page.ScreenshotAsync(new() { Path = Shot(app, "91-analytics-drill") });

        // Back on the dashboard, territory Б only.
        await page.GotoAsync("/office/analytics");
        await page.GetByLabel("Территория", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Город Б" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Показать" }).ClickAsync();
        await page.WaitForURLAsync("**territoryId=**");
        await Assertions.Expect(page.Locator(".card", new() { HasText = "Поступило" }).Locator(".count")).ToHaveTextAsync("1");
        await page.Locator("section[aria-labelledby=territory-title] table a").First.ClickAsync(); // Город Б: received
        await Assertions.Expect(page.Locator("table.appeals tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("table.appeals tbody tr").First).ToContainTextAsync(inB.Number);
        await context.CloseAsync();
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_analyst_turns_a_spike_into_a_root_cause_with_a_measure(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        await Otklik.Tests.Analytics.SpikeScenario.PlantSpikeInBAsync(app);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var person = await users.FindByIdAsync(app.Region.IdOf(Persona.CentreAnalyst).ToString());
            if (!await users.HasPasswordAsync(person!)) Assert.True((await users.AddPasswordAsync(person!, TestRegion.Password)).Succeeded);
        }
        var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = 1366, Height = 768 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/office/login");
        await page.GetByLabel("Электронная почта").FillAsync($"{Persona.CentreAnalyst}@test.example".ToLowerInvariant());
        await page.GetByLabel("Пароль").FillAsync(TestRegion.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await page.WaitForURLAsync("**/office/analytics");

        await page.GotoAsync("/office/analytics/spikes");
        var row = page.Locator("table.spikes tbody tr").Filter(new() { HasText = "Территория «Город Б»" }).Filter(new() { HasText = "день" });
        await row.GetByRole(AriaRole.Link, new() { Name = "Создать первопричину" }).ClickAsync();
        await page.GetByLabel("В чём проблема").FillAsync("Разрушение дорог после паводка в городе Б");
        await page.GetByLabel("Описание").FillAsync("Семь обращений за утро о ямах в городе Б.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Создать первопричину" }).ClickAsync();
        // The form's explicit action needs asp-antiforgery="true": without it the token was missing and the post got a 400.
        await page.WaitForURLAsync("**/office/analytics/causes/*");
        await Assertions.Expect(page.Locator("table.linked tbody tr")).ToHaveCountAsync(7);

        await page.GetByLabel("Мера", new() { Exact = true }).FillAsync("Ямочный ремонт улиц центра");
        await page.GetByLabel("Ответственная организация").SelectOptionAsync(new SelectOptionValue { Label = "Город Б" });
        await page.GetByLabel("Срок").FillAsync("2026-12-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Добавить меру" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.measures tbody tr").First).ToContainTextAsync("Ямочный ремонт улиц центра");
        await Assertions.Expect(page.Locator("table.measures tbody tr").First).ToContainTextAsync("Город Б");
        await Assertions.Expect(page.Locator("p.muted strong")).ToHaveTextAsync("принимаются меры");
        await page.ScreenshotAsync(new() { Path = Shot(app, "92-analytics-root-cause") });
        await context.CloseAsync();
    }

    static string Shot(TestApp app, string name)
    {
        var folder = Path.Combine(Browser.Screenshots, app.Engine.ToString().ToLowerInvariant());
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }
}
