using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Moderation;
using Otklik.Infrastructure;

namespace Otklik.Features.Intake;

/// <summary>What the operator tells the caller at once: the number, the moderation deadline and the latest answer date.</summary>
[Authorize]
public sealed class RegisteredModel(AppDbContext db, CurrentUser user, DeadlineClocks clocks) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public Appeal Appeal { get; private set; } = null!;
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    /// <summary>The answer deadline if the appeal is registered at the very end of moderation: the latest the applicant waits.</summary>
    public string? LatestAnswer { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var appeal = await db.Appeals.AsNoTracking().Include(a => a.Parts).SingleOrDefaultAsync(a => a.Id == Id, ct);
        if (appeal is null || !await AppealAccess.CanSeeAsync(user, appeal, ct)) return NotFound();
        Appeal = appeal;
        Zone = await ModerationScreens.ZoneOfAsync(db, appeal.OwnerOrganisationId, ct);
        LatestAnswer = await Intake.LatestAnswer.FormatAsync(db, clocks, appeal, Zone, ct);
        return Page();
    }
}
