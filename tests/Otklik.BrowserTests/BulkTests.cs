using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// The moderator ticks rows of «Все обращения» and acts on them at once: tags, merges duplicates (the registered one is
/// refused by its own rule, and the result says so), exports the ticked ones. 1366×768.
/// </summary>
public sealed class BulkTests(Browser browser) : IClassFixture<Browser>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_moderator_tags_and_merges_a_selection_and_sees_which_were_refused_and_why(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var main = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, "Яма на ул. Ленина у дома 10, колесо пробито."));
        var dup1 = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, "Та же яма на Ленина, 10: никто не ремонтирует."));
        var dup2 = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, "Яма у дома 10 по Ленина, третий раз пишу."));
        var registered = await app.AppealInAsync(AppealStatus.Registered);

        var page = await browser.SignInAsync(app, Persona.CentreModerator);
        await page.SetViewportSizeAsync(1366, 768);
        await page.GotoAsync("/office/appeals");
        var pick = (AppealView a) => page.GetByLabel($"Выбрать обращение {a.Number}", new() { Exact = true });

        // Select all, then untick all: the count follows.
        await page.GetByLabel("Выбрать все обращения на странице").CheckAsync();
        await Assertions.Expect(page.Locator("[data-selected-count]")).ToHaveTextAsync("(выбрано: 4)");
        await page.GetByLabel("Выбрать все обращения на странице").UncheckAsync();

        foreach (var a in new[] { main, dup1, dup2 }) await pick(a).CheckAsync();
        await page.GetByLabel("Метка").FillAsync("ливень 5 декабря");
        await page.GetByRole(AriaRole.Button, new() { Name = "Поставить метку" }).ClickAsync();
        var result = page.Locator(".bulk-result");
        await Assertions.Expect(result).ToContainTextAsync("Метка: выполнено 3, отказано 0");

        foreach (var a in new[] { main, dup1, dup2, registered }) await pick(a).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Объединить как дубликаты" }).ClickAsync();
        await Assertions.Expect(result).ToContainTextAsync($"Объединение дубликатов: выполнено 2, отказано 1 (основное обращение {main.Number})");
        var refused = result.Locator($"tr[data-refused='{registered.Number}']");
        await Assertions.Expect(refused).ToContainTextAsync("Объединить можно только обращение на модерации");
        // Only the refused one stays ticked.
        await Assertions.Expect(pick(registered)).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("input[name=BulkIds]:checked")).ToHaveCountAsync(1);
        await Browser.ShotAsync(page, app, "76-appeals-bulk-result");

        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => a.Id == dup1.Id || a.Id == dup2.Id || a.Id == main.Id).ToListAsync());
        Assert.All(stored.Where(a => a.Id != main.Id), a => Assert.Equal((AppealStatus.Merged, (Guid?)main.Id), (a.Status, a.MergedIntoId)));
        Assert.All(stored, a => Assert.True(a.HasTag("ливень 5 декабря")));
        Assert.Equal(AppealStatus.Registered, (await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == registered.Id))).Status);

        // The ticked one as CSV.
        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Выгрузить выбранные (CSV)" }).ClickAsync());
        var lines = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(await csv.PathAsync())).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(registered.Number + ";", lines[1]);
    }
}
