using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Analytics;
using Otklik.Features.Mail;
using Otklik.Features.Portal.Public;
using Otklik.Infrastructure;

namespace Otklik.Features.Alerts;

/// <summary>
/// The alert letters, composed for <see cref="MailComposer"/>: the news of a window (<c>alert.news</c>) and a visitor's
/// confirmation (<c>alert.confirm</c>). An appeal is shown as the public sees it — published, its answer masked — and
/// read again when the letter is composed: one that has left the portal since is left out. Every link is built from
/// the configured public address.
/// </summary>
public static class AlertLetters
{
    static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");

    public static async Task<Composed> NewsAsync(AppDbContext db, PublicUrl site, OutboxMessage message, JsonElement p, CancellationToken ct)
    {
        if (await RecipientAsync(db, p, ct) is not ({ } s, { } to)) return Composed.Skip("Подписка отменена, или у подписчика нет адреса.");
        var items = p.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(i => (Kind: Enum.Parse<AlertSweep.ItemKind>(i.GetProperty("kind").GetString()!), Id: i.GetProperty("id").GetGuid()))]
            : new List<(AlertSweep.ItemKind Kind, Guid Id)>();
        var ids = items.Select(i => i.Id).ToList();
        var appeals = await db.Appeals.AsNoTracking().Visible().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var problems = await db.RootCauses.AsNoTracking().Where(c => c.IsPublic && ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var names = await PublicNames.LoadAsync(db, ct);

        var lines = new StringBuilder();
        var subjects = new List<string>();
        foreach (var (kind, id) in items)
        {
            if (kind is AlertSweep.ItemKind.Answered or AlertSweep.ItemKind.Closed && appeals.TryGetValue(id, out var a))
            {
                var what = names.Topic(a.TopicId) ?? names.Category(a.CategoryId);
                var where = string.Join(", ", new[] { names.Territory(a.TerritoryId), PublicMasking.Address(a.Address, a.Applicant.PostalAddress) }
                    .Where(x => !string.IsNullOrWhiteSpace(x)));
                var head = kind == AlertSweep.ItemKind.Answered ? $"Дан ответ на обращение № {a.Number}" : $"Рассмотрение обращения № {a.Number} завершено";
                subjects.Add(head);
                lines.AppendLine($"• {head}: «{what}»{(where.Length > 0 ? $", {where}" : "")}.");
                if (PublicAppeals.AnswerShown(a.Status) && a.AnswerText is not null)
                    lines.AppendLine($"  Ответ: {PublicAppeals.Excerpt(PublicMasking.AnswerText(a).Public, 400)}");
                lines.AppendLine($"  Подробнее: {site.Link($"/appeals/{a.Number}")}").AppendLine();
            }
            else if (problems.TryGetValue(id, out var c))
            {
                var head = kind == AlertSweep.ItemKind.ProblemResolved ? $"Проблема устранена: «{c.Title}»" : $"Известная проблема: «{c.Title}»";
                subjects.Add(head);
                lines.AppendLine($"• {head}{(names.Territory(c.TerritoryId) is { } t ? $", {t}" : "")}.");
                if (kind == AlertSweep.ItemKind.ProblemAnnounced)
                    lines.AppendLine("  О ней уже знают и её устраняют: отдельное обращение об этом подавать не нужно.");
                lines.AppendLine($"  {(kind == AlertSweep.ItemKind.ProblemResolved ? "Что сделано" : "Кто устраняет и в какие сроки")}: {site.Link($"/problems/{c.Id}")}").AppendLine();
            }
        }
        if (subjects.Count == 0) return Composed.Skip("Обращения и проблемы письма больше не опубликованы.");

        var unsubscribe = site.Link(p.GetProperty("unsubscribe").GetString()!);
        var body = new StringBuilder().AppendLine("Здравствуйте!").AppendLine()
            .AppendLine($"Новое по вашей подписке на {await DescribeAsync(db, s, names, ct)}:").AppendLine()
            .Append(lines);
        if (s.PersonId is not null) body.AppendLine($"Ваши подписки: {site.Link("/my/alerts")}");
        body.AppendLine($"Отписаться от этих писем: {unsubscribe}");
        var subject = subjects.Count == 1 ? subjects[0] : $"Новое по подписке: {subjects.Count} {Plural(subjects.Count, "событие", "события", "событий")}";
        return new(new Letter([to], subject, MailComposer.Sign(body)) { Unsubscribe = unsubscribe }, null);
    }

    /// <summary>
    /// The web push of an alert letter (ADR 0039, «Web push»): for a follower with an account only (a visitor's alert has
    /// no browser to push to), the letter's news in one line, opening the appeal or the problem when there is one, the
    /// person's alerts otherwise. Null when there is no one to push to or nothing of the letter is still published.
    /// </summary>
    public static async Task<(Guid PersonId, WebPush.PushRelay.Content Content)?> PushAsync(AppDbContext db, OutboxMessage message, CancellationToken ct)
    {
        using var json = JsonDocument.Parse(message.Payload);
        var p = json.RootElement;
        if (!p.TryGetProperty("subscriptionId", out var v) || !Guid.TryParse(v.GetString(), out var subscriptionId)) return null;
        var s = await db.AlertSubscriptions.AsNoTracking().SingleOrDefaultAsync(x => x.Id == subscriptionId, ct);
        if (s?.PersonId is not { } person) return null;
        var items = p.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(i => (Kind: Enum.Parse<AlertSweep.ItemKind>(i.GetProperty("kind").GetString()!), Id: i.GetProperty("id").GetGuid()))]
            : new List<(AlertSweep.ItemKind Kind, Guid Id)>();
        var ids = items.Select(i => i.Id).ToList();
        var appeals = await db.Appeals.AsNoTracking().Visible().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Number, ct);
        var problems = await db.RootCauses.AsNoTracking().Where(c => c.IsPublic && ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Title, ct);
        var news = new List<(string Line, string Path)>();
        foreach (var (kind, id) in items)
        {
            if (kind is AlertSweep.ItemKind.Answered or AlertSweep.ItemKind.Closed && appeals.TryGetValue(id, out var number))
                news.Add((kind == AlertSweep.ItemKind.Answered ? $"Дан ответ на обращение № {number}" : $"Рассмотрение обращения № {number} завершено", $"/appeals/{number}"));
            else if (problems.TryGetValue(id, out var title))
                news.Add((kind == AlertSweep.ItemKind.ProblemResolved ? $"Проблема устранена: «{title}»" : $"Известная проблема: «{title}»", $"/problems/{id}"));
        }
        if (news.Count == 0) return null;
        var names = await PublicNames.LoadAsync(db, ct);
        // Like the letter, the push names no applicant and no answer text: the number or the problem, and where to read it.
        var body = news.Count == 1 ? news[0].Line : $"{news.Count} {Plural(news.Count, "событие", "события", "событий")}: {string.Join("; ", news.Select(n => n.Line))}";
        return (person, new WebPush.PushRelay.Content($"Новое по подписке: {await DescribeAsync(db, s, names, ct, title: true)}",
            PublicAppeals.Excerpt(body, 180), news.Count == 1 ? news[0].Path : "/my/alerts", $"alert-{s.Id:N}"));
    }

    public static async Task<Composed> ConfirmAsync(AppDbContext db, PublicUrl site, OutboxMessage message, JsonElement p, CancellationToken ct)
    {
        if (await RecipientAsync(db, p, ct) is not ({ } s, { } to) || s.IsConfirmed) return Composed.Skip("Подписка отменена или уже подтверждена.");
        var names = await PublicNames.LoadAsync(db, ct);
        var body = new StringBuilder().AppendLine("Здравствуйте!").AppendLine()
            .AppendLine($"На портале «Отклик» этот адрес подписали на новости: {await DescribeAsync(db, s, names, ct)}.")
            .AppendLine("Чтобы получать письма, подтвердите подписку по ссылке:")
            .AppendLine(site.Link(p.GetProperty("confirm").GetString()!)).AppendLine()
            .AppendLine($"Ссылка действует {AlertSweep.ConfirmWithin.TotalDays:0} дня. Если вы не подписывались, просто удалите это письмо: писем не будет.");
        return new(new Letter([to], "Подтвердите подписку на новости обращения", MailComposer.Sign(body)), null);
    }

    /// <summary>
    /// After «подписка на»: «обращение № 2026-000123», «территорию «Город А» (тема «Ямы на дорогах»)», «1 км вокруг адреса
    /// «ул. Ленина, 5»»; as a title (<paramref name="title"/>) the same in the nominative: «Обращение № …», «Территория «Город А»».
    /// </summary>
    public static async Task<string> DescribeAsync(AppDbContext db, AlertSubscription s, PublicNames names, CancellationToken ct, bool title = false)
    {
        var topic = names.Topic(s.TopicId) is { } t ? $" (тема «{t}»)" : "";
        return s.Target switch
        {
            AlertTarget.Appeal => $"{(title ? "Обращение" : "обращение")} № {await db.Appeals.AsNoTracking().Where(a => a.Id == s.AppealId).Select(a => a.Number).SingleOrDefaultAsync(ct)}",
            AlertTarget.Territory => $"{(title ? "Территория" : "территорию")} «{names.Territory(s.TerritoryId)}»{topic}",
            _ => $"{Radius(s.RadiusMetres ?? 0)} вокруг адреса «{s.Place}»{topic}",
        };
    }

    public static string Radius(int metres) => metres >= 1000 ? $"{(metres / 1000.0).ToString("0.#", Ru)} км" : $"{metres} м";

    static async Task<(AlertSubscription? Subscription, string? To)> RecipientAsync(AppDbContext db, JsonElement p, CancellationToken ct)
    {
        if (!p.TryGetProperty("subscriptionId", out var v) || !Guid.TryParse(v.GetString(), out var id)) return (null, null);
        var s = await db.AlertSubscriptions.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (s is null) return (null, null);
        var to = s.Email ?? await db.Users.AsNoTracking().Where(u => u.Id == s.PersonId && u.DisabledAtUtc == null).Select(u => u.Email).SingleOrDefaultAsync(ct);
        return string.IsNullOrWhiteSpace(to) ? (null, null) : (s, to);
    }

    static string Plural(int n, string one, string few, string many) =>
        (n % 100) is >= 11 and <= 14 ? many : (n % 10) switch { 1 => one, >= 2 and <= 4 => few, _ => many };
}
