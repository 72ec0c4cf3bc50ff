using System.Globalization;
using Otklik.Features.Appeals;
using Dl = Otklik.Features.Deadlines.Deadlines;

namespace Otklik.Tests.Appeals;

/// <summary>The foundation's clocks: calendar days that end with the local day of the executor's time zone.</summary>
public sealed class DeadlinesTests
{
    static DateTime Utc(string iso) =>
        DateTime.SpecifyKind(DateTime.Parse(iso, CultureInfo.InvariantCulture), DateTimeKind.Utc);

    /// <summary>
    /// One instant, 20:30 UTC on 2 March 2026, is a different local date in different zones: day 1 is the local day after it.
    /// Russia keeps no daylight saving time, so the offsets hold all year.
    /// </summary>
    [Theory]
    [InlineData("Europe/Kaliningrad", 1, "2026-03-03T21:59:59")]   // 22:30 on 2 March (+02) → end of 3 March
    [InlineData("Europe/Moscow", 1, "2026-03-03T20:59:59")]        // 23:30 on 2 March (+03) → end of 3 March
    [InlineData("Asia/Yekaterinburg", 1, "2026-03-04T18:59:59")]   // 01:30 on 3 March (+05) → end of 4 March
    [InlineData("Asia/Vladivostok", 1, "2026-03-04T13:59:59")]     // 06:30 on 3 March (+10) → end of 4 March
    [InlineData("Asia/Kamchatka", 1, "2026-03-04T11:59:59")]       // 08:30 on 3 March (+12) → end of 4 March
    [InlineData("Asia/Yekaterinburg", 30, "2026-04-02T18:59:59")]
    [InlineData("Asia/Vladivostok", 30, "2026-04-02T13:59:59")]
    [InlineData("Europe/Moscow", 30, "2026-04-01T20:59:59")]
    public void EndOfLocalDay_counts_days_from_the_local_date_of_the_start(string zoneId, int days, string expectedUtc)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var end = Dl.EndOfLocalDay(Utc("2026-03-02T20:30:00"), days, zone);

        Assert.Equal(Utc(expectedUtc), end);
        Assert.Equal(DateTimeKind.Utc, end.Kind);
        Assert.Equal(new TimeSpan(23, 59, 59), TimeZoneInfo.ConvertTimeFromUtc(end, zone).TimeOfDay);
    }

    [Fact]
    public void EndOfLocalDay_is_the_same_for_any_moment_of_the_same_local_day()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg");
        // 00:00:00 and 23:59:59 on 2 March in Yekaterinburg.
        var first = Dl.EndOfLocalDay(Utc("2026-03-01T19:00:00"), 10, zone);
        var last = Dl.EndOfLocalDay(Utc("2026-03-02T18:59:59"), 10, zone);
        var nextDay = Dl.EndOfLocalDay(Utc("2026-03-02T19:00:00"), 10, zone);

        Assert.Equal(Utc("2026-03-12T18:59:59"), first);
        Assert.Equal(first, last);
        Assert.Equal(first.AddDays(1), nextDay);
    }

    [Fact]
    public void A_start_read_back_without_a_kind_is_taken_as_UTC()
    {
        // Databases hand instants back as Unspecified; the clock must not read them as local time.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg");
        var unspecified = DateTime.SpecifyKind(Utc("2026-03-02T20:30:00"), DateTimeKind.Unspecified);
        Assert.Equal(Dl.EndOfLocalDay(Utc("2026-03-02T20:30:00"), 5, zone), Dl.EndOfLocalDay(unspecified, 5, zone));
    }

    [Fact]
    public void A_deadline_crossing_the_new_year_and_a_leap_day_counts_calendar_days()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg");
        // 10:00 on 20 December 2027 local → 30 days → end of 19 January 2028.
        Assert.Equal(Utc("2028-01-19T18:59:59"), Dl.EndOfLocalDay(Utc("2027-12-20T05:00:00"), 30, zone));
        // 10:00 on 15 February 2028 local → 30 days → end of 16 March 2028 (29 February counts).
        Assert.Equal(Utc("2028-03-16T18:59:59"), Dl.EndOfLocalDay(Utc("2028-02-15T05:00:00"), 30, zone));
    }

    [Theory]
    [InlineData("Europe/Moscow", "2026-03-02")]
    [InlineData("Asia/Yekaterinburg", "2026-03-03")]
    [InlineData("Asia/Vladivostok", "2026-03-03")]
    public void LocalDate_is_the_date_on_the_executors_wall_calendar(string zoneId, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, CultureInfo.InvariantCulture),
            Dl.LocalDate(Utc("2026-03-02T20:30:00"), TimeZoneInfo.FindSystemTimeZoneById(zoneId)));

    [Fact]
    public void A_social_network_incident_is_due_in_24_hours_whatever_the_zone()
    {
        var at = Utc("2026-03-02T20:30:00");
        foreach (var zone in new[] { "Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok" })
            Assert.Equal(at.AddHours(24), Dl.AnswerDue(LegalRegime.SocialIncident, AppealKind.Complaint, at, TimeZoneInfo.FindSystemTimeZoneById(zone)));
    }

    [Fact]
    public void The_fixed_clocks_are_those_of_the_rules()
    {
        Assert.Equal(TimeSpan.FromHours(48), Dl.Moderation);
        Assert.Equal(3, Dl.ClarificationDays);
        Assert.Equal(30, Dl.MaxExtensionDays);
    }
}
