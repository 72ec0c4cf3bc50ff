using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Execution;

/// <summary>The dispatcher's queue: new appeals of the organisation, each assigned to a specialist whose load is shown.</summary>
[Authorize]
public sealed class DispatchModel(AppDbContext db, CurrentUser user, AppealChanges changes, TimeProvider clock) : PageModel
{
    public const int MaxRows = 200;

    public sealed record Row(Appeal Appeal, string Organisation, IReadOnlyList<ExecutionActions.Executor> Executors);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public LocalTimes Times { get; private set; } = new(new Dictionary<Guid, string>());
    public DateTime NowUtc { get; private set; }
    [BindProperty(SupportsGet = true)] public string? Assigned { get; set; }

    [BindProperty] public Guid AppealId { get; set; }
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public Guid? PersonId { get; set; }
    /// <summary>The refusal of the last assignment, shown next to its row's select.</summary>
    public string? Error { get; private set; }
    public bool Posted { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var outcome = await changes.TryRunAsync(AppealId, Version, ExecutionActions.Assign(changes, PersonId, ct), ct);
        if (outcome.Succeeded)
        {
            var number = await db.Appeals.Where(a => a.Id == AppealId).Select(a => a.Number).SingleAsync(ct);
            return Redirect($"/office/dispatch?assigned={Uri.EscapeDataString(number)}");
        }
        Posted = true;
        Error = outcome.ErrorFor("personId") ?? outcome.Message;
        Response.StatusCode = outcome.Status;
        await LoadAsync(ct);
        return Page();
    }

    async Task LoadAsync(CancellationToken ct)
    {
        NowUtc = clock.GetUtcNow().UtcDateTime;
        var query = await Queues.QueryAsync(Queue.Dispatch, db, user, NowUtc, ct);
        Total = await query.CountAsync(ct);
        var appeals = await query.OrderBy(a => a.DueAtUtc).ThenBy(a => a.Number).Take(MaxRows).ToListAsync(ct);
        var orgIds = appeals.Select(a => a.ExecutorOrganisationId!.Value).Distinct().ToList();
        var executors = await ExecutionActions.ExecutorsOfAsync(db, orgIds, ct);
        var names = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        Rows = [.. appeals.Select(a => new Row(a, names[a.ExecutorOrganisationId!.Value], executors[a.ExecutorOrganisationId!.Value]))];
        Times = await LocalTimes.LoadAsync(db, ct);
    }
}
