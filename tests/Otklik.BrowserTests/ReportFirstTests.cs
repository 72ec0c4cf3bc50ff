using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Report first, sign in after, on a 360 px phone: a new visitor goes from the home page to a sent appeal by filling
/// the form, giving a name and an e-mail and opening the link of the real letter. The path of registering first
/// (register, confirm by the letter, which now signs in and returns to the form, fill it) is walked too, and both are
/// measured in taps and seconds (artifacts/measure/report-first.txt).
/// </summary>
public sealed class ReportFirstTests(Browser browser, AppPool pool) : IClassFixture<Browser>, IClassFixture<AppPool>
{
    static readonly ViewportSize Phone = new() { Width = 360, Height = 740 };

    /// <summary>Counts what a person does with a finger: each press, choice and field focused (typing is not a tap).</summary>
    sealed class Taps
    {
        public int Count { get; private set; }
        public async Task Click(ILocator l) { Count++; await l.ClickAsync(); }
        public async Task Check(ILocator l) { Count++; await l.CheckAsync(); }
        public async Task Fill(ILocator l, string v) { Count++; await l.FillAsync(v); }
        public async Task Select(ILocator l, string label) { Count++; await l.SelectOptionAsync(new SelectOptionValue { Label = label }); }
        public async Task Open(IPage page, string link) { Count++; await page.GotoAsync(new Uri(link).PathAndQuery); }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_new_visitor_reports_first_and_confirms_by_email_after_and_it_takes_fewer_taps_than_registering_first(Engine engine)
    {
        var app = await pool.For(engine);
        // Both paths are timed on a warm server: the first visit of each page pays for compiling it.
        var warm = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString() });
        var warmPage = await warm.NewPageAsync();
        foreach (var url in new[] { "/", "/submit", "/account/login", "/account/register", "/account/confirm", "/submit/confirm", "/my" }) await warmPage.GotoAsync(url);
        await warm.CloseAsync();

        // ---- After: report first ----
        var email = MailBox.NewAddress("first");
        var text = $"Во дворе дома 9 по улице Мира разбит фонарь, вечером темно. ({engine}, сначала обращение)";
        var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = Phone });
        var page = await context.NewPageAsync();
        var taps = new Taps();
        var clock = Stopwatch.StartNew();
        await page.GotoAsync("/");
        await taps.Click(page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "Подать обращение" }));
        await page.WaitForURLAsync("**/submit");
        await Assertions.Expect(page.Locator("#step-progress")).ToHaveTextAsync("Шаг 1 из 8: тип обращения");
        await FillAppealAsync(page, taps, text);
        await taps.Click(Next(page));
        await Assertions.Expect(page.Locator("#step-progress")).ToHaveTextAsync("Шаг 8 из 8: как с вами связаться");
        await taps.Fill(page.GetByLabel("Фамилия"), "Соколова");
        await taps.Fill(page.GetByLabel("Имя", new() { Exact = true }), "Ольга");
        await taps.Fill(page.GetByLabel("Электронная почта"), email);
        await taps.Check(page.GetByLabel("Согласен(на) на обработку персональных данных"));
        await Browser.ShotAsync(page, app, "70-report-first-contact-phone");
        await taps.Click(page.GetByRole(AriaRole.Button, new() { Name = "Отправить обращение" }));
        // The form is sent by script (fetch) and the answer drawn in place: on a busy machine this takes a while.
        await Assertions.Expect(page.Locator("#pending-sent")).ToContainTextAsync(email, new() { Timeout = 30_000 });
        await Browser.ShotAsync(page, app, "71-report-first-check-mail-phone");
        // Kept on the server, not sent, and the device's draft is done.
        Assert.Equal(0, await app.WithDbAsync(db => db.Appeals.CountAsync(a => a.Text == text)));
        Assert.Equal("null", await page.EvaluateAsync<string>("() => String(localStorage.getItem('otklik.submit.draft'))"));

        await app.DispatchMailAsync();
        var letter = await app.Mail.WaitForAsync(email);
        await taps.Open(page, Regex.Match(letter.TextOf(), @"https?://\S+/submit/confirm\?\S+").Value);
        await page.WaitForURLAsync("**/my/*?sent=true");
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Обращение принято.");
        clock.Stop();
        var (afterTaps, afterSeconds) = (taps.Count, clock.Elapsed.TotalSeconds);
        await Browser.ShotAsync(page, app, "72-report-first-sent-phone");
        var appeal = Assert.Single(await app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => a.Text == text).ToListAsync()));
        Assert.Equal(AppealStatus.Moderation, appeal.Status);
        // Signed in on the way: the appeal is in the new account's list.
        await page.GotoAsync("/my");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Обращение № {appeal.Number}" })).ToBeVisibleAsync();
        await context.CloseAsync();

        // ---- Registering first, as a new visitor had to before (then: 28 taps; the sign-in after confirming and the
        // way back to the form cost 4 of them, now saved by the return address the registration keeps) ----
        var before = MailBox.NewAddress("register");
        const string password = "Urals-Report-2026";
        var text2 = $"Во дворе дома 11 по улице Мира разбит фонарь, вечером темно. ({engine}, сначала регистрация)";
        context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = Phone });
        page = await context.NewPageAsync();
        taps = new Taps();
        clock = Stopwatch.StartNew();
        await page.GotoAsync("/");
        // The tap on «Подать обращение» used to land on the sign-in page.
        taps = new Taps();
        await taps.Open(page, new Uri(app.BaseAddress, "/account/login?ReturnUrl=%2Fsubmit").ToString());
        await taps.Click(page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "Зарегистрироваться" }));
        await taps.Fill(page.GetByLabel("Фамилия"), "Соколова");
        await taps.Fill(page.Locator("#firstname"), "Ольга");
        await taps.Fill(page.GetByLabel("Электронная почта"), before);
        await taps.Fill(page.Locator("#password"), password);
        await taps.Fill(page.Locator("#passwordconfirm"), password);
        await taps.Check(page.GetByLabel("Согласен(на) на обработку персональных данных"));
        await taps.Click(page.GetByRole(AriaRole.Button, new() { Name = "Зарегистрироваться" }));
        await Assertions.Expect(page.Locator("#register-done")).ToContainTextAsync(before);
        await app.DispatchMailAsync();
        // Registration keeps the return address: the letter's link confirms, signs in and returns to the form.
        await taps.Open(page, Regex.Match((await app.Mail.WaitForAsync(before)).TextOf(), @"https?://\S+/account/confirm\?\S+").Value);
        await page.WaitForURLAsync("**/submit");
        await Assertions.Expect(page.Locator("header .account")).ToContainTextAsync("Ольга");
        await FillAppealAsync(page, taps, text2);
        await taps.Click(page.GetByRole(AriaRole.Button, new() { Name = "Отправить обращение" }));
        await page.WaitForURLAsync("**/my/*?sent=true");
        clock.Stop();
        var (beforeTaps, beforeSeconds) = (taps.Count, clock.Elapsed.TotalSeconds);
        await context.CloseAsync();

        var folder = Path.Combine(Path.GetDirectoryName(Browser.Screenshots)!, "measure");
        Directory.CreateDirectory(folder);
        await File.AppendAllTextAsync(Path.Combine(folder, "report-first.txt"), FormattableString.Invariant(
            $"{engine}: home page to a sent appeal, new visitor, 360 px phone: register first {beforeTaps} taps, {beforeSeconds:0.0} s; after (report first) {afterTaps} taps, {afterSeconds:0.0} s\n"));
        Assert.True(afterTaps < beforeTaps, $"Report first takes {afterTaps} taps, registering first {beforeTaps}.");
        Assert.Equal(24, beforeTaps);
    }

    static ILocator Next(IPage page) => page.Locator(".step.current [data-next]");

    /// <summary>The seven steps of the appeal itself, the same before and after.</summary>
    static async Task FillAppealAsync(IPage page, Taps taps, string text)
    {
        await taps.Check(page.GetByLabel("Проблема"));
        await taps.Click(Next(page));
        await taps.Select(page.GetByLabel("Категория обращения"), "Городское благоустройство");
        await taps.Click(Next(page));
        await taps.Select(page.GetByLabel("Тема обращения"), "Ямы на дорогах");
        await taps.Click(Next(page));
        await taps.Fill(page.GetByLabel("Широта"), "56.85");
        await taps.Fill(page.GetByLabel("Долгота"), "61.25");
        await taps.Click(Next(page));
        await taps.Fill(page.GetByLabel("Текст обращения"), text);
        await taps.Click(Next(page));
        await taps.Click(Next(page));
        await taps.Check(page.GetByLabel("Согласен(на) на публикацию обращения и ответа на портале"));
    }
}
