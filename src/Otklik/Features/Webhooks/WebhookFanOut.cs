using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Webhooks;

/// <summary>
/// The save pipeline's webhook step (<see cref="AppDbContext"/>): every history line of a subscribed kind that a save
/// adds gets one <see cref="WebhookDelivery"/> per active subscription that wants it, in that same save. A change and
/// its events commit or roll back together, whichever writer made the change (staff, intake, a sweep).
/// </summary>
public static class WebhookFanOut
{
    public static void Collect(AppDbContext db)
    {
        var lines = Pending(db);
        if (lines.Count == 0) return;
        var subscriptions = db.WebhookSubscriptions.AsNoTracking().Where(s => s.IsActive).ToList();
        if (subscriptions.Count == 0) return;
        var missing = Missing(db, lines);
        var numbers = missing.Count == 0 ? new Dictionary<Guid, string>() : db.Appeals.AsNoTracking().Where(a => missing.Contains(a.Id)).ToDictionary(a => a.Id, a => a.Number);
        Add(db, lines, subscriptions, numbers);
    }

    public static async Task CollectAsync(AppDbContext db, CancellationToken ct)
    {
        var lines = Pending(db);
        if (lines.Count == 0) return;
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.IsActive).ToListAsync(ct);
        if (subscriptions.Count == 0) return;
        var missing = Missing(db, lines);
        var numbers = missing.Count == 0 ? new Dictionary<Guid, string>() : await db.Appeals.AsNoTracking().Where(a => missing.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Number, ct);
        Add(db, lines, subscriptions, numbers);
    }

    static List<AppealEvent> Pending(AppDbContext db) =>
        [.. db.ChangeTracker.Entries<AppealEvent>().Where(e => e.State == EntityState.Added && WebhookEvents.Of(e.Entity.Kind) is not null).Select(e => e.Entity)];

    static Dictionary<Guid, Appeal> Tracked(AppDbContext db) =>
        db.ChangeTracker.Entries<Appeal>().Select(e => e.Entity).GroupBy(a => a.Id).ToDictionary(g => g.Key, g => g.First());

    static List<Guid> Missing(AppDbContext db, List<AppealEvent> lines)
    {
        var tracked = Tracked(db);
        return [.. lines.Select(l => l.AppealId).Distinct().Where(id => !tracked.ContainsKey(id))];
    }

    static void Add(AppDbContext db, List<AppealEvent> lines, List<WebhookSubscription> subscriptions, Dictionary<Guid, string> numbers)
    {
        var tracked = Tracked(db);
        // A writer that saves the same context again after a failed attempt (the group commit) must not fan out twice.
        var made = db.ChangeTracker.Entries<WebhookDelivery>().Select(e => (e.Entity.SubscriptionId, e.Entity.AppealEventId)).ToHashSet();
        foreach (var line in lines.OrderBy(l => l.AppealId).ThenBy(l => l.Sequence))
        {
            var name = WebhookEvents.Of(line.Kind)!;
            var number = tracked.TryGetValue(line.AppealId, out var appeal) ? appeal.Number : numbers.GetValueOrDefault(line.AppealId, "");
            foreach (var subscription in subscriptions.Where(s => s.Wants(name) && !made.Contains((s.Id, line.Id))))
            {
                var id = Guid.CreateVersion7(new DateTimeOffset(line.AtUtc, TimeSpan.Zero));
                // The payload names the event and the appeal, never the applicant: the integrator reads the rest through the API it is allowed.
                var payload = JsonSerializer.Serialize(new
                {
                    id, @event = name, occurredAtUtc = line.AtUtc,
                    appeal = new { id = line.AppealId, number, status = line.ToStatus, version = line.Sequence },
                }, Json.Options);
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    Id = id, SubscriptionId = subscription.Id, AppealId = line.AppealId, AppealEventId = line.Id, Sequence = line.Sequence,
                    Event = name, Payload = payload, CreatedAtUtc = line.AtUtc, NextAttemptAtUtc = line.AtUtc,
                    RetryUntilUtc = line.AtUtc + WebhookDispatcher.RetryFor,
                });
            }
        }
    }
}
