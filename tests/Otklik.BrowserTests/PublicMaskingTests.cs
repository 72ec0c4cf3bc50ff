using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.BrowserTests;

/// <summary>
/// What reaches a page from data goes in as text (a territory or topic named like markup never runs), and what the
/// portal publishes is masked while the moderator sees what was masked: at a desktop and a 360 px phone width.
/// </summary>
public sealed class PublicMaskingTests(Browser browser) : IClassFixture<Browser>
{
    const string Payload = "<img src=x onerror=window.__xss=1>";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_territory_and_a_topic_named_like_markup_show_as_text_on_every_map(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        // The region administrator imports a territory whose name is markup; the topic of a published appeal is named so too.
        var ring = new[] { new[] { 60.6, 56.7 }, [60.9, 56.7], [60.9, 57.0], [60.6, 57.0], [60.6, 56.7] };
        var import = new
        {
            type = "FeatureCollection",
            features = new[]
            {
                new { type = "Feature", properties = new { code = "XSS-1", name = Payload, organisationId = r.MunA }, geometry = new { type = "Polygon", coordinates = new[] { ring } } },
            },
        };
        await app.ClientAs(Persona.RegionAdmin).PostJsonAsync("/api/v1/territories/import", import).Expect(HttpStatusCode.OK);
        var appeal = await app.AppealInAsync(AppealStatus.Registered, PublicSupport.Published(r, 0, "Яма у остановки «Школа», колёса проваливаются."));
        await app.WithDbAsync(db => db.Topics.Where(t => t.Id == r.PotholeTopic).ExecuteUpdateAsync(s => s.SetProperty(t => t.Name, Payload)));

        foreach (var (width, height, suffix) in new[] { (1280, 900, ""), (360, 740, "-phone") })
        {
            var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = width, Height = height } });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/map");
            var map = page.Locator("[data-public-map]");
            await Assertions.Expect(map.Locator(".territory-label", new() { HasText = Payload })).ToHaveCountAsync(1);
            var marker = map.Locator(".leaflet-marker-icon:not(.cluster)").First;
            await Assertions.Expect(marker).ToBeVisibleAsync();
            await marker.ClickAsync();
            await Assertions.Expect(map.Locator(".leaflet-popup-content")).ToContainTextAsync($"№ {appeal.Number}");
            await Assertions.Expect(map.Locator(".leaflet-popup-content")).ToContainTextAsync(Payload);
            await Assertions.Expect(map.Locator(".leaflet-popup-content a")).ToHaveAttributeAsync("href", $"/appeals/{appeal.Number}");
            Assert.Equal(0, await map.Locator("img[src=x]").CountAsync());
            Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), "A name from data ran as markup on the public map.");
            await Browser.ShotAsync(page, app, "80-xss-public-map" + suffix);

            // The appeal's own page: its map (map.js) names the territories too, and its heading is the topic.
            await page.GotoAsync($"/appeals/{appeal.Number}");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(Payload);
            await Assertions.Expect(page.Locator("[data-map] .territory-label", new() { HasText = Payload })).ToHaveCountAsync(1);
            Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), "A name from data ran as markup on the appeal's map.");
            await context.DisposeAsync();
        }

        // The moderator's map of an appeal in moderation draws the outlines with their names (map.js).
        var fresh = await app.SubmitAsync(PublicSupport.Published(r, 1, "Не горит фонарь у подъезда, вечером темно."));
        var moderator = await browser.SignInAsync(app, Persona.CentreModerator);
        await moderator.GotoAsync($"/office/moderation/{fresh.Id}");
        await Assertions.Expect(moderator.Locator("#fix-form [data-map] .territory-label", new() { HasText = Payload })).ToHaveCountAsync(1);
        Assert.True(await moderator.EvaluateAsync<bool>("() => window.__xss === undefined"), "A name from data ran as markup on the moderation map.");
        await Browser.ShotAsync(moderator, app, "81-xss-moderation-map");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_public_page_hides_personal_data_and_the_moderator_sees_and_releases_the_masks(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var body = PublicSupport.Published(app.Region, 0,
                "Я, Петрова Мария Петровна, живу на ул. Малышева, 12. Звоните +7 (912) 345-67-89 или пишите maria.petrova@mail.ru. "
                + "Киоск ИП Чернова А.В. у дома 14 торгует алкоголем ночью, Петровой никто не ответил.")
            .With("address", "ул. Малышева, 12")
            .With("applicant", new Dictionary<string, object?>
            {
                ["kind"] = "person", ["lastName"] = "Петрова", ["firstName"] = "Мария", ["middleName"] = "Петровна",
                ["email"] = "maria.petrova@mail.ru", ["postalAddress"] = "620014, г. Уралград, ул. Малышева, 12, кв. 5",
            });
        var a = await app.AppealInAsync(AppealStatus.InWork, body);
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer",
            new { text = "Уважаемая Мария Петровна! Киоск проверен, ИП Чернова А.В. привлечена к ответственности.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        a = await app.ActAsync(Persona.MunAController, a, "answer/approve");

        foreach (var (width, height, suffix) in new[] { (1280, 900, ""), (360, 740, "-phone") })
        {
            var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = width, Height = height } });
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/appeals/{a.Number}");
            var text = await page.Locator("main").InnerTextAsync();
            foreach (var leak in new[] { "Петрова", "Петровой", "Петровна", "345-67-89", "maria.petrova", "Чернова", "Малышева, 12" })
                Assert.DoesNotContain(leak, text);
            await Assertions.Expect(page.Locator(".appeal-text").First).ToContainTextAsync("Звоните [телефон скрыт] или пишите [эл. почта скрыта]");
            await Assertions.Expect(page.Locator(".answer")).ToContainTextAsync("Уважаемая [имя скрыто]!");
            Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width, $"The page is wider than {width} px.");
            await Browser.ShotAsync(page, app, "82-masked-appeal" + suffix);
            await context.DisposeAsync();
        }

        var moderator = await browser.SignInAsync(app, Persona.CentreModerator);
        await moderator.GotoAsync($"/office/moderation/{a.Id}");
        var masks = moderator.Locator("section[aria-labelledby=h-masks]");
        await Assertions.Expect(masks.Locator("mark.masked[data-kind=Phone]")).ToHaveTextAsync("+7 (912) 345-67-89");
        await Assertions.Expect(masks.Locator("mark.masked[data-kind=Name]").First).ToBeVisibleAsync();
        await Assertions.Expect(masks.Locator("mark.masked[data-kind=House]").First).ToBeVisibleAsync();
        await masks.ScrollIntoViewIfNeededAsync();
        await Browser.ShotAsync(moderator, app, "83-moderator-masks");
        await moderator.SetViewportSizeAsync(360, 740);
        await Browser.ShotAsync(moderator, app, "83-moderator-masks-phone");
        await moderator.SetViewportSizeAsync(1280, 900);

        // «Чернова А.В.» was masked in error (say the moderator knows it is a shop's sign): released, the portal shows it.
        await masks.GetByLabel("«Чернова А.В.» (имя)").CheckAsync();
        await masks.GetByRole(AriaRole.Button, new() { Name = "Сохранить скрытие" }).ClickAsync();
        await Assertions.Expect(moderator.GetByRole(AriaRole.Status)).ToContainTextAsync("Скрытие персональных данных");
        await Assertions.Expect(moderator.Locator("section[aria-labelledby=h-masks] input[value='Чернова А.В.']")).ToBeCheckedAsync();

        // The card shows the same public copy, its masks marked.
        await moderator.GotoAsync($"/office/appeals/{a.Id}");
        // The public copy sits under «Подробнее» (the card keeps its first screen for the text and the next action).
        await moderator.Locator("#card-details > summary").ClickAsync();
        await Assertions.Expect(moderator.Locator("#card-details mark.masked[data-kind=Email]").First).ToBeVisibleAsync();
        await Browser.ShotAsync(moderator, app, "84-card-masks");

        var anonymous = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU" });
        var publicPage = await anonymous.NewPageAsync();
        await publicPage.GotoAsync($"/appeals/{a.Number}");
        await Assertions.Expect(publicPage.Locator(".appeal-text").First).ToContainTextAsync("ИП Чернова А.В.");
        await Assertions.Expect(publicPage.Locator(".appeal-text").First).Not.ToContainTextAsync("345-67-89");
        await anonymous.DisposeAsync();
    }
}
