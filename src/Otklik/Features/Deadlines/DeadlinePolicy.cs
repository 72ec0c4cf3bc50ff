using System.Globalization;

namespace Otklik.Features.Deadlines;

/// <summary>
/// How a deadline is counted, written as text ("working-days:2") so administrators can read and edit it.
/// Date-based policies answer a due date (and a control date); hour-based ones answer an instant.
/// </summary>
public abstract record DeadlinePolicy
{
    public abstract bool IsDateBased { get; }

    public static DeadlinePolicy Parse(string text) =>
        TryParse(text, out var policy, out var error) ? policy! : throw new FormatException(error);

    public static bool TryParse(string? text, out DeadlinePolicy? policy, out string? error)
    {
        policy = null;
        error = null;
        var parts = (text ?? "").Trim().Split(':', 2);
        if (parts.Length != 2)
        {
            error = $"Политика срока «{text}» должна иметь вид «вид:значение», например working-days:2.";
            return false;
        }
        var (kind, value) = (parts[0].Trim().ToLowerInvariant(), parts[1].Trim());
        if (kind == "same-day-cutoff")
        {
            if (TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var cutoff))
            {
                policy = new SameDayCutoffPolicy(cutoff);
                return true;
            }
            error = $"Время отсечки «{value}» должно быть в виде ЧЧ:ММ, например 16:00.";
            return false;
        }
        // The kind is checked first, so "weeks:abc" is called an unknown kind rather than a bad number.
        Func<int, DeadlinePolicy>? make = kind switch
        {
            "calendar-days" => n => new CalendarDaysPolicy(n),
            "working-days" => n => new WorkingDaysPolicy(n),
            "working-hours" => n => new WorkingHoursPolicy(n),
            "hours" => n => new HoursPolicy(n),
            _ => null,
        };
        if (make is null)
        {
            error = $"Неизвестный вид политики «{kind}»: допустимы calendar-days, working-days, working-hours, hours, same-day-cutoff.";
            return false;
        }
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 3650)
        {
            error = $"Число в политике «{text}» должно быть целым от 1 до 3650.";
            return false;
        }
        policy = make(count);
        return true;
    }

    /// <summary>Counts the deadline from <paramref name="start"/> in the organisation's zone, hours and calendar.</summary>
    public abstract Due Compute(DateTimeOffset start, TimeZoneInfo zone, WorkingHours hours, WorkingCalendar calendar);

    protected static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
}

/// <summary>N calendar days; day 1 is the day after the start. The control date is the due date, or the working day before it.</summary>
public sealed record CalendarDaysPolicy(int Days) : DeadlinePolicy
{
    public override bool IsDateBased => true;
    public override string ToString() => $"calendar-days:{Days}";

    public override Due Compute(DateTimeOffset start, TimeZoneInfo zone, WorkingHours hours, WorkingCalendar calendar)
    {
        var from = LocalDate(start, zone);
        var due = from.AddDays(Days);
        var control = calendar.IsWorkingDay(due) ? due : calendar.PreviousWorkingDay(due);
        // A term that lies wholly in days off (3 days from 1 January) has no working day before it: the control date
        // would precede the appeal itself, so it stays on the due date.
        return Due.OnDate(due, control < from ? due : control, zone);
    }
}

/// <summary>N working days; day 1 is the first working day after the start date.</summary>
public sealed record WorkingDaysPolicy(int Days) : DeadlinePolicy
{
    public override bool IsDateBased => true;
    public override string ToString() => $"working-days:{Days}";

    public override Due Compute(DateTimeOffset start, TimeZoneInfo zone, WorkingHours hours, WorkingCalendar calendar)
    {
        var due = calendar.AddWorkingDays(LocalDate(start, zone), Days);
        return Due.OnDate(due, due, zone);
    }
}

/// <summary>N hours of the organisation's working time, counted from the start instant.</summary>
public sealed record WorkingHoursPolicy(int Hours) : DeadlinePolicy
{
    public override bool IsDateBased => false;
    public override string ToString() => $"working-hours:{Hours}";

    public override Due Compute(DateTimeOffset start, TimeZoneInfo zone, WorkingHours hours, WorkingCalendar calendar) =>
        Compute(start, zone, hours, calendar, TimeSpan.Zero);

    /// <summary>The count plus <paramref name="extra"/> working time (the working time a pause took).</summary>
    public Due Compute(DateTimeOffset start, TimeZoneInfo zone, WorkingHours hours, WorkingCalendar calendar, TimeSpan extra)
    {
        var local = TimeZoneInfo.ConvertTime(start, zone).DateTime;
        var left = TimeSpan.FromHours(Hours) + extra;
        var day = DateOnly.FromDateTime(local);
        var from = TimeOnly.FromDateTime(local);
        while (true)
        {
            if (calendar.IsWorkingDay(day))
                foreach (var (a, b) in hours.Intervals(calendar.IsShortened(day)))
                {
                    var begin = a > from ? a : from;
                    if (begin >= b) continue;
                    var available = b - begin;
                    if (available >= left) return Due.At(day.ToDateTime(begin) + left, zone);
                    left -= available;
                }
            day = day.AddDays(1);
            from = TimeOnly.MinValue;
        }
    }
}

/// <summary>N wall-clock hours.</summary>
public sealed record HoursPolicy(int Hours) : DeadlinePolicy
{
    public override bool IsDateBased => false;
    public override string ToString() => $"hours:{Hours}";

    public override Due Compute(DateTimeOffset start, TimeZoneInfo zone, WorkingHours hours, WorkingCalendar calendar) =>
        Due.At(TimeZoneInfo.ConvertTime(start.AddHours(Hours), zone).DateTime, zone);
}

/// <summary>Started on a working day before the cut-off: due that day; otherwise the next working day.</summary>
public sealed record SameDayCutoffPolicy(TimeOnly Cutoff) : DeadlinePolicy
{
    public override bool IsDateBased => true;
    public override string ToString() => $"same-day-cutoff:{Cutoff:HH\\:mm}";

    public override Due Compute(DateTimeOffset start, TimeZoneInfo zone, WorkingHours hours, WorkingCalendar calendar)
    {
        var local = TimeZoneInfo.ConvertTime(start, zone).DateTime;
        var day = DateOnly.FromDateTime(local);
        var due = calendar.IsWorkingDay(day) && TimeOnly.FromDateTime(local) < Cutoff ? day : calendar.NextWorkingDay(day);
        return Due.OnDate(due, due, zone);
    }
}

/// <summary>
/// A computed deadline: a due date and a control date for day-based policies, or an instant. <see cref="EndUtc"/> is
/// the moment it is missed: the end of the due date in the zone, or the instant itself.
/// </summary>
public sealed record Due(DateOnly? DueDate, DateOnly? ControlDate, DateTimeOffset? DueAt, DateTime EndUtc)
{
    public static Due OnDate(DateOnly due, DateOnly control, TimeZoneInfo zone) =>
        new(due, control, null, EndOfDayUtc(due, zone));

    public static Due At(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var utc = TimeZoneInfo.ConvertTimeToUtc(unspecified, zone);
        return new(null, null, new DateTimeOffset(unspecified, zone.GetUtcOffset(utc)), utc);
    }

    /// <summary>The last second of a local date, as UTC.</summary>
    public static DateTime EndOfDayUtc(DateOnly date, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(date.AddDays(1).ToDateTime(TimeOnly.MinValue).AddSeconds(-1), DateTimeKind.Unspecified), zone);
}
