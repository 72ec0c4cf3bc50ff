using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;

namespace Otklik.Features.Portal.Organisations;

/// <summary>
/// «Куда обратиться»: the funds, ministries, departments and administrations that answer on the portal, each with its
/// own page (what it does, the reception's address, hours, contacts, the topics it answers and its contact form).
/// </summary>
public sealed class OrganisationsModel(AppDbContext db) : PageModel
{
    public static readonly OrganisationKind[] Shown = [OrganisationKind.Fund, OrganisationKind.Ministry, OrganisationKind.Department, OrganisationKind.Municipality];

    [FromRoute] public Guid? Id { get; set; }

    public IReadOnlyList<Organisation> All { get; private set; } = [];
    public Organisation? One { get; private set; }
    public string? Parent { get; private set; }
    public IReadOnlyList<string> Topics { get; private set; } = [];
    public bool HasContactForm { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Id is null)
        {
            All = await db.Organisations.AsNoTracking().Where(o => o.IsConnected && Shown.Contains(o.Kind)).OrderBy(o => o.Path).ToListAsync(ct);
            return Page();
        }
        One = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == Id && o.IsConnected && Shown.Contains(o.Kind), ct);
        if (One is null) return NotFound();
        Parent = One.ParentId is { } p ? await db.Organisations.AsNoTracking().Where(o => o.Id == p).Select(o => o.Name).SingleOrDefaultAsync(ct) : null;
        var id = One.Id;
        var topics = await db.TopicRoutes.AsNoTracking().Where(r => r.OrganisationId == id)
            .Join(db.Topics.Where(t => t.IsActive), r => r.TopicId, t => t.Id, (r, t) => new { t.Name, t.DefaultRegime, Default = r.TerritoryId == null })
            .ToListAsync(ct);
        Topics = [.. topics.Select(t => t.Name).Distinct().Order(StringComparer.Ordinal)];
        // The same rule as the contact form's page (/contact/{id}): an organisation answering business questions of its own.
        HasContactForm = topics.Any(t => t.Default && t.DefaultRegime == LegalRegime.BusinessConsultation);
        return Page();
    }

    public static string Kind(OrganisationKind kind) => kind switch
    {
        OrganisationKind.Fund => "Фонд",
        OrganisationKind.Ministry => "Министерство",
        OrganisationKind.Department => "Департамент",
        OrganisationKind.Municipality => "Администрация",
        _ => "",
    };

    /// <summary>«пн–пт 10:00–19:00, перерыв 14:00–15:00»: working days follow the production calendar.</summary>
    public static string Hours(Organisation o) =>
        $"пн–пт {o.WorkdayStart:HH\\:mm}–{o.WorkdayEnd:HH\\:mm}" + (o.BreakStart is { } b && o.BreakEnd is { } e ? $", перерыв {b:HH\\:mm}–{e:HH\\:mm}" : "");
}
