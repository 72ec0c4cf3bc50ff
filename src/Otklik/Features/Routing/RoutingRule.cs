using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Routing;

/// <summary>The three standard routes of seed 001.</summary>
public enum RouteKind { Single, Several, WithMunicipality }

/// <summary>How the regional body and the municipality share a route with a municipality.</summary>
public enum MunicipalityOrder { Parallel, RegionFirst, MunicipalityFirst }

/// <summary>Where the intake sends an appeal a rule matched: to the moderators, or straight to registration.</summary>
public enum IntakeDecision { Moderation, Registration }

/// <summary>When the appeal arrived, in the working time of the region's centre (its zone, hours and production calendar).</summary>
public enum ArrivalWindow { Any, WorkingHours, OffHours }

/// <summary>What an appeal must be for the rule to match. An empty list means "any"; every non-empty condition must hold.</summary>
public sealed record RuleConditions
{
    public Guid[] CategoryIds { get; init; } = [];
    public Guid[] TopicIds { get; init; } = [];
    public Guid[] TerritoryIds { get; init; } = [];
    public Channel[] Channels { get; init; } = [];
    /// <summary>Person (a citizen) or Organisation (a business); Anonymous too.</summary>
    public ApplicantKind[] ApplicantKinds { get; init; } = [];
    public LegalRegime[] Regimes { get; init; } = [];
    public AppealKind[] Kinds { get; init; } = [];
    /// <summary>Word stems ("протечк", "кровл"): the rule matches when the lower-cased text contains any of them.</summary>
    public string[] Words { get; init; } = [];
    public ArrivalWindow Arrival { get; init; }
    public DayOfWeek[] Weekdays { get; init; } = [];
}

/// <summary>What a matching rule does. Null (or empty) leaves the thing to later rules or to the usual routing.</summary>
public sealed record RuleActions
{
    public Guid? ExecutorOrganisationId { get; init; }
    public Guid[] CoExecutorIds { get; init; } = [];
    public RouteKind? Route { get; init; }
    public MunicipalityOrder Sequence { get; init; }
    /// <summary>The municipality of a route with a municipality; by default the administration of the appeal's territory.</summary>
    public Guid? MunicipalityId { get; init; }
    public AppealKind? Kind { get; init; }
    public AppealPriority? Priority { get; init; }
    /// <summary>The answer's deadline policy ("working-days:3"), over the deadline rules.</summary>
    public string? AnswerPolicy { get; init; }
    /// <summary>The deadline policy of each co-executor's part, counted in that organisation's clock; by default the answer's.</summary>
    public string? PartPolicy { get; init; }
    public string? Tag { get; init; }
    public IntakeDecision? Intake { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Routes => ExecutorOrganisationId is not null || CoExecutorIds.Length > 0 || Route is not null;
}

/// <summary>
/// An auto-rule (автоправило) written by an administrator of the centre. Rules are tried in <see cref="Position"/> order;
/// the first that matches wins unless it says <see cref="Continue"/>, in which case later matches add what it left unset.
/// </summary>
public sealed class RoutingRule
{
    public Guid Id { get; set; }
    public int Position { get; set; }
    public string Name { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public bool Continue { get; set; }
    public RuleConditions Conditions { get; set; } = new();
    public RuleActions Actions { get; set; } = new();
    /// <summary>Bumped on every change of the rule: the history names the version that routed an appeal.</summary>
    public int Version { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
    public Guid? UpdatedById { get; set; }

    public RuleRef Ref => new(Id, Name, Version);
}

/// <summary>The rule behind a routing decision, as the appeal's history records it.</summary>
public sealed record RuleRef(Guid Id, string Name, int Version);

/// <summary>
/// The one row whose version is bumped by every change of any rule, in the same transaction: each node's cache compares
/// it with its own and reloads when they differ, so a change made on one node is seen by every node at once.
/// </summary>
public sealed class RoutingRuleSet
{
    public const int TheId = 1;
    public int Id { get; set; }
    public int Version { get; set; }
}

sealed class RoutingRuleConfiguration : IEntityTypeConfiguration<RoutingRule>
{
    public void Configure(EntityTypeBuilder<RoutingRule> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Name).HasMaxLength(200);
        b.Property(r => r.Version).IsConcurrencyToken();
        b.Property(r => r.Conditions).HasConversion(JsonColumn<RuleConditions>.Converter, JsonColumn<RuleConditions>.Comparer);
        b.Property(r => r.Actions).HasConversion(JsonColumn<RuleActions>.Converter, JsonColumn<RuleActions>.Comparer);
        b.Ignore(r => r.Ref);
        b.HasIndex(r => r.Position);
    }
}

sealed class RoutingRuleSetConfiguration : IEntityTypeConfiguration<RoutingRuleSet>
{
    public void Configure(EntityTypeBuilder<RoutingRuleSet> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.HasData(new RoutingRuleSet { Id = RoutingRuleSet.TheId, Version = 0 });
    }
}

/// <summary>A record stored as JSON text: the same on both engines, read and written whole.</summary>
static class JsonColumn<T> where T : class, new()
{
    static string Write(T value) => JsonSerializer.Serialize(value, Json.Options);
    static T Read(string text) => JsonSerializer.Deserialize<T>(text, Json.Options) ?? new T();

    public static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<T, string> Converter =
        new(v => Write(v), s => Read(s));

    public static readonly ValueComparer<T> Comparer = new((a, b) => Write(a!) == Write(b!), v => Write(v).GetHashCode(StringComparison.Ordinal), v => Read(Write(v)));
}
