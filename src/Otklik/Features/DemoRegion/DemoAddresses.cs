using System.Globalization;
using Otklik.Features.Addresses;

namespace Otklik.Features.DemoRegion;

/// <summary>
/// The address register of the two demo towns, drawn like their boundaries: each street a straight line with its houses
/// along it (odd numbers on one side, even on the other, about 40 m apart; every tenth house has a «корпус 1», house 5 a
/// «5а»). The streets are those the demo appeals name, so a picked address lands near the appeals about it. Loaded
/// through the register's own import (<see cref="AddressImport"/>), exactly as a region's CSV would be.
/// </summary>
static class DemoAddresses
{
    const string Region = "Уральская область";

    sealed record Street(string Settlement, string Municipality, string Type, string Name, double Lat1, double Lon1, double Lat2, double Lon2, int Houses, string Postcode);

    const string Uralgrad = "г. Уралград", UralgradMo = "городской округ Уралград";
    const string Kamnegorsk = "г. Камнегорск", KamnegorskMo = "городской округ Камнегорск";
    const string Klyuchi = "пос. Ключи";

    static readonly Street[] Streets =
    [
        new(Uralgrad, UralgradMo, "ул.", "Ленина", 56.8395, 60.5600, 56.8395, 60.6600, 80, "620014"),
        new(Uralgrad, UralgradMo, "пр-кт", "Мира", 56.8440, 60.5700, 56.8440, 60.6500, 60, "620062"),
        new(Uralgrad, UralgradMo, "ул.", "Малышева", 56.8372, 60.5600, 56.8372, 60.6800, 130, "620014"),
        new(Uralgrad, UralgradMo, "ул.", "8 Марта", 56.8000, 60.6100, 56.8450, 60.6100, 200, "620144"),
        new(Uralgrad, UralgradMo, "ул.", "Вайнера", 56.8300, 60.5983, 56.8450, 60.5983, 60, "620014"),
        new(Uralgrad, UralgradMo, "ул.", "Щорса", 56.8213, 60.5900, 56.8213, 60.6400, 40, "620144"),
        new(Uralgrad, UralgradMo, "ул.", "Гагарина", 56.8400, 60.6530, 56.8600, 60.6530, 60, "620062"),
        new(Uralgrad, UralgradMo, "ул.", "Восточная", 56.8200, 60.6402, 56.8500, 60.6402, 100, "620075"),
        new(Uralgrad, UralgradMo, "пр-кт", "Космонавтов", 56.8600, 60.6105, 56.9000, 60.6105, 120, "620017"),
        new(Uralgrad, UralgradMo, "ул.", "Фрунзе", 56.8100, 60.5941, 56.8250, 60.5941, 60, "620100"),
        new(Uralgrad, UralgradMo, "ул.", "Монтажников", 56.8620, 60.5400, 56.8660, 60.5500, 20, "620050"),
        new(Uralgrad, UralgradMo, "ул.", "Шефская", 56.8900, 60.6012, 56.9000, 60.6200, 100, "620017"),
        new(Uralgrad, UralgradMo, "ул.", "Бардина", 56.7850, 60.5412, 56.7950, 60.5412, 60, "620149"),
        new(Uralgrad, UralgradMo, "ул.", "Краснолесья", 56.7815, 60.5400, 56.7815, 60.5700, 100, "620110"),
        new(Uralgrad, UralgradMo, "ул.", "Шевченко", 56.8250, 60.6050, 56.8320, 60.6050, 30, "620144"),
        new(Uralgrad, UralgradMo, "ул.", "Бажова", 56.8400, 60.6300, 56.8600, 60.6300, 100, "620075"),
        new(Uralgrad, UralgradMo, "ул.", "Сыромолотова", 56.8550, 60.6790, 56.8650, 60.6790, 40, "620072"),
        new(Uralgrad, UralgradMo, "ул.", "Техническая", 56.8700, 60.5600, 56.8700, 60.5900, 40, "620050"),
        new(Uralgrad, UralgradMo, "ул.", "Садовая", 56.8500, 60.5700, 56.8560, 60.5800, 30, "620050"),
        new(Uralgrad, UralgradMo, "пер.", "Банковский", 56.8350, 60.6150, 56.8370, 60.6180, 12, "620014"),
        new(Kamnegorsk, KamnegorskMo, "ул.", "Ленина", 56.4150, 61.9000, 56.4200, 61.9500, 80, "623400"),
        new(Kamnegorsk, KamnegorskMo, "ул.", "Мира", 56.4080, 61.9300, 56.4150, 61.9300, 40, "623400"),
        new(Kamnegorsk, KamnegorskMo, "ул.", "Садовая", 56.4100, 61.9100, 56.4100, 61.9400, 40, "623401"),
        new(Kamnegorsk, KamnegorskMo, "ул.", "Строителей", 56.4000, 61.9150, 56.4100, 61.9150, 30, "623401"),
        new(Kamnegorsk, KamnegorskMo, "ул.", "Каменская", 56.4000, 61.9402, 56.4100, 61.9402, 100, "623406"),
        new(Kamnegorsk, KamnegorskMo, "ул.", "Октябрьская", 56.4200, 61.9100, 56.4200, 61.9400, 40, "623400"),
        new(Kamnegorsk, KamnegorskMo, "ул.", "Заводская", 56.3950, 61.9000, 56.3950, 61.9300, 40, "623405"),
        new(Klyuchi, KamnegorskMo, "ул.", "Школьная", 56.4300, 61.8850, 56.4320, 61.8900, 10, "623411"),
        new(Klyuchi, KamnegorskMo, "ул.", "Садовая", 56.4301, 61.8830, 56.4290, 61.8880, 12, "623411"),
    ];

    public static List<AddressImport.Row> Rows()
    {
        var rows = new List<AddressImport.Row>();
        foreach (var s in Streets)
        {
            // Perpendicular to the street, about 15 m: odd numbers to the left, even to the right.
            var dLat = s.Lat2 - s.Lat1; var dLon = (s.Lon2 - s.Lon1) * Math.Cos(s.Lat1 * Math.PI / 180);
            var length = Math.Sqrt(dLat * dLat + dLon * dLon);
            var (nLat, nLon) = (-dLon / length * 0.000135, dLat / length * 0.000135 / Math.Cos(s.Lat1 * Math.PI / 180));
            void Add(string number, int position, int side, double shift)
            {
                var f = s.Houses <= 2 ? 0 : (position - 1 + shift) / (s.Houses - 1);
                var lat = s.Lat1 + (s.Lat2 - s.Lat1) * f + side * nLat;
                var lon = s.Lon1 + (s.Lon2 - s.Lon1) * f + side * nLon;
                rows.Add(new AddressImport.Row(rows.Count + 1, Region, s.Municipality, s.Settlement, s.Type, s.Name, number, s.Postcode,
                    lat.ToString("0.######", CultureInfo.InvariantCulture), lon.ToString("0.######", CultureInfo.InvariantCulture), null, null));
            }
            for (var n = 1; n <= s.Houses; n++)
            {
                var side = n % 2 == 1 ? 1 : -1;
                // Odd and even numbers face each other: 1 and 2 at the start, 3 and 4 next.
                var position = (n + 1) / 2 * 2 - 1;
                Add(n.ToString(CultureInfo.InvariantCulture), position, side, 0);
                if (n == 5) Add("5а", position, side, 0.6);
                if (n % 10 == 0) Add($"{n}к1", position, side * 2, 0.3);
            }
        }
        return rows;
    }

    /// <summary>The territory of a demo address: the settlement says which town it is.</summary>
    public static Guid? TerritoryOf(DemoDirectory d, double lon) => lon > 61.5 ? d.KamnegorskTerritory.Id : d.UralgradTerritory.Id;
}
