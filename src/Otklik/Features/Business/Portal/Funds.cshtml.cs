using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;

namespace Otklik.Features.Business.Portal;

/// <summary>
/// The support network's pages (issue 23.3): every municipal fund, and every organisation that keeps incubators,
/// institutions or business sites — what it does, address, hours, contacts, its news, events, business sites and
/// incubators, its measures, and its contact form (2 working days). Linked from the portal's header and the sites' map.
/// </summary>
public sealed class FundsModel(AppDbContext db, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid? Id { get; set; }

    public IReadOnlyList<Organisation> All { get; private set; } = [];
    public Organisation? One { get; private set; }
    public IReadOnlyList<PortalItem> News { get; private set; } = [];
    public IReadOnlyList<PortalItem> Events { get; private set; } = [];
    public IReadOnlyList<PortalItem> Places { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Title)> Measures { get; private set; } = [];
    public bool HasContactForm { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var keepers = db.PortalItems.Where(i => i.IsPublished && (i.Section == PortalSection.Incubators || i.Section == PortalSection.Sites || i.Section == PortalSection.Institutions))
            .Select(i => i.OrganisationId);
        var shown = db.Organisations.AsNoTracking().Where(o => o.IsConnected && (o.Kind == OrganisationKind.Fund || keepers.Contains(o.Id)));
        if (Id is null)
        {
            All = await shown.OrderBy(o => o.Name).ToListAsync(ct);
            return Page();
        }
        One = await shown.SingleOrDefaultAsync(o => o.Id == Id, ct);
        if (One is null) return NotFound();
        var id = One.Id;
        var now = clock.GetUtcNow().UtcDateTime;
        var items = await db.PortalItems.AsNoTracking().Where(i => i.OrganisationId == id && i.IsPublished).ToListAsync(ct);
        News = [.. items.Where(i => i.Section == PortalSection.News).OrderByDescending(i => i.PublishedAtUtc).Take(5)];
        Events = [.. items.Where(i => i.Section == PortalSection.Events && (i.EndsAtUtc ?? i.StartsAtUtc) >= now).OrderBy(i => i.StartsAtUtc).Take(10)];
        Places = [.. items.Where(i => i.Section is PortalSection.Sites or PortalSection.Incubators or PortalSection.Institutions).OrderBy(i => i.Section).ThenBy(i => i.Title, StringComparer.Ordinal)];
        Measures = [.. (await db.SupportMeasures.AsNoTracking().Where(m => m.OrganisationId == id && m.IsPublished).OrderBy(m => m.Title).Select(m => new { m.Id, m.Title })
            .ToListAsync(ct)).Select(m => (m.Id, m.Title))];
        // The contact form's own rule (/contact/{id}): a business topic routed to the organisation for the whole region.
        HasContactForm = await db.TopicRoutes.AsNoTracking().Where(r => r.OrganisationId == id && r.TerritoryId == null)
            .Join(db.Topics.Where(t => t.IsActive && t.DefaultRegime == LegalRegime.BusinessConsultation), r => r.TopicId, t => t.Id, (r, t) => t.Id).AnyAsync(ct);
        return Page();
    }

    public DateTime Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZones.Find(One?.TimeZone ?? "Europe/Moscow"));
}
