using System.Globalization;
using Otklik.Features.Deadlines;

namespace Otklik.Tests.Deadlines;

/// <summary>The shipped calendar and small helpers to write dates and instants in tables.</summary>
static class Cal
{
    public static readonly WorkingCalendar Shipped = ProductionCalendars.ShippedCalendar();

    public static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    public static DateOnly D(string yyyyMmDd) => DateOnly.ParseExact(yyyyMmDd, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"2026-03-04 15:59" is wall-clock time in the zone; a text with "Z" or an offset is an instant.</summary>
    public static DateTimeOffset Start(string text, TimeZoneInfo zone)
    {
        if (text.EndsWith('Z') || text.Contains('+'))
            return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var local = DateTime.ParseExact(text, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    public static string Iso(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture);

    public static Due Compute(string policy, string start, string zone = "Europe/Moscow")
    {
        var tz = Zone(zone);
        return DeadlinePolicy.Parse(policy).Compute(Start(start, tz), tz, WorkingHours.Default, Shipped);
    }
}
