using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Audit;

/// <summary>
/// Keeps the trail for <c>Otklik:Audit:RetentionDays</c> (default 365): the one deletion the trail allows, of lines older
/// than that, and nothing else. On PostgreSQL the database checks it too: the append-only trigger lets a DELETE through
/// only for lines older than the cutoff this sweep declares in its own transaction (migration AuditAppendOnlySql).
/// </summary>
public sealed class AuditSweep(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration config, ILogger<AuditSweep> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromHours(1), "Audit retention sweep")
{
    public const int DefaultRetentionDays = 365;

    public static int RetentionDays(IConfiguration config)
    {
        var days = config.GetValue("Otklik:Audit:RetentionDays", DefaultRetentionDays);
        return days >= 1 ? days : throw new InvalidOperationException($"Otklik:Audit:RetentionDays must be a whole number of days, 1 or more; it is {days}.");
    }

    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var deleted = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), nowUtc, RetentionDays(config), ct);
        if (deleted > 0) Log.LogInformation("Audit retention sweep deleted {Count} lines older than {Days} days", deleted, RetentionDays(config));
    }

    /// <summary>Deletes the lines older than <paramref name="retentionDays"/> before <paramref name="nowUtc"/>; returns how many.</summary>
    public static async Task<int> RunOnceAsync(AppDbContext db, DateTime nowUtc, int retentionDays, CancellationToken ct)
    {
        var cutoff = nowUtc.AddDays(-retentionDays);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres)
        {
            var declared = cutoff.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            await db.Database.ExecuteSqlAsync($"SELECT set_config('otklik.audit_cutoff', {declared}, true)", ct);
        }
        var deleted = await db.AuditRecords.Where(r => r.AtUtc < cutoff).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return deleted;
    }
}
