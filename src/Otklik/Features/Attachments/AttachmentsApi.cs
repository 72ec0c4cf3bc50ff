using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Attachments;

/// <summary>Files uploaded for an appeal or an answer: the upload and download endpoints and the checks every file passes.</summary>
public static class AttachmentsApi
{
    public static RouteGroupBuilder MapAttachmentsApi(this IEndpointRouteBuilder routes)
    {
        // Tagged with intake as before: the upload is the first step of submitting an appeal.
        var group = routes.MapGroup("").WithTags("Intake");
        group.MapPost("/attachments", Upload).AllowAnonymous().DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(ContentSniffer.MaxDocumentBytes + 64 * 1024))
            .Produces<AttachmentView>(StatusCodes.Status201Created)
            .WithSummary("Upload a photo or document; bind it to an appeal by listing its id when submitting.");
        group.MapGet("/attachments/{id:guid}", Download).AllowAnonymous().Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .WithSummary("Downloads an attachment the caller may see (with its own content type and file name)");
        return group;
    }

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
        if (name.Length is 0 or > 255 || TextRules.ContainsMarkup(name))
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
