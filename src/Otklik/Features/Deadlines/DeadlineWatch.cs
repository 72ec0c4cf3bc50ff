using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Deadlines;

/// <summary>
/// The deadline watch: finds appeals whose next watch moment has come (an indexed column, so the sweep costs what is
/// due, not what is open), moves each one level (at risk, overdue, then escalations) and writes the notices to the
/// outbox in the same transaction. Several nodes may sweep at once: each appeal is claimed with a row lock that
/// others skip (PostgreSQL) or under SQLite's single writer, and re-checked after the claim, so a notice goes out once.
/// </summary>
public sealed class DeadlineWatch(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DeadlineWatch> log) : BackgroundService
{
    public const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var services = scope.ServiceProvider;
                var result = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), services.GetRequiredService<DeadlineClocks>(),
                    clock.GetUtcNow().UtcDateTime, stop);
                if (result.Notices > 0) log.LogInformation("Deadline watch: {Appeals} appeals, {Notices} notices", result.Appeals, result.Notices);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Deadline watch failed; it will run again");
            }
        }
        while (await timer.WaitForNextTickAsync(stop));
    }

    public sealed record Result(int Appeals, int Notices);

    /// <summary>One pass over every appeal whose watch moment has come, in batches.</summary>
    public static async Task<Result> RunOnceAsync(AppDbContext db, DeadlineClocks clocks, DateTime nowUtc, CancellationToken ct)
    {
        var (calendar, rules) = await clocks.LoadAsync(ct);
        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, ct);
        var byOrganisation = new Dictionary<Guid, DeadlineClock>();
        DeadlineClock ClockOf(Guid id) =>
            byOrganisation.TryGetValue(id, out var c) ? c : byOrganisation[id] = DeadlineClocks.For(calendar, rules, organisations.GetValueOrDefault(id));

        int appeals = 0, notices = 0;
        var seen = new HashSet<Guid>();
        while (true)
        {
            var due = await db.Appeals.AsNoTracking().Where(a => a.NextWatchAtUtc != null && a.NextWatchAtUtc <= nowUtc)
                .OrderBy(a => a.NextWatchAtUtc).Select(a => a.Id).Take(BatchSize).ToListAsync(ct);
            due.RemoveAll(id => !seen.Add(id));
            if (due.Count == 0) break;
            foreach (var id in due)
            {
                var sent = await WatchOneAsync(db, id, ClockOf, nowUtc, ct);
                if (sent > 0) { appeals++; notices += sent; }
            }
        }
        return new Result(appeals, notices);
    }

    static async Task<int> WatchOneAsync(AppDbContext db, Guid id, Func<Guid, DeadlineClock> clockOf, DateTime nowUtc, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres)
        {
            var claimed = await db.Database.SqlQuery<int>(
                $"SELECT 1 AS \"Value\" FROM \"Appeals\" WHERE \"Id\" = {id} AND \"NextWatchAtUtc\" <= {nowUtc} FOR UPDATE SKIP LOCKED").ToListAsync(ct);
            if (claimed.Count == 0) return 0;
        }
        var appeal = await db.Appeals.SingleAsync(a => a.Id == id, ct);
        if (appeal.NextWatchAtUtc is not { } next || next > nowUtc) return 0;
        var notices = appeal.Watch(clockOf(appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId), nowUtc);
        foreach (var n in notices)
            db.Outbox.Add(OutboxMessage.Create(n.Level == WatchLevel.AtRisk ? "deadline.at_risk" : n.Level == WatchLevel.Overdue ? "deadline.overdue" : "deadline.escalated",
                new { appealId = appeal.Id, appeal.Number, n.Level, n.Role, n.OrganisationId, n.PersonId, n.Title, dueAtUtc = appeal.DueAtUtc }, appeal.Id, nowUtc));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return notices.Count;
    }
}
