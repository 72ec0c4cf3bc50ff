using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Infrastructure;

namespace Otklik.Features.Roadmaps;

/// <summary>
/// Takes the posts of the card's roadmap section. A success returns to the card; a failure shows the section here with
/// the errors next to the fields and what the person typed. Every post runs through <see cref="AppealChanges"/>.
/// </summary>
[Authorize]
public sealed class RoadmapPageModel(AppDbContext db, CurrentUser user, AppealChanges changes, DeadlineClocks clocks, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public RoadmapForm Form { get; set; } = new();

    public RoadmapSection? Section { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Section = await RoadmapSection.LoadAsync(db, user, clock.GetUtcNow().UtcDateTime, Id, ct);
        if (Section is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    RoadmapActions.StepInput Step() => new(Form.Title, Form.OwnerOrganisationId, Form.PersonId, Form.DueDate, Form.Policy);
    Guid StepId => Form.StepId ?? Guid.Empty;

    public Task<IActionResult> OnPostAddStepAsync(CancellationToken ct) => RunAsync("add", RoadmapActions.AddStep(changes, clocks, Step(), ct), ct);
    public Task<IActionResult> OnPostEditStepAsync(CancellationToken ct) =>
        RunAsync($"edit-{StepId:N}", RoadmapActions.EditStep(changes, clocks, StepId, Step(), ct), ct);
    public Task<IActionResult> OnPostCancelStepAsync(CancellationToken ct) =>
        RunAsync($"cancel-{StepId:N}", RoadmapActions.Cancel(changes, StepId, Form.Reason, ct), ct);
    public Task<IActionResult> OnPostMoveUpAsync(CancellationToken ct) => RunAsync("move", RoadmapActions.Move(changes, StepId, -1, ct), ct);
    public Task<IActionResult> OnPostMoveDownAsync(CancellationToken ct) => RunAsync("move", RoadmapActions.Move(changes, StepId, +1, ct), ct);
    public Task<IActionResult> OnPostApplyTemplateAsync(CancellationToken ct) =>
        RunAsync("template", RoadmapActions.ApplyTemplate(changes, clocks, Form.TemplateId, ct), ct);
    public Task<IActionResult> OnPostApproveAsync(CancellationToken ct) => RunAsync("approve", RoadmapActions.Approve(changes, clocks, ct), ct);
    public Task<IActionResult> OnPostReopenAsync(CancellationToken ct) => RunAsync("reopen", RoadmapActions.Reopen(changes, Form.Reason, ct), ct);
    public Task<IActionResult> OnPostReportAsync(CancellationToken ct) =>
        RunAsync($"report-{StepId:N}", RoadmapActions.Report(changes, StepId, Form.Status, Form.Result, ct), ct);
    public Task<IActionResult> OnPostEscalateAsync(CancellationToken ct) => RunAsync("escalate", RoadmapActions.Escalate(changes, Form.Reason, ct), ct);

    async Task<IActionResult> RunAsync(string form, AppealAction action, CancellationToken ct)
    {
        var outcome = await changes.TryRunAsync(Id, Version, action, ct);
        if (outcome.Succeeded) return Redirect($"/office/appeals/{Id}?done=roadmap#roadmap");
        Section = outcome.Status == StatusCodes.Status404NotFound ? null : await RoadmapSection.LoadAsync(db, user, clock.GetUtcNow().UtcDateTime, Id, ct);
        if (Section is not null)
        {
            Section.Posted = form;
            Section.Failure = outcome;
            Section.Form = Form;
        }
        Response.StatusCode = Section is null ? StatusCodes.Status404NotFound : outcome.Status;
        return Page();
    }
}
