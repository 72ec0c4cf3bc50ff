using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Otklik.Infrastructure;

namespace Otklik.Features.Teamwork;

/// <summary>
/// The workspace for apps and for the page's live updates: the person's announcements and their receipts, a chat's
/// messages after a cursor (what the chat page polls) and posting to it, the person's tasks and ticking their
/// checklists. Staff only; everything is the person's own or their organisations'.
/// </summary>
public static class TeamworkApi
{
    public sealed record AnnouncementItem(Guid Id, string Title, string Text, bool Important, string Author, string Audience, DateTime CreatedAtUtc,
        DateTime? ReadAtUtc, bool Mine, int Recipients, int Read);
    public sealed record Receipt(Guid PersonId, string Name, DateTime? ReadAtUtc);
    public sealed record Receipts(Guid AnnouncementId, int Read, int NotRead, IReadOnlyList<Receipt> People, DateTime? RemindedAtUtc);
    public sealed record Reminded(int People);
    public sealed record Messages(Guid ChatId, IReadOnlyList<TeamService.MessageView> Items, long Cursor);
    public sealed record NewMessage(string? Text);
    public sealed record ItemView(Guid Id, int Order, string Text, bool Done, DateTime? DoneAtUtc);
    public sealed record TaskView(Guid Id, string Title, string? Text, Guid OwnerId, string Owner, DateOnly DueOn, bool Done, bool Overdue, IReadOnlyList<ItemView> Checklist, int Version);
    public sealed record Tick(bool Done);

    public static void MapTeamworkApi(this IEndpointRouteBuilder api)
    {
        var g = api.MapGroup("/teamwork").WithTags("Teamwork").RequireAuthorization();
        g.MapGet("/announcements", Announcements).WithSummary("The announcements the person received or posted, newest first, with their receipt");
        g.MapPost("/announcements/{id:guid}/read", Read).WithSummary("Confirms reading an announcement (the read receipt)");
        g.MapGet("/announcements/{id:guid}/receipts", GetReceipts).WithSummary("Who read the announcement and who has not (its author)");
        g.MapPost("/announcements/{id:guid}/remind", Remind).WithSummary("Reminds those who have not read the announcement (its author)");
        g.MapGet("/chats/{id:guid}/messages", ChatMessages).WithSummary("A chat's messages after the cursor (the live updates poll it); marks them read");
        g.MapPost("/chats/{id:guid}/messages", Post).WithSummary("Writes to a chat; the members it @mentions get a notice");
        g.MapGet("/tasks", Tasks).WithSummary("The person's tasks (owned or given), open first by due day");
        g.MapPut("/tasks/{id:guid}/checklist/{itemId:guid}", PutTick).WithSummary("Ticks or unticks an item of a task's checklist; the last tick finishes the task");
    }

    static ProblemHttpResult NotStaff() => TypedResults.Problem(title: "Доступ запрещён", detail: "Рабочее место — для сотрудников.", statusCode: StatusCodes.Status403Forbidden,
        extensions: new Dictionary<string, object?> { ["code"] = "teamwork.staff_only" });

    static async Task<Results<Ok<List<AnnouncementItem>>, ProblemHttpResult>> Announcements(TeamService team, Data.AppDbContext db, CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return NotStaff();
        return TypedResults.Ok(await ListAsync(team, db, ct));
    }

    public static async Task<List<AnnouncementItem>> ListAsync(TeamService team, Data.AppDbContext db, CancellationToken ct)
    {
        var me = team.Me;
        var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.TeamAnnouncements.Where(a => a.AuthorId == me || a.Recipients.Any(r => r.PersonId == me)).OrderByDescending(a => a.CreatedAtUtc).Take(100)
                .Select(a => new
                {
                    a.Id, a.Title, a.Text, a.Important, a.AuthorId, a.AudienceText, a.CreatedAtUtc,
                    Mine = a.Recipients.Where(r => r.PersonId == me).Select(r => r.ReadAtUtc).FirstOrDefault(),
                    Count = a.Recipients.Count(), Read = a.Recipients.Count(r => r.ReadAtUtc != null),
                }), ct);
        var names = await team.NamesAsync(rows.Select(r => r.AuthorId), ct);
        return [.. rows.Select(r => new AnnouncementItem(r.Id, r.Title, r.Text, r.Important, names.GetValueOrDefault(r.AuthorId, "—"), r.AudienceText, r.CreatedAtUtc,
            r.AuthorId == me ? null : r.Mine, r.AuthorId == me, r.Count, r.Read))];
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Read(Guid id, TeamService team, CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return NotStaff();
        return await team.ReadAnnouncementAsync(id, ct) ? TypedResults.NoContent() : NotFound("Такого объявления для вас нет.");
    }

    static async Task<Results<Ok<Receipts>, ProblemHttpResult>> GetReceipts(Guid id, TeamService team, CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return NotStaff();
        return await ReceiptsAsync(team, id, ct) is { } r ? TypedResults.Ok(r) : NotFound("Такого объявления у вас нет.");
    }

    /// <summary>The receipts of the person's own announcement (null for anyone else's: the recipients' list is the author's).</summary>
    public static async Task<Receipts?> ReceiptsAsync(TeamService team, Guid id, CancellationToken ct)
    {
        var a = await team.AnnouncementAsync(id, ct);
        if (a is null || a.AuthorId != team.Me) return null;
        var names = await team.NamesAsync(a.Recipients.Select(r => r.PersonId), ct);
        var people = a.Recipients.Select(r => new Receipt(r.PersonId, names.GetValueOrDefault(r.PersonId, "—"), r.ReadAtUtc))
            .OrderBy(r => r.ReadAtUtc is not null).ThenBy(r => r.Name).ToList();
        return new Receipts(a.Id, people.Count(p => p.ReadAtUtc is not null), people.Count(p => p.ReadAtUtc is null), people, a.RemindedAtUtc);
    }

    static async Task<Results<Ok<Reminded>, ProblemHttpResult>> Remind(Guid id, TeamService team, CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return NotStaff();
        if (await team.AnnouncementAsync(id, ct) is not { } a || a.AuthorId != team.Me) return NotFound("Такого объявления у вас нет.");
        return TypedResults.Ok(new Reminded(await team.RemindAsync(id, ct)));
    }

    static async Task<Results<Ok<Messages>, ProblemHttpResult>> ChatMessages(Guid id, [FromQuery] long? after, [FromQuery] int? limit, TeamService team, CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return NotStaff();
        if (after is < 0) throw new InputException("after", "paging.cursor", "Курсор — номер последнего полученного сообщения (0 — последние сообщения).");
        var size = limit ?? 100;
        if (size is < 1 or > 200) throw new InputException("limit", "paging.limit", "Размер страницы — от 1 до 200.");
        if (await team.ChatAsync(id, ct) is not { } chat) return NotFound("Такого обсуждения у вас нет.");
        var items = await team.MessagesAsync(chat, after ?? 0, size, ct);
        return TypedResults.Ok(new Messages(chat.Id, items, items.Count > 0 ? items[^1].Id : after ?? 0));
    }

    static async Task<Results<Created<TeamService.MessageView>, ProblemHttpResult>> Post(Guid id, NewMessage body, TeamService team, CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return NotStaff();
        if (await team.ChatAsync(id, ct) is not { } chat) return NotFound("Такого обсуждения у вас нет.");
        var m = await team.PostAsync(chat, body.Text, ct);
        var name = (await team.NamesAsync([m.AuthorId], ct)).GetValueOrDefault(m.AuthorId, "—");
        return TypedResults.Created($"/api/v1/teamwork/chats/{id}/messages?after={m.Id - 1}", new TeamService.MessageView(m.Id, m.AuthorId, name, m.Text, m.CreatedAtUtc, true));
    }

    static async Task<Results<Ok<List<TaskView>>, ProblemHttpResult>> Tasks([FromQuery] bool? done, TeamService team, CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return NotStaff();
        var tasks = await team.TasksAsync(done ?? false, ct);
        var names = await team.NamesAsync(tasks.Select(t => t.OwnerId), ct);
        var today = DateOnly.FromDateTime(team.Now);
        return TypedResults.Ok(tasks.Select(t => View(t, names.GetValueOrDefault(t.OwnerId, "—"), today)).ToList());
    }

    public static TaskView View(TeamTask t, string owner, DateOnly today) => new(t.Id, t.Title, t.Text, t.OwnerId, owner, t.DueOn, t.IsDone, t.IsOverdue(today),
        [.. t.Items.OrderBy(i => i.Order).Select(i => new ItemView(i.Id, i.Order, i.Text, i.IsDone, i.DoneAtUtc))], t.Version);

    static async Task<Results<Ok<TaskView>, ProblemHttpResult>> PutTick(Guid id, Guid itemId, Tick body, TeamService team, CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return NotStaff();
        if (await team.TaskAsync(id, ct) is not { } task) return NotFound("Такой задачи у вас нет.");
        await team.TickAsync(task, itemId, body.Done, ct);
        var owner = (await team.NamesAsync([task.OwnerId], ct)).GetValueOrDefault(task.OwnerId, "—");
        return TypedResults.Ok(View(task, owner, DateOnly.FromDateTime(team.Now)));
    }

    static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(title: "Не найдено", detail: detail, statusCode: StatusCodes.Status404NotFound,
        extensions: new Dictionary<string, object?> { ["code"] = "teamwork.not_found" });
}
