using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Roadmaps;

/// <summary>
/// The roadmap watch, a sibling of <see cref="DeadlineWatch"/>: finds the complaints with a roadmap step whose watch moment
/// has come (an indexed column of the steps), moves each step a level (at risk, overdue, then the owner's dispatcher,
/// controller and the centre) and writes the notices to the outbox in the same transaction. It claims the complaint's
/// row, as every change of an appeal does, so it never races a change or the other watch; several nodes may sweep at
/// once: PostgreSQL skips rows another node holds, SQLite has one writer, and each claim is re-checked, so a notice goes out once.
/// </summary>
public sealed class RoadmapWatch(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RoadmapWatch> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(1), "Roadmap watch")
{
    public const int BatchSize = 100;

    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var result = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), services.GetRequiredService<DeadlineClocks>(), nowUtc, ct);
        if (result.Notices > 0) Log.LogInformation("Roadmap watch: {Complaints} complaints, {Notices} notices", result.Complaints, result.Notices);
    }

    public sealed record Result(int Complaints, int Notices);

    public static async Task<Result> RunOnceAsync(AppDbContext db, DeadlineClocks clocks, DateTime nowUtc, CancellationToken ct)
    {
        var (clockOf, isConnected) = await RoadmapClocks.LoadAsync(db, clocks, ct);
        int complaints = 0, notices = 0;
        var failed = new List<Guid>();
        while (true)
        {
            var (moved, sent, claimed) = await WatchBatchAsync(db, clockOf, isConnected, failed, nowUtc, ct);
            complaints += moved;
            notices += sent;
            if (claimed == 0) break;
        }
        return new Result(complaints, notices);
    }

    static async Task<(int Moved, int Notices, int Claimed)> WatchBatchAsync(AppDbContext db, Func<Guid, DeadlineClock> clockOf, Func<Guid, bool> isConnected,
        List<Guid> failed, DateTime nowUtc, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        List<Guid> ids;
        if (db.IsPostgres)
        {
            var skip = failed.ToArray();
            ids = await db.Database.SqlQuery<Guid>($"""
                SELECT a."Id" AS "Value" FROM "Appeals" a
                WHERE a."Id" IN (SELECT s."AppealId" FROM "RoadmapSteps" s WHERE s."NextWatchAtUtc" <= {nowUtc})
                  AND NOT (a."Id" = ANY({skip}))
                LIMIT {BatchSize} FOR UPDATE OF a SKIP LOCKED
                """).ToListAsync(ct);
        }
        else
            ids = await db.RoadmapSteps.Where(s => s.NextWatchAtUtc != null && s.NextWatchAtUtc <= nowUtc && !failed.Contains(s.AppealId))
                .Select(s => s.AppealId).Distinct().Take(BatchSize).ToListAsync(ct);
        if (ids.Count == 0) return (0, 0, 0);

        var batch = await db.Appeals.Where(a => ids.Contains(a.Id)).Include(a => a.Roadmap!).ThenInclude(r => r.Steps).AsSplitQuery().ToListAsync(ct);
        int moved = 0, sent = 0;
        foreach (var appeal in batch)
        {
            // Re-checked after the claim: another sweep may have moved it between our look and our lock.
            if (appeal.Roadmap is not { } roadmap || !roadmap.Steps.Any(s => s.NextWatchAtUtc is { } next && next <= nowUtc)) continue;
            IReadOnlyList<StepNotice> notices;
            try { notices = appeal.WatchRoadmap(clockOf, isConnected, nowUtc); }
            catch (CalendarMissingException)
            {
                failed.Add(appeal.Id);
                db.ChangeTracker.Clear();
                // The batch is given up and claimed again without the complaint whose year has no calendar.
                return (0, 0, ids.Count);
            }
            foreach (var n in notices)
                db.Outbox.Add(OutboxMessage.Create(n.Level switch
                    {
                        WatchLevel.AtRisk => MessageTypes.StepAtRisk,
                        WatchLevel.Overdue => MessageTypes.StepOverdue,
                        _ => MessageTypes.StepEscalated,
                    },
                    new { appealId = appeal.Id, appeal.Number, stepId = n.StepId, n.Level, n.Role, n.OrganisationId, n.PersonId, n.Title, dueAtUtc = n.DueAtUtc },
                    appeal.Id, nowUtc));
            moved++;
            sent += notices.Count;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (moved, sent, ids.Count);
    }
}

/// <summary>The deadline clock of every organisation (its zone, hours and the calendar), and whether it works in the platform.</summary>
public static class RoadmapClocks
{
    public static async Task<(Func<Guid, DeadlineClock> ClockOf, Func<Guid, bool> IsConnected)> LoadAsync(AppDbContext db, DeadlineClocks clocks, CancellationToken ct)
    {
        var (calendar, rules) = await clocks.LoadAsync(ct);
        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, ct);
        var byOrganisation = new Dictionary<Guid, DeadlineClock>();
        DeadlineClock ClockOf(Guid id) =>
            byOrganisation.TryGetValue(id, out var c) ? c : byOrganisation[id] = DeadlineClocks.For(calendar, rules, organisations.GetValueOrDefault(id));
        return (ClockOf, id => organisations.TryGetValue(id, out var o) && o.IsConnected);
    }
}
