using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

public sealed class IndexModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public string Name { get; private set; } = "";
    public IReadOnlyList<string> Roles { get; private set; } = [];
    public Dictionary<Queue, int> Counts { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Name = User.Identity?.Name ?? "";
        var orgs = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        Roles = [.. (await user.RolesAsync(ct)).Select(r => r.OrganisationId is { } o ? $"{RoleNames.Of(r.Role)} ({orgs.GetValueOrDefault(o)})" : RoleNames.Of(r.Role))];
        Counts = await Queues.CountsAsync(db, user, clock.GetUtcNow().UtcDateTime, ct);
        // The analyst has no queue: their home is the centre's dashboard (Features/Analytics).
        if (Counts.Count == 0 && await user.HasRoleAsync(Directory.Role.Analyst, ct)) return Redirect("/office/analytics");
        return Page();
    }
}
