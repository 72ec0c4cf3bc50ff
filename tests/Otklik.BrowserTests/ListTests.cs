using System.Text;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Workspace;

namespace Otklik.BrowserTests;

/// <summary>The list of all appeals in the browser: pages, filters by status and text, and the exports as downloads.</summary>
public sealed class ListTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_moderator_pages_through_the_list_filters_it_by_status_and_text_and_downloads_it(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await BulkAppeals.InsertAsync(app, 120);
        var hatch = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, "Открытый канализационный люк на тротуаре у дома 12 по ул. Кирова, рядом школа."));
        var registeredHatch = await app.AppealInAsync(AppealStatus.Registered,
            Samples.Pothole(r, TestRegion.InsideB, "Люк провалился на проезжей части ул. Победы, машины объезжают по встречной."));

        var page = await browser.SignInAsync(app, Persona.CentreModerator);
        await page.GetByRole(AriaRole.Link, new() { Name = "Все обращения" }).ClickAsync();
        await page.WaitForURLAsync("**/office/appeals");
        var rows = page.Locator("table.appeals tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        await Assertions.Expect(rows.First).ToContainTextAsync(registeredHatch.Number);
        await Browser.ShotAsync(page, app, "70-appeals-list");

        // The second and third pages, and back to the first.
        await page.GetByRole(AriaRole.Link, new() { Name = "Следующая страница" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        await page.GetByRole(AriaRole.Link, new() { Name = "Следующая страница" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(22);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Следующая страница" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Первая страница" }).ClickAsync();
        await Assertions.Expect(rows.First).ToContainTextAsync(registeredHatch.Number);

        // Status "on moderation" and the word "люк"; Enter in the search field applies the form.
        await page.Locator("details.statuses summary").ClickAsync();
        await page.GetByLabel("На модерации").CheckAsync();
        await page.GetByLabel("Поиск").FillAsync("ЛЮК");
        await page.GetByLabel("Поиск").PressAsync("Enter");
        await page.WaitForURLAsync("**/office/appeals?**status=moderation**");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync(hatch.Number);
        await Assertions.Expect(rows.First).ToContainTextAsync("На модерации");
        await Assertions.Expect(page.GetByLabel("Поиск")).ToHaveValueAsync("ЛЮК");
        await Assertions.Expect(page.GetByLabel("На модерации")).ToBeCheckedAsync();
        await Browser.ShotAsync(page, app, "71-appeals-filtered");

        // The exports hold the filtered list: one appeal.
        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "CSV" }).ClickAsync());
        Assert.EndsWith(".csv", csv.SuggestedFilename);
        var csvBytes = await File.ReadAllBytesAsync(await csv.PathAsync());
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csvBytes[..3]);
        var lines = Encoding.UTF8.GetString(csvBytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Номер;", lines[0]);
        Assert.StartsWith(hatch.Number + ";", lines[1]);

        var xlsx = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "XLSX" }).ClickAsync());
        Assert.EndsWith(".xlsx", xlsx.SuggestedFilename);
        using var document = SpreadsheetDocument.Open(await xlsx.PathAsync(), false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        var cells = sheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>().Select(row => row.Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>().First().InnerText).ToList();
        Assert.Equal(["Номер", hatch.Number], cells);
    }
}
