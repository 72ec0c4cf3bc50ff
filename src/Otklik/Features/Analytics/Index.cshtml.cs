using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>
/// The centre's working place (<c>/office/analytics</c>): the dashboard over the appeals the person may see, for the
/// analyst and the centre's head the whole region, for an organisation's head their organisation. Filters in the address
/// (a GET form), charts with their tables, every figure a link to its appeals, exports beside.
/// </summary>
[Authorize]
public sealed class IndexModel(AppDbContext db, CurrentUser user, AnalyticsCache cache, TimeProvider clock) : PageModel
{
    public AnalyticsFilter Filter { get; private set; } = new();
    public DashboardFigures? Figures { get; private set; }
    public ListDirectory Directory { get; private set; } = null!;
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public string? Error { get; private set; }
    public string? ErrorField { get; private set; }
    public DateTime NowUtc { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await MayAsync(user, ct)) return Forbid();
        Directory = await ListDirectory.LoadAsync(db, ct);
        Zone = await Directory.ZoneOfAsync(user, ct);
        NowUtc = clock.GetUtcNow().UtcDateTime;
        try
        {
            Filter = AnalyticsFilter.FromQuery(Request.Query, NowUtc, Zone);
        }
        catch (InputException e)
        {
            ErrorField = e.Errors.Keys.FirstOrDefault();
            Error = e.Message;
            Filter = AnalyticsFilter.Parse(null, null, null, null, null, null, null, null, NowUtc, Zone);
        }
        Figures = await AnalyticsData.DashboardAsync(db, user, cache, Filter, Directory, NowUtc, ct);
        return Page();
    }

    /// <summary>Staff who see appeals (the API's viewers); an applicant has no dashboard.</summary>
    public static async Task<bool> MayAsync(CurrentUser user, CancellationToken ct) =>
        (await user.RolesAsync(ct)).Any(r => AppealAccess.Viewers.Contains(r.Role));

    public string Raw(string name) => Request.Query[name].ToString();
    public string Local(DateTime utc) => ListText.Time(utc, Zone);
}
