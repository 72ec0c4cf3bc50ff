using Otklik.Features.Appeals;

namespace Otklik.Features.Directory;

/// <summary>A municipality (or another area) with its boundary, so that a map point finds its territory.</summary>
public sealed class Territory
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>OKTMO code or another stable external code; the GeoJSON import matches on it.</summary>
    public string Code { get; set; } = "";
    /// <summary>The municipality's administration, the usual executor for local matters.</summary>
    public Guid? OrganisationId { get; set; }
    /// <summary>The centre that moderates appeals from this territory; the region's centre when null.</summary>
    public Guid? ModeratorOrganisationId { get; set; }
    /// <summary>GeoJSON geometry (Polygon or MultiPolygon), WGS 84.</summary>
    public string BoundaryGeoJson { get; set; } = "";
    public int Version { get; set; }
    /// <summary>
    /// A municipality (imported) or an area drawn on the office map for informing and polls. A drawn one never becomes an
    /// appeal's territory (no routing, moderation or public filter by it): its people are found by point-in-polygon.
    /// </summary>
    public TerritoryKind Kind { get; set; }
}

public enum TerritoryKind { Municipality, Drawn }

public sealed class Category
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Business categories (seed 001) and citizen categories (seed 003) live side by side.</summary>
    public ApplicantAudience Audience { get; set; }
    public int SortOrder { get; set; }
    public bool IsActive { get; set; } = true;
    public List<Topic> Topics { get; set; } = [];
}

public enum ApplicantAudience { Citizens, Business }

public sealed class Topic
{
    public Guid Id { get; set; }
    public Guid CategoryId { get; set; }
    public string Name { get; set; } = "";
    public AppealKind DefaultKind { get; set; }
    public LegalRegime DefaultRegime { get; set; }
    public bool IsActive { get; set; } = true;
    /// <summary>The topic's code in the ТОТК classifier of ССТУ.РФ (the monthly ССТУ summary), when mapped.</summary>
    public string? TotkCode { get; set; }
    /// <summary>The competent organisation per territory; a route with no territory is the default.</summary>
    public List<TopicRoute> Routes { get; set; } = [];
    /// <summary>Words people use for it, comma-separated (Open311 <c>keywords</c>): "яма, выбоина, асфальт".</summary>
    public string? Keywords { get; set; }
    /// <summary>Extra questions a report on this topic answers (Open311 service definition attributes).</summary>
    public List<TopicQuestion> Questions { get; set; } = [];
}

/// <summary>What an extra question takes as its answer (the Open311 attribute datatypes).</summary>
public enum QuestionType { String, Number, Datetime, Text, SingleValueList, MultiValueList }

/// <summary>An extra question of a topic: "Какая полоса движения?" with its choices. The answers are written into the appeal's text.</summary>
public sealed class TopicQuestion
{
    public Guid Id { get; set; }
    public Guid TopicId { get; set; }
    /// <summary>A stable code, unique in the topic: the Open311 attribute code ("LANE").</summary>
    public string Code { get; set; } = "";
    public string Text { get; set; } = "";
    public QuestionType Type { get; set; }
    public bool Required { get; set; }
    public int Order { get; set; }
    /// <summary>The choices of a list question, one "key=name" a line.</summary>
    public string? Options { get; set; }

    public IReadOnlyList<(string Key, string Name)> Choices =>
        [.. (Options ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Select(p => (p[0].Trim(), p.Length > 1 ? p[1].Trim() : p[0].Trim()))];
}

public sealed class TopicRoute
{
    public Guid Id { get; set; }
    public Guid TopicId { get; set; }
    public Guid? TerritoryId { get; set; }
    public Guid OrganisationId { get; set; }
}
