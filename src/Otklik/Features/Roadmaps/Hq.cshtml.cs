using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Execution;
using Otklik.Infrastructure;

namespace Otklik.Features.Roadmaps;

/// <summary>The agenda of the Business Protection HQ: the complaints escalated to it, for its members only.</summary>
[Authorize]
public sealed class HqModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public bool IsMember { get; private set; }
    public IReadOnlyList<HqComplaintItem> Complaints { get; private set; } = [];
    public LocalTimes Times { get; private set; } = new(new Dictionary<Guid, string>());

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        IsMember = await RoadmapActions.MayDecideAsync(user, ct);
        if (!IsMember)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        Times = await LocalTimes.LoadAsync(db, ct);
        Complaints = await RoadmapViews.HqComplaintsAsync(await AppealAccess.VisibleAsync(db, user, ct), db, clock.GetUtcNow().UtcDateTime, ct);
        return Page();
    }
}

/// <summary>One escalated complaint before the HQ: its roadmap, the decisions so far, and the form of a new decision.</summary>
[Authorize]
public sealed class HqDecisionModel(AppDbContext db, CurrentUser user, AppealChanges changes, DeadlineClocks clocks, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public DateOnly? DecisionDate { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public List<Guid> OrganisationIds { get; set; } = [];
    [BindProperty] public DateOnly? DueDate { get; set; }

    public bool IsMember { get; private set; }
    public Appeal? Appeal { get; private set; }
    public RoadmapView? Roadmap { get; private set; }
    public HqView? Hq { get; private set; }
    public IReadOnlyList<Organisation> Bindable { get; private set; } = [];
    public LocalTimes Times { get; private set; } = new(new Dictionary<Guid, string>());
    public AppealChanges.Outcome? Failure { get; private set; }
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }

    public string? ErrorFor(string field) => Failure?.ErrorFor(field);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Page();
        DecisionDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, Times.ZoneOf(Appeal!.OwnerOrganisationId)));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var outcome = await changes.TryRunAsync(Id, Version,
            RoadmapActions.Decide(changes, clocks, DecisionDate, Text, OrganisationIds, DueDate, ct), ct);
        if (outcome.Succeeded) return Redirect($"/office/hq/{Id}?done=decision");
        Failure = outcome;
        await LoadAsync(ct);
        if (Appeal is not null) Response.StatusCode = outcome.Status;
        return Page();
    }

    /// <summary>False (with the status set) when the person is not an HQ member or cannot see an escalated complaint.</summary>
    async Task<bool> LoadAsync(CancellationToken ct)
    {
        IsMember = await RoadmapActions.MayDecideAsync(user, ct);
        if (!IsMember)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return false;
        }
        if (!await AppealAccess.CanSeeAsync(db, user, Id, ct)
            || await db.Appeals.AsNoTracking().SingleAsync(a => a.Id == Id, ct) is not { IsEscalatedToHq: true } appeal)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return false;
        }
        Appeal = appeal;
        var now = clock.GetUtcNow().UtcDateTime;
        Roadmap = await RoadmapViews.LoadAsync(db, Id, now, ct);
        Hq = await RoadmapViews.LoadHqAsync(db, Id, ct);
        Times = await LocalTimes.LoadAsync(db, ct);
        // Seed 001: the HQ binds the regional bodies, the municipalities and the federal bodies that sit on it.
        Bindable = await db.Organisations.AsNoTracking().Where(o => o.IsConnected || o.SitsOnBusinessProtectionHq)
            .Where(o => o.Kind != OrganisationKind.Region && o.Kind != OrganisationKind.CentreOfManagement).OrderBy(o => o.Name).ToListAsync(ct);
        return true;
    }
}
