using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Routing;

/// <summary>The auto-rules in their order, for an administrator at the region root: move, switch on and off, open to edit.</summary>
[Authorize]
public sealed class RulesModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public IReadOnlyList<RoutingRule> Rules { get; private set; } = [];
    public RuleNames Names { get; private set; } = RuleNames.Empty;
    [BindProperty(SupportsGet = true)] public string? Saved { get; set; }
    public string? Error { get; private set; }

    [BindProperty] public Guid RuleId { get; set; }
    [BindProperty] public int? Version { get; set; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!await user.IsRegionAdministratorAsync(HttpContext.RequestAborted)) { context.Result = Forbid(); return; }
        await next();
    }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostUpAsync(CancellationToken ct)
    {
        await RuleAdmin.MoveAsync(db, RuleId, -1, ct);
        return Redirect("/office/routing");
    }

    public async Task<IActionResult> OnPostDownAsync(CancellationToken ct)
    {
        await RuleAdmin.MoveAsync(db, RuleId, +1, ct);
        return Redirect("/office/routing");
    }

    public Task<IActionResult> OnPostEnableAsync(CancellationToken ct) => SwitchAsync(true, ct);
    public Task<IActionResult> OnPostDisableAsync(CancellationToken ct) => SwitchAsync(false, ct);

    async Task<IActionResult> SwitchAsync(bool enabled, CancellationToken ct)
    {
        try
        {
            if (await RuleAdmin.SwitchAsync(db, RuleId, Version, enabled, user.Id, clock.GetUtcNow().UtcDateTime, ct) is null) return NotFound();
            return Redirect("/office/routing");
        }
        catch (Exception e) when (e is RuleException or InputException)
        {
            db.ChangeTracker.Clear();
            Error = e.Message;
            Response.StatusCode = StatusCodes.Status409Conflict;
            await LoadAsync(ct);
            return Page();
        }
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Rules = await db.RoutingRules.AsNoTracking().OrderBy(r => r.Position).ToListAsync(ct);
        Names = await RuleNames.LoadAsync(db, ct);
    }
}

/// <summary>The names the rule pages show for the ids a rule holds, and a rule in a line of Russian.</summary>
public sealed record RuleNames(IReadOnlyDictionary<Guid, string> Organisations, IReadOnlyDictionary<Guid, string> Categories,
    IReadOnlyDictionary<Guid, string> Topics, IReadOnlyDictionary<Guid, string> Territories)
{
    public static readonly RuleNames Empty = new(new Dictionary<Guid, string>(), new Dictionary<Guid, string>(), new Dictionary<Guid, string>(),
        new Dictionary<Guid, string>());

    public static async Task<RuleNames> LoadAsync(AppDbContext db, CancellationToken ct) => new(
        await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct),
        await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct),
        await db.Topics.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct),
        await db.Territories.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct));

    static string Of(IReadOnlyDictionary<Guid, string> names, IEnumerable<Guid> ids) => string.Join(", ", ids.Select(id => names.GetValueOrDefault(id, "?")));

    public string Org(Guid? id) => id is { } g ? Organisations.GetValueOrDefault(g, "?") : "—";

    public string When(RuleConditions c)
    {
        var parts = new List<string>();
        if (c.CategoryIds.Length > 0) parts.Add("категория: " + Of(Categories, c.CategoryIds));
        if (c.TopicIds.Length > 0) parts.Add("тема: " + Of(Topics, c.TopicIds));
        if (c.TerritoryIds.Length > 0) parts.Add("территория: " + Of(Territories, c.TerritoryIds));
        if (c.Channels.Length > 0) parts.Add("канал: " + string.Join(", ", c.Channels.Select(Labels.Of)));
        if (c.ApplicantKinds.Length > 0) parts.Add("заявитель: " + string.Join(", ", c.ApplicantKinds.Select(Labels.Of)));
        if (c.Regimes.Length > 0) parts.Add("режим: " + string.Join(", ", c.Regimes.Select(Labels.Of)));
        if (c.Kinds.Length > 0) parts.Add("вид: " + string.Join(", ", c.Kinds.Select(Labels.Of)));
        if (c.Words.Length > 0) parts.Add("слова: " + string.Join(", ", c.Words));
        if (c.Arrival != ArrivalWindow.Any) parts.Add(RuleForm.ArrivalTitle(c.Arrival).ToLowerInvariant());
        if (c.Weekdays.Length > 0) parts.Add("дни: " + string.Join(", ", c.Weekdays.Select(RuleForm.DayTitle)));
        return parts.Count == 0 ? "любое обращение" : string.Join("; ", parts);
    }

    public string Then(RuleActions a)
    {
        var parts = new List<string>();
        if (a.ExecutorOrganisationId is { } e) parts.Add("исполнитель: " + Org(e));
        if (a.CoExecutorIds.Length > 0) parts.Add("соисполнители: " + Of(Organisations, a.CoExecutorIds));
        if (a.Route is { } route)
            parts.Add("маршрут: " + Labels.Of(route).ToLowerInvariant() + (route == RouteKind.WithMunicipality ? $" ({RuleForm.SequenceTitle(a.Sequence).ToLowerInvariant()})" : ""));
        if (a.Kind is { } kind) parts.Add("вид: " + Labels.Of(kind));
        if (a.Priority is { } p) parts.Add(p == AppealPriority.High ? "высокая важность" : "обычная важность");
        if (a.AnswerPolicy is { } policy) parts.Add("срок ответа: " + policy);
        if (a.PartPolicy is { } partPolicy) parts.Add("срок частей: " + partPolicy);
        if (a.Tag is { } tag) parts.Add($"метка «{tag}»");
        if (a.Intake is { } intake) parts.Add(intake == IntakeDecision.Registration ? "сразу на регистрацию" : "на модерацию");
        return string.Join("; ", parts);
    }
}
