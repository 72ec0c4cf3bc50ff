using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.IO.Converters;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Directory;

/// <summary>
/// Finds the territory whose boundary contains a point. Boundaries are few and change rarely, so they are parsed
/// once into prepared geometries and kept in memory; both database engines answer the same way.
/// </summary>
public sealed class TerritoryLocator
{
    readonly IServiceScopeFactory scopes;
    readonly TimeProvider clock;
    readonly Infrastructure.ClusterSignals signals;

    public TerritoryLocator(IServiceScopeFactory scopes, TimeProvider clock, Infrastructure.ClusterSignals signals)
    {
        (this.scopes, this.clock, this.signals) = (scopes, clock, signals);
        signals.Subscribe(Infrastructure.ClusterSignals.Territories, _ => _shapes = null);
    }

    static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);
    static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory(Factory) } };
    static readonly TimeSpan Ttl = TimeSpan.FromMinutes(1);

    readonly SemaphoreSlim _gate = new(1, 1);
    List<(Guid Id, IPreparedGeometry Shape)>? _shapes;
    DateTime _loadedAtUtc;

    /// <summary>The municipality (never a drawn area: those do not route appeals) whose boundary covers the point.</summary>
    public async Task<Guid?> LocateAsync(double latitude, double longitude, CancellationToken ct)
    {
        var point = Factory.CreatePoint(new Coordinate(longitude, latitude));
        foreach (var (id, shape) in await ShapesAsync(ct))
            if (shape.Covers(point)) return id;
        return null;
    }

    /// <summary>The territories changed (committed): every node reads them again.</summary>
    public void Invalidate() => signals.Publish(Infrastructure.ClusterSignals.Territories);

    /// <summary>Parses a GeoJSON geometry (Polygon or MultiPolygon) or refuses it with a field error.</summary>
    public static Geometry ParseBoundary(string geoJson, string field)
    {
        Geometry? geometry;
        try { geometry = JsonSerializer.Deserialize<Geometry>(geoJson, GeoJson); }
        catch (JsonException) { geometry = null; }
        if (geometry is not (Polygon or MultiPolygon) || geometry.IsEmpty)
            throw new InputException(field, "territory.boundary", "Граница должна быть полигоном или мультиполигоном GeoJSON.", StatusCodes.Status422UnprocessableEntity);
        if (!geometry.IsValid)
            throw new InputException(field, "territory.boundary_invalid", "Граница территории самопересекается или некорректна.", StatusCodes.Status422UnprocessableEntity);
        return geometry;
    }

    public static string Write(Geometry geometry) => JsonSerializer.Serialize(geometry, GeoJson);

    async Task<List<(Guid Id, IPreparedGeometry Shape)>> ShapesAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_shapes is { } cached && now - _loadedAtUtc < Ttl) return cached;
        await _gate.WaitAsync(ct);
        try
        {
            if (_shapes is { } again && now - _loadedAtUtc < Ttl) return again;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var rows = await db.Territories.AsNoTracking().Where(t => t.Kind == TerritoryKind.Municipality).Select(t => new { t.Id, t.BoundaryGeoJson }).ToListAsync(ct);
            _shapes = [.. rows.Where(r => r.BoundaryGeoJson.Length > 0)
                .Select(r => (r.Id, PreparedGeometryFactory.Prepare(ParseBoundary(r.BoundaryGeoJson, "boundary"))))];
            _loadedAtUtc = now;
            return _shapes;
        }
        finally { _gate.Release(); }
    }
}
