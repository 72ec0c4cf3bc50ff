using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Alerts;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Alerts on a phone and a desktop (issue 17 item 9): a citizen finds «Мои подписки» from /my, follows an appeal from
/// its page, comes from the map to «Мои подписки», follows a territory there, sees it listed,
/// gets the letter when an appeal there is answered (read from the SMTP sink), and unsubscribes by the letter's link.
/// </summary>
public sealed class AlertsTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(AddressMapTests.Cases), MemberType = typeof(AddressMapTests))]
    public async Task A_citizen_follows_a_territory_gets_the_letter_and_unsubscribes_by_its_link(Engine engine, bool phone)
    {
        MailBox.RequireSink();
        var app = await pool.For(engine);
        var device = phone ? "phone" : "desktop";
        // Someone who filed none of the appeals below: their own would not be news to them.
        var persona = phone ? Persona.OtherApplicant : Persona.NoRoles;
        var page = await browser.SignInOnPortalAsync(app, persona, "/my", width: phone ? 360 : 1280, height: phone ? 740 : 900);
        var alertsLink = page.GetByRole(AriaRole.Link, new() { Name = "Мои подписки", Exact = true });
        await Assertions.Expect(alertsLink).ToHaveAttributeAsync("href", "/my/alerts");

        // Where a citizen looks: the appeal's page follows it in one click.
        var followed = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(app.Region, TestRegion.InsideA, $"Яма во дворе ({device})."));
        await page.GotoAsync($"/appeals/{followed.Number}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Следить за обращением" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Вы следите за этим обращением")).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, $"79-alerts-appeal-{device}");

        // The map leads to following a place or a territory.
        await page.GotoAsync("/map");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Следить за местом или территорией" })).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, $"79-alerts-map-{device}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Следить за местом или территорией" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/my/alerts#h-place$"));
        await Assertions.Expect(page.Locator("#alerts .my-alert")).ToContainTextAsync($"Обращение № {followed.Number}");

        await page.GetByLabel("Территория", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Город А" });
        await page.Locator("#territory-topic").SelectOptionAsync(new SelectOptionValue { Label = "Ямы на дорогах" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Следить за территорией" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Подписка оформлена");
        var item = page.Locator("#alerts .my-alert").Filter(new() { HasText = "Территория" });
        await Assertions.Expect(page.Locator("#alerts .my-alert")).ToHaveCountAsync(2);
        await Assertions.Expect(item).ToContainTextAsync("Территория «Город А» (тема «Ямы на дорогах»)");
        await Browser.ShotAsync(page, app, $"80-alerts-my-{device}");

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var answered = await app.AppealInAsync(AppealStatus.AnswerSent,
            Samples.Pothole(app.Region, TestRegion.InsideA, $"Яма у детской площадки, звоните +7 912 000-22-33 ({device})."));
        app.Clock.Advance(TimeSpan.FromMinutes(62));
        await app.WithDbAsync(db => AlertSweep.RunOnceAsync(db, app.Services.GetRequiredService<AlertTokens>(), app.Clock.GetUtcNow().UtcDateTime, default));
        var me = app.Region.IdOf(persona);
        var messageId = await app.WithDbAsync(async db =>
        {
            var mine = await db.AlertSubscriptions.Where(s => s.PersonId == me && s.Target == AlertTarget.Territory).Select(s => s.Id).SingleAsync();
            var letters = await db.Outbox.Where(m => m.Type == MessageTypes.AlertNews.Name).Select(m => new { m.Id, m.Payload }).ToListAsync();
            return letters.Single(m => m.Payload.Contains(mine.ToString(), StringComparison.Ordinal)).Id;
        });
        await app.DispatchMailAsync();
        var letter = await app.Mail.WaitForAsync($"{persona}@test.example".ToLowerInvariant(), m => m.MessageId == $"{messageId:N}@otklik");
        Assert.Equal($"Дан ответ на обращение № {answered.Number}", letter.Subject);
        Assert.DoesNotContain("000-22-33", letter.TextOf());
        Assert.Equal("List-Unsubscribe=One-Click", letter.Headers["List-Unsubscribe-Post"]);
        var link = Regex.Match(letter.Headers["List-Unsubscribe"] ?? "", "^<([^>]+)>$").Groups[1].Value;
        Assert.Contains("Отписаться от этих писем: " + link, letter.TextOf());

        // The link of the letter, opened in the browser: a confirmation page first, one button, done.
        await page.GotoAsync(new Uri(link).PathAndQuery);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Отписаться от писем" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Территория «Город А» (тема «Ямы на дорогах»)", new() { Exact = true })).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, $"81-alerts-unsubscribe-{device}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Отписаться" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Вы отписались" })).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, $"82-alerts-unsubscribed-{device}");

        // Only that alert went: the appeal is still followed (it was not answered, so it sent no letter).
        await page.GotoAsync("/my/alerts");
        await Assertions.Expect(page.Locator("#alerts .my-alert")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#alerts .my-alert")).ToContainTextAsync($"Обращение № {followed.Number}");
        Assert.False(await app.WithDbAsync(db => db.AlertSubscriptions.AnyAsync(s => s.PersonId == me && s.Target == AlertTarget.Territory)));
        await page.Context.CloseAsync();
    }
}
