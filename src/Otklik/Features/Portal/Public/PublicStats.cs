using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Portal.Public;

public sealed record StatRow(string Label, int Count);

/// <summary>The numbers of /stats, over the published appeals only (<see cref="PublicAppeals.Visible"/>).</summary>
public sealed record PublicStatsData(
    int Total, IReadOnlyList<StatRow> ByCategory, IReadOnlyList<StatRow> ByTerritory, IReadOnlyList<StatRow> ByStage,
    IReadOnlyList<StatRow> ByMonth, int Answered, int AnsweredOnTime, int Rated, double? AverageRating, int OverdueOpen)
{
    /// <summary>
    /// Of the appeals whose answer was due — answered, or still open past the deadline — the share answered by the
    /// deadline, in per cent. An open overdue appeal counts as late: otherwise the share would rise by not answering.
    /// </summary>
    public double? OnTimePercent => Appeals.OnTimeShare.Percent(AnsweredOnTime, Answered, OverdueOpen);
}

public static class PublicStats
{
    public const int Months = 12;

    /// <summary>
    /// One narrow read of the published appeals, counted in memory: a region's public appeals number in the thousands, the
    /// page is cached, and the same code then counts alike on both engines (months included).
    /// </summary>
    public static async Task<PublicStatsData> LoadAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var rows = await db.Appeals.AsNoTracking().Visible()
            .Select(a => new { a.CategoryId, a.TerritoryId, a.Status, a.RegisteredAtUtc, a.AnsweredAtUtc, a.AnswerDueAtUtc, a.Rating,
                a.PausedAtUtc, a.DueAtUtc, a.AtRiskFromUtc, a.WatchLevel })
            .ToListAsync(ct);
        var names = await PublicNames.LoadAsync(db, ct);

        static List<StatRow> Rows<T>(IEnumerable<T> keys, Func<T, string> label) =>
            [.. keys.GroupBy(k => label(k)).Select(g => new StatRow(g.Key, g.Count())).OrderByDescending(r => r.Count).ThenBy(r => r.Label, StringComparer.Ordinal)];

        var stages = Enum.GetValues<PublicStage>()
            .Select(s => new StatRow(PublicAppeals.Title(s), rows.Count(r => PublicAppeals.StageOf(r.Status) == s)))
            .Where(r => r.Count > 0).ToList();
        var firstMonth = new DateTime(nowUtc.Year, nowUtc.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-(Months - 1));
        var months = Enumerable.Range(0, Months).Select(i => firstMonth.AddMonths(i))
            .Select(m => new StatRow(MonthLabel(m), rows.Count(r => r.RegisteredAtUtc!.Value.Year == m.Year && r.RegisteredAtUtc.Value.Month == m.Month)))
            .SkipWhile(r => r.Count == 0).ToList();
        // An answer counts as sent only in the statuses that show it; a reopened appeal's earlier answer no longer counts.
        var answered = rows.Where(r => PublicAppeals.AnswerShown(r.Status) && r.AnsweredAtUtc is not null).ToList();
        var rated = rows.Where(r => r.Rating is not null).ToList();
        // Still being considered and past the deadline, by the same rule as the feed's «Просрочено».
        var overdueOpen = rows.Count(r => PublicAppeals.StageOf(r.Status) is PublicStage.Accepted or PublicStage.InWork
            && Appeals.DeadlineStates.Of(r.Status, r.PausedAtUtc, r.DueAtUtc, r.AtRiskFromUtc, r.WatchLevel, nowUtc) == Appeals.DeadlineState.Overdue);
        return new PublicStatsData(rows.Count,
            Rows(rows, r => names.Category(r.CategoryId)),
            Rows(rows, r => names.Territory(r.TerritoryId) ?? "Без территории"),
            stages, months,
            answered.Count, answered.Count(r => r.AnswerDueAtUtc is { } due && r.AnsweredAtUtc <= due),
            rated.Count, rated.Count == 0 ? null : Math.Round(rated.Average(r => r.Rating!.Value), 2), overdueOpen);
    }

    static readonly string[] MonthNames = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"];

    public static string MonthLabel(DateTime month) => $"{MonthNames[month.Month - 1]} {month.Year}";

    /// <summary>The same numbers as the page, for a spreadsheet: UTF-8 with a BOM and semicolons, as Russian Excel opens it.</summary>
    public static byte[] Csv(PublicStatsData s)
    {
        var rows = new List<string[]> { new[] { "Раздел", "Показатель", "Значение" } };
        void Line(string section, string label, string value) => rows.Add([section, label, value]);
        Line("Всего", "Опубликовано обращений", s.Total.ToString(CultureInfo.InvariantCulture));
        foreach (var r in s.ByCategory) Line("Категория", r.Label, r.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var r in s.ByTerritory) Line("Территория", r.Label, r.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var r in s.ByStage) Line("Состояние", r.Label, r.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var r in s.ByMonth) Line("Месяц", r.Label, r.Count.ToString(CultureInfo.InvariantCulture));
        Line("Ответы", "Дан ответ", s.Answered.ToString(CultureInfo.InvariantCulture));
        Line("Ответы", "Ответ дан в срок", s.AnsweredOnTime.ToString(CultureInfo.InvariantCulture));
        Line("Ответы", "Без ответа, срок истёк", s.OverdueOpen.ToString(CultureInfo.InvariantCulture));
        Line("Ответы", "Доля ответов в срок, %", s.OnTimePercent?.ToString("0.0", CultureInfo.InvariantCulture) ?? "");
        Line("Оценки", "Оценено ответов", s.Rated.ToString(CultureInfo.InvariantCulture));
        Line("Оценки", "Средняя оценка", s.AverageRating?.ToString("0.00", CultureInfo.InvariantCulture) ?? "");
        // Category and territory names are the region's own text: the shared writer neutralises formulas in them too.
        return Infrastructure.Csv.File(rows);
    }
}
