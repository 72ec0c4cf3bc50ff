using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Addresses;

/// <summary>
/// Loads the address register from a CSV (the ГАР hierarchy in columns, with the point) or from OpenStreetMap address
/// points (a GeoJSON FeatureCollection with <c>addr:*</c> tags, as overpass-turbo or <c>osmium export</c> write them).
/// All or nothing: every row is checked first and any error refuses the whole file, naming the row; then everything is
/// written in one transaction, a street once per settlement, type and name, a house once per street and number (an
/// imported house already in the register gets the new point). Progress goes to the log every 10,000 rows.
/// </summary>
public static class AddressImport
{
    public const int MaxErrors = 100;

    /// <summary>One row as read from either format, before it is checked.</summary>
    public sealed record Row(int Line, string? Region, string? Municipality, string? Settlement, string? StreetType, string? Street,
        string? House, string? Postcode, string? Latitude, string? Longitude, string? FiasStreet, string? FiasHouse);

    public sealed record Result(int Rows, int StreetsAdded, int HousesAdded, int HousesUpdated);

    sealed record Checked(int Line, string Region, string Municipality, string Settlement, string Type, string Name, string Number,
        string NumberKey, string? Postcode, double Lat, double Lon, Guid? FiasStreet, Guid? FiasHouse);

    /// <summary>The CSV columns: a header names them, in any order; «;» or «,» separates them.</summary>
    public static readonly string[] CsvColumns =
        ["region", "municipality", "settlement", "street_type", "street", "house", "postcode", "lat", "lon", "fias_street_id", "fias_house_id"];

    public static List<Row> ReadCsv(string text, InputErrors e)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        if (lines.Length == 0 || string.IsNullOrWhiteSpace(lines[0])) { e.Add("file", "address.csv_header", "Первая строка файла — заголовок со столбцами: " + string.Join(";", CsvColumns) + "."); return []; }
        var separator = lines[0].Count(c => c == ';') >= lines[0].Count(c => c == ',') ? ';' : ',';
        var header = Split(lines[0].TrimStart('\uFEFF'), separator).Select(h => h.Trim().ToLowerInvariant()).ToList();
        foreach (var required in (string[])["settlement", "street", "house", "lat", "lon"])
            if (!header.Contains(required)) e.Add("file", "address.csv_header", $"В заголовке нет столбца «{required}».");
        if (e.Any) return [];
        string? Cell(List<string> cells, string name)
        {
            var i = header.IndexOf(name);
            return i >= 0 && i < cells.Count && !string.IsNullOrWhiteSpace(cells[i]) ? cells[i].Trim() : null;
        }
        var rows = new List<Row>();
        for (var n = 1; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n])) continue;
            var c = Split(lines[n], separator);
            rows.Add(new Row(n + 1, Cell(c, "region"), Cell(c, "municipality"), Cell(c, "settlement"), Cell(c, "street_type"), Cell(c, "street"),
                Cell(c, "house"), Cell(c, "postcode"), Cell(c, "lat"), Cell(c, "lon"), Cell(c, "fias_street_id"), Cell(c, "fias_house_id")));
        }
        return rows;
    }

    /// <summary>A CSV line split on the separator, with "quoted" cells that may hold it.</summary>
    static List<string> Split(string line, char separator)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cell.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == separator) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(ch);
        }
        cells.Add(cell.ToString());
        return cells;
    }

    /// <summary>OpenStreetMap address points: <c>addr:street</c> («улица Ленина»), <c>addr:housenumber</c>, <c>addr:city</c> (or
    /// <c>addr:place</c>), <c>addr:postcode</c>, <c>addr:region</c>, <c>addr:district</c>; a building outline counts by its centre.</summary>
    public static List<Row> ReadOsm(JsonElement collection, InputErrors e)
    {
        if (collection.ValueKind != JsonValueKind.Object || !collection.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
        {
            e.Add("file", "address.geojson", "Ожидается GeoJSON FeatureCollection с адресными точками OpenStreetMap.");
            return [];
        }
        var rows = new List<Row>();
        var n = 0;
        foreach (var f in features.EnumerateArray())
        {
            n++;
            var props = f.ValueKind == JsonValueKind.Object && f.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            string? Tag(string name) => props.ValueKind == JsonValueKind.Object && props.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString() : null;
            var (lat, lon) = Point(f);
            var street = Tag("addr:street");
            var (type, name) = street is null ? (null, null) : AddressText.SplitStreet(street);
            rows.Add(new Row(n, Tag("addr:region"), Tag("addr:district"), Tag("addr:city") ?? Tag("addr:place"), type, name,
                Tag("addr:housenumber"), Tag("addr:postcode"), lat, lon, null, Tag("ref:fias") ?? Tag("fias:guid")));
        }
        return rows;
    }

    static (string? Lat, string? Lon) Point(JsonElement feature)
    {
        if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("geometry", out var g) || g.ValueKind != JsonValueKind.Object
            || !g.TryGetProperty("coordinates", out var c)) return (null, null);
        var type = g.TryGetProperty("type", out var t) ? t.GetString() : null;
        // A building: the mean of its outer ring's vertices is close enough to pick the house and put a marker on it.
        var points = type switch
        {
            "Point" => [c],
            "Polygon" when c.ValueKind == JsonValueKind.Array && c.GetArrayLength() > 0 => c[0].EnumerateArray().ToList(),
            _ => new List<JsonElement>(),
        };
        var pairs = points.Where(p => p.ValueKind == JsonValueKind.Array && p.GetArrayLength() >= 2
                                      && p[0].ValueKind == JsonValueKind.Number && p[1].ValueKind == JsonValueKind.Number)
            .Select(p => (Lon: p[0].GetDouble(), Lat: p[1].GetDouble())).ToList();
        if (pairs.Count == 0) return (null, null);
        return (pairs.Average(p => p.Lat).ToString("R", CultureInfo.InvariantCulture), pairs.Average(p => p.Lon).ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>Checks every row (errors name the row: «rows[17].house») and, when all are good, writes them in one transaction.</summary>
    public static async Task<Result> ImportAsync(AppDbContext db, Func<double, double, CancellationToken, Task<Guid?>> locate, IReadOnlyList<Row> rows, string? region, string? municipality,
        ILogger log, CancellationToken ct)
    {
        var e = new InputErrors();
        var errors = 0;
        void Err(string field, string code, string message) { e.Add(field, code, message); errors++; }
        if (rows.Count == 0) Err("file", "address.empty", "В файле нет ни одного адреса.");
        var good = new List<Checked>(rows.Count);
        var seen = new Dictionary<(string, string, string, string), int>();
        foreach (var r in rows)
        {
            if (errors >= MaxErrors) break;
            var at = $"rows[{r.Line}]";
            var before = errors;
            var settlement = Clean(r.Settlement);
            var name = Clean(r.Street);
            var type = r.StreetType is null ? null : AddressText.StreetType(r.StreetType) ?? Clean(r.StreetType);
            if (r.StreetType is null && name is not null) (type, name) = AddressText.SplitStreet(name) is var (t, n) ? (t, n) : default;
            var number = Clean(r.House);
            var key = AddressText.HouseKey(number);
            if (settlement is null || settlement.Length > 200) Err($"{at}.settlement", "address.settlement", $"Строка {r.Line}: укажите населённый пункт (до 200 символов).");
            if (name is null || name.Length > 200) Err($"{at}.street", "address.street", $"Строка {r.Line}: укажите улицу (до 200 символов).");
            if (type is { Length: > 20 }) Err($"{at}.street_type", "address.street_type", $"Строка {r.Line}: тип улицы «{type}» не распознан.");
            if (number is null || key is null || number.Length > 30) Err($"{at}.house", "address.house", $"Строка {r.Line}: номер дома должен начинаться с цифры (до 30 символов).");
            if (!double.TryParse(r.Latitude?.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) || lat is < -90 or > 90 || double.IsNaN(lat))
                Err($"{at}.lat", "address.latitude", $"Строка {r.Line}: широта — число от −90 до 90.");
            if (!double.TryParse(r.Longitude?.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) || lon is < -180 or > 180 || double.IsNaN(lon))
                Err($"{at}.lon", "address.longitude", $"Строка {r.Line}: долгота — число от −180 до 180.");
            var postcode = Clean(r.Postcode);
            if (postcode is not null && (postcode.Length != 6 || !postcode.All(char.IsAsciiDigit)))
                Err($"{at}.postcode", "address.postcode", $"Строка {r.Line}: почтовый индекс — шесть цифр.");
            Guid? Fias(string? text, string field)
            {
                if (string.IsNullOrWhiteSpace(text)) return null;
                if (Guid.TryParse(text, out var g)) return g;
                Err($"{at}.{field}", "address.fias_id", $"Строка {r.Line}: идентификатор ГАР — GUID, например 0c5b2444-70a0-4932-980c-b4dc0d3f02b5.");
                return null;
            }
            var fiasStreet = Fias(r.FiasStreet, "fias_street_id");
            var fiasHouse = Fias(r.FiasHouse, "fias_house_id");
            if (errors > before) continue;
            var identity = (settlement!, type ?? "", name!, key!);
            if (seen.TryGetValue(identity, out var first))
            {
                Err($"{at}.house", "address.duplicate", $"Строка {r.Line}: этот адрес уже есть в строке {first}.");
                continue;
            }
            seen[identity] = r.Line;
            good.Add(new Checked(r.Line, Clean(r.Region) ?? region?.Trim() ?? "", Clean(r.Municipality) ?? municipality?.Trim() ?? "", settlement!, type ?? "",
                name!, number!, key!, postcode, lat, lon, fiasStreet, fiasHouse));
        }
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);

        var streetsAdded = 0; var housesAdded = 0; var housesUpdated = 0; var done = 0;
        // The demo seed imports inside its own transaction; the API's import has one of its own.
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        foreach (var batch in good.GroupBy(c => (c.Settlement, c.Type, c.Name)).Chunk(500))
        {
            var settlements = batch.Select(g => g.Key.Settlement).Distinct().ToList();
            var existing = (await db.Set<AddressStreet>().Where(s => settlements.Contains(s.Settlement)).ToListAsync(ct))
                .ToDictionary(s => (s.Settlement, s.Type, s.Name));
            var streetIds = new List<Guid>();
            var streetOf = new Dictionary<(string, string, string), AddressStreet>();
            foreach (var g in batch)
            {
                var head = g.First();
                if (!existing.TryGetValue(g.Key, out var street))
                {
                    street = new AddressStreet
                    {
                        Id = Guid.CreateVersion7(), Region = head.Region, Municipality = head.Municipality, Settlement = head.Settlement, Type = head.Type, Name = head.Name,
                        FiasId = head.FiasStreet, TerritoryId = await locate(head.Lat, head.Lon, ct),
                    };
                    db.Add(street);
                    foreach (var word in AddressText.IndexWords(street.Name, street.Settlement))
                        db.Add(new AddressStreetWord { Word = word, StreetId = street.Id });
                    streetsAdded++;
                }
                else
                {
                    streetIds.Add(street.Id);
                    if (head.FiasStreet is { } fs) street.FiasId = fs;
                }
                streetOf[g.Key] = street;
            }
            var houses = streetIds.Count == 0 ? [] : (await db.Set<AddressHouse>().Where(h => streetIds.Contains(h.StreetId)).ToListAsync(ct))
                .ToDictionary(h => (h.StreetId, h.NumberKey));
            foreach (var g in batch)
            {
                var street = streetOf[g.Key];
                foreach (var c in g)
                {
                    if (houses.TryGetValue((street.Id, c.NumberKey), out var house))
                    {
                        (house.Number, house.Latitude, house.Longitude, house.Cell) = (c.Number, c.Lat, c.Lon, AddressGrid.Cell(c.Lat, c.Lon));
                        house.Postcode = c.Postcode ?? house.Postcode;
                        house.FiasId = c.FiasHouse ?? house.FiasId;
                        housesUpdated++;
                    }
                    else
                    {
                        db.Add(new AddressHouse
                        {
                            Id = Guid.CreateVersion7(), StreetId = street.Id, Number = c.Number, NumberKey = c.NumberKey, NumberValue = AddressText.NumberValue(c.NumberKey),
                            Postcode = c.Postcode, Latitude = c.Lat, Longitude = c.Lon, Cell = AddressGrid.Cell(c.Lat, c.Lon), FiasId = c.FiasHouse,
                        });
                        housesAdded++;
                    }
                    if (++done % 10_000 == 0) log.LogInformation("Address import: {Done} of {Total} rows checked into the transaction", done, good.Count);
                }
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        if (tx is not null) await tx.CommitAsync(ct);
        log.LogInformation("Address import: {Rows} rows, {Streets} streets and {Houses} houses added, {Updated} houses updated",
            good.Count, streetsAdded, housesAdded, housesUpdated);
        return new Result(good.Count, streetsAdded, housesAdded, housesUpdated);
    }

    static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : string.Join(' ', s.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
