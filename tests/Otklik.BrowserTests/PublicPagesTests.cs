using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.BrowserTests;

/// <summary>
/// The public pages in the browser at a desktop and a 360 px phone width: the feed, an appeal with its photo, map and
/// answer, the clustered map, the statistics' charts; a signed-in person supports an appeal from the keyboard.
/// </summary>
public sealed class PublicPagesTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_feed_an_appeal_the_map_and_the_statistics_work_on_a_desktop_and_a_phone(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        // One appeal registered long ago and still unanswered: overdue.
        var overdue = await app.AppealInAsync(AppealStatus.InWork, PublicSupport.Published(r, 20,
            "Третью неделю не убирают мусор у контейнерной площадки во дворе дома 20 по улице Садовой, крысы, запах."));
        app.Clock.Advance(TimeSpan.FromDays(40));
        var photo = await PublicSupport.UploadAsync(app, Persona.Applicant, PublicSupport.Png(64, 48), "яма.png");
        var answered = await app.AppealInAsync(AppealStatus.Closed, PublicSupport.Published(r, 1,
            "Глубокая яма на проезжей части у дома 10 по улице Ленина, машины объезжают её по встречной полосе.").With("attachmentIds", new[] { photo.Id }));
        await app.AppealInAsync(AppealStatus.AnswerSent, PublicSupport.Published(r, 2, "Не горят три фонаря вдоль пешеходной дорожки у школы № 5, вечером темно."));
        await app.AppealInAsync(AppealStatus.Registered, PublicSupport.Published(r, 3, "Предлагаю сделать пешеходный переход у поликлиники на улице Мира.").With("type", "proposal"));
        await app.AppealInAsync(AppealStatus.Registered, PublicSupport.Published(r, 4, "Спасибо дорожной службе за быстрый ремонт моста через реку!").With("type", "gratitude"));
        await app.AppealInAsync(AppealStatus.InWork, PublicSupport.Published(r, 5, "Сломана скамейка и урна на остановке «Рынок», стекло павильона разбито."));
        await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, (56.86, 61.30), "В городе Б на улице Победы провал асфальта у дома 3.")
            .With("isPublic", true).With("publicationConsent", true));
        await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, (56.80, 61.10), "В городе Б не вывозят снег с улицы Заводской.")
            .With("isPublic", true).With("publicationConsent", true));

        foreach (var (width, height, suffix) in new[] { (1280, 900, ""), (360, 740, "-phone") })
        {
            var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = width, Height = height } });
            var page = await context.NewPageAsync();

            await page.GotoAsync("/feed");
            await Assertions.Expect(page.Locator("article.feed-item")).ToHaveCountAsync(8);
            await Assertions.Expect(page.Locator("article.feed-item.overdue")).ToContainTextAsync("Просрочено");
            await page.GetByLabel("Что показать").SelectOptionAsync(new SelectOptionValue { Label = "Предложения" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Показать" }).ClickAsync();
            await Assertions.Expect(page.Locator("article.feed-item")).ToHaveCountAsync(1);
            await page.GotoAsync("/feed");
            await FitsAsync(page, width);
            await Browser.ShotAsync(page, app, "60-feed" + suffix);

            // From the feed to the answered appeal by its link.
            await page.Locator($"article.feed-item:has-text('{answered.Number}') h3 a").ClickAsync();
            await page.WaitForURLAsync($"**/appeals/{answered.Number}");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Ямы на дорогах");
            await Assertions.Expect(page.Locator(".answer")).ToContainTextAsync("Оценка заявителя: 5 из 5");
            var img = page.Locator(".photos img");
            await Assertions.Expect(img).ToBeVisibleAsync();
            Assert.True(await img.EvaluateAsync<int>("i => i.complete ? i.naturalWidth : 0") == 64, "The photo did not load.");
            await Assertions.Expect(page.Locator("[data-map] .leaflet-marker-icon")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-map] path.territory-T-A")).ToBeVisibleAsync();
            await FitsAsync(page, width);
            await Browser.ShotAsync(page, app, "61-appeal" + suffix);

            await page.GotoAsync($"/appeals/{overdue.Number}");
            await Assertions.Expect(page.GetByRole(AriaRole.Note)).ToContainTextAsync("Срок ответа истёк");

            await page.GotoAsync("/map");
            var map = page.Locator("[data-public-map]");
            await Assertions.Expect(map.Locator("path.territory-T-B")).ToBeVisibleAsync();
            // The eight appeals: as single markers and clusters whose counts add up to eight.
            await Assertions.Expect(map.Locator(".leaflet-marker-icon").First).ToBeVisibleAsync();
            var counts = await map.Locator(".leaflet-marker-icon").EvaluateAllAsync<int[]>(
                "icons => icons.map(i => i.classList.contains('cluster') ? Number(i.textContent) : 1)");
            Assert.Equal(8, counts.Sum());
            await Assertions.Expect(page.Locator("ul.map-list li")).ToHaveCountAsync(8);
            await FitsAsync(page, width);
            await Browser.ShotAsync(page, app, "62-map" + suffix);
            if (counts.Any(c => c > 1))
            {
                // A cluster opens into its appeals when pressed.
                var before = counts.Length;
                await map.Locator(".leaflet-marker-icon.cluster").First.ClickAsync();
                await Assertions.Expect(map.Locator(".leaflet-marker-icon")).Not.ToHaveCountAsync(before);
            }

            await page.GotoAsync("/stats");
            await Assertions.Expect(page.Locator("[data-stat=total]")).ToHaveTextAsync("8");
            foreach (var chart in new[] { "by-category", "by-territory", "by-stage", "by-month" })
                Assert.True(await page.Locator($"svg[data-chart={chart}] rect").CountAsync() > 0, $"The chart {chart} has no bars.");
            // Four charts' tables, besides the public part of the executors' ranking.
            await Assertions.Expect(page.Locator("table:not(.ranking-table)")).ToHaveCountAsync(4);
            await FitsAsync(page, width);
            await Browser.ShotAsync(page, app, "63-stats" + suffix);
            await context.DisposeAsync();
        }

        // A signed-in applicant supports an appeal from the keyboard.
        await PublicSupport.EnsurePasswordAsync(app, Persona.OtherApplicant);
        var signed = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU" });
        await signed.APIRequest.PostAsync("/api/v1/auth/login", new() { DataObject = new { email = "otherapplicant@test.example", password = TestRegion.Password } });
        var me = await signed.NewPageAsync();
        await me.GotoAsync($"/appeals/{answered.Number}");
        await me.GetByRole(AriaRole.Button, new() { Name = "Поддержать" }).FocusAsync();
        await me.Keyboard.PressAsync("Enter");
        await Assertions.Expect(me.GetByRole(AriaRole.Status)).ToHaveTextAsync("Спасибо, вы поддержали это обращение.");
        await Assertions.Expect(me.Locator(".facts")).ToContainTextAsync("Поддержали1");
        await signed.DisposeAsync();
    }

    /// <summary>Nothing sticks out sideways: a phone never scrolls horizontally.</summary>
    static async Task FitsAsync(IPage page, int width) =>
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width,
            $"{page.Url} is wider than {width} px.");
}
