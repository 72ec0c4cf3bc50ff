using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>A controller-analyst's sample review in the browser: draw a sample of an organisation's answers, mark each against the rubric.</summary>
public sealed class AnswerReviewBrowserTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_analyst_draws_a_sample_and_reviews_each_answer_against_the_rubric(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        await Otklik.Tests.Analytics.DashboardScenario.FillAsync(app);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var person = await users.FindByIdAsync(app.Region.IdOf(Persona.CentreAnalyst).ToString());
            if (!await users.HasPasswordAsync(person!)) Assert.True((await users.AddPasswordAsync(person!, TestRegion.Password)).Succeeded);
        }
        var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/office/login");
        await page.GetByLabel("Электронная почта").FillAsync($"{Persona.CentreAnalyst}@test.example".ToLowerInvariant());
        await page.GetByLabel("Пароль").FillAsync(TestRegion.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await page.WaitForURLAsync("**/office/analytics");

        await page.GetByRole(AriaRole.Link, new() { Name = "Проверка ответов" }).First.ClickAsync();
        await page.WaitForURLAsync("**/office/analytics/reviews");
        await page.GetByLabel("Организация-исполнитель").SelectOptionAsync(app.Region.MunA.ToString());
        await page.GetByLabel("Поступившие с").FillAsync("2026-11-23");
        await page.GetByLabel("по", new() { Exact = true }).FillAsync("2026-12-07");
        await page.GetByLabel("Сколько ответов").FillAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Сделать выборку" }).ClickAsync();
        await page.WaitForURLAsync("**/office/analytics/reviews/*");
        await Assertions.Expect(page.Locator("table.sample-items tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("p.answer-text")).ToContainTextAsync("Яма заделана");
        // The result in the words of the ССТУ list, not the enum's name.
        await Assertions.Expect(page.Locator("p.muted", new() { HasTextString = "Результат:" })).ToContainTextAsync("Результат: Рассмотрено.");

        // Saving with a criterion unmarked shows the error by it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить оценку" }).ClickAsync();
        await Assertions.Expect(page.Locator("#m0-error")).ToHaveTextAsync("Отметьте: да, частично или нет.");

        for (var answer = 0; answer < 2; answer++)
        {
            var fieldsets = page.Locator("form.rubric fieldset");
            await Assertions.Expect(fieldsets).ToHaveCountAsync(6);
            for (var i = 0; i < 6; i++)
                await fieldsets.Nth(i).GetByLabel(answer == 1 && i == 2 ? "частично" : "да", new() { Exact = true }).CheckAsync();
            if (answer == 1)
            {
                await fieldsets.Nth(2).GetByLabel("Комментарий").FillAsync("Срок работ не назван.");
                await page.ScreenshotAsync(new() { Path = Shot(app, "95-answer-review"), FullPage = true });
            }
            await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить оценку" }).ClickAsync();
            await page.WaitForURLAsync(answer == 0 ? "**item=*" : "**done=1");
        }
        // (6 + 5.5) / 6 / 2: all «да», then one «частично» — 100 and 91.7, mean 95.8.
        await Assertions.Expect(page.Locator("[data-count=score]")).ToHaveTextAsync("95,8");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Все ответы выборки проверены");
        await page.ScreenshotAsync(new() { Path = Shot(app, "96-answer-review-done"), FullPage = true });

        await page.GotoAsync("/office/analytics/ranking?from=2026-11-23&to=2026-12-07");
        await Assertions.Expect(page.Locator("tr[data-key='" + app.Region.MunA + "']")).ToContainTextAsync("95,8 % (2)");
        await context.CloseAsync();
    }

    static string Shot(TestApp app, string name)
    {
        var folder = Path.Combine(Browser.Screenshots, app.Engine.ToString().ToLowerInvariant());
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }
}
