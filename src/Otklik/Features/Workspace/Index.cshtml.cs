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

    public async Task OnGetAsync(CancellationToken ct)
    {
        Name = User.Identity?.Name ?? "";
        var orgs = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        Roles = [.. (await user.RolesAsync(ct)).Select(r => r.OrganisationId is { } o ? $"{RoleNames.Of(r.Role)} ({orgs.GetValueOrDefault(o)})" : RoleNames.Of(r.Role))];
        Counts = await Queues.CountsAsync(db, user, clock.GetUtcNow().UtcDateTime, ct);
    }
}
