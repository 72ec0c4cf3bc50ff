using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Intake;
using Otklik.Infrastructure;

namespace Otklik.Features.Telephony;

/// <summary>
/// The operator's screen for an incoming call (issue 18.5): who calls (the applicant lookup by the whole number, audited),
/// their open appeals among those the operator sees — so a repeated call lands on the open appeal — and the last answers.
/// </summary>
[Authorize]
public sealed class CallsModel(AppDbContext db, CurrentUser user, Audit.AuditTrail audit) : PageModel
{
    public sealed record OpenAppeal(Guid Id, string Number, AppealStatus Status, DateTime ReceivedAtUtc, DateTime? DueAtUtc, string Text);
    public sealed record Answer(Guid Id, string Number, DateTime AnsweredAtUtc, string Text);

    [BindProperty(SupportsGet = true)] public string? Number { get; set; }
    [BindProperty(SupportsGet = true)] public string? Call { get; set; }
    public string? Problem { get; private set; }
    /// <summary>The caller's number as its last 10 digits; null until a number is given (or when it is no number).</summary>
    public string? Digits { get; private set; }
    public IReadOnlyList<ApplicantLookup.Found> Callers { get; private set; } = [];
    public IReadOnlyList<OpenAppeal> Open { get; private set; } = [];
    public IReadOnlyList<Answer> Answers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await ApplicantLookup.MayLookUpAsync(db, user, ct)) return Forbid();
        // Opened from the navigation there is no number yet: the operator types it, no error before anything is typed.
        if (string.IsNullOrWhiteSpace(Number)) return Page();
        var digits = TelephonyApi.Digits(Number);
        if (digits is null)
        {
            Problem = "Номер не распознан: введите полный номер, например +7 912 000-00-01 или 89120000001.";
            return Page();
        }
        Digits = digits;
        (Callers, Problem) = await ApplicantLookup.FindAsync(db, user, digits, HttpContext, audit, ct);
        var mine = (await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking()
            .Where(a => a.Applicant.Phone != null && a.Applicant.Phone.Replace(" ", "").Replace("-", "").Replace("(", "").Replace(")", "").EndsWith(digits));
        var open = await mine.Where(a => !Appeal.Terminal.Contains(a.Status)).OrderByDescending(a => a.ReceivedAtUtc).Take(10)
            .Select(a => new { a.Id, a.Number, a.Status, a.ReceivedAtUtc, a.AnswerDueAtUtc, a.Text }).ToListAsync(ct);
        Open = [.. open.Select(a => new OpenAppeal(a.Id, a.Number, a.Status, a.ReceivedAtUtc, a.AnswerDueAtUtc, Excerpt(a.Text)))];
        var answers = await mine.Where(a => a.AnswerText != null && a.AnsweredAtUtc != null).OrderByDescending(a => a.AnsweredAtUtc).Take(3)
            .Select(a => new { a.Id, a.Number, a.AnsweredAtUtc, a.AnswerText }).ToListAsync(ct);
        Answers = [.. answers.Select(a => new Answer(a.Id, a.Number, a.AnsweredAtUtc!.Value, Excerpt(a.AnswerText!)))];
        return Page();
    }

    static string Excerpt(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
