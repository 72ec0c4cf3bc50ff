using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Analytics;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Issue 20, the rest (ADR 0049), as the analyst sees it: the spike map, a spike opened from the map to its appeals, the
/// suggestions on a root cause, and an area drawn from the informing form and back with it chosen.
/// </summary>
public sealed class CentreMapBrowserTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_analyst_opens_a_spike_from_the_map_sees_suggestions_and_draws_an_area_for_a_message(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var first = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Глубокая яма у дома 3 по улице Мира."));
        var near = await app.SubmitAsync(Samples.Pothole(r, (56.851, 61.251), "Выбоина у дома 5 по улице Мира, колёса пробиты."), Persona.OtherApplicant);
        await Otklik.Tests.Analytics.SpikeScenario.PlantSpikeInBAsync(app);
        var id = await app.WithDbAsync(async db =>
        {
            var cause = RootCause.Create("Ямы на улице Мира", null, r.PotholeTopic, r.TerritoryB, r.Region, null, r.IdOf(Persona.CentreAnalyst), app.Clock.GetUtcNow().UtcDateTime);
            cause.Link(first.Id, false, app.Clock.GetUtcNow().UtcDateTime);
            db.RootCauses.Add(cause);
            await db.SaveChangesAsync();
            return cause.Id;
        });
        var page = await browser.SignInAsync(app, Persona.CentreAnalyst, "**/office/analytics**");
        await page.SetViewportSizeAsync(1366, 900);

        // The spike map: Город Б tinted; a click opens its spikes, each a link to its appeals.
        await page.GotoAsync("/office/analytics/spikes");
        await Assertions.Expect(page.Locator("path.spike-area")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("ul.cause-suggestions").First).ToContainTextAsync("Похоже на «Ямы на улице Мира»");
        await Browser.ShotAsync(page, app, "c1-spike-map");
        await page.Locator("path.spike-area").ClickAsync(new() { Force = true });
        var popupLink = page.Locator(".leaflet-popup-content a", new() { HasText = "Территория «Город Б», день" });
        await Assertions.Expect(popupLink).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, "c2-spike-map-popup");
        await popupLink.ClickAsync();
        await page.WaitForURLAsync("**/office/appeals?**");
        Assert.True(await page.Locator("tr[data-number]").CountAsync() >= 7);
        await Browser.ShotAsync(page, app, "c3-spike-appeals");

        // The root cause offers the nearby pothole; «Связать» links it.
        await page.GotoAsync($"/office/analytics/causes/{id}");
        var row = page.Locator($"tr[data-suggested=\"{near.Number}\"]");
        await Assertions.Expect(row).ToContainTextAsync("та же тема");
        await Browser.ShotAsync(page, app, "c4-cause-suggestions");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Связать обращение {near.Number} с первопричиной" }).ClickAsync();
        await Assertions.Expect(page.Locator($"table.linked tr[data-number=\"{near.Number}\"]")).ToContainTextAsync("по подсказке");

        // From the informing form: draw an area, come back with it chosen.
        await page.GotoAsync("/office/analytics/informing");
        await page.GetByRole(AriaRole.Link, new() { Name = "Нарисовать территорию на карте" }).ClickAsync();
        await page.WaitForURLAsync("**/office/analytics/areas?back=informing");
        var map = page.Locator("[data-territory-preview]");
        await Assertions.Expect(map.Locator("path").First).ToBeVisibleAsync();
        var box = (await map.BoundingBoxAsync())!;
        foreach (var (x, y) in new[] { (0.44f, 0.42f), (0.58f, 0.42f), (0.58f, 0.58f), (0.44f, 0.58f) })
            await page.Mouse.ClickAsync(box.X + box.Width * x, box.Y + box.Height * y);
        await Assertions.Expect(page.Locator("[data-draw-count]")).ToHaveTextAsync("4");
        await page.GetByLabel("Название").FillAsync("Промзона между городами");
        await Browser.ShotAsync(page, app, "c5-analyst-draws-an-area");
        await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить и вернуться" }).ClickAsync();
        await page.WaitForURLAsync("**/office/analytics/informing?territoryId=**");
        await Assertions.Expect(page.Locator("#i-territory option:checked")).ToHaveTextAsync("Промзона между городами");
        await Browser.ShotAsync(page, app, "c6-informing-with-the-drawn-area");
        Assert.Equal(TerritoryKind.Drawn, await app.WithDbAsync(db => db.Territories.Where(t => t.Name == "Промзона между городами").Select(t => t.Kind).SingleAsync()));
    }
}
