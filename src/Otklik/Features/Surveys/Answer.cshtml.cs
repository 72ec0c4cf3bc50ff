using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>
/// The public questionnaire, phone-first. Three ways in: /survey/s/{id} for a signed-in person (one answer per person
/// per period), /survey/i/{token} by the personal link of an answered appeal (one answer per link), /survey/l/{token}
/// by a reception desk's link or QR code (for its organisation, anyone may answer).
/// </summary>
public sealed class AnswerModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    [FromRoute] public string Mode { get; set; } = "";
    [FromRoute] public string Key { get; set; } = "";

    public Survey? Survey { get; private set; }
    public SurveyFormView? View { get; private set; }
    public string? Failure { get; private set; }
    public bool Done { get; private set; }

    SurveyInvitation? _invitation;
    SurveyLink? _link;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await ResolveAsync(ct) is { } refusal) return refusal;
        await ViewAsync(new Dictionary<string, string[]>(), new Dictionary<string, string[]>(), ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await ResolveAsync(ct) is { } refusal) return refusal;
        var given = SurveyFormView.Read(Request.Form);
        var origin = Mode switch
        {
            "i" => new SurveyDesk.Origin(Request.Query["from"] == "my" ? SurveyChannel.Cabinet : SurveyChannel.Letter, _invitation!.OrganisationId,
                PersonId: user.Id, Invitation: _invitation),
            "l" => new SurveyDesk.Origin(SurveyChannel.Reception, _link!.OrganisationId, _link.TerritoryId),
            _ => new SurveyDesk.Origin(SurveyChannel.Portal, PersonId: user.Id),
        };
        try
        {
            await SurveyDesk.SubmitAsync(db, Survey!, given, origin, clock.GetUtcNow().UtcDateTime, ct);
            return Redirect("/survey/thanks");
        }
        catch (InputException e) { db.ChangeTracker.Clear(); Failure = "Проверьте ответы, отмеченные ниже."; Response.StatusCode = 422; await ViewAsync(given, e.Errors, ct); }
        catch (RuleException e) { db.ChangeTracker.Clear(); Failure = e.Message; Response.StatusCode = 409; Done = true; }
        return Page();
    }

    async Task<IActionResult?> ResolveAsync(CancellationToken ct)
    {
        Guid? surveyId = null;
        switch (Mode)
        {
            case "i":
                _invitation = await db.SurveyInvitations.SingleOrDefaultAsync(i => i.Token == Key, ct);
                surveyId = _invitation?.SurveyId;
                break;
            case "l":
                _link = await db.SurveyLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Token == Key, ct);
                surveyId = _link?.SurveyId;
                break;
            case "s" when Guid.TryParse(Key, out var id):
                // One answer per person: the public page is for signed-in people; others answer by a personal or desk link.
                if (!user.IsAuthenticated) return Challenge();
                surveyId = id;
                break;
        }
        if (surveyId is null) return NotFound();
        Survey = await db.Surveys.Include(s => s.Versions).SingleOrDefaultAsync(s => s.Id == surveyId && s.CurrentVersion > 0, ct);
        if (Survey is null) return NotFound();
        if (_invitation is { Used: true }) { Failure = "По этой ссылке на опрос уже ответили. Спасибо!"; Done = true; }
        return null;
    }

    async Task ViewAsync(Dictionary<string, string[]> values, IReadOnlyDictionary<string, string[]> errors, CancellationToken ct)
    {
        var form = Survey!.Versions.Single(v => v.Number == Survey.CurrentVersion).Form;
        var organisation = _link?.OrganisationId ?? _invitation?.OrganisationId;
        View = await SurveyPages.ViewAsync(db, form, values, errors, organisation, clock, ct);
    }
}
