using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Attachments;
using Otklik.Infrastructure;

namespace Otklik.Features.Discussions;

/// <summary>
/// One discussion on the portal: the draft and its files, the published comments, the summary once published, and the
/// comment form for a signed-in person with a confirmed address while the period lasts.
/// </summary>
public sealed class DiscussionPageModel(AppDbContext db, CurrentUser user, IFileStore files, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public string? Text { get; set; }

    public DiscussionsApi.DiscussionView? View { get; private set; }
    public string? AuthorName { get; private set; }
    public string? Failure { get; private set; }
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!user.IsAuthenticated) return Challenge();
        var discussion = await db.Discussions.AsNoTracking().SingleOrDefaultAsync(d => d.Id == Id, ct);
        if (discussion is null) return NotFound();
        var person = await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.RequiredId, ct);
        try
        {
            if (!person.EmailConfirmed)
                throw new RuleException("discussion.unconfirmed", "Комментировать можно с подтверждённой учётной записью: подтвердите адрес электронной почты.");
            db.DiscussionComments.Add(discussion.Comment(person.Id, DiscussionLabels.AuthorOf(person.FirstName, person.LastName), Text, Now));
            await db.SaveChangesAsync(ct);
            return Redirect($"/discussions/{Id}?sent=1#comments");
        }
        catch (RuleException e) { Failure = e.Message; Response.StatusCode = 409; }
        catch (InputException e) { Failure = e.Message; Response.StatusCode = 422; }
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>A file of the draft: public like the draft itself.</summary>
    public async Task<IActionResult> OnGetFileAsync(Guid fileId, CancellationToken ct)
    {
        var f = await db.DiscussionFiles.AsNoTracking().SingleOrDefaultAsync(x => x.Id == fileId && x.DiscussionId == Id, ct);
        if (f is null || await files.OpenAsync(f.StorageKey, ct) is not { } stream) return NotFound();
        return File(stream, f.ContentType, f.FileName);
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        View = await DiscussionsApi.ViewAsync(db, Id, Now, ct);
        if (View is null) return false;
        if (user.Id is { } me && await db.Users.AsNoTracking().Where(u => u.Id == me).Select(u => new { u.FirstName, u.LastName }).SingleOrDefaultAsync(ct) is { } p)
            AuthorName = DiscussionLabels.AuthorOf(p.FirstName, p.LastName);
        return true;
    }
}
