using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>
/// The survey editor: the settings and the text of the draft, with a phone-sized preview. Saving never touches a
/// published version: the first save after publication starts the next version's draft.
/// </summary>
[Authorize]
public sealed class EditModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid? Id { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public Guid? OwnerOrganisationId { get; set; }
    [BindProperty] public bool IsAnonymous { get; set; }
    [BindProperty] public bool AfterAppeal { get; set; }
    [BindProperty] public int RepeatDays { get; set; } = 90;
    [BindProperty] public string? Source { get; set; }
    [BindProperty] public int? Version { get; set; }

    public Survey? Survey { get; private set; }
    public IReadOnlyList<Organisation> Owners { get; private set; } = [];
    public Dictionary<string, string[]> Errors { get; } = [];
    public List<SurveyForm.ParseError> SourceErrors { get; private set; } = [];
    public string? Failure { get; private set; }
    /// <summary>The draft (else the published version) rendered in the phone-sized frame next to the text.</summary>
    public SurveyFormView? PreviewView { get; private set; }
    public SurveyVersion? Draft => Survey?.Versions.SingleOrDefault(v => v.PublishedAtUtc is null);

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        if (Survey is { } s)
        {
            (Title, OwnerOrganisationId, IsAnonymous, AfterAppeal, RepeatDays, Version) = (s.Title, s.OwnerOrganisationId, s.IsAnonymous, s.AfterAppeal, s.RepeatDays, s.Version);
            Source = (Draft ?? s.Versions.OrderByDescending(v => v.Number).First()).Source;
            if (SurveyForm.Parse(Source, out _) is { } form)
                PreviewView = await SurveyPages.ViewAsync(db, form, [], new Dictionary<string, string[]>(), s.OwnerOrganisationId, clock, ct);
        }
        else Source = "## Блок 1\n[1] Как вы оцениваете нашу работу? | шкала 1-5 | обязательный | индекс 4, 5\n[2] Что нам сделать лучше? | текст | если 1 = 1, 2, 3\n";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? action, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        var now = clock.GetUtcNow().UtcDateTime;
        if (string.IsNullOrWhiteSpace(Title)) Errors["title"] = ["Укажите название опроса."];
        else if (Title.Trim().Length > 500) Errors["title"] = ["Не длиннее 500 знаков."];
        if (OwnerOrganisationId is not { } owner || Owners.All(o => o.Id != owner)) Errors["ownerOrganisationId"] = ["Выберите организацию из тех, в которых вы редактируете опросы."];
        if (RepeatDays is < 1 or > 3650) Errors["repeatDays"] = ["От 1 до 3650 дней."];
        SurveyForm.Parse(Source, out var parseErrors);
        SourceErrors = parseErrors;
        if (parseErrors.Count > 0) Errors["source"] = [$"В тексте опроса ошибок: {parseErrors.Count}."];
        if (Survey is { CurrentVersion: > 0 } published && published.IsAnonymous != IsAnonymous)
            Errors["isAnonymous"] = ["Анонимность нельзя изменить после публикации: ответы уже даны на этих условиях."];
        if (Errors.Count > 0) { Failure = "Опрос не сохранён: исправьте ошибки."; Response.StatusCode = 422; return Page(); }
        if (Survey is null)
        {
            Survey = new Survey { Id = Guid.CreateVersion7(), CreatedAtUtc = now };
            db.Surveys.Add(Survey);
        }
        else if (Version != Survey.Version)
        {
            Failure = "Опрос уже изменил другой сотрудник. Обновите страницу."; Response.StatusCode = 409; return Page();
        }
        (Survey.Title, Survey.OwnerOrganisationId, Survey.IsAnonymous, Survey.AfterAppeal, Survey.RepeatDays) = (Title!.Trim(), OwnerOrganisationId!.Value, IsAnonymous, AfterAppeal, RepeatDays);
        var current = Survey.Versions.SingleOrDefault(v => v.Number == Survey.CurrentVersion);
        // Unchanged text after publication is no new version: only the settings were saved.
        if (current is null || Draft is not null || current.Source != Source!.Replace("\r", "", StringComparison.Ordinal))
            Survey.SaveDraft(Source!.Replace("\r", "", StringComparison.Ordinal), user.Id, now);
        else Survey.Version++;
        try
        {
            if (action == "publish") Survey.Publish(now);
            await db.SaveChangesAsync(ct);
        }
        catch (RuleException e) { Failure = e.Message; Response.StatusCode = 409; return Page(); }
        catch (DbUpdateConcurrencyException) { Failure = "Опрос уже изменил другой сотрудник. Обновите страницу."; Response.StatusCode = 409; return Page(); }
        return Redirect($"/office/surveys/edit/{Survey.Id}?saved={(action == "publish" ? "published" : "draft")}");
    }

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var scope = await user.ScopeAsync(ct, SurveyPages.Editors);
        if (scope.Count == 0) return Forbid();
        if (Id is { } id)
        {
            Survey = await db.Surveys.Include(s => s.Versions).SingleOrDefaultAsync(s => s.Id == id, ct);
            if (Survey is null) return NotFound();
            if (!scope.Contains(Survey.OwnerOrganisationId)) return Forbid();
        }
        Owners = [.. (await db.Organisations.AsNoTracking().OrderBy(o => o.Path).ToListAsync(ct)).Where(o => scope.Contains(o.Id))];
        return null;
    }
}
