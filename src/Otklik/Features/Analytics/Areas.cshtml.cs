using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Audit;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>
/// Drawing an area for informing and polls (<c>/office/analytics/areas</c>, ADR 0049) — for the analyst, an organisation's
/// or the centre's head, a poll editor and the administrator, from the informing and poll forms («Нарисовать
/// территорию»). The area is a territory of kind «Нарисованная» (ADR 0045): never used for routing or the portal's filter.
/// Scoped: one whose role is at the region or at the centre of management draws anywhere inside the region; anyone else
/// only inside the municipalities their organisations serve. Audited: the trail keeps who drew which area. Saved, it returns to the form it came from with
/// the new area chosen.
/// </summary>
[Authorize]
public sealed class AreasModel(AppDbContext db, CurrentUser user, TerritoryLocator locator, AuditTrail audit) : PageModel
{
    /// <summary>Who may draw an area: those who inform (analyst, head, administrator) and those who run polls (content editor).</summary>
    public static readonly Role[] Drawers = [Role.Analyst, Role.Controller, Role.ContentEditor, Role.Administrator];

    /// <summary>The forms that link here, and where each returns to.</summary>
    static readonly Dictionary<string, string> Backs = new(StringComparer.Ordinal)
    {
        ["informing"] = "/office/analytics/informing", ["polls"] = "/office/polls",
    };

    [BindProperty] public string? DrawnName { get; set; }
    [BindProperty] public string? DrawnPoints { get; set; }
    [BindProperty(SupportsGet = true)] public string? Back { get; set; }

    public string BackPath => Backs.GetValueOrDefault(Back ?? "", Backs["informing"]);
    public string BackTitle => Back == "polls" ? "Голосования" : "Адресное информирование";
    /// <summary>Null — the whole region; otherwise the municipalities the person's organisations serve.</summary>
    public IReadOnlyList<string>? Within { get; private set; }
    public string MapJson { get; private set; } = "{}";
    public Dictionary<string, string> Errors { get; } = [];

    public string? DescribedBy(string field) => Errors.ContainsKey(field) ? field + "-error" : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : Forbid();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Forbid();
        try
        {
            var scope = await ScopeAsync(ct);
            var saved = await DrawnTerritories.SaveAsync(db, locator, DrawnName, DrawnPoints, ct, scope);
            audit.Record(HttpContext, user, AuditKind.AreaDrawn, null, $"«{saved.Name}» ({saved.Code}) для {(Back == "polls" ? "голосований" : "информирования")}");
            return Redirect($"{BackPath}?territoryId={saved.Id}");
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors) Errors["drawn" + field] = messages[0];
            db.ChangeTracker.Clear();
            Response.StatusCode = e.Status;
            return Page();
        }
    }

    /// <summary>Null when the person sees the whole region; otherwise the organisations they draw for.</summary>
    async Task<HashSet<Guid>?> ScopeAsync(CancellationToken ct)
    {
        var scope = await user.ScopeAsync(ct, Drawers);
        return await RegionWideAsync(scope, ct) ? null : scope;
    }

    /// <summary>The whole region: a role at its root, or at the centre of management (which watches every channel of the region).</summary>
    async Task<bool> RegionWideAsync(HashSet<Guid> scope, CancellationToken ct) =>
        await user.IsEverywhereAsync(scope, ct) || await db.Organisations.AnyAsync(o => scope.Contains(o.Id) && o.Kind == OrganisationKind.CentreOfManagement, ct);

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        var scope = await user.ScopeAsync(ct, Drawers);
        if (scope.Count == 0) return false;
        var everywhere = await RegionWideAsync(scope, ct);
        var territories = await db.Territories.AsNoTracking().Where(t => t.BoundaryGeoJson != "").OrderBy(t => t.Name)
            .Select(t => new { t.Name, t.Kind, t.OrganisationId, t.BoundaryGeoJson }).ToListAsync(ct);
        var own = territories.Where(t => t.Kind == TerritoryKind.Municipality && t.OrganisationId is { } o && scope.Contains(o)).ToList();
        Within = everywhere ? null : [.. own.Select(t => t.Name)];
        // Grey: the municipalities; purple dashes: areas drawn before; blue: where this person may draw (when not the whole region).
        var current = territories.Select(t => new { t.Name, drawn = t.Kind == TerritoryKind.Drawn, geometry = JsonDocument.Parse(t.BoundaryGeoJson).RootElement });
        var imported = everywhere ? null : new
        {
            type = "FeatureCollection",
            features = own.Select(t => new { type = "Feature", properties = new { name = t.Name }, geometry = JsonDocument.Parse(t.BoundaryGeoJson).RootElement }),
        };
        MapJson = JsonSerializer.Serialize(new { current, imported });
        return true;
    }
}
