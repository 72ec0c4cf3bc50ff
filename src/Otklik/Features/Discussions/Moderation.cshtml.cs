using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Discussions;

/// <summary>
/// The moderator's queue of comments to discussions of their organisations, oldest first: publish, or refuse with a
/// reason from the list (the author reads it on /my). Nothing is seen on the portal before a moderator publishes it.
/// </summary>
[Authorize]
public sealed class ModerationModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public static readonly Role[] Moderators = [Role.Moderator, Role.Administrator];

    [BindProperty] public Guid CommentId { get; set; }
    [BindProperty] public CommentRefusal? Reason { get; set; }

    public sealed record Item(Guid Id, Guid DiscussionId, string DiscussionTitle, string AuthorName, string Text, DateTime SubmittedAtUtc);
    public IReadOnlyList<Item> Queue { get; private set; } = [];
    public string? Notice { get; private set; }
    public string? Failure { get; private set; }
    public Guid? ErrorOn { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public Task<IActionResult> OnPostPublishAsync(CancellationToken ct) => ModerateAsync(refusing: false, ct);

    public Task<IActionResult> OnPostRefuseAsync(CancellationToken ct) => ModerateAsync(refusing: true, ct);

    async Task<IActionResult> ModerateAsync(bool refusing, CancellationToken ct)
    {
        var scope = await user.ScopeAsync(ct, Moderators);
        if (scope.Count == 0) return Forbid();
        var comment = await db.DiscussionComments.SingleOrDefaultAsync(c => c.Id == CommentId, ct);
        var owner = comment is null ? (Guid?)null : await db.Discussions.Where(d => d.Id == comment.DiscussionId).Select(d => d.OwnerOrganisationId).SingleAsync(ct);
        if (comment is null || !scope.Contains(owner!.Value)) return NotFound();
        try
        {
            if (refusing)
            {
                if (Reason is not { } r || !Enum.IsDefined(r)) { ErrorOn = comment.Id; Response.StatusCode = 422; return await LoadAsync(ct) ?? Page(); }
                comment.Refuse(r, user.RequiredId, clock.GetUtcNow().UtcDateTime);
            }
            else comment.Publish(user.RequiredId, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
            return Redirect("/office/discussions/moderation?done=" + (refusing ? "refused" : "published"));
        }
        catch (RuleException e) { Failure = e.Message; Response.StatusCode = 409; }
        catch (DbUpdateConcurrencyException) { Failure = "Этот комментарий уже рассмотрен другим модератором."; Response.StatusCode = 409; }
        db.ChangeTracker.Clear();
        return await LoadAsync(ct) ?? Page();
    }

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var scope = await user.ScopeAsync(ct, Moderators);
        if (scope.Count == 0) return Forbid();
        Notice = Request.Query["done"].ToString() switch
        {
            "published" => "Комментарий опубликован.",
            "refused" => "Комментарий отклонён; автор увидит причину в личном кабинете.",
            _ => null,
        };
        var rows = await (from c in db.DiscussionComments.AsNoTracking()
                          join d in db.Discussions.AsNoTracking() on c.DiscussionId equals d.Id
                          where c.State == CommentState.Pending
                          orderby c.SubmittedAtUtc
                          select new { c.Id, c.DiscussionId, d.Title, d.OwnerOrganisationId, c.AuthorName, c.Text, c.SubmittedAtUtc }).ToListAsync(ct);
        Queue = [.. rows.Where(r => scope.Contains(r.OwnerOrganisationId)).Select(r => new Item(r.Id, r.DiscussionId, r.Title, r.AuthorName, r.Text, r.SubmittedAtUtc))];
        return null;
    }
}
