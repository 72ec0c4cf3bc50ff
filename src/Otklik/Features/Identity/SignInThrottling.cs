using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;

namespace Otklik.Features.Identity;

/// <summary>
/// Failed sign-ins of one client address for one account (ADR 0015). Kept in the database, so every node sees the same
/// counts; a row is written only on a failure and removed on a success.
/// </summary>
public sealed class SignInThrottle
{
    public string Address { get; set; } = "";
    /// <summary>The normalised e-mail that was tried, known to the directory or not (an unknown one is throttled the same way).</summary>
    public string Account { get; set; } = "";
    public int Failures { get; set; }
    public DateTime LastFailureAtUtc { get; set; }
    public DateTime BlockedUntilUtc { get; set; }
}

sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> b)
    {
        b.ToTable("SignInThrottles");
        b.HasKey(t => new { t.Address, t.Account });
        b.Property(t => t.Address).HasMaxLength(64);
        b.Property(t => t.Account).HasMaxLength(256);
        b.HasIndex(t => t.Account);
        b.HasIndex(t => t.LastFailureAtUtc);
    }
}

/// <summary>
/// A growing delay per client address and account instead of a hard lockout (ADR 0015): the first
/// <see cref="FreeFailures"/> failures cost nothing, then each failure doubles the wait before the next attempt from that
/// address for that account (1 s, 2 s, 4 s … at most <see cref="MaxDelay"/>). Another address is not slowed by them, so an
/// attacker cannot lock a staff member out. Two wider limits: an address with <see cref="AddressFailures"/> recent failures
/// over all accounts is refused (one password tried against many accounts), and an account with
/// <see cref="AccountFailures"/> recent failures over all addresses gives each address only one free failure (many
/// addresses against one account) — the first attempt from a new address is still always checked.
/// </summary>
public sealed class SignInThrottling(IConfiguration config, TimeProvider clock)
{
    public int FreeFailures { get; } = Math.Max(1, config.GetValue("Otklik:SignIn:FreeFailures", 5));
    public TimeSpan MaxDelay { get; } = TimeSpan.FromSeconds(Math.Max(1, config.GetValue("Otklik:SignIn:MaxDelaySeconds", 900)));
    public int AddressFailures { get; } = Math.Max(1, config.GetValue("Otklik:SignIn:AddressFailures", 50));
    public int AccountFailures { get; } = Math.Max(1, config.GetValue("Otklik:SignIn:AccountFailures", 20));
    /// <summary>Failures older than this are forgotten: the window of both wider limits, and when a pair's count starts again.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public static string AddressOf(HttpContext http)
    {
        var ip = http.Connection.RemoteIpAddress;
        if (ip is { IsIPv4MappedToIPv6: true }) ip = ip.MapToIPv4();
        return ip?.ToString() ?? "unknown";
    }

    public static string AccountOf(string normalisedEmail) => normalisedEmail.Length > 256 ? normalisedEmail[..256] : normalisedEmail;

    /// <summary>How long this address must wait before trying this account, or null when it may try now.</summary>
    public async Task<TimeSpan?> WaitAsync(AppDbContext db, string address, string account, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now - Window;
        var blocked = await db.Set<SignInThrottle>().AsNoTracking().Where(t => t.Address == address && t.Account == account)
            .Select(t => (DateTime?)t.BlockedUntilUtc).SingleOrDefaultAsync(ct);
        if (blocked > now) return blocked.Value - now;
        var recent = await db.Set<SignInThrottle>().AsNoTracking().Where(t => t.Address == address && t.LastFailureAtUtc > since)
            .Select(t => new { t.Failures, t.LastFailureAtUtc }).ToListAsync(ct);
        if (recent.Sum(r => r.Failures) >= AddressFailures) return recent.Max(r => r.LastFailureAtUtc) + Window - now;
        return null;
    }

    public async Task FailedAsync(AppDbContext db, string address, string account, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now - Window;
        var set = db.Set<SignInThrottle>();
        await set.Where(t => t.LastFailureAtUtc < now - TimeSpan.FromDays(1) && t.BlockedUntilUtc < now).ExecuteDeleteAsync(ct);
        var accountFailures = await set.Where(t => t.Account == account && t.LastFailureAtUtc > since).SumAsync(t => t.Failures, ct);
        var free = accountFailures >= AccountFailures ? 1 : FreeFailures;
        var pair = await set.SingleOrDefaultAsync(t => t.Address == address && t.Account == account, ct);
        if (pair is null) set.Add(pair = new SignInThrottle { Address = address, Account = account });
        if (pair.LastFailureAtUtc <= since) pair.Failures = 0;
        pair.Failures++;
        pair.LastFailureAtUtc = now;
        pair.BlockedUntilUtc = Delay(pair.Failures, free, MaxDelay) is { } delay ? now + delay : now;
        try { await db.SaveChangesAsync(ct); }
        // Two failures of the same pair at the same moment: one of them is counted, which is enough to slow the next.
        catch (DbUpdateException) { db.ChangeTracker.Clear(); }
    }

    public Task SucceededAsync(AppDbContext db, string address, string account, CancellationToken ct) =>
        db.Set<SignInThrottle>().Where(t => t.Address == address && t.Account == account).ExecuteDeleteAsync(ct);

    /// <summary>The wait after the <paramref name="failures"/>-th failure: none while free, then 1 s, 2 s, 4 s … at most <paramref name="max"/>.</summary>
    public static TimeSpan? Delay(int failures, int free, TimeSpan max) =>
        failures <= free ? null : TimeSpan.FromSeconds(Math.Min(max.TotalSeconds, Math.Pow(2, Math.Min(30, failures - free - 1))));
}
