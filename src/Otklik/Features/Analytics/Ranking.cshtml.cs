using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>The ranking of executors (<c>/office/analytics/ranking</c>): components, formula, weights, change on the period before.</summary>
[Authorize]
public sealed class RankingModel(AppDbContext db, CurrentUser user, AnalyticsCache cache, TimeProvider clock, IConfiguration config,
    IServiceProvider services) : PageModel
{
    public AnalyticsFilter Filter { get; private set; } = new();
    public RankingView View { get; private set; } = null!;
    public ListDirectory Directory { get; private set; } = null!;
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public string? Error { get; private set; }
    public string? ErrorField { get; private set; }
    public bool ByPerson { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await IndexModel.MayAsync(user, ct)) return Forbid();
        Directory = await ListDirectory.LoadAsync(db, ct);
        Zone = await Directory.ZoneOfAsync(user, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var weights = RankingWeights.From(config);
        ByPerson = Request.Query["by"] == "person";
        try
        {
            Filter = AnalyticsFilter.FromQuery(Request.Query, now, Zone);
            weights = weights.With(Request.Query);
        }
        catch (InputException e)
        {
            ErrorField = e.Errors.Keys.FirstOrDefault();
            Error = e.Message;
            Filter = AnalyticsFilter.Parse(null, null, null, null, null, null, null, null, now, Zone);
        }
        View = await AnalyticsData.RankingAsync(db, user, cache, Filter, ByPerson, weights, Directory, services.GetService<ISatisfactionSource>(), now, ct);
        return Page();
    }

    public string Raw(string name) => Request.Query[name].ToString();
}
