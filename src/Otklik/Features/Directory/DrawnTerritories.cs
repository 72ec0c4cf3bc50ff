using System.Globalization;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Directory;

/// <summary>
/// Areas drawn on the office map (ADR 0045, "Drawn territories"): saved as territories of kind <see cref="TerritoryKind.Drawn"/>
/// with a GeoJSON polygon like imported ones, chosen as the target of informing and polls. An appeal's territory is set
/// at intake from municipalities only, so for a drawn area the people are found by point-in-polygon on the appeal's point,
/// the same test (<c>Covers</c>) the locator uses for municipalities.
/// </summary>
public static class DrawnTerritories
{
    static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>The appeals of a territory: by the stored territory for a municipality, by their point for a drawn area.</summary>
    public static async Task<IQueryable<Appeal>> AppealsInAsync(AppDbContext db, IQueryable<Appeal> appeals, Guid territoryId, CancellationToken ct)
    {
        var t = await db.Territories.AsNoTracking().Where(x => x.Id == territoryId).Select(x => new { x.Kind, x.BoundaryGeoJson }).SingleOrDefaultAsync(ct);
        if (t is not { Kind: TerritoryKind.Drawn }) return appeals.Where(a => a.TerritoryId == territoryId);
        var shape = TerritoryLocator.ParseBoundary(t.BoundaryGeoJson, "territoryId");
        var (box, prepared) = (shape.EnvelopeInternal, PreparedGeometryFactory.Prepare(shape));
        // The box narrows the rows read; the polygon decides.
        var candidates = await appeals.Where(a => a.Latitude != null && a.Longitude != null
                && a.Latitude >= box.MinY && a.Latitude <= box.MaxY && a.Longitude >= box.MinX && a.Longitude <= box.MaxX)
            .Select(a => new { a.Id, a.Latitude, a.Longitude }).ToListAsync(ct);
        var ids = candidates.Where(c => prepared.Covers(Factory.CreatePoint(new Coordinate(c.Longitude!.Value, c.Latitude!.Value))))
            .Select(c => c.Id).ToList();
        return appeals.Where(a => ids.Contains(a.Id));
    }

    /// <summary>Whether a drawn area covers the point.</summary>
    public static bool Covers(string boundaryGeoJson, double latitude, double longitude) =>
        TerritoryLocator.ParseBoundary(boundaryGeoJson, "territoryId").Covers(Factory.CreatePoint(new Coordinate(longitude, latitude)));

    /// <summary>
    /// Saves a drawn area, or refuses it with the field and the reason in Russian: a name, at least three points, a ring
    /// that does not cross itself, and every point inside the region (the box around its municipalities' boundaries).
    /// </summary>
    /// <remarks>
    /// <paramref name="within"/>: the organisations of a person who does not see the whole region (an organisation's
    /// head or analyst drawing for informing): the area must then lie inside the municipalities those organisations
    /// serve by default. Null — the region's bounds only (the region's administrator, the centre).
    /// </remarks>
    public static async Task<Territory> SaveAsync(AppDbContext db, TerritoryLocator locator, string? name, string? points, CancellationToken ct,
        IReadOnlySet<Guid>? within = null)
    {
        var e = new InputErrors();
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 300) e.Add("name", "field.required", "Назовите территорию (до 300 символов).");
        else if (await db.Territories.AnyAsync(t => t.Name == name, ct)) e.Add("name", "territory.duplicate_name", "Территория с таким названием уже есть.");
        var coordinates = ParsePoints(points);
        if (coordinates is null) e.Add("points", "territory.points", "Точки не прочитаны: отметьте их щелчками по карте.");
        else if (coordinates.Count < 3) e.Add("points", "territory.too_few_points", "Отметьте на карте не меньше трёх точек.");
        else
        {
            var ring = coordinates.Append(coordinates[0]).ToArray();
            var polygon = Factory.CreatePolygon(ring);
            if (!polygon.IsValid || polygon.Area <= 0) e.Add("points", "territory.self_intersecting", "Граница пересекает сама себя: отметьте точки по порядку вдоль границы.");
            else
            {
                var boundaries = await db.Territories.AsNoTracking().Where(t => t.Kind == TerritoryKind.Municipality && t.BoundaryGeoJson != "")
                    .Select(t => t.BoundaryGeoJson).ToListAsync(ct);
                if (boundaries.Count == 0) e.Add("points", "territory.no_region", "Сначала загрузите границы муниципальных образований: по ним определяются пределы области.");
                else
                {
                    var region = new Envelope();
                    foreach (var b in boundaries) region.ExpandToInclude(TerritoryLocator.ParseBoundary(b, "points").EnvelopeInternal);
                    if (!region.Covers(polygon.EnvelopeInternal)) e.Add("points", "territory.outside_region", "Территория выходит за пределы области.");
                    else if (within is not null)
                    {
                        var own = await db.Territories.AsNoTracking()
                            .Where(t => t.Kind == TerritoryKind.Municipality && t.BoundaryGeoJson != "" && t.OrganisationId != null && within.Contains(t.OrganisationId.Value))
                            .Select(t => t.BoundaryGeoJson).ToListAsync(ct);
                        if (own.Count == 0)
                            e.Add("points", "territory.outside_scope", "У ваших организаций нет территорий с границами: нарисовать область можно только внутри них.");
                        else if (!NetTopologySuite.Operation.Union.CascadedPolygonUnion.Union([.. own.Select(b => TerritoryLocator.ParseBoundary(b, "points"))]).Buffer(1e-9).Covers(polygon))
                            e.Add("points", "territory.outside_scope", "Территория выходит за пределы территорий ваших организаций.");
                    }
                }
            }
        }
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);

        var shape = Factory.CreatePolygon(coordinates!.Append(coordinates![0]).ToArray());
        // GeoJSON wants the outer ring counter-clockwise.
        if (!NetTopologySuite.Algorithm.Orientation.IsCCW(shape.Shell.CoordinateSequence)) shape = (Polygon)shape.Reverse();
        var territory = new Territory
        {
            Id = Guid.CreateVersion7(), Name = name, Code = "drawn-" + Guid.NewGuid().ToString("N")[..12], Kind = TerritoryKind.Drawn,
            BoundaryGeoJson = TerritoryLocator.Write(shape), Version = 1,
        };
        db.Territories.Add(territory);
        await db.SaveChangesAsync(ct);
        locator.Invalidate();
        return territory;
    }

    /// <summary>Points as "lat,lon;lat,lon;…" (what the drawing map writes to the form's field), as coordinates (x = longitude).</summary>
    static List<Coordinate>? ParsePoints(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var list = new List<Coordinate>();
        foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
                || lat is < -90 or > 90 || lon is < -180 or > 180) return null;
            list.Add(new Coordinate(lon, lat));
        }
        if (list.Count > 1 && list[0].Equals2D(list[^1])) list.RemoveAt(list.Count - 1);
        return list.Count > 500 ? null : list;
    }
}
