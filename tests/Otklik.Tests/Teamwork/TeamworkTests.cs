using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Notifications;
using Otklik.Features.Teamwork;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Notifications;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Teamwork;

/// <summary>
/// The support network's workspace (issue 23.6): announcements with receipts and reminders, chats whose @mentions become
/// notices, tasks with checklists watched for their due day, shared folders by organisation and role, and the daily
/// digest read back from the SMTP sink. Pages are used as a person would (forms with their antiforgery token), the rest
/// through the API; each test has its own app (they move its clock).
/// </summary>
public sealed class TeamworkTests
{
    static string Email(Persona p) => $"{p}@test.example".ToLowerInvariant();

    static KeyValuePair<string, string> F(string name, object value) => new(name, value.ToString()!);

    static async Task<Guid> PostAnnouncementAsync(TestApp app, Persona by, string title, bool important, Guid[] organisations, params string[] roles)
    {
        using var s = await FormSession.SignInAsync(app, by);
        await s.GetAsync("/office/teamwork");
        var fields = new List<KeyValuePair<string, string>> { F("Title", title), F("Text", "Просим до пятницы обновить реестр получателей поддержки."), F("Important", important ? "true" : "false") };
        fields.AddRange(organisations.Select(o => F("OrganisationIds", o)));
        fields.AddRange(roles.Select(r => F("Roles", r)));
        var response = await s.PostAsync("/office/teamwork?handler=Announcement", fields);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Guid.Parse(Regex.Match(response.Headers.Location!.ToString(), "announcements/([0-9a-f-]{36})").Groups[1].Value);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_important_announcement_reaches_its_organisation_records_receipts_and_reminds_who_has_not_read(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;

        // Bad input: no organisation chosen, and one outside a municipal head's reach — refused at the field, nothing saved.
        using (var head = await FormSession.SignInAsync(app, MunBController))
        {
            await head.GetAsync("/office/teamwork");
            var refused = await head.PostAsync("/office/teamwork?handler=Announcement", [F("Title", "Совещание"), F("Text", "В пятницу в 10:00.")]);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("Выберите хотя бы одну организацию.", await refused.Content.ReadAsStringAsync());
            refused = await head.PostAsync("/office/teamwork?handler=Announcement", [F("Title", "Совещание"), F("Text", "В пятницу в 10:00."), F("OrganisationIds", r.MinInvest)]);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("только своим организациям", await refused.Content.ReadAsStringAsync());
        }
        // An executor does not post announcements at all.
        using (var executor = await FormSession.SignInAsync(app, MunAExecutor))
        {
            var page = await executor.GetAsync("/office/teamwork");
            Assert.DoesNotContain("Новое объявление", page);
            var refused = await executor.PostAsync("/office/teamwork?handler=Announcement", [F("Title", "Совещание"), F("Text", "В пятницу."), F("OrganisationIds", r.MunA)]);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }
        Assert.Equal(0, await app.WithDbAsync(db => db.TeamAnnouncements.CountAsync()));

        var id = await PostAnnouncementAsync(app, RegionAdmin, "Реестр получателей до пятницы", important: true, [r.MunA]);
        await app.DeliverAsync();

        // Every person of город А gets a notice linking to it; nobody of город Б does.
        foreach (var p in new[] { MunADispatcher, MunAExecutor, MunAController })
        {
            var notice = Assert.Single((await app.NoticePageAsync(p)).Items, i => i.Kind == NoticeKind.Announcement);
            Assert.Equal("Важное объявление: Реестр получателей до пятницы", notice.Title);
            Assert.EndsWith($"/office/teamwork/announcements/{id}", notice.Link);
        }
        Assert.DoesNotContain((await app.NoticePageAsync(MunBExecutor)).Items, i => i.Kind == NoticeKind.Announcement);

        // The receipt: only a recipient can give one; reading twice keeps the first time.
        await app.ClientAs(MunBExecutor).PostAsync($"/api/v1/teamwork/announcements/{id}/read", null).ExpectProblem(HttpStatusCode.NotFound, "teamwork.not_found");
        await app.ClientAs(MunAExecutor).PostAsync($"/api/v1/teamwork/announcements/{id}/read", null).Expect(HttpStatusCode.NoContent);
        var first = await app.WithDbAsync(db => db.TeamAnnouncementRecipients.Where(x => x.AnnouncementId == id && x.PersonId == r.IdOf(MunAExecutor)).Select(x => x.ReadAtUtc).SingleAsync());
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await app.ClientAs(MunAExecutor).PostAsync($"/api/v1/teamwork/announcements/{id}/read", null).Expect(HttpStatusCode.NoContent);
        Assert.Equal(first, await app.WithDbAsync(db => db.TeamAnnouncementRecipients.Where(x => x.AnnouncementId == id && x.PersonId == r.IdOf(MunAExecutor)).Select(x => x.ReadAtUtc).SingleAsync()));

        // Who read and who has not: the author's, nobody else's.
        await app.ClientAs(MunAExecutor).GetAsync($"/api/v1/teamwork/announcements/{id}/receipts").ExpectProblem(HttpStatusCode.NotFound, "teamwork.not_found");
        var receipts = await (await app.ClientAs(RegionAdmin).GetAsync($"/api/v1/teamwork/announcements/{id}/receipts").Expect(HttpStatusCode.OK)).ReadAsync<TeamworkApi.Receipts>();
        Assert.Equal((1, 2), (receipts.Read, receipts.NotRead));
        Assert.Equal(first, receipts.People.Single(p => p.PersonId == r.IdOf(MunAExecutor)).ReadAtUtc);
        var list = await (await app.ClientAs(MunAExecutor).GetAsync("/api/v1/teamwork/announcements").Expect(HttpStatusCode.OK)).ReadAsync<List<TeamworkApi.AnnouncementItem>>();
        Assert.NotNull(Assert.Single(list).ReadAtUtc);

        // The reminder goes to the two who have not read it, not to the one who has.
        var reminded = await (await app.ClientAs(RegionAdmin).PostAsync($"/api/v1/teamwork/announcements/{id}/remind", null).Expect(HttpStatusCode.OK)).ReadAsync<TeamworkApi.Reminded>();
        Assert.Equal(2, reminded.People);
        await app.DeliverAsync();
        Assert.Single((await app.NoticePageAsync(MunADispatcher)).Items, i => i.Title.StartsWith("Напоминание: прочитайте объявление", StringComparison.Ordinal));
        Assert.DoesNotContain((await app.NoticePageAsync(MunAExecutor)).Items, i => i.Title.StartsWith("Напоминание", StringComparison.Ordinal));

        // A second important one nobody reads: the watch reminds once, a day after it was posted.
        var second = await PostAnnouncementAsync(app, RegionAdmin, "Отчёт за ноябрь", important: true, [r.MunA], "Controller");
        Assert.Equal(1, await app.WithDbAsync(db => db.TeamAnnouncementRecipients.CountAsync(x => x.AnnouncementId == second)));
        Assert.Equal((0, 0), await WatchAsync(app));
        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal((0, 1), await WatchAsync(app));
        Assert.Equal((0, 0), await WatchAsync(app));
    }

    static async Task<(int, int)> WatchAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await TeamDigest.WatchAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), app.Clock.GetUtcNow().UtcDateTime, TestContext.Current.CancellationToken);
    }

    static async Task<int> DigestAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await TeamDigest.RunOnceAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), scope.ServiceProvider.GetRequiredService<NoticeSettings>(),
            app.Clock.GetUtcNow().UtcDateTime, TestContext.Current.CancellationToken);
    }

    static async Task<Guid> OpenChatAsync(TestApp app, Persona by, string title, string kind, Guid organisation, params Persona[] members)
    {
        using var s = await FormSession.SignInAsync(app, by);
        await s.GetAsync("/office/teamwork");
        var response = await s.PostAsync("/office/teamwork?handler=Chat",
            [F("Title", title), F("Kind", kind), F("OrganisationId", organisation), .. members.Select(m => F("MemberIds", app.Region.IdOf(m)))]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Guid.Parse(Regex.Match(response.Headers.Location!.ToString(), "chats/([0-9a-f-]{36})").Groups[1].Value);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_mention_in_a_chat_becomes_a_notice_for_the_member_and_the_messages_arrive_after_the_cursor(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var chat = await OpenChatAsync(app, MunADispatcher, "Реестр получателей", "Project", r.MunA, MunAExecutor);
        var messages = $"/api/v1/teamwork/chats/{chat}/messages";

        // Only its members see a project chat.
        await app.ClientAs(MunAController).GetAsync(messages).ExpectProblem(HttpStatusCode.NotFound, "teamwork.not_found");
        await app.ClientAs(MunBExecutor).PostJsonAsync(messages, new { text = "Привет" }).ExpectProblem(HttpStatusCode.NotFound, "teamwork.not_found");
        await app.ClientAs(Applicant).GetAsync(messages).ExpectProblem(HttpStatusCode.Forbidden, "teamwork.staff_only");
        // An empty message is refused at the field.
        var empty = await app.ClientAs(MunADispatcher).PostJsonAsync(messages, new { text = " " }).ExpectProblem(HttpStatusCode.UnprocessableEntity, "field.required");
        Assert.True(empty.GetProperty("errors").TryGetProperty("text", out _));

        var opened = await (await app.ClientAs(MunAExecutor).GetAsync(messages).Expect(HttpStatusCode.OK)).ReadAsync<TeamworkApi.Messages>();
        Assert.Empty(opened.Items);
        // @login of a member and @login of an outsider: only the member is told; the author never is.
        var posted = await (await app.ClientAs(MunADispatcher).PostJsonAsync(messages,
            new { text = "@munaexecutor проверьте строки 12–14, @munbexecutor и @munadispatcher — без вас" }).Expect(HttpStatusCode.Created)).ReadAsync<TeamService.MessageView>();
        await app.DeliverAsync();
        var notice = Assert.Single((await app.NoticePageAsync(MunAExecutor)).Items, i => i.Kind == NoticeKind.Mention);
        Assert.Contains("упоминает вас в обсуждении «Реестр получателей»", notice.Title);
        Assert.EndsWith($"/office/teamwork/chats/{chat}#m{posted.Id}", notice.Link);
        Assert.DoesNotContain((await app.NoticePageAsync(MunBExecutor)).Items, i => i.Kind == NoticeKind.Mention);
        Assert.DoesNotContain((await app.NoticePageAsync(MunADispatcher)).Items, i => i.Kind == NoticeKind.Mention);

        // The live cursor: after the last seen, only what is new.
        var next = await (await app.ClientAs(MunAExecutor).GetAsync($"{messages}?after={opened.Cursor}").Expect(HttpStatusCode.OK)).ReadAsync<TeamworkApi.Messages>();
        Assert.Equal(posted.Id, Assert.Single(next.Items).Id);
        var none = await (await app.ClientAs(MunAExecutor).GetAsync($"{messages}?after={next.Cursor}").Expect(HttpStatusCode.OK)).ReadAsync<TeamworkApi.Messages>();
        Assert.Empty(none.Items);
        Assert.Equal(next.Cursor, none.Cursor);
        await app.ClientAs(MunAExecutor).GetAsync($"{messages}?after=-1").ExpectProblem(HttpStatusCode.BadRequest, "paging.cursor");

        // An organisation's chat: everyone of the organisation takes part, nobody else; mentions by surname work too.
        var orgChat = await OpenChatAsync(app, MunAController, "Администрация города А", "Organisation", r.MunA);
        var lastName = await app.WithDbAsync(db => db.Users.Where(u => u.Id == r.IdOf(MunAExecutor)).Select(u => u.LastName).SingleAsync());
        await app.ClientAs(MunAController).PostJsonAsync($"/api/v1/teamwork/chats/{orgChat}/messages", new { text = $"@{lastName}, нужен отчёт" }).Expect(HttpStatusCode.Created);
        await app.ClientAs(MunBController).GetAsync($"/api/v1/teamwork/chats/{orgChat}/messages").ExpectProblem(HttpStatusCode.NotFound, "teamwork.not_found");
        await app.DeliverAsync();
        Assert.Equal(2, (await app.NoticePageAsync(MunAExecutor)).Items.Count(i => i.Kind == NoticeKind.Mention));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_task_is_finished_by_its_checklist_and_the_watch_tells_of_a_missed_due_day_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        using var s = await FormSession.SignInAsync(app, MunADispatcher);
        await s.GetAsync("/office/teamwork");

        // Bad input: a past due day, no checklist, an owner outside the organisation — each at its field; nothing saved.
        var refused = await s.PostAsync("/office/teamwork?handler=Task", [F("Title", "Обновить реестр"), F("OwnerId", r.IdOf(MunBExecutor)),
            F("DueOn", today.AddDays(-1).ToString("yyyy-MM-dd")), F("Checklist", "")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Срок не может быть в прошлом.", html);
        Assert.Contains("Добавьте хотя бы один пункт чек-листа.", html);
        Assert.Contains("Выберите ответственного среди сотрудников своих организаций.", html);
        Assert.Equal(0, await app.WithDbAsync(db => db.TeamTasks.CountAsync()));

        var created = await s.PostAsync("/office/teamwork?handler=Task", [F("Title", "Обновить реестр получателей"), F("OwnerId", r.IdOf(MunAExecutor)),
            F("DueOn", today.AddDays(1).ToString("yyyy-MM-dd")), F("Checklist", "Выгрузить из 1С\nПроверить ИНН\n")]);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var id = Guid.Parse(Regex.Match(created.Headers.Location!.ToString(), "tasks/([0-9a-f-]{36})").Groups[1].Value);
        await app.DeliverAsync();
        var notice = Assert.Single((await app.NoticePageAsync(MunAExecutor)).Items, i => i.Kind == NoticeKind.TeamTask);
        Assert.EndsWith($"/office/teamwork/tasks/{id}", notice.Link);

        var tasks = await (await app.ClientAs(MunAExecutor).GetAsync("/api/v1/teamwork/tasks").Expect(HttpStatusCode.OK)).ReadAsync<List<TeamworkApi.TaskView>>();
        var task = Assert.Single(tasks);
        Assert.Equal(["Выгрузить из 1С", "Проверить ИНН"], task.Checklist.Select(i => i.Text));
        // Somebody else's task is not there to tick; an unknown item is refused.
        await app.ClientAs(MunBExecutor).PutJsonAsync($"/api/v1/teamwork/tasks/{id}/checklist/{task.Checklist[0].Id}", new { done = true }).ExpectProblem(HttpStatusCode.NotFound, "teamwork.not_found");
        await app.ClientAs(MunAExecutor).PutJsonAsync($"/api/v1/teamwork/tasks/{id}/checklist/{Guid.NewGuid()}", new { done = true }).ExpectProblem(HttpStatusCode.NotFound, "teamwork.item_unknown");

        var half = await (await app.ClientAs(MunAExecutor).PutJsonAsync($"/api/v1/teamwork/tasks/{id}/checklist/{task.Checklist[0].Id}", new { done = true }).Expect(HttpStatusCode.OK)).ReadAsync<TeamworkApi.TaskView>();
        Assert.False(half.Done);
        var done = await (await app.ClientAs(MunAExecutor).PutJsonAsync($"/api/v1/teamwork/tasks/{id}/checklist/{task.Checklist[1].Id}", new { done = true }).Expect(HttpStatusCode.OK)).ReadAsync<TeamworkApi.TaskView>();
        Assert.True(done.Done);

        // A second task left open past its due day: the owner and the author are told once, in the organisation's zone.
        created = await s.PostAsync("/office/teamwork?handler=Task", [F("Title", "Сверить отчёт"), F("OwnerId", r.IdOf(MunAExecutor)),
            F("DueOn", today.ToString("yyyy-MM-dd")), F("Checklist", "Сверить")]);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal((0, 0), await WatchAsync(app));
        // 23:59 of the due day in Екатеринбург (UTC+5) is still the due day; 00:00 the next day is not.
        app.Clock.SetUtcNow(new DateTimeOffset(today.ToDateTime(new TimeOnly(18, 59)), TimeSpan.Zero));
        Assert.Equal((0, 0), await WatchAsync(app));
        app.Clock.SetUtcNow(new DateTimeOffset(today.ToDateTime(new TimeOnly(19, 0)), TimeSpan.Zero));
        Assert.Equal((1, 0), await WatchAsync(app));
        Assert.Equal((0, 0), await WatchAsync(app));
        await app.DeliverAsync();
        foreach (var p in new[] { MunAExecutor, MunADispatcher })
            Assert.Single((await app.NoticePageAsync(p)).Items, i => i.Kind == NoticeKind.Deadline && i.Title.StartsWith("Срок задачи «Сверить отчёт» пропущен", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_daily_digest_goes_once_to_those_who_have_not_looked(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var id = await PostAnnouncementAsync(app, RegionAdmin, $"Сводка {Guid.NewGuid():N}", important: true, [r.MunA]);
        // The executor looks at the workspace today; the others do not.
        using (var s = await FormSession.SignInAsync(app, MunAExecutor)) await s.GetAsync("/office/teamwork");

        // 10:00 in Moscow on Monday: today's digest moment (05:00 UTC) has gone; the next is tomorrow's.
        Assert.Equal(0, await DigestAsync(app));
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));
        Assert.Equal(2, await DigestAsync(app));
        Assert.Equal(0, await DigestAsync(app));
        await app.DeliverAsync();

        bool Ours(MimeKit.MimeMessage m) => m.TextOf().Contains(id.ToString());
        var letter = await app.Mail.WaitForAsync(Email(MunAController), Ours);
        Assert.StartsWith("Рабочее место «Отклик»: важное объявление", letter.Subject);
        Assert.Contains($"http://127.0.0.1:5080/office/teamwork/announcements/{id}", letter.TextOf());
        Assert.Equal(TeamDigest.Type, letter.Headers["X-Otklik-Type"]);
        await app.Mail.WaitForAsync(Email(MunADispatcher), Ours);
        Assert.DoesNotContain(app.Mail.To(Email(MunAExecutor)), Ours);
        Assert.Single(app.Mail.To(Email(MunAController)), Ours);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_shared_folder_opens_to_its_organisations_and_roles_and_checks_what_is_uploaded(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        string folderUrl;
        using (var admin = await FormSession.SignInAsync(app, RegionAdmin))
        {
            await admin.GetAsync("/office/teamwork");
            var refused = await admin.PostAsync("/office/teamwork?handler=Folder", [F("Title", "Шаблоны"), F("OrganisationId", r.Region)]);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("Выберите организации, которым открыта папка.", await refused.Content.ReadAsStringAsync());
            var created = await admin.PostAsync("/office/teamwork?handler=Folder", [F("Title", "Шаблоны отчётов"), F("OrganisationId", r.Region),
                F("OrganisationIds", r.MunA), F("Roles", "Executor")]);
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
            folderUrl = created.Headers.Location!.ToString();
        }
        using var executor = await FormSession.SignInAsync(app, MunAExecutor);
        Assert.Contains("Шаблоны отчётов", await executor.GetAsync("/office/teamwork"));
        await executor.GetAsync(folderUrl);
        // A file whose bytes are no document is refused at the field; a PDF is kept.
        var bad = await executor.PostMultipartAsync(folderUrl, [], [("file", "отчёт.pdf", "MZ\u0090\0not a pdf"u8.ToArray())]);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, bad.StatusCode);
        Assert.Contains("содержимое файла не соответствует", await bad.Content.ReadAsStringAsync());
        var pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"u8.ToArray();
        Assert.Equal(HttpStatusCode.Redirect, (await executor.PostMultipartAsync(folderUrl, [], [("file", "шаблон.pdf", pdf)])).StatusCode);
        var page = await executor.GetAsync(folderUrl);
        var link = Regex.Match(page, "href=\"([^\"]+handler=File[^\"]+)\"").Groups[1].Value.Replace("&amp;", "&");
        Assert.Equal(pdf, await executor.Client.GetByteArrayAsync(link));

        // Not open to a dispatcher of the same organisation (the role), nor to another town (the organisation).
        foreach (var p in new[] { MunADispatcher, MunBExecutor })
        {
            using var other = await FormSession.SignInAsync(app, p);
            Assert.DoesNotContain("Шаблоны отчётов", await other.GetAsync("/office/teamwork"));
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetRawAsync(folderUrl)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetRawAsync(link)).StatusCode);
        }
    }
}
