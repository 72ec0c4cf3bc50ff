using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>
/// Tells the centre's analysts when a spike starts: runs the detector over the whole region (the "region" audience, in
/// the region root's time zone) and, for each series with a spike not yet announced, dismissed or confirmed, writes one
/// <c>analytics.spike_started</c> message and records a <see cref="SpikeDecision"/> marked <see cref="SpikeMark.Announced"/>
/// for every window of that series in the same save — so a spike is announced once while its window lasts. The
/// decision never touches the detector's counts (a dismissal or an announcement teaches it nothing).
/// </summary>
public sealed class SpikeWatch(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SpikeWatch> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(15), "Spike watch")
{
    public const string Audience = "region";

    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var announced = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), nowUtc, ct);
        if (announced > 0) Log.LogInformation("Spike watch: {Count} spikes announced", announced);
    }

    /// <summary>One pass; returns the number of spikes announced.</summary>
    public static async Task<int> RunOnceAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Two nodes sweeping at once: the second waits here and then sees the first one's decisions (SQLite has one writer).
        if (db.IsPostgres) await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(2000300)", ct);
        var names = await ListDirectory.LoadAsync(db, ct);
        var rootZone = await db.Organisations.AsNoTracking().Where(o => o.ParentId == null).OrderBy(o => o.Name).Select(o => o.TimeZone).FirstOrDefaultAsync(ct);
        var zone = TimeZones.Find(rootZone ?? "Europe/Moscow");
        var offset = zone.GetUtcOffset(nowUtc);
        var day = DateOnly.FromDateTime(nowUtc + offset);
        var found = await Spikes.FindAsync(db.Appeals, names, day, offset, ct);
        var since = day.AddDays(-7);
        var decided = await db.SpikeDecisions.AsNoTracking().Where(d => d.Audience == Audience && d.LastDay > since).ToListAsync(ct);

        var count = 0;
        foreach (var series in found.Where(s => !decided.Any(d => d.Covers(s.Series, s.Window, s.To))).GroupBy(s => s.Series))
        {
            // One notice per series: its most improbable window (found is ordered so); every window found is marked announced.
            var first = series.First();
            foreach (var s in series)
                db.SpikeDecisions.Add(new SpikeDecision
                {
                    Id = Guid.CreateVersion7(), Audience = Audience, Series = s.Series, Window = s.Window, LastDay = s.To, Mark = SpikeMark.Announced, AtUtc = nowUtc,
                });
            db.Outbox.Add(OutboxMessage.Create(MessageTypes.SpikeStarted, new
            {
                series = first.Series, name = first.Name, window = first.Window == SpikeWindow.Day ? "день" : "неделя",
                count = first.Count.ToString(CultureInfo.InvariantCulture), baseline = first.Baseline.ToString("0.#", CultureInfo.GetCultureInfo("ru-RU")),
                path = "/office/analytics/spikes",
            }, null, nowUtc));
            count++;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return count;
    }
}
