using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// A fund specialist's day in «Рабочая группа» (issue 23.6): the region's administrator posts an important announcement
/// to the fund in the browser; the specialist finds it waiting, confirms reading it, and the administrator sees the
/// receipt; in a project chat the administrator mentions the specialist — the message appears on the specialist's open
/// chat without a reload and the bell rises with the notice, which leads back to the message; then the specialist
/// finishes a task's checklist. The executor of город Б is the fund's specialist here (their role moved to the fund).
/// </summary>
public sealed class TeamworkTests(Browser browser) : IClassFixture<Browser>
{
    static readonly Dictionary<string, string?> Fast = new() { ["Otklik:Notices:PollSeconds"] = "1" };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_fund_specialist_reads_an_important_announcement_is_mentioned_in_a_chat_and_finishes_a_task(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: Fast);
        var r = app.Region;
        var specialist = r.IdOf(Persona.MunBExecutor);
        await app.WithDbAsync(db => db.RoleAssignments.Where(x => x.PersonId == specialist).ExecuteUpdateAsync(s => s.SetProperty(x => x.OrganisationId, (Guid?)r.Fund)));
        var surname = await app.WithDbAsync(db => db.Users.Where(u => u.Id == specialist).Select(u => u.LastName).SingleAsync());

        // The administrator posts the announcement through the form; a first try without an organisation is refused at the field.
        var admin = await browser.SignInAsync(app, Persona.RegionAdmin);
        await admin.GetByRole(AriaRole.Link, new() { Name = "Рабочая группа" }).ClickAsync();
        await admin.Locator("summary", new() { HasText = "Новое объявление" }).ClickAsync();
        await admin.GetByLabel("Заголовок", new() { Exact = true }).FillAsync("Реестр получателей поддержки — до 5 декабря");
        await admin.GetByLabel("Текст", new() { Exact = true }).FillAsync("Коллеги, выгрузите реестр за ноябрь до пятницы: форма федерального реестра, ИНН обязательно.");
        await admin.GetByLabel("Важное: попросить подтвердить прочтение").CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Опубликовать объявление" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#a-orgs-error")).ToHaveTextAsync("Выберите хотя бы одну организацию.");
        await Browser.ShotAsync(admin, app, "95-announcement-refused");
        await admin.GetByLabel("Фонд поддержки предпринимательства").First.CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Опубликовать объявление" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Реестр получателей поддержки — до 5 декабря");
        await Assertions.Expect(admin.Locator("#rc-h")).ToHaveTextAsync("Прочтение: 0 из 1");
        var announcementUrl = admin.Url;
        await app.DispatchMailAsync();

        // The specialist: the bell shows it, the workspace puts it first; reading it records the receipt.
        var fund = await browser.SignInAsync(app, Persona.MunBExecutor);
        await Assertions.Expect(fund.Locator(".bell [data-unread-count]")).ToHaveTextAsync("1");
        await fund.GetByRole(AriaRole.Link, new() { Name = "Рабочая группа" }).ClickAsync();
        var waiting = fund.Locator(".important-announcements");
        await Assertions.Expect(waiting).ToContainTextAsync("Реестр получателей поддержки — до 5 декабря");
        await Browser.ShotAsync(fund, app, "95-workspace-important");
        await waiting.GetByRole(AriaRole.Link, new() { Name = "Реестр получателей поддержки — до 5 декабря" }).ClickAsync();
        await fund.GetByRole(AriaRole.Button, new() { Name = "Прочитал(а), ознакомлен(а)" }).ClickAsync();
        await Assertions.Expect(fund.GetByRole(AriaRole.Status)).ToHaveTextAsync("Отмечено: вы прочитали объявление.");
        await Assertions.Expect(fund.Locator(".receipt")).ToContainTextAsync("Прочитано");
        await Browser.ShotAsync(fund, app, "95-announcement-read");
        Assert.NotNull(await app.WithDbAsync(db => db.TeamAnnouncementRecipients.Where(x => x.PersonId == specialist).Select(x => x.ReadAtUtc).SingleAsync()));
        await admin.GotoAsync(announcementUrl);
        await Assertions.Expect(admin.Locator("#rc-h")).ToHaveTextAsync("Прочтение: 1 из 1");
        await Assertions.Expect(admin.Locator("table.receipts")).ToContainTextAsync(surname);
        await Browser.ShotAsync(admin, app, "95-receipts");

        // A project chat with the specialist; the specialist keeps it open.
        await admin.GotoAsync("/office/teamwork");
        await admin.Locator("summary", new() { HasText = "Новое обсуждение" }).ClickAsync();
        await admin.GetByLabel("Название", new() { Exact = true }).FillAsync("Реестр за ноябрь");
        await admin.Locator("form", new() { HasText = "Открыть обсуждение" }).GetByLabel(surname).CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Открыть обсуждение" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Реестр за ноябрь");
        var chatUrl = admin.Url;
        await fund.GotoAsync(chatUrl);
        await Assertions.Expect(fund.Locator(".chat-empty")).ToBeVisibleAsync();

        await admin.GetByLabel("Сообщение").FillAsync($"@{surname}, проверьте, пожалуйста, строки 12–14 реестра: там ИНН из 11 цифр.");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Отправить" }).ClickAsync();
        await Assertions.Expect(admin.Locator("ol.chat-messages li")).ToHaveCountAsync(1);
        await Browser.ShotAsync(admin, app, "95-chat-admin");
        // Live: the message appears on the specialist's open page, no reload.
        await Assertions.Expect(fund.Locator("ol.chat-messages li")).ToContainTextAsync("строки 12–14", new() { Timeout = 15_000 });
        await app.DispatchMailAsync();
        await Assertions.Expect(fund.Locator(".bell [data-unread-count]")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        await Browser.ShotAsync(fund, app, "95-chat-live");
        await fund.Locator(".bell").ClickAsync();
        var notice = fund.Locator("ul.notices li").First;
        await Assertions.Expect(notice).ToContainTextAsync("упоминает вас в обсуждении «Реестр за ноябрь»");
        await Browser.ShotAsync(fund, app, "95-mention-notice");
        await notice.GetByRole(AriaRole.Link).First.ClickAsync();
        await fund.WaitForURLAsync(chatUrl + "#m*");
        await fund.GetByLabel("Сообщение").FillAsync("Исправлю сегодня.");
        await fund.GetByRole(AriaRole.Button, new() { Name = "Отправить" }).ClickAsync();
        await Assertions.Expect(fund.Locator("ol.chat-messages li")).ToHaveCountAsync(2);
        await Assertions.Expect(admin.Locator("ol.chat-messages li")).ToHaveCountAsync(2, new() { Timeout = 15_000 });

        // A task for the specialist, with a checklist of two.
        using (var form = await FormSession.SignInAsync(app, Persona.RegionAdmin))
        {
            await form.GetAsync("/office/teamwork");
            var due = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(3).ToString("yyyy-MM-dd");
            var created = await form.PostAsync("/office/teamwork?handler=Task", [new("Title", "Исправить реестр за ноябрь"), new("OwnerId", specialist.ToString()),
                new("DueOn", due), new("Checklist", "Исправить ИНН в строках 12–14\nЗагрузить реестр заново"), new("ChatId", chatUrl.Split('/')[^1])]);
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        }
        await fund.GotoAsync("/office/teamwork");
        await fund.Locator("table.tasks").GetByRole(AriaRole.Link, new() { Name = "Исправить реестр за ноябрь" }).ClickAsync();
        await Assertions.Expect(fund.Locator(".task-state")).ToHaveTextAsync("В работе: выполнено 0 из 2");
        await Browser.ShotAsync(fund, app, "95-task-open");
        await fund.GetByRole(AriaRole.Checkbox, new() { Name = "Исправить ИНН в строках 12–14" }).ClickAsync();
        await Assertions.Expect(fund.Locator(".task-state")).ToHaveTextAsync("В работе: выполнено 1 из 2");
        await fund.GetByRole(AriaRole.Checkbox, new() { Name = "Загрузить реестр заново" }).ClickAsync();
        await Assertions.Expect(fund.Locator(".task-state")).ToContainTextAsync("Выполнено");
        await Assertions.Expect(fund.GetByRole(AriaRole.Checkbox, new() { Name = "Загрузить реестр заново" })).ToHaveAttributeAsync("aria-checked", "true");
        await Browser.ShotAsync(fund, app, "95-task-done");
        await fund.GotoAsync("/office/teamwork");
        await Assertions.Expect(fund.Locator("main")).ToContainTextAsync("Открытых задач нет.");
    }
}
