using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.BrowserTests;

/// <summary>
/// Errors in a browser are pages in the site's frame with a way back: an unknown address, a missing FAQ article and
/// someone else's appeal in the portal frame, a staff member's 403 in the office frame; the API keeps ProblemDetails.
/// </summary>
public sealed class ErrorPagesTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Errors_are_pages_in_the_sites_frame_with_a_way_back_and_the_api_keeps_json(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var mine = await app.AppealInAsync(AppealStatus.Registered);

        foreach (var (width, height, suffix) in new[] { (1280, 900, ""), (360, 740, "-phone") })
        {
            var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = width, Height = height } });
            var page = await context.NewPageAsync();

            var response = await page.GotoAsync("/no-such-page?x=1");
            Assert.Equal(404, response!.Status);
            Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Страница не найдена");
            await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Разделы портала" })).ToBeVisibleAsync();
            await Browser.ShotAsync(page, app, "90-error-404" + suffix);
            await page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "На главную" }).ClickAsync();
            await page.WaitForURLAsync(app.BaseAddress.ToString());

            response = await page.GotoAsync($"/faq/{Guid.NewGuid()}");
            Assert.Equal(404, response!.Status);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Статья не найдена");
            await page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "Частые вопросы" }).ClickAsync();
            await page.WaitForURLAsync("**/faq");
            await context.DisposeAsync();
        }

        // Someone else's appeal under /my: not found among one's own, in the portal frame.
        await PublicSupport.EnsurePasswordAsync(app, Persona.OtherApplicant);
        var other = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = 360, Height = 740 } });
        Assert.Equal(200, (await other.APIRequest.PostAsync("/api/v1/auth/login", new() { DataObject = new { email = "otherapplicant@test.example", password = TestRegion.Password } })).Status);
        var otherPage = await other.NewPageAsync();
        var theirs = await otherPage.GotoAsync($"/my/{mine.Number}");
        Assert.Equal(404, theirs!.Status);
        await Assertions.Expect(otherPage.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Обращение не найдено");
        await Assertions.Expect(otherPage.Locator("main")).Not.ToContainTextAsync(mine.Number);
        await Browser.ShotAsync(otherPage, app, "91-error-my-phone");
        await otherPage.Locator("main").GetByRole(AriaRole.Link, new() { Name = "Мои обращения" }).ClickAsync();
        await otherPage.WaitForURLAsync("**/my");
        await other.DisposeAsync();

        // A staff member without the region administrator's role: 403 in the office frame.
        var staff = await browser.SignInAsync(app, Persona.MunAExecutor);
        var denied = await staff.GotoAsync("/office/routing");
        Assert.Equal(403, denied!.Status);
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Недостаточно прав");
        await Assertions.Expect(staff.Locator("header .brand")).ToHaveTextAsync("Отклик · рабочее место");
        await Browser.ShotAsync(staff, app, "92-error-office-403");
        await staff.Locator("main").GetByRole(AriaRole.Link, new() { Name = "В рабочее место" }).ClickAsync();
        await staff.WaitForURLAsync("**/office");

        // The API answers the same browser in JSON.
        var api = await staff.GotoAsync("/api/v1/no-such-endpoint");
        Assert.Equal(404, api!.Status);
        Assert.StartsWith("application/problem+json", api.Headers["content-type"], StringComparison.Ordinal);
        await staff.Context.DisposeAsync();
    }
}
