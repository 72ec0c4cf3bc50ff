using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Knowledge;

/// <summary>The administrator's page: stale articles of the organisations in their scope, by organisation.</summary>
[Authorize]
public sealed class StaleModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public IReadOnlyList<StaleArticles.Group> Groups { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await user.HasRoleAsync(Role.Administrator, ct)) return Forbid();
        Groups = await StaleArticles.LoadAsync(db, user, KnowledgeBase.Today(clock), ct);
        return Page();
    }
}
