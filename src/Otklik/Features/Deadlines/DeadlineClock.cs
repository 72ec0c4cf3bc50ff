using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;

namespace Otklik.Features.Deadlines;

/// <summary>
/// Everything needed to count an appeal's deadlines in one organisation: its time zone and working hours, the
/// production calendar and the policy rules. Pure: the entity asks it, tests build it by hand.
/// </summary>
public sealed class DeadlineClock(WorkingCalendar calendar, IReadOnlyList<DeadlineRule> rules, TimeZoneInfo zone, WorkingHours hours)
{
    public WorkingCalendar Calendar => calendar;
    public TimeZoneInfo Zone => zone;
    public WorkingHours Hours => hours;

    /// <summary>The policy of a stage for this appeal, or null when no rule covers it (the stage has no clock).</summary>
    public DeadlinePolicy? PolicyFor(DeadlineStage stage, LegalRegime regime, AppealKind kind, Guid? topicId, bool highImportance) =>
        rules.Where(r => r.Matches(stage, regime, kind, topicId, highImportance))
             .OrderByDescending(r => r.Specificity)
             .Select(r => DeadlinePolicy.Parse(r.Policy))
             .FirstOrDefault();

    public Due Compute(DeadlinePolicy policy, DateTime startUtc) =>
        policy.Compute(new DateTimeOffset(DateTime.SpecifyKind(startUtc, DateTimeKind.Utc)), zone, hours, calendar);

    /// <summary>Adds calendar days to a computed deadline (an extension): the due date moves, the control date follows it.</summary>
    public Due Extend(Due due, int days)
    {
        if (days == 0) return due;
        if (due.DueDate is { } date)
        {
            var moved = date.AddDays(days);
            return Due.OnDate(moved, calendar.IsWorkingDay(moved) ? moved : calendar.PreviousWorkingDay(moved), zone);
        }
        return Due.At(TimeZoneInfo.ConvertTimeFromUtc(due.EndUtc.AddDays(days), zone), zone);
    }

    /// <summary>
    /// When an appeal becomes at risk: one working day before a date deadline (the start of the working day before the
    /// control date), or when three quarters of an hour-based deadline have passed.
    /// </summary>
    public DateTime AtRiskFrom(Due due, DateTime startUtc)
    {
        if (due.ControlDate is { } control)
        {
            var day = calendar.PreviousWorkingDay(control);
            var local = day.ToDateTime(hours.Start);
            var atRisk = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
            return atRisk < startUtc ? startUtc : atRisk;
        }
        return startUtc + (due.EndUtc - startUtc) * 0.75;
    }

    /// <summary>The organisation's working time between two instants (working days, hours, breaks and shortened days).</summary>
    public TimeSpan WorkingTimeBetween(DateTime fromUtc, DateTime toUtc)
    {
        if (toUtc <= fromUtc) return TimeSpan.Zero;
        var from = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(fromUtc, DateTimeKind.Utc), zone);
        var to = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(toUtc, DateTimeKind.Utc), zone);
        var total = TimeSpan.Zero;
        for (var day = DateOnly.FromDateTime(from); day <= DateOnly.FromDateTime(to); day = day.AddDays(1))
        {
            if (!calendar.IsWorkingDay(day)) continue;
            foreach (var (a, b) in hours.Intervals(calendar.IsShortened(day)))
            {
                var start = day.ToDateTime(a) < from ? from : day.ToDateTime(a);
                var end = day.ToDateTime(b) > to ? to : day.ToDateTime(b);
                if (end > start) total += end - start;
            }
        }
        return total;
    }

    /// <summary>The moment <paramref name="workingDays"/> working days after <paramref name="utc"/> (same local time of day).</summary>
    public DateTime AfterWorkingDays(DateTime utc, int workingDays)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        var day = calendar.AddWorkingDays(DateOnly.FromDateTime(local), workingDays);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day.ToDateTime(TimeOnly.FromDateTime(local)), DateTimeKind.Unspecified), zone);
    }
}

/// <summary>The calendar and the rules, cached: every transition needs them and they change rarely.</summary>
public sealed class DeadlineClocks
{
    readonly IServiceScopeFactory scopes;
    readonly TimeProvider clock;
    readonly Infrastructure.ClusterSignals signals;
    readonly ILogger<DeadlineClocks>? log;
    long _generation;

    public DeadlineClocks(IServiceScopeFactory scopes, TimeProvider clock, Infrastructure.ClusterSignals signals, ILogger<DeadlineClocks>? log = null)
    {
        (this.scopes, this.clock, this.signals, this.log) = (scopes, clock, signals, log);
        signals.Subscribe(Infrastructure.ClusterSignals.Deadlines, _ => { Interlocked.Increment(ref _generation); _cached = null; });
    }

    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    readonly SemaphoreSlim _gate = new(1, 1);
    (WorkingCalendar Calendar, IReadOnlyList<DeadlineRule> Rules)? _cached;
    DateTime _loadedAtUtc;

    public async Task<(WorkingCalendar Calendar, IReadOnlyList<DeadlineRule> Rules)> LoadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_cached is { } c && now - _loadedAtUtc < Ttl) return c;
        await _gate.WaitAsync(ct);
        try
        {
            if (_cached is { } again && now - _loadedAtUtc < Ttl) return again;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var generation = Interlocked.Read(ref _generation);
            var years = await db.CalendarYears.AsNoTracking().ToListAsync(ct);
            var days = await db.CalendarDays.AsNoTracking().ToListAsync(ct);
            var rules = await db.DeadlineRules.AsNoTracking().ToListAsync(ct);
            var loaded = (new WorkingCalendar(years.Select(y => new CalendarYearInfo(y.Year, y.IsProvisional, y.Source)),
                days.Select(d => new CalendarEntry(d.Date, d.Kind, d.Note, d.IsRegional))), (IReadOnlyList<DeadlineRule>)rules);
            // A change signalled during the read: keep nothing, the next call reads again.
            if (Interlocked.Read(ref _generation) == generation) (_cached, _loadedAtUtc) = (loaded, now);
            return loaded;
        }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// Called after the calendar or the rules change (committed): every node reads them again (ADR 0031). With several
    /// nodes (PostgreSQL) an appeal another node took in under the old rules — its intake read them before the signal came
    /// and committed after this node's recount — is counted again by the passes <see cref="FollowUps"/> later (ADR 0046).
    /// </summary>
    public void Invalidate()
    {
        signals.Publish(Infrastructure.ClusterSignals.Deadlines);
        if (signals.IsShared) _ = FollowUpAsync();
    }

    /// <summary>
    /// When the node that changed the rules counts every open appeal again: once in-flight intakes elsewhere have
    /// committed (the signal reaches a node in milliseconds, an intake takes well under 2 s), and once more after
    /// <see cref="Ttl"/>, by which a node that lost the signal has dropped its old rules too.
    /// </summary>
    public static readonly TimeSpan[] FollowUps = [TimeSpan.FromSeconds(2), Ttl + TimeSpan.FromSeconds(2)];

    int _followUps;

    async Task FollowUpAsync()
    {
        // Several changes in a row (a calendar import, a page of rules) share one series of passes.
        if (Interlocked.Exchange(ref _followUps, 1) == 1) return;
        var waited = TimeSpan.Zero;
        try
        {
            foreach (var at in FollowUps)
            {
                await Task.Delay(at - waited);
                waited = at;
                if (at == FollowUps[0]) Interlocked.Exchange(ref _followUps, 0);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var changed = await CalendarApi.RecomputeOpenAppealsAsync(db, this, clock.GetUtcNow().UtcDateTime, CancellationToken.None, changedOnly: true);
                if (changed > 0) log?.LogInformation("Deadline rules changed: {Count} appeals taken in under the old rules were counted again", changed);
            }
        }
        catch (Exception e)
        {
            // The application stopping, or the database away: the rule change's own recount stands.
            log?.LogInformation("Deadline recount after a rule change did not finish ({Error})", e.Message);
        }
        finally { Interlocked.Exchange(ref _followUps, 0); }
    }

    public async Task<DeadlineClock> ForAsync(AppDbContext db, Guid? organisationId, CancellationToken ct)
    {
        var (calendar, rules) = await LoadAsync(ct);
        var org = organisationId is null ? null : await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == organisationId, ct);
        return For(calendar, rules, org);
    }

    public static DeadlineClock For(WorkingCalendar calendar, IReadOnlyList<DeadlineRule> rules, Organisation? org) =>
        new(calendar, rules, TimeZones.Find(org?.TimeZone ?? "Europe/Moscow"),
            org is null ? WorkingHours.Default : new WorkingHours(org.WorkdayStart, org.WorkdayEnd, org.BreakStart, org.BreakEnd));
}
