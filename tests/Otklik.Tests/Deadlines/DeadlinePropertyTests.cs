using CsCheck;
using Otklik.Features.Deadlines;
using static Otklik.Tests.Deadlines.Cal;

namespace Otklik.Tests.Deadlines;

/// <summary>
/// Properties of every policy over random start instants in 2025–2026, random Russian zones and random lengths, kept
/// short enough to stay inside the shipped 2025–2027. A failure prints the smallest counter-example CsCheck finds.
/// </summary>
public sealed class DeadlinePropertyTests
{
    static readonly TimeZoneInfo[] Zones =
    [
        .. new[]
        {
            "Europe/Kaliningrad", "Europe/Moscow", "Europe/Volgograd", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
            "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan",
            "Asia/Kamchatka",
        }.Select(Zone),
    ];

    static readonly Gen<TimeZoneInfo> AnyZone = Gen.Int[0, Zones.Length - 1].Select(i => Zones[i]);

    // From 9 January 2025: before it the New Year break reaches back into 2024, which is not shipped, so a control
    // date there would be refused. Up to the end of 2026 (UTC), which is already 2027 in the far east.
    static readonly Gen<DateTimeOffset> AnyStart = Gen.Long[
            new DateTimeOffset(2025, 1, 9, 0, 0, 0, TimeSpan.Zero).UtcTicks,
            new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero).UtcTicks]
        .Select(ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

    static readonly WorkingHours Hours = WorkingHours.Default;

    static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    [Fact]
    public void A_working_days_deadline_lands_on_a_working_day_after_the_start()
    {
        Gen.Select(AnyStart, AnyZone, Gen.Int[1, 60]).Sample((start, zone, n) =>
        {
            var due = new WorkingDaysPolicy(n).Compute(start, zone, Hours, Shipped);
            var date = due.DueDate!.Value;
            Assert.True(Shipped.IsWorkingDay(date));
            Assert.Equal(date, due.ControlDate);
            Assert.Null(due.DueAt);
            // Exactly n working days in (start date, due date].
            var count = 0;
            for (var d = LocalDate(start, zone).AddDays(1); d <= date; d = d.AddDays(1))
                if (Shipped.IsWorkingDay(d)) count++;
            Assert.Equal(n, count);
            // n working days take at least n calendar days.
            Assert.True(date >= new CalendarDaysPolicy(n).Compute(start, zone, Hours, Shipped).DueDate);
        }, iter: 1000);
    }

    [Fact]
    public void Adding_n_then_m_working_days_is_adding_n_plus_m()
    {
        Gen.Select(AnyStart, AnyZone, Gen.Int[1, 30], Gen.Int[1, 30]).Sample((start, zone, n, m) =>
        {
            var first = new WorkingDaysPolicy(n).Compute(start, zone, Hours, Shipped).DueDate!.Value;
            // Start the second count at any time on the first due date: only the date matters.
            var local = first.ToDateTime(new TimeOnly(12, 0));
            var then = new DateTimeOffset(local, zone.GetUtcOffset(local));
            var second = new WorkingDaysPolicy(m).Compute(then, zone, Hours, Shipped).DueDate;
            Assert.Equal(new WorkingDaysPolicy(n + m).Compute(start, zone, Hours, Shipped).DueDate, second);
        }, iter: 1000);
    }

    [Fact]
    public void A_calendar_days_deadline_is_n_local_days_later_with_the_control_date_the_last_working_day_up_to_it()
    {
        Gen.Select(AnyStart, AnyZone, Gen.Int[1, 360]).Sample((start, zone, n) =>
        {
            var due = new CalendarDaysPolicy(n).Compute(start, zone, Hours, Shipped);
            var date = due.DueDate!.Value;
            var control = due.ControlDate!.Value;
            Assert.Equal(n, date.DayNumber - LocalDate(start, zone).DayNumber);
            Assert.True(control <= date);
            Assert.True(control >= LocalDate(start, zone));
            if (control == date && !Shipped.IsWorkingDay(date))
            {
                // Wholly in days off: no working day from the start up to the due date, so the control date stays on it.
                for (var d = LocalDate(start, zone); d < date; d = d.AddDays(1))
                    Assert.False(Shipped.IsWorkingDay(d));
                return;
            }
            Assert.True(Shipped.IsWorkingDay(control));
            for (var d = control.AddDays(1); d <= date; d = d.AddDays(1))
                Assert.False(Shipped.IsWorkingDay(d));
            Assert.Null(due.DueAt);
        }, iter: 1000);
    }

    [Fact]
    public void A_working_hours_deadline_is_inside_working_time_after_exactly_n_working_hours()
    {
        Gen.Select(AnyStart, AnyZone, Gen.Int[1, 200]).Sample((start, zone, n) =>
        {
            var dueAt = new WorkingHoursPolicy(n).Compute(start, zone, Hours, Shipped).DueAt!.Value;
            Assert.True(dueAt > start);
            Assert.Equal(zone.GetUtcOffset(dueAt), dueAt.Offset);

            var local = TimeZoneInfo.ConvertTime(dueAt, zone).DateTime;
            var day = DateOnly.FromDateTime(local);
            var time = TimeOnly.FromDateTime(local);
            Assert.True(Shipped.IsWorkingDay(day));
            Assert.Contains(Hours.Intervals(Shipped.IsShortened(day)), i => i.From < time && time <= i.To);

            Assert.Equal(TimeSpan.FromHours(n), WorkedBetween(TimeZoneInfo.ConvertTime(start, zone).DateTime, local));
        }, iter: 500);
    }

    [Fact]
    public void An_hours_deadline_is_exactly_n_hours_later_shown_in_the_zone()
    {
        Gen.Select(AnyStart, AnyZone, Gen.Int[1, 1000]).Sample((start, zone, n) =>
        {
            var due = new HoursPolicy(n).Compute(start, zone, Hours, Shipped);
            Assert.Equal(start.AddHours(n), due.DueAt);
            Assert.Equal(zone.GetUtcOffset(start.AddHours(n)), due.DueAt!.Value.Offset);
            Assert.Equal(start.AddHours(n).UtcDateTime, due.EndUtc);
        }, iter: 1000);
    }

    [Fact]
    public void A_same_day_cutoff_deadline_is_today_only_on_a_working_day_before_the_cutoff()
    {
        Gen.Select(AnyStart, AnyZone, Gen.Int[0, 23], Gen.Int[0, 59]).Sample((start, zone, hour, minute) =>
        {
            var cutoff = new TimeOnly(hour, minute);
            var due = new SameDayCutoffPolicy(cutoff).Compute(start, zone, Hours, Shipped).DueDate!.Value;
            var local = TimeZoneInfo.ConvertTime(start, zone).DateTime;
            var today = DateOnly.FromDateTime(local);
            var expected = Shipped.IsWorkingDay(today) && TimeOnly.FromDateTime(local) < cutoff ? today : Shipped.NextWorkingDay(today);
            Assert.Equal(expected, due);
            Assert.True(Shipped.IsWorkingDay(due));
        }, iter: 1000);
    }

    /// <summary>The working time between two local moments, summed day by day: an oracle independent of the policy.</summary>
    static TimeSpan WorkedBetween(DateTime from, DateTime to)
    {
        var total = TimeSpan.Zero;
        for (var day = DateOnly.FromDateTime(from); day <= DateOnly.FromDateTime(to); day = day.AddDays(1))
        {
            if (!Shipped.IsWorkingDay(day)) continue;
            foreach (var (a, b) in Hours.Intervals(Shipped.IsShortened(day)))
            {
                var begin = Max(day.ToDateTime(a), from);
                var end = Min(day.ToDateTime(b), to);
                if (end > begin) total += end - begin;
            }
        }
        return total;
    }

    static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
    static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
