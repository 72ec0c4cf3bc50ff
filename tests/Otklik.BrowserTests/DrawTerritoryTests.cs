using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>Issues 20 and 22, item 6: an area drawn by clicks on the office territories map, named and saved as a drawn territory.</summary>
public sealed class DrawTerritoryTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_area_is_drawn_by_clicks_on_the_map_named_and_saved(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var admin = await browser.SignInAsync(app, Persona.RegionAdmin);
        await admin.SetViewportSizeAsync(1366, 900);
        await admin.GotoAsync("/office/admin/territories");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Нарисовать на карте" }).ClickAsync();
        var map = admin.Locator("[data-territory-preview]");
        var box = (await map.BoundingBoxAsync())!;
        // Four corners around the map's centre, which lies between the two towns, inside the region.
        foreach (var (x, y) in new[] { (0.44f, 0.42f), (0.58f, 0.42f), (0.58f, 0.58f), (0.44f, 0.58f) })
            await admin.Mouse.ClickAsync(box.X + box.Width * x, box.Y + box.Height * y);
        await Assertions.Expect(admin.Locator("[data-draw-count]")).ToHaveTextAsync("4");
        await Assertions.Expect(admin.Locator("path.drawn-shape")).ToHaveCountAsync(1);
        await admin.GetByLabel("Название").FillAsync("Промзона между городами");
        await Browser.ShotAsync(admin, app, "97-admin-territory-drawing");

        await admin.GetByRole(AriaRole.Button, new() { Name = "Сохранить территорию" }).ClickAsync();
        await Assertions.Expect(admin.Locator("p.notice")).ToContainTextAsync("Территория «Промзона между городами» сохранена");
        await Assertions.Expect(admin.Locator("table.territories")).ToContainTextAsync("Промзона между городами — нарисованная");
        var saved = await app.WithDbAsync(db => db.Territories.SingleAsync(t => t.Name == "Промзона между городами"));
        Assert.Equal(TerritoryKind.Drawn, saved.Kind);
        Assert.Contains("\"Polygon\"", saved.BoundaryGeoJson);
        await Browser.ShotAsync(admin, app, "98-admin-territory-drawn");
    }
}
