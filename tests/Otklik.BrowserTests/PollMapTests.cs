using Microsoft.Playwright;
using Otklik.Features.Surveys;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Polls on the portal and the map (issue 22.6): /polls lists the open polls and the recently closed ones with their
/// results; on /map the territory of an open poll is tinted and pressing it offers the poll.
/// </summary>
public sealed class PollMapTests(Browser browser) : IClassFixture<Browser>
{
    static Poll NewPoll(TestApp app, string question, Guid? territory, DateTime opens, DateTime closes)
    {
        var poll = new Poll { Id = Guid.CreateVersion7(), Question = question, OwnerOrganisationId = app.Region.Centre, TerritoryId = territory, OpensAtUtc = opens, ClosesAtUtc = closes, CreatedAtUtc = opens };
        poll.Options.AddRange(new[] { "Да", "Нет" }.Select((o, i) => new PollOption { Id = Guid.CreateVersion7(), PollId = poll.Id, Text = o, Order = i }));
        return poll;
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_territory_of_an_open_poll_is_tinted_on_the_map_and_offers_the_poll(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var inA = NewPoll(app, "Какую улицу Города А отремонтировать первой?", r.TerritoryA, now.AddDays(-1), now.AddDays(10));
        var region = NewPoll(app, "Нужен ли областной день древонасаждения?", null, now.AddDays(-1), now.AddDays(5));
        var closed = NewPoll(app, "Где поставить новую остановку?", r.TerritoryB, now.AddDays(-30), now.AddDays(-2));
        var old = NewPoll(app, "Старое голосование о парке", r.TerritoryB, now.AddDays(-400), now.AddDays(-200));
        await app.WithDbAsync(async db => { db.Polls.AddRange(inA, region, closed, old); await db.SaveChangesAsync(); });

        var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();

        // From the home page to the list: the open ones with their territory, the recently closed with their results, nothing older.
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Голосования", Exact = true }).First.ClickAsync();
        await page.WaitForURLAsync("**/polls");
        await Assertions.Expect(page.Locator("#polls-open li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#polls-open li").First).ToContainTextAsync("для жителей всей области");
        await Assertions.Expect(page.Locator("#polls-open")).ToContainTextAsync("Какую улицу Города А отремонтировать первой? — для жителей: Город А");
        await Assertions.Expect(page.Locator("#polls-closed li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#polls-closed li a", new() { HasText = "Итоги" })).ToHaveAttributeAsync("href", $"/polls/{closed.Id}#poll-results");
        await Browser.ShotAsync(page, app, "99-polls-list");

        // The map: Город А tinted (the regional poll has no territory to tint, Город Б's poll is closed), both open polls listed under it.
        await page.GotoAsync("/map");
        var map = page.Locator("[data-public-map]");
        await Assertions.Expect(map.Locator("path.territory-poll")).ToHaveCountAsync(1);
        await Assertions.Expect(map.Locator("path.territory-poll.territory-T-A")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#map-polls li")).ToHaveCountAsync(2);
        await map.Locator("path.territory-poll").ClickAsync();
        var link = map.Locator(".leaflet-popup a", new() { HasText = "Какую улицу Города А отремонтировать первой?" });
        await Assertions.Expect(link).ToBeVisibleAsync();
        await Assertions.Expect(map.Locator(".leaflet-popup")).ToContainTextAsync("Голосования для жителей: Город А");
        await Assertions.Expect(map.Locator(".leaflet-popup")).ToHaveCSSAsync("opacity", "1"); // the popup fades in: the picture shows it whole
        await Browser.ShotAsync(page, app, "99-polls-map");
        await link.ClickAsync();
        await page.WaitForURLAsync($"**/polls/{inA.Id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Какую улицу Города А отремонтировать первой?");
        await context.CloseAsync();
    }
}
