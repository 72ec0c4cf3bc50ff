using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Deadlines;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// The production calendar as a year of month grids: federal holidays and moved days as loaded, the region's own days
/// marked, added and removed here (the API's operations; open appeals' deadlines are counted again after each change).
/// </summary>
public sealed class CalendarModel(AppDbContext db, CurrentUser user, DeadlineClocks clocks, TimeProvider clock) : AdminPage(db, user)
{
    protected override bool RegionOnly => true;

    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }
    public IReadOnlyList<CalendarYear> Years { get; private set; } = [];
    public CalendarYear? Shown { get; private set; }
    public IReadOnlyDictionary<DateOnly, CalendarDay> Days { get; private set; } = new Dictionary<DateOnly, CalendarDay>();

    [BindProperty] public DateOnly? Date { get; set; }
    [BindProperty] public DayKind? Kind { get; set; }
    [BindProperty] public string? Note { get; set; }

    public static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    public static string KindTitle(DayKind k) => k switch
    {
        DayKind.Holiday => "Праздник",
        DayKind.DayOff => "Выходной",
        DayKind.Working => "Рабочий (перенесённый)",
        DayKind.Shortened => "Сокращённый",
        _ => k.ToString(),
    };

    /// <summary>The class of a date's cell: a special day's kind, else a weekend or a plain working day.</summary>
    public string CellClass(DateOnly d) => Days.TryGetValue(d, out var day)
        ? day.Kind.ToString().ToLowerInvariant() + (day.IsRegional ? " regional" : "")
        : d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? "weekend" : "";

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        if (Date is not { } date) { Errors["date"] = "Укажите дату."; Response.StatusCode = 422; }
        else if (await CallAsync(() => CalendarApi.SetRegionalDay(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), new(Kind, Note), Db, clocks, clock, ct)))
            return Redirect($"/office/admin/calendar?year={date.Year}&done=" + Uri.EscapeDataString($"{date:dd.MM.yyyy} — {Note?.Trim()}: день добавлен, сроки открытых обращений пересчитаны."));
        Year ??= Date?.Year;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken ct)
    {
        if (Date is not { } date) return NotFound();
        if (await CallAsync(() => CalendarApi.DeleteRegionalDay(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Db, clocks, clock, ct)))
            return Redirect($"/office/admin/calendar?year={date.Year}&done=" + Uri.EscapeDataString($"Региональный день {date:dd.MM.yyyy} удалён."));
        Year ??= date.Year;
        await LoadAsync(ct);
        return Page();
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Years = await Db.CalendarYears.AsNoTracking().OrderBy(y => y.Year).ToListAsync(ct);
        var year = Year ?? clock.GetUtcNow().Year;
        Shown = Years.FirstOrDefault(y => y.Year == year) ?? Years.LastOrDefault(y => y.Year <= year) ?? Years.FirstOrDefault();
        Year = Shown?.Year ?? year;
        var (first, last) = (new DateOnly(Year.Value, 1, 1), new DateOnly(Year.Value, 12, 31));
        Days = await Db.CalendarDays.AsNoTracking().Where(d => d.Date >= first && d.Date <= last).ToDictionaryAsync(d => d.Date, ct);
    }
}
