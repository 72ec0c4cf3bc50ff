using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Issue 14, item 15: the pages work under the Content-Security-Policy they are served with (no inline script, nothing
/// from elsewhere): the portal's home, the submit page with its map, the office card with its map and the API viewer.
/// Any violation the browser reports in the console fails the test.
/// </summary>
public sealed class SecurityHeadersTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_portal_the_submit_map_the_office_card_and_the_API_viewer_run_under_the_policy_without_a_violation(Engine engine)
    {
        var app = await pool.For(engine);
        var appeal = await app.SubmitAsync(Samples.Pothole(app.Region));

        // An applicant on the portal.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var person = await users.FindByIdAsync(app.Region.IdOf(Persona.Applicant).ToString()) ?? throw new InvalidOperationException("No applicant.");
            if (!await users.HasPasswordAsync(person)) Assert.True((await users.AddPasswordAsync(person, TestRegion.Password)).Succeeded);
        }
        var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = 1280, Height = 900 } });
        var portal = await context.NewPageAsync();
        var violations = Watch(portal);

        var home = await portal.GotoAsync("/");
        var policy = await home!.HeaderValueAsync("content-security-policy") ?? "";
        Assert.Contains("script-src 'self';", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("nosniff", await home.HeaderValueAsync("x-content-type-options"));
        Assert.Equal("strict-origin-when-cross-origin", await home.HeaderValueAsync("referrer-policy"));
        await Assertions.Expect(portal.GetByRole(AriaRole.Link, new() { Name = "Подать обращение" }).First).ToBeVisibleAsync();

        Assert.True((await context.APIRequest.PostAsync("/api/v1/auth/login",
            new() { DataObject = new { email = "applicant@test.example", password = TestRegion.Password } })).Ok);
        await portal.GotoAsync("/submit");
        await portal.GetByLabel("Проблема").CheckAsync();
        await portal.Locator(".step.current [data-next]").ClickAsync();
        await portal.GetByLabel("Категория обращения").SelectOptionAsync(new SelectOptionValue { Label = "Городское благоустройство" });
        await portal.Locator(".step.current [data-next]").ClickAsync();
        await portal.GetByLabel("Тема обращения").SelectOptionAsync(new SelectOptionValue { Label = "Ямы на дорогах" });
        await portal.Locator(".step.current [data-next]").ClickAsync();
        var map = portal.Locator("[data-map]");
        await Assertions.Expect(map.Locator("path.territory-T-A")).ToBeVisibleAsync();
        await map.ScrollIntoViewIfNeededAsync();
        var box = await map.Locator("path.territory-T-A").BoundingBoxAsync() ?? throw new InvalidOperationException("No outline on screen.");
        await portal.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await Assertions.Expect(portal.Locator("#route-info")).ToContainTextAsync("Территория: Город А.");
        await Browser.ShotAsync(portal, app, "90-csp-submit-map");

        // The API viewer, with its own policy.
        var docs = await portal.GotoAsync("/api-docs/");
        Assert.Contains("frame-ancestors 'none'", await docs!.HeaderValueAsync("content-security-policy") ?? "");
        await portal.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Browser.ShotAsync(portal, app, "91-csp-api-docs");
        Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join("\n", violations));
        // The viewer has read the API description and lists its operations.
        await Assertions.Expect(portal.Locator("#app")).ToContainTextAsync("Otklik", new() { Timeout = 30_000 });
        await Assertions.Expect(portal.Locator("#app")).ToContainTextAsync("/appeals", new() { Timeout = 30_000 });

        // A moderator's card of the appeal, with its map.
        var office = await browser.SignInAsync(app, Persona.CentreModerator);
        var officeViolations = Watch(office);
        await office.GotoAsync($"/office/appeals/{appeal.Id}");
        await office.Locator("#card-details > summary").ClickAsync(); // the map is under «Подробнее»
        await Assertions.Expect(office.Locator("[data-map] .leaflet-marker-icon")).ToBeVisibleAsync();
        await office.GotoAsync("/office/moderation");
        await Browser.ShotAsync(office, app, "92-csp-office-card");

        Assert.True(violations.Count + officeViolations.Count == 0, "CSP violations:\n" + string.Join("\n", violations.Concat(officeViolations)));
    }

    static List<string> Watch(IPage page)
    {
        var found = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                lock (found) found.Add(page.Url + ": " + message.Text);
        };
        return found;
    }
}
