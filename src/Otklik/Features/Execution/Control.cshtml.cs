using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Execution;

/// <summary>
/// The controller's queues: answers waiting for approval, (?overdue=true) overdue and escalated appeals, or (?requests=true)
/// the executors' pending requests for an extension.
/// </summary>
[Authorize]
public sealed class ControlModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public const int MaxRows = 200;

    [BindProperty(SupportsGet = true)] public bool Overdue { get; set; }
    [BindProperty(SupportsGet = true)] public bool Requests { get; set; }
    public Queue Queue => Requests ? Queue.ExtensionRequests : Overdue ? Queue.Overdue : Queue.Review;
    public IReadOnlyList<Appeal> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public Dictionary<Guid, string> Organisations { get; private set; } = [];
    public Dictionary<Guid, string> Assignees { get; private set; } = [];
    public LocalTimes Times { get; private set; } = new(new Dictionary<Guid, string>());
    /// <summary>The overdue list: what of each appeal is overdue besides (or instead of) the appeal's own deadline.</summary>
    public ILookup<Guid, AppealPart> OverdueParts { get; private set; } = Array.Empty<AppealPart>().ToLookup(p => p.AppealId);
    public ILookup<Guid, Roadmaps.RoadmapStep> OverdueSteps { get; private set; } = Array.Empty<Roadmaps.RoadmapStep>().ToLookup(s => s.AppealId);
    public DateTime NowUtc { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        NowUtc = clock.GetUtcNow().UtcDateTime;
        var query = await Queues.QueryAsync(Queue, db, user, NowUtc, ct);
        Total = await query.CountAsync(ct);
        // Overdue: the most escalated first, then the oldest deadline; review: the nearest deadline first.
        var ordered = Queue == Queue.Overdue ? query.OrderByDescending(a => a.WatchLevel).ThenBy(a => a.DueAtUtc) : query.OrderBy(a => a.DueAtUtc);
        Rows = await ordered.ThenBy(a => a.Number).Take(MaxRows).ToListAsync(ct);
        var orgIds = Rows.Select(a => a.ExecutorOrganisationId!.Value).Distinct().ToList();
        if (Queue == Queue.Overdue)
        {
            var ids = Rows.Select(a => a.Id).ToList();
            var now = NowUtc;
            OverdueParts = (await db.AppealParts.AsNoTracking()
                .Where(p => ids.Contains(p.AppealId) && p.Status == PartStatus.Open && p.DueAtUtc < now).ToListAsync(ct)).ToLookup(p => p.AppealId);
            OverdueSteps = (await db.RoadmapSteps.AsNoTracking()
                .Where(s => ids.Contains(s.AppealId) && (s.Status == Roadmaps.StepStatus.Planned || s.Status == Roadmaps.StepStatus.InWork)
                            && s.ApprovedAtUtc != null && s.DueAtUtc < now)
                .OrderBy(s => s.Order).ToListAsync(ct)).ToLookup(s => s.AppealId);
            orgIds.AddRange(OverdueParts.SelectMany(g => g).Select(p => p.OrganisationId));
            orgIds.AddRange(OverdueSteps.SelectMany(g => g).Select(s => s.OwnerOrganisationId));
        }
        Organisations = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        var people = Rows.Where(a => a.AssigneeId != null).Select(a => a.AssigneeId!.Value).Distinct().ToList();
        Assignees = await db.Users.AsNoTracking().Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.LastName + " " + u.FirstName, ct);
        Times = await LocalTimes.LoadAsync(db, ct);
    }
}
