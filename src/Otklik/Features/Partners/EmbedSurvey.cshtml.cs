using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Portal.Accounts;
using Otklik.Features.Surveys;
using Otklik.Infrastructure;

namespace Otklik.Features.Partners;

/// <summary>
/// A published survey embedded on a partner site (issue 22.2): framed only by the site's own origins, like its appeal
/// form, with no cookies, no antiforgery token and a bot check; the answers are counted for the site's organisation on
/// the "partner site" channel. Like a reception desk's link, many visitors answer by it.
/// </summary>
[AllowAnonymous, IgnoreAntiforgeryToken]
public sealed class EmbedSurveyModel(AppDbContext db, TimeProvider clock) : PageModel
{
    [FromRoute] public string Key { get; set; } = "";
    [FromRoute] public Guid Id { get; set; }

    public PartnerSite Site { get; private set; } = null!;
    public Survey Survey { get; private set; } = null!;
    public SurveyFormView? View { get; private set; }
    public string? Failure { get; private set; }
    public bool Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        await ViewAsync(new Dictionary<string, string[]>(), new Dictionary<string, string[]>(), ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        var given = SurveyFormView.Read(Request.Form);
        if (BotCheck.Check(HttpContext) is { } bot)
        {
            Failure = bot;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await ViewAsync(given, new Dictionary<string, string[]>(), ct);
            return Page();
        }
        try
        {
            await SurveyDesk.SubmitAsync(db, Survey, given, new SurveyDesk.Origin(SurveyChannel.PartnerSite, Site.OrganisationId), clock.GetUtcNow().UtcDateTime, ct);
            Done = true;
        }
        catch (InputException e)
        {
            db.ChangeTracker.Clear();
            Failure = "Проверьте ответы, отмеченные ниже.";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await ViewAsync(given, e.Errors, ct);
        }
        catch (RuleException e) { db.ChangeTracker.Clear(); Failure = e.Message; Response.StatusCode = StatusCodes.Status409Conflict; Done = true; }
        return Page();
    }

    /// <summary>The active site and the published survey; the site's own origins may frame the page.</summary>
    async Task<bool> LoadAsync(CancellationToken ct)
    {
        var site = await db.PartnerSites.AsNoTracking().SingleOrDefaultAsync(s => s.Key == Key && s.IsActive, ct);
        var survey = site is null ? null : await db.Surveys.Include(s => s.Versions).SingleOrDefaultAsync(s => s.Id == Id && s.CurrentVersion > 0, ct);
        if (site is null || survey is null) return false;
        (Site, Survey) = (site, survey);
        HttpContext.Items[SecurityHeaders.FrameAncestorsItem] = site.Origins.Count == 0 ? "'none'" : string.Join(' ', site.Origins);
        return true;
    }

    async Task ViewAsync(Dictionary<string, string[]> values, IReadOnlyDictionary<string, string[]> errors, CancellationToken ct) =>
        View = await SurveyPages.ViewAsync(db, Survey.Versions.Single(v => v.Number == Survey.CurrentVersion).Form, values, errors, Site.OrganisationId, clock, ct);
}
