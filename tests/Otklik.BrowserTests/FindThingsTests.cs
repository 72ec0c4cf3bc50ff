using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>Finding things on a phone and a desktop: the FAQ and the organisations from the header, an organisation's page, the feed searched by text and territory.</summary>
public sealed class FindThingsTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(AddressMapTests.Cases), MemberType = typeof(AddressMapTests))]
    public async Task A_visitor_finds_the_faq_an_organisation_and_appeals_by_words_and_territory(Engine engine, bool phone)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var device = phone ? "phone" : "desktop";
        await app.ClientAs(Persona.RegionAdmin).PutJsonAsync($"/api/v1/organisations/{r.MinInvest}/profile", new
        {
            about = "Субсидии и гранты для малого бизнеса, сопровождение инвестиционных проектов.",
            address = "620031, г. А, пл. Октябрьская, 1, кабинет 410", phone = "+7 (343) 312-00-41", website = "https://mininvest.example.ru",
        }).Expect(System.Net.HttpStatusCode.OK);
        var lamp = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, (56.76, 60.12), $"Не горят фонари вдоль тротуара, темно вечером ({device})."));

        var context = await browser.Chromium.NewContextAsync(new()
        {
            BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU",
            ViewportSize = phone ? new() { Width = 360, Height = 740 } : new() { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Разделы портала" });
        await nav.GetByRole(AriaRole.Link, new() { Name = "Вопросы и ответы" }).ClickAsync();
        await page.WaitForURLAsync("**/faq");
        await nav.GetByRole(AriaRole.Link, new() { Name = "Куда обратиться" }).ClickAsync();
        await page.WaitForURLAsync("**/organisations");
        await page.GetByRole(AriaRole.Link, new() { Name = "Министерство инвестиций" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("#org-about")).ToHaveTextAsync("Субсидии и гранты для малого бизнеса, сопровождение инвестиционных проектов.");
        await Assertions.Expect(page.Locator("#org-hours")).ToContainTextAsync("пн–пт 09:00–18:00");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Написать в организацию" })).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, $"67-organisation-{device}");

        await page.GotoAsync("/feed");
        await page.GetByLabel("Поиск по тексту").FillAsync("фонарь");
        await page.GetByLabel("Территория").SelectOptionAsync(new SelectOptionValue { Label = "Город А" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Показать" }).ClickAsync();
        await Assertions.Expect(page.Locator($"#fi-{lamp.Number}")).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, $"68-feed-search-{device}");
        await context.CloseAsync();
    }
}
