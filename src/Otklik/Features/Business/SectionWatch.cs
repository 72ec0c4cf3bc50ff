using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Business;

/// <summary>The section clocks' writes: any update in a section by its owner starts the owner's clock again.</summary>
public static class SectionClocks
{
    /// <summary>Resets (or starts) the clock of <paramref name="section"/> for <paramref name="organisationId"/>; saved with the caller's change.</summary>
    public static async Task TouchAsync(AppDbContext db, PortalSection section, Guid organisationId, DateTime nowUtc, CancellationToken ct)
    {
        var clock = db.SectionClocks.Local.FirstOrDefault(c => c.Section == section && c.OrganisationId == organisationId)
            ?? await db.SectionClocks.SingleOrDefaultAsync(c => c.Section == section && c.OrganisationId == organisationId, ct);
        if (clock is null)
        {
            clock = new SectionClock { Id = Guid.CreateVersion7(), Section = section, OrganisationId = organisationId, PeriodDays = SectionClock.DefaultPeriod(section) };
            db.SectionClocks.Add(clock);
        }
        clock.Touch(nowUtc);
    }

    public sealed record BoardRow(Guid Id, PortalSection Section, Guid OrganisationId, string Organisation, int PeriodDays, DateTime LastUpdatedAtUtc,
        DateTime DueAtUtc, FreshnessLevel Level, bool IsStale);

    /// <summary>The freshness board: every clock within the person's scope, stale first.</summary>
    public static async Task<IReadOnlyList<BoardRow>> BoardAsync(AppDbContext db, IReadOnlySet<Guid> scope, DateTime nowUtc, CancellationToken ct)
    {
        var ids = scope.ToList();
        var rows = await db.SectionClocks.AsNoTracking().Where(c => ids.Contains(c.OrganisationId))
            .Join(db.Organisations, c => c.OrganisationId, o => o.Id, (c, o) => new { Clock = c, o.ShortName })
            .ToListAsync(ct);
        return [.. rows.Select(r => new BoardRow(r.Clock.Id, r.Clock.Section, r.Clock.OrganisationId, r.ShortName, r.Clock.PeriodDays, r.Clock.LastUpdatedAtUtc,
                r.Clock.DueAtUtc, r.Clock.Level, nowUtc >= r.Clock.DueAtUtc))
            .OrderByDescending(r => r.IsStale).ThenBy(r => r.Section).ThenBy(r => r.Organisation, StringComparer.Ordinal)];
    }
}

/// <summary>
/// The portal sections' watch (seed 000): a clock whose period has passed is marked stale and its owner organisation is
/// told at once (an office notice to its dispatchers and content editors); still stale <see cref="Grace"/> later, the
/// portal's administrator is told. Each row is claimed by its version token, so two nodes never tell twice.
/// </summary>
public sealed class SectionWatch(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SectionWatch> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(30), "Section watch")
{
    public static readonly TimeSpan Grace = TimeSpan.FromDays(3);

    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var told = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), nowUtc, ct);
        if (told > 0) Log.LogInformation("Section watch told about {Count} stale sections", told);
    }

    public static async Task<int> RunOnceAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var candidates = await db.SectionClocks.Where(c => c.Level != FreshnessLevel.AdministratorTold).OrderBy(c => c.LastUpdatedAtUtc).Take(500)
            .ToListAsync(ct);
        var told = 0;
        foreach (var c in candidates)
        {
            if (c.NextLevel(nowUtc, Grace) is not { } next) continue;
            var name = await db.Organisations.AsNoTracking().Where(o => o.Id == c.OrganisationId).Select(o => o.ShortName).SingleAsync(ct);
            var title = $"Раздел «{SectionClock.Name(c.Section)}» ({name}) не обновлялся с {c.LastUpdatedAtUtc:dd.MM.yyyy}: срок — раз в {c.PeriodDays} дн.";
            if (next == FreshnessLevel.OwnerTold)
            {
                c.StaleSinceUtc ??= c.DueAtUtc;
                db.Outbox.Add(OutboxMessage.Create(MessageTypes.SectionStale, new { section = c.Section, organisationId = c.OrganisationId, title }, null, nowUtc));
            }
            else
                db.Outbox.Add(OutboxMessage.Create(MessageTypes.SectionEscalated,
                    new { section = c.Section, organisationId = c.OrganisationId, title = "Владелец не обновил раздел: " + title }, null, nowUtc));
            c.Level = next;
            c.Version++;
            try
            {
                // One row per save: the version token is the claim, and a row another node took costs only itself.
                await db.SaveChangesAsync(ct);
                told++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another node claimed it (or the owner updated it just now): the next pass looks again at the rest.
                db.ChangeTracker.Clear();
                return told;
            }
        }
        return told + await ItemsAsync(db, nowUtc, ct);
    }

    /// <summary>
    /// The lasting items (an institution, an incubator, a business site) each have their own period too: one left
    /// unconfirmed past it is told to its owner, then to the administrator, naming the item and linking to it.
    /// </summary>
    static async Task<int> ItemsAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var lasting = PortalItem.Sections.Where(PortalItem.IsLasting).ToList();
        var candidates = await db.PortalItems.Where(i => i.IsPublished && lasting.Contains(i.Section) && i.StaleLevel != FreshnessLevel.AdministratorTold)
            .OrderBy(i => i.CheckedAtUtc).Take(500).ToListAsync(ct);
        var told = 0;
        foreach (var item in candidates)
        {
            if (item.NextLevel(nowUtc, Grace) is not { } next) continue;
            var name = await db.Organisations.AsNoTracking().Where(o => o.Id == item.OrganisationId).Select(o => o.ShortName).SingleAsync(ct);
            var title = $"«{item.Title}» ({SectionClock.Name(item.Section)}, {name}) не подтверждалась с {item.CheckedAtUtc:dd.MM.yyyy}: срок — раз в {item.PeriodDays} дн.";
            var link = $"/office/business/items/{item.Id}";
            var text = "Проверьте сведения и нажмите «Сведения актуальны» или исправьте запись.";
            db.Outbox.Add(next == FreshnessLevel.OwnerTold
                ? OutboxMessage.Create(MessageTypes.SectionStale, new { section = item.Section, organisationId = item.OrganisationId, title, text, link }, null, nowUtc)
                : OutboxMessage.Create(MessageTypes.SectionEscalated,
                    new { section = item.Section, organisationId = item.OrganisationId, title = "Владелец не подтвердил запись: " + title, text, link }, null, nowUtc));
            item.RecordTold(next);
            try
            {
                await db.SaveChangesAsync(ct);
                told++;
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return told;
            }
        }
        return told;
    }
}
