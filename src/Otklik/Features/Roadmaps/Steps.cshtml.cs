using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Execution;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Roadmaps;

/// <summary>
/// «Шаги дорожных карт»: the approved open steps the person owes (named on them, or of their organisation), each with its
/// deadline in the owner's clock; the nearest first, at risk amber, overdue red.
/// </summary>
[Authorize]
public sealed class StepsModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public const int MaxRows = 200;

    public sealed record Row(RoadmapStep Step, string Number, string Excerpt, string Organisation, string? Person, DeadlineState State);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public LocalTimes Times { get; private set; } = new(new Dictionary<Guid, string>());
    public DateTime NowUtc { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        NowUtc = clock.GetUtcNow().UtcDateTime;
        var query = await Queues.StepsAsync(db, user, ct);
        Total = await query.CountAsync(ct);
        var steps = await query.OrderBy(s => s.DueAtUtc).ThenBy(s => s.AppealId).ThenBy(s => s.Order).Take(MaxRows).ToListAsync(ct);
        var ids = steps.Select(s => s.AppealId).Distinct().ToList();
        var appeals = await db.Appeals.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Number, Excerpt = a.Text.Substring(0, 160) }).ToDictionaryAsync(a => a.Id, ct);
        var names = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        var personIds = steps.Where(s => s.PersonId != null).Select(s => s.PersonId!.Value).Distinct().ToList();
        var people = await db.Users.AsNoTracking().Where(u => personIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.FullName, ct);
        Rows = [.. steps.Select(s => new Row(s, appeals[s.AppealId].Number, appeals[s.AppealId].Excerpt, names.GetValueOrDefault(s.OwnerOrganisationId) ?? "—",
            s.PersonId is { } p ? people.GetValueOrDefault(p) : null, DeadlineStates.OfStep(s.DueAtUtc, s.AtRiskFromUtc, s.WatchLevel, NowUtc)))];
        Times = await LocalTimes.LoadAsync(db, ct);
    }
}
