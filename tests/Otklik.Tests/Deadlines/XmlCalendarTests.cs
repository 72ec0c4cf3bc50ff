using System.Xml.Linq;
using Otklik.Features.Deadlines;
using static Otklik.Tests.Deadlines.Cal;

namespace Otklik.Tests.Deadlines;

/// <summary>Importing and exporting a year in the xmlcalendar format.</summary>
public sealed class XmlCalendarTests
{
    /// <summary>2026 as xmlcalendar publishes it, built from ПП № 1466 (rules-ru 4.3).</summary>
    const string Calendar2026 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <calendar year="2026" lang="ru" date="2025.09.30" country="ru">
          <holidays>
            <holiday id="1" title="Новогодние каникулы"/>
            <holiday id="2" title="Рождество Христово"/>
            <holiday id="3" title="День защитника Отечества"/>
            <holiday id="4" title="Международный женский день"/>
            <holiday id="5" title="Праздник Весны и Труда"/>
            <holiday id="6" title="День Победы"/>
            <holiday id="7" title="День России"/>
            <holiday id="8" title="День народного единства"/>
          </holidays>
          <days>
            <day d="01.01" t="1" h="1"/>
            <day d="01.02" t="1" h="1"/>
            <day d="01.03" t="1" h="1"/>
            <day d="01.04" t="1" h="1"/>
            <day d="01.05" t="1" h="1"/>
            <day d="01.06" t="1" h="1"/>
            <day d="01.07" t="1" h="2"/>
            <day d="01.08" t="1" h="1"/>
            <day d="01.09" t="1" f="01.03"/>
            <day d="02.23" t="1" h="3"/>
            <day d="03.08" t="1" h="4"/>
            <day d="03.09" t="1" f="03.08"/>
            <day d="04.30" t="2"/>
            <day d="05.01" t="1" h="5"/>
            <day d="05.08" t="2"/>
            <day d="05.09" t="1" h="6"/>
            <day d="05.11" t="1" f="05.09"/>
            <day d="06.11" t="2"/>
            <day d="06.12" t="1" h="7"/>
            <day d="11.03" t="2"/>
            <day d="11.04" t="1" h="8"/>
            <day d="12.31" t="1" f="01.04"/>
          </days>
        </calendar>
        """;

    static IReadOnlyList<CalendarEntry> Shipped2026 => ProductionCalendars.Shipped().Single(y => y.Year.Year == 2026).Entries;

    [Fact]
    public void The_published_2026_file_is_the_shipped_2026_calendar()
    {
        var (year, entries) = XmlCalendar.Parse(Calendar2026);
        Assert.Equal(2026, year);
        Assert.Equal(Shipped2026.Select(e => (e.Date, e.Kind)), entries.Select(e => (e.Date, e.Kind)));
        // Holidays carry the file's titles, which the shipped data uses too; a transfer's note is its f= date.
        Assert.Equal(
            Shipped2026.Where(e => e.Kind == DayKind.Holiday).Select(e => e.Note),
            entries.Where(e => e.Kind == DayKind.Holiday).Select(e => e.Note));
        Assert.Equal(new CalendarEntry(D("2026-01-09"), DayKind.DayOff, "Перенос с 01.03"), entries.Single(e => e.Date == D("2026-01-09")));
        Assert.Equal(new CalendarEntry(D("2026-12-31"), DayKind.DayOff, "Перенос с 01.04"), entries.Single(e => e.Date == D("2026-12-31")));
        Assert.Equal(new CalendarEntry(D("2026-04-30"), DayKind.Shortened), entries.Single(e => e.Date == D("2026-04-30")));
        Assert.All(entries, e => Assert.False(e.IsRegional));

        var calendar = new WorkingCalendar([new CalendarYearInfo(year, false, "xmlcalendar")], entries);
        Assert.Equal(247, calendar.WorkingDaysIn(2026));
    }

    [Fact]
    public void Writing_the_shipped_2026_gives_the_published_days()
    {
        var written = XmlCalendar.Write(2026, Shipped2026);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", written);
        // Same days, same attributes, same holiday ids and f= dates ("Перенос с 3 января …" → f="01.03").
        Assert.True(XNode.DeepEquals(XDocument.Parse(Calendar2026).Root!.Element("days"), XDocument.Parse(written).Root!.Element("days")));
        Assert.True(XNode.DeepEquals(XDocument.Parse(Calendar2026).Root!.Element("holidays"), XDocument.Parse(written).Root!.Element("holidays")));
        Assert.Equal(XmlCalendar.Parse(Calendar2026), XmlCalendar.Parse(written), YearComparer.Instance);
    }

    [Fact]
    public void A_parsed_year_survives_a_round_trip()
    {
        var parsed = XmlCalendar.Parse(Calendar2026);
        var again = XmlCalendar.Parse(XmlCalendar.Write(parsed.Year, parsed.Entries));
        Assert.Equal(parsed, again, YearComparer.Instance);
    }

    [Fact]
    public void The_shipped_2025_round_trips_with_its_worked_Saturday()
    {
        var shipped = ProductionCalendars.Shipped().Single(y => y.Year.Year == 2025).Entries;
        var written = XmlCalendar.Write(2025, shipped);
        var days = XDocument.Parse(written).Root!.Element("days")!.Elements().ToDictionary(e => (string)e.Attribute("d")!, e => e.ToString());
        Assert.Equal("""<day d="11.01" t="2" />""", days["11.01"]);
        Assert.Equal("""<day d="11.03" t="1" f="11.01" />""", days["11.03"]);
        Assert.Equal("""<day d="05.02" t="1" f="01.04" />""", days["05.02"]);
        Assert.Equal("""<day d="01.04" t="1" h="1" />""", days["01.04"]);

        var (year, entries) = XmlCalendar.Parse(written);
        Assert.Equal(2025, year);
        Assert.Equal(shipped.Select(e => (e.Date, e.Kind)), entries.Select(e => (e.Date, e.Kind)));
        Assert.Equal(247, new WorkingCalendar([new CalendarYearInfo(2025, false, "")], entries).WorkingDaysIn(2025));
    }

    [Fact]
    public void A_regional_holiday_gets_its_own_id_and_title()
    {
        CalendarEntry[] entries =
        [
            new(D("2026-01-01"), DayKind.Holiday, "Новогодние каникулы"),
            new(D("2026-03-18"), DayKind.Holiday, "День воссоединения Крыма с Россией", IsRegional: true),
            new(D("2026-03-19"), DayKind.Holiday),
        ];
        var written = XmlCalendar.Write(2026, entries);
        var holidays = XDocument.Parse(written).Root!.Element("holidays")!.Elements()
            .Select(h => ((string)h.Attribute("id")!, (string)h.Attribute("title")!));
        Assert.Equal([("1", "Новогодние каникулы"), ("9", "День воссоединения Крыма с Россией"), ("10", "Нерабочий праздничный день")], holidays);
        // The format has no regional flag: the day comes back as an ordinary holiday with its title.
        Assert.Equal(new CalendarEntry(D("2026-03-18"), DayKind.Holiday, "День воссоединения Крыма с Россией"), XmlCalendar.Parse(written).Entries[1]);
    }

    [Fact]
    public void Writing_refuses_a_day_of_another_year()
    {
        var error = Assert.Throws<ArgumentException>(() => XmlCalendar.Write(2026, [new(D("2025-12-31"), DayKind.DayOff)]));
        Assert.Contains("31.12.2025 не относится к 2026 году", error.Message);
    }

    [Fact]
    public void A_leap_day_is_a_date_in_a_leap_year_and_a_byte_order_mark_is_no_problem()
    {
        var (year, entries) = XmlCalendar.Parse("\uFEFF<calendar year=\"2028\"><days><day d=\"02.29\" t=\"3\"/></days></calendar>");
        Assert.Equal(2028, year);
        Assert.Equal([new CalendarEntry(D("2028-02-29"), DayKind.Working)], entries);
    }

    [Theory]
    [InlineData("это не XML", "не корректный XML")]
    [InlineData("<calendar year=\"2026\"><days>", "не корректный XML")]
    [InlineData("", "пуст")]
    [InlineData("<!DOCTYPE calendar [<!ENTITY x \"y\">]><calendar year=\"2026\"><days/></calendar>", "не корректный XML")]
    [InlineData("<kalendar year=\"2026\"><days/></kalendar>", "Корневой элемент должен быть <calendar>")]
    [InlineData("<calendar lang=\"ru\"><days/></calendar>", "нет атрибута year")]
    [InlineData("<calendar year=\"20x6\"><days/></calendar>", "Год календаря year=«20x6»")]
    [InlineData("<calendar year=\"1812\"><days/></calendar>", "Год календаря year=«1812»")]
    [InlineData("<calendar year=\"2026\"/>", "нет элемента <days>")]
    [InlineData("<calendar year=\"2026\"><days><day t=\"1\"/></days></calendar>", "нет атрибута d")]
    [InlineData("<calendar year=\"2026\"><days><day d=\"1.01\" t=\"1\"/></days></calendar>", "Дата дня d=«1.01» должна быть в виде ММ.ДД")]
    [InlineData("<calendar year=\"2026\"><days><day d=\"2026-01-01\" t=\"1\"/></days></calendar>", "должна быть в виде ММ.ДД")]
    [InlineData("<calendar year=\"2026\"><days><day d=\"13.01\" t=\"1\"/></days></calendar>", "Дата дня d=«13.01»: такого дня нет в 2026 году")]
    [InlineData("<calendar year=\"2026\"><days><day d=\"02.29\" t=\"1\"/></days></calendar>", "Дата дня d=«02.29»: такого дня нет в 2026 году")]
    [InlineData("<calendar year=\"2026\"><days><day d=\"01.01\"/></days></calendar>", "У дня 01.01 нет атрибута t")]
    [InlineData("<calendar year=\"2026\"><days><day d=\"01.01\" t=\"4\"/></days></calendar>", "Неизвестный тип дня t=«4» у дня 01.01")]
    [InlineData("<calendar year=\"2026\"><days><day d=\"01.01\" t=\"1\"/><day d=\"01.01\" t=\"2\"/></days></calendar>", "День 01.01 указан в календаре дважды")]
    [InlineData("<calendar year=\"2026\"><holidays><holiday id=\"1\" title=\"А\"/></holidays><days><day d=\"01.01\" t=\"1\" h=\"9\"/></days></calendar>", "ссылается на праздник h=«9»")]
    [InlineData("<calendar year=\"2026\"><holidays><holiday id=\"1\" title=\"А\"/><holiday id=\"1\" title=\"Б\"/></holidays><days/></calendar>", "Праздник id=«1» указан в списке <holidays> дважды")]
    [InlineData("<calendar year=\"2026\"><days><day d=\"01.09\" t=\"1\" f=\"1.3\"/></days></calendar>", "Дата переноса f=«1.3» у дня 01.09")]
    public void A_malformed_file_is_refused_with_a_message_naming_the_problem(string xml, string fragment)
    {
        var error = Assert.Throws<FormatException>(() => XmlCalendar.Parse(xml));
        Assert.Contains(fragment, error.Message);
    }

    /// <summary>Two parsed years are equal when their year and entries (date, kind, note, regional flag) are.</summary>
    sealed class YearComparer : IEqualityComparer<(int Year, IReadOnlyList<CalendarEntry> Entries)>
    {
        public static readonly YearComparer Instance = new();

        public bool Equals((int Year, IReadOnlyList<CalendarEntry> Entries) x, (int Year, IReadOnlyList<CalendarEntry> Entries) y) =>
            x.Year == y.Year && x.Entries.SequenceEqual(y.Entries);

        public int GetHashCode((int Year, IReadOnlyList<CalendarEntry> Entries) obj) => obj.Year;
    }
}
