using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>
/// The analysis of a survey: filters (organisation, municipality, channel, period, version), a chart and a table per
/// question, the follow-up texts by frequent words, a second period to compare, the satisfaction index by organisation,
/// and the raw answers as CSV or XLSX. Read by the analysts, editors and administrators of the survey's organisation.
/// </summary>
[Authorize]
public sealed class AnalysisModel(AppDbContext db, CurrentUser user) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Org { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Territory { get; set; }
    [BindProperty(SupportsGet = true)] public SurveyChannel? Channel { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public int? Version { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From2 { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To2 { get; set; }

    public Survey? Survey { get; private set; }
    public SurveyAnalysis.Result? Result { get; private set; }
    public SurveyAnalysis.Result? Compare { get; private set; }
    public IReadOnlyList<SatisfactionIndex.Entry> Index { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Names { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyList<Organisation> Organisations { get; private set; } = [];
    public IReadOnlyList<Territory> Territories { get; private set; } = [];

    public SurveyAnalysis.Filter Filter => new(Org, Territory, Channel, From, To, Version);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        var form = FormFor(Version);
        Result = await SurveyAnalysis.RunAsync(db, Survey!, form, Filter, Names, ct);
        if (From2 is not null || To2 is not null) Compare = await SurveyAnalysis.RunAsync(db, Survey!, form, Filter with { From = From2, To = To2 }, Names, ct);
        Index = await SatisfactionIndex.ByOrganisationAsync(db, From ?? DateOnly.MinValue, To ?? DateOnly.MaxValue, ct, Survey!.Id);
        return Page();
    }

    public async Task<IActionResult> OnGetExportAsync(string format, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        var (header, rows) = await SurveyExport.TableAsync(db, Survey!, Filter, Names, ct);
        Response.Headers.CacheControl = "no-store";
        return format == "xlsx"
            ? File(SurveyExport.Xlsx(header, rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "survey-answers.xlsx")
            : File(SurveyExport.Csv(header, rows), "text/csv; charset=utf-8", "survey-answers.csv");
    }

    /// <summary>The questions as the chosen version asked them (the current one when none is chosen).</summary>
    SurveyForm FormFor(int? version) =>
        (Survey!.Versions.SingleOrDefault(v => v.Number == version && v.PublishedAtUtc is not null) ?? Survey.Versions.Single(v => v.Number == Survey.CurrentVersion)).Form;

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        Survey = await db.Surveys.AsNoTracking().Include(s => s.Versions).SingleOrDefaultAsync(s => s.Id == Id && s.CurrentVersion > 0, ct);
        if (Survey is null) return NotFound();
        if (!await user.ReachesAsync(Survey.OwnerOrganisationId, ct, SurveyPages.Readers)) return Forbid();
        Organisations = await db.Organisations.AsNoTracking().OrderBy(o => o.Path).ToListAsync(ct);
        Territories = await db.Territories.AsNoTracking().Where(t => t.Kind == Otklik.Features.Directory.TerritoryKind.Municipality).OrderBy(t => t.Name).ToListAsync(ct);
        Names = Organisations.Select(o => (o.Id, o.Name)).Concat(Territories.Select(t => (t.Id, t.Name))).ToDictionary(x => x.Id.ToString(), x => x.Name);
        return null;
    }
}
