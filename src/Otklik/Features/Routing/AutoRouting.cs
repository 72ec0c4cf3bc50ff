using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Routing;

/// <summary>
/// Routing where it happens: at intake (moderation or straight to registration) and at registration (executor, co-executors,
/// kind, priority, deadline policy, tags). A plan is made first (reads only, so the intake makes it before it takes the
/// counter's lock), then applied to the appeal, where every decision lands in the history with the rule that made it.
/// </summary>
public sealed class AutoRouting(AppDbContext db, RoutingRules rules, OrganisationTree tree, DeadlineClocks clocks)
{
    /// <summary>Everything a routing change does, decided in advance.</summary>
    public sealed class Plan
    {
        public required Decision Decision { get; init; }
        public required bool AtIntake { get; init; }
        public Guid? Executor { get; set; }
        public string? ExecutorWhy { get; set; }
        public RuleRef? ExecutorRule { get; set; }
        public Guid? ChosenBy { get; set; }
        public List<Refusal> Refusals { get; } = [];
        /// <summary>Intake only: the rules send the appeal straight to registration and an executor is known.</summary>
        public bool Register { get; set; }
        public RouteKind? Route { get; set; }
        public List<Appeal.PlannedPart> Parts { get; } = [];
        public Dictionary<Guid, DeadlineClock> Clocks { get; } = [];
        public Dictionary<Guid, string> Names { get; } = [];

        public string NameOf(Guid id) => Names.GetValueOrDefault(id, "организация");
    }

    /// <summary>The facts of an appeal for the rules; arrival is judged in the working time of the centre that owns it.</summary>
    public static AppealFacts FactsOf(Guid categoryId, Guid? topicId, Guid? territoryId, Channel channel, ApplicantKind applicantKind,
        LegalRegime regime, AppealKind kind, string text, DateTime receivedAtUtc, Guid? respondentId, DeadlineClock regionClock)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(receivedAtUtc, DateTimeKind.Utc), regionClock.Zone);
        bool inWorkingHours;
        try { inWorkingHours = regionClock.WorkingTimeBetween(receivedAtUtc, receivedAtUtc.AddMinutes(1)) > TimeSpan.Zero; }
        catch (CalendarMissingException) { inWorkingHours = local.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday); }
        return new AppealFacts(categoryId, topicId, territoryId, channel, applicantKind, regime, kind, AppealFacts.Normalise(text),
            local.DayOfWeek, inWorkingHours, respondentId);
    }

    public async Task<AppealFacts> FactsAsync(Appeal a, CancellationToken ct) =>
        FactsOf(a.CategoryId, a.TopicId, a.TerritoryId, a.Channel, a.Applicant.Kind, a.Regime, a.Kind, a.Text, a.ReceivedAtUtc,
            a.RespondentOrganisationId, await clocks.ForAsync(db, a.OwnerOrganisationId, ct));

    public async Task<AppealFacts> FactsAsync(Appeal.Draft d, DateTime receivedAtUtc, CancellationToken ct) =>
        FactsOf(d.CategoryId, d.TopicId, d.TerritoryId, d.Channel, d.Applicant.Kind, d.Regime, d.Kind, d.Text, receivedAtUtc,
            d.RespondentOrganisationId, await clocks.ForAsync(db, d.OwnerOrganisationId, ct));

    /// <summary>
    /// Plans the routing of an appeal. <paramref name="currentExecutor"/> (already routed) and <paramref name="chosen"/> (the
    /// moderator's choice) take precedence over the rules' executor; the topic's route is the fallback at registration, and at
    /// intake only when a rule sends the appeal straight to registration. A route to a complaint's respondent is refused.
    /// </summary>
    public async Task<Plan> PlanAsync(AppealFacts facts, Guid? currentExecutor, Guid? chosen, bool atIntake, CancellationToken ct)
    {
        var set = await rules.CurrentAsync(db, ct);
        var paths = await tree.PathsAsync(ct);
        var d = RoutingEngine.Evaluate(set, facts, paths);
        var plan = new Plan { Decision = d, AtIntake = atIntake };
        // A refusal is news only where the rules decide the executor; the moderator's own choice needs no second refusal.
        if (atIntake || (chosen is null && currentExecutor is null)) plan.Refusals.AddRange(d.Refusals);
        // The intake's hot path: with no rule matching, the appeal simply waits for the moderator.
        if (atIntake && !d.Matched) return plan;
        var organisations = await db.Organisations.AsNoTracking().Select(o => new { o.Id, o.Name, o.ShortName, o.IsConnected }).ToListAsync(ct);
        foreach (var o in organisations) plan.Names[o.Id] = o.ShortName;
        bool Usable(Guid id) => organisations.Any(o => o.Id == id && o.IsConnected);

        if (chosen is not null) (plan.Executor, plan.ChosenBy) = (chosen, chosen);
        else if (currentExecutor is not null) plan.Executor = currentExecutor;
        else if (d.Executor is { } ruled && Usable(ruled))
            (plan.Executor, plan.ExecutorRule, plan.ExecutorWhy) = (ruled, d.ExecutorRule, $"Автоправило «{d.ExecutorRule!.Name}» (версия {d.ExecutorRule.Version})");
        // A refused route leaves the intake's appeal with the moderators; at registration the topic's route is tried instead.
        else if ((!atIntake || (d.Refusals.Count == 0 && d.Intake == IntakeDecision.Registration))
                 && await FirstRouting.ChooseAsync(db, facts.TopicId, facts.TerritoryId, ct) is { } first)
        {
            if (RoutingEngine.IsRespondent(first.OrganisationId, facts.RespondentId, paths))
                plan.Refusals.Add(new(null, first.OrganisationId, RoutingEngine.RespondentReason + $" ({first.Why.ToLowerInvariant()})"));
            else (plan.Executor, plan.ExecutorWhy) = (first.OrganisationId, first.Why);
        }
        plan.Register = atIntake && d.Intake == IntakeDecision.Registration && plan.Refusals.Count == 0 && plan.Executor is not null;

        // The rule's route is taken with the rule's executor; a moderator who chose another executor chose the route too.
        var willRegister = !atIntake || plan.Register;
        if (willRegister && plan.Executor is { } lead && d.Route is { } route and not RouteKind.Single && (d.Executor is null || d.Executor == lead))
            await PlanPartsAsync(plan, route, lead, facts, paths, Usable, ct);
        if (plan.Executor is { } executor) plan.Clocks[executor] = await clocks.ForAsync(db, executor, ct);
        return plan;
    }

    async Task PlanPartsAsync(Plan plan, RouteKind route, Guid lead, AppealFacts facts, IReadOnlyDictionary<Guid, string> paths,
        Func<Guid, bool> usable, CancellationToken ct)
    {
        var d = plan.Decision;
        var rule = d.RouteRule ?? d.ExecutorRule;
        var ruleName = rule is null ? "" : $" (автоправило «{rule.Name}»)";
        var coExecutors = d.CoExecutors.Where(id => id != lead && usable(id)).ToList();
        if (route == RouteKind.WithMunicipality)
        {
            var municipality = d.Municipality
                ?? (facts.TerritoryId is { } territory
                    ? await db.Territories.AsNoTracking().Where(t => t.Id == territory).Select(t => t.OrganisationId).SingleOrDefaultAsync(ct) : null);
            if (municipality is not { } mun || mun == lead || !usable(mun)) return;
            if (RoutingEngine.IsRespondent(mun, facts.RespondentId, paths))
            {
                plan.Refusals.Add(new(rule, mun, RoutingEngine.RespondentReason));
                return;
            }
            var (regional, municipal) = d.Sequence switch
            {
                MunicipalityOrder.RegionFirst => (0, 1),
                MunicipalityOrder.MunicipalityFirst => (1, 0),
                _ => (0, 0),
            };
            plan.Parts.Add(new(lead, "Часть регионального органа: рассмотрите вопрос по своей компетенции" + ruleName, regional, d.PartPolicy));
            plan.Parts.Add(new(mun, "Часть муниципалитета: рассмотрите вопрос по своей компетенции" + ruleName, municipal, d.PartPolicy));
            foreach (var co in coExecutors.Where(c => c != mun))
                plan.Parts.Add(new(co, "Часть соисполнителя: подготовьте сведения по своей компетенции" + ruleName, 0, d.PartPolicy));
        }
        else
            foreach (var co in coExecutors)
                plan.Parts.Add(new(co, "Часть соисполнителя: подготовьте сведения по своей компетенции" + ruleName, 0, d.PartPolicy));
        if (plan.Parts.Count == 0) return;
        plan.Route = route;
        foreach (var org in plan.Parts.Select(p => p.OrganisationId).Distinct())
            plan.Clocks[org] = await clocks.ForAsync(db, org, ct);
    }

    /// <summary>
    /// Applies a plan up to registration: the refusals, each matching rule's effects (one history event per rule, with its
    /// id, name and version), the executor, and at intake the registration itself with the route's parts.
    /// </summary>
    public static void Apply(Plan plan, Appeal appeal, Guid? actorId, DateTime nowUtc)
    {
        foreach (var r in plan.Refusals) appeal.RecordRefusedRoute(r.OrganisationId, r.Reason, r.Rule, nowUtc);
        foreach (var (rule, c) in plan.Decision.Effects)
            appeal.ApplyRule(rule, c.Kind, c.Priority, c.AnswerPolicy, c.Tag, Describe(plan, c), nowUtc, onlyChanges: !plan.AtIntake);
        if (plan.Executor is { } executor && appeal.ExecutorOrganisationId != executor)
            appeal.Route(executor, plan.ChosenBy is not null ? "Выбор модератора" : plan.ExecutorWhy, plan.ChosenBy is not null ? actorId : null, nowUtc,
                plan.ExecutorRule);
        if (plan.Register)
        {
            appeal.Register(null, nowUtc);
            OpenRoute(plan, appeal, nowUtc);
        }
    }

    /// <summary>Opens the planned route on a registered appeal (several organisations, or with a municipality).</summary>
    public static void OpenRoute(Plan plan, Appeal appeal, DateTime nowUtc)
    {
        if (plan.Route is not { } route || plan.Parts.Count == 0) return;
        var d = plan.Decision;
        var order = route == RouteKind.WithMunicipality
            ? d.Sequence switch
            {
                MunicipalityOrder.RegionFirst => ", последовательно: сначала региональный орган",
                MunicipalityOrder.MunicipalityFirst => ", последовательно: сначала муниципалитет",
                _ => ", параллельно",
            }
            : "";
        var rule = d.RouteRule ?? d.ExecutorRule;
        var why = $"{Labels.Of(route)}{order}: ведущий — {plan.NameOf(appeal.ExecutorOrganisationId!.Value)}, части — "
                  + string.Join(", ", plan.Parts.Select(p => plan.NameOf(p.OrganisationId)))
                  + (rule is null ? "." : $". Автоправило «{rule.Name}» (версия {rule.Version}).");
        appeal.OpenRoute(route, plan.Parts, why, rule, id => plan.Clocks[id], nowUtc);
    }

    /// <summary>The part of a rule's effect that the kind/priority/tag fields do not say: where it sent the appeal.</summary>
    static string? Describe(Plan plan, RuleActions c)
    {
        var parts = new List<string>();
        if (c.ExecutorOrganisationId is { } e) parts.Add($"исполнитель — {plan.NameOf(e)}");
        if (c.CoExecutorIds.Length > 0) parts.Add("соисполнители — " + string.Join(", ", c.CoExecutorIds.Select(plan.NameOf)));
        if (c.Route is { } route) parts.Add($"маршрут — {Labels.Of(route).ToLowerInvariant()}");
        if (plan.AtIntake && c.Intake is { } intake)
            parts.Add(intake == IntakeDecision.Moderation ? "на модерацию"
                : plan.Register ? "сразу на регистрацию" : "на модерацию: без исполнителя сразу зарегистрировать нельзя");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}
