using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Features.Exchange.Msed;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Issue 19 item 5: the executor sends an appeal to a ministry through the document system from the appeal card; an
/// empty addressee is refused next to the field, a filled one returns to the card with the package listed (queued until
/// the dispatcher delivers it). At 1366×768.
/// </summary>
public sealed class MsedCardTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_executor_sends_the_appeal_to_a_ministry_from_the_card(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?>
        {
            // Nothing listens here: the dispatcher is not run in this test, the package stays queued.
            ["Otklik:DocumentExchange:Url"] = "http://127.0.0.1:9/msed/",
        });
        var a = await app.AppealInAsync(AppealStatus.InWork);
        var (_, executor, _) = Scenario.Staff(app, a);
        var page = await browser.SignInAsync(app, executor);
        await page.SetViewportSizeAsync(1366, 768);
        await page.GotoAsync($"/office/appeals/{a.Id}");

        await page.GetByText("Направить в МСЭД").ClickAsync();
        await page.GetByLabel("Что направить").SelectOptionAsync(new SelectOptionValue { Label = "Обращение — по компетенции" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Направить пакет" }).ClickAsync();
        await Assertions.Expect(page.Locator("#msed-recipient-error")).ToBeVisibleAsync();
        Assert.False(await app.WithDbAsync(db => db.DocumentPackages.AnyAsync(p => p.AppealId == a.Id)));

        await page.GetByLabel("Адресат в МСЭД").FillAsync("Министерство транспорта и дорожного хозяйства");
        await page.GetByLabel("Сопроводительная записка (необязательно)").FillAsync("Дорога регионального значения: прошу рассмотреть по компетенции.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Направить пакет" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("done=msed", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#msed table")).ToContainTextAsync("Министерство транспорта и дорожного хозяйства");
        await Assertions.Expect(page.Locator("#msed table")).ToContainTextAsync("в очереди");
        Assert.Equal(PackageKind.Appeal, await app.WithDbAsync(db => db.DocumentPackages.Where(p => p.AppealId == a.Id).Select(p => p.Kind).SingleAsync()));
        await page.Locator("#msed").ScrollIntoViewIfNeededAsync();
        await Browser.ShotAsync(page, app, "msed-card");
    }
}
