using Otklik.Features.Deadlines;
using static Otklik.Tests.Deadlines.Cal;

namespace Otklik.Tests.Deadlines;

/// <summary>The shipped production calendar against the decrees (rules-ru 4.2–4.4) and the Labour Code rules.</summary>
public sealed class ProductionCalendarsTests
{
    static IReadOnlyList<CalendarEntry> ShippedYear(int year) => ProductionCalendars.Shipped().Single(y => y.Year.Year == year).Entries;

    static DateOnly[] Dates(params string[] dates) => [.. dates.Select(D)];

    static IEnumerable<DateOnly> Days(string from, string to)
    {
        for (var d = D(from); d <= D(to); d = d.AddDays(1)) yield return d;
    }

    [Fact]
    public void Ships_2025_and_2026_from_their_decrees_and_2027_as_provisional()
    {
        var years = ProductionCalendars.Shipped().Select(y => y.Year).ToList();
        Assert.Equal(
        [
            new CalendarYearInfo(2025, false, "ПП РФ от 04.10.2024 № 1335"),
            new CalendarYearInfo(2026, false, "ПП РФ от 24.09.2025 № 1466"),
            new CalendarYearInfo(2027, true, "ТК РФ ст. 112 (расчёт, постановление не принято)"),
        ], years);
        Assert.True(Shipped.Covers(2027));
        Assert.True(Shipped.IsProvisional(2027));
        Assert.False(Shipped.IsProvisional(2026));
        Assert.False(Shipped.Covers(2024));
        Assert.False(Shipped.Covers(2028));
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    public void A_decreed_year_has_247_working_days_118_days_off_and_1972_hours(int year)
    {
        Assert.Equal(247, Shipped.WorkingDaysIn(year));
        var days = DateTime.IsLeapYear(year) ? 366 : 365;
        Assert.Equal(118, days - Shipped.WorkingDaysIn(year));

        // 40-hour week: 8 h a day, one hour less on each shortened day (ТК ст. 95), as the default hours count them.
        var hours = TimeSpan.Zero;
        for (var d = new DateOnly(year, 1, 1); d.Year == year; d = d.AddDays(1))
            if (Shipped.IsWorkingDay(d))
                foreach (var (from, to) in WorkingHours.Default.Intervals(Shipped.IsShortened(d)))
                    hours += to - from;
        Assert.Equal(TimeSpan.FromHours(1972), hours);
    }

    [Fact]
    public void Rest_periods_of_2025_are_those_of_decree_1335()
    {
        // rules-ru 4.2: 1–8 Jan, 22–23 Feb, 8–9 Mar, 1–4 May, 8–11 May, 12–15 Jun, 2–4 Nov, 31 Dec.
        AssertRestPeriods(2025,
            ("2025-01-01", "2025-01-08"), ("2025-02-22", "2025-02-23"), ("2025-03-08", "2025-03-09"),
            ("2025-05-01", "2025-05-04"), ("2025-05-08", "2025-05-11"), ("2025-06-12", "2025-06-15"),
            ("2025-11-02", "2025-11-04"), ("2025-12-31", "2025-12-31"));
        // Saturday 1 November was worked, and shortened; nothing else changes kind on a weekend.
        Assert.Equal(Dates("2025-11-01"), WorkedWeekends(2025));
        Assert.Equal(Dates("2025-03-07", "2025-04-30", "2025-06-11", "2025-11-01"), Shortened(2025));
    }

    [Fact]
    public void Rest_periods_of_2026_are_those_of_decree_1466()
    {
        // rules-ru 4.3: 31 Dec 2025 – 11 Jan, 21–23 Feb, 7–9 Mar, 1–3 May, 9–11 May, 12–14 Jun, 4 Nov, 31 Dec. No working Saturdays.
        AssertRestPeriods(2026,
            ("2026-01-01", "2026-01-11"), ("2026-02-21", "2026-02-23"), ("2026-03-07", "2026-03-09"),
            ("2026-05-01", "2026-05-03"), ("2026-05-09", "2026-05-11"), ("2026-06-12", "2026-06-14"),
            ("2026-11-04", "2026-11-04"), ("2026-12-31", "2026-12-31"));
        Assert.False(Shipped.IsWorkingDay(D("2025-12-31")));
        Assert.Empty(WorkedWeekends(2026));
        Assert.Equal(Dates("2026-04-30", "2026-05-08", "2026-06-11", "2026-11-03"), Shortened(2026));
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    public void Every_Labour_Code_holiday_is_listed_even_on_a_weekend_and_every_entry_has_a_note(int year)
    {
        var entries = ShippedYear(year);
        var holidays = entries.Where(e => e.Kind == DayKind.Holiday).ToList();
        Assert.Equal(
            Dates($"{year}-01-01", $"{year}-01-02", $"{year}-01-03", $"{year}-01-04", $"{year}-01-05", $"{year}-01-06",
                $"{year}-01-07", $"{year}-01-08", $"{year}-02-23", $"{year}-03-08", $"{year}-05-01", $"{year}-05-09",
                $"{year}-06-12", $"{year}-11-04"),
            holidays.Select(h => h.Date));
        Assert.Contains(holidays, h => h.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.Equal("Рождество Христово", holidays.Single(h => h.Date.Month == 1 && h.Date.Day == 7).Note);
        Assert.All(entries, e => Assert.False(string.IsNullOrWhiteSpace(e.Note)));
        Assert.All(entries, e => Assert.Equal(year, e.Date.Year));
        Assert.Equal(entries.Count, entries.Select(e => e.Date).Distinct().Count());
        Assert.Equal(entries.OrderBy(e => e.Date), entries);
    }

    [Fact]
    public void The_transfer_notes_name_where_the_day_off_came_from()
    {
        var y2026 = ShippedYear(2026).ToDictionary(e => e.Date);
        Assert.Equal(new CalendarEntry(D("2026-01-09"), DayKind.DayOff, "Перенос с 3 января (ПП № 1466)"), y2026[D("2026-01-09")]);
        Assert.Equal(new CalendarEntry(D("2026-12-31"), DayKind.DayOff, "Перенос с 4 января (ПП № 1466)"), y2026[D("2026-12-31")]);
        var y2025 = ShippedYear(2025).ToDictionary(e => e.Date);
        Assert.Equal("Перенос с 1 ноября (ПП № 1335)", y2025[D("2025-11-03")].Note);
        Assert.Equal(DayKind.Shortened, y2025[D("2025-11-01")].Kind);
    }

    // ---- The Labour Code rules alone ----

    [Fact]
    public void The_2027_calendar_follows_the_Labour_Code_and_waits_for_its_decree()
    {
        var (info, entries) = ProductionCalendars.ComputeFromLabourCode(2027);
        Assert.Equal(new CalendarYearInfo(2027, true, ProductionCalendars.LabourCodeSource), info);
        var byKind = entries.ToLookup(e => e.Kind, e => e.Date);

        Assert.Equal(14, byKind[DayKind.Holiday].Count());
        // rules-ru 4.4: 1 May Sat → Mon 3 May; 9 May Sun → Mon 10 May; 12 Jun Sat → Mon 14 Jun.
        // 2 and 3 January (Sat, Sun) coincide with the New Year holidays and are NOT moved: the decree will move them.
        Assert.Equal(Dates("2027-05-03", "2027-05-10", "2027-06-14"), byKind[DayKind.DayOff]);
        Assert.Equal(
        [
            new CalendarEntry(D("2027-05-03"), DayKind.DayOff, "Перенос с 1 мая (ТК РФ ст. 112)"),
            new CalendarEntry(D("2027-05-10"), DayKind.DayOff, "Перенос с 9 мая (ТК РФ ст. 112)"),
            new CalendarEntry(D("2027-06-14"), DayKind.DayOff, "Перенос с 12 июня (ТК РФ ст. 112)"),
        ], entries.Where(e => e.Kind == DayKind.DayOff));
        // The working day right before a holiday: Mon 22 Feb (23 Feb Tue), Fri 30 Apr (1 May Sat), Fri 11 Jun
        // (12 Jun Sat), Wed 3 Nov (4 Nov Thu), Fri 31 Dec (1 Jan 2028). Not Fri 5 Mar: 8 March is a Monday, and
        // Sunday 7 March, not Friday, is the day right before it. Not 8 May: a Saturday.
        Assert.Equal(Dates("2027-02-22", "2027-04-30", "2027-06-11", "2027-11-03", "2027-12-31"), byKind[DayKind.Shortened]);
        Assert.Empty(byKind[DayKind.Working]);
        // 261 weekdays − 9 holidays on weekdays − 3 moved days off; the decree's two January days will make it 247.
        Assert.Equal(249, Shipped.WorkingDaysIn(2027));
        Assert.False(Shipped.IsWorkingDay(D("2027-01-02")));
        Assert.True(Shipped.IsWorkingDay(D("2027-01-11")));
    }

    /// <summary>
    /// The Labour Code alone against the decrees: where they differ, it is the Government's own choice of transfers.
    /// Everything else must match entry for entry, notes included.
    /// </summary>
    [Fact]
    public void The_Labour_Code_alone_gives_2025_except_the_transfers_decree_1335_chose()
    {
        var differences = CompareWithDecree(2025);
        Assert.Equal(
        [
            // 23 Feb (Sun): the ТК moves it to Mon 24 Feb; the decree moved it to Thu 8 May instead.
            (D("2025-02-24"), DayKind.DayOff, null),
            // 8 Mar (Sat): the ТК moves it to Mon 10 Mar; the decree moved it to Fri 13 Jun.
            (D("2025-03-10"), DayKind.DayOff, null),
            // 4 Jan (Sat) → Fri 2 May, by the decree only (January weekends are the Government's to move).
            (D("2025-05-02"), null, DayKind.DayOff),
            // Thu 8 May is the day before Victory Day (shortened) by the ТК; a day off (from 23 Feb) by the decree.
            (D("2025-05-08"), DayKind.Shortened, DayKind.DayOff),
            (D("2025-06-13"), null, DayKind.DayOff),
            // Sat 1 Nov worked for Mon 3 Nov, and shortened in place of it: the decree's choice.
            (D("2025-11-01"), null, DayKind.Shortened),
            (D("2025-11-03"), DayKind.Shortened, DayKind.DayOff),
            // 5 Jan (Sun) → Wed 31 Dec by the decree; by the ТК alone 31 Dec is the shortened eve of 1 January.
            (D("2025-12-31"), DayKind.Shortened, DayKind.DayOff),
        ], differences);
    }

    [Fact]
    public void The_Labour_Code_alone_gives_2026_except_the_two_January_transfers_of_decree_1466()
    {
        // 8 Mar (Sun) → Mon 9 Mar and 9 May (Sat) → Mon 11 May are the ТК rule and match the decree, notes included.
        var differences = CompareWithDecree(2026);
        Assert.Equal(
        [
            // 3 Jan (Sat) → Fri 9 Jan, by the decree.
            (D("2026-01-09"), null, DayKind.DayOff),
            // 4 Jan (Sun) → Thu 31 Dec, by the decree; by the ТК alone the shortened eve of 1 January 2027.
            (D("2026-12-31"), DayKind.Shortened, DayKind.DayOff),
        ], differences);
        Assert.Equal(249, new WorkingCalendar(
            [new CalendarYearInfo(2026, true, "")], ProductionCalendars.ComputeFromLabourCode(2026).Entries).WorkingDaysIn(2026));
    }

    [Fact]
    public void A_holiday_on_a_weekend_moves_past_the_next_holiday_and_weekend()
    {
        // 2023: 4 Nov fell on Saturday → Monday 6 Nov, and Friday 3 Nov, the day right before it, is shortened.
        // 23 Feb 2023 was a Thursday: Wednesday 22 Feb shortened. 1 and 8 Jan (Sundays), 7 Jan (Saturday) stay put.
        var entries = ProductionCalendars.ComputeFromLabourCode(2023).Entries;
        Assert.Equal(Dates("2023-11-06"), entries.Where(e => e.Kind == DayKind.DayOff).Select(e => e.Date));
        Assert.Contains(new CalendarEntry(D("2023-11-03"), DayKind.Shortened, ProductionCalendars.PreHolidayNote), entries);
        Assert.Contains(new CalendarEntry(D("2023-02-22"), DayKind.Shortened, ProductionCalendars.PreHolidayNote), entries);
    }

    /// <summary>(date, kind by the Labour Code, kind by the decree) for every date where they differ; null is a plain day.</summary>
    static List<(DateOnly, DayKind?, DayKind?)> CompareWithDecree(int year)
    {
        var computed = ProductionCalendars.ComputeFromLabourCode(year).Entries.ToDictionary(e => e.Date);
        var decreed = ShippedYear(year).ToDictionary(e => e.Date);
        foreach (var date in computed.Keys.Intersect(decreed.Keys).Where(d => computed[d].Kind == decreed[d].Kind))
            Assert.Equal(decreed[date], computed[date]);
        return
        [
            .. computed.Keys.Union(decreed.Keys).Order()
                .Where(d => computed.GetValueOrDefault(d)?.Kind != decreed.GetValueOrDefault(d)?.Kind)
                .Select(d => (d, computed.GetValueOrDefault(d)?.Kind, decreed.GetValueOrDefault(d)?.Kind)),
        ];
    }

    static void AssertRestPeriods(int year, params (string From, string To)[] periods)
    {
        var rest = periods.SelectMany(p => Days(p.From, p.To)).ToHashSet();
        // Every non-working weekday of the year lies in a listed period, and every day of a period rests.
        for (var d = new DateOnly(year, 1, 1); d.Year == year; d = d.AddDays(1))
        {
            var weekend = d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            if (rest.Contains(d)) Assert.False(Shipped.IsWorkingDay(d), $"{d} должен быть нерабочим");
            else if (!weekend) Assert.True(Shipped.IsWorkingDay(d), $"{d} должен быть рабочим");
        }
    }

    static DateOnly[] WorkedWeekends(int year) =>
    [
        .. ShippedYear(year).Where(e => e.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday && Shipped.IsWorkingDay(e.Date))
            .Select(e => e.Date),
    ];

    static DateOnly[] Shortened(int year) => [.. ShippedYear(year).Where(e => e.Kind == DayKind.Shortened).Select(e => e.Date)];
}
