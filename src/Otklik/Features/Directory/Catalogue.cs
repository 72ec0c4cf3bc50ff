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
}

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
}

public sealed class TopicRoute
{
    public Guid Id { get; set; }
    public Guid TopicId { get; set; }
    public Guid? TerritoryId { get; set; }
    public Guid OrganisationId { get; set; }
}
