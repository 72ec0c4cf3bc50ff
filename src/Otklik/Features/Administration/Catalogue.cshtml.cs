using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// Categories and their topics, and each topic's routes: which organisation is competent in which territory (a route
/// with no territory is the default). Changed through the API's operations, by the region's administrator.
/// </summary>
public sealed class CatalogueModel(AppDbContext db, CurrentUser user) : AdminPage(db, user)
{
    protected override bool RegionOnly => true;

    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<Territory> Territories { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> Organisations { get; private set; } = new Dictionary<Guid, string>();
    [BindProperty(SupportsGet = true)] public Guid? Topic { get; set; }
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    public Topic? Editing { get; private set; }
    /// <summary>Which form the errors belong to.</summary>
    public string? FailedForm { get; private set; }

    [BindProperty] public string? CategoryName { get; set; }
    [BindProperty] public ApplicantAudience? Audience { get; set; }
    [BindProperty] public Guid? CategoryId { get; set; }
    [BindProperty] public string? TopicName { get; set; }
    [BindProperty] public AppealKind? DefaultKind { get; set; }
    [BindProperty] public LegalRegime? DefaultRegime { get; set; }
    /// <summary>The route form: for the default ("") and each territory id, the organisation (empty: no route).</summary>
    [BindProperty] public Dictionary<string, Guid?> Routes { get; set; } = [];

    public static string AudienceTitle(ApplicantAudience a) => a == ApplicantAudience.Business ? "Бизнес" : "Граждане";

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostCategoryAsync(CancellationToken ct)
    {
        if (await CallAsync(() => DirectoryApi.CreateCategory(new(CategoryName, Audience, null), Db, ct)))
            return Redirect("/office/admin/catalogue?done=" + Uri.EscapeDataString($"Категория «{CategoryName!.Trim()}» добавлена."));
        FailedForm = "category";
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostTopicAsync(CancellationToken ct)
    {
        if (await CallAsync(() => DirectoryApi.CreateTopic(new(CategoryId, TopicName, DefaultKind, DefaultRegime, true), Db, ct)))
            return Redirect("/office/admin/catalogue?done=" + Uri.EscapeDataString($"Тема «{TopicName!.Trim()}» добавлена."));
        FailedForm = "topic";
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRoutesAsync(CancellationToken ct)
    {
        if (Topic is not { } topic) return NotFound();
        var routes = Routes.Where(r => r.Value is not null)
            .Select(r => new DirectoryApi.RouteView(Guid.TryParse(r.Key, out var t) ? t : null, r.Value!.Value)).ToArray();
        if (await CallAsync(() => DirectoryApi.SetTopicRoutes(topic, routes, Db, ct)))
            return Redirect($"/office/admin/catalogue?topic={topic}&done=" + Uri.EscapeDataString("Маршруты темы сохранены."));
        FailedForm = "routes";
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>The organisation a territory's route names now (the posted one after a refusal).</summary>
    public Guid? RouteOf(Guid? territory)
    {
        if (FailedForm == "routes") return Routes.GetValueOrDefault(territory?.ToString() ?? "");
        return Editing?.Routes.FirstOrDefault(r => r.TerritoryId == territory)?.OrganisationId;
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Categories = await Db.Categories.AsNoTracking().Include(c => c.Topics).ThenInclude(t => t.Routes).AsSplitQuery()
            .OrderBy(c => c.Audience).ThenBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);
        Territories = await Db.Territories.AsNoTracking().Where(t => t.Kind == Otklik.Features.Directory.TerritoryKind.Municipality).OrderBy(t => t.Name).ToListAsync(ct);
        Organisations = await Db.Organisations.AsNoTracking().Where(o => o.IsConnected).OrderBy(o => o.ShortName).ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        Editing = Topic is { } id ? Categories.SelectMany(c => c.Topics).FirstOrDefault(t => t.Id == id) : null;
    }
}
