using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>
/// The root causes' watch, a sibling of the roadmap watch. (1) Links each new appeal on the topic and territory of a
/// public, unresolved record (received after it was published, merged ones left out) — its applicant is then told when
/// the problem is resolved. (2) Watches the measures' due days like roadmap steps: the day before its due day a measure
/// not done is at risk, after it overdue; each level is told once to the owner organisation's heads and dispatchers
/// (<c>rootcause.measure_at_risk</c>, <c>rootcause.measure_overdue</c>), who find the measure in their queue
/// (<c>/office/analytics/measures</c>). Days are the region root's calendar days. Several nodes: one pass at a time
/// (an advisory lock on PostgreSQL; SQLite has one writer), and every link and level is re-checked inside it.
/// </summary>
public sealed class RootCauseWatch(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RootCauseWatch> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(1), "Root cause watch")
{
    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var (linked, notices) = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), nowUtc, ct);
        if (linked + notices > 0) Log.LogInformation("Root cause watch: {Linked} appeals linked, {Notices} measure notices", linked, notices);
    }

    public static async Task<(int Linked, int Notices)> RunOnceAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres) await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(2000301)", ct);

        var linked = 0;
        var cards = await db.RootCauses.Where(c => c.IsPublic && c.Status != RootCauseStatus.Resolved && c.TopicId != null && c.TerritoryId != null).ToListAsync(ct);
        foreach (var card in cards)
        {
            var since = card.PublishedAtUtc ?? card.CreatedAtUtc;
            var ids = await db.Appeals.Where(a => a.TopicId == card.TopicId && a.TerritoryId == card.TerritoryId && a.ReceivedAtUtc >= since
                    && a.Status != AppealStatus.Merged && !db.Set<RootCauseAppeal>().Any(x => x.RootCauseId == card.Id && x.AppealId == a.Id))
                .OrderBy(a => a.ReceivedAtUtc).Select(a => a.Id).Take(1000).ToListAsync(ct);
            foreach (var id in ids)
            {
                db.Set<RootCauseAppeal>().Add(new RootCauseAppeal { RootCauseId = card.Id, AppealId = id, Automatic = true, LinkedAtUtc = nowUtc });
                linked++;
            }
        }

        var rootZone = await db.Organisations.AsNoTracking().Where(o => o.ParentId == null).OrderBy(o => o.Name).Select(o => o.TimeZone).FirstOrDefaultAsync(ct);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(nowUtc, TimeZones.Find(rootZone ?? "Europe/Moscow")));
        var tomorrow = today.AddDays(1);
        var due = await db.RootCauseMeasures.Where(m => m.DoneAtUtc == null && m.DueOn <= tomorrow && m.NotifiedLevel != WatchLevel.Overdue).ToListAsync(ct);
        var causeIds = due.Select(m => m.RootCauseId).Distinct().ToList();
        var titles = await db.RootCauses.AsNoTracking().Where(c => causeIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Title, ct);
        var notices = 0;
        foreach (var m in due)
        {
            var level = m.DueOn < today ? WatchLevel.Overdue : WatchLevel.AtRisk;
            if (level <= m.NotifiedLevel) continue;
            m.NotifiedLevel = level;
            db.Outbox.Add(OutboxMessage.Create(level == WatchLevel.Overdue ? MessageTypes.RootCauseMeasureOverdue : MessageTypes.RootCauseMeasureAtRisk, new
            {
                organisationId = m.OwnerOrganisationId.ToString(), rootCause = titles.GetValueOrDefault(m.RootCauseId, ""), measure = m.Text,
                dueOn = m.DueOn.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), path = $"/office/analytics/causes/{m.RootCauseId}",
                rootCauseId = m.RootCauseId.ToString(), measureId = m.Id.ToString(),
            }, null, nowUtc));
            notices++;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (linked, notices);
    }
}
