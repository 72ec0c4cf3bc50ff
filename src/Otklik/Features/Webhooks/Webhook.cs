using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Appeals;

namespace Otklik.Features.Webhooks;

/// <summary>The events an integrator may subscribe to: each is a line of the appeal's history (<see cref="EventKind"/>).</summary>
public static class WebhookEvents
{
    public const string Received = "appeal.received";
    public const string Registered = "appeal.registered";
    public const string Redirected = "appeal.redirected";
    public const string Answered = "appeal.answered";
    public const string Closed = "appeal.closed";
    public const string Reopened = "appeal.reopened";
    public const string Rated = "appeal.rated";
    public const string DeadlineOverdue = "appeal.deadline_overdue";

    /// <summary>Every event, in the order a person reads them on the page, with its Russian name.</summary>
    public static readonly IReadOnlyList<(string Name, string Title)> All =
    [
        (Received, "Обращение поступило"), (Registered, "Зарегистрировано"), (Redirected, "Переадресовано"), (Answered, "Дан ответ"),
        (Closed, "Закрыто"), (Reopened, "Направлено на повторное рассмотрение"), (Rated, "Заявитель оценил ответ"), (DeadlineOverdue, "Срок нарушен"),
    ];

    /// <summary>The event a history line is, or null when integrators are not told of it.</summary>
    public static string? Of(EventKind kind) => kind switch
    {
        EventKind.Received => Received,
        EventKind.Registered => Registered,
        EventKind.Redirected => Redirected,
        EventKind.AnswerSent => Answered,
        EventKind.Closed => Closed,
        EventKind.Reopened => Reopened,
        EventKind.Rated => Rated,
        EventKind.DeadlineMissed => DeadlineOverdue,
        _ => null,
    };

    public static string TitleOf(string name) => All.FirstOrDefault(e => e.Name == name).Title ?? name;
}

/// <summary>
/// An integrator's subscription: where to POST, which events, and the secret the deliveries are signed with. The secret
/// is kept encrypted with the application's data-protection keys (it must be read back to sign) and shown once.
/// </summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    /// <summary>The subscribed event names, comma-separated.</summary>
    public string Events { get; set; } = "";
    public string ProtectedSecret { get; set; } = "";
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAtUtc { get; set; }
    public Guid? CreatedById { get; set; }

    public bool Wants(string @event) => Events.Split(',').Contains(@event, StringComparer.Ordinal);

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
}

/// <summary>
/// One event for one subscriber: the webhook outbox. Written in the same save (so the same transaction) as the history
/// line it reports; sent by <see cref="WebhookDispatcher"/> until the subscriber answers 2xx, for a day at most.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }
    public Guid SubscriptionId { get; set; }
    public Guid AppealId { get; set; }
    /// <summary>The history line reported: one delivery per subscriber and line, whatever writes it.</summary>
    public Guid AppealEventId { get; set; }
    /// <summary>The line's place in the appeal's history: deliveries of one appeal go out in this order.</summary>
    public int Sequence { get; set; }
    public string Event { get; set; } = "";
    public string Payload { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAtUtc { get; set; }
    /// <summary>After this the delivery is given up (a day after it was written, or after a resend).</summary>
    public DateTime RetryUntilUtc { get; set; }
    public DateTime? LockedUntilUtc { get; set; }
    public DateTime? DeliveredAtUtc { get; set; }
    public DateTime? FailedAtUtc { get; set; }
    public int? LastStatus { get; set; }
    public string? LastError { get; set; }
}

sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Url).HasMaxLength(500);
        b.Property(s => s.Events).HasMaxLength(500);
        b.Property(s => s.ProtectedSecret).HasMaxLength(1000);
    }
}

sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.HasKey(d => d.Id);
        b.Property(d => d.Event).HasMaxLength(50);
        b.Property(d => d.LastError).HasMaxLength(1000);
        b.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => new { d.SubscriptionId, d.AppealEventId }).IsUnique();
        b.HasIndex(d => new { d.SubscriptionId, d.AppealId, d.Sequence });
        b.HasIndex(d => new { d.DeliveredAtUtc, d.FailedAtUtc, d.NextAttemptAtUtc });
    }
}

/// <summary>The signature a subscriber checks: HMAC-SHA256 with its secret over "timestamp.body", hex, as <c>sha256=…</c>.</summary>
public static class WebhookSignature
{
    public const string DeliveryHeader = "X-Otklik-Delivery";
    public const string EventHeader = "X-Otklik-Event";
    public const string TimestampHeader = "X-Otklik-Timestamp";
    public const string SignatureHeader = "X-Otklik-Signature";

    public static string Sign(string secret, long timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    /// <summary>What a subscriber does: the signature matches and the timestamp is within <paramref name="tolerance"/> of its clock.</summary>
    public static bool Verify(string secret, string timestamp, string body, string signature, DateTimeOffset now, TimeSpan tolerance) =>
        long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ts)
        && Math.Abs(now.ToUnixTimeSeconds() - ts) <= tolerance.TotalSeconds
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, ts, body)), Encoding.ASCII.GetBytes(signature));
}
