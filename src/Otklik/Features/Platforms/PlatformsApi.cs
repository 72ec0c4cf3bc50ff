using Microsoft.EntityFrameworkCore;
using Otklik.Features.Attachments;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Intake;
using Otklik.Features.Social;
using Otklik.Infrastructure;

namespace Otklik.Features.Platforms;

/// <summary>
/// The inbound API of the outside platforms (issue 19 item 3, ADR 0043, docs/platforms.md): one per configured platform,
/// <c>POST /api/v1/platforms/{platform}/messages</c> with the platform's key in <c>X-Platform-Key</c>. A message becomes
/// an appeal through <see cref="SubmitAppeal"/> as the platform's channel worker; its own id makes a message sent again
/// find its appeal; its files (by URL) are fetched from public addresses only and checked like uploads. Everything is
/// checked before anything is written: a refused message stores nothing. Statuses and the answer go back through the
/// outbox (<see cref="PlatformRelay"/>).
/// </summary>
public static class PlatformsApi
{
    public const string KeyHeader = "X-Platform-Key";
    /// <summary>How far ahead a platform's deadline may lie: no regime gives more than a year.</summary>
    static readonly TimeSpan MaxDeadline = TimeSpan.FromDays(366);

    public static RouteGroupBuilder MapPlatformsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/platforms").WithTags("Platforms").AllowAnonymous();
        group.MapPost("/{platform}/messages", Submit).Produces<MessageState>(StatusCodes.Status201Created).Produces<MessageState>()
            .WithSummary("A platform's message (ПОС, a Добродел-like portal, «Инцидент менеджмент», the investment portal): an appeal; idempotent by the platform's message id.");
        group.MapGet("/{platform}/messages/{messageId}", Read).Produces<MessageState>()
            .WithSummary("Where a platform's message stands: its appeal's number, status, deadlines and answer.");
        return group;
    }

    /// <summary>A file the platform keeps: Otklik fetches it (public addresses only) and checks it like an upload.</summary>
    public sealed record FileLink(string? Url, string? FileName);

    public sealed record MessageIn(string? MessageId, LegalRegime? Regime, DateTime? DeadlineAtUtc, DateTime? ReceivedAtUtc, ApplicantInfo? Applicant,
        string? Text, string? Address, double? Latitude, double? Longitude, Guid? CategoryId, Guid? TopicId, AppealType? Type, AppealKind? Kind,
        FileLink[]? Attachments);

    public sealed record MessageState(string Platform, string MessageId, Guid AppealId, string Number, AppealStatus Status, bool IsNew,
        DateTime ReceivedAtUtc, DateTime? PlatformDeadlineAtUtc, DateTime? DueAtUtc, string? Answer, DateTime? AnsweredAtUtc);

    /// <summary>A platform that is not configured is not there (404); a missing or wrong key is 401 naming the header.</summary>
    static void CheckKey(Platform p, HttpContext http)
    {
        if (!p.Accepts(http.Request.Headers[KeyHeader].ToString()))
            throw new InputException(KeyHeader, "platform.key", $"Ключ платформы «{p.Title}» не передан или неверен.", StatusCodes.Status401Unauthorized);
    }

    static async Task<IResult> Read(string platform, string messageId, HttpContext http, PlatformDirectory platforms, AppDbContext db, CancellationToken ct)
    {
        if (platforms.Find(platform) is not { } p) return TypedResults.NotFound();
        CheckKey(p, http);
        return await StateAsync(db, p, messageId, false, ct) is { } state ? TypedResults.Ok(state) : TypedResults.NotFound();
    }

    static Task<MessageState?> StateAsync(AppDbContext db, Platform p, string messageId, bool isNew, CancellationToken ct) =>
        db.PlatformMessages.AsNoTracking().Where(m => m.Platform == p.Code && m.ExternalId == messageId)
            .Join(db.Appeals, m => m.AppealId, a => a.Id, (m, a) => new MessageState(p.Code, m.ExternalId, a.Id, a.Number, a.Status, isNew,
                m.ReceivedAtUtc, m.PlatformDeadlineAtUtc, a.DueAtUtc,
                a.Status == AppealStatus.AnswerSent || a.Status == AppealStatus.Closed ? a.AnswerText : null, a.AnsweredAtUtc))
            .SingleOrDefaultAsync(ct);

    static async Task<IResult> Submit(string platform, MessageIn message, HttpContext http, PlatformDirectory platforms, AppDbContext db, SubmitAppeal intake,
        IHttpClientFactory clients, TimeProvider clock, IFileStore files, CancellationToken ct)
    {
        if (platforms.Find(platform) is not { } p) return TypedResults.NotFound();
        CheckKey(p, http);
        var now = clock.GetUtcNow().UtcDateTime;
        var actor = IntakeActor.ChannelWorker(p.Channel, p.WorkerName);
        try
        {
            var (messageId, request, links) = await CheckAsync(p, message, intake, actor, now, ct);
            if (await StateAsync(db, p, messageId, false, ct) is { } known) return TypedResults.Ok(known);
            var fetched = await FetchAsync(links, clients.CreateClient(OutboundHttp.Partner), ct);

            var ids = new List<Guid>();
            foreach (var file in fetched) ids.Add((await AttachmentsApi.StoreAsync(file, db, files, null, now, null, AttachmentPurpose.Appeal, ct)).Id);
            if (ids.Count > 0) await db.SaveChangesAsync(ct);
            var deadline = message.DeadlineAtUtc is { } d ? Utc(d) : (DateTime?)null;
            var submitted = await intake.RunAsync(request with { AttachmentIds = ids.Count > 0 ? [.. ids] : null }, actor, null, ct, (appeal, at, writer) =>
            {
                writer.Add(new PlatformMessage
                {
                    Id = Guid.CreateVersion7(), Platform = p.Code, ExternalId = messageId, AppealId = appeal.Id, PlatformDeadlineAtUtc = deadline, ReceivedAtUtc = at,
                });
                appeal.RecordExchanged($"Принято сообщение платформы «{p.Title}» № {messageId}"
                    + (deadline is { } dl ? $"; срок платформы — {dl:yyyy-MM-dd HH:mm} UTC" : ""), at,
                    new { platform = p.Code, messageId, platformDeadlineAtUtc = deadline });
            });
            await ChannelStates.NoteAsync(db, p.StateName, ChannelStates.What.Received, now, null, ct);
            var state = await StateAsync(db, p, messageId, submitted.IsNew, ct);
            // A message that reached intake by another way (the same channel message id) has no platform row: its appeal still answers.
            if (state is null)
            {
                var a = await db.Appeals.AsNoTracking().SingleAsync(x => x.Id == submitted.AppealId, ct);
                state = new MessageState(p.Code, messageId, a.Id, a.Number, a.Status, submitted.IsNew, a.ReceivedAtUtc, deadline, a.DueAtUtc, null, null);
            }
            return submitted.IsNew ? TypedResults.Created($"/api/v1/platforms/{p.Code}/messages/{Uri.EscapeDataString(messageId)}", state) : TypedResults.Ok(state);
        }
        catch (Exception e) when (e is InputException or RuleException)
        {
            await ChannelStates.NoteAsync(db, p.StateName, ChannelStates.What.Refused, now, e.Message, ct);
            throw;
        }
    }

    /// <summary>Every field checked, and intake's own checks run, before anything is fetched or written.</summary>
    static async Task<(string MessageId, IntakeApi.SubmitRequest Request, List<(string Field, Uri Url, string? Name)> Links)> CheckAsync(
        Platform p, MessageIn m, SubmitAppeal intake, IntakeActor actor, DateTime now, CancellationToken ct)
    {
        var e = new InputErrors();
        var messageId = m.MessageId?.Trim() ?? "";
        if (messageId.Length == 0) e.Add("messageId", "field.required", "Укажите идентификатор сообщения на платформе.");
        else SubmitRules.CheckIdentifier(e, "messageId", messageId, 150);
        if (m.DeadlineAtUtc is { } deadline && (Utc(deadline) <= now || Utc(deadline) > now + MaxDeadline))
            e.Add("deadlineAtUtc", "platform.deadline", "Срок платформы — момент в будущем, не дальше года от сегодняшнего дня.");
        var links = new List<(string, Uri, string?)>();
        if (m.Attachments is { Length: > 0 } attachments)
        {
            if (attachments.Length > ContentSniffer.MaxPerAppeal) e.Add("attachments", "attachments.too_many", $"Не больше {ContentSniffer.MaxPerAppeal} файлов.");
            else
                for (var i = 0; i < attachments.Length; i++)
                {
                    var field = $"attachments[{i}].url";
                    if (!Uri.TryCreate(attachments[i].Url?.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.OriginalString.Length > 1000)
                        e.Add(field, "platform.attachment_url", "Ссылка на файл — абсолютный адрес http или https, до 1000 символов.");
                    else links.Add((field, url, attachments[i].FileName));
                }
        }
        var request = new IntakeApi.SubmitRequest(m.Type ?? AppealType.Problem, m.Kind, m.Regime ?? p.Regime, p.Channel, $"{p.Code}:{messageId}",
            m.Applicant, m.CategoryId ?? p.CategoryId, m.TopicId, null, m.Address, m.Latitude, m.Longitude, m.Text, IsPublic: false, PublicationConsent: false,
            null, ReceivedAtUtc: m.ReceivedAtUtc);
        if (!e.Any)
        {
            // Intake's own checks name intake's fields; the platform's field names are the same (text, applicant.email…).
            try { await intake.CheckAsync(request, actor, ct); }
            catch (InputException bad)
            {
                foreach (var (field, messages) in bad.Errors)
                    foreach (var text in messages) e.Add(field, bad.Code, text);
            }
        }
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        return (messageId, request, links);
    }

    /// <summary>Each file fetched (public addresses only, no redirects) and recognised by its bytes; one bad file refuses the message.</summary>
    static async Task<List<AttachmentsApi.CheckedFile>> FetchAsync(List<(string Field, Uri Url, string? Name)> links, HttpClient client, CancellationToken ct)
    {
        var e = new InputErrors();
        var result = new List<AttachmentsApi.CheckedFile>();
        foreach (var (field, url, given) in links)
        {
            var bytes = await DownloadAsync(client, url, ContentSniffer.MaxDocumentBytes, ct);
            if (bytes is null)
            {
                e.Add(field, "platform.attachment_unavailable", $"Файл по ссылке {url} не удалось получить (адрес не публичный, ошибка или больше {ContentSniffer.MaxDocumentBytes / 1024 / 1024} МБ).");
                continue;
            }
            var name = Path.GetFileName(string.IsNullOrWhiteSpace(given) ? url.AbsolutePath : given.Trim());
            if (string.IsNullOrWhiteSpace(name) || name.Length > 255 || SubmitRules.ContainsMarkup(name)) name = $"file-{result.Count + 1}";
            var detected = ContentSniffer.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, 64)), name);
            if (detected is not { } d)
            {
                e.Add(field, "attachment.type", $"Файл «{name}»: допустимы фотографии (JPEG, PNG, WebP, HEIC) и документы (PDF, DOCX, XLSX, ODT).");
                continue;
            }
            var limit = d.Kind == AttachmentKind.Photo ? ContentSniffer.MaxPhotoBytes : ContentSniffer.MaxDocumentBytes;
            if (bytes.Length > limit) { e.Add(field, "attachment.too_large", $"Файл «{name}» больше {limit / 1024 / 1024} МБ."); continue; }
            result.Add(new(name, bytes, d.ContentType, d.Kind));
        }
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        return result;
    }

    /// <summary>The file's bytes, or null when it cannot be had: an error status, a private address, a timeout, too large.</summary>
    static async Task<byte[]?> DownloadAsync(HttpClient client, Uri url, long max, CancellationToken ct)
    {
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > max) return null;
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > max) return null;
            }
            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    static DateTime Utc(DateTime at) => at.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : at.ToUniversalTime();
}
