using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Attachments;

namespace Otklik.Features.Portal.Public;

/// <summary>The «Было / Стало» pair: the appeal's own photo (when it has one) and the answer's published photos, as links.</summary>
public sealed record BeforeAfter(string Number, string? Before, IReadOnlyList<string> After);

/// <summary>The public portal's non-page endpoints: photos of a published appeal, the map's markers, the statistics as CSV.</summary>
public static class PublicEndpoints
{
    public static void MapPortalPublic(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/appeals/{number}/photos/{id:guid}", PhotoAsync).AllowAnonymous().Produces<Stream>(StatusCodes.Status200OK, "image/jpeg", "image/png", "image/webp")
            .WithSummary("A published photo of a public appeal");
        routes.MapGet("/map/markers", MarkersAsync).AllowAnonymous().CacheOutput(PublicCache.Policy).Produces<List<MapMarker>>()
            .WithSummary("The public map's markers, clustered for a zoom level");
        routes.MapGet("/stats.csv", CsvAsync).AllowAnonymous().CacheOutput(PublicCache.Policy).Produces<Stream>(StatusCodes.Status200OK, "text/csv")
            .WithSummary("The public statistics as a CSV file");
    }

    /// <summary>A photo the applicant attached to a published appeal, or an answer's photo a moderator published; anything else (a document, an unpublished answer photo, an unpublished appeal) is 404.</summary>
    static async Task<IResult> PhotoAsync(string number, Guid id, AppDbContext db, IFileStore files, HttpContext http, CancellationToken ct)
    {
        var photo = await db.Attachments.AsNoTracking()
            .Where(f => f.Id == id && f.Kind == AttachmentKind.Photo
                        && ((f.Purpose == AttachmentPurpose.Appeal && db.Appeals.Visible().Any(a => a.Id == f.AppealId && a.Number == number))
                            // An answer's photo: published by a moderator, and only while the answer itself is public.
                            || (f.Purpose == AttachmentPurpose.Answer && f.PublishedAtUtc != null
                                && db.Appeals.Visible().Any(a => a.Id == f.AppealId && a.Number == number && PublicAppeals.Answered.Contains(a.Status)))))
            .Select(f => new { f.StorageKey, f.ContentType }).SingleOrDefaultAsync(ct);
        if (photo is null) return TypedResults.NotFound();
        var stream = await files.OpenAsync(photo.StorageKey, ct);
        if (stream is null) return TypedResults.NotFound();
        // Short: an appeal the moderator unpublishes must not live on in caches for long.
        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.File(stream, photo.ContentType);
    }

    static async Task<IResult> MarkersAsync(int? zoom, Guid? category, PublicStage? stage, AppDbContext db, CancellationToken ct)
    {
        var points = await PublicMap.PointsAsync(db, category, stage, ct);
        return TypedResults.Ok(PublicMap.Cluster(points, zoom ?? 10));
    }

    static async Task<IResult> CsvAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var stats = await PublicStats.LoadAsync(db, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.File(PublicStats.Csv(stats), "text/csv; charset=utf-8", "otklik-statistics.csv");
    }
}
