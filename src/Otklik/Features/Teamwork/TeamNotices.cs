using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Teamwork;

/// <summary>The notices of the workspace's outbox messages (called by <see cref="Notifications.NoticeWriter"/> for each <c>team.*</c> type).</summary>
public static class TeamNotices
{
    public sealed record Draft(Guid PersonId, string Title, string? Text, string Link);

    public static async Task<List<Draft>> DraftsAsync(AppDbContext db, string type, JsonElement p, CancellationToken ct)
    {
        switch (type)
        {
            case "team.announcement":
            {
                var id = Guid(p, "announcementId");
                var a = await db.TeamAnnouncements.AsNoTracking().Include(x => x.Recipients).SingleOrDefaultAsync(x => x.Id == id, ct);
                if (a is null) return [];
                var title = (a.Important ? "Важное объявление: " : "Объявление: ") + a.Title;
                var text = a.Important ? "Откройте объявление и подтвердите, что прочитали его." : null;
                return [.. a.Recipients.Select(r => new Draft(r.PersonId, title, text, $"/office/teamwork/announcements/{a.Id}"))];
            }
            case "team.announcement_reminder":
            {
                var id = Guid(p, "announcementId");
                var still = await db.TeamAnnouncementRecipients.AsNoTracking().Where(r => r.AnnouncementId == id && r.ReadAtUtc == null).Select(r => r.PersonId).ToListAsync(ct);
                var asked = Guids(p, "people").ToHashSet();
                return [.. still.Where(asked.Contains).Select(person => new Draft(person, $"Напоминание: прочитайте объявление «{Text(p, "title")}»",
                    "Вы ещё не подтвердили, что прочитали его.", $"/office/teamwork/announcements/{id}"))];
            }
            case "team.mentioned":
            {
                var chat = Guid(p, "chatId");
                var author = Guid(p, "authorId") is { } a ? await db.Users.AsNoTracking().Where(u => u.Id == a).Select(u => u.LastName + " " + u.FirstName).SingleOrDefaultAsync(ct) : null;
                return [.. Guids(p, "people").Distinct().Select(person => new Draft(person, $"{author ?? "Коллега"} упоминает вас в обсуждении «{Text(p, "chat")}»",
                    Text(p, "text"), $"/office/teamwork/chats/{chat}#m{Long(p, "messageId")}"))];
            }
            case "team.task_assigned":
                return Guid(p, "personId") is { } owner
                    ? [new Draft(owner, $"Вам поручена задача «{Text(p, "title")}», срок {Text(p, "dueOn")}", null, $"/office/teamwork/tasks/{Guid(p, "taskId")}")]
                    : [];
            case "team.task_overdue":
                return [.. Guids(p, "people").Distinct().Select(person => new Draft(person, $"Срок задачи «{Text(p, "title")}» пропущен: {Text(p, "dueOn")}",
                    $"Не выполнено пунктов чек-листа: {Text(p, "open")}.", $"/office/teamwork/tasks/{Guid(p, "taskId")}"))];
            default:
                return [];
        }
    }

    static string? Text(JsonElement p, string name) => p.TryGetProperty(name, out var v) ? v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        _ => null,
    } : null;

    static long? Long(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    static Guid? Guid(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && System.Guid.TryParse(v.GetString(), out var g) ? g : null;

    static IEnumerable<Guid> Guids(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String && System.Guid.TryParse(x.GetString(), out _)).Select(x => System.Guid.Parse(x.GetString()!))
            : [];
}
