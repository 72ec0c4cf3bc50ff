using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>The map on the moderation page: territory outlines and the point; a click inside another territory moves the point there.</summary>
public sealed class MapTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_moderator_moves_the_point_to_another_territory_by_clicking_the_map(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var appeal = await app.SubmitAsync(Samples.Pothole(r, text: "Яма на проезжей части у остановки «Школа», колёса проваливаются, нужен ремонт покрытия."));
        Assert.Equal(r.TerritoryA, await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == appeal.Id).Select(a => a.TerritoryId).SingleAsync()));

        var page = await browser.SignInAsync(app, Persona.CentreModerator);
        await page.GotoAsync($"/office/moderation/{appeal.Id}");
        var map = page.Locator("#fix-form [data-map]");
        await Assertions.Expect(map.Locator(".leaflet-marker-icon")).ToBeVisibleAsync();
        var territoryB = map.Locator("path.territory-T-B");
        await Assertions.Expect(map.Locator("path.territory-T-A")).ToBeVisibleAsync();
        await Assertions.Expect(territoryB).ToBeVisibleAsync();

        await map.ScrollIntoViewIfNeededAsync();
        // The outlines let clicks through to the map, so click the map at the middle of territory B's outline.
        var box = await territoryB.BoundingBoxAsync() ?? throw new InvalidOperationException("Territory B has no outline on screen.");
        await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await Assertions.Expect(page.GetByLabel("Долгота", new() { Exact = true })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"^61\.[0-4]\d*$"));
        await Assertions.Expect(page.GetByLabel("Широта", new() { Exact = true })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"^56\.[7-9]\d*$"));
        var lat = double.Parse(await page.GetByLabel("Широта", new() { Exact = true }).InputValueAsync(), CultureInfo.InvariantCulture);
        var lon = double.Parse(await page.GetByLabel("Долгота", new() { Exact = true }).InputValueAsync(), CultureInfo.InvariantCulture);
        await Browser.ShotAsync(page, app, "23-moderation-map");

        await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить исправления" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Классификация исправлена");
        var saved = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == appeal.Id));
        Assert.Equal(r.TerritoryB, saved.TerritoryId);
        Assert.Equal(lat, saved.Latitude!.Value, 5);
        Assert.Equal(lon, saved.Longitude!.Value, 5);
        // After the reload the marker stands at the new point, inside territory B.
        await Assertions.Expect(map.Locator(".leaflet-marker-icon")).ToBeVisibleAsync();
    }
}
