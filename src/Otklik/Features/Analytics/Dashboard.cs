using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;

namespace Otklik.Features.Analytics;

/// <summary>One bar of a chart: what it counts, how many, and the office list of the appeals behind it.</summary>
public sealed record Bar(string Key, string Label, int Count, string Link);

/// <summary>A group of the breakdowns (a channel, category, territory or executor): received, still open, overdue now.</summary>
public sealed record Slice(string Key, string Name, int Total, int Open, int Overdue, string Link, string OpenLink, string OverdueLink);

/// <summary>A figure with the office list of the appeals it counts.</summary>
public sealed record Figure(string Title, double? Value, string Display, string? Link);

/// <summary>
/// The dashboard: every figure over the appeals the person may see that were received in the period and pass the
/// filters (<see cref="AnalyticsFilter"/>). Formulas (docs/analytics.md):
/// time to answer = sending of the answer − receipt, over the appeals whose answer is sent (AnswerSent or Closed);
/// on time = sent by the answer deadline (<c>AnswerDueAtUtc</c>) ÷ (answered + open overdue), <see cref="OnTimeShare"/>; median = the middle value (mean of the two middle ones);
/// p90 = nearest rank ⌈0.9·n⌉; positive ratings = 4–5 of the rated; reopened share = reopened after a low rating ÷ the
/// appeals answered at least once.
/// </summary>
public sealed record DashboardFigures(
    DateTime AtUtc, string Period, int Incoming, int Open, int AtRisk, int Overdue,
    int Answered, int AnsweredOnTime, double? OnTimePercent, double? MedianDaysToAnswer, double? P90DaysToAnswer,
    int Rated, double? AverageRating, double? PositivePercent, IReadOnlyList<Bar> Ratings,
    int EverAnswered, int Reopened, double? ReopenedPercent,
    IReadOnlyList<Figure> Figures, IReadOnlyList<Bar> ByPeriod,
    IReadOnlyList<Slice> ByChannel, IReadOnlyList<Slice> ByCategory, IReadOnlyList<Slice> ByTerritory, IReadOnlyList<Slice> ByOrganisation);

public static class Dashboard
{
    static readonly AppealStatus[] Finished = DeadlineStates.Finished;

    public static async Task<DashboardFigures> ComputeAsync(AppDbContext db, IQueryable<Appeal> visible, AnalyticsFilter f, ListDirectory names,
        DateTime nowUtc, CancellationToken ct)
    {
        var appeals = f.Apply(visible.AsNoTracking());

        // 1. One grouped pass for the breakdowns and the open / at risk / overdue counts (a few thousand groups at most).
        var groups = await appeals
            .GroupBy(a => new
            {
                a.Channel, a.CategoryId, a.TerritoryId, a.ExecutorOrganisationId,
                Open = !Finished.Contains(a.Status),
                Late = a.PausedAtUtc == null && a.DueAtUtc < nowUtc,
                Risk = a.PausedAtUtc == null && a.DueAtUtc >= nowUtc && ((a.AtRiskFromUtc != null && a.AtRiskFromUtc <= nowUtc) || a.WatchLevel == WatchLevel.AtRisk),
            })
            .Select(g => new { g.Key.Channel, g.Key.CategoryId, g.Key.TerritoryId, g.Key.ExecutorOrganisationId, g.Key.Open, g.Key.Late, g.Key.Risk, Count = g.Count() })
            .ToListAsync(ct);

        // 2. Incoming by local day (the person's zone), folded into weeks or months in memory.
        var minutes = f.Offset.TotalMinutes;
        var days = await appeals.GroupBy(a => a.ReceivedAtUtc.AddMinutes(minutes).Date).Select(g => new { Day = g.Key, Count = g.Count() }).ToListAsync(ct);

        // 3. Answers: the durations need the values themselves (a percentile is not a sum); two instants per answered appeal.
        var answered = await appeals.Where(a => a.AnsweredAtUtc != null && (a.Status == AppealStatus.AnswerSent || a.Status == AppealStatus.Closed))
            .Select(a => new { a.ReceivedAtUtc, Answered = a.AnsweredAtUtc!.Value, a.AnswerDueAtUtc }).ToListAsync(ct);

        // 4. Ratings and reopenings.
        var rated = await appeals.GroupBy(a => new { a.Rating, Reopened = a.ReconsiderationCount > 0, Ever = a.AnsweredAtUtc != null || a.ReconsiderationCount > 0 })
            .Select(g => new { g.Key.Rating, g.Key.Reopened, g.Key.Ever, Count = g.Count() }).ToListAsync(ct);

        var incoming = groups.Sum(g => g.Count);
        var open = groups.Where(g => g.Open).Sum(g => g.Count);
        var overdue = groups.Where(g => g.Open && g.Late).Sum(g => g.Count);
        var atRisk = groups.Where(g => g.Open && g.Risk).Sum(g => g.Count);

        var durations = answered.Select(a => (a.Answered - a.ReceivedAtUtc).TotalDays).Order().ToList();
        var onTime = answered.Count(a => a.AnswerDueAtUtc is { } due && a.Answered <= due);
        var ratedCount = rated.Where(r => r.Rating is not null).Sum(r => r.Count);
        var ratingSum = rated.Where(r => r.Rating is not null).Sum(r => r.Rating!.Value * r.Count);
        var positive = rated.Where(r => r.Rating >= 4).Sum(r => r.Count);
        var ever = rated.Where(r => r.Ever).Sum(r => r.Count);
        var reopened = rated.Where(r => r.Reopened).Sum(r => r.Count);

        var ratings = Enumerable.Range(1, 5).Select(score => new Bar(score.ToString(CultureInfo.InvariantCulture), $"Оценка {score}",
            rated.Where(r => r.Rating == score).Sum(r => r.Count), f.Drill(("rating", score.ToString(CultureInfo.InvariantCulture))))).ToList();

        double? Percent(int part, int whole) => whole == 0 ? null : Math.Round(100.0 * part / whole, 1);
        // The same definition as the public /stats: an open overdue appeal counts as late.
        var onTimePercent = OnTimeShare.Percent(onTime, answered.Count, overdue);
        var median = Median(durations);
        var p90 = NearestRank(durations, 0.9);
        var average = ratedCount == 0 ? (double?)null : Math.Round((double)ratingSum / ratedCount, 2);
        var positivePercent = Percent(positive, ratedCount);
        var reopenedPercent = Percent(reopened, ever);

        string Number(double? v, string unit = "") => v is { } x ? x.ToString("0.#", CultureInfo.GetCultureInfo("ru-RU")) + unit : "—";
        var figures = new List<Figure>
        {
            new("Поступило", incoming, Number(incoming), f.Drill()),
            new("Открыто", open, Number(open), f.Drill() + OpenStatuses),
            new("Срок истекает", atRisk, Number(atRisk), f.Drill(("deadline", "atRisk"))),
            new("Просрочено", overdue, Number(overdue), f.Drill(("deadline", "overdue"))),
            new("Дан ответ", answered.Count, Number(answered.Count), f.Drill(("answered", "any"))),
            new("Ответов в срок, %", onTimePercent, Number(onTimePercent, " %"), f.Drill(("answered", "onTime"))),
            new("Медиана срока ответа, дней", median, Number(median), f.Drill(("answered", "any"))),
            new("90-й процентиль срока ответа, дней", p90, Number(p90), f.Drill(("answered", "any"))),
            new("Средняя оценка", average, average is { } avg ? avg.ToString("0.00", CultureInfo.GetCultureInfo("ru-RU")) : "—", null),
            new("Оценок 4–5, %", positivePercent, Number(positivePercent, " %"), null),
            new("Возвращено после низкой оценки, %", reopenedPercent, Number(reopenedPercent, " %"), f.Drill(("reopened", "true"))),
        };

        var byChannel = groups.GroupBy(g => g.Channel).Select(g => Make(ListText.Value(g.Key), Labels.Of(g.Key), "channel", g.Select(x => (x.Count, x.Open, x.Late)))).ToList();
        var byCategory = groups.GroupBy(g => g.CategoryId).Select(g => Make(g.Key.ToString(), names.Name(g.Key) ?? "—", "categoryId", g.Select(x => (x.Count, x.Open, x.Late)))).ToList();
        var byTerritory = groups.GroupBy(g => g.TerritoryId).Select(g => Make(g.Key?.ToString() ?? "", g.Key is null ? "Без территории" : names.Name(g.Key) ?? "—",
            "territoryId", g.Select(x => (x.Count, x.Open, x.Late)))).ToList();
        var byOrganisation = groups.GroupBy(g => g.ExecutorOrganisationId).Select(g => Make(g.Key?.ToString() ?? "", g.Key is null ? "Исполнитель не назначен" : names.OrganisationName(g.Key) ?? "—",
            "executorId", g.Select(x => (x.Count, x.Open, x.Late)))).ToList();

        Slice Make(string code, string name, string param, IEnumerable<(int Count, bool Open, bool Late)> rows)
        {
            var list = rows.ToList();
            // A group without a territory or an executor has no value to filter by: its drill is the whole selection.
            var by = code.Length == 0 ? Array.Empty<(string, string?)>() : [(param, code)];
            return new Slice(code, name, list.Sum(r => r.Count), list.Where(r => r.Open).Sum(r => r.Count), list.Where(r => r.Open && r.Late).Sum(r => r.Count),
                f.Drill(by), f.Drill(by) + OpenStatuses, f.Drill([.. by, ("deadline", "overdue")]));
        }
        static List<Slice> Sorted(List<Slice> s) => [.. s.OrderByDescending(x => x.Total).ThenBy(x => x.Name, StringComparer.Ordinal)];

        var period = $"{f.From:dd.MM.yyyy} — {f.To:dd.MM.yyyy}";
        return new DashboardFigures(nowUtc, period, incoming, open, atRisk, overdue,
            answered.Count, onTime, onTimePercent, median, p90, ratedCount, average, positivePercent, ratings, ever, reopened, reopenedPercent,
            figures, Buckets(f, days.Select(d => (DateOnly.FromDateTime(d.Day), d.Count))),
            Sorted(byChannel), Sorted(byCategory), Sorted(byTerritory), Sorted(byOrganisation));
    }

    /// <summary>The open statuses as list filters (the list has no "open" switch; the statuses say it).</summary>
    static readonly string OpenStatuses = string.Concat(Enum.GetValues<AppealStatus>().Where(s => !Finished.Contains(s))
        .Select(s => "&status=" + ListText.Value(s)));

    /// <summary>Every day, week (Monday first) or month of the period, empty ones included, each linking to its appeals.</summary>
    public static IReadOnlyList<Bar> Buckets(AnalyticsFilter f, IEnumerable<(DateOnly Day, int Count)> days)
    {
        var counts = days.GroupBy(d => d.Day).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
        var bars = new List<Bar>();
        var start = f.Granularity switch
        {
            Granularity.Week => f.From.AddDays(-(((int)f.From.DayOfWeek + 6) % 7)),
            Granularity.Month => new DateOnly(f.From.Year, f.From.Month, 1),
            _ => f.From,
        };
        for (var d = start; d <= f.To;)
        {
            var next = f.Granularity switch { Granularity.Week => d.AddDays(7), Granularity.Month => d.AddMonths(1), _ => d.AddDays(1) };
            var count = 0;
            for (var day = d; day < next; day = day.AddDays(1)) count += counts.GetValueOrDefault(day);
            var label = f.Granularity switch
            {
                Granularity.Week => $"{d:dd.MM}–{next.AddDays(-1):dd.MM}",
                Granularity.Month => $"{Portal.Public.PublicStats.MonthLabel(d.ToDateTime(TimeOnly.MinValue))}",
                _ => d.ToString("dd.MM", CultureInfo.InvariantCulture),
            };
            var fromUtc = d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - f.Offset;
            var toUtc = next.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - f.Offset;
            bars.Add(new Bar(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), label, count, f.Drill(fromUtc, toUtc)));
            d = next;
        }
        return bars;
    }

    /// <summary>The middle value of a sorted list, or the mean of the two middle ones; null when empty. Days, one decimal.</summary>
    public static double? Median(IReadOnlyList<double> sorted) => sorted.Count == 0 ? null
        : Math.Round(sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2, 1);

    /// <summary>The nearest-rank percentile: the value at rank ⌈p·n⌉ of the sorted list; null when empty. Days, one decimal.</summary>
    public static double? NearestRank(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? null
        : Math.Round(sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)], 1);
}
