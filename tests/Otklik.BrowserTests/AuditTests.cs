using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Features.Audit;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>The region administrator opens the personal-data audit trail from the office menu, filters it and downloads it.</summary>
public sealed class AuditTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_region_administrator_filters_the_trail_by_appeal_and_downloads_it(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        var b = await app.AppealInAsync(AppealStatus.Registered);
        foreach (var (who, id) in new[] { (Persona.MunAExecutor, a.Id), (Persona.CentreModerator, b.Id), (Persona.CentreAnalyst, a.Id) })
        {
            (await app.ClientAs(who).GetAsync($"/api/v1/appeals/{id}?include=history")).EnsureSuccessStatusCode();
            app.Clock.Advance(TimeSpan.FromMinutes(3));
        }
        await app.Services.GetRequiredService<AuditTrail>().FlushAsync();

        var page = await browser.SignInAsync(app, Persona.RegionAdmin);
        await page.GetByRole(AriaRole.Link, new() { Name = "Журнал доступа" }).ClickAsync();
        await page.WaitForURLAsync("**/office/audit");
        var rows = page.Locator("table.audit tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.First).ToContainTextAsync("Просмотр обращения");
        await Assertions.Expect(rows.First).ToContainTextAsync(a.Number);

        await page.GetByLabel("Номер обращения").FillAsync(a.Number);
        await page.GetByRole(AriaRole.Button, new() { Name = "Показать" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Browser.ShotAsync(page, app, "90-audit-trail");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Выгрузить в CSV" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename);
        var text = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Equal(3, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(a.Number, text);
        Assert.DoesNotContain(b.Number, text);
    }
}
