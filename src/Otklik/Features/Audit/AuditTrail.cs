using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Audit;

/// <summary>
/// Writes the audit trail without making a read wait for it (ADR 0016): a request puts its line into a bounded in-memory
/// queue and goes on; every second (Otklik:Audit:FlushSeconds; and when the node stops) the queue is written in one transaction,
/// one batched INSERT. A line is never dropped quietly: when the database cannot take a batch, the batch waits for the
/// next tick; when the queue is full, the line is written to the log in full at Critical level and counted in
/// <see cref="Dropped"/>. What a crash of the process (kill -9) loses is at most one interval of lines.
/// </summary>
public sealed class AuditTrail : BackgroundService
{
    const int Batch = 1000;

    readonly IServiceScopeFactory _scopes;
    readonly TimeProvider _clock;
    readonly ILogger<AuditTrail> _log;
    readonly Channel<AuditRecord> _queue;
    readonly int _capacity;
    readonly TimeSpan _interval;
    readonly List<AuditRecord> _unsaved = [];
    readonly SemaphoreSlim _flushing = new(1, 1);
    long _dropped;

    public AuditTrail(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration config, ILogger<AuditTrail> log)
    {
        (_scopes, _clock, _log) = (scopes, clock, log);
        Enabled = config.GetValue("Otklik:Audit:Enabled", true);
        _capacity = Math.Max(1, config.GetValue("Otklik:Audit:QueueCapacity", 100_000));
        _interval = TimeSpan.FromSeconds(Math.Max(0.1, config.GetValue("Otklik:Audit:FlushSeconds", 1.0)));
        _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(_capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = false,
        });
        if (!Enabled)
            log.LogWarning("The personal-data audit is OFF (Otklik:Audit:Enabled=false): reads of appeals, exports, lookups and downloads are not recorded. Use it only to measure its cost.");
    }

    /// <summary>False only where Otklik:Audit:Enabled=false (a benchmark's comparison run).</summary>
    public bool Enabled { get; }

    /// <summary>Lines that could not be queued since the start (each was logged in full).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records one action of the signed-in person of <paramref name="http"/>; returns at once.</summary>
    public void Record(HttpContext http, CurrentUser user, AuditKind kind, Guid? appealId, string? detail = null, int? rows = null)
    {
        if (!Enabled) return;
        var line = AuditRecord.Of(_clock.GetUtcNow().UtcDateTime, user.Id, kind, appealId, detail, rows, http.Connection.RemoteIpAddress?.ToString());
        if (_queue.Writer.TryWrite(line)) return;
        Interlocked.Increment(ref _dropped);
        _log.LogCritical("Audit line dropped, the queue of {Capacity} is full (is the database reachable?): {At:O} actor {Actor} {Kind} appeal {Appeal} rows {Rows} from {Address}: {Detail}",
            _capacity, line.AtUtc, line.ActorId, line.Kind, line.AppealId, line.Rows, line.Address, line.Detail);
    }

    /// <summary>Writes every queued line; returns how many. Tests call it before reading the trail.</summary>
    public async Task<int> FlushAsync(CancellationToken ct = default)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            var written = 0;
            while (true)
            {
                while (_unsaved.Count < Batch && _queue.Reader.TryRead(out var line)) _unsaved.Add(line);
                if (_unsaved.Count == 0) return written;
                await using (var scope = _scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                    if (db is PostgresAppDbContext) await CopyAsync(db, _unsaved, ct);
                    else
                    {
                        db.AuditRecords.AddRange(_unsaved);
                        await db.SaveChangesAsync(ct);
                    }
                }
                written += _unsaved.Count;
                _unsaved.Clear();
            }
        }
        finally { _flushing.Release(); }
    }

    /// <summary>
    /// PostgreSQL takes the batch by binary COPY: one statement for the whole batch, without the change tracker and the
    /// parameters of a thousand-row INSERT — at a read rate of ~1,000/s the batch is written every second, on the same
    /// two cores that serve the reads (docs/performance.md, the cost of the audit).
    /// </summary>
    static async Task CopyAsync(AppDbContext db, List<AuditRecord> lines, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
            await using var import = await connection.BeginBinaryImportAsync(
                "COPY \"AuditRecords\" (\"AtUtc\", \"ActorId\", \"Kind\", \"AppealId\", \"Detail\", \"Rows\", \"Address\") FROM STDIN (FORMAT BINARY)", ct);
            foreach (var l in lines)
            {
                await import.StartRowAsync(ct);
                await import.WriteAsync(DateTime.SpecifyKind(l.AtUtc, DateTimeKind.Utc), NpgsqlTypes.NpgsqlDbType.TimestampTz, ct);
                await WriteOrNullAsync(import, l.ActorId, NpgsqlTypes.NpgsqlDbType.Uuid, ct);
                await import.WriteAsync(l.Kind.ToString(), NpgsqlTypes.NpgsqlDbType.Varchar, ct);
                await WriteOrNullAsync(import, l.AppealId, NpgsqlTypes.NpgsqlDbType.Uuid, ct);
                await WriteOrNullAsync(import, l.Detail, NpgsqlTypes.NpgsqlDbType.Varchar, ct);
                await WriteOrNullAsync(import, l.Rows, NpgsqlTypes.NpgsqlDbType.Integer, ct);
                await WriteOrNullAsync(import, l.Address, NpgsqlTypes.NpgsqlDbType.Varchar, ct);
            }
            await import.CompleteAsync(ct);
        }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    static Task WriteOrNullAsync<T>(Npgsql.NpgsqlBinaryImporter import, T? value, NpgsqlTypes.NpgsqlDbType type, CancellationToken ct) =>
        value is null ? import.WriteNullAsync(ct) : import.WriteAsync(value, type, ct);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
                await FlushQuietlyAsync(stop);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>The lines still queued are written before the node stops.</summary>
    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        await FlushQuietlyAsync(CancellationToken.None);
        if (_unsaved.Count + _queue.Reader.Count > 0)
            _log.LogCritical("{Count} audit lines were not written before the node stopped", _unsaved.Count + _queue.Reader.Count);
    }

    async Task FlushQuietlyAsync(CancellationToken ct)
    {
        try { await FlushAsync(ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The batch stays in memory and is tried again at the next tick; the queue behind it stays bounded. A database
            // outage is logged once for the node (DatabaseOutage), not every second here.
            if (!Infrastructure.DatabaseOutage.IsUnavailable(e)) _log.LogError(e, "{Count} audit lines were not written; trying again in {Interval}", _unsaved.Count + _queue.Reader.Count, _interval);
        }
    }
}

public static class AuditRegistration
{
    /// <summary>The trail's writer runs on every node (reads happen everywhere); the retention sweep with the workers.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration config)
    {
        AuditSweep.RetentionDays(config); // a wrong setting stops the start, not the first sweep an hour later
        services.AddSingleton<AuditTrail>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditTrail>());
        if (config.GetValue("Otklik:Workers", true)) services.AddHostedService<AuditSweep>();
        return services;
    }
}
