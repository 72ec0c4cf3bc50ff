using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Attachments;

/// <summary>
/// Limits on files uploaded before an appeal exists (anyone may upload: an appeal can be sent without an account).
/// A rate (files per minute) and a daily quota (files and megabytes) apply per client address and, for a signed-in
/// person, per account as well; files never bound to an appeal are swept after <see cref="UnboundAfter"/>.
/// </summary>
public sealed class UploadLimits
{
    public int PerMinute { get; }
    public int FilesPerDay { get; }
    public long BytesPerDay { get; }
    public TimeSpan UnboundAfter { get; }

    readonly PartitionedRateLimiter<string> _rate;

    public UploadLimits(IConfiguration config)
    {
        PerMinute = Math.Max(1, config.GetValue("Otklik:Uploads:PerMinute", 10));
        FilesPerDay = Math.Max(1, config.GetValue("Otklik:Uploads:FilesPerDay", 60));
        BytesPerDay = Math.Max(1, config.GetValue("Otklik:Uploads:MegabytesPerDay", 200)) * 1024L * 1024L;
        UnboundAfter = TimeSpan.FromHours(Math.Max(1, config.GetValue("Otklik:Uploads:UnboundHours", 24)));
        _rate = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = PerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));
    }

    /// <summary>
    /// Refuses an upload over the rate or over the day's quota of the address or of the account with a 429 (and
    /// Retry-After); null lets it through. Nothing is stored before this passes. The quota counts what was uploaded in
    /// the last 24 hours, bound or not.
    /// </summary>
    public async Task<IResult?> RefusalAsync(AppDbContext db, HttpContext http, Guid? personId, long size, DateTime nowUtc, CancellationToken ct)
    {
        var address = AddressOf(http);
        foreach (var key in personId is { } id ? new[] { "ip:" + address, "user:" + id } : ["ip:" + address])
        {
            using var lease = _rate.AttemptAcquire(key);
            if (!lease.IsAcquired)
                return Refused(http, 60, $"Слишком много файлов подряд: не больше {PerMinute} в минуту. Повторите через минуту.");
        }
        var since = nowUtc.AddDays(-1);
        var recent = db.Attachments.AsNoTracking().Where(a => a.UploadedAtUtc > since
            && (a.UploadedFrom == address || (personId != null && a.UploadedById == personId)));
        var used = await recent.GroupBy(_ => 1).Select(g => new { Files = g.Count(), Bytes = g.Sum(a => a.Size) }).SingleOrDefaultAsync(ct);
        if (used is not null && (used.Files + 1 > FilesPerDay || used.Bytes + size > BytesPerDay))
            return Refused(http, 3600, $"Исчерпан суточный лимит загрузки файлов ({FilesPerDay} файлов, {BytesPerDay / 1024 / 1024} МБ). Повторите позже.");
        return null;
    }

    /// <summary>The client's address as the server sees it (after forwarded headers from trusted proxies, when configured).</summary>
    public static string AddressOf(HttpContext http) => (http.Connection.RemoteIpAddress ?? IPAddress.None).ToString();

    static IResult Refused(HttpContext http, int retryAfterSeconds, string message)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(title: "Слишком много запросов", detail: message, statusCode: StatusCodes.Status429TooManyRequests,
            extensions: new Dictionary<string, object?> { ["code"] = "attachment.rate_limited", ["errors"] = new Dictionary<string, string[]> { ["file"] = [message] } });
    }
}

/// <summary>
/// Deletes files uploaded for an appeal that were never bound to one (the person gave up, or a script filled the disk)
/// once they are older than <see cref="UploadLimits.UnboundAfter"/>: the row, then the file. A submission that binds
/// the file at the same moment wins: the row is deleted only while it is still unbound.
/// </summary>
public sealed class UnboundUploadSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<UnboundUploadSweep> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(30), "Unbound upload sweep")
{
    public const int BatchSize = 200;

    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var removed = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), services.GetRequiredService<IFileStore>(),
            services.GetRequiredService<UploadLimits>().UnboundAfter, nowUtc, ct);
        if (removed > 0) Log.LogInformation("Unbound upload sweep removed {Count} files", removed);
    }

    public static async Task<int> RunOnceAsync(AppDbContext db, IFileStore files, TimeSpan unboundAfter, DateTime nowUtc, CancellationToken ct)
    {
        var cutoff = nowUtc - unboundAfter;
        var removed = 0;
        while (true)
        {
            var batch = await db.Attachments.AsNoTracking()
                .Where(a => a.AppealId == null && a.Purpose == AttachmentPurpose.Appeal && a.UploadedAtUtc < cutoff)
                .OrderBy(a => a.UploadedAtUtc).Select(a => new { a.Id, a.StorageKey }).Take(BatchSize).ToListAsync(ct);
            foreach (var a in batch)
            {
                if (await db.Attachments.Where(x => x.Id == a.Id && x.AppealId == null).ExecuteDeleteAsync(ct) == 0) continue;
                await files.DeleteAsync(a.StorageKey, ct);
                removed++;
            }
            if (batch.Count < BatchSize) return removed;
        }
    }
}

public static class Uploads
{
    public static IServiceCollection AddUploads(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<UploadLimits>();
        if (config.GetValue("Otklik:Workers", true)) services.AddHostedService<UnboundUploadSweep>();
        return services;
    }
}
