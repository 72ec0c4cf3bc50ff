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
/// One sample (<c>/office/analytics/reviews/{id}</c>): its answers with their scores, and one answer at a time beside the
/// rubric — the question, the answer, six criteria «да / частично / нет» with a comment each. Saving moves to the next
/// answer not yet reviewed. For the analyst and controllers who reach the sample's organisation; anyone else gets a 404.
/// </summary>
[Authorize]
public sealed class ReviewModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public sealed record ItemRow(int Position, Guid AppealId, string Number, double? Score, bool Visible);
    public sealed record Answer(Guid Id, string Number, string Question, string? Text, FederalResult? Result, DateTime? AnsweredAtUtc, DateTime ReceivedAtUtc);

    public ReviewSample Sample { get; private set; } = null!;
    public List<ItemRow> Items { get; private set; } = [];
    public AnswerReview? Current { get; private set; }
    public Answer? CurrentAnswer { get; private set; }
    public ListDirectory Names { get; private set; } = null!;
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public string? Error { get; private set; }
    public string? ErrorField { get; private set; }
    /// <summary>The marks and comments as posted, shown again beside an error.</summary>
    public ReviewMark?[] Posted { get; private set; } = new ReviewMark?[AnswerReview.Rubric.Length];
    public string?[] PostedComments { get; private set; } = new string?[AnswerReview.Rubric.Length];

    public async Task<IActionResult> OnGetAsync(Guid id, int? item, CancellationToken ct) => await LoadAsync(id, item, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, int item, CancellationToken ct)
    {
        var scope = await ReviewAccess.OrganisationsAsync(user, ct);
        var sample = await db.ReviewSamples.Include(s => s.Items).SingleOrDefaultAsync(s => s.Id == id, ct);
        if (sample is null || !scope.Contains(sample.OrganisationId)) return NotFound();
        var review = sample.Items.SingleOrDefault(i => i.Position == item);
        if (review is null) return NotFound();
        var form = Request.Form;
        for (var i = 0; i < AnswerReview.Rubric.Length; i++)
        {
            Posted[i] = Enum.TryParse<ReviewMark>(form[$"m{i}"].ToString(), ignoreCase: true, out var m) && Enum.IsDefined(m) ? m : null;
            PostedComments[i] = form[$"c{i}"].ToString();
        }
        try
        {
            review.Record(Posted, PostedComments, user.RequiredId, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
        }
        catch (InputException e)
        {
            db.ChangeTracker.Clear();
            ErrorField = e.Errors.Keys.FirstOrDefault();
            Error = e.Message;
            await LoadAsync(id, item, ct);
            return Page();
        }
        var next = sample.Items.Where(i => i.Score is null).OrderBy(i => i.Position).FirstOrDefault();
        return Redirect($"/office/analytics/reviews/{id}" + (next is null ? "?done=1" : $"?item={next.Position}"));
    }

    async Task<bool> LoadAsync(Guid id, int? item, CancellationToken ct)
    {
        var scope = await ReviewAccess.OrganisationsAsync(user, ct);
        var sample = await db.ReviewSamples.AsNoTracking().Include(s => s.Items).SingleOrDefaultAsync(s => s.Id == id, ct);
        if (sample is null || !scope.Contains(sample.OrganisationId)) return false;
        Sample = sample;
        Names = await ListDirectory.LoadAsync(db, ct);
        Zone = await Names.ZoneOfAsync(user, ct);
        var ids = sample.Items.Select(i => i.AppealId).ToList();
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        var numbers = await db.Appeals.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.Number }).ToDictionaryAsync(a => a.Id, a => a.Number, ct);
        var seen = (await visible.Where(a => ids.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct)).ToHashSet();
        Items = [.. sample.Items.OrderBy(i => i.Position).Select(i => new ItemRow(i.Position, i.AppealId, numbers.GetValueOrDefault(i.AppealId, "—"), i.Score, seen.Contains(i.AppealId)))];
        Current = item is { } n ? sample.Items.SingleOrDefault(i => i.Position == n) : sample.Items.Where(i => i.Score is null).OrderBy(i => i.Position).FirstOrDefault();
        if (Current is not null && seen.Contains(Current.AppealId))
        {
            var cid = Current.AppealId;
            CurrentAnswer = await db.Appeals.AsNoTracking().Where(a => a.Id == cid)
                .Select(a => new Answer(a.Id, a.Number, a.Text, a.AnswerText, a.AnswerResult, a.AnsweredAtUtc, a.ReceivedAtUtc)).SingleAsync(ct);
            if (Error is null)
            {
                Posted = Current.Marks;
                PostedComments = Current.Comments;
            }
        }
        return true;
    }

    public static string MarkText(ReviewMark m) => m switch { ReviewMark.Yes => "да", ReviewMark.Partly => "частично", _ => "нет" };
}
