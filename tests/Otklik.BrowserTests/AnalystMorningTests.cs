using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Analytics;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// The analyst's morning (issue 20, Tests): the dashboard → a spike → its appeals → a root-cause record with a measure →
/// a targeted message to the applicants of that problem → a report, each step a screenshot.
/// </summary>
public sealed class AnalystMorningTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_analysts_morning_from_the_dashboard_to_a_report(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await Otklik.Tests.Analytics.SpikeScenario.PlantSpikeInBAsync(app);
        // One of this morning's applicants in Город Б has a portal account (e-mail news on): the message will reach them.
        await app.WithDbAsync(async db =>
        {
            var id = await db.Appeals.Where(a => a.TerritoryId == r.TerritoryB).OrderBy(a => a.Number).Select(a => a.Id).FirstAsync();
            return await db.Appeals.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.ApplicantUserId, (Guid?)r.IdOf(Persona.Applicant)));
        });
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var person = await users.FindByIdAsync(r.IdOf(Persona.CentreAnalyst).ToString());
            if (!await users.HasPasswordAsync(person!)) Assert.True((await users.AddPasswordAsync(person!, TestRegion.Password)).Succeeded);
        }
        var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/office/login");
        await page.GetByLabel("Электронная почта").FillAsync($"{Persona.CentreAnalyst}@test.example".ToLowerInvariant());
        await page.GetByLabel("Пароль").FillAsync(TestRegion.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();

        // 1. The dashboard.
        await page.WaitForURLAsync("**/office/analytics");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Аналитика", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#freshness")).ToContainTextAsync("Рассчитано");
        await page.ScreenshotAsync(new() { Path = Shot(app, "97-morning-1-dashboard") });

        // 2. A spike: seven appeals this morning in Город Б, where there are usually none.
        await page.Locator("p.list-tools").GetByRole(AriaRole.Link, new() { Name = "Всплески" }).ClickAsync();
        await page.WaitForURLAsync("**/office/analytics/spikes");
        var row = page.Locator("table.spikes tbody tr").Filter(new() { HasText = "Территория «Город Б»" }).Filter(new() { HasText = "день" });
        await Assertions.Expect(row.Locator("td.num a")).ToHaveTextAsync("7");
        await page.ScreenshotAsync(new() { Path = Shot(app, "97-morning-2-spike") });

        // 3. Its appeals.
        await row.Locator("td.num a").ClickAsync();
        await page.WaitForURLAsync("**/office/appeals?**");
        await Assertions.Expect(page.Locator("table.appeals tbody tr")).ToHaveCountAsync(7);
        await page.ScreenshotAsync(new() { Path = Shot(app, "97-morning-3-appeals") });

        // 4. A root-cause record from the spike, with a measure.
        await page.GoBackAsync();
        await row.GetByRole(AriaRole.Link, new() { Name = "Создать первопричину" }).ClickAsync();
        await page.GetByLabel("В чём проблема").FillAsync("Разрушение дорог после паводка в городе Б");
        await page.GetByRole(AriaRole.Button, new() { Name = "Создать первопричину" }).ClickAsync();
        await page.WaitForURLAsync("**/office/analytics/causes/*");
        await Assertions.Expect(page.Locator("table.linked tbody tr")).ToHaveCountAsync(7);
        await page.GetByLabel("Мера", new() { Exact = true }).FillAsync("Ямочный ремонт улиц центра");
        await page.GetByLabel("Ответственная организация").SelectOptionAsync(new SelectOptionValue { Label = "Город Б" });
        await page.GetByLabel("Срок").FillAsync("2026-12-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Добавить меру" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.measures tbody tr").First).ToContainTextAsync("Ямочный ремонт улиц центра");
        await page.ScreenshotAsync(new() { Path = Shot(app, "97-morning-4-root-cause"), FullPage = true });

        // 5. A targeted message to the applicants of that problem in город Б, also on the portal's map: count first, then send.
        await page.GotoAsync("/office/analytics/informing");
        await page.GetByLabel("Территория").SelectOptionAsync(new SelectOptionValue { Label = "Город Б" });
        await page.GetByLabel("Подписчики известной проблемы").SelectOptionAsync(new SelectOptionValue { Label = "Разрушение дорог после паводка в городе Б" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Посчитать получателей" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-count=appeals]")).ToHaveTextAsync("7");
        await Assertions.Expect(page.Locator("[data-count=consented]")).ToHaveTextAsync("1");
        await page.GetByLabel("Тема письма").FillAsync("Ремонт дорог в городе Б");
        await page.GetByLabel("Текст").FillAsync("С 1 декабря начинается ямочный ремонт улиц центра города Б.");
        await page.GetByLabel("Показать на карте портала до").FillAsync("2026-11-30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Отправить", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("table.campaigns tbody tr").First).ToContainTextAsync("отправляется: 0 из 1");
        await Assertions.Expect(page.Locator("table.campaigns tbody tr").First).ToContainTextAsync("30.11.2026");
        await page.ScreenshotAsync(new() { Path = Shot(app, "97-morning-5-message"), FullPage = true });
        await page.GotoAsync("/map");
        await Assertions.Expect(page.Locator("article.map-notice").First).ToContainTextAsync("Город Б: Ремонт дорог в городе Б");
        await Assertions.Expect(page.Locator("article.map-notice").First).ToContainTextAsync("Актуально до 30.11.2026");
        await page.ScreenshotAsync(new() { Path = Shot(app, "97-morning-5-map"), FullPage = true });

        // 6. A report: the fortnightly mailing from today, made by the schedule's pass, kept in the archive.
        await page.GotoAsync("/office/analytics/reports");
        await page.GetByLabel("Отчёт", new() { Exact = true }).SelectOptionAsync(nameof(ReportKind.Fortnightly));
        await page.GetByLabel("Адреса (через запятую или по одному в строке)").FillAsync("centre@example.ru");
        await page.GetByLabel("Первая рассылка").FillAsync("2026-11-23");
        await page.GetByRole(AriaRole.Button, new() { Name = "Добавить рассылку" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.mailings tbody tr")).ToHaveCountAsync(1);
        Assert.Equal(1, await app.WithDbAsync(db => ReportSchedule.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default)));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("table.reports tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("table.reports tbody tr").First.GetByRole(AriaRole.Link, new() { Name = "PDF" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot(app, "97-morning-6-report"), FullPage = true });
        await context.CloseAsync();
    }

    static string Shot(TestApp app, string name)
    {
        var folder = Path.Combine(Browser.Screenshots, app.Engine.ToString().ToLowerInvariant());
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }
}
