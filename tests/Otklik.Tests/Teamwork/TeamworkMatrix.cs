using System.Net.Http.Json;
using Otklik.Features.Teamwork;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Teamwork;

/// <summary>
/// The workspace's lines of the authorization matrix (issue 23.6): staff only (403 for applicants and people without a
/// role); an announcement's receipt is its recipients', its receipts and reminder its author's; a project chat is its
/// members'; a task's checklist its owner's and author's; everyone else finds nothing (404).
/// </summary>
public static class TeamworkMatrix
{
    const string Api = "/api/v1/teamwork";
    static readonly Persona[] NotStaff = [Applicant, OtherApplicant, NoRoles];

    static HttpContent? NoBody(Target _) => null;
    static Func<Target, HttpContent?> Json(object body) => _ => JsonContent.Create(body, options: HttpExtensions.Options);

    public static IEnumerable<Line> Lines(TestRegion r) =>
    [
        new("GET", $"{Api}/announcements", "the caller's own", Expect.SignedIn(200).With(403, NotStaff), Setup.None, NoBody),
        new("POST", $"{Api}/announcements/{{id:guid}}/read", "the region's announcement to МО А: its recipients",
            Expect.SignedIn(404).With(403, NotStaff).With(204, MunADispatcher, MunAExecutor, MunAController), RegionAnnouncement(r), NoBody),
        new("GET", $"{Api}/announcements/{{id:guid}}/receipts", "the region's announcement to МО А: its author",
            Expect.SignedIn(404).With(403, NotStaff).With(200, RegionAdmin), RegionAnnouncement(r), NoBody),
        new("POST", $"{Api}/announcements/{{id:guid}}/remind", "the region's announcement to МО А: its author",
            Expect.SignedIn(404).With(403, NotStaff).With(200, RegionAdmin), RegionAnnouncement(r), NoBody),
        new("GET", $"{Api}/chats/{{id:guid}}/messages", "a project chat of МО А: its members",
            Expect.SignedIn(404).With(403, NotStaff).With(200, MunADispatcher, MunAExecutor), ProjectChat(r), NoBody),
        new("POST", $"{Api}/chats/{{id:guid}}/messages", "a project chat of МО А: its members",
            Expect.SignedIn(404).With(403, NotStaff).With(201, MunADispatcher, MunAExecutor), ProjectChat(r), Json(new { text = "Проверка связи" })),
        new("GET", $"{Api}/tasks", "the caller's own", Expect.SignedIn(200).With(403, NotStaff), Setup.None, NoBody),
        new("PUT", $"{Api}/tasks/{{id:guid}}/checklist/{{itemId:guid}}", "a task of МО А: its owner and author",
            Expect.SignedIn(404).With(403, NotStaff).With(200, MunADispatcher, MunAExecutor), MunATask(r), Json(new { done = true }))
            { Path = $"{Api}/tasks/{{id:guid}}/checklist/{{partId:guid}}" },
    ];

    static Setup RegionAnnouncement(TestRegion r) => new("an announcement of the region to МО А", app => app.WithDbAsync(async db =>
    {
        var a = new Announcement
        {
            Id = Guid.CreateVersion7(), Title = "Совещание", Text = "В пятницу в 10:00.", Important = true, AuthorId = r.IdOf(RegionAdmin),
            AudienceText = "Город А", CreatedAtUtc = app.Clock.GetUtcNow().UtcDateTime,
        };
        a.Recipients = [.. new[] { MunADispatcher, MunAExecutor, MunAController }.Select(p => new AnnouncementRecipient { AnnouncementId = a.Id, PersonId = r.IdOf(p) })];
        db.TeamAnnouncements.Add(a);
        await db.SaveChangesAsync();
        return new Target(a.Id);
    }));

    static Setup ProjectChat(TestRegion r) => new("a project chat of МО А", app => app.WithDbAsync(async db =>
    {
        var chat = new Chat { Id = Guid.CreateVersion7(), Title = "Реестр", Kind = ChatKind.Project, OrganisationId = r.MunA, CreatedById = r.IdOf(MunADispatcher), CreatedAtUtc = app.Clock.GetUtcNow().UtcDateTime };
        db.TeamChats.Add(chat);
        db.TeamChatMembers.AddRange(new ChatMember { ChatId = chat.Id, PersonId = r.IdOf(MunADispatcher) }, new ChatMember { ChatId = chat.Id, PersonId = r.IdOf(MunAExecutor) });
        await db.SaveChangesAsync();
        return new Target(chat.Id);
    }));

    static Setup MunATask(TestRegion r) => new("a task of МО А", app => app.WithDbAsync(async db =>
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var task = new TeamTask
        {
            Id = Guid.CreateVersion7(), Title = "Обновить реестр", OrganisationId = r.MunA, OwnerId = r.IdOf(MunAExecutor), CreatedById = r.IdOf(MunADispatcher),
            DueOn = DateOnly.FromDateTime(now).AddDays(3), CreatedAtUtc = now,
        };
        var item = new TaskItem { Id = Guid.CreateVersion7(), TaskId = task.Id, Order = 1, Text = "Выгрузить" };
        task.Items = [item, new TaskItem { Id = Guid.CreateVersion7(), TaskId = task.Id, Order = 2, Text = "Проверить" }];
        db.TeamTasks.Add(task);
        await db.SaveChangesAsync();
        return new Target(task.Id, PartId: item.Id);
    }));
}
