using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Deadlines;

/// <summary>
/// The deadline watch: finds appeals whose next watch moment has come (an indexed column, so the sweep costs what is
/// due, not what is open), moves each one level (at risk, overdue, then escalations) and writes the notices to the
/// outbox in the same transaction. Several nodes may sweep at once: each appeal is claimed with a row lock that
/// others skip (PostgreSQL) or under SQLite's single writer, and re-checked after the claim, so a notice goes out once.
/// </summary>
public sealed class DeadlineWatch(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DeadlineWatch> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(1), "Deadline watch")
{
    public const int BatchSize = 200;

    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var result = await RunOnceAsync(db, services.GetRequiredService<DeadlineClocks>(), nowUtc, ct);
        if (result.Notices > 0) Log.LogInformation("Deadline watch: {Appeals} appeals, {Notices} notices", result.Appeals, result.Notices);
        var parts = await Routing.PartWatch.RunOnceAsync(db, nowUtc, ct);
        if (parts > 0) Log.LogInformation("Deadline watch: {Parts} overdue parts escalated", parts);
    }

    public sealed record Result(int Appeals, int Notices);

    /// <summary>One pass over every appeal whose watch moment has come, a batch per transaction.</summary>
    public static async Task<Result> RunOnceAsync(AppDbContext db, DeadlineClocks clocks, DateTime nowUtc, CancellationToken ct)
    {
        var (calendar, rules) = await clocks.LoadAsync(ct);
        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, ct);
        var byOrganisation = new Dictionary<Guid, DeadlineClock>();
        DeadlineClock ClockOf(Guid id) =>
            byOrganisation.TryGetValue(id, out var c) ? c : byOrganisation[id] = DeadlineClocks.For(calendar, rules, organisations.GetValueOrDefault(id));

        int appeals = 0, notices = 0;
        var failed = new List<Guid>();
        while (true)
        {
            var (moved, sent, claimed) = await WatchBatchAsync(db, ClockOf, failed, nowUtc, ct);
            appeals += moved;
            notices += sent;
            if (claimed == 0) break;
        }
        return new Result(appeals, notices);
    }

    /// <summary>
    /// Claims up to <see cref="BatchSize"/> due appeals in one transaction (PostgreSQL: FOR UPDATE SKIP LOCKED, so another
    /// node takes other rows; SQLite: the transaction holds the single write lock), re-checks each after the claim,
    /// moves it and writes its notices, and commits once.
    /// </summary>
    static async Task<(int Moved, int Notices, int Claimed)> WatchBatchAsync(AppDbContext db, Func<Guid, DeadlineClock> clockOf, List<Guid> failed,
        DateTime nowUtc, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        List<Guid> ids;
        if (db.IsPostgres)
        {
            var skip = failed.ToArray();
            ids = await db.Database.SqlQuery<Guid>($"""
                SELECT "Id" AS "Value" FROM "Appeals"
                WHERE "NextWatchAtUtc" <= {nowUtc} AND NOT ("Id" = ANY({skip}))
                ORDER BY "NextWatchAtUtc" LIMIT {BatchSize} FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
        }
        else
            ids = await db.Appeals.Where(a => a.NextWatchAtUtc != null && a.NextWatchAtUtc <= nowUtc && !failed.Contains(a.Id))
                .OrderBy(a => a.NextWatchAtUtc).Select(a => a.Id).Take(BatchSize).ToListAsync(ct);
        if (ids.Count == 0) return (0, 0, 0);

        var batch = await db.Appeals.Where(a => ids.Contains(a.Id)).ToListAsync(ct);
        int moved = 0, sent = 0;
        foreach (var appeal in batch)
        {
            if (appeal.NextWatchAtUtc is not { } next || next > nowUtc) continue;
            IReadOnlyList<WatchNotice> notices;
            try { notices = appeal.Watch(clockOf(appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId), nowUtc); }
            catch (CalendarMissingException)
            {
                // A deadline in a year with no calendar: left as it is until the year is loaded.
                failed.Add(appeal.Id);
                db.Entry(appeal).State = EntityState.Unchanged;
                continue;
            }
            foreach (var n in notices)
                db.Outbox.Add(OutboxMessage.Create(n.Level switch { WatchLevel.AtRisk => MessageTypes.DeadlineAtRisk, WatchLevel.Overdue => MessageTypes.DeadlineOverdue, _ => MessageTypes.DeadlineEscalated },
                    new { appealId = appeal.Id, appeal.Number, n.Level, n.Role, n.OrganisationId, n.PersonId, n.Title, dueAtUtc = appeal.DueAtUtc }, appeal.Id, nowUtc));
            moved++;
            sent += notices.Count;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (moved, sent, ids.Count);
    }
}
