using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Webhooks;

/// <summary>
/// Sends the webhook outbox. A delivery goes out when it is due and every earlier delivery of the same appeal to the
/// same subscriber has been delivered or given up (in order per appeal); it is claimed with a lease (one node sends it),
/// POSTed signed (<see cref="WebhookSignature"/>), and marked delivered on a 2xx answer. Otherwise it is retried after
/// 1, 2, 4 … minutes (at most an hour apart) until a day has passed, then marked failed; the office page resends it.
/// The same delivery id goes with every attempt, so a subscriber that got it twice drops the second.
/// </summary>
public sealed class WebhookDispatcher(IServiceScopeFactory scopes, TimeProvider clock, IHttpClientFactory http, IDataProtectionProvider protection,
    ILogger<WebhookDispatcher> log)
{
    /// <summary>How long a delivery is retried before it is given up.</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromDays(1);
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    public const string HttpClientName = "webhooks";
    const int Batch = 50;

    public IDataProtector Protector => protection.CreateProtector("Otklik.Webhooks.Secret");

    public sealed record Result(int Delivered, int Failed, int Waiting);

    /// <summary>1, 2, 4 … minutes after each failed attempt, at most an hour.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Max(0, attempts - 1))));

    /// <summary>Sends everything due now; a delivery waiting for an earlier one of its appeal stays for a later pass.</summary>
    public async Task<Result> RunOnceAsync(CancellationToken ct = default)
    {
        int delivered = 0, failed = 0, waiting = 0;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.DeliveredAtUtc == null && d.FailedAtUtc == null && d.NextAttemptAtUtc <= now && (d.LockedUntilUtc == null || d.LockedUntilUtc <= now))
            .OrderBy(d => d.CreatedAtUtc).ThenBy(d => d.Sequence).Take(Batch).ToListAsync(ct);
        var subscriptions = new Dictionary<Guid, WebhookSubscription?>();
        foreach (var d in due)
        {
            // In order per appeal: an earlier event still on its way holds this one back.
            if (await db.WebhookDeliveries.AnyAsync(e => e.SubscriptionId == d.SubscriptionId && e.AppealId == d.AppealId && e.Sequence < d.Sequence
                    && e.DeliveredAtUtc == null && e.FailedAtUtc == null, ct)) { waiting++; continue; }
            now = clock.GetUtcNow().UtcDateTime;
            // Whole microseconds, as PostgreSQL keeps them: the settling update finds the lease by equality.
            var until = now + Lease;
            until = until.AddTicks(-(until.Ticks % 10));
            if (await db.WebhookDeliveries.Where(e => e.Id == d.Id && e.DeliveredAtUtc == null && e.FailedAtUtc == null && (e.LockedUntilUtc == null || e.LockedUntilUtc <= now))
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.LockedUntilUtc, until).SetProperty(e => e.Attempts, e => e.Attempts + 1), ct) != 1) continue;
            if (!subscriptions.TryGetValue(d.SubscriptionId, out var subscription))
                subscriptions[d.SubscriptionId] = subscription = await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == d.SubscriptionId, ct);
            var (ok, status, error) = subscription is null ? (false, (int?)null, "Подписка удалена.") : await SendAsync(subscription, d, ct);
            now = clock.GetUtcNow().UtcDateTime;
            var attempts = d.Attempts + 1;
            var next = now + Backoff(attempts);
            var giveUp = !ok && (next > d.RetryUntilUtc || subscription is null || !subscription.IsActive);
            if (ok) delivered++; else failed++;
            await db.WebhookDeliveries.Where(e => e.Id == d.Id && e.LockedUntilUtc == until).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.DeliveredAtUtc, ok ? now : null)
                .SetProperty(e => e.FailedAtUtc, giveUp ? now : null)
                .SetProperty(e => e.NextAttemptAtUtc, ok || giveUp ? d.NextAttemptAtUtc : next)
                .SetProperty(e => e.LockedUntilUtc, (DateTime?)null)
                .SetProperty(e => e.LastStatus, status)
                .SetProperty(e => e.LastError, ok ? null : error), ct);
            if (!ok) log.LogWarning("Webhook delivery {Id} ({Event}) to subscription {Subscription}, attempt {Attempt}: {Error}", d.Id, d.Event, d.SubscriptionId, attempts, error);
        }
        return new(delivered, failed, waiting);
    }

    async Task<(bool Ok, int? Status, string? Error)> SendAsync(WebhookSubscription subscription, WebhookDelivery d, CancellationToken ct)
    {
        try
        {
            var secret = Protector.Unprotect(subscription.ProtectedSecret);
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new StringContent(d.Payload, Encoding.UTF8, "application/json") };
            request.Headers.Add(WebhookSignature.DeliveryHeader, d.Id.ToString());
            request.Headers.Add(WebhookSignature.EventHeader, d.Event);
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, d.Payload));
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
            var code = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? (true, code, null) : (false, code, $"Подписчик ответил {code} {response.ReasonPhrase}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Security.Cryptography.CryptographicException && !ct.IsCancellationRequested)
        {
            var text = $"{e.GetType().Name}: {e.Message}";
            return (false, null, text.Length > 900 ? text[..900] : text);
        }
    }

    /// <summary>The office's resend: a delivered or failed delivery goes out again now (same id), with another day of retries.</summary>
    public static async Task<bool> ResendAsync(AppDbContext db, Guid id, DateTime nowUtc, CancellationToken ct) =>
        await db.WebhookDeliveries.Where(d => d.Id == id && (d.DeliveredAtUtc != null || d.FailedAtUtc != null)).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.DeliveredAtUtc, (DateTime?)null).SetProperty(d => d.FailedAtUtc, (DateTime?)null)
            .SetProperty(d => d.NextAttemptAtUtc, nowUtc).SetProperty(d => d.RetryUntilUtc, nowUtc + RetryFor)
            .SetProperty(d => d.LockedUntilUtc, (DateTime?)null), ct) == 1;
}

/// <summary>The background loop: a pass every 15 seconds.</summary>
public sealed class WebhookDispatchService(WebhookDispatcher dispatcher, TimeProvider clock, ILogger<WebhookDispatchService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), clock);
        do
        {
            try { await dispatcher.RunOnceAsync(stop); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "Webhook dispatch failed; it will run again"); }
        }
        while (await timer.WaitForNextTickAsync(stop));
    }
}
