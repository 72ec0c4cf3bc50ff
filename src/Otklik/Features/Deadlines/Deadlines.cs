using Otklik.Features.Appeals;

namespace Otklik.Features.Deadlines;

/// <summary>
/// The clocks of the foundation: calendar days and wall-clock hours counted in the executor's time zone.
/// The working calendar (holidays, working hours, policies per topic) replaces these in the deadlines issue.
/// </summary>
public static class Deadlines
{
    public static readonly TimeSpan Moderation = TimeSpan.FromHours(48);
    public const int ClarificationDays = 3;
    public const int MaxExtensionDays = 30;

    /// <summary>When the answer is due, counted from registration.</summary>
    public static DateTime AnswerDue(LegalRegime regime, AppealKind kind, DateTime registeredAtUtc, TimeZoneInfo zone) => regime switch
    {
        LegalRegime.Obrashchenie59 => EndOfLocalDay(registeredAtUtc, 30, zone),
        LegalRegime.PlatformMessage => EndOfLocalDay(registeredAtUtc, 10, zone),
        LegalRegime.SocialIncident => registeredAtUtc.AddHours(24),
        _ => kind switch
        {
            AppealKind.SimpleConsultation => EndOfLocalDay(registeredAtUtc, 1, zone),
            AppealKind.ComplexConsultation => EndOfLocalDay(registeredAtUtc, 2, zone),
            AppealKind.Task => EndOfLocalDay(registeredAtUtc, 5, zone),
            _ => EndOfLocalDay(registeredAtUtc, 30, zone),
        },
    };

    /// <summary>Day 1 is the day after the start (local); the deadline is the end of day N, returned as UTC.</summary>
    public static DateTime EndOfLocalDay(DateTime startUtc, int days, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(startUtc, DateTimeKind.Utc), zone);
        var endLocal = local.Date.AddDays(days + 1).AddTicks(-TimeSpan.TicksPerSecond);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(endLocal, DateTimeKind.Unspecified), zone);
    }

    public static DateOnly LocalDate(DateTime utc, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone));
}
