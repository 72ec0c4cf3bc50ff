using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Portal.Submit;

/// <summary>
/// An appeal filled in by a visitor who was not signed in, kept on the server until the e-mail given with it is
/// confirmed by the link in the letter (report first, sign in after). Only the hash of the link's token is stored.
/// The appeal is sent once: the link's second use finds <see cref="AppealNumber"/>, and the intake's idempotency key
/// (<see cref="IdempotencyKey"/>) makes a race of two clicks one appeal. Unconfirmed ones expire (<see cref="PendingAppealSweep"/>).
/// </summary>
public sealed class PendingAppeal
{
    /// <summary>As long as the account letters' links, and no longer than the photos of an unsent form are kept (UnboundUploadSweep, 24 h by default).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public Guid Id { get; private set; }
    /// <summary>The account of the e-mail given (made for it when there was none).</summary>
    public Guid PersonId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public string IdempotencyKey { get; private set; } = "";
    /// <summary>The form as the visitor sent it (<see cref="PendingForm"/> as JSON).</summary>
    public string Form { get; private set; } = "";
    public DateTime CreatedAtUtc { get; private set; }
    public DateTime ExpiresAtUtc { get; private set; }
    public Guid? AppealId { get; private set; }
    public string? AppealNumber { get; private set; }
    public DateTime? SentAtUtc { get; private set; }

    PendingAppeal() { }

    /// <summary>A new pending appeal and the token for its link (shown once, in the letter).</summary>
    public static (PendingAppeal Pending, string Token) Create(Guid personId, PendingForm form, string idempotencyKey, DateTime nowUtc)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        return (new PendingAppeal
        {
            Id = Guid.CreateVersion7(), PersonId = personId, TokenHash = Hash(token), IdempotencyKey = idempotencyKey,
            Form = JsonSerializer.Serialize(form), CreatedAtUtc = nowUtc, ExpiresAtUtc = nowUtc + Lifetime,
        }, token);
    }

    public PendingForm Read() => JsonSerializer.Deserialize<PendingForm>(Form)!;

    public bool Matches(string? token) =>
        token is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token)), Encoding.ASCII.GetBytes(TokenHash));

    public bool IsExpired(DateTime nowUtc) => AppealNumber is null && nowUtc >= ExpiresAtUtc;

    public void MarkSent(Guid appealId, string number, DateTime nowUtc)
    {
        if (AppealNumber is not null) throw new RuleException("pending.already_sent", "Это обращение уже отправлено.");
        (AppealId, AppealNumber, SentAtUtc) = (appealId, number, nowUtc);
    }

    static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

/// <summary>What the visitor filled in: the same fields as the signed-in form.</summary>
public sealed record PendingForm(AppealType Type, Guid CategoryId, Guid TopicId, string? Address, double? Latitude, double? Longitude,
    string Text, bool Consent, IReadOnlyList<Guid> Photos);

public sealed class PendingAppealConfiguration : IEntityTypeConfiguration<PendingAppeal>
{
    public void Configure(EntityTypeBuilder<PendingAppeal> b)
    {
        b.ToTable("PendingAppeals");
        b.HasKey(p => p.Id);
        b.Property(p => p.TokenHash).HasMaxLength(64);
        b.Property(p => p.IdempotencyKey).HasMaxLength(100);
        b.Property(p => p.AppealNumber).HasMaxLength(40);
        b.HasIndex(p => p.ExpiresAtUtc);
        b.HasOne<Directory.Person>().WithMany().HasForeignKey(p => p.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Deletes pending appeals whose link was never opened within <see cref="PendingAppeal.Lifetime"/>: the visitor's text
/// and place are not kept for nobody. Sent ones stay as the record of which link made which appeal.
/// </summary>
public sealed class PendingAppealSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<PendingAppealSweep> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromHours(1), "Pending appeal sweep")
{
    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var deleted = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), nowUtc, ct);
        if (deleted > 0) Log.LogInformation("Pending appeal sweep deleted {Count} unconfirmed appeals", deleted);
    }

    public static Task<int> RunOnceAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct) =>
        db.PendingAppeals.Where(p => p.AppealNumber == null && p.ExpiresAtUtc <= nowUtc).ExecuteDeleteAsync(ct);
}
