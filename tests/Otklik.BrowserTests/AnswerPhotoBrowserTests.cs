using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.BrowserTests;

/// <summary>«Было / Стало» on the public appeal page, on a 360 px phone and a desktop: the pair side by side, once a moderator published the answer's photo.</summary>
public sealed class AnswerPhotoBrowserTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Before_and_after_sit_side_by_side_on_a_phone_and_a_desktop(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var before = await PublicSupport.UploadAsync(app, Persona.Applicant, PublicSupport.Png(60, 45), "яма.png");
        var a = await app.AppealInAsync(AppealStatus.InWork,
            PublicSupport.Published(app.Region, 3, "Яма у остановки «Школа», колесо пробито.").With("attachmentIds", new[] { before.Id }));
        var (_, executor, controller) = Scenario.Staff(app, a);
        var after = await PublicSupport.UploadAsync(app, executor, PublicSupport.Png(45, 60), "заделано.png");
        a = await app.ActAsync(executor, a, "answer", new { text = "Покрытие переложено 2 декабря, фото прилагаем.", result = "supportedMeasuresTaken", attachmentIds = new[] { after.Id } });
        a = await app.ActAsync(executor, a, "answer/submit");
        a = await app.ActAsync(controller, a, "answer/approve");
        // The moderator's step is tested in AnswerPhotoTests; here it only has to have happened.
        var moderator = app.Region.IdOf(Persona.CentreModerator);
        await app.WithDbAsync(async db =>
        {
            var file = await db.Attachments.SingleAsync(f => f.Id == after.Id);
            file.Publish(moderator, app.Clock.GetUtcNow().UtcDateTime);
            return await db.SaveChangesAsync();
        });

        foreach (var (width, height, shot) in new[] { (360, 740, "72-public-before-after-phone"), (1280, 900, "73-public-before-after-desktop") })
        {
            var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = width, Height = height } });
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/appeals/{a.Number}");
            var pair = page.Locator(".before-after-pair");
            await Assertions.Expect(pair).ToHaveCountAsync(1);
            await Assertions.Expect(pair.Locator("figcaption")).ToHaveTextAsync(["Было", "Стало"]);
            var images = pair.Locator("img");
            // Both images loaded (the public URL answers now), side by side.
            Assert.True(await images.EvaluateAllAsync<bool>("imgs => imgs.every(i => i.complete && i.naturalWidth > 0)"), "A photo of the pair did not load.");
            var boxes = new[] { await images.Nth(0).BoundingBoxAsync(), await images.Nth(1).BoundingBoxAsync() };
            Assert.True(boxes[0]!.X < boxes[1]!.X && Math.Abs(boxes[0]!.Y - boxes[1]!.Y) < 1, "«Было» and «Стало» are not side by side.");
            Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width, "The page is wider than the screen.");
            await page.Locator(".before-after").ScrollIntoViewIfNeededAsync();
            await Browser.ShotAsync(page, app, shot);
            await context.DisposeAsync();
        }
    }
}
