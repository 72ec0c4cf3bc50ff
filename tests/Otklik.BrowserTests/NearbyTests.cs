using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>«Уже сообщили рядом?» on a phone and a desktop: the point and topic chosen, a pothole already reported nearby is offered; «Я тоже» supports it once.</summary>
public sealed class NearbyTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(AddressMapTests.Cases), MemberType = typeof(AddressMapTests))]
    public async Task A_citizen_supports_an_appeal_reported_nearby_instead_of_filing_a_twin(Engine engine, bool phone)
    {
        var app = await pool.For(engine);
        var device = phone ? "phone" : "desktop";
        var (lat, lon) = phone ? (56.80, 60.20) : (56.85, 60.30);
        var twin = await app.AppealInAsync(AppealStatus.InWork,
            Samples.Pothole(app.Region, (lat, lon), $"Большая яма у пешеходного перехода, звоните +7 912 000-11-22 ({device})."));

        var page = await AddressMapTests.ApplicantAsync(browser, app, phone);
        await page.GotoAsync("/submit");
        await page.GetByLabel("Проблема").CheckAsync();
        await Next(page);
        await page.GetByLabel("Категория обращения").SelectOptionAsync(new SelectOptionValue { Label = "Городское благоустройство" });
        await Next(page);
        await page.GetByLabel("Тема обращения").SelectOptionAsync(new SelectOptionValue { Label = "Ямы на дорогах" });
        await Next(page);
        // 0.001° north of the reported pothole: about 110 m.
        await page.GetByLabel("Широта").FillAsync(Math.Round(lat + 0.001, 6).ToString(CultureInfo.InvariantCulture));
        await page.GetByLabel("Долгота").FillAsync(lon.ToString(CultureInfo.InvariantCulture));
        await page.GetByLabel("Долгота").PressAsync("Tab");

        var nearby = page.Locator("#nearby");
        await Assertions.Expect(nearby).ToBeVisibleAsync();
        await Assertions.Expect(nearby.GetByRole(AriaRole.Heading, new() { Name = "Уже сообщили рядом?" })).ToBeVisibleAsync();
        var item = nearby.Locator(".nearby-item").Filter(new() { HasText = "№ " + twin.Number });
        await Assertions.Expect(item).ToContainTextAsync("110 м · В работе");
        await Assertions.Expect(item).ToContainTextAsync("Большая яма у пешеходного перехода");
        await Assertions.Expect(item).Not.ToContainTextAsync("000-11-22");
        await Assertions.Expect(item).ToContainTextAsync("Поддержали: 0");
        await nearby.ScrollIntoViewIfNeededAsync();
        await Browser.ShotAsync(page, app, $"64-nearby-{device}");

        await item.GetByRole(AriaRole.Button, new() { Name = "Я тоже: поддержать обращение № " + twin.Number }).ClickAsync();
        await Assertions.Expect(item).ToContainTextAsync("Поддержали: 1");
        await Assertions.Expect(item.GetByRole(AriaRole.Status)).ToContainTextAsync("Спасибо, вы поддержали это обращение.");
        await Assertions.Expect(item.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Browser.ShotAsync(page, app, $"65-nearby-supported-{device}");
        Assert.Equal(1, await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == twin.Id).Select(a => a.Supports).SingleAsync()));

        // The public page knows the person supports it.
        await page.GotoAsync($"/appeals/{twin.Number}");
        await Assertions.Expect(page.GetByText("Вы поддержали это обращение.", new() { Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    static Task Next(IPage page) => page.Locator(".step.current [data-next]").ClickAsync();
}
