using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Intake;

public static class IntakeApi
{
    public static RouteGroupBuilder MapIntakeApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").WithTags("Intake");
        group.MapPost("/appeals", Submit).AllowAnonymous().WithName("SubmitAppeal")
            .WithSummary("Submit an appeal; the same Idempotency-Key and body return the same appeal.")
            .Produces<AppealView>(StatusCodes.Status201Created).Produces<AppealView>();
        group.MapPost("/attachments", Upload).AllowAnonymous().DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(ContentSniffer.MaxDocumentBytes + 64 * 1024))
            .WithSummary("Upload a photo or document; bind it to an appeal by listing its id when submitting.");
        group.MapGet("/attachments/{id:guid}", Download).AllowAnonymous();
        return group;
    }

    public sealed record SubmitRequest(
        AppealType? Type, AppealKind? Kind, LegalRegime? Regime, Channel? Channel, string? ChannelMessageId,
        ApplicantInfo? Applicant, Guid? CategoryId, Guid? TopicId, Guid? TerritoryId, string? Address,
        double? Latitude, double? Longitude, string? Text, bool IsPublic, bool PublicationConsent, Guid[]? AttachmentIds,
        AppealPriority? Priority = null, Guid? RespondentOrganisationId = null);

    static readonly Channel[] OpenChannels = [Channel.Portal, Channel.Mobile, Channel.InvestPortal];

    static async Task<IResult> Submit(SubmitRequest request, HttpContext http, AppDbContext db, CurrentUser user,
        TerritoryLocator locator, TimeProvider clock, DeadlineClocks clocks, Routing.AutoRouting routing, IntakeWriter writer, CancellationToken ct)
    {
        var submitted = await SubmitAsync(request, http.Request.Headers["Idempotency-Key"].ToString(), db, user, locator, clock, clocks, routing, writer, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // A new appeal is answered from what was just written (its files read back if it has any); a replay reads it.
        var view = submitted.Written is { } written
            ? AppealViews.Of(written, request.AttachmentIds is { Length: > 0 } ? await AppealViews.AttachmentsAsync(db, written.Id, ct) : [], now)
            : await AppealViews.LoadAsync(db, submitted.AppealId, now, ct);
        return submitted.IsNew ? TypedResults.Created($"/api/v1/appeals/{view.Id}", view) : TypedResults.Ok(view);
    }

    /// <summary>The appeal a submission ended in, and whether it made a new one or found an earlier twin.</summary>
    /// <param name="Written">The appeal as written, when this submission made it (not when it found a twin).</param>
    public sealed record Submitted(Guid AppealId, bool IsNew, Appeal? Written = null);

    /// <summary>
    /// The one way an appeal comes in, for the API and the operator's page alike: validation, the year's number, the
    /// idempotency key (a repeated request gets the appeal it already made), the channel's message id, and the auto-rules
    /// (moderation, or straight to registration with its executor and route). Refuses with <see cref="InputException"/> (field errors) or <see cref="RuleException"/>.
    /// </summary>
    /// <param name="onCreated">Runs once, on a new appeal only, before it is saved, in the same transaction and with the
    /// writer's context, not the caller's (a page's own routing and outbox messages, say).</param>
    public static async Task<Submitted> SubmitAsync(SubmitRequest request, string? idempotencyKey, AppDbContext db, CurrentUser user,
        TerritoryLocator locator, TimeProvider clock, DeadlineClocks clocks, Routing.AutoRouting routing, IntakeWriter writer, CancellationToken ct,
        Action<Appeal, DateTime, AppDbContext>? onCreated = null)
    {
        var key = idempotencyKey ?? "";
        if (key.Length > 100 || key.Any(char.IsControl))
            throw new InputException("Idempotency-Key", "idempotency.key_format", "Ключ идемпотентности — до 100 печатных символов.");
        idempotencyKey = key.Length == 0 ? null : key;
        var hash = RequestHash(request, user.Id);

        if (idempotencyKey is not null && await ReplayAsync(db, idempotencyKey, hash, ct) is { } replay) return new(replay, false);

        var draft = await ValidateAsync(request, db, user, locator, ct);
        var draftWithKey = draft with { IdempotencyKey = idempotencyKey, RequestHash = hash };
        if (await SameChannelMessageAsync(db, draft, ct) is { } known) return new(known, false);

        // Whole microseconds, as both databases keep them: the answer made from the written appeal shows the times a read shows.
        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10));
        // Everything is read and planned here, concurrently; the writer only numbers and writes (group commit).
        var deadlines = await clocks.ForAsync(db, draft.OwnerOrganisationId, ct);
        var year = TimeZoneInfo.ConvertTimeFromUtc(now, deadlines.Zone).Year;
        var plan = await routing.PlanAsync(await routing.FactsAsync(draft, now, ct), null, null, atIntake: true, ct);
        return await writer.WriteAsync(new(draftWithKey, year, now, deadlines, plan, user.Id, request.AttachmentIds, onCreated), ct);
    }

    /// <summary>
    /// The appeal an earlier request already made of this draft: the same idempotency key (with the same request, else
    /// refused with <c>idempotency.key_reused</c>) or the same channel message. Each is one look through a unique index.
    /// </summary>
    internal static async Task<Guid?> EarlierTwinAsync(AppDbContext db, Appeal.Draft draft, CancellationToken ct) =>
        draft.IdempotencyKey is { } key && await ReplayAsync(db, key, draft.RequestHash!, ct) is { } replay
            ? replay
            : await SameChannelMessageAsync(db, draft, ct);

    /// <summary>An integration that sends the same channel message again gets the appeal it already made.</summary>
    static async Task<Guid?> SameChannelMessageAsync(AppDbContext db, Appeal.Draft draft, CancellationToken ct)
    {
        if (draft.ChannelMessageId is null) return null;
        var existing = await db.Appeals.AsNoTracking().Where(a => a.Channel == draft.Channel && a.ChannelMessageId == draft.ChannelMessageId)
            .Select(a => a.Id).FirstOrDefaultAsync(ct);
        return existing == Guid.Empty ? null : existing;
    }

    static async Task<Guid?> ReplayAsync(AppDbContext db, string key, string hash, CancellationToken ct)
    {
        var found = await db.Appeals.AsNoTracking().Where(a => a.IdempotencyKey == key).Select(a => new { a.Id, a.RequestHash }).SingleOrDefaultAsync(ct);
        if (found is null) return null;
        if (found.RequestHash != hash) throw KeyReused();
        return found.Id;
    }

    internal static InputException KeyReused() => new("Idempotency-Key", "idempotency.key_reused",
        "Этот ключ идемпотентности уже использован для другого обращения.", StatusCodes.Status422UnprocessableEntity);

    /// <summary>
    /// Takes the next <paramref name="count"/> numbers of the year inside the caller's transaction and returns the last of
    /// them: the row lock (PostgreSQL) or the write lock (SQLite) serialises concurrent writers, and a rolled-back
    /// transaction gives its numbers back unused.
    /// </summary>
    internal static async Task<int> NextSequenceAsync(AppDbContext db, int year, CancellationToken ct, int count = 1)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = """
            INSERT INTO "AppealCounters" ("Year", "Last") VALUES (@year, @count)
            ON CONFLICT ("Year") DO UPDATE SET "Last" = "AppealCounters"."Last" + @count
            RETURNING "Last"
            """;
        foreach (var (name, value) in new[] { ("@year", year), ("@count", count) })
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    static async Task<Appeal.Draft> ValidateAsync(SubmitRequest r, AppDbContext db, CurrentUser user, TerritoryLocator locator, CancellationToken ct)
    {
        var e = new InputErrors();
        var channel = r.Channel ?? Channel.Portal;
        var roles = await user.RolesAsync(ct);
        var isIntakeStaff = roles.Any(x => x.Role is Role.Operator or Role.Administrator);
        if (!OpenChannels.Contains(channel) && !isIntakeStaff)
            throw new RuleException("intake.channel_forbidden", $"Обращения по каналу «{channel}» регистрирует оператор или интеграция.");

        if (r.Type is null) e.Add("type", "field.required", "Выберите тип обращения.");
        if (r.CategoryId is null) e.Add("categoryId", "field.required", "Выберите категорию.");
        SubmitRules.CheckText(e, "text", r.Text);
        SubmitRules.CheckOptional(e, "address", r.Address, 500);
        SubmitRules.CheckOptional(e, "channelMessageId", r.ChannelMessageId, 200);
        SubmitRules.CheckLocation(e, r.Latitude, r.Longitude);
        if (r.IsPublic && !r.PublicationConsent)
            e.Add("publicationConsent", "appeal.consent_required", "Для публикации обращения нужно согласие заявителя.");

        Topic? topic = null;
        if (r.CategoryId is { } categoryId)
        {
            if (!await db.Categories.AnyAsync(c => c.Id == categoryId && c.IsActive, ct))
                e.Add("categoryId", "catalogue.unknown_category", "Такой категории нет.");
            else if (r.TopicId is { } topicId)
            {
                topic = await db.Topics.AsNoTracking().SingleOrDefaultAsync(t => t.Id == topicId && t.IsActive, ct);
                if (topic is null || topic.CategoryId != categoryId) e.Add("topicId", "catalogue.unknown_topic", "В выбранной категории нет такой темы.");
            }
        }
        var kind = r.Kind ?? topic?.DefaultKind;
        var regime = r.Regime ?? topic?.DefaultRegime;
        if (kind is null) e.Add("kind", "field.required", "Укажите вид обращения или выберите тему.");
        if (regime is null) e.Add("regime", "field.required", "Укажите правовой режим или выберите тему.");
        if (regime is { } rg) SubmitRules.CheckApplicant(e, r.Applicant, rg);
        if (r.RespondentOrganisationId is { } respondent)
        {
            if (!await db.Organisations.AnyAsync(o => o.Id == respondent, ct))
                e.Add("respondentOrganisationId", "directory.unknown_organisation", "Такой организации нет в справочнике.");
            else if (kind is not AppealKind.Complaint)
                e.Add("respondentOrganisationId", "appeal.respondent_not_complaint", "Орган, на действия которого подана жалоба, указывается только для жалобы.");
        }

        if (regime is LegalRegime.Obrashchenie59 or LegalRegime.PlatformMessage && OpenChannels.Contains(channel) && !user.IsAuthenticated)
            e.Add("applicant", "intake.identification_required",
                "Электронное обращение по 59-ФЗ или сообщение ПОС принимается только от заявителя, прошедшего идентификацию: войдите в личный кабинет.");

        Guid? territoryId = r.TerritoryId;
        if (r.Latitude is { } lat && r.Longitude is { } lon && !e.Any)
        {
            territoryId = await locator.LocateAsync(lat, lon, ct);
            if (territoryId is null)
                e.Add("latitude", "location.outside_territories", "Точка на карте не попадает ни в одну территорию региона.");
        }
        else if (territoryId is { } tid && !await db.Territories.AnyAsync(t => t.Id == tid, ct))
            e.Add("territoryId", "catalogue.unknown_territory", "Такой территории нет.");

        if (r.AttachmentIds is { Length: > 0 } ids)
        {
            if (ids.Length > ContentSniffer.MaxPerAppeal)
                e.Add("attachmentIds", "attachments.too_many", $"Не больше {ContentSniffer.MaxPerAppeal} файлов.");
            var distinct = ids.Distinct().ToArray();
            var usable = await db.Attachments.CountAsync(a => distinct.Contains(a.Id) && a.AppealId == null && a.UploadedById == user.Id
                && a.Purpose == AttachmentPurpose.Appeal, ct);
            if (usable != distinct.Length || distinct.Length != ids.Length)
                e.Add("attachmentIds", "attachments.unknown", "Некоторые файлы не найдены или уже прикреплены к другому обращению.");
        }
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);

        var owner = await OwnerOrganisationAsync(db, territoryId, ct);
        var isOperatorEntry = !OpenChannels.Contains(channel);
        var applicant = r.Applicant ?? new ApplicantInfo { Kind = ApplicantKind.Anonymous };
        Trim(applicant);
        return new Appeal.Draft(r.Type!.Value, kind!.Value, regime!.Value, channel, r.ChannelMessageId?.Trim(), applicant,
            isOperatorEntry ? null : user.Id, isOperatorEntry ? user.Id : null,
            r.CategoryId!.Value, r.TopicId, territoryId, r.Address?.Trim(), r.Latitude, r.Longitude, r.Text!.Trim(),
            r.IsPublic, r.PublicationConsent, owner, null, null, r.Priority ?? AppealPriority.Normal, r.RespondentOrganisationId);
    }

    static void Trim(ApplicantInfo a)
    {
        a.LastName = a.LastName?.Trim(); a.FirstName = a.FirstName?.Trim(); a.MiddleName = a.MiddleName?.Trim();
        a.Email = a.Email?.Trim(); a.Phone = a.Phone?.Trim(); a.PostalAddress = a.PostalAddress?.Trim();
        a.OrganisationName = a.OrganisationName?.Trim(); a.RepresentativeName = a.RepresentativeName?.Trim();
    }

    /// <summary>The territory's own centre moderates, or else the region's centre of management: the one nearest the root.</summary>
    static async Task<Guid> OwnerOrganisationAsync(AppDbContext db, Guid? territoryId, CancellationToken ct)
    {
        if (territoryId is not null
            && await db.Territories.Where(t => t.Id == territoryId).Select(t => t.ModeratorOrganisationId).SingleOrDefaultAsync(ct) is { } local)
            return local;
        return await db.Organisations.Where(o => o.Kind == OrganisationKind.CentreOfManagement && o.ParentId != null)
                   .OrderBy(o => o.Path.Length).ThenBy(o => o.Path).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct)
               ?? throw new RuleException("intake.no_centre", "В справочнике нет центра управления региона: обращение некому модерировать.");
    }

    static string RequestHash(SubmitRequest request, Guid? userId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId + "|" + JsonSerializer.Serialize(request, Json.Options))));

    // ---- Attachments ----

    public sealed record AttachmentView(Guid Id, string FileName, string ContentType, AttachmentKind Kind, long Size, AttachmentPurpose Purpose);

    static async Task<IResult> Upload(IFormFile? file, HttpContext http, AppDbContext db, CurrentUser user, IFileStore files, UploadLimits limits,
        TimeProvider clock, CancellationToken ct)
    {
        var checkedFile = await CheckFileAsync(file, "file", ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (await limits.RefusalAsync(db, http, user.Id, checkedFile.Bytes.Length, now, ct) is { } refused) return refused;
        var a = await StoreAsync(checkedFile, db, files, user.Id, now, null, AttachmentPurpose.Appeal, ct);
        a.UploadedFrom = UploadLimits.AddressOf(http);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/attachments/{a.Id}", new AttachmentView(a.Id, a.FileName, a.ContentType, a.Kind, a.Size, a.Purpose));
    }

    /// <summary>A file read and recognised by its own bytes, not yet stored.</summary>
    public sealed record CheckedFile(string FileName, byte[] Bytes, string ContentType, AttachmentKind Kind);

    /// <summary>
    /// The checks every uploaded file passes (the upload endpoint, the answer form): a name, a type recognised by
    /// <see cref="ContentSniffer"/> and the size limit of that type. Refuses with <see cref="InputException"/> on <paramref name="field"/>.
    /// </summary>
    public static async Task<CheckedFile> CheckFileAsync(IFormFile? file, string field, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
            throw new InputException(field, "attachment.missing", "Выберите файл.");
        var name = Path.GetFileName(file.FileName);
        if (name.Length is 0 or > 255 || SubmitRules.ContainsMarkup(name))
            throw new InputException(field, "attachment.name", "Недопустимое имя файла.");

        await using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var detected = ContentSniffer.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, 64)), name)
            ?? throw new InputException(field, "attachment.type",
                $"Файл «{name}»: допустимы фотографии (JPEG, PNG, WebP, HEIC) и документы (PDF, DOCX, XLSX, ODT); содержимое файла не соответствует ни одному из них.",
                StatusCodes.Status415UnsupportedMediaType);
        var limit = detected.Kind == AttachmentKind.Photo ? ContentSniffer.MaxPhotoBytes : ContentSniffer.MaxDocumentBytes;
        if (bytes.Length > limit)
            throw new InputException(field, "attachment.too_large", $"Файл «{name}» больше {limit / 1024 / 1024} МБ.", StatusCodes.Status413PayloadTooLarge);
        return new(name, bytes, detected.ContentType, detected.Kind);
    }

    /// <summary>Stores a checked file and records it (unsaved: the caller saves it with the rest of its change).</summary>
    public static async Task<Attachment> StoreAsync(CheckedFile file, AppDbContext db, IFileStore files, Guid? uploaderId, DateTime nowUtc,
        Guid? appealId, AttachmentPurpose purpose, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var storageKey = id.ToString("N");
        await using (var content = new MemoryStream(file.Bytes, writable: false)) await files.SaveAsync(storageKey, content, ct);
        var attachment = new Attachment
        {
            Id = id, AppealId = appealId, FileName = file.FileName, ContentType = file.ContentType, Kind = file.Kind, Purpose = purpose,
            Size = file.Bytes.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(file.Bytes)),
            StorageKey = storageKey, UploadedById = uploaderId, UploadedAtUtc = nowUtc,
        };
        db.Attachments.Add(attachment);
        return attachment;
    }

    static async Task<IResult> Download(Guid id, AppDbContext db, CurrentUser user, IFileStore files, HttpContext http, Audit.AuditTrail audit,
        CancellationToken ct)
    {
        var a = await db.Attachments.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return TypedResults.NotFound();
        var visible = a.AppealId is { } appealId
            ? await AppealAccess.CanSeeAsync(db, user, appealId, ct)
            : a.UploadedById is not null && a.UploadedById == user.Id;
        if (!visible) return TypedResults.NotFound();
        // The answer's files reach the applicant with the answer, not while it is a draft.
        if (a.Purpose == AttachmentPurpose.Answer && a.AppealId is { } answeredId)
        {
            var appeal = await db.Appeals.AsNoTracking().Include(x => x.Parts).SingleAsync(x => x.Id == answeredId, ct);
            if (!AppealViews.AnswerIsPublicToApplicant(appeal.Status) && !await AppealAccess.SeesAsStaffAsync(user, appeal, ct))
                return TypedResults.NotFound();
        }
        var stream = await files.OpenAsync(a.StorageKey, ct);
        if (stream is null) return TypedResults.NotFound();
        // Staff taking an applicant's file is recorded (152-ФЗ); an applicant's own downloads are not.
        if (a.Purpose == AttachmentPurpose.Appeal && a.AppealId is not null && await user.IsStaffAsync(ct))
            audit.Record(http, user, Audit.AuditKind.FileDownload, a.AppealId, "api attachment " + a.Id.ToString("D"));
        return TypedResults.File(stream, a.ContentType, a.FileName);
    }
}
