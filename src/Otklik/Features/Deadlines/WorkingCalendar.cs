namespace Otklik.Features.Deadlines;

/// <summary>How a date differs from the plain Monday–Friday week (the xmlcalendar day types in brackets).</summary>
public enum DayKind
{
    /// <summary>A non-working public holiday of ТК ст. 112 (t=1 with a holiday id).</summary>
    Holiday,
    /// <summary>A day off that is not a holiday: a transferred weekend or a regional day off (t=1).</summary>
    DayOff,
    /// <summary>A Saturday or Sunday worked in full because a day off was moved (t=3).</summary>
    Working,
    /// <summary>A working day (weekday or weekend) one hour shorter before a holiday (t=2).</summary>
    Shortened,
}

public sealed record CalendarEntry(DateOnly Date, DayKind Kind, string? Note = null, bool IsRegional = false);

public sealed record CalendarYearInfo(int Year, bool IsProvisional, string Source);

/// <summary>Thrown when a date falls in a year the calendar has no data for: no deadline is guessed.</summary>
public sealed class CalendarMissingException(int year)
    : Exception($"Производственный календарь на {year} год не загружен.")
{
    public int Year { get; } = year;
}

/// <summary>
/// The production calendar: weekdays work, weekends rest, except where an entry says otherwise. Pure and immutable:
/// built from the database rows (or the shipped data) and asked questions by date.
/// </summary>
public sealed class WorkingCalendar
{
    readonly Dictionary<int, CalendarYearInfo> _years;
    readonly Dictionary<DateOnly, CalendarEntry> _entries;

    public WorkingCalendar(IEnumerable<CalendarYearInfo> years, IEnumerable<CalendarEntry> entries)
    {
        _years = years.ToDictionary(y => y.Year);
        _entries = [];
        // A regional entry is added on top of the federal one for the same date (a regional day off wins).
        foreach (var e in entries.OrderBy(e => e.IsRegional))
            _entries[e.Date] = e;
    }

    public IReadOnlyCollection<CalendarYearInfo> Years => _years.Values;
    public IEnumerable<CalendarEntry> Entries => _entries.Values.OrderBy(e => e.Date);

    public bool Covers(int year) => _years.ContainsKey(year);

    public bool IsProvisional(int year) => _years.TryGetValue(year, out var y) && y.IsProvisional;

    public CalendarEntry? EntryFor(DateOnly date) => _entries.GetValueOrDefault(date);

    public bool IsWorkingDay(DateOnly date)
    {
        Require(date.Year);
        if (_entries.TryGetValue(date, out var e)) return e.Kind is DayKind.Working or DayKind.Shortened;
        return date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    public bool IsShortened(DateOnly date)
    {
        Require(date.Year);
        return _entries.TryGetValue(date, out var e) && e.Kind == DayKind.Shortened;
    }

    /// <summary>The first working day strictly after <paramref name="date"/>.</summary>
    public DateOnly NextWorkingDay(DateOnly date)
    {
        var d = date.AddDays(1);
        while (!IsWorkingDay(d)) d = d.AddDays(1);
        return d;
    }

    /// <summary>The last working day strictly before <paramref name="date"/>.</summary>
    public DateOnly PreviousWorkingDay(DateOnly date)
    {
        var d = date.AddDays(-1);
        while (!IsWorkingDay(d)) d = d.AddDays(-1);
        return d;
    }

    /// <summary>The N-th working day after <paramref name="start"/> (day 1 is the first working day after it); N = 0 is the start itself.</summary>
    public DateOnly AddWorkingDays(DateOnly start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var d = start;
        for (var i = 0; i < days; i++) d = NextWorkingDay(d);
        return d;
    }

    public int WorkingDaysIn(int year)
    {
        var count = 0;
        for (var d = new DateOnly(year, 1, 1); d.Year == year; d = d.AddDays(1))
            if (IsWorkingDay(d)) count++;
        return count;
    }

    void Require(int year)
    {
        if (!_years.ContainsKey(year)) throw new CalendarMissingException(year);
    }
}

/// <summary>An organisation's working day; on a shortened day it ends one hour earlier.</summary>
public sealed record WorkingHours(TimeOnly Start, TimeOnly End, TimeOnly? BreakStart, TimeOnly? BreakEnd)
{
    public static readonly WorkingHours Default = new(new(9, 0), new(18, 0), new(13, 0), new(14, 0));

    /// <summary>The working intervals of one day, in local time of day.</summary>
    public IEnumerable<(TimeOnly From, TimeOnly To)> Intervals(bool shortened)
    {
        var end = shortened ? End.AddHours(-1) : End;
        if (BreakStart is { } bs && BreakEnd is { } be && bs < end)
        {
            yield return (Start, bs);
            if (be < end) yield return (be, end);
        }
        else yield return (Start, end);
    }
}
