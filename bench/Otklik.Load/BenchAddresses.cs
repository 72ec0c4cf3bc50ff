using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Addresses;

namespace Otklik.Load;

/// <summary>
/// An address register of N houses for the address workloads (issue 17): 100 houses a street, 100 streets a settlement,
/// settlements 30 km apart on a grid — a million houses is 10,000 streets in 100 settlements, each street a straight
/// line of houses 40 m apart, as dense as a city's centre. Written by <see cref="BulkWriter"/> with the keys and grid
/// cells the import computes (<see cref="AddressText"/>, <see cref="AddressGrid"/>).
/// </summary>
public static class BenchAddresses
{
    public const int HousesPerStreet = 100, StreetsPerSettlement = 100;

    static readonly string[] Names =
    [
        "Ленина", "Мира", "Советская", "Гагарина", "Школьная", "Садовая", "Победы", "Молодёжная", "Заводская", "Набережная",
        "Пушкина", "Строителей", "Кирова", "Лесная", "Юбилейная", "Октябрьская", "Комсомольская", "Первомайская", "Луговая", "Полевая",
    ];
    // Five distinct types: 20 names × 5 types are the settlement's 100 distinct streets (the register's key is settlement,
    // type and name; "ул." listed three times once made streets 0, 20 and 40 the same street and a fill past 2,000 houses fail).
    static readonly string[] Types = ["ул.", "пр-кт", "пер.", "б-р", "ш."];

    public static string Settlement(int k) => $"г. Бенчград-{k}";
    /// <summary>The name of street <paramref name="j"/> (0–99) of a settlement: 20 names × 5 types.</summary>
    public static (string Type, string Name) Street(int j) => (Types[j / Names.Length % Types.Length], Names[j % Names.Length]);

    public static (double Lat, double Lon) Point(int k, int j, int house) =>
        (50 + k / 10 * 0.3 + j * 0.0025, 40 + k % 10 * 0.5 + house * 0.00065);

    public static int SettlementsFor(int houses) => Math.Max(1, (houses + HousesPerStreet * StreetsPerSettlement - 1) / (HousesPerStreet * StreetsPerSettlement));

    public static async Task FillAsync(IServiceProvider services, int houses, Action<int, int>? progress, CancellationToken ct)
    {
        var written = 0;
        var settlements = SettlementsFor(houses);
        for (var k = 0; k < settlements && written < houses; k++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var streets = new List<AddressStreet>();
            var words = new List<AddressStreetWord>();
            var rows = new List<AddressHouse>();
            for (var j = 0; j < StreetsPerSettlement && written < houses; j++)
            {
                var (type, name) = Street(j);
                var street = new AddressStreet
                {
                    Id = Guid.CreateVersion7(), Region = "Бенчская область", Municipality = $"городской округ Бенчград-{k}", Settlement = Settlement(k),
                    Type = type, Name = name,
                };
                streets.Add(street);
                words.AddRange(AddressText.IndexWords(name, street.Settlement).Select(w => new AddressStreetWord { Word = w, StreetId = street.Id }));
                for (var n = 1; n <= HousesPerStreet && written < houses; n++, written++)
                {
                    var (lat, lon) = Point(k, j, n);
                    var key = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    rows.Add(new AddressHouse
                    {
                        Id = Guid.CreateVersion7(), StreetId = street.Id, Number = key, NumberKey = key, NumberValue = n,
                        Latitude = lat, Longitude = lon, Cell = AddressGrid.Cell(lat, lon),
                    });
                }
            }
            await BulkWriter.WriteAsync(db, streets, ct);
            await BulkWriter.WriteAsync(db, words, ct);
            await BulkWriter.WriteAsync(db, rows, ct);
            progress?.Invoke(written, houses);
        }
    }

    /// <summary>A typed address of the register as people type it: «Ленина 15», «ул. Мира, 7», «Бенчград-3 Садовая 40».</summary>
    public static string Query(Random r, int houses)
    {
        var k = r.Next(SettlementsFor(houses));
        var (type, name) = Street(r.Next(Math.Min(StreetsPerSettlement, Math.Max(1, houses / HousesPerStreet))));
        var n = r.Next(1, HousesPerStreet + 1);
        return r.Next(3) switch
        {
            0 => $"{name} {n}",
            1 => $"{type} {name}, {n}",
            _ => $"Бенчград-{k} {name} {n}",
        };
    }

    /// <summary>A point within 100 m of a house of the register.</summary>
    public static (double Lat, double Lon) Near(Random r, int houses)
    {
        var k = r.Next(SettlementsFor(houses));
        var (lat, lon) = Point(k, r.Next(Math.Min(StreetsPerSettlement, Math.Max(1, houses / HousesPerStreet))), r.Next(1, HousesPerStreet + 1));
        return (lat + (r.NextDouble() - 0.5) * 0.001, lon + (r.NextDouble() - 0.5) * 0.001);
    }
}
