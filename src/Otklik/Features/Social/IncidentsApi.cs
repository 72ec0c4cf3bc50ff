using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Identity;
using Otklik.Features.Intake;
using Otklik.Infrastructure;

namespace Otklik.Features.Social;

/// <summary>
/// Social-network incidents for the centre (issue 18.4, ADR 0022): an incident collector posts a batch of public posts
/// with a key of the <see cref="ApiScopes.Incidents"/> scope. Each post becomes an anonymous appeal in the incident
/// regime (its hour clock starts at intake), in moderation and never public until a moderator publishes it, through
/// <see cref="SubmitAppeal"/> as the collector's channel worker; (network, post id) makes a post sent again find its
/// appeal. The batch is all-or-nothing: every post is checked (its photos fetched and recognised) before any is written,
/// and a bad post refuses the batch with 422 naming <c>posts[i].field</c>.
/// </summary>
public static partial class IncidentsApi
{
    public const int MaxPosts = 100;

    public static RouteGroupBuilder MapIncidentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/incidents").WithTags("Incidents");
        group.MapPost("/posts", Submit).RequireApiScope(ApiScopes.Incidents).Produces<BatchResult>()
            .WithSummary("An incident collector's batch of social-network posts: each an incident appeal; all or nothing; idempotent by network and post id.");
        return group;
    }

    public sealed record Batch(string? CallbackUrl, Post[]? Posts);

    /// <summary>
    /// A public post. Only the author's public id is taken about its author: any other field (a name, a phone) is refused.
    /// The incident clock starts when Otklik receives the post, whenever it was published.
    /// </summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record Post(string? Network, string? PostId, string? Url, string? AuthorPublicId, string? Text, string? Address,
        double? Latitude, double? Longitude, Guid? CategoryId, Guid? TopicId, bool HighPriority, Photo[]? Photos);

    /// <summary>A photo by its URL (fetched by Otklik) or inline (base64).</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record Photo(string? Url, string? ContentBase64, string? FileName);

    public sealed record Accepted(int Index, string Network, string PostId, Guid AppealId, string Number, bool IsNew);

    public sealed record BatchResult(IReadOnlyList<Accepted> Posts);

    [GeneratedRegex("^[a-z][a-z0-9_-]{1,19}$")]
    private static partial Regex NetworkPattern();

    static async Task<IResult> Submit(Batch batch, HttpContext http, AppDbContext db, SubmitAppeal intake, IHttpClientFactory clients,
        IConfiguration config, TimeProvider clock, IFileStore files, CancellationToken ct)
    {
        if (!await ChannelStates.IsOnAsync(db, ChannelStates.Incidents, ct)) return ChannelStates.Off("сборщики инцидентов");
        var now = clock.GetUtcNow().UtcDateTime;
        var keyName = await KeyNameAsync(db, http, ct);
        var actor = IntakeActor.ChannelWorker(Channel.SocialNetwork, "incident collector " + keyName);
        var defaultCategory = config.GetValue<Guid?>("Otklik:Incidents:CategoryId");
        try
        {
            var checkedPosts = await CheckAsync(batch, db, intake, actor, clients, defaultCategory, ct);
            var results = new List<Accepted>();
            foreach (var p in checkedPosts)
            {
                if (p.Existing is { } existing)
                {
                    results.Add(new(p.Index, p.Network, p.PostId, existing.AppealId, existing.Number, false));
                    continue;
                }
                var ids = new List<Guid>();
                foreach (var photo in p.Photos)
                    ids.Add((await AttachmentsApi.StoreAsync(photo, db, files, null, now, null, AttachmentPurpose.Appeal, ct)).Id);
                if (ids.Count > 0) await db.SaveChangesAsync(ct);
                var callback = batch.CallbackUrl!.Trim();
                var submitted = await intake.RunAsync(p.Request with { AttachmentIds = ids.Count > 0 ? [.. ids] : null }, actor, null, ct,
                    (appeal, at, writer) => writer.Add(ChannelThread.Of(appeal.Id, Channel.SocialNetwork, p.Network, p.PostId, callback, at,
                        p.Url, p.AuthorPublicId)));
                var number = await db.Appeals.AsNoTracking().Where(a => a.Id == submitted.AppealId).Select(a => a.Number).SingleAsync(ct);
                results.Add(new(p.Index, p.Network, p.PostId, submitted.AppealId, number, submitted.IsNew));
            }
            await ChannelStates.NoteAsync(db, ChannelStates.Incidents, ChannelStates.What.Received, now, null, ct);
            return TypedResults.Ok(new BatchResult(results));
        }
        catch (InputException e)
        {
            await ChannelStates.NoteAsync(db, ChannelStates.Incidents, ChannelStates.What.Refused, now, $"{keyName}: {e.Message}", ct);
            throw;
        }
    }

    static async Task<string> KeyNameAsync(AppDbContext db, HttpContext http, CancellationToken ct)
    {
        var hash = ApiKeys.Hash(http.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim());
        return await db.ApiKeys.AsNoTracking().Where(k => k.Hash == hash).Select(k => k.Name).SingleAsync(ct);
    }

    sealed record Existing(Guid AppealId, string Number);

    sealed record CheckedPost(int Index, string Network, string PostId, string? Url, string? AuthorPublicId, IntakeApi.SubmitRequest Request,
        List<AttachmentsApi.CheckedFile> Photos, Existing? Existing);

    /// <summary>Every post checked before anything is written: the batch is refused whole with each bad post's index and field.</summary>
    static async Task<List<CheckedPost>> CheckAsync(Batch batch, AppDbContext db, SubmitAppeal intake, IntakeActor actor, IHttpClientFactory clients,
        Guid? defaultCategory, CancellationToken ct)
    {
        var e = new InputErrors();
        if (string.IsNullOrWhiteSpace(batch.CallbackUrl)) e.Add("callbackUrl", "field.required", "Укажите адрес, по которому сборщик принимает ответы.");
        else if (!Uri.TryCreate(batch.CallbackUrl.Trim(), UriKind.Absolute, out var cb) || cb.Scheme is not ("http" or "https") || batch.CallbackUrl.Length > 1000)
            e.Add("callbackUrl", "incident.callback_url", "Адрес для ответов — абсолютный адрес http или https, до 1000 символов.");
        if (batch.Posts is not { Length: > 0 } posts)
        {
            e.Add("posts", "field.required", "Пакет без постов.");
            e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
            return [];
        }
        if (posts.Length > MaxPosts) e.Add("posts", "incident.batch_too_large", $"Не больше {MaxPosts} постов в пакете.");
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);

        var result = new List<CheckedPost>();
        var seen = new HashSet<(string, string)>();
        var client = clients.CreateClient(OutboundHttp.Partner);
        for (var i = 0; i < posts.Length; i++)
        {
            var p = posts[i];
            var at = $"posts[{i}]";
            var postErrors = new InputErrors();
            var network = p.Network?.Trim().ToLowerInvariant() ?? "";
            var postId = p.PostId?.Trim() ?? "";
            if (network.Length == 0) postErrors.Add($"{at}.network", "field.required", "Укажите сеть.");
            else if (!NetworkPattern().IsMatch(network)) postErrors.Add($"{at}.network", "incident.network", "Сеть — латиницей, до 20 символов (vk, ok, telegram…).");
            else if (network is TelegramBot.Network or "vk-message" or "vk-wall")
                postErrors.Add($"{at}.network", "incident.network_reserved", "Это имя занято собственными каналами Отклика (бот, сообщество).");
            if (postId.Length == 0) postErrors.Add($"{at}.postId", "field.required", "Укажите идентификатор поста.");
            else SubmitRules.CheckIdentifier(postErrors, $"{at}.postId", postId, 150);
            if (!string.IsNullOrWhiteSpace(p.Url) && (!Uri.TryCreate(p.Url.Trim(), UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || p.Url.Length > 1000))
                postErrors.Add($"{at}.url", "incident.url", "Ссылка на пост — абсолютный адрес http или https.");
            if (string.IsNullOrWhiteSpace(p.AuthorPublicId)) postErrors.Add($"{at}.authorPublicId", "field.required", "Укажите публичный идентификатор автора.");
            else SubmitRules.CheckIdentifier(postErrors, $"{at}.authorPublicId", p.AuthorPublicId.Trim(), 200);
            if (network.Length > 0 && postId.Length > 0 && !seen.Add((network, postId)))
                postErrors.Add($"{at}.postId", "incident.duplicate_in_batch", "Этот пост уже есть в пакете.");

            var photos = await PhotosAsync(p.Photos, at, postErrors, client, ct);
            var existing = postErrors.Any ? null : await db.ChannelThreads.AsNoTracking()
                .Where(t => t.Network == network && t.ExternalId == postId)
                .Join(db.Appeals, t => t.AppealId, a => a.Id, (t, a) => new Existing(a.Id, a.Number)).SingleOrDefaultAsync(ct);

            var request = new IntakeApi.SubmitRequest(AppealType.Problem, null, LegalRegime.SocialIncident, Channel.SocialNetwork, $"{network}:{postId}",
                new ApplicantInfo { Kind = ApplicantKind.Anonymous }, p.CategoryId ?? defaultCategory, p.TopicId, null, p.Address, p.Latitude, p.Longitude,
                p.Text, IsPublic: false, PublicationConsent: false, null, p.HighPriority ? AppealPriority.High : AppealPriority.Normal);
            // The kind is the topic's, or a task when none is chosen: an incident is something to be done, not a consultation.
            if (p.TopicId is null) request = request with { Kind = AppealKind.Task };
            if (!postErrors.Any && existing is null)
            {
                try { await intake.CheckAsync(request, actor, ct); }
                catch (InputException bad)
                {
                    foreach (var (field, messages) in bad.Errors)
                        foreach (var m in messages) postErrors.Add($"{at}.{field}", bad.Code, m);
                }
                catch (RuleException rule) { postErrors.Add(at, rule.Code, rule.Message); }
            }
            if (postErrors.Any)
            {
                try { postErrors.ThrowIfAny(); }
                catch (InputException bad)
                {
                    foreach (var (field, messages) in bad.Errors)
                        foreach (var m in messages) e.Add(field, bad.Code, $"Пост №{i + 1}: {m}");
                }
            }
            result.Add(new(i, network, postId, p.Url?.Trim(), p.AuthorPublicId?.Trim(), request, photos, existing));
        }
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        return result;
    }

    /// <summary>Each photo fetched (or decoded) and recognised by its bytes as a photo within the size limit.</summary>
    static async Task<List<AttachmentsApi.CheckedFile>> PhotosAsync(Photo[]? photos, string at, InputErrors e, HttpClient client, CancellationToken ct)
    {
        var result = new List<AttachmentsApi.CheckedFile>();
        if (photos is not { Length: > 0 }) return result;
        if (photos.Length > ContentSniffer.MaxPerAppeal)
        {
            e.Add($"{at}.photos", "attachments.too_many", $"Не больше {ContentSniffer.MaxPerAppeal} фотографий.");
            return result;
        }
        for (var j = 0; j < photos.Length; j++)
        {
            var field = $"{at}.photos[{j}]";
            var photo = photos[j];
            byte[]? bytes = null;
            var name = photo.FileName?.Trim();
            if (!string.IsNullOrEmpty(photo.ContentBase64) == !string.IsNullOrEmpty(photo.Url))
            {
                e.Add(field, "incident.photo_source", "Фотография — либо ссылка (url), либо содержимое (contentBase64).");
                continue;
            }
            if (photo.ContentBase64 is { Length: > 0 } inline)
            {
                if (inline.Length > ContentSniffer.MaxPhotoBytes / 3 * 4 + 8) { e.Add(field, "attachment.too_large", "Фотография больше допустимого размера."); continue; }
                try { bytes = Convert.FromBase64String(inline); }
                catch (FormatException) { e.Add(field, "incident.photo_base64", "Содержимое фотографии — не base64."); continue; }
            }
            else if (!Uri.TryCreate(photo.Url!.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                e.Add(field, "incident.photo_url", "Ссылка на фотографию — абсолютный адрес http или https.");
                continue;
            }
            else
            {
                bytes = await FetchAsync(client, url, ct);
                if (bytes is null) { e.Add(field, "incident.photo_unavailable", $"Фотографию по ссылке {url} не удалось получить (или она больше {ContentSniffer.MaxPhotoBytes / 1024 / 1024} МБ)."); continue; }
                name ??= Path.GetFileName(url.AbsolutePath);
            }
            name = string.IsNullOrWhiteSpace(name) || name.Length > 255 || SubmitRules.ContainsMarkup(name) ? $"photo-{j + 1}" : Path.GetFileName(name);
            var detected = ContentSniffer.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, 64)), name);
            if (detected is not { Kind: AttachmentKind.Photo } d) { e.Add(field, "attachment.type", "Это не фотография (JPEG, PNG, WebP, HEIC)."); continue; }
            if (bytes.Length > ContentSniffer.MaxPhotoBytes) { e.Add(field, "attachment.too_large", "Фотография больше допустимого размера."); continue; }
            result.Add(new(name, bytes, d.ContentType, d.Kind));
        }
        return result;
    }

    /// <summary>The photo's bytes, or null when it cannot be had: an error status, a private address, a timeout, too large.</summary>
    static async Task<byte[]?> FetchAsync(HttpClient client, Uri url, CancellationToken ct)
    {
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > ContentSniffer.MaxPhotoBytes) return null;
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > ContentSniffer.MaxPhotoBytes) return null;
            }
            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
