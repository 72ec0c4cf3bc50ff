using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Mail;

/// <summary>One letter: its recipients, a Russian subject and a plain-text body.</summary>
public sealed record Letter(IReadOnlyList<string> To, string Subject, string Body);

/// <summary>What an outbox message becomes: a letter, or nothing to send with the reason why.</summary>
public sealed record Composed(Letter? Letter, string? Note)
{
    public static Composed Skip(string note) => new(null, note);
}

/// <summary>
/// Turns outbox messages into letters. The payload says what happened; the database says to whom and the details that
/// may have changed since (the appeal's due date, the staff who hold a role now).
/// </summary>
public sealed class MailComposer(AppDbContext db, MailSettings settings, PublicUrl site)
{
    static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>Messages that carry a one-time token: their payload is erased once the letter has gone.</summary>
    public static bool CarriesSecret(string type) => type.StartsWith("account.", StringComparison.Ordinal);

    public async Task<Composed> ComposeAsync(OutboxMessage message, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(message.Payload);
        var p = doc.RootElement;
        return message.Type switch
        {
            "account.confirm" => Account(p, "Подтвердите адрес электронной почты",
                "Вы зарегистрировались на портале «Отклик». Чтобы подтвердить адрес электронной почты и войти, откройте ссылку:",
                "Ссылка действует 24 часа. Если вы не регистрировались, просто удалите это письмо."),
            "account.reset" => Account(p, "Восстановление пароля",
                "Вы запросили восстановление пароля на портале «Отклик». Чтобы задать новый пароль, откройте ссылку:",
                "Ссылка действует 24 часа. Если вы не запрашивали восстановление, просто удалите это письмо: пароль останется прежним."),
            "account.exists" => Account(p, "Попытка регистрации с вашим адресом",
                "Кто-то пытался зарегистрироваться на портале «Отклик» с вашим адресом электронной почты, но у вас уже есть учётная запись. "
                + "Если это были вы, войдите со своим паролем или задайте новый по ссылке:",
                "Если это были не вы, просто удалите это письмо: ваша учётная запись не изменилась."),
            "contact.copy" => ContactCopy(p),
            "deadline.at_risk" or "deadline.overdue" or "deadline.escalated" or "appeal.extension_requested" => await StaffAsync(message, p, ct),
            "appeal.received" or "appeal.registered" or "appeal.extended" or "appeal.answered" or "appeal.rejected"
                or "appeal.information_requested" or "appeal.merged" or "appeal.redirected" => await ApplicantAsync(message, p, ct),
            _ => Composed.Skip($"Для сообщения «{message.Type}» нет письма."),
        };
    }

    // ---- Accounts ----

    static Composed Account(JsonElement p, string subject, string lead, string tail)
    {
        var to = Text(p, "email");
        if (to is null) return Composed.Skip("Нет адреса получателя.");
        var body = new StringBuilder()
            .AppendLine($"Здравствуйте, {Text(p, "name") ?? "пользователь"}!").AppendLine()
            .AppendLine(lead).AppendLine(Text(p, "link")).AppendLine()
            .AppendLine(tail);
        return new(new Letter([to], subject, Sign(body)), null);
    }

    // ---- Contact forms (seed 000: a copy to the portal's administrator and curator) ----

    Composed ContactCopy(JsonElement p)
    {
        var to = new[] { Text(p, "organisationEmail"), settings.AdministratorEmail, settings.CuratorEmail }
            .Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a!.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (to.Count == 0) return Composed.Skip("Не заданы адреса администратора и куратора портала (Otklik:Mail:AdministratorEmail, CuratorEmail).");
        var body = new StringBuilder()
            .AppendLine($"Через форму связи на странице «{Text(p, "organisation")}» поступил запрос, зарегистрировано обращение № {Text(p, "number")}.")
            .AppendLine("Ответ направляется в течение 2 рабочих дней; администратор и куратор портала получают копию ответа.").AppendLine()
            .AppendLine($"Заявитель: {Text(p, "name")}");
        if (Text(p, "applicantOrganisation") is { } org) body.AppendLine($"Организация: {org}");
        if (Text(p, "email") is { } email) body.AppendLine($"Эл. почта: {email}");
        if (Text(p, "phone") is { } phone) body.AppendLine($"Телефон: {phone}");
        body.AppendLine().AppendLine("Текст запроса:").AppendLine(Text(p, "message"));
        return new(new Letter(to, $"Запрос через форму связи: обращение № {Text(p, "number")}", Sign(body)), null);
    }

    // ---- The applicant ----

    async Task<Composed> ApplicantAsync(OutboxMessage message, JsonElement p, CancellationToken ct)
    {
        var appeal = message.AppealId is { } id ? await db.Appeals.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) : null;
        if (appeal is null) return Composed.Skip("Обращение не найдено.");
        var account = appeal.ApplicantUserId is { } uid ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == uid, ct) : null;
        // The receipt always goes; news of the appeal's course only to those who have not declined it in their profile.
        if (account is { NotifyByEmail: false } && message.Type != "appeal.received")
            return Composed.Skip("Заявитель отказался от уведомлений по электронной почте.");
        var to = Text(p, "email") ?? appeal.Applicant.Email ?? account?.Email;
        if (string.IsNullOrWhiteSpace(to)) return Composed.Skip("У заявителя нет адреса электронной почты.");

        var zone = await ZoneAsync(appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId, ct);
        var n = appeal.Number;
        var link = site.Link($"/my/{n}");
        var body = new StringBuilder().AppendLine($"Здравствуйте, {Greeting(appeal.Applicant)}!").AppendLine();
        string subject;
        switch (message.Type)
        {
            case "appeal.received":
                subject = $"Обращение № {n} принято";
                body.AppendLine($"Ваше обращение принято {Local(appeal.ReceivedAtUtc, zone)} и зарегистрировано под номером {n}.")
                    .AppendLine($"Срок рассмотрения на текущем этапе — до {Local(appeal.DueAtUtc, zone)}.");
                if (appeal.AnswerDueDate is { } answerDue) body.AppendLine($"Ответ — не позднее {Date(answerDue)}.");
                break;
            case "appeal.registered":
                subject = $"Обращение № {n} зарегистрировано";
                body.AppendLine($"Обращение № {n} прошло модерацию и направлено исполнителю: {await OrganisationNameAsync(appeal.ExecutorOrganisationId, ct)}.");
                if (appeal.AnswerDueDate is { } due) body.AppendLine($"Ответ — не позднее {Date(due)}.");
                break;
            case "appeal.extended":
                subject = $"Срок ответа на обращение № {n} продлён";
                body.AppendLine($"Срок ответа на обращение № {n} продлён до {(appeal.AnswerDueDate is { } d ? Date(d) : Local(appeal.DueAtUtc, zone))}.");
                if (Text(p, "reason") is { } why) body.AppendLine($"Причина: {why}");
                break;
            case "appeal.answered":
                subject = $"Ответ на обращение № {n}";
                body.AppendLine($"На ваше обращение № {n} дан ответ.");
                if (appeal.AnswerText is { } answer) body.AppendLine().AppendLine(answer).AppendLine();
                body.AppendLine("Пожалуйста, оцените ответ: низкая оценка направит обращение на повторное рассмотрение.");
                break;
            case "appeal.rejected":
                subject = $"Обращение № {n} отклонено";
                body.AppendLine($"Обращение № {n} не может быть рассмотрено.");
                if ((Text(p, "reason") ?? (appeal.OutcomeGround is { } g ? Grounds.All[g].Title : null)) is { } reason) body.AppendLine($"Причина: {reason}");
                if (Text(p, "comment") is { } comment) body.AppendLine($"Комментарий модератора: {comment}");
                break;
            case "appeal.information_requested":
                subject = $"Нужно уточнение по обращению № {n}";
                body.AppendLine($"Исполнитель просит уточнить сведения по обращению № {n}:").AppendLine(Text(p, "request"))
                    .AppendLine().AppendLine("Ответьте на странице обращения в личном кабинете: до ответа срок рассмотрения приостановлен.");
                break;
            case "appeal.merged":
                subject = $"Обращение № {n} объединено с № {Text(p, "into")}";
                body.AppendLine($"Ваше обращение № {n} повторяет обращение № {Text(p, "into")} и рассматривается вместе с ним.");
                break;
            default: // appeal.redirected
                subject = $"Обращение № {n} переадресовано";
                body.AppendLine($"Обращение № {n} направлено по компетенции: {Text(p, "organisation")}.");
                if (Text(p, "reason") is { } because) body.AppendLine($"Причина: {because}");
                break;
        }
        body.AppendLine().AppendLine($"Обращение в личном кабинете: {link}");
        return new(new Letter([to], subject, Sign(body)), null);
    }

    static string Greeting(ApplicantInfo a) => a.Kind == ApplicantKind.Organisation
        ? a.RepresentativeName ?? a.OrganisationName ?? "заявитель"
        : string.Join(' ', new[] { a.FirstName, a.MiddleName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } name ? name : "заявитель";

    // ---- Staff ----

    async Task<Composed> StaffAsync(OutboxMessage message, JsonElement p, CancellationToken ct)
    {
        var to = await StaffAddressesAsync(Guid(p, "personId"), Enum.TryParse<Role>(Text(p, "role"), true, out var r) ? r : null, Guid(p, "organisationId"), ct);
        if (to.Count == 0) return Composed.Skip("Нет сотрудника с этой ролью и адресом электронной почты.");
        var appeal = message.AppealId is { } id ? await db.Appeals.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) : null;
        var number = appeal?.Number ?? Text(p, "number");
        var zone = await ZoneAsync(appeal?.ExecutorOrganisationId ?? appeal?.OwnerOrganisationId, ct);
        var subject = message.Type == "appeal.extension_requested"
            ? $"Запрос на продление срока по обращению № {number}"
            : Text(p, "title") ?? $"Срок по обращению № {number}";
        var body = new StringBuilder().AppendLine(subject + ".");
        if (appeal is not null) body.AppendLine($"Срок: {Local(appeal.DueAtUtc, zone)}. Статус: {Labels.Of(appeal.Status)}.");
        if (message.Type == "appeal.extension_requested")
        {
            if (p.TryGetProperty("days", out var days) && days.ValueKind == JsonValueKind.Number) body.AppendLine($"Исполнитель просит продлить срок на {days.GetInt32()} дн.");
            if (Text(p, "reason") is { } reason) body.AppendLine($"Обоснование: {reason}");
        }
        if (appeal is not null) body.AppendLine().AppendLine($"Карточка обращения: {site.Link($"/office/appeals/{appeal.Id}")}");
        return new(new Letter(to, subject, Sign(body)), null);
    }

    /// <summary>The named person, or else whoever holds the role at the organisation — the nearest holder up the tree.</summary>
    async Task<List<string>> StaffAddressesAsync(Guid? personId, Role? role, Guid? organisationId, CancellationToken ct)
    {
        if (personId is { } pid)
            return await db.Users.AsNoTracking().Where(u => u.Id == pid && u.Email != null).Select(u => u.Email!).ToListAsync(ct);
        if (role is null || organisationId is null) return [];
        var path = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.Path).SingleOrDefaultAsync(ct);
        if (path is null) return [];
        // The path lists the organisation's ancestors from the root: walk it from the organisation upwards.
        foreach (var level in path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            var orgId = System.Guid.ParseExact(level, "N");
            var people = await db.RoleAssignments.AsNoTracking().Where(a => a.Role == role && a.OrganisationId == orgId)
                .Join(db.Users, a => a.PersonId, u => u.Id, (a, u) => u.Email).Where(e => e != null).Select(e => e!).Distinct().ToListAsync(ct);
            if (people.Count > 0) return people;
        }
        return [];
    }

    // ---- Helpers ----

    async Task<TimeZoneInfo> ZoneAsync(Guid? organisationId, CancellationToken ct)
    {
        var id = organisationId is null ? null : await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.TimeZone).SingleOrDefaultAsync(ct);
        return id is not null && TimeZones.IsValid(id) ? TimeZones.Find(id) : TimeZones.Find("Europe/Moscow");
    }

    async Task<string> OrganisationNameAsync(Guid? id, CancellationToken ct) =>
        (id is null ? null : await db.Organisations.AsNoTracking().Where(o => o.Id == id).Select(o => o.Name).SingleOrDefaultAsync(ct)) ?? "—";

    public static string Local(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("dd.MM.yyyy HH:mm", Ru);

    public static string Date(DateOnly d) => d.ToString("dd.MM.yyyy", Ru);

    static string Sign(StringBuilder body) => body.AppendLine().AppendLine("—").AppendLine("Портал «Отклик». Это письмо отправлено автоматически, отвечать на него не нужно.").ToString();

    static string? Text(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()) ? v.GetString() : null;

    static Guid? Guid(JsonElement p, string name) => System.Guid.TryParse(Text(p, name), out var g) ? g : null;
}
