using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Addresses;

/// <summary>
/// The address register for people and apps: search by typed address, the nearest address of a point (both anonymous,
/// limited per address of the caller like the other public forms), and the register's import for the region's administrator.
/// </summary>
public static class AddressesApi
{
    /// <summary>Anonymous reads that cost a query each: so many per minute per IP address (<c>Otklik:RateLimits:PublicReadPerMinute</c>).</summary>
    public const string ReadPolicy = "public-read";

    public static IServiceCollection AddAddresses(this IServiceCollection services, IConfiguration config)
    {
        var perMinute = config.GetValue("Otklik:RateLimits:PublicReadPerMinute", 120);
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(ReadPolicy, http =>
            RateLimitPartition.GetFixedWindowLimiter("read-ip:" + http.Connection.RemoteIpAddress, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
            })));
        return services;
    }

    public static void MapAddressesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/addresses").WithTags("Addresses");
        group.MapGet("/search", Search).AllowAnonymous().RequireRateLimiting(ReadPolicy).Produces<List<AddressView>>()
            .WithSummary("Addresses of the register matching the typed text");
        group.MapGet("/nearest", Nearest).AllowAnonymous().RequireRateLimiting(ReadPolicy).Produces<AddressView>()
            .WithSummary("The register's house nearest to a point (lat, lon)");
        // A region's register is tens of megabytes: the import alone may send that much.
        group.MapPost("/import", Import).RequireRegionAdministrator().DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(512L * 1024 * 1024)).Produces<AddressImport.Result>()
            .WithSummary("Imports addresses from a CSV or OpenStreetMap GeoJSON body");
    }

    static async Task<IResult> Search(string? q, int? limit, AppDbContext db, CancellationToken ct)
    {
        var e = new InputErrors();
        if (string.IsNullOrWhiteSpace(q)) e.Add("q", "field.required", "Введите адрес, например «ул. Ленина 5».");
        else if (q.Length > 200) e.Add("q", "field.too_long", "Адрес — не длиннее 200 символов.");
        if (limit is < 1 or > AddressSearch.MaxResults) e.Add("limit", "field.range", $"Число адресов — от 1 до {AddressSearch.MaxResults}.");
        e.ThrowIfAny();
        return TypedResults.Ok(await AddressSearch.SearchAsync(db, q!, limit ?? 10, ct));
    }

    static async Task<IResult> Nearest(string? lat, string? lon, AppDbContext db, CancellationToken ct)
    {
        var e = new InputErrors();
        var latitude = Number(e, "lat", lat, 90, "Широта — число от −90 до 90, например 56.8389.");
        var longitude = Number(e, "lon", lon, 180, "Долгота — число от −180 до 180, например 60.6057.");
        e.ThrowIfAny();
        return await AddressSearch.NearestAsync(db, latitude, longitude, ct) is { } found
            ? TypedResults.Ok(found)
            : TypedResults.Problem(title: "Адрес не найден", detail: "Рядом с этой точкой в адресном реестре нет домов.", statusCode: 404,
                extensions: new Dictionary<string, object?> { ["code"] = "address.none_near" });
    }

    static double Number(InputErrors e, string field, string? text, double max, string message)
    {
        if (string.IsNullOrWhiteSpace(text)) { e.Add(field, "field.required", message); return 0; }
        if (!double.TryParse(text.Trim().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || double.IsNaN(v) || Math.Abs(v) > max)
        { e.Add(field, "field.range", message); return 0; }
        return v;
    }

    /// <summary>A CSV (<c>text/csv</c>) or OpenStreetMap address points (<c>application/geo+json</c> or <c>application/json</c>).</summary>
    static async Task<IResult> Import(HttpRequest request, string? region, string? municipality, AppDbContext db, TerritoryLocator locator,
        ILoggerFactory logs, CancellationToken ct)
    {
        var e = new InputErrors();
        var type = request.ContentType ?? "";
        List<AddressImport.Row> rows;
        if (type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8);
            rows = AddressImport.ReadCsv(await reader.ReadToEndAsync(ct), e);
        }
        else if (type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            JsonDocument document;
            try { document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct); }
            catch (JsonException) { throw new InputException("file", "address.geojson", "Файл не читается как GeoJSON.", StatusCodes.Status422UnprocessableEntity); }
            using (document) rows = AddressImport.ReadOsm(document.RootElement, e);
        }
        else throw new InputException("file", "address.format", "Пришлите CSV (text/csv) или GeoJSON с адресными точками OpenStreetMap (application/geo+json).",
            StatusCodes.Status415UnsupportedMediaType);
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        var result = await AddressImport.ImportAsync(db, locator.LocateAsync, rows, region, municipality, logs.CreateLogger("Otklik.Addresses"), ct);
        return TypedResults.Ok(result);
    }
}
