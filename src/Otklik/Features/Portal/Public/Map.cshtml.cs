using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Features.Portal.Public;

/// <summary>
/// The public map: published appeals with a point, clustered by /map/markers at each zoom; the same appeals are listed
/// under the map, which is what a screen reader or a browser without JavaScript gets.
/// </summary>
[OutputCache(PolicyName = PublicCache.Policy)]
public sealed class MapModel(AppDbContext db, TimeProvider clock) : PageModel
{
    public const int ListLimit = 100;

    [BindProperty(SupportsGet = true)] public Guid? Category { get; set; }
    [BindProperty(SupportsGet = true)] public PublicStage? Stage { get; set; }

    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<PublicMap.Point> Points { get; private set; } = [];
    /// <summary>The centre's messages to the residents of a territory (targeted informing with «на карте»).</summary>
    public IReadOnlyList<Analytics.Informing.MapNotice> Notices { get; private set; } = [];
    /// <summary>The open polls (issue 22.6): those of a territory are drawn on it, all are listed under the map.</summary>
    public IReadOnlyList<Surveys.PollListModel.Row> Polls { get; private set; } = [];

    public string MarkersUrl => "/map/markers?" + string.Join('&', new[]
    {
        Category is { } c ? "category=" + c : null,
        Stage is { } s ? "stage=" + s : null,
    }.Where(x => x is not null));

    public async Task OnGetAsync(CancellationToken ct)
    {
        Categories = await db.Categories.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        if (Category is { } c && Categories.All(x => x.Id != c)) Category = null;
        Points = await PublicMap.PointsAsync(db, Category, Stage, ct);
        // The region's date: a notice shown "through the 10th" is gone on the 11th there (the cache lives five minutes).
        var region = await db.Organisations.AsNoTracking().Where(o => o.Kind == OrganisationKind.Region).OrderBy(o => o.Id).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
        var zone = await Moderation.ModerationScreens.ZoneOfAsync(db, region, ct);
        Notices = await Analytics.Informing.OnMapAsync(db, DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, zone)), ct);
        Polls = await Surveys.PollListModel.OpenAsync(db, clock.GetUtcNow().UtcDateTime, ct);
    }
}
