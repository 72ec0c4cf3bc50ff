using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Mail;

/// <summary>
/// One letter: its recipients, a Russian subject, a plain-text body, the files that go with it, and the date it is
/// signed with — the organisation's local date and time (null: the moment the message was written, in UTC).
/// </summary>
public sealed record Letter(IReadOnlyList<string> To, string Subject, string Body, DateTimeOffset? Date = null)
{
    public IReadOnlyList<LetterFile> Files { get; init; } = [];
    /// <summary>The sender when not the platform's own (Otklik:Mail:From): the mailbox an appeal came in by (ADR 0020).</summary>
    public string? From { get; init; }
    /// <summary>The Message-ID of the applicant's letter this one answers: mail programs show them as one conversation.</summary>
    public string? InReplyTo { get; init; }
    /// <summary>
    /// An absolute one-click unsubscribe link (a signed token): sent as List-Unsubscribe with List-Unsubscribe-Post
    /// (RFC 8058), so the mail program's «Отписаться» button ends the alert with one POST and no sign-in.
    /// </summary>
    public string? Unsubscribe { get; init; }
}

public sealed record LetterFile(string Name, string ContentType, byte[] Content);

/// <summary>What an outbox message becomes: a letter, or nothing to send with the reason why.</summary>
public sealed record Composed(Letter? Letter, string? Note)
{
    public static Composed Skip(string note) => new(null, note);

    /// <summary>A letter type this composer has no case for — the registry's test fails on it.</summary>
    public bool NoComposer { get; private init; }
    public static Composed Missing(string type) => new(null, $"Для сообщения «{type}» нет письма.") { NoComposer = true };
}

/// <summary>
/// Turns outbox messages into letters. The payload says what happened; the database says to whom and the details that
/// may have changed since (the appeal's due date, the staff who hold a role now). Which types are letters at all is
/// the registry's decision (<see cref="MessageTypes"/>).
/// </summary>
public sealed class MailComposer(AppDbContext db, MailSettings settings, PublicUrl site, IFileStore? files = null)
{
    static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>Messages that carry a one-time token: their payload is erased once the letter has gone.</summary>
    public static bool CarriesSecret(string type) => type.StartsWith("account.", StringComparison.Ordinal);

    /// <summary>
    /// What the law (59-ФЗ) or the appeal's course requires the applicant to be told: sent even to an applicant who
    /// declined news by e-mail in their profile.
    /// </summary>
    static readonly HashSet<MessageType> Obligatory =
    [
        MessageTypes.Received, MessageTypes.ClarificationRequested, MessageTypes.InformationRequested, MessageTypes.Redirected,
        MessageTypes.Extended, MessageTypes.Answered, MessageTypes.Rejected, MessageTypes.LeftWithoutAnswer, MessageTypes.Returned,
        MessageTypes.CorrespondenceStopped,
    ];

    public async Task<Composed> ComposeAsync(OutboxMessage message, CancellationToken ct)
    {
        if (MessageTypes.Find(message.Type) is not { } type) return Composed.Missing(message.Type);
        if (!type.IsLetter) return Composed.Skip($"«{type.Title}»: сообщается уведомлением в кабинете, не письмом.");
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
            "appeal.pending_confirm" => Account(p, "Подтвердите адрес, и обращение будет отправлено",
                "Вы заполнили обращение на портале «Отклик». Чтобы подтвердить адрес электронной почты и отправить обращение, откройте ссылку:",
                "Ссылка действует 24 часа. Если вы не подавали обращение, просто удалите это письмо: без подтверждения оно не будет отправлено."),
            "contact.copy" => ContactCopy(p),
            "report.scheduled" => await ReportAsync(p, ct),
            "alert.news" => await Alerts.AlertLetters.NewsAsync(db, site, message, p, ct),
            "alert.confirm" => await Alerts.AlertLetters.ConfirmAsync(db, site, message, p, ct),
            "business.new_measure" => await Business.BusinessLetters.NewMeasureAsync(db, site, p, ct),
            "business.event_registered" => await Business.BusinessLetters.EventRegisteredAsync(db, site, p, ct),
            Teamwork.TeamDigest.Type => await Teamwork.TeamDigest.ComposeAsync(db, site, message, p, ct),
            // Staff are told by notices in the office; their letters are the ones each person chose (at once, or the day's digest).
            Notifications.NoticeWriter.EmailType or Notifications.NoticeWriter.DigestType => await StaffAsync(message, p, ct),
            _ when type.IsForApplicant => await ApplicantAsync(type, message, p, ct),
            _ => Composed.Missing(message.Type),
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

    // ---- Reports on a schedule (Features/Analytics/Reports.cs): the archived report's files attached ----

    async Task<Composed> ReportAsync(JsonElement p, CancellationToken ct)
    {
        var id = System.Guid.TryParse(Text(p, "reportId"), out var g) ? g : System.Guid.Empty;
        var report = await db.ArchivedReports.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (report is null) return Composed.Skip("Отчёт не найден в архиве.");
        var to = p.TryGetProperty("to", out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(e => e.GetString()).Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a!)]
            : new List<string>();
        if (to.Count == 0) return Composed.Skip("В рассылке нет адресов.");
        var name = $"otchet-{report.Kind.ToString().ToLowerInvariant()}-{report.From:yyyy-MM-dd}-{report.To:yyyy-MM-dd}";
        var files = new List<LetterFile> { new(name + ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", report.Xlsx) };
        if (report.Pdf.Length > 0) files.Add(new(name + ".pdf", "application/pdf", report.Pdf));
        var body = new StringBuilder()
            .AppendLine("Здравствуйте!").AppendLine()
            .AppendLine($"{report.Title} — во вложении (XLSX{(report.Pdf.Length > 0 ? " и PDF" : "")}).")
            .AppendLine($"Архив отчётов: {site.Link("/office/analytics/reports")}");
        return new(new Letter(to, report.Title, Sign(body)) { Files = files }, null);
    }

    // ---- The applicant ----

    async Task<Composed> ApplicantAsync(MessageType type, OutboxMessage message, JsonElement p, CancellationToken ct)
    {
        var appeal = message.AppealId is { } id ? await db.Appeals.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) : null;
        if (appeal is null) return Composed.Skip("Обращение не найдено.");
        var account = appeal.ApplicantUserId is { } uid ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == uid, ct) : null;
        // What the law requires always goes; other news of the appeal's course only to those who have not declined it.
        if (account is { NotifyByEmail: false } && !Obligatory.Contains(type))
            return Composed.Skip("Заявитель отказался от уведомлений по электронной почте.");
        var to = Text(p, "email") ?? appeal.Applicant.Email ?? account?.Email;
        if (string.IsNullOrWhiteSpace(to)) return Composed.Skip("У заявителя нет адреса электронной почты.");

        var zone = await ZoneAsync(appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId, ct);
        var n = appeal.Number;
        var link = site.Link($"/my/{n}");
        var body = new StringBuilder().AppendLine($"Здравствуйте, {Greeting(appeal.Applicant)}!").AppendLine();
        var attached = new List<LetterFile>();
        string subject;
        switch (type.Name)
        {
            case "appeal.received":
                subject = $"Обращение № {n} принято";
                body.AppendLine($"Ваше обращение принято {Local(appeal.ReceivedAtUtc, zone)} и зарегистрировано под номером {n}.")
                    .AppendLine($"Срок рассмотрения на текущем этапе — до {Local(appeal.DueAtUtc, zone)}.");
                if (appeal.AnswerDueDate is { } answerDue) body.AppendLine($"Ответ — не позднее {Date(answerDue)}.");
                break;
            case "appeal.registered":
                subject = $"Обращение № {n} зарегистрировано";
                body.AppendLine($"Обращение № {n} прошло проверку, зарегистрировано и направлено на рассмотрение: {await OrganisationNameAsync(appeal.ExecutorOrganisationId, ct)}.");
                if (appeal.AnswerDueDate is { } due) body.AppendLine($"Ответ будет дан не позднее {Date(due)}.");
                break;
            case "appeal.clarification_requested":
                subject = $"Уточните, пожалуйста, обращение № {n}";
                body.AppendLine($"Чтобы рассмотреть ваше обращение № {n}, нам нужно уточнение:").AppendLine()
                    .AppendLine($"«{Text(p, "question") ?? appeal.ClarificationQuestion}»").AppendLine()
                    .AppendLine($"Ответьте, пожалуйста, на странице обращения в личном кабинете: {link}");
                if (appeal.ClarificationDueAtUtc is { } until)
                    body.AppendLine($"Если ответа не будет до {Local(until, zone)}, обращение придётся отклонить: без этих сведений его нельзя рассмотреть.");
                break;
            case "appeal.information_requested":
                subject = $"Нужно уточнение по обращению № {n}";
                body.AppendLine($"Исполнитель просит уточнить сведения по обращению № {n}:").AppendLine()
                    .AppendLine($"«{Text(p, "request")}»").AppendLine()
                    .AppendLine("Ответьте, пожалуйста, на странице обращения в личном кабинете. Пока вы готовите ответ, срок рассмотрения приостановлен.");
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
                attached = await AnswerFilesAsync(appeal.Id, ct);
                if (attached.Count > 0) body.AppendLine($"К письму приложены файлы ответа: {string.Join(", ", attached.Select(f => f.Name))}.").AppendLine();
                body.AppendLine("Пожалуйста, оцените ответ в личном кабинете: при низкой оценке обращение будет рассмотрено повторно.");
                // Once per applicant per period (the survey's setting): the link is made with the letter and shown on /my too.
                if (await Surveys.SurveyDesk.InvitationForAsync(db, appeal, message.CreatedAtUtc, ct) is { } invitation)
                    body.AppendLine().AppendLine("Помогите нам стать лучше — ответьте на несколько вопросов о нашей работе: " + site.Link(Surveys.SurveyDesk.PathOf(invitation)));
                break;
            case "appeal.rejected":
                subject = $"Обращение № {n} отклонено";
                body.AppendLine($"К сожалению, обращение № {n} не может быть рассмотрено.");
                if ((Text(p, "reason") ?? (appeal.OutcomeGround is { } g ? Grounds.All[g].Title : null)) is { } reason) body.AppendLine($"Причина: {reason}.");
                if (Text(p, "comment") is { } comment) body.AppendLine($"Комментарий модератора: {comment}");
                break;
            case "appeal.merged":
                subject = $"Обращение № {n} объединено с № {Text(p, "into")}";
                body.AppendLine($"Ваше обращение № {n} повторяет обращение № {Text(p, "into")} и рассматривается вместе с ним.");
                break;
            case "appeal.redirected":
                subject = $"Обращение № {n} переадресовано";
                body.AppendLine($"Обращение № {n} направлено по компетенции: {Text(p, "organisation")}.");
                if (Text(p, "reason") is { } because) body.AppendLine($"Причина: {because}");
                break;
            case "appeal.reopened":
                subject = $"Обращение № {n} рассматривается повторно";
                body.AppendLine($"Вы оценили ответ на обращение № {n} на {Int(p, "score")} из 5, и обращение направлено на повторное рассмотрение.");
                if (appeal.AnswerDueDate is { } again) body.AppendLine($"Новый ответ будет дан не позднее {Date(again)}.");
                break;
            case "appeal.closed":
                subject = $"Рассмотрение обращения № {n} завершено";
                body.AppendLine($"Рассмотрение вашего обращения № {n} завершено.");
                if (Int(p, "score") is { } score) body.AppendLine($"Спасибо за оценку ответа: {score} из 5.");
                else if (p.TryGetProperty("unrated", out var unrated) && unrated.ValueKind == JsonValueKind.True)
                    body.AppendLine("Срок для оценки ответа истёк, поэтому обращение закрыто. Ответ по-прежнему доступен в личном кабинете.");
                break;
            case "appeal.left_without_answer":
                subject = $"Обращение № {n} оставлено без ответа";
                body.AppendLine($"Ваше обращение № {n} оставлено без ответа по существу поставленных в нём вопросов (ст. 11 Федерального закона от 02.05.2006 № 59-ФЗ).");
                AppendGround(body, appeal, p);
                break;
            case "appeal.returned":
                subject = $"Обращение № {n} возвращено";
                body.AppendLine($"Ваше обращение № {n} возвращено без рассмотрения: в нём обжалуется судебное решение (ч. 2 ст. 11 Федерального закона от 02.05.2006 № 59-ФЗ).")
                    .AppendLine("Судебное решение обжалуется в порядке, установленном процессуальным законодательством: апелляционной, кассационной или надзорной жалобой в суд.");
                if (Text(p, "comment") is { } returned) body.AppendLine($"Пояснение: {returned}");
                break;
            case "appeal.correspondence_stopped":
                subject = $"Переписка по обращению № {n} прекращена";
                body.AppendLine($"В обращении № {n} содержится вопрос, на который вам уже неоднократно давались письменные ответы по существу, и не приводятся новые доводы или обстоятельства.")
                    .AppendLine("Принято решение о безосновательности очередного обращения и прекращении переписки по этому вопросу (ч. 5 ст. 11 Федерального закона от 02.05.2006 № 59-ФЗ).");
                if (Text(p, "comment") is { } decision) body.AppendLine($"Решение: {decision}");
                break;
            case "roadmap.approved":
                subject = $"Утверждена дорожная карта по жалобе № {n}";
                body.AppendLine($"По вашей жалобе № {n} утверждена дорожная карта — план мероприятий с ответственными и сроками.")
                    .AppendLine("Ход её выполнения виден на странице обращения в личном кабинете.");
                break;
            case "hq.decision_recorded":
                subject = $"Штаб принял решение по жалобе № {n}";
                body.AppendLine($"Штаб по защите прав предпринимателей рассмотрел вашу жалобу № {n}"
                    + (Text(p, "date") is { } met && DateOnly.TryParse(met, CultureInfo.InvariantCulture, out var on) ? $" на заседании {Date(on)}" : "") + " и принял решение.")
                    .AppendLine("Поручения органам власти и сроки их выполнения — на странице обращения в личном кабинете.");
                break;
            case "rootcause.resolved":
                subject = $"Проблема по обращению № {n} устранена";
                body.AppendLine($"Ваше обращение № {n} относится к известной проблеме «{Text(p, "rootCause")}», и она устранена.");
                if (Text(p, "cardPath") is { } card) body.AppendLine($"Что сделано: {site.Link(card)}");
                break;
            default:
                return Composed.Missing(type.Name);
        }
        body.AppendLine().AppendLine($"Обращение в личном кабинете: {link}");
        var date = LocalNow(message.CreatedAtUtc, zone);
        // An appeal that came by mail is answered from the mailbox it came to, in the thread of the applicant's letter.
        var thread = await db.IncomingLetters.AsNoTracking().Where(l => l.AppealId == appeal.Id && l.Outcome == Channels.LetterOutcome.Appeal)
            .OrderBy(l => l.TakenAtUtc).Select(l => new { l.MessageId, l.MailboxFrom }).FirstOrDefaultAsync(ct);
        return new(new Letter([to], subject, Sign(body, date), date)
        {
            Files = attached, From = string.IsNullOrWhiteSpace(thread?.MailboxFrom) ? null : thread.MailboxFrom, InReplyTo = thread?.MessageId,
        }, null);
    }

    static void AppendGround(StringBuilder body, Appeal appeal, JsonElement p)
    {
        if (appeal.OutcomeGround is { } g) body.AppendLine($"Основание: {Grounds.All[g].Title.ToLower(Ru)}.");
        if (Text(p, "comment") is { } comment) body.AppendLine($"Пояснение: {comment}");
    }

    /// <summary>The answer's own files, attached to the answer letter (a file missing from the store is named in the log by the caller's retry).</summary>
    async Task<List<LetterFile>> AnswerFilesAsync(Guid appealId, CancellationToken ct)
    {
        if (files is null) return [];
        var rows = await db.Attachments.AsNoTracking().Where(a => a.AppealId == appealId && a.Purpose == AttachmentPurpose.Answer)
            .OrderBy(a => a.UploadedAtUtc).ThenBy(a => a.FileName).ToListAsync(ct);
        var result = new List<LetterFile>();
        foreach (var row in rows)
        {
            await using var stream = await files.OpenAsync(row.StorageKey, ct)
                ?? throw new InvalidOperationException($"Файл ответа «{row.FileName}» не найден в хранилище.");
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ct);
            result.Add(new LetterFile(row.FileName, row.ContentType, copy.ToArray()));
        }
        return result;
    }

    static string Greeting(ApplicantInfo a) => a.Kind == ApplicantKind.Organisation
        ? a.RepresentativeName ?? a.OrganisationName ?? "заявитель"
        : string.Join(' ', new[] { a.FirstName, a.MiddleName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } name ? name : "заявитель";

    // ---- Staff ----

    /// <summary>
    /// A letter of notices to one member of staff: one notice at once (<c>notice.email</c>), or the notices of the day
    /// (<c>notice.digest</c>) — the ones whose <see cref="Notifications.Notification.LetterId"/> is this message.
    /// </summary>
    async Task<Composed> StaffAsync(OutboxMessage message, JsonElement p, CancellationToken ct)
    {
        var personId = Guid(p, "personId");
        var to = await db.Users.AsNoTracking().Where(u => u.Id == personId && u.Email != null).Select(u => u.Email!).SingleOrDefaultAsync(ct);
        if (to is null) return Composed.Skip("У сотрудника нет адреса электронной почты.");
        var notices = await db.Notifications.AsNoTracking().Where(n => n.LetterId == message.Id && n.PersonId == personId)
            .OrderBy(n => n.Id).ToListAsync(ct);
        if (notices.Count == 0) return Composed.Skip("Уведомлений для письма нет.");
        var appealIds = notices.Where(n => n.AppealId != null).Select(n => n.AppealId!.Value).Distinct().ToList();
        var appeals = await db.Appeals.AsNoTracking().Where(a => appealIds.Contains(a.Id))
            .Select(a => new { a.Id, a.DueAtUtc, a.Status, Org = a.ExecutorOrganisationId ?? a.OwnerOrganisationId }).ToDictionaryAsync(a => a.Id, ct);
        var body = new StringBuilder();
        var subject = message.Type == Notifications.NoticeWriter.DigestType
            ? $"Уведомления рабочего места «Отклик»: {notices.Count}"
            : notices[0].Title;
        if (message.Type == Notifications.NoticeWriter.DigestType) body.AppendLine($"Уведомления, поступившие в рабочее место за сутки ({notices.Count}):").AppendLine();
        foreach (var n in notices)
        {
            body.AppendLine(n.Title + ".");
            if (n.Text is { } text) body.AppendLine(text);
            if (n.AppealId is { } id && appeals.TryGetValue(id, out var a))
            {
                body.AppendLine($"Срок: {Local(a.DueAtUtc, await ZoneAsync(a.Org, ct))}. Статус: {Labels.Of(a.Status)}.");
                body.AppendLine($"Карточка обращения: {site}/office/appeals/{id}");
            }
            else if (n.Link is { } link) body.AppendLine($"Открыть: {site}{link}");
            body.AppendLine();
        }
        body.AppendLine($"Все уведомления: {site}/office/notices").AppendLine($"Какие уведомления присылать письмом: {site}/office/notices/settings");
        return new(new Letter([to], subject, Sign(body)), null);
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

    internal static string Sign(StringBuilder body, DateTimeOffset? date = null)
    {
        body.AppendLine().AppendLine("—");
        if (date is { } d) body.AppendLine(LongDate(d));
        return body.AppendLine("Портал «Отклик». Это письмо отправлено автоматически, отвечать на него не нужно.").ToString();
    }

    /// <summary>«23 ноября 2026 г.» — the date a letter is signed with.</summary>
    public static string LongDate(DateTimeOffset local) => local.ToString("d MMMM yyyy", Ru) + " г.";

    /// <summary>The moment, as a wall-clock time with the zone's offset (the letter's Date header and its signature).</summary>
    public static DateTimeOffset LocalNow(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)), zone);

    static int? Int(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    static string? Text(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()) ? v.GetString() : null;

    static Guid? Guid(JsonElement p, string name) => System.Guid.TryParse(Text(p, name), out var g) ? g : null;
}
