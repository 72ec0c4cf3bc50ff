using Otklik.Features.Deadlines;
using static Otklik.Tests.Deadlines.Cal;

namespace Otklik.Tests.Deadlines;

/// <summary>
/// Hand-checked deadlines over the shipped 2025 (ПП № 1335) and 2026 (ПП № 1466) calendars. Start times without an
/// offset are wall-clock times in the zone (Moscow unless the row says otherwise). Default hours: 09:00–18:00, break
/// 13:00–14:00, a shortened day ends at 17:00. The comment above each row says why the answer is right.
/// </summary>
public sealed class DeadlineTableTests
{
    // ---- calendar-days:N — day 1 is the day after the start; control = due, or the working day before it ----

    [Theory]
    // 5 Mar + 30 = 4 Apr 2026, a Saturday: control is Friday 3 April.
    [InlineData("calendar-days:30", "2026-03-05 10:00", "2026-04-04", "2026-04-03")]
    // 24 Oct + 10 = Mon 3 Nov 2025, the day off moved from 1 Nov; Sun 2 Nov rests, Sat 1 Nov was worked: control 1 Nov.
    [InlineData("calendar-days:10", "2025-10-24 11:00", "2025-11-03", "2025-11-01")]
    // 2 Oct + 30 = Sat 1 Nov 2025, a worked Saturday: it is a working day, so the control date is the due date.
    [InlineData("calendar-days:30", "2025-10-02 09:00", "2025-11-01", "2025-11-01")]
    // 30 Dec + 3 = 2 Jan 2026 (holiday); 1 Jan holiday, 31 Dec 2025 a day off (from 5 Jan): control is 30 Dec itself.
    [InlineData("calendar-days:3", "2025-12-30 12:00", "2026-01-02", "2025-12-30")]
    // Sat 2 May + 7 = Sat 9 May 2026, Victory Day: control Fri 8 May, a shortened but working day.
    [InlineData("calendar-days:7", "2026-05-02 10:00", "2026-05-09", "2026-05-08")]
    // 7 Feb + 30 = 9 Mar 2026 (February has 28 days), the Monday off for 8 March: control Fri 6 March.
    [InlineData("calendar-days:30", "2026-02-07 10:00", "2026-03-09", "2026-03-06")]
    // 9 Jun + 3 = Fri 12 Jun 2026, Russia Day: control Thu 11 June (shortened, working).
    [InlineData("calendar-days:3", "2026-06-09 10:00", "2026-06-12", "2026-06-11")]
    // 30 Dec + 1 = Thu 31 Dec 2026, a day off moved from 4 Jan: control Wed 30 Dec.
    [InlineData("calendar-days:1", "2026-12-30 10:00", "2026-12-31", "2026-12-30")]
    // 1 Apr + 30 = 1 May 2026, a holiday: control Thu 30 April.
    [InlineData("calendar-days:30", "2026-04-01 10:00", "2026-05-01", "2026-04-30")]
    // 10 Jan + 30 = Sun 9 Feb 2025: control Fri 7 Feb.
    [InlineData("calendar-days:30", "2025-01-10 10:00", "2025-02-09", "2025-02-07")]
    // 14 May + 30 = Fri 13 Jun 2025, the day off moved from 8 March; 12 Jun is Russia Day: control Wed 11 June.
    [InlineData("calendar-days:30", "2025-05-14 10:00", "2025-06-13", "2025-06-11")]
    // Started on a holiday (9 May 2025): counting is the same; 9 May + 30 = Sun 8 Jun: control Fri 6 June.
    [InlineData("calendar-days:30", "2025-05-09 10:00", "2025-06-08", "2025-06-06")]
    // The local date counts, not the time: 23:59 on 5 Mar is still 5 Mar; +1 = Fri 6 Mar, a working day.
    [InlineData("calendar-days:1", "2026-03-05 23:59", "2026-03-06", "2026-03-06")]
    public void Calendar_days(string policy, string start, string due, string control) =>
        AssertDate(Compute(policy, start), due, control);

    // ---- working-days:N — day 1 is the first working day after the start date ----

    [Theory]
    // Fri 31 Oct 2025 → Sat 1 Nov, the worked Saturday.
    [InlineData("working-days:1", "2025-10-31 10:00", "2025-11-01")]
    // Sat 1 Nov 2025 → Sun 2 rests, Mon 3 is the moved day off, Tue 4 a holiday: Wed 5 Nov.
    [InlineData("working-days:1", "2025-11-01 10:00", "2025-11-05")]
    // Thu 30 Oct 2025: day 1 Fri 31 Oct, day 2 Sat 1 Nov.
    [InlineData("working-days:2", "2025-10-30 10:00", "2025-11-01")]
    // Tue 30 Dec 2025: 31 Dec off (from 5 Jan), 1–8 Jan holidays, Fri 9 Jan off (from 3 Jan), 10–11 weekend: Mon 12 Jan.
    [InlineData("working-days:1", "2025-12-30 10:00", "2026-01-12")]
    // Mon 29 Dec 2025 → Tue 30 Dec, the last working day of 2025.
    [InlineData("working-days:1", "2025-12-29 10:00", "2025-12-30")]
    // Started on New Year's Day 2026: the first working day after it is Mon 12 Jan.
    [InlineData("working-days:1", "2026-01-01 10:00", "2026-01-12")]
    // Fri 6 Mar 2026 → 7–8 weekend (8 March on Sunday), Mon 9 the moved day off: Tue 10 Mar.
    [InlineData("working-days:1", "2026-03-06 10:00", "2026-03-10")]
    // The example: 6 Mar 2026 10:00 in Yekaterinburg, 2 working days: Tue 10, Wed 11 Mar.
    [InlineData("working-days:2", "2026-03-06T10:00:00+05:00", "2026-03-11", "Asia/Yekaterinburg")]
    // Thu 30 Apr 2026 (shortened) → Fri 1 May holiday, 2–3 weekend: Mon 4 May.
    [InlineData("working-days:1", "2026-04-30 10:00", "2026-05-04")]
    // Fri 8 May 2026 (shortened) → Sat 9 Victory Day, Sun 10, Mon 11 its day off: Tue 12 May.
    [InlineData("working-days:1", "2026-05-08 10:00", "2026-05-12")]
    // Thu 19 Feb 2026: Fri 20 (1), 21–22 weekend, Mon 23 holiday, Tue 24 (2), 25 (3), 26 (4), Fri 27 (5).
    [InlineData("working-days:5", "2026-02-19 10:00", "2026-02-27")]
    // Wed 30 Apr 2025 → 1 May holiday, Fri 2 May off (from 4 Jan), 3–4 weekend: Mon 5 May.
    [InlineData("working-days:1", "2025-04-30 10:00", "2025-05-05")]
    // Wed 7 May 2025 → Thu 8 off (from 23 Feb), Fri 9 Victory Day, 10–11 weekend: Mon 12 May.
    [InlineData("working-days:1", "2025-05-07 10:00", "2025-05-12")]
    // Wed 11 Jun 2025 → 12 Russia Day, Fri 13 off (from 8 March), 14–15 weekend: Mon 16 Jun.
    [InlineData("working-days:1", "2025-06-11 10:00", "2025-06-16")]
    // Thu 20 Feb 2025: 23 Feb fell on Sunday and was moved to 8 May, so Mon 24 Feb works:
    // 21 (1), 24 (2), 25 (3), 26 (4), 27 (5), 28 (6), 3 Mar (7), 4 (8), 5 (9), Thu 6 Mar (10).
    [InlineData("working-days:10", "2025-02-20 10:00", "2025-03-06")]
    // Wed 30 Dec 2026 → 31 Dec off (from 4 Jan), into provisional 2027: 1–8 Jan holidays, 9–10 weekend: Mon 11 Jan 2027.
    [InlineData("working-days:1", "2026-12-30 10:00", "2027-01-11")]
    public void Working_days(string policy, string start, string due, string zone = "Europe/Moscow") =>
        AssertDate(Compute(policy, start, zone), due, due);

    // ---- same-day-cutoff:HH:MM — before the cut-off on a working day: that day; otherwise the next working day ----

    [Theory]
    // Wed 4 Mar 2026, one minute before the cut-off: today.
    [InlineData("2026-03-04 15:59", "2026-03-04")]
    // Exactly 16:00 is not before the cut-off: Thu 5 Mar.
    [InlineData("2026-03-04 16:00", "2026-03-05")]
    // Midnight is before the cut-off of the same day.
    [InlineData("2026-03-04 00:00", "2026-03-04")]
    // Fri 13 Mar 2026 at 17:00 → Monday 16 Mar.
    [InlineData("2026-03-13 17:00", "2026-03-16")]
    // Mon 23 Feb 2026 is a holiday, even in the morning → Tue 24 Feb.
    [InlineData("2026-02-23 10:00", "2026-02-24")]
    // Sat 7 Mar 2026 → Sun 8, Mon 9 (moved day off) → Tue 10 Mar.
    [InlineData("2026-03-07 10:00", "2026-03-10")]
    // Sat 1 Nov 2025 was worked: before the cut-off it is due the same Saturday.
    [InlineData("2025-11-01 10:00", "2025-11-01")]
    // …after the cut-off: Sun 2, Mon 3 (day off), Tue 4 (holiday) → Wed 5 Nov.
    [InlineData("2025-11-01 16:30", "2025-11-05")]
    // Tue 30 Dec 2025 at 16:00 → the next working day is Mon 12 Jan 2026.
    [InlineData("2025-12-30 16:00", "2026-01-12")]
    // Wed 31 Dec 2025 is a day off (from 5 Jan), morning or not → Mon 12 Jan 2026.
    [InlineData("2025-12-31 09:00", "2026-01-12")]
    // Thu 30 Apr 2026 is shortened (ends 17:00), but the cut-off stays 16:00: 15:00 is due that day.
    [InlineData("2026-04-30 15:00", "2026-04-30")]
    public void Same_day_cutoff(string start, string due) =>
        AssertDate(Compute("same-day-cutoff:16:00", start), due, due);

    // ---- working-hours:N — the organisation's working time, counted from the start instant ----

    [Theory]
    // Thu 30 Apr 2026 is shortened (till 17:00): 15–17 gives 2 h; 1 May, 2–3 May rest; Mon 4 May 09–10 the third.
    [InlineData("working-hours:3", "2026-04-30 15:00", "2026-05-04T10:00+03:00")]
    // 12–13 is 1 h, the break 13–14 does not count, 14–15 the second: 15:00 the same day.
    [InlineData("working-hours:2", "2026-04-30 12:00", "2026-04-30T15:00+03:00")]
    // An ordinary Wednesday (29 Apr 2026): 12–13 and 14–18 are exactly 5 h: due at 18:00.
    [InlineData("working-hours:5", "2026-04-29 12:00", "2026-04-29T18:00+03:00")]
    // The same 5 h from the shortened 30 April: 12–13 and 14–17 are 4 h; the fifth is Mon 4 May 09–10.
    [InlineData("working-hours:5", "2026-04-30 12:00", "2026-05-04T10:00+03:00")]
    // Started in the break (13:30): counting begins at 14:00.
    [InlineData("working-hours:1", "2026-03-04 13:30", "2026-03-04T15:00+03:00")]
    // Started before the day (07:00): counting begins at 09:00.
    [InlineData("working-hours:2", "2026-03-04 07:00", "2026-03-04T11:00+03:00")]
    // Started after the day (19:00): counting begins at 09:00 the next working day.
    [InlineData("working-hours:1", "2026-03-04 19:00", "2026-03-05T10:00+03:00")]
    // Started on Saturday 7 Mar 2026: Sunday, then Mon 9 Mar is the moved day off: Tue 10 Mar 10:00.
    [InlineData("working-hours:1", "2026-03-07 10:00", "2026-03-10T10:00+03:00")]
    // 4 h from 09:00 end exactly at 13:00, when the break begins; due then, not after the break.
    [InlineData("working-hours:4", "2026-03-04 09:00", "2026-03-04T13:00+03:00")]
    // A full day: 9–13 and 14–18.
    [InlineData("working-hours:8", "2026-03-04 09:00", "2026-03-04T18:00+03:00")]
    // Fri 31 Oct 2025 17–18 is 1 h; Sat 1 Nov was worked: 09–10 the second.
    [InlineData("working-hours:2", "2025-10-31 17:00", "2025-11-01T10:00+03:00")]
    // Sat 1 Nov 2025 is also shortened (till 17:00): 16–17 is 1 h; then 2, 3, 4 Nov rest: Wed 5 Nov 09–10.
    [InlineData("working-hours:2", "2025-11-01 16:00", "2025-11-05T10:00+03:00")]
    // Tue 30 Dec 2025 17–18, then the New Year break until Mon 12 Jan 2026 09–10.
    [InlineData("working-hours:2", "2025-12-30 17:00", "2026-01-12T10:00+03:00")]
    // Mon 2 Nov 2026: 8 h; Tue 3 Nov shortened: 7 h (15 in all); Wed 4 Nov holiday; Thu 5 Nov 09–10 the 16th.
    [InlineData("working-hours:16", "2026-11-02 09:00", "2026-11-05T10:00+03:00")]
    // Fri 6 Mar 2026 in Yekaterinburg (not shortened: 8 March is a Sunday, so no working day precedes it directly):
    // 10–13 and 14–18 are 7 h; 7, 8, 9 March rest; Tue 10 Mar 09–11 the last 2 h, in local time +05:00.
    [InlineData("working-hours:9", "2026-03-06 10:00", "2026-03-10T11:00+05:00", "Asia/Yekaterinburg")]
    public void Working_hours(string policy, string start, string dueAt, string zone = "Europe/Moscow") =>
        AssertInstant(Compute(policy, start, zone), dueAt);

    // ---- hours:N — wall-clock hours, no calendar ----

    [Theory]
    // 24 h from Friday 10:00 is Saturday 10:00: weekends do not matter.
    [InlineData("hours:24", "2026-03-06 10:00", "2026-03-07T10:00+05:00", "Asia/Yekaterinburg")]
    // 48 h across New Year's Eve and Day: 2 Jan 12:00.
    [InlineData("hours:48", "2025-12-31 12:00", "2026-01-02T12:00+03:00", "Europe/Moscow")]
    // 22:00 UTC is 08:00 next day in Vladivostok (+10): +4 h is 12:00 local, shown with the zone's offset.
    [InlineData("hours:4", "2026-03-11T22:00:00Z", "2026-03-12T12:00+10:00", "Asia/Vladivostok")]
    // Past local midnight in Kaliningrad (+02:00).
    [InlineData("hours:1", "2026-03-08 23:30", "2026-03-09T00:30+02:00", "Europe/Kaliningrad")]
    public void Hours(string policy, string start, string dueAt, string zone) =>
        AssertInstant(Compute(policy, start, zone), dueAt);

    // ---- Time zones: one instant, different local days ----

    /// <summary>
    /// 14:30 UTC on Wed 10 Jun 2026 is still Wednesday up to Yakutsk (+9) and already Thursday from Vladivostok (+10).
    /// Thursday 11 June is shortened, Friday 12 is Russia Day, 13–14 the weekend.
    /// </summary>
    [Theory]
    // 16:30 Wed: next working day Thu 11; Wed 16:30–18:00 + Thu 9–13 + 14–16:30 = 8 h.
    [InlineData("Europe/Kaliningrad", DayOfWeek.Wednesday, "2026-06-11", "2026-06-11", "2026-06-11", "2026-06-11T16:30+02:00")]
    // 17:30 Wed: Wed 0.5 h + Thu 7 h (shortened) = 7.5 h; Mon 15 Jun 09:00–09:30.
    [InlineData("Europe/Moscow", DayOfWeek.Wednesday, "2026-06-11", "2026-06-11", "2026-06-11", "2026-06-15T09:30+03:00")]
    // 18:30 Wed: Wednesday is over; Thu 7 h; Mon 09–10.
    [InlineData("Europe/Samara", DayOfWeek.Wednesday, "2026-06-11", "2026-06-11", "2026-06-11", "2026-06-15T10:00+04:00")]
    [InlineData("Asia/Yekaterinburg", DayOfWeek.Wednesday, "2026-06-11", "2026-06-11", "2026-06-11", "2026-06-15T10:00+05:00")]
    [InlineData("Asia/Omsk", DayOfWeek.Wednesday, "2026-06-11", "2026-06-11", "2026-06-11", "2026-06-15T10:00+06:00")]
    [InlineData("Asia/Novosibirsk", DayOfWeek.Wednesday, "2026-06-11", "2026-06-11", "2026-06-11", "2026-06-15T10:00+07:00")]
    [InlineData("Asia/Krasnoyarsk", DayOfWeek.Wednesday, "2026-06-11", "2026-06-11", "2026-06-11", "2026-06-15T10:00+07:00")]
    [InlineData("Asia/Irkutsk", DayOfWeek.Wednesday, "2026-06-11", "2026-06-11", "2026-06-11", "2026-06-15T10:00+08:00")]
    // 23:30 Wed, the last zone where it is still Wednesday.
    [InlineData("Asia/Yakutsk", DayOfWeek.Wednesday, "2026-06-11", "2026-06-11", "2026-06-11", "2026-06-15T10:00+09:00")]
    // 00:30 Thu: the next working day after Thursday is Mon 15; +1 calendar day is Russia Day (control Thu 11).
    [InlineData("Asia/Vladivostok", DayOfWeek.Thursday, "2026-06-15", "2026-06-12", "2026-06-11", "2026-06-15T10:00+10:00")]
    [InlineData("Asia/Magadan", DayOfWeek.Thursday, "2026-06-15", "2026-06-12", "2026-06-11", "2026-06-15T10:00+11:00")]
    // 02:30 Thu in Kamchatka (+12).
    [InlineData("Asia/Kamchatka", DayOfWeek.Thursday, "2026-06-15", "2026-06-12", "2026-06-11", "2026-06-15T10:00+12:00")]
    public void The_same_instant_in_zones_from_Kaliningrad_to_Kamchatka(
        string zone, DayOfWeek localDay, string workingDay1, string calendarDay1, string calendarControl, string workingHours8)
    {
        const string instant = "2026-06-10T14:30:00Z";
        Assert.Equal(localDay, TimeZoneInfo.ConvertTime(Start(instant, Zone(zone)), Zone(zone)).DayOfWeek);
        AssertDate(Compute("working-days:1", instant, zone), workingDay1, workingDay1);
        AssertDate(Compute("calendar-days:1", instant, zone), calendarDay1, calendarControl);
        AssertInstant(Compute("working-hours:8", instant, zone), workingHours8);
    }

    [Theory]
    // 13:30 UTC on Wed 10 Jun 2026: 15:30 in Kaliningrad is before the cut-off: due today.
    [InlineData("Europe/Kaliningrad", "2026-06-10")]
    // 16:30 in Moscow is past it: Thursday.
    [InlineData("Europe/Moscow", "2026-06-11")]
    // 23:30 Wed in Vladivostok: Thursday.
    [InlineData("Asia/Vladivostok", "2026-06-11")]
    // 01:30 Thu in Kamchatka, a working day before the cut-off: Thursday itself.
    [InlineData("Asia/Kamchatka", "2026-06-11")]
    public void The_cutoff_is_local(string zone, string due) =>
        AssertDate(Compute("same-day-cutoff:16:00", "2026-06-10T13:30:00Z", zone), due, due);

    // ---- What the definition of the control date gives at the edges ----

    [Fact]
    public void A_term_wholly_inside_the_New_Year_break_keeps_its_control_date_on_the_due_date()
    {
        // Received on 1 Jan 2026 (an electronic appeal), registration due in 3 calendar days: 4 Jan, a holiday. The
        // preceding working day, 30 Dec 2025, is before the appeal existed; a control date there would make it overdue
        // on arrival, so the control date stays on the due date.
        var due = Compute("calendar-days:3", "2026-01-01 10:00");
        Assert.Equal(D("2026-01-04"), due.DueDate);
        Assert.Equal(D("2026-01-04"), due.ControlDate);
    }

    [Fact]
    public void The_end_of_a_due_date_is_its_last_second_in_the_zone()
    {
        // Due Thu 11 Jun 2026 in Vladivostok (+10): missed after 23:59:59 local, 13:59:59 UTC.
        var due = Compute("same-day-cutoff:16:00", "2026-06-10T13:30:00Z", "Asia/Vladivostok");
        Assert.Equal(new DateTime(2026, 6, 11, 13, 59, 59, DateTimeKind.Utc), due.EndUtc);
        // An instant deadline is missed at the instant itself.
        var at = Compute("hours:4", "2026-03-11T22:00:00Z", "Asia/Vladivostok");
        Assert.Equal(new DateTime(2026, 3, 12, 2, 0, 0), at.EndUtc);
    }

    // ---- A year with no calendar ----

    [Theory]
    // A start in 2030: nothing is known about its holidays.
    [InlineData("working-days:1", "2030-01-10 10:00", 2030)]
    [InlineData("calendar-days:5", "2030-03-02 10:00", 2030)]
    [InlineData("working-hours:8", "2030-03-04 10:00", 2030)]
    [InlineData("same-day-cutoff:16:00", "2030-03-04 10:00", 2030)]
    // Started in provisional 2027 but 300 working days run into 2028, which is not loaded.
    [InlineData("working-days:300", "2027-06-01 10:00", 2028)]
    // 2024 is not shipped either.
    [InlineData("working-days:1", "2024-12-27 10:00", 2024)]
    public void A_year_with_no_calendar_is_refused_not_guessed(string policy, string start, int year)
    {
        var error = Assert.Throws<CalendarMissingException>(() => Compute(policy, start));
        Assert.Equal(year, error.Year);
        Assert.Equal($"Производственный календарь на {year} год не загружен.", error.Message);
    }

    [Fact]
    public void Wall_clock_hours_need_no_calendar() =>
        AssertInstant(Compute("hours:24", "2030-03-04 10:00"), "2030-03-05T10:00+03:00");

    static void AssertDate(Due due, string dueDate, string controlDate)
    {
        Assert.Equal(D(dueDate), due.DueDate);
        Assert.Equal(D(controlDate), due.ControlDate);
        Assert.Null(due.DueAt);
    }

    static void AssertInstant(Due due, string dueAt)
    {
        Assert.Null(due.DueDate);
        Assert.Null(due.ControlDate);
        Assert.Equal(dueAt, Iso(due.DueAt!.Value));
        Assert.Equal(due.DueAt.Value.UtcDateTime, due.EndUtc);
    }
}
