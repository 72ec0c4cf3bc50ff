using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Mail;
using Otklik.Features.Social;
using Otklik.Features.Webhooks;
using Otklik.Infrastructure;

namespace Otklik.Features.Platforms;

/// <summary>
/// Tells a platform what its applicant is told (ADR 0043). The outbox dispatcher calls <see cref="FanOutAsync"/> for every
/// message it delivers: for an applicant's message of an appeal that came from a platform it writes one
/// <c>platform.status</c> row, its id derived from the message's (so each status goes once, whatever retries), dated as
/// the message (so the dispatcher takes them in the order they happened). <see cref="SendAsync"/> POSTs it to the
/// platform's callback, signed like a webhook, and holds it back while an earlier status of the same appeal is still on its
/// way (in order); a refusal throws and the outbox retries it with its backoff. A status taken by the platform is a line
/// of the appeal's history.
/// </summary>
public sealed class PlatformRelay(AppDbContext db, IHttpClientFactory clients, PlatformDirectory platforms, TimeProvider clock) : IOutboxRelay
{
    public IReadOnlyList<MessageType> Sends { get; } = [MessageTypes.PlatformStatus];

    public async Task FanOutAsync(OutboxMessage message, CancellationToken ct)
    {
        if (message.AppealId is not { } appealId || MessageTypes.Find(message.Type) is not { IsForApplicant: true } type) return;
        var code = await db.PlatformMessages.AsNoTracking().Where(m => m.AppealId == appealId).Select(m => m.Platform).SingleOrDefaultAsync(ct);
        if (code is null || platforms.Find(code) is not { CallbackUrl: not null }) return;
        var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(MessageTypes.PlatformStatus.Name + ":" + message.Id.ToString("N")))[..16]);
        if (await db.Outbox.AnyAsync(m => m.Id == id, ct)) return;
        // The order of the statuses: when they happened, then (for two at one instant, as intake's "received" and
        // "registered") their order in the registry of message types.
        var order = message.CreatedAtUtc.Ticks * 100 + Rank(type);
        var status = OutboxMessage.Create(MessageTypes.PlatformStatus, new { @event = message.Type, source = message.Id, order }, appealId, message.CreatedAtUtc);
        status.Id = id;
        db.Outbox.Add(status);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { db.Entry(status).State = EntityState.Detached; } // another node wrote it first
    }

    static int Rank(MessageType type)
    {
        for (var i = 0; i < MessageTypes.All.Count; i++) if (MessageTypes.All[i] == type) return Math.Min(i, 99);
        return 99;
    }

    static long OrderOf(string payload)
    {
        using var doc = JsonDocument.Parse(payload);
        return doc.RootElement.TryGetProperty("order", out var o) && o.TryGetInt64(out var v) ? v : 0;
    }

    /// <summary>Sends one status; throws when the platform did not take it (the outbox retries). Returns the note kept with the message.</summary>
    public async Task<string> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var link = await db.PlatformMessages.SingleOrDefaultAsync(m => m.AppealId == message.AppealId, ct);
        if (link is null || platforms.Find(link.Platform) is not { CallbackUrl: { } callback } platform) return "Платформа обращения не настроена: статус некуда передать.";
        var order = OrderOf(message.Payload);
        var earlier = await db.Outbox.AsNoTracking()
            .Where(m => m.AppealId == message.AppealId && m.Type == MessageTypes.PlatformStatus.Name && m.ProcessedAtUtc == null && m.Id != message.Id && m.CreatedAtUtc <= message.CreatedAtUtc)
            .Select(m => m.Payload).ToListAsync(ct);
        if (earlier.Any(p => OrderOf(p) < order))
            throw new InvalidOperationException("Ждёт, пока платформа примет предыдущий статус обращения (статусы передаются по порядку).");

        var appeal = await db.Appeals.SingleAsync(a => a.Id == message.AppealId, ct);
        using var doc = JsonDocument.Parse(message.Payload);
        var @event = doc.RootElement.GetProperty("event").GetString() ?? "";
        var type = MessageTypes.Find(@event);
        var answered = @event == MessageTypes.Answered.Name;
        var body = JsonSerializer.Serialize(new
        {
            id = message.Id, platform = platform.Code, messageId = link.ExternalId, appealNumber = appeal.Number, @event, title = type?.Title ?? @event,
            occurredAtUtc = message.CreatedAtUtc, sequence = order, dueAtUtc = appeal.DueAtUtc,
            answer = answered ? new { text = appeal.AnswerText, answeredAtUtc = appeal.AnsweredAtUtc } : null,
        }, Json.Options);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, callback) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(WebhookSignature.DeliveryHeader, message.Id.ToString());
            request.Headers.Add(WebhookSignature.EventHeader, @event);
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            if (platform.CallbackSecret is { } secret) request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
            using var response = await clients.CreateClient(OutboundHttp.Partner).SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"Платформа «{platform.Title}» ответила {(int)response.StatusCode} на статус «{type?.Title ?? @event}».");
            link.LastSentAtUtc = now;
            link.LastAttemptAtUtc = now;
            link.LastError = null;
            appeal.RecordExchanged($"Платформе «{platform.Title}» передан статус «{type?.Title ?? @event}»", now,
                new { platform = platform.Code, messageId = link.ExternalId, @event, delivery = message.Id });
            await db.SaveChangesAsync(ct);
            await ChannelStates.NoteAsync(db, platform.StateName, ChannelStates.What.Sent, now, null, ct);
            return string.Create(CultureInfo.InvariantCulture, $"Статус принят платформой ({(int)response.StatusCode}).");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
            await db.PlatformMessages.Where(m => m.Id == link.Id)
                .ExecuteUpdateAsync(x => x.SetProperty(m => m.LastError, error).SetProperty(m => m.LastAttemptAtUtc, now), CancellationToken.None);
            await ChannelStates.NoteAsync(db, platform.StateName, ChannelStates.What.Failed, now, $"{appeal.Number}: {e.Message}", CancellationToken.None);
            throw;
        }
    }
}
