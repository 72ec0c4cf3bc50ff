using System.Net;
using Microsoft.Data.Sqlite;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Addresses;

/// <summary>Tiles from an MBTiles file (Otklik:Map:MbTiles): served by the app itself, y flipped to the file's TMS rows.</summary>
public sealed class MapTilesTests
{
    static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_app_serves_raster_tiles_from_an_MBTiles_file_and_the_maps_use_them(Engine engine)
    {
        var file = Path.Combine(Path.GetTempPath(), $"otklik-tiles-{Guid.NewGuid():N}.mbtiles");
        await using (var db = new SqliteConnection($"Data Source={file};Pooling=false"))
        {
            await db.OpenAsync();
            var create = db.CreateCommand();
            create.CommandText = """
                CREATE TABLE metadata (name TEXT, value TEXT);
                CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
                INSERT INTO metadata VALUES ('format', 'png');
                """;
            await create.ExecuteNonQueryAsync();
            // Zoom 1, column 1, web-map row 0 (the northern half): TMS row 2^1 − 1 − 0 = 1.
            var insert = db.CreateCommand();
            insert.CommandText = "INSERT INTO tiles VALUES (1, 1, 1, $data)";
            insert.Parameters.AddWithValue("$data", Png);
            await insert.ExecuteNonQueryAsync();
        }
        try
        {
            await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:Map:MbTiles"] = file });
            var tile = await app.Anonymous().GetAsync("/map/tiles/1/1/0").Expect(HttpStatusCode.OK);
            Assert.Equal("image/png", tile.Content.Headers.ContentType?.MediaType);
            Assert.Equal(Png, await tile.Content.ReadAsByteArrayAsync());
            await app.Anonymous().GetAsync("/map/tiles/1/1/1").Expect(HttpStatusCode.NotFound);
            await app.Anonymous().GetAsync("/map/tiles/1/2/0").Expect(HttpStatusCode.NotFound);
            var map = await (await app.Anonymous().GetAsync("/map").Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync();
            Assert.Contains("data-tiles=\"/map/tiles/{z}/{x}/{y}\"", map);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }
}
