using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;

namespace Otklik.Features.Portal.Public;

/// <summary>A marker of the public map: one appeal (with its number and topic) or a cluster of <see cref="Count"/> appeals.</summary>
public sealed record MapMarker(double Lat, double Lon, int Count, string? Number, string? Title, PublicStage? Stage);

/// <summary>
/// Clusters the published appeals that have a point, on the server, by a grid of about 60 screen pixels at the map's zoom
/// (Web Mercator, as Leaflet draws it): cheap, cacheable per (zoom, filters), and the browser draws only what it gets.
/// </summary>
public static class PublicMap
{
    public const int CellPixels = 60;

    public sealed record Point(string Number, double Lat, double Lon, string Title, PublicStage Stage, AppealType Type);

    public static async Task<IReadOnlyList<Point>> PointsAsync(AppDbContext db, Guid? category, PublicStage? stage, CancellationToken ct)
    {
        var q = db.Appeals.AsNoTracking().Visible().Where(a => a.Latitude != null && a.Longitude != null);
        if (category is { } c) q = q.Where(a => a.CategoryId == c);
        if (stage is { } s)
        {
            var statuses = PublicAppeals.StatusesOf(s);
            q = q.Where(a => statuses.Contains(a.Status));
        }
        var rows = await q.OrderByDescending(a => a.RegisteredAtUtc).ThenBy(a => a.Id)
            .Select(a => new { a.Number, a.Latitude, a.Longitude, a.TopicId, a.CategoryId, a.Status, a.Type, a.Address, a.Applicant.PostalAddress })
            .ToListAsync(ct);
        if (rows.Count == 0) return [];
        var names = await PublicNames.LoadAsync(db, ct);
        // The applicant's own building is not published: its point is coarsened to the street, as its address is.
        return [.. rows.Select(r => PublicMasking.IsOwnAddress(r.Address, r.PostalAddress)
                ? r with { Latitude = PublicMasking.Coarse(r.Latitude!.Value), Longitude = PublicMasking.Coarse(r.Longitude!.Value) } : r)
            .Select(r => new Point(r.Number, r.Latitude!.Value, r.Longitude!.Value, names.Topic(r.TopicId) ?? names.Category(r.CategoryId),
                PublicAppeals.StageOf(r.Status), r.Type))];
    }

    public static IReadOnlyList<MapMarker> Cluster(IReadOnlyList<Point> points, int zoom)
    {
        zoom = Math.Clamp(zoom, 0, 19);
        // Degrees of longitude per cell; Mercator y is in the same degree units, so a cell is square on the screen.
        var cell = 360.0 / (256 * Math.Pow(2, zoom)) * CellPixels;
        return [.. points
            .GroupBy(p => (X: (long)Math.Floor(p.Lon / cell), Y: (long)Math.Floor(MercatorY(p.Lat) / cell)))
            .Select(g => g.Count() == 1
                ? new MapMarker(g.First().Lat, g.First().Lon, 1, g.First().Number, g.First().Title, g.First().Stage)
                : new MapMarker(Math.Round(g.Average(p => p.Lat), 6), Math.Round(g.Average(p => p.Lon), 6), g.Count(), null, null, null))
            .OrderByDescending(m => m.Count).ThenBy(m => m.Number, StringComparer.Ordinal)];
    }

    static double MercatorY(double lat)
    {
        var r = Math.Clamp(lat, -85, 85) * Math.PI / 180;
        return Math.Log(Math.Tan(Math.PI / 4 + r / 2)) * 180 / Math.PI;
    }
}
