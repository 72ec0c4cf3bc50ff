using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Appeals;

namespace Otklik.Features.Platforms;

/// <summary>
/// An outside platform that hands appeals to Otklik (ADR 0043): the federal feedback platform (ПОС «Госуслуги. Решаем
/// вместе»), a Добродел-like portal, «Инцидент менеджмент», the investment portal. Each is configured under
/// <c>Otklik:Platforms:&lt;code&gt;</c>: its title, the channel its appeals are taken on, its key, the regime its
/// messages have unless they say otherwise, the category used when a message names none, and the callback that hears
/// every status and the answer (signed with its own secret).
/// </summary>
public sealed record Platform(string Code, string Title, Channel Channel, string KeyHash, LegalRegime Regime, Guid? CategoryId,
    Uri? CallbackUrl, string? CallbackSecret)
{
    /// <summary>Does the key the caller sent belong to this platform (compared as hashes, in constant time)?</summary>
    public bool Accepts(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= 200
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key.Trim())), Encoding.ASCII.GetBytes(KeyHash));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The name the platform's channel worker submits under (ADR 0018): the log and the idempotency hash show it.</summary>
    public string WorkerName => "platform " + Code;

    /// <summary>The name of its row on the channels' monitor (<see cref="Social.ChannelStates"/>).</summary>
    public string StateName => "platform:" + Code;
}

/// <summary>The configured platforms, read once at start (a change of keys or callbacks is a restart, like every setting).</summary>
public sealed class PlatformDirectory
{
    readonly Dictionary<string, Platform> _byCode;

    public PlatformDirectory(IConfiguration config, ILogger<PlatformDirectory> log)
    {
        _byCode = new(StringComparer.Ordinal);
        foreach (var section in config.GetSection("Otklik:Platforms").GetChildren())
        {
            var code = section.Key.Trim().ToLowerInvariant();
            var key = section["Key"];
            if (string.IsNullOrWhiteSpace(key) || !System.Text.RegularExpressions.Regex.IsMatch(code, "^[a-z][a-z0-9-]{1,29}$"))
            {
                log.LogWarning("Platform {Code} is not configured: a code of 2–30 Latin letters, digits and hyphens and a Key are required", section.Key);
                continue;
            }
            var channel = Enum.TryParse<Channel>(section["Channel"], true, out var c) ? c : Channel.FederalPlatform;
            var regime = Enum.TryParse<LegalRegime>(section["Regime"], true, out var r) ? r : LegalRegime.PlatformMessage;
            Uri? callback = Uri.TryCreate(section["CallbackUrl"], UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u : null;
            _byCode[code] = new Platform(code, section["Title"] is { Length: > 0 } t ? t : code, channel, Platform.Hash(key.Trim()), regime,
                Guid.TryParse(section["CategoryId"], out var category) ? category : null, callback,
                section["CallbackSecret"] is { Length: > 0 } secret ? secret : null);
        }
    }

    public IReadOnlyCollection<Platform> All => _byCode.Values;

    public Platform? Find(string? code) => code is null ? null : _byCode.GetValueOrDefault(code.ToLowerInvariant());
}

/// <summary>
/// A platform's message that became an appeal: the platform's own id (unique per platform, so a message sent again finds
/// its appeal), the platform's deadline as it stated it, and how the callback is doing.
/// </summary>
public sealed class PlatformMessage
{
    public Guid Id { get; set; }
    public string Platform { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public Guid AppealId { get; set; }
    /// <summary>The answer deadline the platform set for its message (ПОС: 10 days for a message), as it sent it.</summary>
    public DateTime? PlatformDeadlineAtUtc { get; set; }
    public DateTime ReceivedAtUtc { get; set; }
    public DateTime? LastSentAtUtc { get; set; }
    public DateTime? LastAttemptAtUtc { get; set; }
    public string? LastError { get; set; }
}

sealed class PlatformMessageConfiguration : IEntityTypeConfiguration<PlatformMessage>
{
    public void Configure(EntityTypeBuilder<PlatformMessage> b)
    {
        b.HasKey(m => m.Id);
        b.Property(m => m.Platform).HasMaxLength(30);
        b.Property(m => m.ExternalId).HasMaxLength(200);
        b.Property(m => m.LastError).HasMaxLength(1000);
        b.HasIndex(m => new { m.Platform, m.ExternalId }).IsUnique();
        b.HasIndex(m => m.AppealId).IsUnique();
        b.HasOne<Appeal>().WithMany().HasForeignKey(m => m.AppealId).OnDelete(DeleteBehavior.Cascade);
    }
}
