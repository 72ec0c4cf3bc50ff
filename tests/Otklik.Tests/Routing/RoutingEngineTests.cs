using Otklik.Features.Appeals;
using Otklik.Features.Routing;

namespace Otklik.Tests.Routing;

/// <summary>The rule engine alone, in memory: order, "continue", switched-off rules, every condition, and the complaint refusal.</summary>
public sealed class RoutingEngineTests
{
    static readonly Guid Housing = Guid.Parse("00000000-0000-0000-0000-0000000000c2");
    static readonly Guid Business = Guid.Parse("00000000-0000-0000-0000-0000000000c1");
    static readonly Guid Roofs = Guid.Parse("00000000-0000-0000-0000-0000000000d3");
    static readonly Guid Potholes = Guid.Parse("00000000-0000-0000-0000-0000000000d2");
    static readonly Guid TerritoryA = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    static readonly Guid TerritoryB = Guid.Parse("00000000-0000-0000-0000-0000000000b1");
    static readonly Guid MinHousing = Guid.Parse("00000000-0000-0000-0000-000000000005");
    static readonly Guid MinInvest = Guid.Parse("00000000-0000-0000-0000-000000000003");
    static readonly Guid Department = Guid.Parse("00000000-0000-0000-0000-000000000004");
    static readonly Guid MunA = Guid.Parse("00000000-0000-0000-0000-000000000006");
    static readonly Guid Fund = Guid.Parse("00000000-0000-0000-0000-000000000008");

    static readonly Dictionary<Guid, string> Paths = new()
    {
        [MinInvest] = "/r/mininvest/", [Department] = "/r/mininvest/dept/", [MinHousing] = "/r/minhousing/", [MunA] = "/r/muna/", [Fund] = "/r/fund/",
    };

    static AppealFacts Facts(string text = "Течёт крыша после капитального ремонта", Guid? category = null, Guid? topic = null, Guid? territory = null,
        Channel channel = Channel.Portal, ApplicantKind applicant = ApplicantKind.Person, LegalRegime regime = LegalRegime.Obrashchenie59,
        AppealKind kind = AppealKind.Task, DayOfWeek day = DayOfWeek.Monday, bool working = true, Guid? respondent = null) =>
        new(category ?? Housing, topic ?? Roofs, territory ?? TerritoryA, channel, applicant, regime, kind, AppealFacts.Normalise(text), day, working, respondent);

    static int _position;

    static RoutingRule Rule(string name, RuleConditions? when = null, RuleActions? then = null, bool enabled = true, bool go = false) => new()
    {
        Id = Guid.NewGuid(), Name = name, Position = ++_position, Enabled = enabled, Continue = go, Version = 1,
        Conditions = when ?? new RuleConditions(), Actions = then ?? new RuleActions { Tag = name },
    };

    static Decision Run(AppealFacts facts, params RoutingRule[] rules) => RoutingEngine.Evaluate(RuleSet.Of(7, rules), facts, Paths);

    static string[] Matched(Decision d) => [.. d.Effects.Select(e => e.Rule.Name)];

    [Fact]
    public void Rules_are_tried_in_their_order_and_the_first_match_wins()
    {
        var second = Rule("второе", then: new RuleActions { ExecutorOrganisationId = MunA });
        var first = Rule("первое", then: new RuleActions { ExecutorOrganisationId = MinHousing });
        // Positions decide, not the order they are listed in.
        (first.Position, second.Position) = (1, 2);
        var d = Run(Facts(), second, first);
        Assert.Equal(["первое"], Matched(d));
        Assert.Equal((MinHousing, "первое", 7), (d.Executor!.Value, d.ExecutorRule!.Name, d.SetVersion));
    }

    [Fact]
    public void A_rule_that_does_not_match_is_passed_over()
    {
        var d = Run(Facts(), Rule("бизнес", new RuleConditions { CategoryIds = [Business] }, new RuleActions { ExecutorOrganisationId = MinInvest }),
            Rule("жкх", new RuleConditions { CategoryIds = [Housing] }, new RuleActions { ExecutorOrganisationId = MinHousing }));
        Assert.Equal(["жкх"], Matched(d));
        Assert.Equal(MinHousing, d.Executor);
    }

    [Fact]
    public void Continue_lets_later_rules_add_what_the_earlier_left_unset_but_not_override_it()
    {
        var d = Run(Facts(),
            Rule("исполнитель", then: new RuleActions { ExecutorOrganisationId = MinHousing, Priority = AppealPriority.High }, go: true),
            Rule("метка", then: new RuleActions { ExecutorOrganisationId = MunA, Priority = AppealPriority.Normal, Tag = "кровля", Kind = AppealKind.Complaint }, go: true),
            Rule("ещё метка и стоп", then: new RuleActions { Tag = "капремонт" }),
            Rule("после стопа", then: new RuleActions { Tag = "не должно быть" }));
        Assert.Equal(["исполнитель", "метка", "ещё метка и стоп"], Matched(d));
        Assert.Equal((MinHousing, "исполнитель"), (d.Executor!.Value, d.ExecutorRule!.Name));
        Assert.Equal(AppealPriority.High, d.Priority);
        Assert.Equal(AppealKind.Complaint, d.Kind);
        Assert.Equal(["кровля", "капремонт"], d.Tags);
        // Each effect holds only what that rule contributed.
        var second = d.Effects[1].Contributed;
        Assert.Equal((null, null, "кровля", AppealKind.Complaint), (second.ExecutorOrganisationId, second.Priority, second.Tag, second.Kind));
    }

    [Fact]
    public void A_switched_off_rule_is_never_tried()
    {
        var d = Run(Facts(), Rule("выключено", then: new RuleActions { ExecutorOrganisationId = MunA }, enabled: false),
            Rule("включено", then: new RuleActions { ExecutorOrganisationId = MinHousing }));
        Assert.Equal(["включено"], Matched(d));
        Assert.Empty(RuleSet.Of(1, [Rule("выключено", enabled: false)]).Rules);
    }

    [Fact]
    public void No_rule_matching_decides_nothing()
    {
        var d = Run(Facts(), Rule("бизнес", new RuleConditions { CategoryIds = [Business] }));
        Assert.False(d.Matched);
        Assert.Null(d.Executor);
        Assert.True(d.NeedsModeration);
    }

    public static TheoryData<string, RuleConditions, bool> Conditions => new()
    {
        { "category: yes", new RuleConditions { CategoryIds = [Business, Housing] }, true },
        { "category: no", new RuleConditions { CategoryIds = [Business] }, false },
        { "topic: yes", new RuleConditions { TopicIds = [Roofs] }, true },
        { "topic: no", new RuleConditions { TopicIds = [Potholes] }, false },
        { "territory: yes", new RuleConditions { TerritoryIds = [TerritoryA] }, true },
        { "territory: no", new RuleConditions { TerritoryIds = [TerritoryB] }, false },
        { "channel: yes", new RuleConditions { Channels = [Channel.Portal, Channel.Mobile] }, true },
        { "channel: no", new RuleConditions { Channels = [Channel.Hotline] }, false },
        { "applicant: yes", new RuleConditions { ApplicantKinds = [ApplicantKind.Person] }, true },
        { "applicant: business only", new RuleConditions { ApplicantKinds = [ApplicantKind.Organisation] }, false },
        { "regime: yes", new RuleConditions { Regimes = [LegalRegime.Obrashchenie59] }, true },
        { "regime: no", new RuleConditions { Regimes = [LegalRegime.SocialIncident] }, false },
        { "kind: yes", new RuleConditions { Kinds = [AppealKind.Task] }, true },
        { "kind: no", new RuleConditions { Kinds = [AppealKind.Complaint] }, false },
        { "a stem in the text", new RuleConditions { Words = ["крыш", "подвал"] }, true },
        { "ё read as е, any case", new RuleConditions { Words = ["ТЕЧЕТ"] }, true },
        { "no stem in the text", new RuleConditions { Words = ["подвал", "лифт"] }, false },
        { "working hours: yes", new RuleConditions { Arrival = ArrivalWindow.WorkingHours }, true },
        { "off hours: no", new RuleConditions { Arrival = ArrivalWindow.OffHours }, false },
        { "weekday: yes", new RuleConditions { Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday] }, true },
        { "weekday: no", new RuleConditions { Weekdays = [DayOfWeek.Saturday] }, false },
        { "all at once", new RuleConditions { CategoryIds = [Housing], TopicIds = [Roofs], TerritoryIds = [TerritoryA], Channels = [Channel.Portal],
            ApplicantKinds = [ApplicantKind.Person], Regimes = [LegalRegime.Obrashchenie59], Words = ["ремонт"], Arrival = ArrivalWindow.WorkingHours,
            Weekdays = [DayOfWeek.Monday] }, true },
        { "all but one", new RuleConditions { CategoryIds = [Housing], TopicIds = [Roofs], TerritoryIds = [TerritoryA], Channels = [Channel.Portal],
            ApplicantKinds = [ApplicantKind.Person], Regimes = [LegalRegime.Obrashchenie59], Words = ["ремонт"], Arrival = ArrivalWindow.WorkingHours,
            Weekdays = [DayOfWeek.Sunday] }, false },
    };

    [Theory, MemberData(nameof(Conditions))]
    public void Each_condition_decides_the_match(string name, RuleConditions when, bool matches)
    {
        // A portal обращение about a roof in territory A from a citizen, on Monday in working hours.
        Assert.Equal(matches, new CompiledRule(Rule(name, when)).Matches(Facts()));
    }

    [Fact]
    public void Arrival_outside_working_hours_and_on_a_day_off()
    {
        var offHours = new CompiledRule(Rule("ночью", new RuleConditions { Arrival = ArrivalWindow.OffHours }));
        Assert.True(offHours.Matches(Facts(working: false, day: DayOfWeek.Saturday)));
        Assert.False(offHours.Matches(Facts(working: true)));
    }

    [Fact]
    public void An_appeal_without_a_topic_or_territory_matches_no_topic_or_territory_condition()
    {
        var facts = Facts() with { TopicId = null, TerritoryId = null };
        Assert.False(new CompiledRule(Rule("тема", new RuleConditions { TopicIds = [Roofs] })).Matches(facts));
        Assert.False(new CompiledRule(Rule("территория", new RuleConditions { TerritoryIds = [TerritoryA] })).Matches(facts));
        Assert.True(new CompiledRule(Rule("без условий")).Matches(facts));
    }

    [Fact]
    public void A_complaint_is_never_routed_to_the_body_it_complains_about()
    {
        var rule = Rule("жалобы на ЖКХ в МинЖКХ", new RuleConditions { Kinds = [AppealKind.Complaint] },
            new RuleActions { ExecutorOrganisationId = MinHousing, Intake = IntakeDecision.Registration, Tag = "жалоба" });
        var d = Run(Facts(kind: AppealKind.Complaint, respondent: MinHousing), rule);

        Assert.Null(d.Executor);
        var refusal = Assert.Single(d.Refusals);
        Assert.Equal((MinHousing, rule.Id), (refusal.OrganisationId, refusal.Rule!.Id));
        Assert.Contains("59-ФЗ ст. 8 ч. 6", refusal.Reason);
        // The fallback is the centre's moderators, even though the rule asked for straight registration.
        Assert.True(d.NeedsModeration);
        Assert.Equal(["жалоба"], d.Tags);
    }

    [Fact]
    public void A_unit_of_the_respondent_is_refused_too_and_a_later_rule_cannot_slip_in_another_executor()
    {
        var d = Run(Facts(kind: AppealKind.Complaint, respondent: MinInvest),
            Rule("в департамент", then: new RuleActions { ExecutorOrganisationId = Department }, go: true),
            Rule("в фонд", then: new RuleActions { ExecutorOrganisationId = Fund }));
        Assert.Null(d.Executor);
        Assert.Equal(Department, Assert.Single(d.Refusals).OrganisationId);
    }

    [Fact]
    public void A_respondent_among_co_executors_or_as_the_municipality_is_refused_and_the_rest_kept()
    {
        var d = Run(Facts(kind: AppealKind.Complaint, respondent: MunA),
            Rule("несколько", then: new RuleActions
            {
                ExecutorOrganisationId = MinHousing, CoExecutorIds = [MunA, Fund], Route = RouteKind.WithMunicipality, MunicipalityId = MunA,
            }));
        Assert.Equal(MinHousing, d.Executor);
        Assert.Equal([Fund], d.CoExecutors);
        Assert.Null(d.Route);
        Assert.Equal([MunA, MunA], d.Refusals.Select(r => r.OrganisationId));
    }

    [Fact]
    public void The_same_executor_is_fine_when_the_complaint_is_about_another_body()
    {
        var d = Run(Facts(kind: AppealKind.Complaint, respondent: MunA), Rule("в МинЖКХ", then: new RuleActions { ExecutorOrganisationId = MinHousing }));
        Assert.Equal(MinHousing, d.Executor);
        Assert.Empty(d.Refusals);
    }

    [Fact]
    public void Straight_registration_only_when_a_rule_says_so()
    {
        Assert.False(Run(Facts(), Rule("сразу", then: new RuleActions { Intake = IntakeDecision.Registration })).NeedsModeration);
        Assert.True(Run(Facts(), Rule("модерация", then: new RuleActions { Intake = IntakeDecision.Moderation })).NeedsModeration);
    }
}
