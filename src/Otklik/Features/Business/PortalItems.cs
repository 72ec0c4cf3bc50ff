using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Business;

/// <summary>The portal sections' items: posting (which starts the owner's section clock), confirming, and the public reads.</summary>
public static class PortalItems
{
    /// <summary>Stores a new item and starts its owner's clock of the section, in one save.</summary>
    public static async Task<PortalItem> PostAsync(AppDbContext db, PortalItem.Content content, DateTime nowUtc, CancellationToken ct)
    {
        var item = PortalItem.Create(content, nowUtc);
        db.PortalItems.Add(item);
        await SectionClocks.TouchAsync(db, content.Section, content.OrganisationId, nowUtc, ct);
        await db.SaveChangesAsync(ct);
        return item;
    }

    public static async Task<IReadOnlyList<PortalItem>> PublishedAsync(AppDbContext db, PortalSection? section, Guid? organisationId, int take, CancellationToken ct)
    {
        var q = db.PortalItems.AsNoTracking().Where(i => i.IsPublished);
        if (section is { } s) q = q.Where(i => i.Section == s);
        if (organisationId is { } o) q = q.Where(i => i.OrganisationId == o);
        return await q.OrderByDescending(i => i.PublishedAtUtc).Take(take).ToListAsync(ct);
    }

    public static async Task<Dictionary<Guid, string>> NamesAsync(AppDbContext db, IEnumerable<PortalItem> items, CancellationToken ct)
    {
        var ids = items.Select(i => i.OrganisationId).Distinct().ToList();
        return await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
    }

    /// <summary>The events of a month (local to <paramref name="zone"/>) and those that go on into it, by their start.</summary>
    public static async Task<IReadOnlyList<PortalItem>> EventsAsync(AppDbContext db, DateOnly month, TimeZoneInfo zone, CancellationToken ct)
    {
        var from = TimeZoneInfo.ConvertTimeToUtc(month.ToDateTime(TimeOnly.MinValue), zone);
        var to = TimeZoneInfo.ConvertTimeToUtc(month.AddMonths(1).ToDateTime(TimeOnly.MinValue), zone);
        return await db.PortalItems.AsNoTracking()
            .Where(i => i.IsPublished && i.Section == PortalSection.Events && i.StartsAtUtc < to && (i.EndsAtUtc ?? i.StartsAtUtc) >= from)
            .OrderBy(i => i.StartsAtUtc).ToListAsync(ct);
    }
}
