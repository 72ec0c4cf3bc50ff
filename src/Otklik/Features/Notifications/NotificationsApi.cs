using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Notifications;

/// <summary>
/// The signed-in person's notices: the list (newest first, unread marked, keyset by id), the unread count the bell
/// polls, marking read, and the choice per kind of what also comes by e-mail. Every query is the person's own rows.
/// </summary>
public static class NotificationsApi
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(config.GetSection("Otklik:Notices").Get<NoticeSettings>() ?? new NoticeSettings());
        services.AddLiveNotices();
        if (config.GetValue("Otklik:Workers", true)) services.AddHostedService<NoticeDigest>();
        return services;
    }

    public static RouteGroupBuilder MapNotificationsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/notifications").WithTags("Notifications").RequireAuthorization();
        group.MapGet("", List).Produces<NoticePage>().WithSummary("The person's notifications, newest first, a page at a time (cursor)");
        group.MapGet("/unread", Unread).Produces<UnreadCount>().WithSummary("How many of the person's notifications are unread");
        group.MapPost("/{id:long}/read", Read).Produces(StatusCodes.Status204NoContent).WithSummary("Marks a notification read");
        group.MapPost("/read-all", ReadAll).Produces<MarkedCount>().WithSummary("Marks all the person's notifications read");
        group.MapGet("/settings", GetSettings).Produces<List<Setting>>().WithSummary("How each kind of notice reaches the person");
        group.MapPut("/settings", PutSettings).Produces<List<Setting>>().WithSummary("Changes how kinds of notice reach the person ({ kind: delivery })");
        return group;
    }

    public sealed record NoticeItem(long Id, NoticeKind Kind, string Title, string? Text, Guid? AppealId, string? AppealNumber, string? Link,
        DateTime CreatedAtUtc, bool Unread);

    public sealed record NoticePage(IReadOnlyList<NoticeItem> Items, int Unread, string? NextCursor);

    public sealed record Setting(NoticeKind Kind, string Title, NoticeDelivery Delivery);

    public sealed record UnreadCount(int Unread);

    public sealed record MarkedCount(int Marked);

    static async Task<IResult> List([FromQuery] int? limit, [FromQuery] string? cursor, AppDbContext db, CurrentUser user, PublicUrl site, CancellationToken ct)
    {
        var size = limit ?? 50;
        if (size is < 1 or > 200) throw new InputException("limit", "paging.limit", "Размер страницы — от 1 до 200.");
        long? before = null;
        if (cursor is not null)
            before = long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c > 0 ? c
                : throw new InputException("cursor", "paging.cursor", "Неверный курсор страницы: возьмите его из поля nextCursor предыдущей страницы.");
        var page = await PageAsync(db, user.RequiredId, size, before, ct);
        var items = page.Rows.Select(n => new NoticeItem(n.Id, n.Kind, n.Title, n.Text, n.AppealId, n.AppealNumber,
            n.AppealId is { } a ? site.Link($"/office/appeals/{a}") : n.Link is { } path ? site.Link(path) : null, n.CreatedAtUtc, n.IsUnread)).ToList();
        return TypedResults.Ok(new NoticePage(items, await UnreadAsync(db, user.RequiredId, ct),
            page.Next?.ToString(CultureInfo.InvariantCulture)));
    }

    static async Task<IResult> Unread(AppDbContext db, CurrentUser user, CancellationToken ct) =>
        TypedResults.Ok(new UnreadCount(await UnreadAsync(db, user.RequiredId, ct)));

    static async Task<IResult> Read(long id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        await MarkReadAsync(db, user.RequiredId, id, clock.GetUtcNow().UtcDateTime, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(title: "Не найдено", detail: "Такого уведомления у вас нет.", statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["code"] = "notification.not_found" });

    static async Task<IResult> ReadAll(AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(new MarkedCount(await MarkAllReadAsync(db, user.RequiredId, clock.GetUtcNow().UtcDateTime, ct)));

    static async Task<IResult> GetSettings(AppDbContext db, CurrentUser user, CancellationToken ct) =>
        TypedResults.Ok(await SettingsAsync(db, user.RequiredId, ct));

    /// <summary>Body: <c>{ "assignment": "immediate", "deadline": "digest", … }</c>; kinds left out keep their choice.</summary>
    static async Task<IResult> PutSettings(JsonElement body, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new InputException("body", "field.invalid", "Передайте объект: вид уведомления → способ доставки (office, immediate, digest).", 422);
        var e = new InputErrors();
        var chosen = new Dictionary<NoticeKind, NoticeDelivery>();
        foreach (var property in body.EnumerateObject())
        {
            if (!Enum.TryParse<NoticeKind>(property.Name, true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(property.Name, out _))
                e.Add(property.Name, "notification.unknown_kind", "Такого вида уведомлений нет.");
            else if (property.Value.ValueKind != JsonValueKind.String || !Enum.TryParse<NoticeDelivery>(property.Value.GetString(), true, out var delivery)
                     || !Enum.IsDefined(delivery) || int.TryParse(property.Value.GetString(), out _))
                e.Add(property.Name, "notification.unknown_delivery", "Способ доставки — office, immediate или digest.");
            else chosen[kind] = delivery;
        }
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        await SaveSettingsAsync(db, user.RequiredId, chosen, ct);
        return TypedResults.Ok(await SettingsAsync(db, user.RequiredId, ct));
    }

    // ---- Shared with the office pages ----

    public sealed record Page(IReadOnlyList<Notification> Rows, long? Next);

    /// <summary>The person's notices, newest first, <paramref name="size"/> of them before the id <paramref name="before"/>.</summary>
    public static async Task<Page> PageAsync(AppDbContext db, Guid personId, int size, long? before, CancellationToken ct)
    {
        var query = db.Notifications.AsNoTracking().Where(n => n.PersonId == personId);
        if (before is { } b) query = query.Where(n => n.Id < b);
        var rows = await query.OrderByDescending(n => n.Id).Take(size + 1).ToListAsync(ct);
        return new([.. rows.Take(size)], rows.Count > size ? rows[size - 1].Id : null);
    }

    public static Task<int> UnreadAsync(AppDbContext db, Guid personId, CancellationToken ct) =>
        db.Notifications.CountAsync(n => n.PersonId == personId && n.ReadAtUtc == null, ct);

    public static async Task<bool> MarkReadAsync(AppDbContext db, Guid personId, long id, DateTime nowUtc, CancellationToken ct)
    {
        if (!await db.Notifications.AnyAsync(n => n.Id == id && n.PersonId == personId, ct)) return false;
        await db.Notifications.Where(n => n.Id == id && n.PersonId == personId && n.ReadAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAtUtc, nowUtc), ct);
        LiveNotices.Tell(db, [personId]); // the person's other tabs, on any node
        return true;
    }

    public static async Task<int> MarkAllReadAsync(AppDbContext db, Guid personId, DateTime nowUtc, CancellationToken ct)
    {
        var marked = await db.Notifications.Where(n => n.PersonId == personId && n.ReadAtUtc == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAtUtc, nowUtc), ct);
        if (marked > 0) LiveNotices.Tell(db, [personId]);
        return marked;
    }

    public static async Task<IReadOnlyList<Setting>> SettingsAsync(AppDbContext db, Guid personId, CancellationToken ct)
    {
        var chosen = await db.NoticePreferences.AsNoTracking().Where(p => p.PersonId == personId).ToDictionaryAsync(p => p.Kind, p => p.Delivery, ct);
        return [.. NoticeKinds.All.Select(k => new Setting(k, NoticeKinds.Title(k), chosen.TryGetValue(k, out var d) ? d : NoticeKinds.DefaultDelivery(k)))];
    }

    public static async Task SaveSettingsAsync(AppDbContext db, Guid personId, IReadOnlyDictionary<NoticeKind, NoticeDelivery> chosen, CancellationToken ct)
    {
        var kinds = chosen.Keys.ToList();
        var rows = await db.NoticePreferences.Where(p => p.PersonId == personId && kinds.Contains(p.Kind)).ToDictionaryAsync(p => p.Kind, ct);
        foreach (var (kind, delivery) in chosen)
            if (rows.TryGetValue(kind, out var row)) row.Delivery = delivery;
            else db.NoticePreferences.Add(new NoticePreference { PersonId = personId, Kind = kind, Delivery = delivery });
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Otklik:Notices.</summary>
public sealed class NoticeSettings
{
    /// <summary>How often the bell asks for the unread count, in seconds.</summary>
    public int PollSeconds { get; set; } = 15;
    /// <summary>The time of day (UTC) after which the day's digest goes out; it collects the notices written before it.</summary>
    public TimeOnly DigestAtUtc { get; set; } = new(5, 0);
}
