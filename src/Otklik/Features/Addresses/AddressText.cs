using System.Globalization;
using System.Text;
using Lucene.Net.Tartarus.Snowball.Ext;

namespace Otklik.Features.Addresses;

/// <summary>
/// How people write addresses, reduced to what the register compares: street types to ГАР's abbreviations («улица», «ул»
/// → «ул.»; «проспект», «пр-т», «просп» → «пр-кт»), house numbers to one spelling («д. 12, корп. 1» → «12к1», «5 А» → «5а»),
/// and name words to their Snowball stems («Ленина», «Ленину» → «ленин»; «Садовая», «Садовой» → «садов»), so a search
/// is indifferent to word forms and abbreviations. Pure functions: the import and the search use the same ones.
/// </summary>
public static class AddressText
{
    /// <summary>Every spelling of a street type (lower case, без точки) → the ГАР abbreviation shown.</summary>
    static readonly Dictionary<string, string> StreetTypes = new(StringComparer.Ordinal)
    {
        ["улица"] = "ул.", ["ул"] = "ул.",
        ["проспект"] = "пр-кт", ["пр-кт"] = "пр-кт", ["пр-т"] = "пр-кт", ["просп"] = "пр-кт", ["пр"] = "пр-кт", ["прт"] = "пр-кт",
        ["переулок"] = "пер.", ["пер"] = "пер.",
        ["бульвар"] = "б-р", ["б-р"] = "б-р", ["бул"] = "б-р",
        ["шоссе"] = "ш.", ["ш"] = "ш.",
        ["площадь"] = "пл.", ["пл"] = "пл.",
        ["набережная"] = "наб.", ["наб"] = "наб.",
        ["проезд"] = "пр-д", ["пр-д"] = "пр-д",
        ["микрорайон"] = "мкр.", ["мкр"] = "мкр.", ["мкрн"] = "мкр.", ["мкр-н"] = "мкр.",
        ["тракт"] = "тракт",
        ["тупик"] = "туп.", ["туп"] = "туп.",
        ["аллея"] = "аллея", ["ал"] = "аллея",
        ["квартал"] = "кв-л", ["кв-л"] = "кв-л",
        ["линия"] = "линия",
    };

    /// <summary>Words that name the kind of a settlement or mark a house; they carry no name.</summary>
    static readonly HashSet<string> Markers = new(StringComparer.Ordinal)
    {
        "г", "город", "гор", "пос", "поселок", "п", "пгт", "рп", "село", "с", "дер", "деревня", "обл", "область", "р-н", "район", "го",
        "городской", "округ", "д", "дом", "россия", "рф",
        // «на Ленина», «у дома 5», «возле …»: prepositions of a typed place.
        "на", "у", "в", "во", "возле", "около", "напротив", "рядом", "по", "за", "из", "от", "до",
    };

    /// <summary>After these the rest is a flat or an office, not part of the register's address.</summary>
    static readonly HashSet<string> Stops = new(StringComparer.Ordinal) { "кв", "квартира", "оф", "офис", "пом", "помещение", "комн", "комната" };

    static readonly HashSet<string> Corpus = new(StringComparer.Ordinal) { "к", "корп", "корпус" };
    static readonly HashSet<string> Building = new(StringComparer.Ordinal) { "стр", "строение", "с" };
    static readonly HashSet<string> Litera = new(StringComparer.Ordinal) { "лит", "литера" };

    /// <summary>The ГАР abbreviation of a typed street type, or null when the word is not one.</summary>
    public static string? StreetType(string word) => StreetTypes.GetValueOrDefault(Fold(word).Trim('.', ' '));

    /// <summary>Lower case, «ё» as «е», everything but letters, digits, «-» and «/» as spaces, split into words.</summary>
    public static List<string> Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var b = new StringBuilder(text.Length);
        foreach (var ch in Fold(text)) b.Append(char.IsLetterOrDigit(ch) || ch is '-' or '/' ? ch : ' ');
        return [.. b.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('-')).Where(w => w.Length > 0)];
    }

    static string Fold(string s) => s.ToLowerInvariant().Replace('ё', 'е');

    /// <summary>A name word's stem (a prefix of the word): digits stay as they are.</summary>
    public static string Stem(string word)
    {
        var w = Fold(word);
        if (w.Length < 3 || !w.All(char.IsLetter)) return w;
        var stemmer = new RussianStemmer();
        stemmer.SetCurrent(w);
        stemmer.Stem();
        var stem = stemmer.Current;
        return stem.Length >= 2 ? stem : w;
    }

    /// <summary>«д. 12, корп. 1» → «12к1»; «5 А» → «5а»; «10/2» → «10/2»; «3 стр. 2» → «3с2»; null when there is no number.</summary>
    public static string? HouseKey(string? number)
    {
        var words = Words(number).Where(w => w is not ("д" or "дом")).ToList();
        if (words.Count == 0 || !char.IsDigit(words[0][0])) return null;
        var key = new StringBuilder();
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            var next = i + 1 < words.Count ? words[i + 1] : null;
            if (Corpus.Contains(w) && next is not null) { key.Append('к').Append(next); i++; }
            else if (Building.Contains(w) && next is not null) { key.Append('с').Append(next); i++; }
            else if (Litera.Contains(w)) { }
            else key.Append(CompactBuilding(w));
        }
        return key.Length == 0 ? null : key.ToString();
    }

    /// <summary>«12корп1» → «12к1», «3стр2» → «3с2» inside one word.</summary>
    static string CompactBuilding(string w) => w.Replace("корпус", "к").Replace("корп", "к").Replace("строение", "с").Replace("стр", "с");

    /// <summary>The leading digits of a number, for ordering 2 before 10.</summary>
    public static int NumberValue(string key)
    {
        var digits = new string(key.TakeWhile(char.IsDigit).Take(9).ToArray());
        return digits.Length == 0 ? 0 : int.Parse(digits, CultureInfo.InvariantCulture);
    }

    /// <summary>What a search asks for: the street type if one was typed, the name stems, and the house number key.</summary>
    public sealed record Query(string? Type, IReadOnlyList<string> Stems, string? House);

    /// <summary>
    /// Reads «ул. Ленина 5», «Ленина, 5», «пр-т Мира», «проспект Мира 10», «Уралград, Ленина 12 корп 1», «8 Марта 3 кв 5».
    /// A number followed by a name word belongs to the name («8 Марта»); the last number is the house; «кв.» ends it.
    /// </summary>
    public static Query Parse(string? text)
    {
        var words = Words(text);
        string? type = null;
        var stems = new List<string>();
        var house = new StringBuilder();
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            var next = i + 1 < words.Count ? words[i + 1] : null;
            if (Stops.Contains(w)) break;
            if (house.Length > 0)
            {
                // What follows a number is its корпус, строение or letter, or else the number was not the last one.
                if (Corpus.Contains(w) && next is not null && char.IsDigit(next[0])) { house.Append('к').Append(next); i++; continue; }
                if (Building.Contains(w) && next is not null && char.IsDigit(next[0])) { house.Append('с').Append(next); i++; continue; }
                if (Litera.Contains(w)) continue;
                if (w.Length == 1 && char.IsLetter(w[0])) { house.Append(w); continue; }
            }
            if (StreetType(w) is { } t) { type ??= t; continue; }
            if (char.IsDigit(w[0]))
            {
                // «8 Марта»: a number before a name word is part of the name.
                if (next is not null && next.Length >= 3 && next.All(char.IsLetter) && !Markers.Contains(next) && !Stops.Contains(next)
                    && StreetType(next) is null && !Corpus.Contains(next) && !Building.Contains(next))
                {
                    stems.Add(w);
                    continue;
                }
                house.Clear().Append(CompactBuilding(w));
                continue;
            }
            if (Markers.Contains(w)) continue;
            // «Ленина-Луначарского» or «Мамина-Сибиряка»: each part a word.
            foreach (var part in w.Split('-', StringSplitOptions.RemoveEmptyEntries))
                if (part.Length >= 2 && !Markers.Contains(part)) stems.Add(Stem(part));
        }
        return new Query(type, stems.Distinct().ToList(), house.Length == 0 ? null : house.ToString());
    }

    /// <summary>The stemmed words of a street's name and its settlement (without the settlement's type): the rows of the word index.</summary>
    public static IEnumerable<string> IndexWords(string name, string settlement) =>
        Words(name).Concat(Words(settlement).Where(w => !Markers.Contains(w)))
            .SelectMany(w => w.Split('-', StringSplitOptions.RemoveEmptyEntries))
            .Where(w => w.Length >= 1 && !Markers.Contains(w))
            .Select(Stem).Where(s => s.Length is > 0 and <= 100).Distinct();

    /// <summary>Splits a whole street as OpenStreetMap spells it («улица Ленина», «Мира проспект») into type and name.</summary>
    public static (string? Type, string Name) SplitStreet(string street)
    {
        var parts = street.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (parts.Count > 1 && StreetType(parts[0]) is { } first) return (first, string.Join(' ', parts.Skip(1)));
        if (parts.Count > 1 && StreetType(parts[^1]) is { } last) return (last, string.Join(' ', parts.Take(parts.Count - 1)));
        return (null, string.Join(' ', parts));
    }
}

/// <summary>
/// A grid over the globe of cells 0.002° on a side (about 220 m north–south, 120 m east–west at 56° N). Each house stores
/// its cell, so the nearest address is found by reading the few cells around a point through one index, on either engine.
/// </summary>
public static class AddressGrid
{
    public const double Size = 0.002;
    const long Row = 1_000_000;

    public static (long Y, long X) Of(double lat, double lon) => ((long)Math.Floor((lat + 90) / Size), (long)Math.Floor((lon + 180) / Size));

    public static long Cell(double lat, double lon)
    {
        var (y, x) = Of(lat, lon);
        return y * Row + x;
    }

    /// <summary>The cells of the square of (2·ring+1)² cells around a point.</summary>
    public static List<long> Around(double lat, double lon, int ring)
    {
        var (y, x) = Of(lat, lon);
        var cells = new List<long>((2 * ring + 1) * (2 * ring + 1));
        for (var dy = -ring; dy <= ring; dy++)
            for (var dx = -ring; dx <= ring; dx++)
                cells.Add((y + dy) * Row + x + dx);
        return cells;
    }

    /// <summary>How far from the point every address is sure to be in those cells: the distance to the square's nearest edge.</summary>
    public static double CoveredMetres(double lat, double lon, int ring)
    {
        var (y, x) = Of(lat, lon);
        var south = (y - ring) * Size - 90; var north = (y + ring + 1) * Size - 90;
        var west = (x - ring) * Size - 180; var east = (x + ring + 1) * Size - 180;
        var metresPerLat = 111_320.0;
        var metresPerLon = 111_320.0 * Math.Cos(lat * Math.PI / 180);
        return Math.Min(Math.Min(lat - south, north - lat) * metresPerLat, Math.Min(lon - west, east - lon) * metresPerLon);
    }

    /// <summary>Great-circle distance in metres (haversine).</summary>
    public static double Metres(double lat1, double lon1, double lat2, double lon2)
    {
        const double R = 6_371_000;
        double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * R * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
