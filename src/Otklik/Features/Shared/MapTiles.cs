using Microsoft.Data.Sqlite;

namespace Otklik.Features.Shared;

/// <summary>
/// Raster tiles served by the app itself from an MBTiles file (the SQLite format of MapTiler, TileMill, `gdal_translate -of
/// MBTILES` or `tilemaker`), named by <c>Otklik:Map:MbTiles</c>: a region can run its maps fully offline. The file is opened
/// read-only; MBTiles rows are in TMS order, so the y of a web map request is flipped. With the setting empty the endpoint
/// answers 404 and the maps use <c>Otklik:Map:TileUrl</c> or draw the outlines alone.
/// </summary>
public static class MapTiles
{
    public const string Path = "/map/tiles";

    /// <summary>The tile URL the maps use: a configured tile server first, else the app's own MBTiles, else none.</summary>
    public static string? TileUrl(IConfiguration config) =>
        !string.IsNullOrWhiteSpace(config["Otklik:Map:TileUrl"]) ? config["Otklik:Map:TileUrl"]
        : !string.IsNullOrWhiteSpace(config["Otklik:Map:MbTiles"]) ? Path + "/{z}/{x}/{y}" : null;

    public static void MapMapTiles(this IEndpointRouteBuilder routes) =>
        routes.MapGet(Path + "/{z:int}/{x:int}/{y:int}", Tile).AllowAnonymous().ExcludeFromDescription();

    static async Task<IResult> Tile(int z, int x, int y, IConfiguration config, HttpContext http, CancellationToken ct)
    {
        var file = config["Otklik:Map:MbTiles"];
        if (string.IsNullOrWhiteSpace(file) || z is < 0 or > 22 || x < 0 || y < 0 || x >= 1 << z || y >= 1 << z) return TypedResults.NotFound();
        if (!File.Exists(file)) return TypedResults.NotFound();
        var connection = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
        await using var db = new SqliteConnection(connection);
        await db.OpenAsync(ct);
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT tile_data FROM tiles WHERE zoom_level = $z AND tile_column = $x AND tile_row = $y";
        command.Parameters.AddWithValue("$z", z);
        command.Parameters.AddWithValue("$x", x);
        command.Parameters.AddWithValue("$y", (1 << z) - 1 - y);
        if (await command.ExecuteScalarAsync(ct) is not byte[] data) return TypedResults.NotFound();
        // Tiles change only when the file is replaced: a day in the browser's cache is safe.
        http.Response.Headers.CacheControl = "public, max-age=86400";
        return TypedResults.File(data, ContentType(data));
    }

    static string ContentType(byte[] data) =>
        data.Length > 3 && data[0] == 0x89 && data[1] == (byte)'P' ? "image/png"
        : data.Length > 2 && data[0] == 0xFF && data[1] == 0xD8 ? "image/jpeg"
        : data.Length > 11 && data[8] == (byte)'W' && data[9] == (byte)'E' ? "image/webp"
        : "application/octet-stream";
}
