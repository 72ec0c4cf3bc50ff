using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Attachments;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Intake;
using Otklik.Infrastructure;

namespace Otklik.Features.Exchange.Msed;

/// <summary>
/// The document exchange's API (issue 19 item 5, ADR 0044, docs/msed.md). The office sends an appeal (or an official
/// letter about it) to a body outside the platform: <c>POST /api/v1/appeals/{id}/document-packages</c> writes the
/// package and its outbox row in one change, and <see cref="MsedRelay"/> delivers it. The document system's gateway
/// tells back through <c>POST /api/v1/msed/notices</c> with its own key: a package registered (number and date), or the
/// answer document, which becomes the answer's draft. Both notices are idempotent: the same one again changes nothing.
/// </summary>
public static class MsedApi
{
    public const string KeyHeader = HttpDocumentExchange.KeyHeader;

    public static void MapMsedApi(this IEndpointRouteBuilder api)
    {
        var appeals = api.MapGroup("/appeals").WithTags("Document exchange").RequireAuthorization();
        appeals.MapPost("/{id:guid}/document-packages", Send).Produces<AppealView>()
            .WithSummary("Sends the appeal (or an official letter about it) to a body outside the platform through the document system (МСЭД).");
        appeals.MapGet("/{id:guid}/document-packages", List).Produces<List<PackageView>>()
            .WithSummary("The appeal's document packages: where each went, its registration in the document system and its answer.");
        api.MapPost("/msed/notices", Notice).WithTags("Document exchange").AllowAnonymous().Produces<NoticeState>()
            .WithSummary("The document system's gateway: a package registered, or the answer document (becomes the answer's draft). Idempotent.");
    }

    public sealed record PackageRequest(int? Version, PackageKind? Kind, string? Recipient, string? Note);

    public sealed record PackageView(Guid Id, PackageKind Kind, string Recipient, string Note, DateTime CreatedAtUtc, DateTime? SentAtUtc,
        string? RegistrationNumber, DateOnly? RegisteredOn, string? AnswerDocumentId, string? AnswerNumber, DateOnly? AnswerDate,
        DateTime? AnswerReceivedAtUtc, string? LastError);

    static Task<IResult> Send(Guid id, PackageRequest r, AppealChanges changes, MsedSettings settings, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, SendPackage(changes, settings, r.Kind, r.Recipient, r.Note, ct), ct);

    /// <summary>Who may send a package: the executing organisation's staff, or the owning centre's moderator.</summary>
    static readonly Duty[] Senders = [Duty.Execute, Duty.Moderate];

    public static Task<bool> MaySendAsync(CurrentUser user, Appeal appeal, MsedSettings settings, CancellationToken ct) =>
        settings.IsConfigured && IsSendable(appeal.Status) ? user.HoldsAnyAsync(Senders, appeal, ct) : Task.FromResult(false);

    static bool IsSendable(AppealStatus status) => AppealLifecycle.Working.Contains(status) || status == AppealStatus.Moderation;

    /// <summary>
    /// The package, its outbox row and a history line in one change (the API and the card's form alike): the package
    /// leaves when the change commits, never before and never without it.
    /// </summary>
    public static AppealAction SendPackage(AppealChanges c, MsedSettings settings, PackageKind? kind, string? recipient, string? note, CancellationToken ct) =>
        new(appeal => c.User.HoldsAnyAsync(Senders, appeal, ct), (appeal, now) =>
        {
            if (!settings.IsConfigured)
                throw new RuleException("msed.off", "Обмен с системой документооборота не настроен (Otklik:DocumentExchange:Url).");
            if (!IsSendable(appeal.Status))
                throw new RuleException("msed.status", $"В {settings.Title} направляют обращение, которое рассматривается. Сейчас: «{Labels.Of(appeal.Status)}».");
            var errors = new InputErrors();
            SubmitRules.CheckText(errors, "recipient", recipient, min: 3, max: 300);
            if (!string.IsNullOrWhiteSpace(note)) SubmitRules.CheckText(errors, "note", note, min: 1, max: 2000);
            errors.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
            var package = new DocumentPackage
            {
                Id = Guid.CreateVersion7(), AppealId = appeal.Id, Kind = kind ?? PackageKind.Appeal, Recipient = recipient!.Trim(),
                Note = note?.Trim() ?? "", CreatedById = c.User.RequiredId, CreatedAtUtc = now,
            };
            c.Db.DocumentPackages.Add(package);
            c.Db.Outbox.Add(OutboxMessage.Create(Mail.MessageTypes.DocumentPackage, new { package = package.Id }, appeal.Id, now));
            var what = package.Kind == PackageKind.Letter ? "Официальное письмо" : "Обращение";
            appeal.RecordExchanged($"{what} направляется в {settings.Title}: адресат «{package.Recipient}»", now,
                new { package = package.Id, recipient = package.Recipient, kind = package.Kind }, c.User.RequiredId);
            return Task.CompletedTask;
        });

    static async Task<IResult> List(Guid id, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        if (!await AppealAccess.CanSeeAsync(db, user, id, ct)) return AppealChanges.NotFound();
        return TypedResults.Ok(await db.DocumentPackages.AsNoTracking().Where(p => p.AppealId == id).OrderBy(p => p.CreatedAtUtc)
            .Select(p => new PackageView(p.Id, p.Kind, p.Recipient, p.Note, p.CreatedAtUtc, p.SentAtUtc, p.RegistrationNumber, p.RegisteredOn,
                p.AnswerDocumentId, p.AnswerNumber, p.AnswerDate, p.AnswerReceivedAtUtc, p.LastError)).ToListAsync(ct));
    }

    // ---- The gateway's notices ----

    public sealed record FileIn(string? FileName, string? ContentBase64);

    public sealed record AnswerIn(string? DocumentId, string? Number, DateOnly? Date, string? Text, string? Signatory, FileIn[]? Files);

    /// <summary><c>kind</c>: <c>registered</c> (with the registration number and date) or <c>answer</c> (with the answer document).</summary>
    public sealed record NoticeIn(Guid? PackageId, string? Kind, string? RegistrationNumber, DateOnly? RegisteredOn, AnswerIn? Answer);

    public sealed record NoticeState(Guid PackageId, string AppealNumber, AppealStatus Status, bool Changed, string? RegistrationNumber,
        DateOnly? RegisteredOn, string? AnswerDocumentId, bool AnswerDrafted);

    static async Task<IResult> Notice(NoticeIn notice, HttpContext http, MsedSettings settings, MsedRelay relay, AppDbContext db, IFileStore store,
        TimeProvider clock, CancellationToken ct)
    {
        if (!settings.IsConfigured || settings.InboundKey is not { } key) return TypedResults.NotFound();
        var sent = http.Request.Headers[KeyHeader].ToString();
        if (sent.Length is 0 or > 200 || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(sent)), SHA256.HashData(Encoding.UTF8.GetBytes(key))))
            throw new InputException(KeyHeader, "msed.key", $"Ключ шлюза {settings.Title} не передан или неверен.", StatusCodes.Status401Unauthorized);

        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var errors = new InputErrors();
        if (notice.PackageId is null) errors.Add("packageId", "field.required", "Укажите идентификатор пакета (X-Package-Id, с которым он был отправлен).");
        var isAnswer = notice.Kind == "answer";
        if (notice.Kind is not ("registered" or "answer")) errors.Add("kind", "msed.kind", "Вид уведомления: registered (пакет зарегистрирован) или answer (ответ).");
        var files = new List<AttachmentsApi.CheckedFile>();
        if (notice.Kind == "registered")
        {
            if (string.IsNullOrWhiteSpace(notice.RegistrationNumber) || notice.RegistrationNumber.Trim().Length > 100)
                errors.Add("registrationNumber", "field.required", "Укажите регистрационный номер (до 100 символов).");
            if (notice.RegisteredOn is not { } on || on > today.AddDays(1) || on < today.AddYears(-1))
                errors.Add("registeredOn", "msed.date", "Укажите дату регистрации (yyyy-MM-dd, не в будущем).");
        }
        if (isAnswer)
        {
            var a = notice.Answer;
            if (string.IsNullOrWhiteSpace(a?.DocumentId) || a.DocumentId.Trim().Length > 200)
                errors.Add("answer.documentId", "field.required", "Укажите идентификатор документа-ответа в системе документооборота.");
            if (a?.Number is { Length: > 100 }) errors.Add("answer.number", "field.too_long", "Номер ответа — до 100 символов.");
            if (a?.Date is { } d && d > today.AddDays(1)) errors.Add("answer.date", "msed.date", "Дата ответа не может быть в будущем.");
            if (a is not null) SubmitRules.CheckText(errors, "answer.text", a.Text, min: 1, max: 20000);
            else errors.Add("answer.text", "field.required", "Передайте текст ответа.");
            var list = a?.Files ?? [];
            if (list.Length > 10) errors.Add("answer.files", "attachments.too_many", "К ответу — не больше 10 файлов.");
            else files = CheckFiles(list, errors);
        }
        errors.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);

        var package = await db.DocumentPackages.SingleOrDefaultAsync(p => p.Id == notice.PackageId, ct)
            ?? throw new InputException("packageId", "msed.package_unknown", "Пакета с таким идентификатором Отклик не отправлял.", StatusCodes.Status404NotFound);
        var appeal = await db.Appeals.SingleAsync(a => a.Id == package.AppealId, ct);
        var changed = false;
        var drafted = false;
        if (!isAnswer)
        {
            var number = notice.RegistrationNumber!.Trim();
            if (package.RegistrationNumber is { } known && (known != number || package.RegisteredOn != notice.RegisteredOn))
                throw new InputException("registrationNumber", "msed.already_registered", $"Пакет уже зарегистрирован под № {known}.", StatusCodes.Status409Conflict);
            if (package.RegistrationNumber is null)
            {
                relay.Register(appeal, package, number, notice.RegisteredOn!.Value, now);
                changed = true;
            }
        }
        else
        {
            var a = notice.Answer!;
            var documentId = a.DocumentId!.Trim();
            if (package.AnswerDocumentId is { } known && known != documentId)
                throw new InputException("answer.documentId", "msed.already_answered", $"На этот пакет уже получен ответ (документ {known}).", StatusCodes.Status409Conflict);
            if (package.AnswerDocumentId is null)
            {
                package.AnswerDocumentId = documentId;
                package.AnswerNumber = a.Number?.Trim() is { Length: > 0 } n ? n : null;
                package.AnswerDate = a.Date;
                package.AnswerReceivedAtUtc = now;
                var title = $"Из {settings.Title} получен ответ «{package.Recipient}»"
                    + (package.AnswerNumber is { } num ? $" № {num}" : "") + (a.Date is { } d ? $" от {d:dd.MM.yyyy}" : "");
                var data = new { package = package.Id, document = documentId, number = package.AnswerNumber, date = a.Date, signatory = a.Signatory, files = files.Count };
                if (appeal.MayTakeDocumentAnswer)
                {
                    appeal.DraftAnswerFromDocument(a.Text!, title + ": он стал черновиком ответа", now, data);
                    foreach (var file in files) await AttachmentsApi.StoreAsync(file, db, store, null, now, appeal.Id, AttachmentPurpose.Answer, ct);
                    drafted = true;
                }
                else
                {
                    // Nothing to draft into (the answer already went, or the appeal is not with an executor): the text is kept in
                    // the history for the executor to use, and the package shows the answer came.
                    appeal.RecordExchanged($"{title}. Черновик не создан: обращение в статусе «{Labels.Of(appeal.Status)}». Текст ответа: {a.Text!.Trim()}", now, data);
                }
                changed = true;
            }
        }
        if (changed)
        {
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException)
            {
                // The same notice, delivered twice at once: the other delivery stored it.
                db.ChangeTracker.Clear();
                package = await db.DocumentPackages.AsNoTracking().SingleAsync(p => p.Id == notice.PackageId, ct);
                changed = drafted = false;
            }
        }
        return TypedResults.Ok(new NoticeState(package.Id, appeal.Number, appeal.Status, changed, package.RegistrationNumber, package.RegisteredOn,
            package.AnswerDocumentId, drafted));
    }

    static List<AttachmentsApi.CheckedFile> CheckFiles(FileIn[] list, InputErrors errors)
    {
        var result = new List<AttachmentsApi.CheckedFile>();
        for (var i = 0; i < list.Length; i++)
        {
            var field = $"answer.files[{i}]";
            var name = Path.GetFileName(list[i].FileName?.Trim() ?? "");
            if (name.Length is 0 or > 255 || SubmitRules.ContainsMarkup(name)) name = $"answer-{i + 1}";
            byte[] bytes;
            try { bytes = Convert.FromBase64String(list[i].ContentBase64 ?? ""); }
            catch (FormatException) { errors.Add(field, "attachment.base64", $"Файл «{name}»: содержимое не в base64."); continue; }
            var detected = bytes.Length == 0 ? null : ContentSniffer.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, 64)), name);
            if (detected is not { } d) { errors.Add(field, "attachment.type", $"Файл «{name}»: допустимы фотографии (JPEG, PNG, WebP, HEIC) и документы (PDF, DOCX, XLSX, ODT)."); continue; }
            var limit = d.Kind == AttachmentKind.Photo ? ContentSniffer.MaxPhotoBytes : ContentSniffer.MaxDocumentBytes;
            if (bytes.Length > limit) { errors.Add(field, "attachment.too_large", $"Файл «{name}» больше {limit / 1024 / 1024} МБ."); continue; }
            result.Add(new(name, bytes, d.ContentType, d.Kind));
        }
        return result;
    }
}
