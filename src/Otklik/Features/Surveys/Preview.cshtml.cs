using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>The draft (else the published version) as a person will see it, for the editor's phone-sized frame. Posting checks the answers and keeps nothing.</summary>
[Authorize]
public sealed class PreviewModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    public Survey? Survey { get; private set; }
    public SurveyFormView? View { get; private set; }
    public string? Note { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(new Dictionary<string, string[]>(), false, ct);

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => ShowAsync(SurveyFormView.Read(Request.Form), true, ct);

    async Task<IActionResult> ShowAsync(Dictionary<string, string[]> given, bool check, CancellationToken ct)
    {
        Survey = await db.Surveys.AsNoTracking().Include(s => s.Versions).SingleOrDefaultAsync(s => s.Id == Id, ct);
        if (Survey is null) return NotFound();
        if (!await user.ReachesAsync(Survey.OwnerOrganisationId, ct, SurveyPages.Editors)) return Forbid();
        var version = Survey.Versions.SingleOrDefault(v => v.PublishedAtUtc is null) ?? Survey.Versions.Single(v => v.Number == Survey.CurrentVersion);
        if (SurveyForm.Parse(version.Source, out var errors) is not { } form) { Note = "В черновике есть ошибки: " + errors[0].Message; return Page(); }
        IReadOnlyDictionary<string, string[]> problems = new Dictionary<string, string[]>();
        if (check)
        {
            var (municipalities, organisations) = await SurveyDesk.DirectoryAsync(db, ct);
            var auto = form.Questions.Where(q => q.AutoFilled && q.Kind == QuestionKind.Organisation).ToDictionary(q => q.Paper, _ => new[] { Survey.OwnerOrganisationId.ToString() });
            problems = form.Check(given.Concat(auto.Where(a => !given.ContainsKey(a.Key))).ToDictionary(), municipalities, organisations).Errors;
            Note = problems.Count == 0 ? "Ответы заполнены верно (в предпросмотре они не сохраняются)." : $"Ошибок: {problems.Count} — так их увидит человек.";
        }
        View = await SurveyPages.ViewAsync(db, form, given, problems, Survey.OwnerOrganisationId, clock, ct);
        return Page();
    }
}
