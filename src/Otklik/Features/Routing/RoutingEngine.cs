using Otklik.Features.Appeals;

namespace Otklik.Features.Routing;

/// <summary>
/// What the rules look at, taken once per appeal: the classification, the lower-cased text and the arrival in the
/// working time of the region's centre (computed by the caller with that organisation's clock, so the engine stays pure).
/// </summary>
public sealed record AppealFacts(
    Guid CategoryId, Guid? TopicId, Guid? TerritoryId, Channel Channel, ApplicantKind ApplicantKind, LegalRegime Regime, AppealKind Kind,
    string Text, DayOfWeek Weekday, bool InWorkingHours, Guid? RespondentId)
{
    /// <summary>Lower case, and "ё" read as "е", as people write both.</summary>
    public static string Normalise(string text) => text.ToLowerInvariant().Replace('ё', 'е');
}

/// <summary>A rule ready for matching: its stems normalised once, when the rule set is loaded.</summary>
public sealed class CompiledRule
{
    readonly RuleConditions _c;
    readonly string[] _words;

    public CompiledRule(RoutingRule rule)
    {
        Ref = rule.Ref;
        Position = rule.Position;
        Continue = rule.Continue;
        Actions = rule.Actions;
        _c = rule.Conditions;
        _words = [.. rule.Conditions.Words.Select(w => AppealFacts.Normalise(w.Trim())).Where(w => w.Length > 0)];
    }

    public RuleRef Ref { get; }
    public int Position { get; }
    public bool Continue { get; }
    public RuleActions Actions { get; }

    /// <summary>Every condition that is set must hold; the cheap ones are asked first and the text last.</summary>
    public bool Matches(AppealFacts f)
    {
        if (_c.CategoryIds.Length > 0 && Array.IndexOf(_c.CategoryIds, f.CategoryId) < 0) return false;
        if (_c.TopicIds.Length > 0 && (f.TopicId is not { } topic || Array.IndexOf(_c.TopicIds, topic) < 0)) return false;
        if (_c.TerritoryIds.Length > 0 && (f.TerritoryId is not { } territory || Array.IndexOf(_c.TerritoryIds, territory) < 0)) return false;
        if (_c.Channels.Length > 0 && Array.IndexOf(_c.Channels, f.Channel) < 0) return false;
        if (_c.ApplicantKinds.Length > 0 && Array.IndexOf(_c.ApplicantKinds, f.ApplicantKind) < 0) return false;
        if (_c.Regimes.Length > 0 && Array.IndexOf(_c.Regimes, f.Regime) < 0) return false;
        if (_c.Kinds.Length > 0 && Array.IndexOf(_c.Kinds, f.Kind) < 0) return false;
        if (_c.Weekdays.Length > 0 && Array.IndexOf(_c.Weekdays, f.Weekday) < 0) return false;
        if (_c.Arrival == ArrivalWindow.WorkingHours && !f.InWorkingHours) return false;
        if (_c.Arrival == ArrivalWindow.OffHours && f.InWorkingHours) return false;
        if (_words.Length > 0)
        {
            foreach (var w in _words)
                if (f.Text.Contains(w, StringComparison.Ordinal)) return true;
            return false;
        }
        return true;
    }
}

/// <summary>The enabled rules in their order, as one immutable snapshot of a version of the rule set.</summary>
public sealed class RuleSet(int version, IReadOnlyList<CompiledRule> rules)
{
    public int Version { get; } = version;
    public IReadOnlyList<CompiledRule> Rules { get; } = rules;

    public static RuleSet Of(int version, IEnumerable<RoutingRule> rules) =>
        new(version, [.. rules.Where(r => r.Enabled).OrderBy(r => r.Position).ThenBy(r => r.CreatedAtUtc).Select(r => new CompiledRule(r))]);
}

/// <summary>A route the engine would not take, and why.</summary>
public sealed record Refusal(RuleRef? Rule, Guid OrganisationId, string Reason);

/// <summary>What the matching rules decided, each field by the first rule that set it, with the rule kept for the history.</summary>
public sealed class Decision
{
    public int SetVersion { get; init; }
    /// <summary>Each matching rule and what it contributed (only what earlier rules left unset).</summary>
    public List<(RuleRef Rule, RuleActions Contributed)> Effects { get; } = [];
    public Guid? Executor { get; set; }
    public RuleRef? ExecutorRule { get; set; }
    public List<Guid> CoExecutors { get; } = [];
    public RouteKind? Route { get; set; }
    public MunicipalityOrder Sequence { get; set; }
    public Guid? Municipality { get; set; }
    public RuleRef? RouteRule { get; set; }
    public string? PartPolicy { get; set; }
    public AppealKind? Kind { get; set; }
    public AppealPriority? Priority { get; set; }
    public string? AnswerPolicy { get; set; }
    public List<string> Tags { get; } = [];
    public IntakeDecision? Intake { get; set; }
    public List<Refusal> Refusals { get; } = [];

    public bool Matched => Effects.Count > 0;
    /// <summary>A refused route sends the appeal to the moderators of the centre, whatever a rule said about the intake.</summary>
    public bool NeedsModeration => Refusals.Count > 0 || Intake != IntakeDecision.Registration;
}

public static class RoutingEngine
{
    public const string RespondentReason = "Жалоба не направляется органу, на действия которого она подана (59-ФЗ ст. 8 ч. 6): маршрут отклонён, обращение остаётся у модератора центра.";

    /// <summary>
    /// Runs the rules over one appeal in memory. A complaint is never routed to its respondent or a unit of it: such an
    /// executor, co-executor or municipality is refused with the reason, and the appeal falls back to the moderators.
    /// <paramref name="paths"/> (the organisation tree) lets "a unit of it" be known; without it only the body itself is refused.
    /// </summary>
    public static Decision Evaluate(RuleSet set, AppealFacts facts, IReadOnlyDictionary<Guid, string>? paths = null)
    {
        var d = new Decision { SetVersion = set.Version };
        var executorDecided = false;
        foreach (var rule in set.Rules)
        {
            if (!rule.Matches(facts)) continue;
            var a = rule.Actions;
            var c = new RuleActions();
            if (!executorDecided && a.ExecutorOrganisationId is { } executor)
            {
                executorDecided = true;
                if (IsRespondent(executor, facts.RespondentId, paths)) d.Refusals.Add(new(rule.Ref, executor, RespondentReason));
                else { d.Executor = executor; d.ExecutorRule = rule.Ref; c = c with { ExecutorOrganisationId = executor }; }
            }
            var added = new List<Guid>();
            foreach (var co in a.CoExecutorIds)
            {
                if (d.CoExecutors.Contains(co)) continue;
                if (IsRespondent(co, facts.RespondentId, paths)) { d.Refusals.Add(new(rule.Ref, co, RespondentReason)); continue; }
                d.CoExecutors.Add(co);
                added.Add(co);
            }
            if (added.Count > 0) c = c with { CoExecutorIds = [.. added] };
            if (d.Route is null && a.Route is { } route)
            {
                if (a.MunicipalityId is { } municipality && IsRespondent(municipality, facts.RespondentId, paths))
                    d.Refusals.Add(new(rule.Ref, municipality, RespondentReason));
                else
                {
                    (d.Route, d.Sequence, d.Municipality, d.RouteRule) = (route, a.Sequence, a.MunicipalityId, rule.Ref);
                    c = c with { Route = route, Sequence = a.Sequence, MunicipalityId = a.MunicipalityId };
                }
            }
            if (d.PartPolicy is null && a.PartPolicy is { } partPolicy) { d.PartPolicy = partPolicy; c = c with { PartPolicy = partPolicy }; }
            if (d.Kind is null && a.Kind is { } kind) { d.Kind = kind; c = c with { Kind = kind }; }
            if (d.Priority is null && a.Priority is { } priority) { d.Priority = priority; c = c with { Priority = priority }; }
            if (d.AnswerPolicy is null && a.AnswerPolicy is { } policy) { d.AnswerPolicy = policy; c = c with { AnswerPolicy = policy }; }
            if (!string.IsNullOrWhiteSpace(a.Tag) && !d.Tags.Contains(a.Tag)) { d.Tags.Add(a.Tag); c = c with { Tag = a.Tag }; }
            if (d.Intake is null && a.Intake is { } intake) { d.Intake = intake; c = c with { Intake = intake }; }
            d.Effects.Add((rule.Ref, c));
            if (!rule.Continue) break;
        }
        return d;
    }

    /// <summary>Is <paramref name="organisationId"/> the respondent, or a unit under it?</summary>
    public static bool IsRespondent(Guid organisationId, Guid? respondentId, IReadOnlyDictionary<Guid, string>? paths)
    {
        if (respondentId is not { } respondent) return false;
        if (organisationId == respondent) return true;
        return paths is not null && paths.TryGetValue(organisationId, out var path) && paths.TryGetValue(respondent, out var scope)
               && path.StartsWith(scope, StringComparison.Ordinal);
    }
}
