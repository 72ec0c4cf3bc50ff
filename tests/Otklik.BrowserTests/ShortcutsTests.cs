using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Issue 16 item 12: the office's keyboard shortcuts (wwwroot/js/shortcuts.js) driven by the keyboard alone — j/k to move
/// in a list, Enter to open, «a» to the card's next action, h for the history, g then a letter to go to a queue, / to
/// search, ? to the help page — and never while the person types in a field. The help page is linked for every staff role.
/// </summary>
public sealed class ShortcutsTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_executor_works_a_list_and_a_card_from_the_keyboard(Engine engine)
    {
        var app = await pool.For(engine);
        await app.AppealInAsync(AppealStatus.InWork);
        await app.AppealInAsync(AppealStatus.InWork);

        var page = await browser.SignInAsync(app, Persona.MunAExecutor);
        await page.GotoAsync("/office/my");
        var rows = page.Locator("main table tbody tr");
        Assert.True(await rows.CountAsync() >= 2);

        // j, j, k: the second row, then back to the first; its link has the focus, so Enter opens it.
        await page.Keyboard.PressAsync("j");
        await Assertions.Expect(rows.Nth(0)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("kb-current"));
        await page.Keyboard.PressAsync("j");
        await Assertions.Expect(rows.Nth(1)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("kb-current"));
        await Assertions.Expect(rows.Nth(0)).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("kb-current"));
        await page.Keyboard.PressAsync("k");
        var number = await rows.Nth(0).Locator("a").First.TextContentAsync();
        await Browser.ShotAsync(page, app, "95-shortcuts-list-row");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync($"Обращение {number}");

        // «a»: the cursor lands in the next likely action (the answer of an appeal in work). Typing there types, never jumps.
        await page.Keyboard.PressAsync("a");
        var answer = page.GetByLabel("Текст ответа");
        await Assertions.Expect(answer).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("jkg a/");
        await Assertions.Expect(answer).ToHaveValueAsync("jkg a/");
        Assert.Contains("/office/appeals/", page.Url, StringComparison.Ordinal);
        await page.Keyboard.PressAsync("Escape");

        // h opens the history; 2 opens the second action of the list.
        await Assertions.Expect(page.Locator("#history .timeline")).ToBeHiddenAsync();
        await page.Keyboard.PressAsync("h");
        await Assertions.Expect(page.Locator("#history .timeline")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("2");
        var second = page.Locator("main details.action").Nth(1);
        await Assertions.Expect(second).ToHaveJSPropertyAsync("open", true);
        // The cursor is in that action's first field now: Esc leaves it, so that letters are shortcuts again.
        await page.Keyboard.PressAsync("Escape");

        // g then a: «Все обращения»; / goes to its search field, where letters are text again.
        await page.Keyboard.PressAsync("g");
        await page.Keyboard.PressAsync("a");
        await page.WaitForURLAsync("**/office/appeals");
        await page.Keyboard.PressAsync("/");
        var search = page.Locator("#f-q");
        await Assertions.Expect(search).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("яма g");
        await Assertions.Expect(search).ToHaveValueAsync("яма g");
        await page.Keyboard.PressAsync("Escape");

        // x ticks the current row for a bulk action.
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("x");
        await Assertions.Expect(page.Locator("main table tbody tr.kb-current input[name=BulkIds]")).ToBeCheckedAsync();

        // ? opens the help page, which lists the shortcuts.
        await page.Keyboard.PressAsync("Shift+Slash");
        await page.WaitForURLAsync("**/office/help");
        await Assertions.Expect(page.Locator("#shortcuts")).ToContainTextAsync("Следующая строка списка");
        await Assertions.Expect(page.Locator("details.guide[data-role=Executor]")).ToHaveJSPropertyAsync("open", true);
        await Browser.ShotAsync(page, app, "96-office-help");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_staff_role_finds_the_help_page_in_the_header_and_the_moderator_acts_from_the_keyboard(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Moderation);
        foreach (var persona in new[] { Persona.CentreOperator, Persona.MunADispatcher, Persona.MunAController, Persona.CentreAnalyst, Persona.RegionAdmin })
        {
            // The analyst's office opens on the analytics; everyone else's on the queues.
            var page = await browser.SignInAsync(app, persona, persona == Persona.CentreAnalyst ? "**/office/analytics" : "**/office");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Разделы" }).GetByRole(AriaRole.Link, new() { Name = "Справка и клавиши" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Справка и сочетания клавиш");
            await page.Context.CloseAsync();
        }

        // The moderator: g m to the queue, j and Enter to the appeal, «a» to the registration's organisation, Enter to register.
        var moderator = await browser.SignInAsync(app, Persona.CentreModerator);
        await moderator.Keyboard.PressAsync("g");
        await moderator.Keyboard.PressAsync("m");
        await moderator.WaitForURLAsync("**/office/moderation");
        var row = moderator.Locator("main table tbody tr", new() { HasText = a.Number });
        var index = 0;
        var rows = moderator.Locator("main table tbody tr");
        for (var i = 0; i < await rows.CountAsync(); i++)
            if ((await rows.Nth(i).TextContentAsync())!.Contains(a.Number, StringComparison.Ordinal)) index = i;
        for (var i = 0; i <= index; i++) await moderator.Keyboard.PressAsync("j");
        await Assertions.Expect(row).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("kb-current"));
        await moderator.Keyboard.PressAsync("Enter");
        await moderator.WaitForURLAsync($"**/office/moderation/{a.Id}");
        await moderator.Keyboard.PressAsync("a");
        await Assertions.Expect(moderator.Locator("#accept-org")).ToBeFocusedAsync();
        await Browser.ShotAsync(moderator, app, "97-shortcuts-moderation-accept");
    }
}
