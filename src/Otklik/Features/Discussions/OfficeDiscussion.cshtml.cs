using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Discussions;

/// <summary>One discussion in the office: its comments by state and, after the closing, the organisation's summary with a verdict on each comment.</summary>
[Authorize]
public sealed class OfficeDiscussionModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public string? Summary { get; set; }

    public Discussion? Discussion { get; private set; }
    public IReadOnlyList<DiscussionComment> Comments { get; private set; } = [];
    public Dictionary<Guid, (CommentVerdict? Verdict, string? Reason)> Verdicts { get; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? ErrorFor(string f) => Errors.TryGetValue(f, out var e) ? string.Join(" ", e) : null;
    public string? Failure { get; private set; }
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        var published = Comments.Where(c => c.State == CommentState.Published).ToList();
        foreach (var c in published)
        {
            CommentVerdict? verdict = Enum.TryParse<CommentVerdict>(Request.Form[$"verdict-{c.Id}"].ToString(), out var v) && Enum.IsDefined(v) ? v : null;
            Verdicts[c.Id] = (verdict, Request.Form[$"reason-{c.Id}"].ToString());
        }
        try
        {
            Discussion!.PublishSummary(Summary, published, Verdicts, Now);
            await db.SaveChangesAsync(ct);
            return Redirect($"/discussions/{Id}#summary");
        }
        catch (InputException e) { Errors = e.Errors; Failure = "Проверьте итоги: ошибки отмечены ниже."; Response.StatusCode = 422; }
        catch (RuleException e) { Failure = e.Message; Response.StatusCode = 409; }
        catch (DbUpdateConcurrencyException) { Failure = "Итоги уже опубликованы другим сотрудником."; Response.StatusCode = 409; }
        db.ChangeTracker.Clear();
        return Page();
    }

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        Discussion = await db.Discussions.SingleOrDefaultAsync(d => d.Id == Id, ct);
        if (Discussion is null) return NotFound();
        if (!await user.ReachesAsync(Discussion.OwnerOrganisationId, ct, OfficeModel.Editors)) return Forbid();
        Comments = await db.DiscussionComments.Where(c => c.DiscussionId == Id).OrderBy(c => c.SubmittedAtUtc).ToListAsync(ct);
        return null;
    }
}
