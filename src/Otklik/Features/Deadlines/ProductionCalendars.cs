namespace Otklik.Features.Deadlines;

/// <summary>The Russian production calendar shipped with Otklik: 2025 and 2026 from their decrees, 2027 provisional.</summary>
public static class ProductionCalendars
{
    public const string Source2025 = "ПП РФ от 04.10.2024 № 1335";
    public const string Source2026 = "ПП РФ от 24.09.2025 № 1466";
    public const string LabourCodeSource = "ТК РФ ст. 112 (расчёт, постановление не принято)";

    // The xmlcalendar titles, so a shipped year and the same year imported from xmlcalendar carry the same notes.
    public const string NewYearHolidays = "Новогодние каникулы";
    public const string Christmas = "Рождество Христово";
    public const string DefenderDay = "День защитника Отечества";
    public const string WomensDay = "Международный женский день";
    public const string SpringAndLabourDay = "Праздник Весны и Труда";
    public const string VictoryDay = "День Победы";
    public const string RussiaDay = "День России";
    public const string UnityDay = "День народного единства";

    public const string PreHolidayNote = "Предпраздничный день, на 1 час короче (ТК РФ ст. 95)";

    /// <summary>The non-working holidays of ТК ст. 112 ч. 1, in the order of the year.</summary>
    static readonly (int Month, int Day, string Title)[] LabourCodeHolidays =
    [
        (1, 1, NewYearHolidays), (1, 2, NewYearHolidays), (1, 3, NewYearHolidays), (1, 4, NewYearHolidays),
        (1, 5, NewYearHolidays), (1, 6, NewYearHolidays), (1, 7, Christmas), (1, 8, NewYearHolidays),
        (2, 23, DefenderDay), (3, 8, WomensDay), (5, 1, SpringAndLabourDay), (5, 9, VictoryDay),
        (6, 12, RussiaDay), (11, 4, UnityDay),
    ];

    /// <summary>Years shipped (2025: ПП № 1335; 2026: ПП № 1466) plus 2027 computed by <see cref="ComputeFromLabourCode"/>.</summary>
    public static IReadOnlyList<(CalendarYearInfo Year, IReadOnlyList<CalendarEntry> Entries)> Shipped() =>
    [
        (new CalendarYearInfo(2025, IsProvisional: false, Source2025), Year2025()),
        (new CalendarYearInfo(2026, IsProvisional: false, Source2026), Year2026()),
        ComputeFromLabourCode(2027),
    ];

    /// <summary>The shipped years as one calendar.</summary>
    public static WorkingCalendar ShippedCalendar()
    {
        var shipped = Shipped();
        return new WorkingCalendar(shipped.Select(y => y.Year), shipped.SelectMany(y => y.Entries));
    }

    /// <summary>
    /// A year computed from ТК ст. 112 and 95 alone, marked provisional until its decree appears. A non-January holiday
    /// on a weekend gives a day off on the next working day; the January ones do not, because the Government moves two
    /// of them by decree to days it chooses. The working day right before a holiday is shortened.
    /// </summary>
    public static (CalendarYearInfo Year, IReadOnlyList<CalendarEntry> Entries) ComputeFromLabourCode(int year)
    {
        var holidays = Holidays(year).ToList();
        var entries = new List<CalendarEntry>(holidays);
        var nonWorking = holidays.Select(h => h.Date).ToHashSet();

        foreach (var holiday in holidays.Where(h => h.Date.Month != 1 && IsWeekend(h.Date)))
        {
            var dayOff = holiday.Date.AddDays(1);
            while (IsWeekend(dayOff) || nonWorking.Contains(dayOff)) dayOff = dayOff.AddDays(1);
            nonWorking.Add(dayOff);
            entries.Add(new(dayOff, DayKind.DayOff, $"Перенос с {DayAndMonth(holiday.Date)} (ТК РФ ст. 112)"));
        }

        // Only the calendar day right before a holiday is shortened (ТК ст. 95): not a Friday before a holiday on Sunday,
        // and not a day before a transferred day off. 31 December precedes 1 January of the next year.
        var holidayDates = holidays.Select(h => h.Date).ToHashSet();
        for (var d = new DateOnly(year, 1, 1); d.Year == year; d = d.AddDays(1))
        {
            var next = d.AddDays(1);
            if ((next.Year != year || holidayDates.Contains(next)) && !IsWeekend(d) && !nonWorking.Contains(d))
                entries.Add(new(d, DayKind.Shortened, PreHolidayNote));
        }

        return (new CalendarYearInfo(year, IsProvisional: true, LabourCodeSource), [.. entries.OrderBy(e => e.Date)]);
    }

    /// <summary>ПП РФ от 04.10.2024 № 1335; 1 November (Saturday) is worked, and shortened, for 3 November.</summary>
    static CalendarEntry[] Year2025() => Sorted(
    [
        .. Holidays(2025),
        DayOff(2025, 5, 2, "Перенос с 4 января (ПП № 1335)"),
        DayOff(2025, 12, 31, "Перенос с 5 января (ПП № 1335)"),
        DayOff(2025, 5, 8, "Перенос с 23 февраля (ПП № 1335)"),
        DayOff(2025, 6, 13, "Перенос с 8 марта (ПП № 1335)"),
        DayOff(2025, 11, 3, "Перенос с 1 ноября (ПП № 1335)"),
        PreHoliday(2025, 3, 7),
        PreHoliday(2025, 4, 30),
        PreHoliday(2025, 6, 11),
        new(new(2025, 11, 1), DayKind.Shortened, "Рабочая суббота (выходной перенесён на 3 ноября, ПП № 1335), предпраздничный день"),
    ]);

    /// <summary>ПП РФ от 24.09.2025 № 1466: the two January weekends go to 9 January and 31 December; no working Saturdays.</summary>
    static CalendarEntry[] Year2026() => Sorted(
    [
        .. Holidays(2026),
        DayOff(2026, 1, 9, "Перенос с 3 января (ПП № 1466)"),
        DayOff(2026, 12, 31, "Перенос с 4 января (ПП № 1466)"),
        DayOff(2026, 3, 9, "Перенос с 8 марта (ТК РФ ст. 112)"),
        DayOff(2026, 5, 11, "Перенос с 9 мая (ТК РФ ст. 112)"),
        PreHoliday(2026, 4, 30),
        PreHoliday(2026, 5, 8),
        PreHoliday(2026, 6, 11),
        PreHoliday(2026, 11, 3),
    ]);

    static IEnumerable<CalendarEntry> Holidays(int year) =>
        LabourCodeHolidays.Select(h => new CalendarEntry(new DateOnly(year, h.Month, h.Day), DayKind.Holiday, h.Title));

    static CalendarEntry DayOff(int year, int month, int day, string note) => new(new(year, month, day), DayKind.DayOff, note);

    static CalendarEntry PreHoliday(int year, int month, int day) => new(new(year, month, day), DayKind.Shortened, PreHolidayNote);

    static CalendarEntry[] Sorted(CalendarEntry[] entries) => [.. entries.OrderBy(e => e.Date)];

    static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    static readonly string[] MonthsGenitive =
        ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];

    /// <summary>"8 марта": how a transfer note names the day it comes from.</summary>
    internal static string DayAndMonth(DateOnly date) => $"{date.Day} {MonthsGenitive[date.Month - 1]}";

    /// <summary>The month number (1–12) of a Russian month name in the genitive, or 0.</summary>
    internal static int MonthFromGenitive(string name) => Array.IndexOf(MonthsGenitive, name.ToLowerInvariant()) + 1;
}
