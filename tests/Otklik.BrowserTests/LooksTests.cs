using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Business;
using Otklik.Features.Channels;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Pages that landed without a look in a browser, looked at as the person who uses each (1366×768 in the office, 360 px
/// on the portal): what they say when there is nothing yet, what they say on an error, and how the person gets there.
/// </summary>
public sealed class LooksTests(Browser browser) : IClassFixture<Browser>
{
    static async Task<IPage> OfficeAsync(Browser browser, TestApp app, Persona persona)
    {
        var page = await browser.SignInAsync(app, persona);
        await page.SetViewportSizeAsync(1366, 768);
        return page;
    }

    static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Channels_page_explains_a_missing_mailbox_in_Russian(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var admin = await OfficeAsync(browser, app, Persona.RegionAdmin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Администрирование" }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Каналы приёма" }).ClickAsync();
        await admin.WaitForURLAsync("**/office/admin/channels");
        await Assertions.Expect(admin.Locator("#no-mailboxes")).ToContainTextAsync("письма граждан на электронную почту сейчас не становятся обращениями");
        await Assertions.Expect(admin.Locator("#no-mailboxes")).ToContainTextAsync("Чтобы подключить ящик");
        await Browser.ShotAsync(admin, app, "95-channels-none");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Channels_page_says_in_Russian_why_a_mailbox_fails(Engine engine)
    {
        var port = FreePort();
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?>
        {
            ["Otklik:MailIntake:Mailboxes:0:Name"] = "obr",
            ["Otklik:MailIntake:Mailboxes:0:Host"] = "127.0.0.1",
            ["Otklik:MailIntake:Mailboxes:0:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Otklik:MailIntake:Mailboxes:0:Security"] = "None",
            ["Otklik:MailIntake:Mailboxes:0:User"] = "obr@region.example",
            ["Otklik:MailIntake:Mailboxes:0:Password"] = "secret",
            ["Otklik:MailIntake:Mailboxes:0:From"] = "Обращения <obr@region.example>",
        });
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var box = scope.ServiceProvider.GetRequiredService<MailIntakeSettings>().Find("obr")!;
            var pass = await scope.ServiceProvider.GetRequiredService<MailboxReader>().PollAsync(box, CancellationToken.None);
            Assert.NotNull(pass.Error);
        }
        var admin = await OfficeAsync(browser, app, Persona.RegionAdmin);
        await admin.GotoAsync("/office/admin/channels");
        var section = admin.Locator("section.channel");
        await Assertions.Expect(section).ToContainTextAsync("не работает с");
        await Assertions.Expect(section).ToContainTextAsync($"127.0.0.1:{port} отклоняет соединение");
        await Assertions.Expect(section).Not.ToContainTextAsync("refused");
        await Browser.ShotAsync(admin, app, "95-channels-failing");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_operator_opens_the_incoming_call_screen_from_the_navigation_and_from_the_PBX_link(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var earlier = await app.SubmitAsync(Samples.Pothole(app.Region).With("channel", "hotline").With("applicant",
            new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Звонарёва", ["firstName"] = "Ольга", ["phone"] = "+7 912 345-67-89" }), Persona.CentreOperator);
        var page = await OfficeAsync(browser, app, Persona.CentreOperator);
        await page.Locator("nav").GetByRole(AriaRole.Link, new() { Name = "Входящий звонок" }).ClickAsync();
        await page.WaitForURLAsync("**/office/calls");
        // Nothing typed yet: a field, not an error.
        await Assertions.Expect(page.Locator(".field-error")).ToHaveCountAsync(0);
        await Browser.ShotAsync(page, app, "96-calls-empty");
        await page.GetByLabel("Номер телефона звонящего").FillAsync("12345");
        await page.GetByRole(AriaRole.Button, new() { Name = "Найти" }).ClickAsync();
        await Assertions.Expect(page.Locator("#number-error")).ToContainTextAsync("Номер не распознан");
        await Browser.ShotAsync(page, app, "96-calls-bad-number");
        await page.GetByLabel("Номер телефона звонящего").FillAsync("8 912 345 67 89");
        await page.GetByRole(AriaRole.Button, new() { Name = "Найти" }).ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Звонарёва Ольга");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"№ {earlier.Number}" })).ToBeVisibleAsync();

        // As the PBX opens it: the number and the call in the address.
        await page.GotoAsync("/office/calls?number=9123456789&call=1795000000.42");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"№ {earlier.Number}" })).ToBeVisibleAsync();
        await Browser.ShotAsync(page, app, "96-calls-pbx");
        await page.GetByRole(AriaRole.Link, new() { Name = "Новое обращение" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Телефон", Exact = true })).ToHaveValueAsync("9123456789");

        // An executor takes no calls: no link to a screen that would refuse.
        var executor = await OfficeAsync(browser, app, Persona.MunAExecutor);
        await Assertions.Expect(executor.Locator("nav").GetByRole(AriaRole.Link, new() { Name = "Входящий звонок" })).ToHaveCountAsync(0);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_applicant_on_a_phone_links_Telegram_with_a_code(Engine engine)
    {
        await using (var off = await TestApp.StartAsync(engine))
        {
            // No bot configured: said so, and no code to send nowhere.
            var page = await browser.SignInOnPortalAsync(off, Persona.Applicant, "/my");
            await page.GetByRole(AriaRole.Link, new() { Name = "Подавать обращения и получать ответы в Telegram" }).ClickAsync();
            await page.WaitForURLAsync("**/my/telegram");
            await Assertions.Expect(page.Locator("#telegram-off")).ToContainTextAsync("пока не подключён");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Получить код" })).ToHaveCountAsync(0);
            Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 360, "The page is wider than the phone.");
            await Browser.ShotAsync(page, off, "97-telegram-off-phone");
        }

        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?>
        {
            ["Otklik:Telegram:Token"] = "123:abc", ["Otklik:Telegram:WebhookSecret"] = "s3cret", ["Otklik:Telegram:BotName"] = "otklik_region_bot",
        });
        var phone = await browser.SignInOnPortalAsync(app, Persona.Applicant, "/my/telegram");
        await Browser.ShotAsync(phone, app, "97-telegram-phone");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Получить код" }).ClickAsync();
        await Assertions.Expect(phone.Locator("#telegram-code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^/link \d{8}$"));
        await Assertions.Expect(phone.GetByRole(AriaRole.Link, new() { Name = "бота @otklik_region_bot" })).ToHaveAttributeAsync("href", "https://t.me/otklik_region_bot");
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 360, "The page is wider than the phone.");
        await Browser.ShotAsync(phone, app, "97-telegram-code-phone");
    }
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_content_editor_keeps_the_business_portal_and_the_help_desks_work_on_a_phone(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var editor = await OfficeAsync(browser, app, Persona.ContentEditor);
        await editor.Locator("nav").GetByRole(AriaRole.Link, new() { Name = "Портал МСБ" }).ClickAsync();
        await editor.WaitForURLAsync("**/office/business");
        await Browser.ShotAsync(editor, app, "98-business-board");
        await editor.GetByRole(AriaRole.Link, new() { Name = "Меры поддержки" }).First.ClickAsync();
        await editor.GetByRole(AriaRole.Link, new() { Name = "Добавить меру" }).ClickAsync();
        await editor.GetByRole(AriaRole.Button, new() { Name = "Сохранить" }).ClickAsync();
        await Assertions.Expect(editor.Locator("#title-error")).ToContainTextAsync("Укажите название меры.");
        await Assertions.Expect(editor.Locator("#form-error")).ToContainTextAsync("Выберите форму поддержки.");
        await Browser.ShotAsync(editor, app, "98-business-measure-errors");
        Assert.Equal(0, await app.WithDbAsync(db => db.SupportMeasures.CountAsync()));

        // The footer's desks: not set up yet — said so, with a way on; set up — the desk's form.
        var context = await browser.Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = 360, Height = 740 } });
        var phone = await context.NewPageAsync();
        await phone.GotoAsync("/");
        await phone.GetByRole(AriaRole.Link, new() { Name = "Отзыв о портале" }).ClickAsync();
        await Assertions.Expect(phone.Locator("#desk-missing")).ToContainTextAsync("ещё не подключена");
        await Assertions.Expect(phone.GetByRole(AriaRole.Link, new() { Name = "Подать обращение" }).Last).ToBeVisibleAsync();
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 360, "The page is wider than the phone.");
        await Browser.ShotAsync(phone, app, "98-help-feedback-missing-phone");
        await app.WithDbAsync(async db =>
        {
            db.PortalDesks.Add(new PortalDesk { Kind = PortalDeskKind.Support, TopicId = r.SubsidyTopic, OrganisationId = r.Fund });
            await db.SaveChangesAsync();
        });
        await phone.GotoAsync("/");
        await phone.GetByRole(AriaRole.Link, new() { Name = "Техническая поддержка" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Техническая поддержка");
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 360, "The page is wider than the phone.");
        await Browser.ShotAsync(phone, app, "98-help-support-phone");
        await context.CloseAsync();
    }
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_analyst_reaches_informing_reports_and_known_problems(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        // An analyst with no queues lands on the analytics dashboard.
        var analyst = await browser.SignInAsync(app, Persona.CentreAnalyst, "**/office/analytics");
        await analyst.SetViewportSizeAsync(1366, 768);
        await analyst.Locator("nav").GetByRole(AriaRole.Link, new() { Name = "Аналитика" }).ClickAsync();
        await analyst.GetByRole(AriaRole.Link, new() { Name = "Информирование", Exact = true }).ClickAsync();
        await analyst.WaitForURLAsync("**/office/analytics/informing");
        await analyst.GetByRole(AriaRole.Button, new() { Name = "Отправить" }).ClickAsync();
        await Assertions.Expect(analyst.Locator(".field-error").First).ToBeVisibleAsync();
        await Browser.ShotAsync(analyst, app, "99-analytics-informing");
        await analyst.GotoAsync("/office/analytics");
        await analyst.GetByRole(AriaRole.Link, new() { Name = "Отчёты", Exact = true }).ClickAsync();
        await analyst.WaitForURLAsync("**/office/analytics/reports");
        await Browser.ShotAsync(analyst, app, "99-analytics-reports");
        await analyst.GotoAsync("/problems");
        await Assertions.Expect(analyst.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Browser.ShotAsync(analyst, app, "99-problems");
    }

}
