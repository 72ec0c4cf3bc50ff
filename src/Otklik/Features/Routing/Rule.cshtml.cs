using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Routing;

/// <summary>A rule as the page's form holds it: plain fields, lists from multiple selects, the words as one line.</summary>
public sealed class RuleForm
{
    public string? Name { get; set; }
    public bool Enabled { get; set; } = true;
    public bool Continue { get; set; }
    public List<Guid> CategoryIds { get; set; } = [];
    public List<Guid> TopicIds { get; set; } = [];
    public List<Guid> TerritoryIds { get; set; } = [];
    public List<Channel> Channels { get; set; } = [];
    public List<ApplicantKind> ApplicantKinds { get; set; } = [];
    public List<LegalRegime> Regimes { get; set; } = [];
    public List<AppealKind> Kinds { get; set; } = [];
    public string? Words { get; set; }
    public ArrivalWindow Arrival { get; set; }
    public List<DayOfWeek> Weekdays { get; set; } = [];
    public Guid? ExecutorOrganisationId { get; set; }
    public List<Guid> CoExecutorIds { get; set; } = [];
    public RouteKind? Route { get; set; }
    public MunicipalityOrder Sequence { get; set; }
    public Guid? MunicipalityId { get; set; }
    public AppealKind? Kind { get; set; }
    public AppealPriority? Priority { get; set; }
    public string? AnswerPolicy { get; set; }
    public string? PartPolicy { get; set; }
    public string? Tag { get; set; }
    public IntakeDecision? Intake { get; set; }

    public RuleConditions Conditions => new()
    {
        CategoryIds = [.. CategoryIds], TopicIds = [.. TopicIds], TerritoryIds = [.. TerritoryIds], Channels = [.. Channels],
        ApplicantKinds = [.. ApplicantKinds], Regimes = [.. Regimes], Kinds = [.. Kinds], Arrival = Arrival, Weekdays = [.. Weekdays],
        Words = [.. (Words ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
    };

    public RuleActions Actions => new()
    {
        ExecutorOrganisationId = ExecutorOrganisationId, CoExecutorIds = [.. CoExecutorIds], Route = Route, Sequence = Sequence,
        MunicipalityId = MunicipalityId, Kind = Kind, Priority = Priority, AnswerPolicy = AnswerPolicy, PartPolicy = PartPolicy, Tag = Tag, Intake = Intake,
    };

    public static RuleForm Of(RoutingRule r) => new()
    {
        Name = r.Name, Enabled = r.Enabled, Continue = r.Continue,
        CategoryIds = [.. r.Conditions.CategoryIds], TopicIds = [.. r.Conditions.TopicIds], TerritoryIds = [.. r.Conditions.TerritoryIds],
        Channels = [.. r.Conditions.Channels], ApplicantKinds = [.. r.Conditions.ApplicantKinds], Regimes = [.. r.Conditions.Regimes],
        Kinds = [.. r.Conditions.Kinds], Words = string.Join(", ", r.Conditions.Words), Arrival = r.Conditions.Arrival, Weekdays = [.. r.Conditions.Weekdays],
        ExecutorOrganisationId = r.Actions.ExecutorOrganisationId, CoExecutorIds = [.. r.Actions.CoExecutorIds], Route = r.Actions.Route,
        Sequence = r.Actions.Sequence, MunicipalityId = r.Actions.MunicipalityId, Kind = r.Actions.Kind, Priority = r.Actions.Priority,
        AnswerPolicy = r.Actions.AnswerPolicy, PartPolicy = r.Actions.PartPolicy, Tag = r.Actions.Tag, Intake = r.Actions.Intake,
    };

    public static string ArrivalTitle(ArrivalWindow a) => a switch
    {
        ArrivalWindow.WorkingHours => "В рабочее время центра",
        ArrivalWindow.OffHours => "В нерабочее время центра",
        _ => "В любое время",
    };

    public static string SequenceTitle(MunicipalityOrder o) => o switch
    {
        MunicipalityOrder.RegionFirst => "Последовательно: сначала региональный орган",
        MunicipalityOrder.MunicipalityFirst => "Последовательно: сначала муниципалитет",
        _ => "Параллельно",
    };

    public static string DayTitle(DayOfWeek d) => d switch
    {
        DayOfWeek.Monday => "пн", DayOfWeek.Tuesday => "вт", DayOfWeek.Wednesday => "ср", DayOfWeek.Thursday => "чт",
        DayOfWeek.Friday => "пт", DayOfWeek.Saturday => "сб", _ => "вс",
    };

    public static readonly DayOfWeek[] Week =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];
}

/// <summary>
/// Writing a rule: the form, "try it over the last 30 days" (the result table under the form), then save. A failed
/// form keeps what was typed and shows each error next to its field.
/// </summary>
[Authorize]
public sealed class RuleModel(AppDbContext db, CurrentUser user, TimeProvider clock, DeadlineClocks clocks, OrganisationTree tree) : PageModel
{
    [FromRoute] public Guid? Id { get; set; }
    [BindProperty] public RuleForm Form { get; set; } = new();
    [BindProperty] public int? Version { get; set; }

    public RuleAdmin.TryResult? Tried { get; private set; }
    public string? Message { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public IReadOnlyList<Organisation> Organisations { get; private set; } = [];
    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<Topic> Topics { get; private set; } = [];
    public IReadOnlyList<Territory> Territories { get; private set; } = [];

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!await user.IsRegionAdministratorAsync(HttpContext.RequestAborted)) { context.Result = Forbid(); return; }
        await next();
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Id is { } id)
        {
            var rule = await db.RoutingRules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
            if (rule is null) return NotFound();
            (Form, Version) = (RuleForm.Of(rule), rule.Version);
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostTryAsync(CancellationToken ct)
    {
        try
        {
            var e = new InputErrors();
            await RuleAdmin.CheckAsync(db, e, Form.Conditions, Form.Actions, ct);
            e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
            Tried = await RuleAdmin.TryAsync(db, clocks, tree, Form.Conditions, Form.Actions, clock.GetUtcNow().UtcDateTime, ct);
        }
        catch (InputException e) { Fail(e.Status, e.Message, e.Errors); }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        var request = new RoutingApi.RuleRequest(Version, Form.Name, Form.Enabled, Form.Continue, Form.Conditions, Form.Actions);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var saved = Id is { } id ? await RuleAdmin.UpdateAsync(db, id, request, user.Id, now, ct) : await RuleAdmin.CreateAsync(db, request, user.Id, now, ct);
            if (saved is null) return NotFound();
            return Redirect("/office/routing?saved=" + Uri.EscapeDataString(saved.Name));
        }
        catch (InputException e) { Fail(e.Status, e.Message, e.Errors); }
        catch (RuleException e) { Fail(StatusCodes.Status409Conflict, e.Message, new Dictionary<string, string[]>()); }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        if (Id is not { } id || !await RuleAdmin.DeleteAsync(db, id, ct)) return NotFound();
        return Redirect("/office/routing");
    }

    void Fail(int status, string message, IReadOnlyDictionary<string, string[]> errors)
    {
        db.ChangeTracker.Clear();
        (Message, Errors) = (message, errors);
        Response.StatusCode = status;
    }

    async Task LoadAsync(CancellationToken ct)
    {
        var organisations = await db.Organisations.AsNoTracking().Where(o => o.IsConnected).ToListAsync(ct);
        Organisations = [.. organisations.OrderBy(o => o.Path.Count(c => c == '/')).ThenBy(o => o.Name, StringComparer.Ordinal)];
        Categories = await db.Categories.AsNoTracking().OrderBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);
        Topics = await db.Topics.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        Territories = await db.Territories.AsNoTracking().Where(t => t.Kind == TerritoryKind.Municipality).OrderBy(t => t.Name).ToListAsync(ct);
    }

    public string TopicTitle(Topic t) => $"{Categories.FirstOrDefault(c => c.Id == t.CategoryId)?.Name} → {t.Name}";
}
