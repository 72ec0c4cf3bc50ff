using Otklik.Infrastructure;

namespace Otklik.Features.Attachments;

public enum AttachmentKind { Photo, Document }

/// <summary>Whose file it is: the applicant's, sent with the appeal, or the executor's, sent with the answer.</summary>
/// <summary>What a file is for; a profile photo (the portal account's) is never bound to an appeal.</summary>
public enum AttachmentPurpose { Appeal, Answer, ProfilePhoto, SharedFolder }

/// <summary>A file uploaded first, then bound to an appeal when the appeal is submitted (or to an answer).</summary>
public sealed class Attachment
{
    public Guid Id { get; set; }
    public Guid? AppealId { get; set; }
    public string FileName { get; set; } = "";
    /// <summary>The type found in the file's own bytes, not the one the client claimed.</summary>
    public string ContentType { get; set; } = "";
    public AttachmentKind Kind { get; set; }
    public AttachmentPurpose Purpose { get; set; } = AttachmentPurpose.Appeal;
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public string StorageKey { get; set; } = "";
    public Guid? UploadedById { get; set; }
    /// <summary>The client address of an upload through the API, for the per-address daily quota (<see cref="UploadLimits"/>).</summary>
    public string? UploadedFrom { get; set; }
    public DateTime UploadedAtUtc { get; set; }

    /// <summary>
    /// An answer's photo is public («Было / Стало» on the portal) only once a moderator has looked at it and published
    /// it — faces and number plates masked or absent; null: served to the applicant and staff only. The applicant's own
    /// photos need no mark: they pass moderation with the appeal (<see cref="Portal.Public.PublicAppeals"/>).
    /// </summary>
    public DateTime? PublishedAtUtc { get; private set; }
    public Guid? PublishedById { get; private set; }

    public void Publish(Guid moderatorId, DateTime nowUtc)
    {
        if (Purpose != AttachmentPurpose.Answer || Kind != AttachmentKind.Photo)
            throw new RuleException("attachment.not_answer_photo", "Публикуются только фотографии ответа.");
        PublishedAtUtc = nowUtc;
        PublishedById = moderatorId;
    }

    public void Unpublish()
    {
        PublishedAtUtc = null;
        PublishedById = null;
    }
}

/// <summary>Recognises the files an appeal may carry by their leading bytes.</summary>
public static class ContentSniffer
{
    public const long MaxPhotoBytes = 10 * 1024 * 1024;
    public const long MaxDocumentBytes = 20 * 1024 * 1024;
    public const int MaxPerAppeal = 10;

    public static (string ContentType, AttachmentKind Kind)? Detect(ReadOnlySpan<byte> head, string fileName)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return ("image/jpeg", AttachmentKind.Photo);
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return ("image/png", AttachmentKind.Photo);
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return ("image/webp", AttachmentKind.Photo);
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8) && (head[8..12].SequenceEqual("heic"u8) || head[8..12].SequenceEqual("heix"u8) || head[8..12].SequenceEqual("mif1"u8)))
            return ("image/heic", AttachmentKind.Photo);
        if (head.StartsWith("%PDF-"u8)) return ("application/pdf", AttachmentKind.Document);
        if (head.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]))
        {
            // Office Open XML is a zip; the name only decides which of the two a genuine zip is.
            var ext = Path.GetExtension(fileName).ToLowerInvariant();
            if (ext == ".docx") return ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", AttachmentKind.Document);
            if (ext == ".xlsx") return ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", AttachmentKind.Document);
            if (ext == ".odt") return ("application/vnd.oasis.opendocument.text", AttachmentKind.Document);
        }
        return null;
    }
}

public interface IFileStore
{
    Task SaveAsync(string key, Stream content, CancellationToken ct);
    Task<Stream?> OpenAsync(string key, CancellationToken ct);
    /// <summary>Removes the file; a file already gone is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct);
}

/// <summary>Files on local disk under the data folder; an S3-compatible store goes behind the same interface.</summary>
public sealed class LocalDiskFileStore(string root) : IFileStore
{
    public async Task SaveAsync(string key, Stream content, CancellationToken ct)
    {
        var path = PathOf(key);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await using (var file = File.Create(temp)) await content.CopyToAsync(file, ct);
        File.Move(temp, path, overwrite: true);
    }

    public Task<Stream?> OpenAsync(string key, CancellationToken ct) =>
        Task.FromResult<Stream?>(File.Exists(PathOf(key)) ? File.OpenRead(PathOf(key)) : null);

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    string PathOf(string key) => Path.Combine(root, key[..2], key);
}
