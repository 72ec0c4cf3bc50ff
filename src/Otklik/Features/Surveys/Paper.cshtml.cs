using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>
/// Keying in paper questionnaires: one field per paper number in the paper's order, the option's number typed (the
/// cursor moves on by itself), the organisation and the date kept from one questionnaire to the next. Each is saved
/// as entered from paper, by this operator.
/// </summary>
[Authorize]
public sealed class PaperModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Org { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? On { get; set; }

    public Survey? Survey { get; private set; }
    public SurveyForm? Form { get; private set; }
    public IReadOnlyList<Organisation> Organisations { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Municipalities { get; private set; } = [];
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? Failure { get; private set; }
    public int EnteredToday { get; private set; }

    public string? ErrorFor(string key) => Errors.TryGetValue(key, out var e) ? string.Join(" ", e) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        var given = SurveyFormView.Read(Request.Form);
        foreach (var (k, v) in given) Values[k] = string.Join(", ", v);
        // A multiple choice is typed as "1, 3" on one line; every other answer is one value.
        var multiple = Form!.Questions.Where(q => q.Kind == QuestionKind.Multiple).Select(q => q.Paper).ToHashSet();
        var split = given.ToDictionary(g => g.Key, g => multiple.Contains(g.Key)
            ? g.Value.SelectMany(v => v.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries)).ToArray() : g.Value, StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>();
        if (Org is not { } org || Organisations.All(o => o.Id != org)) errors["org"] = ["Выберите организацию, в которой заполнена анкета."];
        if (On is not { } on || on > Today() || on < Today().AddYears(-3)) errors["on"] = ["Укажите дату анкеты: не позже сегодняшней и не раньше трёх лет назад."];
        if (errors.Count > 0) { Errors = errors; Failure = "Анкета не сохранена: исправьте ошибки."; Response.StatusCode = 422; return Page(); }
        try
        {
            await SurveyDesk.SubmitAsync(db, Survey!, split, new SurveyDesk.Origin(SurveyChannel.Paper, Org, PersonId: null, EnteredBy: user.RequiredId, On: On),
                clock.GetUtcNow().UtcDateTime, ct);
        }
        catch (InputException e) { db.ChangeTracker.Clear(); Errors = e.Errors; Failure = "Анкета не сохранена: исправьте ошибки."; Response.StatusCode = 422; return Page(); }
        catch (RuleException e) { db.ChangeTracker.Clear(); Failure = e.Message; Response.StatusCode = 409; return Page(); }
        return Redirect($"/office/surveys/{Id}/paper?org={Org}&on={On:yyyy-MM-dd}&saved=1");
    }

    DateOnly Today() => DateOnly.FromDateTime(SurveyPages.LocalNow(clock, Organisations.FirstOrDefault(o => o.Id == Org)?.TimeZone));

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        Survey = await db.Surveys.Include(s => s.Versions).SingleOrDefaultAsync(s => s.Id == Id && s.CurrentVersion > 0, ct);
        if (Survey is null) return NotFound();
        var scope = await user.ScopeAsync(ct, SurveyPages.PaperOperators);
        if (scope.Count == 0) return Forbid();
        Form = Survey.Versions.Single(v => v.Number == Survey.CurrentVersion).Form;
        Organisations = [.. (await db.Organisations.AsNoTracking().OrderBy(o => o.Path).ToListAsync(ct)).Where(o => scope.Contains(o.Id))];
        Municipalities = (await db.Territories.AsNoTracking().Where(t => t.Kind == Otklik.Features.Directory.TerritoryKind.Municipality).OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct)).Select(t => (t.Id, t.Name)).ToList();
        // The operator's own organisation first: the survey's owner when they work there, else the first they reach.
        Org ??= scope.Contains(Survey.OwnerOrganisationId) ? Survey.OwnerOrganisationId : Organisations.FirstOrDefault()?.Id;
        On ??= Today();
        var me = user.RequiredId;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        EnteredToday = await db.SurveyResponses.CountAsync(r => r.SurveyId == Id && r.EnteredByPersonId == me && r.Channel == SurveyChannel.Paper && r.SubmittedOn == On, ct);
        return null;
    }
}
