using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Business.Portal;

/// <summary>The footer's «Отзыв о портале» and «Техническая поддержка»: to the desk's form at the organisation that keeps the desk.</summary>
public sealed class DeskModel(AppDbContext db) : PageModel
{
    [FromRoute] public string Kind { get; set; } = "";
    public PortalDeskKind? DeskKind { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        PortalDeskKind? kind = Kind switch { "feedback" => PortalDeskKind.Feedback, "support" => PortalDeskKind.Support, _ => null };
        if (kind is null) return NotFound();
        var desk = await db.PortalDesks.AsNoTracking().SingleOrDefaultAsync(d => d.Kind == kind, ct);
        if (desk is not null) return Redirect($"/contact/{desk.OrganisationId}?desk={kind}");
        // A footer link on every page must not end in «not found» while the administrator has not set the desk up yet.
        DeskKind = kind;
        return Page();
    }
}
