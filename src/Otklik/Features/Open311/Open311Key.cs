using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Features.Identity;

namespace Otklik.Features.Open311;

/// <summary>
/// The key of one system that reports through Open311 (a city app, a partner's 311 client). It is not a person's API
/// key: it grants nothing but <c>POST requests</c> on the Open311 channel, as a channel worker named after the system.
/// </summary>
public sealed class Open311Key
{
    public Guid Id { get; set; }
    /// <summary>The system's name, as the appeal's channel worker and the log show it ("Мобильное приложение «Город»").</summary>
    public string Name { get; set; } = "";
    public string Prefix { get; set; } = "";
    /// <summary>SHA-256 of the key; the key itself is shown once and never stored.</summary>
    public string Hash { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? RevokedAtUtc { get; set; }

    /// <summary>Makes a key for a system; the caller shows <c>Secret</c> once.</summary>
    public static (Open311Key Entity, string Secret) Create(string name, DateTime nowUtc, string? secret = null)
    {
        var (key, text) = ApiKeys.Create(Guid.Empty, name, nowUtc, secret);
        return (new Open311Key { Id = key.Id, Name = name, Prefix = key.Prefix, Hash = key.Hash, CreatedAtUtc = nowUtc }, text);
    }

    /// <summary>The system a key belongs to, or null for a missing, unknown or revoked key.</summary>
    public static async Task<Open311Key?> FindAsync(AppDbContext db, string? secret, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(secret) || secret.Length > 200) return null;
        var hash = ApiKeys.Hash(secret.Trim());
        return await db.Open311Keys.AsNoTracking().SingleOrDefaultAsync(k => k.Hash == hash && k.RevokedAtUtc == null, ct);
    }
}

sealed class Open311KeyConfiguration : IEntityTypeConfiguration<Open311Key>
{
    public void Configure(EntityTypeBuilder<Open311Key> b)
    {
        b.HasKey(k => k.Id);
        b.Property(k => k.Name).HasMaxLength(200);
        b.Property(k => k.Prefix).HasMaxLength(20);
        b.Property(k => k.Hash).HasMaxLength(64);
        b.HasIndex(k => k.Hash).IsUnique();
    }
}
