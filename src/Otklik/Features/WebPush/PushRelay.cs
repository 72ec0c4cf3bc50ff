using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.WebPush;

/// <summary>
/// Web push through the outbox (ADR 0040). The dispatcher calls <see cref="FanOutAsync"/> for every message it
/// delivers: for a message the applicant is told of (registered, clarification asked, answered, …) whose applicant
/// turned «Уведомления в браузере» on, it writes one <c>push.notification</c> row per subscribed browser (its id
/// derived from the source message's and the subscription's, so a retried letter never doubles it). The dispatcher
/// delivers each through <see cref="SendAsync"/> and retries it on its own with the outbox's backoff; a push service
/// answering 404 or 410 (the browser dropped the subscription) removes the subscription.
/// Other features push through <see cref="QueueAsync"/> (e-mail alerts, say, would call it with their own source id).
/// </summary>
public sealed class PushRelay(AppDbContext db, WebPushKeys keys, IHttpMessageHandlerFactory handlers, TimeProvider clock) : IOutboxRelay
{
    public IReadOnlyList<MessageType> Sends { get; } = [MessageTypes.PushNotification];
    public const string HttpClientName = "web-push";

    /// <summary>What the notification says: a title, a line, the site path it opens, and a tag that replaces an older one of the same appeal.</summary>
    public sealed record Content(string Title, string Body, string Path, string? Tag);

    sealed record Payload(Guid SubscriptionId, string Title, string Body, string Path, string? Tag, Guid Source);

    public async Task FanOutAsync(OutboxMessage message, CancellationToken ct)
    {
        // An alert letter (ADR 0039) is pushed to its follower's browsers too, once per letter.
        if (message.Type == MessageTypes.AlertNews.Name)
        {
            if (await Alerts.AlertLetters.PushAsync(db, message, ct) is { } alert)
                await QueueAsync(alert.PersonId, alert.Content, message.Id, message.AppealId, ct);
            return;
        }
        // A new support measure that fits an entrepreneur's subscription (issue 23.2).
        if (message.Type == MessageTypes.NewMeasure.Name)
        {
            if (Business.BusinessLetters.Push(message) is { } measure) await QueueAsync(measure.PersonId, measure.Content, message.Id, null, ct);
            return;
        }
        if (message.AppealId is not { } appealId || MessageTypes.Find(message.Type) is not { IsForApplicant: true } type) return;
        var appeal = await db.Appeals.AsNoTracking().Where(a => a.Id == appealId).Select(a => new { a.Number, a.ApplicantUserId }).SingleOrDefaultAsync(ct);
        if (appeal?.ApplicantUserId is not { } person) return;
        // The number and the step only: the text of an answer stays behind the sign-in of /my.
        await QueueAsync(person, new Content($"Обращение № {appeal.Number}", type.Title, $"/my/{appeal.Number}", appeal.Number), message.Id, appealId, ct);
    }

    /// <summary>
    /// Queues a notification to every browser <paramref name="personId"/> subscribed, if they turned notifications on;
    /// once per <paramref name="sourceId"/> and browser, however often it is called. Returns how many were queued.
    /// </summary>
    public async Task<int> QueueAsync(Guid personId, Content content, Guid sourceId, Guid? appealId, CancellationToken ct)
    {
        if (!await db.PushPreferences.AnyAsync(p => p.PersonId == personId && p.Enabled, ct)) return 0;
        var subscriptions = await db.WebPushSubscriptions.AsNoTracking().Where(s => s.PersonId == personId).Select(s => s.Id).ToListAsync(ct);
        var queued = 0;
        foreach (var subscription in subscriptions)
        {
            var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{MessageTypes.PushNotification.Name}:{sourceId:N}:{subscription:N}"))[..16]);
            if (await db.Outbox.AnyAsync(m => m.Id == id, ct)) continue;
            var row = OutboxMessage.Create(MessageTypes.PushNotification,
                new Payload(subscription, content.Title, content.Body, content.Path, content.Tag, sourceId), appealId, clock.GetUtcNow().UtcDateTime);
            row.Id = id;
            db.Outbox.Add(row);
            try { await db.SaveChangesAsync(ct); queued++; }
            catch (DbUpdateException) { db.Entry(row).State = EntityState.Detached; } // another node wrote it first
        }
        return queued;
    }

    /// <summary>Sends one notification; throws when the push service did not take it (the outbox retries). Returns the note kept with the message.</summary>
    public async Task<string> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var payload = JsonSerializer.Deserialize<Payload>(message.Payload, Json.Options)
            ?? throw new InvalidOperationException("A push notification without its payload.");
        // A targeted message's push (its source is the campaign's recipient row) is settled in the campaign's report:
        // delivered, or failed with what the push service said — not only on this outbox row.
        try
        {
            var note = await DeliverAsync(payload, ct);
            await Analytics.Informing.SettlePushAsync(db, payload.Source, note == Delivered ? null : note, clock.GetUtcNow().UtcDateTime, ct);
            return note;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await Analytics.Informing.SettlePushAsync(db, payload.Source, e.Message, clock.GetUtcNow().UtcDateTime, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The note of a notification the push service took.</summary>
    public const string Delivered = "Уведомление отправлено в браузер.";

    async Task<string> DeliverAsync(Payload payload, CancellationToken ct)
    {
        var subscription = await db.WebPushSubscriptions.SingleOrDefaultAsync(s => s.Id == payload.SubscriptionId, ct);
        if (subscription is null) return "Браузер отписался: уведомление некуда отправить.";
        if (!await db.PushPreferences.AnyAsync(p => p.PersonId == subscription.PersonId && p.Enabled, ct))
            return "Уведомления в браузере выключены: не отправлено.";
        var now = clock.GetUtcNow().UtcDateTime;
        if (await keys.GetAsync(db, now, ct) is not { } vapid) return "Ключи VAPID не настроены (Otklik:WebPush): уведомления в браузере не отправляются.";

        using var authentication = new VapidAuthentication(vapid.PublicKey, vapid.PrivateKey) { Subject = vapid.Subject };
        using var http = new HttpClient(new OriginAudience(authentication) { InnerHandler = handlers.CreateHandler(HttpClientName) }) { Timeout = TimeSpan.FromSeconds(15) };
        var client = new PushServiceClient(http) { DefaultAuthentication = authentication, DefaultAuthenticationScheme = VapidAuthenticationScheme.Vapid };
        var target = new PushSubscription { Endpoint = subscription.Endpoint };
        target.SetKey(PushEncryptionKeyName.P256DH, subscription.P256dh);
        target.SetKey(PushEncryptionKeyName.Auth, subscription.Auth);
        var body = JsonSerializer.Serialize(new { title = payload.Title, body = payload.Body, url = payload.Path, tag = payload.Tag }, Json.Options);
        try
        {
            // Kept by the push service for three days while the device is off; after that the letter has said it anyway.
            await client.RequestPushMessageDeliveryAsync(target, new PushMessage(body) { TimeToLive = 3 * 24 * 3600, Urgency = PushMessageUrgency.Normal }, ct);
        }
        catch (PushServiceClientException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            await db.WebPushSubscriptions.Where(s => s.Id == subscription.Id).ExecuteDeleteAsync(ct);
            return $"Служба push ответила {(int)e.StatusCode}: браузер больше не подписан, подписка удалена.";
        }
        catch (PushServiceClientException e)
        {
            throw new HttpRequestException($"Служба push ответила {(int)e.StatusCode}: {e.Message}", e);
        }
        subscription.LastSentAtUtc = now;
        await db.SaveChangesAsync(ct);
        return Delivered;
    }

    /// <summary>
    /// RFC 8292 §2: the JWT's <c>aud</c> is the push resource's origin, port included. The library drops a non-default
    /// port (scheme and host only), which a region's own push service on, say, :8082 would refuse; so the header is signed
    /// again here for the origin the request actually goes to.
    /// </summary>
    sealed class OriginAudience(VapidAuthentication authentication) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri)
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("vapid",
                    authentication.GetVapidSchemeAuthenticationHeaderValueParameter(uri.GetLeftPart(UriPartial.Authority)));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
