using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// The deadline rules of the region (stage, narrowed by regime, kind, topic, importance → a policy), changed through the
/// API's own operations, with the calculator beside them: a start and an organisation → the due date the rule gives.
/// </summary>
public sealed class DeadlinesModel(AppDbContext db, CurrentUser user, DeadlineClocks clocks, TimeProvider clock) : AdminPage(db, user)
{
    protected override bool RegionOnly => true;

    public IReadOnlyList<DeadlineRule> Rules { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> Topics { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyList<(Guid Id, string Name)> Organisations { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }

    [BindProperty] public DeadlineStage? Stage { get; set; }
    [BindProperty] public LegalRegime? Regime { get; set; }
    [BindProperty] public AppealKind? Kind { get; set; }
    [BindProperty] public Guid? TopicId { get; set; }
    [BindProperty] public bool? HighImportance { get; set; }
    [BindProperty] public string? Policy { get; set; }
    [BindProperty] public string? Note { get; set; }

    // The calculator: a GET form, so a result can be linked and reloaded.
    [BindProperty(SupportsGet = true)] public string? CalcPolicy { get; set; }
    [BindProperty(SupportsGet = true)] public DateTime? CalcFrom { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? CalcOrganisationId { get; set; }
    public CalendarApi.DueView? Due { get; private set; }
    public Dictionary<string, string> CalcErrors { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static string StageTitle(DeadlineStage s) => s switch
    {
        DeadlineStage.Moderation => "Модерация",
        DeadlineStage.Registration => "Регистрация",
        DeadlineStage.Clarification => "Уточнение у заявителя",
        DeadlineStage.Contact => "Первый контакт с заявителем",
        DeadlineStage.Answer => "Ответ",
        DeadlineStage.Redirect => "Переадресация",
        _ => s.ToString(),
    };

    /// <summary>A policy in Russian: "working-days:2" → «2 рабочих дня».</summary>
    public static string PolicyTitle(string policy)
    {
        var parts = policy.Split(':', 2);
        if (parts.Length != 2) return policy;
        return parts[0] switch
        {
            "calendar-days" => $"{parts[1]} календ. дн.",
            "working-days" => $"{parts[1]} рабоч. дн.",
            "working-hours" => $"{parts[1]} рабочих ч",
            "hours" => $"{parts[1]} ч круглосуточно",
            "same-day-cutoff" => $"в тот же день, если до {parts[1]}",
            _ => policy,
        };
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Id is { } id && Rules.FirstOrDefault(r => r.Id == id) is { } rule)
            (Stage, Regime, Kind, TopicId, HighImportance, Policy, Note) = (rule.Stage, rule.Regime, rule.Kind, rule.TopicId, rule.HighImportance, rule.Policy, rule.Note);
        if (CalcFrom is not null || CalcPolicy is not null) await CalculateAsync(ct);
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        var request = new CalendarApi.DeadlineRuleRequest(Stage, Regime, Kind, TopicId, HighImportance, Policy, Note);
        var ok = Id is { } id
            ? await CallAsync(() => CalendarApi.UpdateRule(id, request, Db, clocks, clock, ct))
            : await CallAsync(() => CalendarApi.CreateRule(request, Db, clocks, clock, ct));
        if (ok) return Redirect("/office/admin/deadlines?done=" + Uri.EscapeDataString("Правило сохранено; сроки открытых обращений пересчитаны."));
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        if (Id is not { } id) return NotFound();
        if (await CallAsync(() => CalendarApi.DeleteRule(id, Db, clocks, clock, ct)))
            return Redirect("/office/admin/deadlines?done=" + Uri.EscapeDataString("Правило удалено; сроки открытых обращений пересчитаны."));
        Id = null;
        await LoadAsync(ct);
        return Page();
    }

    async Task CalculateAsync(CancellationToken ct)
    {
        var org = await Db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == CalcOrganisationId, ct);
        if (org is null) { CalcErrors["organisationId"] = "Выберите организацию: срок считается по её часам и часовому поясу."; return; }
        // «Посчитать» beside a rule starts from now, in the organisation's local time, when no start was entered.
        if (CalcFrom is null && Request.Query.ContainsKey("calcPolicy") && !Request.Query.ContainsKey("calcFrom"))
        {
            var now = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZones.Find(org.TimeZone)).DateTime;
            CalcFrom = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMinute));
        }
        if (CalcFrom is not { } local) { CalcErrors["from"] = "Укажите дату и время поступления."; return; }
        // The time entered is the organisation's local time: its offset at that moment makes it an instant.
        var offset = TimeZones.Find(org.TimeZone).GetUtcOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified));
        var from = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        try
        {
            if (await CalendarApi.Due(CalcPolicy, from, null, org.Id, Db, clocks, ct) is Ok<CalendarApi.DueView> ok) Due = ok.Value;
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors) CalcErrors[field] = messages[0];
        }
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Rules = [.. (await Db.DeadlineRules.AsNoTracking().ToListAsync(ct)).OrderBy(r => r.Stage).ThenBy(r => r.Specificity)];
        Topics = await Db.Topics.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        Organisations = [.. (await ScopedOrganisationsAsync(ct)).Select(o => (o.Org.Id, new string(' ', o.Depth * 2) + o.Org.ShortName))];
        CalcOrganisationId ??= Organisations.Count > 1 ? Organisations[1].Id : Organisations.FirstOrDefault().Id;
    }
}
