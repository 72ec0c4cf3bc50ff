using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Features.Surveys;

/// <summary>What the survey pages share: the directory's choices and the defaults a form fills in.</summary>
public static class SurveyPages
{
    /// <summary>Who builds surveys and their links.</summary>
    public static readonly Role[] Editors = [Role.ContentEditor, Role.Administrator];
    /// <summary>Who reads the analysis and exports the answers.</summary>
    public static readonly Role[] Readers = [Role.Analyst, Role.ContentEditor, Role.Administrator];
    /// <summary>Who keys in paper questionnaires.</summary>
    public static readonly Role[] PaperOperators = [Role.Operator, Role.ContentEditor, Role.Administrator];

    public static async Task<SurveyFormView> ViewAsync(AppDbContext db, SurveyForm form, Dictionary<string, string[]> values,
        IReadOnlyDictionary<string, string[]> errors, Guid? organisation, TimeProvider clock, CancellationToken ct)
    {
        var municipalities = (await db.Territories.AsNoTracking().Where(t => t.Kind == Otklik.Features.Directory.TerritoryKind.Municipality).OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct)).Select(t => (t.Id, t.Name)).ToList();
        var organisations = (await db.Organisations.AsNoTracking().OrderBy(o => o.Path).Select(o => new { o.Id, o.Name }).ToListAsync(ct)).Select(o => (o.Id, o.Name)).ToList();
        var org = organisation is { } id ? await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, ct) : null;
        // The date of the service defaults to now, on the organisation's clock: the form says "filled automatically".
        foreach (var q in form.Questions.Where(q => q.Kind == QuestionKind.DateTime && q.AutoFilled && !values.ContainsKey(q.Paper)))
            values[q.Paper] = [LocalNow(clock, org?.TimeZone).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture)];
        return new SurveyFormView(form, values, errors, municipalities, organisations, org?.Name);
    }

    public static DateTime LocalNow(TimeProvider clock, string? zone)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        try { return TimeZoneInfo.ConvertTimeFromUtc(now, TimeZoneInfo.FindSystemTimeZoneById(zone ?? "Europe/Moscow")); }
        catch (TimeZoneNotFoundException) { return now; }
    }
}
