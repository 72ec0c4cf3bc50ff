using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>
/// The measures queue (<c>/office/analytics/measures</c>): measures against root causes owned by the organisations the
/// person's roles reach — not done first, the late ones on top, as the roadmap steps' queue. RootCauseWatch tells the
/// owner's heads and dispatchers the day before a measure's due day and after it.
/// </summary>
[Authorize]
public sealed class MeasuresModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public sealed record Row(Guid CauseId, string Cause, string Text, string Owner, DateOnly DueOn, DateTime? DoneAtUtc, bool Overdue, bool AtRisk);

    public List<Row> Rows { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var scope = (await user.ScopeAsync(ct, AppealAccess.Viewers)).ToList();
        if (scope.Count == 0) return Forbid();
        var names = await ListDirectory.LoadAsync(db, ct);
        var zone = await names.ZoneOfAsync(user, ct);
        Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, zone));
        var rows = await db.RootCauseMeasures.AsNoTracking().Where(m => scope.Contains(m.OwnerOrganisationId))
            .OrderBy(m => m.DoneAtUtc != null).ThenBy(m => m.DueOn).Take(500)
            .Join(db.RootCauses, m => m.RootCauseId, c => c.Id, (m, c) => new { m.RootCauseId, c.Title, m.Text, m.OwnerOrganisationId, m.DueOn, m.DoneAtUtc })
            .ToListAsync(ct);
        var tomorrow = Today.AddDays(1);
        Rows = [.. rows.Select(m => new Row(m.RootCauseId, m.Title, m.Text, names.OrganisationName(m.OwnerOrganisationId) ?? "", m.DueOn, m.DoneAtUtc,
                m.DoneAtUtc is null && m.DueOn < Today, m.DoneAtUtc is null && m.DueOn >= Today && m.DueOn <= tomorrow))
            .OrderBy(r => r.DoneAtUtc is not null).ThenByDescending(r => r.Overdue).ThenBy(r => r.DueOn)];
        return Page();
    }
}
