using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

/// <summary>
/// The list of <c>/office/appeals</c> as it stands (the same query string, every page) as CSV or XLSX. A wrong filter is
/// refused with a 400 problem before anything is sent. The API's export (<see cref="AppealsExport"/>) writes the same file.
/// </summary>
public sealed class ExportModel(AppDbContext db, CurrentUser user, TimeProvider clock, Audit.AuditTrail audit) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string format, CancellationToken ct)
    {
        if (format is not ("csv" or "xlsx")) return NotFound();
        await AppealsExport.StreamAsync(format, "office list", HttpContext, db, user, clock, audit, ct);
        return new EmptyResult();
    }
}
