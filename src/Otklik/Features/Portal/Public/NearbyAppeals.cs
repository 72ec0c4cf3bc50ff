using System.Globalization;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Addresses;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Portal.Public;

/// <summary>
/// «Уже сообщили рядом?»: while a person chooses the point and the topic of a new appeal, the open published appeals of
/// the same topic within a few hundred metres, so they can support one («Я тоже») instead of filing a twin. Only what
/// the public pages show: the masked text, the stage, the count of supports; the distance is measured from the point the
/// appeal's page shows (coarsened when the address is the applicant's own).
/// </summary>
public static class NearbyAppeals
{
    public const double RadiusMetres = 300;
    const int MaxShown = 5;

    public sealed record Nearby(string Number, string Url, string Excerpt, string Stage, int Supports, int DistanceMetres, string? Address, bool SupportedByMe);

    public sealed record Supported(string Number, int Supports, bool Added, string Message);

    public static void MapNearbyAppealsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/nearby-appeals").WithTags("Portal");
        group.MapGet("", ListAsync).AllowAnonymous().RequireRateLimiting(AddressesApi.ReadPolicy).Produces<List<Nearby>>()
            .WithSummary("Published appeals of the same topic near a point, nearest first");
        group.MapPost("/{number}/support", SupportAsync).RequireAuthorization().Produces<Supported>()
            .WithSummary("Supports a published appeal («Меня это тоже касается»)");
    }

    static async Task<IResult> ListAsync(string? lat, string? lon, Guid? topicId, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        var e = new InputErrors();
        var latitude = Number(e, "lat", lat, 90, "Широта — число от −90 до 90, например 56.8389.");
        var longitude = Number(e, "lon", lon, 180, "Долгота — число от −180 до 180, например 60.6057.");
        if (topicId is null) e.Add("topicId", "field.required", "Выберите тему обращения.");
        e.ThrowIfAny();
        return TypedResults.Ok(await FindAsync(db, latitude, longitude, topicId!.Value, user.Id, ct));
    }

    public static async Task<List<Nearby>> FindAsync(AppDbContext db, double lat, double lon, Guid topicId, Guid? me, CancellationToken ct)
    {
        // A box a little wider than the circle, read through the topic's index; the circle is cut in memory.
        var dLat = RadiusMetres * 1.2 / 111_320;
        var dLon = dLat / Math.Max(0.1, Math.Cos(lat * Math.PI / 180));
        var open = PublicAppeals.StatusesOf(PublicStage.Accepted).Concat(PublicAppeals.StatusesOf(PublicStage.InWork)).ToArray();
        var candidates = await db.Appeals.AsNoTracking().Visible()
            .Where(a => a.TopicId == topicId && open.Contains(a.Status) && a.Latitude != null && a.Longitude != null
                        && a.Latitude >= lat - dLat && a.Latitude <= lat + dLat && a.Longitude >= lon - dLon && a.Longitude <= lon + dLon)
            .OrderByDescending(a => a.Supports).Take(200).ToListAsync(ct);
        var found = candidates.Select(a =>
            {
                var own = PublicMasking.IsOwnAddress(a.Address, a.Applicant.PostalAddress);
                var (pLat, pLon) = own ? (PublicMasking.Coarse(a.Latitude!.Value), PublicMasking.Coarse(a.Longitude!.Value)) : (a.Latitude!.Value, a.Longitude!.Value);
                return (Appeal: a, Metres: AddressGrid.Metres(lat, lon, pLat, pLon));
            })
            .Where(p => p.Metres <= RadiusMetres).OrderBy(p => p.Metres).Take(MaxShown).ToList();
        var ids = found.Select(p => p.Appeal.Id).ToList();
        var mine = me is { } person && ids.Count > 0
            ? (await db.Set<AppealSupport>().AsNoTracking().Where(s => s.PersonId == person && ids.Contains(s.AppealId)).Select(s => s.AppealId).ToListAsync(ct)).ToHashSet()
            : [];
        return [.. found.Select(p => new Nearby(
            p.Appeal.Number, "/appeals/" + p.Appeal.Number, PublicAppeals.Excerpt(PublicMasking.AppealText(p.Appeal).Public, 160),
            PublicAppeals.Title(PublicAppeals.StageOf(p.Appeal.Status)), p.Appeal.Supports, (int)(Math.Round(p.Metres / 10) * 10),
            PublicMasking.Address(p.Appeal.Address, p.Appeal.Applicant.PostalAddress), mine.Contains(p.Appeal.Id)))];
    }

    /// <summary>«Я тоже» from the submission form: the same support as on the appeal's page, once per person.</summary>
    static async Task<IResult> SupportAsync(string number, AppDbContext db, CurrentUser user, TimeProvider clock, IOutputCacheStore cache, CancellationToken ct)
    {
        var me = user.RequiredId;
        var appeal = number.Length > 20 ? null
            : await db.Appeals.AsNoTracking().Visible().Where(a => a.Number == number).Select(a => new { a.Id }).SingleOrDefaultAsync(ct);
        if (appeal is null)
            return TypedResults.Problem(title: "Не найдено", detail: "Такого опубликованного обращения нет.", statusCode: 404,
                extensions: new Dictionary<string, object?> { ["code"] = "not_found" });
        var added = await AppealPageModel.SupportAsync(db, appeal.Id, me, clock.GetUtcNow().UtcDateTime, ct);
        if (added) await PublicCache.AppealChangedAsync(cache, number, ct);
        var supports = await db.Appeals.AsNoTracking().Where(a => a.Id == appeal.Id).Select(a => a.Supports).SingleAsync(ct);
        return TypedResults.Ok(new Supported(number, supports, added,
            added ? "Спасибо, вы поддержали это обращение. Новое подавать не нужно: ответ будет опубликован на странице обращения."
                  : "Вы уже поддержали это обращение."));
    }

    static double Number(InputErrors e, string field, string? text, double max, string message)
    {
        if (string.IsNullOrWhiteSpace(text)) { e.Add(field, "field.required", message); return 0; }
        if (!double.TryParse(text.Trim().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || double.IsNaN(v) || Math.Abs(v) > max)
        { e.Add(field, "field.range", message); return 0; }
        return v;
    }
}
