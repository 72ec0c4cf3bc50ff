using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// «Все обращения» as the centre's moderator meets it at 1366×768: the text, applicant and channel in the rows; columns
/// chosen and kept on the server; a filter saved as a view shared with the organisation, shown as a tab with its count
/// to a colleague and not to a municipality.
/// </summary>
public sealed class ListViewsTests(Browser browser) : IClassFixture<Browser>
{
    const string LongText = "Во дворе дома 14 по улице Кирова третью неделю открыт канализационный люк без ограждения, рядом детская площадка " +
                            "и школа, вечером там нет освещения. Прошу закрыть люк и поставить ограждение.";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_moderator_sees_text_applicant_and_channel_chooses_columns_and_shares_a_view_as_a_tab(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var hatch = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, LongText));
        var closed = await app.AppealInAsync(AppealStatus.Closed);
        await app.AppealInAsync(AppealStatus.InWork);

        var page = await browser.SignInAsync(app, Persona.CentreModerator);
        await page.SetViewportSizeAsync(1366, 768);
        await page.GotoAsync("/office/appeals");
        var header = page.Locator("table.appeals thead");
        await Assertions.Expect(header).ToContainTextAsync("Текст");
        await Assertions.Expect(header).ToContainTextAsync("Заявитель");
        await Assertions.Expect(header).ToContainTextAsync("Канал");
        var hatchRow = page.Locator($"tr[data-number='{hatch.Number}']");
        await Assertions.Expect(hatchRow.Locator("td.col-text")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*Во дворе дома 14 .*…\s*$"));
        await Assertions.Expect(hatchRow.Locator("td.col-applicant")).ToHaveTextAsync("Иванова Мария");
        await Assertions.Expect(hatchRow.Locator("td.col-channel")).ToHaveTextAsync("Портал");
        await Assertions.Expect(page.Locator(".view-tabs a[aria-current=page]")).ToContainTextAsync("Все");
        await Assertions.Expect(page.Locator(".view-tabs a[aria-current=page] .count")).ToHaveCountAsync(0);

        // Columns: ССТУ, rating and answer date on, the channel off; kept for the person on the server.
        await page.Locator("details.columns summary").ClickAsync();
        await page.GetByLabel("Результат для ССТУ").CheckAsync();
        await page.GetByLabel("Оценка").CheckAsync();
        await page.GetByLabel("Дата ответа").CheckAsync();
        await page.Locator("details.columns").GetByLabel("Канал").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить столбцы" }).ClickAsync();
        await Assertions.Expect(header).ToContainTextAsync("Оценка");
        await Assertions.Expect(header).Not.ToContainTextAsync("Канал");
        var closedRow = page.Locator($"tr[data-number='{closed.Number}']");
        await Assertions.Expect(closedRow.Locator("td.col-rating")).ToHaveTextAsync("5 из 5");
        await Assertions.Expect(closedRow.Locator("td.col-sstu")).Not.ToHaveTextAsync("—");
        await Assertions.Expect(closedRow.Locator("td.col-answered")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*\d\d\.\d\d\.\d{4} \d\d:\d\d\s*$"));
        var stored = await app.WithDbAsync(db => db.Set<ListSettings>().AsNoTracking().SingleAsync(s => s.PersonId == r.IdOf(Persona.CentreModerator)));
        Assert.DoesNotContain("channel", stored.Columns.Split('|'));
        Assert.Contains("rating", stored.Columns.Split('|'));

        // A view of the appeals on moderation, shared with the centre: a tab with its count, open at once.
        await page.Locator("details.statuses summary").ClickAsync();
        await page.Locator("input[name=status][value=moderation]").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Показать" }).ClickAsync();
        await page.WaitForURLAsync("**status=moderation**");
        await page.Locator(".list-settings summary", new() { HasText = "Сохранить как вид" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить вид с текущими фильтрами" }).ClickAsync();
        await Assertions.Expect(page.Locator("#view-name-error")).ToContainTextAsync("Назовите вид");
        await page.GetByLabel("Название вида").FillAsync("На модерации");
        await page.GetByLabel("Кому виден").SelectOptionAsync(r.Centre.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Сохранить вид с текущими фильтрами" }).ClickAsync();
        var current = page.Locator(".view-tabs a[aria-current=page]");
        await Assertions.Expect(current).ToContainTextAsync("На модерации");
        await Assertions.Expect(current.Locator(".count")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("table.appeals tbody tr")).ToHaveCountAsync(1);
        await Browser.ShotAsync(page, app, "75-appeals-views-and-columns");

        // A colleague at the centre sees the shared tab with the count of what they may see; a municipality does not.
        var colleague = await browser.SignInAsync(app, Persona.CentreOperator);
        await colleague.GotoAsync("/office/appeals");
        var tab = colleague.Locator(".view-tabs a", new() { HasText = "На модерации" });
        await Assertions.Expect(tab).ToBeVisibleAsync();
        await Assertions.Expect(colleague.GetByRole(AriaRole.Button, new() { Name = "Удалить вид «На модерации»" })).ToHaveCountAsync(0);
        var municipality = await browser.SignInAsync(app, Persona.MunADispatcher);
        await municipality.GotoAsync("/office/appeals");
        await Assertions.Expect(municipality.Locator(".view-tabs a", new() { HasText = "На модерации" })).ToHaveCountAsync(0);

        // The owner deletes it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Удалить вид «На модерации»" }).ClickAsync();
        await Assertions.Expect(page.Locator(".view-tabs a", new() { HasText = "На модерации" })).ToHaveCountAsync(0);
        Assert.False(await app.WithDbAsync(db => db.Set<SavedView>().AnyAsync()));
    }
}
