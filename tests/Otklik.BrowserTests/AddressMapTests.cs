using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// The place step of the submission with the address register, on a 360-px phone and a desktop, on the plain background
/// (no tile server): type an address and pick it (the marker goes there), tap the map (the nearest address fills the
/// field), «Моё местоположение» (the browser's position, given by the test).
/// </summary>
public sealed class AddressMapTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    /// <summary>A few houses of territory A (the register of AddressRegisterTests in short).</summary>
    const string Register = """
        settlement;street_type;street;house;lat;lon
        г. Тестоград;ул.;Ленина;5;56.8000;60.2000
        г. Тестоград;ул.;Ленина;5А;56.8001;60.2003
        г. Тестоград;ул.;Ленина;7;56.8000;60.2010
        г. Тестоград;пр-кт;Мира;10;56.8100;60.2100
        г. Тестоград;ул.;8 Марта;3;56.8200;60.2200
        """;

    public static IEnumerable<object[]> Cases() =>
        from engine in new[] { Engine.Sqlite, Engine.Postgres } from phone in new[] { true, false } select new object[] { engine, phone };

    [Theory, MemberData(nameof(Cases))]
    public async Task A_citizen_finds_the_address_taps_the_map_and_uses_the_location(Engine engine, bool phone)
    {
        var app = await pool.For(engine);
        await app.ClientAs(Persona.RegionAdmin).PostAsync("/api/v1/addresses/import", new StringContent(Register, Encoding.UTF8, "text/csv"))
            .Expect(HttpStatusCode.OK);
        var device = phone ? "phone" : "desktop";
        var page = await ApplicantAsync(browser, app, phone, new Geolocation { Latitude = 56.82f, Longitude = 60.22f });
        await page.GotoAsync("/submit");
        await page.GetByLabel("Проблема").CheckAsync();
        await Next(page);
        await page.GetByLabel("Категория обращения").SelectOptionAsync(new SelectOptionValue { Label = "Городское благоустройство" });
        await Next(page);
        await page.GetByLabel("Тема обращения").SelectOptionAsync(new SelectOptionValue { Label = "Ямы на дорогах" });
        await Next(page);

        // Typed as people type it: the register offers the house, the pick puts the point and the marker there.
        var address = page.GetByRole(AriaRole.Combobox, new() { Name = "Адрес или ориентир" });
        await address.PressSequentiallyAsync("ул. Ленина 5", new() { Delay = 30 });
        var option = page.GetByRole(AriaRole.Option, new() { Name = "г. Тестоград, ул. Ленина, 5", Exact = true });
        await Assertions.Expect(option).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, $"60-address-suggest-{device}");
        await option.ClickAsync();
        await Assertions.Expect(address).ToHaveValueAsync("г. Тестоград, ул. Ленина, 5");
        await Assertions.Expect(page.GetByLabel("Широта")).ToHaveValueAsync("56.800000");
        await Assertions.Expect(page.GetByLabel("Долгота")).ToHaveValueAsync("60.200000");
        var map = page.Locator("[data-map]");
        var marker = map.Locator(".leaflet-marker-icon");
        await Assertions.Expect(marker).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#route-info")).ToContainTextAsync("Территория: Город А.");
        // The marker stands in the middle of the map, where the picked point is.
        await map.ScrollIntoViewIfNeededAsync();
        var mapBox = (await map.BoundingBoxAsync())!;
        var markerBox = (await marker.BoundingBoxAsync())!;
        Assert.InRange(markerBox.X + markerBox.Width / 2 - (mapBox.X + mapBox.Width / 2), -3, 3);
        await Browser.ShotAsync(page, app, $"61-address-picked-{device}");

        // A tap 0.001° east of the point (47 px at zoom 16): the nearest house is Ленина, 7, and it fills the emptied field.
        await address.FillAsync("");
        await map.ScrollIntoViewIfNeededAsync();
        mapBox = (await map.BoundingBoxAsync())!;
        var east = 0.001 / 360 * 256 * Math.Pow(2, 16);
        await page.Mouse.ClickAsync(mapBox.X + mapBox.Width / 2 + (float)east, mapBox.Y + mapBox.Height / 2);
        await Assertions.Expect(address).ToHaveValueAsync("г. Тестоград, ул. Ленина, 7");
        var lon = double.Parse(await page.GetByLabel("Долгота").InputValueAsync(), CultureInfo.InvariantCulture);
        Assert.InRange(lon, 60.2008, 60.2012);
        await Browser.ShotAsync(page, app, $"62-address-tapped-{device}");

        // «Моё местоположение»: the browser's position (56.82, 60.22 — ул. 8 Марта, 3) becomes the point and the address.
        await page.GetByRole(AriaRole.Button, new() { Name = "Моё местоположение" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Широта")).ToHaveValueAsync("56.820000");
        await Assertions.Expect(address).ToHaveValueAsync("г. Тестоград, ул. 8 Марта, 3");
        await Browser.ShotAsync(page, app, $"63-address-located-{device}");

        // A landmark typed by hand is kept when the map is tapped.
        await address.FillAsync("у остановки «Садовая»");
        await map.ScrollIntoViewIfNeededAsync();
        mapBox = (await map.BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(mapBox.X + mapBox.Width / 3, mapBox.Y + mapBox.Height / 3);
        await Assertions.Expect(page.GetByLabel("Широта")).Not.ToHaveValueAsync("56.820000");
        await Assertions.Expect(address).ToHaveValueAsync("у остановки «Садовая»");

        // The public map finds an address too.
        await page.GotoAsync("/map");
        var find = page.GetByRole(AriaRole.Combobox, new() { Name = "Найти адрес на карте" });
        await find.PressSequentiallyAsync("проспект Мира 10", new() { Delay = 30 });
        await page.GetByRole(AriaRole.Option, new() { Name = "г. Тестоград, пр-кт Мира, 10", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#map-find-status")).ToHaveTextAsync("Адрес выбран: г. Тестоград, пр-кт Мира, 10. Метка на карте поставлена.");
        await Browser.ShotAsync(page, app, $"66-map-find-{device}");
        await page.Context.CloseAsync();
    }

    static Task Next(IPage page) => page.Locator(".step.current [data-next]").ClickAsync();

    /// <summary>An applicant's browser signed in through the API, with the position the browser reports.</summary>
    public static async Task<IPage> ApplicantAsync(Browser browser, TestApp app, bool phone, Geolocation? at = null)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var person = await users.FindByIdAsync(app.Region.IdOf(Persona.Applicant).ToString()) ?? throw new InvalidOperationException("No applicant.");
            if (!await users.HasPasswordAsync(person)) Assert.True((await users.AddPasswordAsync(person, TestRegion.Password)).Succeeded);
        }
        var context = await browser.Chromium.NewContextAsync(new()
        {
            BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU",
            ViewportSize = phone ? new() { Width = 360, Height = 740 } : new() { Width = 1280, Height = 900 },
            Geolocation = at, Permissions = at is null ? [] : ["geolocation"],
        });
        var signedIn = await context.APIRequest.PostAsync("/api/v1/auth/login",
            new() { DataObject = new { email = "applicant@test.example", password = TestRegion.Password } });
        Assert.Equal(200, signedIn.Status);
        return await context.NewPageAsync();
    }
}
