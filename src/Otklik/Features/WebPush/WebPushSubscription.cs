using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.WebPush;

/// <summary>
/// One browser a person allowed to show notifications (ADR 0040): the push service's endpoint and the browser's keys
/// for the message encryption of RFC 8291. The endpoint is the subscription's identity: a browser subscribing again
/// replaces its row, and a push service answering 404 or 410 removes it.
/// </summary>
public sealed class WebPushSubscription
{
    public const int MaxEndpoint = 2000;

    public Guid Id { get; init; }
    public Guid PersonId { get; set; }
    public string Endpoint { get; init; } = "";
    /// <summary>The browser's P-256 public key (65 bytes, uncompressed), base64url.</summary>
    public string P256dh { get; set; } = "";
    /// <summary>The browser's 16-byte authentication secret, base64url.</summary>
    public string Auth { get; set; } = "";
    public DateTime CreatedAtUtc { get; init; }
    public DateTime? LastSentAtUtc { get; set; }
}

/// <summary>«Уведомления в браузере» on /my: whether the person's own appeals are pushed to their subscribed browsers.</summary>
public sealed class PushPreference
{
    public Guid PersonId { get; init; }
    public bool Enabled { get; set; }
    public DateTime ChangedAtUtc { get; set; }
}

/// <summary>
/// The demo's VAPID key pair, made on its first start when none is configured (never in Production, where the demo
/// seed is refused): the private key is kept protected by the app's data-protection keys, as the other stored secrets.
/// </summary>
public sealed class WebPushDemoKey
{
    public int Id { get; init; }
    public string PublicKey { get; init; } = "";
    public string ProtectedPrivateKey { get; init; } = "";
    public DateTime CreatedAtUtc { get; init; }
}

sealed class WebPushSubscriptionConfiguration : IEntityTypeConfiguration<WebPushSubscription>
{
    public void Configure(EntityTypeBuilder<WebPushSubscription> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Endpoint).HasMaxLength(WebPushSubscription.MaxEndpoint);
        b.Property(s => s.P256dh).HasMaxLength(100);
        b.Property(s => s.Auth).HasMaxLength(50);
        b.HasIndex(s => s.Endpoint).IsUnique();
        b.HasIndex(s => s.PersonId);
        b.HasOne<Directory.Person>().WithMany().HasForeignKey(s => s.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class PushPreferenceConfiguration : IEntityTypeConfiguration<PushPreference>
{
    public void Configure(EntityTypeBuilder<PushPreference> b)
    {
        b.HasKey(p => p.PersonId);
        b.HasOne<Directory.Person>().WithMany().HasForeignKey(p => p.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class WebPushDemoKeyConfiguration : IEntityTypeConfiguration<WebPushDemoKey>
{
    public void Configure(EntityTypeBuilder<WebPushDemoKey> b)
    {
        b.HasKey(k => k.Id);
        b.Property(k => k.Id).ValueGeneratedNever();
        b.Property(k => k.PublicKey).HasMaxLength(100);
        b.Property(k => k.ProtectedPrivateKey).HasMaxLength(1000);
    }
}
