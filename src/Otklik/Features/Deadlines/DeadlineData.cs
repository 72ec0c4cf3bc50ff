using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Deadlines;

/// <summary>Puts the shipped production calendar and the default policies into an empty database at start.</summary>
public static class DeadlineData
{
    public static async Task EnsureAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var known = await db.CalendarYears.Select(y => y.Year).ToListAsync(ct);
        foreach (var (year, entries) in ProductionCalendars.Shipped().Where(s => !known.Contains(s.Year.Year)))
        {
            db.CalendarYears.Add(new CalendarYear { Year = year.Year, IsProvisional = year.IsProvisional, Source = year.Source, UpdatedAtUtc = nowUtc });
            db.CalendarDays.AddRange(entries.Select(e => new CalendarDay { Date = e.Date, Kind = e.Kind, Note = e.Note, IsRegional = e.IsRegional }));
        }
        if (!await db.DeadlineRules.AnyAsync(ct)) db.DeadlineRules.AddRange(DeadlineRule.Defaults());
        await db.SaveChangesAsync(ct);
    }
}
