using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Otklik.Features.Appeals;
using Otklik.Features.Routing;

// Routing one appeal against a rule set of 500 auto-rules, in memory, as the intake and registration do (issue 7).
//   dotnet run -c Release --project bench/Otklik.RoutingBench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Otklik.RoutingBench.RoutingBenchmark).Assembly).Run(args);

namespace Otklik.RoutingBench
{
[MemoryDiagnoser]
public class RoutingBenchmark
{
    List<RoutingRule> _source = null!;
    RuleSet _rules = null!;
    AppealFacts _late = null!;
    AppealFacts _none = null!;
    AppealFacts _early = null!;
    Dictionary<Guid, string> _paths = null!;

    [Params(500)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var categories = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid()).ToArray();
        var topics = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();
        var territories = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid()).ToArray();
        var organisations = Enumerable.Range(0, 80).Select(_ => Guid.NewGuid()).ToArray();
        _paths = organisations.ToDictionary(o => o, o => $"/root/{o:N}/");
        string[] stems = ["протечк", "кровл", "подвал", "лифт", "отоплен", "мусор", "освещен", "тротуар", "субсид", "аренд", "земельн", "лицензи"];
        // A realistic mix: most rules name a topic or a category (often with a territory), some look for words, a few
        // look at the channel, the applicant or the arrival time; a fifth say "continue" and add a tag.
        var rules = Enumerable.Range(0, Rules).Select(i => new RoutingRule
        {
            Id = Guid.NewGuid(), Position = i + 1, Name = $"Правило {i + 1}", Enabled = i % 25 != 0, Continue = i % 5 == 0, Version = 1,
            Conditions = (i % 4) switch
            {
                0 => new RuleConditions { TopicIds = [topics[random.Next(topics.Length)]], TerritoryIds = [territories[random.Next(territories.Length)]] },
                1 => new RuleConditions { CategoryIds = [categories[random.Next(categories.Length)]], Words = [stems[random.Next(stems.Length)], stems[random.Next(stems.Length)]] },
                2 => new RuleConditions { TopicIds = [topics[random.Next(topics.Length)], topics[random.Next(topics.Length)]], Channels = [Channel.Portal, Channel.Mobile] },
                _ => new RuleConditions { CategoryIds = [categories[random.Next(categories.Length)]], ApplicantKinds = [ApplicantKind.Organisation],
                    Arrival = ArrivalWindow.OffHours },
            },
            Actions = i % 5 == 0 ? new RuleActions { Tag = $"метка {i}" }
                : new RuleActions { ExecutorOrganisationId = organisations[random.Next(organisations.Length)], Priority = AppealPriority.High },
        }).ToList();
        _source = rules;
        _rules = RuleSet.Of(1, rules);

        var text = AppealFacts.Normalise(string.Concat(Enumerable.Repeat(
            "Во дворе дома по улице Ленина третью неделю не вывозят контейнеры, жители жалуются на запах и крыс. ", 10)));
        // No rule matches: every one of the 500 is tried — the worst case.
        _none = new AppealFacts(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Channel.Hotline, ApplicantKind.Person, LegalRegime.Obrashchenie59,
            AppealKind.Task, text, DayOfWeek.Monday, true, null);
        // The last enabled rule matches (a topic and territory rule near the end).
        var last = rules.Last(r => r.Enabled && r.Conditions.TerritoryIds.Length > 0);
        _late = _none with { TopicId = last.Conditions.TopicIds[0], TerritoryId = last.Conditions.TerritoryIds[0], RespondentId = organisations[0] };
        var first = rules.First(r => r.Enabled && r.Conditions.TerritoryIds.Length > 0 && !r.Continue);
        _early = _none with { TopicId = first.Conditions.TopicIds[0], TerritoryId = first.Conditions.TerritoryIds[0] };
    }

    [Benchmark(Description = "no rule matches (all 500 tried)")]
    public Decision NoMatch() => RoutingEngine.Evaluate(_rules, _none, _paths);

    [Benchmark(Description = "the last rule matches (a complaint)")]
    public Decision LateMatch() => RoutingEngine.Evaluate(_rules, _late, _paths);

    [Benchmark(Description = "an early rule matches")]
    public Decision EarlyMatch() => RoutingEngine.Evaluate(_rules, _early, _paths);

    [Benchmark(Description = "compile the rule set (a cache reload)")]
    public RuleSet Compile() => RuleSet.Of(2, _source);
}
}
