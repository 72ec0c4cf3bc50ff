using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Features.Business.Portal;

/// <summary>A support measure's page: who may get it, what and how, the knowledge base's answers on its topic, and a button to ask its organisation.</summary>
public sealed class MeasureModel(AppDbContext db) : PageModel
{
    [FromRoute] public Guid Id { get; set; }

    public SupportMeasure Measure { get; private set; } = null!;
    public Organisation Organisation { get; private set; } = null!;
    public string? Territory { get; private set; }
    public IReadOnlyList<(Guid Id, string Title)> Answers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await db.SupportMeasures.AsNoTracking().SingleOrDefaultAsync(m => m.Id == Id && m.IsPublished, ct) is not { } m) return NotFound();
        Measure = m;
        Organisation = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == m.OrganisationId, ct);
        Territory = m.TerritoryId is { } t ? await db.Territories.AsNoTracking().Where(x => x.Id == t).Select(x => x.Name).SingleOrDefaultAsync(ct) : null;
        if (m.TopicId is { } topic)
            Answers = [.. (await db.Articles.AsNoTracking().Where(a => a.IsPublished && a.TopicId == topic).OrderBy(a => a.Title)
                .Select(a => new { a.Id, a.Title }).Take(20).ToListAsync(ct)).Select(a => (a.Id, a.Title))];
        return Page();
    }
}
