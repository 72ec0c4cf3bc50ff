using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Otklik.Features.Deadlines;

/// <summary>
/// The xmlcalendar format, one year per document:
/// <c>&lt;calendar year="2026"&gt;&lt;holidays&gt;&lt;holiday id="1" title="…"/&gt;&lt;/holidays&gt;&lt;days&gt;&lt;day d="01.01" t="1" h="1"/&gt;…</c>.
/// t=1 is a day off (a holiday when it names one with h=), t=2 a shortened working day, t=3 a worked weekend day;
/// f= is the date a day off was moved from. Weekends not listed are days off, weekdays not listed are working days.
/// </summary>
public static partial class XmlCalendar
{
    const string GenericHolidayTitle = "Нерабочий праздничный день";

    /// <summary>The titles of xmlcalendar's holidays in the order of their ids (1–8), kept when writing.</summary>
    static readonly string[] StandardTitles =
    [
        ProductionCalendars.NewYearHolidays, ProductionCalendars.Christmas, ProductionCalendars.DefenderDay,
        ProductionCalendars.WomensDay, ProductionCalendars.SpringAndLabourDay, ProductionCalendars.VictoryDay,
        ProductionCalendars.RussiaDay, ProductionCalendars.UnityDay,
    ];

    /// <summary>Parses one year; a malformed document throws FormatException with a Russian message naming the problem.</summary>
    public static (int Year, IReadOnlyList<CalendarEntry> Entries) Parse(string xml)
    {
        var root = Load(xml).Root!;
        if (root.Name.LocalName != "calendar")
            throw Bad($"Корневой элемент должен быть <calendar>, а в файле <{root.Name.LocalName}>.");

        var yearText = (string?)root.Attribute("year") ?? throw Bad("В элементе <calendar> нет атрибута year — года календаря.");
        if (!int.TryParse(yearText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 2000 or > 2100)
            throw Bad($"Год календаря year=«{yearText}» должен быть числом от 2000 до 2100.");

        var titles = new Dictionary<string, string>();
        foreach (var holiday in root.Element("holidays")?.Elements("holiday") ?? [])
        {
            var id = ((string?)holiday.Attribute("id"))?.Trim();
            if (string.IsNullOrEmpty(id)) throw Bad("У праздника в списке <holidays> нет атрибута id.");
            if (!titles.TryAdd(id, ((string?)holiday.Attribute("title"))?.Trim() ?? ""))
                throw Bad($"Праздник id=«{id}» указан в списке <holidays> дважды.");
        }

        var days = root.Element("days") ?? throw Bad("В календаре нет элемента <days> со списком дней.");
        var entries = new Dictionary<DateOnly, CalendarEntry>();
        foreach (var day in days.Elements("day"))
        {
            var d = ((string?)day.Attribute("d"))?.Trim() ?? throw Bad("У элемента <day> нет атрибута d — даты в виде ММ.ДД.");
            var date = DateIn(year, d, $"Дата дня d=«{d}»");

            var h = ((string?)day.Attribute("h"))?.Trim();
            string? title = null;
            if (h is not null && !titles.TryGetValue(h, out title))
                throw Bad($"День {d} ссылается на праздник h=«{h}», которого нет в списке <holidays>.");

            var f = ((string?)day.Attribute("f"))?.Trim();
            if (f is not null) DateIn(year, f, $"Дата переноса f=«{f}» у дня {d}");

            var t = ((string?)day.Attribute("t"))?.Trim();
            var kind = t switch
            {
                "1" => h is null ? DayKind.DayOff : DayKind.Holiday,
                "2" => DayKind.Shortened,
                "3" => DayKind.Working,
                null => throw Bad($"У дня {d} нет атрибута t — типа дня (1 — выходной, 2 — сокращённый, 3 — рабочий)."),
                _ => throw Bad($"Неизвестный тип дня t=«{t}» у дня {d}: допустимы 1 (выходной), 2 (сокращённый), 3 (рабочий)."),
            };
            var note = kind == DayKind.Holiday && !string.IsNullOrEmpty(title) ? title
                : f is not null ? $"Перенос с {f}"
                : null;
            if (!entries.TryAdd(date, new(date, kind, note)))
                throw Bad($"День {d} указан в календаре дважды.");
        }
        return (year, [.. entries.Values.OrderBy(e => e.Date)]);
    }

    /// <summary>
    /// Writes one year in the same format. A holiday's note becomes its title (xmlcalendar's ids 1–8 kept for the
    /// standard ones); a note starting "Перенос с 8 марта" or "Перенос с 03.08" becomes f=. The format has no place for
    /// other notes or for <see cref="CalendarEntry.IsRegional"/>.
    /// </summary>
    public static string Write(int year, IEnumerable<CalendarEntry> entries)
    {
        var days = entries.OrderBy(e => e.Date).ToList();
        if (days.FirstOrDefault(e => e.Date.Year != year) is { } stray)
            throw new ArgumentException($"День {stray.Date:dd.MM.yyyy} не относится к {year} году.", nameof(entries));
        if (days.GroupBy(e => e.Date).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"День {twice.Key:dd.MM.yyyy} указан дважды.", nameof(entries));

        var used = days.Where(e => e.Kind == DayKind.Holiday).Select(TitleOf).Distinct().ToList();
        var ids = StandardTitles.Concat(used.Except(StandardTitles))
            .Select((title, i) => (title, id: i + 1))
            .ToDictionary(x => x.title, x => x.id);

        var root = new XElement("calendar",
            new XAttribute("year", year), new XAttribute("lang", "ru"), new XAttribute("country", "ru"),
            new XElement("holidays", ids.Where(x => used.Contains(x.Key)).OrderBy(x => x.Value)
                .Select(x => new XElement("holiday", new XAttribute("id", x.Value), new XAttribute("title", x.Key)))),
            new XElement("days", days.Select(e =>
            {
                var day = new XElement("day",
                    new XAttribute("d", e.Date.ToString("MM.dd", CultureInfo.InvariantCulture)),
                    new XAttribute("t", e.Kind switch { DayKind.Holiday or DayKind.DayOff => 1, DayKind.Shortened => 2, _ => 3 }));
                if (e.Kind == DayKind.Holiday) day.Add(new XAttribute("h", ids[TitleOf(e)]));
                if (TransferredFrom(e.Note, year) is { } from)
                    day.Add(new XAttribute("f", from.ToString("MM.dd", CultureInfo.InvariantCulture)));
                return day;
            })));
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root;
    }

    static string TitleOf(CalendarEntry holiday) => string.IsNullOrWhiteSpace(holiday.Note) ? GenericHolidayTitle : holiday.Note;

    /// <summary>The date a "Перенос с …" note names, in the given year.</summary>
    static DateOnly? TransferredFrom(string? note, int year)
    {
        var m = TransferNote().Match(note ?? "");
        if (!m.Success) return null;
        var (month, day) = m.Groups["mm"].Success
            ? (int.Parse(m.Groups["mm"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["dd"].Value, CultureInfo.InvariantCulture))
            : (ProductionCalendars.MonthFromGenitive(m.Groups["month"].Value), int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture));
        return month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null;
    }

    [GeneratedRegex(@"^Перенос с (?:(?<mm>\d{2})\.(?<dd>\d{2})|(?<day>\d{1,2}) (?<month>\p{L}+))")]
    private static partial Regex TransferNote();

    [GeneratedRegex(@"^(?<mm>\d{2})\.(?<dd>\d{2})$")]
    private static partial Regex MonthDay();

    static DateOnly DateIn(int year, string text, string what)
    {
        var m = MonthDay().Match(text);
        if (!m.Success) throw Bad($"{what} должна быть в виде ММ.ДД, например 01.08.");
        var month = int.Parse(m.Groups["mm"].Value, CultureInfo.InvariantCulture);
        var day = int.Parse(m.Groups["dd"].Value, CultureInfo.InvariantCulture);
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            throw Bad($"{what}: такого дня нет в {year} году.");
        return new DateOnly(year, month, day);
    }

    static XDocument Load(string xml)
    {
        // A file read without encoding detection may keep its byte-order mark, which the XML reader refuses.
        var text = (xml ?? "").TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.Length == 0) throw Bad("Файл производственного календаря пуст.");
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            return XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new FormatException($"Файл производственного календаря — не корректный XML (строка {e.LineNumber}, позиция {e.LinePosition}).", e);
        }
    }

    static FormatException Bad(string message) => new(message);
}
