using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Addresses;

/// <summary>An address of the register as the search, the reverse lookup and the apps get it.</summary>
public sealed record AddressView(
    Guid Id, string Label, string Settlement, string StreetType, string Street, string House, string? Postcode,
    double Latitude, double Longitude, Guid? TerritoryId, Guid? FiasId, double? DistanceMetres = null);

/// <summary>
/// Search by typed address and lookup of the nearest address. Both stay index reads at a million houses on either engine:
/// a typed word is a range scan of the word index (AddressStreetWords' key, a B-tree on both), the streets found are
/// intersected, and their houses are read by (street, number); the nearest address reads 9, then 49, then 169 grid cells
/// through the index on AddressHouses.Cell and measures the few hundred candidates in memory.
/// </summary>
public static class AddressSearch
{
    public const int MaxResults = 20;
    const int MaxStreets = 50;

    public static async Task<List<AddressView>> SearchAsync(AppDbContext db, string text, int limit, CancellationToken ct)
    {
        var q = AddressText.Parse(text);
        if (q.Stems.Count == 0) return [];
        // Each stem's streets through the word index (capped); the smallest set first, the others intersected with it —
        // in memory when complete, else by asking the index again for just those streets.
        const int Cap = 5000;
        IQueryable<AddressStreetWord> Words(string stem)
        {
            var upper = stem[..^1] + (char)(stem[^1] + 1);
            return db.Set<AddressStreetWord>().AsNoTracking().Where(w => string.Compare(w.Word, stem) >= 0 && string.Compare(w.Word, upper) < 0);
        }
        var sets = new List<(string Stem, HashSet<Guid> Ids)>();
        foreach (var stem in q.Stems)
        {
            var ids = await Words(stem).Select(w => w.StreetId).Distinct().Take(Cap).ToListAsync(ct);
            if (ids.Count == 0) return [];
            sets.Add((stem, [.. ids]));
        }
        sets = [.. sets.OrderBy(x => x.Ids.Count)];
        var streets = sets[0].Ids;
        foreach (var (stem, ids) in sets.Skip(1))
        {
            if (ids.Count < Cap) streets.IntersectWith(ids);
            else
            {
                var known = streets.ToList();
                streets = [.. await Words(stem).Where(w => known.Contains(w.StreetId)).Select(w => w.StreetId).Distinct().ToListAsync(ct)];
            }
            if (streets.Count == 0) return [];
        }
        var found = streets.Take(Cap).ToList();
        var candidates = await db.Set<AddressStreet>().AsNoTracking().Where(s => found.Contains(s.Id)).ToListAsync(ct);
        // A typed type narrows when the register has it; «ул. Мира» still finds «пр-кт Мира» when there is no such улица.
        if (q.Type is { } type && candidates.Any(s => s.Type == type)) candidates = [.. candidates.Where(s => s.Type == type)];
        candidates = [.. candidates.OrderBy(s => s.Settlement).ThenBy(s => s.Name).Take(MaxStreets)];
        var byId = candidates.ToDictionary(s => s.Id);
        var chosen = byId.Keys.ToList();

        var houses = db.Set<AddressHouse>().AsNoTracking().Where(h => chosen.Contains(h.StreetId));
        List<AddressHouse> rows;
        if (q.House is { } house)
        {
            var upper = house[..^1] + (char)(house[^1] + 1);
            // The exact number first, then the numbers it begins («5» → «5а», «5к1»).
            rows = await houses.Where(h => h.NumberKey == house || (string.Compare(h.NumberKey, house) > 0 && string.Compare(h.NumberKey, upper) < 0))
                .OrderBy(h => h.NumberKey == house ? 0 : 1).ThenBy(h => h.NumberValue).ThenBy(h => h.NumberKey).Take(limit).ToListAsync(ct);
        }
        else
        {
            rows = await houses.OrderBy(h => h.NumberValue).ThenBy(h => h.NumberKey).Take(limit).ToListAsync(ct);
        }
        return [.. rows.Take(limit).Select(h => View(byId[h.StreetId], h, null))];
    }

    /// <summary>The address nearest the point, or null when the register has none within about 800 m.</summary>
    public static async Task<AddressView?> NearestAsync(AppDbContext db, double lat, double lon, CancellationToken ct)
    {
        foreach (var ring in (int[])[1, 3, 6])
        {
            var cells = AddressGrid.Around(lat, lon, ring);
            var rows = await db.Set<AddressHouse>().AsNoTracking().Where(h => cells.Contains(h.Cell)).ToListAsync(ct);
            if (rows.Count == 0) continue;
            var best = rows.Select(h => (House: h, Metres: AddressGrid.Metres(lat, lon, h.Latitude, h.Longitude)))
                .OrderBy(p => p.Metres).ThenBy(p => p.House.NumberValue).First();
            // Nearer than the edge of the cells read: nothing outside them can be nearer. Else read a wider square.
            if (best.Metres > AddressGrid.CoveredMetres(lat, lon, ring) && ring < 6) continue;
            var street = await db.Set<AddressStreet>().AsNoTracking().SingleAsync(s => s.Id == best.House.StreetId, ct);
            return View(street, best.House, Math.Round(best.Metres, 1));
        }
        return null;
    }

    public static AddressView View(AddressStreet s, AddressHouse h, double? metres) => new(
        h.Id, Label(s, h.Number), s.Settlement, s.Type, s.Name, h.Number, h.Postcode, h.Latitude, h.Longitude, s.TerritoryId, h.FiasId, metres);

    /// <summary>«г. Уралград, ул. Ленина, 5»: what fills the appeal's address field.</summary>
    public static string Label(AddressStreet s, string number) =>
        string.Join(", ", new[] { s.Settlement, Street(s.Type, s.Name), number }.Where(p => !string.IsNullOrWhiteSpace(p)));

    /// <summary>The type first, as ГАР writes it: «ул. Ленина», «пр-кт Мира».</summary>
    public static string Street(string type, string name) => string.IsNullOrEmpty(type) ? name : $"{type} {name}";
}
