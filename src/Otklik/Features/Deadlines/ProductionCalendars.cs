namespace Otklik.Features.Deadlines;

/// <summary>The Russian production calendar shipped with Otklik: 2025 and 2026 from their decrees, 2027 provisional.</summary>
public static class ProductionCalendars
{
    /// <summary>Years shipped (2025: ПП № 1335; 2026: ПП № 1466) plus 2027 computed by <see cref="ComputeFromLabourCode"/>.</summary>
    public static IReadOnlyList<(CalendarYearInfo Year, IReadOnlyList<CalendarEntry> Entries)> Shipped() =>
        throw new NotImplementedException();

    /// <summary>A year computed from ТК ст. 112 and 95 alone, marked provisional until its decree appears.</summary>
    public static (CalendarYearInfo Year, IReadOnlyList<CalendarEntry> Entries) ComputeFromLabourCode(int year) =>
        throw new NotImplementedException();
}

/// <summary>The xmlcalendar format: &lt;calendar year="2026"&gt;&lt;days&gt;&lt;day d="01.01" t="1" h="1"/&gt;…</summary>
public static class XmlCalendar
{
    /// <summary>Parses one year; a malformed document throws FormatException with a Russian message naming the problem.</summary>
    public static (int Year, IReadOnlyList<CalendarEntry> Entries) Parse(string xml) => throw new NotImplementedException();
}
