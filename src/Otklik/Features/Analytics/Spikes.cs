using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;

namespace Otklik.Features.Analytics;

public enum SpikeWindow { Day, Week }

/// <summary>A series whose count in the last day or week is above its usual level.</summary>
public sealed record Spike(string Series, string Name, SpikeWindow Window, DateOnly From, DateOnly To, int Count, double Baseline, int Threshold,
    double Probability, string Link);

/// <summary>
/// Spikes (docs/analytics.md). A series is a topic, a territory, or a topic × territory. Its baseline is its own history:
/// for the last day, the mean count of the same weekday over the <see cref="Weeks"/> weeks before (so a busy Monday is
/// compared with Mondays); for the last 7 days, the mean of the <see cref="Weeks"/> weeks before. A moving window of
/// eight weeks follows the season. The count alarms when it reaches the smallest k with P(X ≥ k) ≤ <see cref="Alpha"/>
/// for X ~ Poisson(baseline) — the stated false-alarm rate: at most 0.1 % per series and window when the counts are
/// as usual — and is at least <see cref="MinCount"/>.
/// </summary>
public static class Spikes
{
    public const int Weeks = 8;
    public const double Alpha = 0.001;
    public const int MinCount = 5;
    /// <summary>A series never seen before still has a small expected count, not zero (which would alarm at once).</summary>
    public const double MinBaseline = 0.5;

    /// <summary>The pure detection: daily counts of one series (day → count; missing days are zero), the last day judged.</summary>
    public static IEnumerable<(SpikeWindow Window, int Count, double Baseline, int Threshold, double Probability)> Judge(
        IReadOnlyDictionary<DateOnly, int> daily, DateOnly lastDay)
    {
        int At(DateOnly d) => daily.TryGetValue(d, out var c) ? c : 0;
        var day = At(lastDay);
        var sameWeekdays = Enumerable.Range(1, Weeks).Select(w => At(lastDay.AddDays(-7 * w))).ToList();
        var dayBaseline = Math.Max(MinBaseline, sameWeekdays.Average());
        var dayThreshold = Threshold(dayBaseline);
        if (day >= dayThreshold && day >= MinCount) yield return (SpikeWindow.Day, day, dayBaseline, dayThreshold, Tail(dayBaseline, day));

        int Week(int weeksBack) => Enumerable.Range(0, 7).Sum(i => At(lastDay.AddDays(-7 * weeksBack - i)));
        var week = Week(0);
        var weekBaseline = Math.Max(MinBaseline, Enumerable.Range(1, Weeks).Select(Week).Average());
        var weekThreshold = Threshold(weekBaseline);
        if (week >= weekThreshold && week >= MinCount) yield return (SpikeWindow.Week, week, weekBaseline, weekThreshold, Tail(weekBaseline, week));
    }

    /// <summary>
    /// The smallest k with P(X ≥ k) ≤ α for X ~ Poisson(λ): one walk up the distribution, adding P(X = k − 1) as k grows
    /// (it once called <see cref="Tail"/> for every k — k² steps — and, with e^−λ underflowing to 0 past λ ≈ 745, never
    /// stopped for a topic of a thousand appeals a week).
    /// </summary>
    public static int Threshold(double lambda)
    {
        if (lambda <= 0) return 1;
        double below = 0, logTerm = -lambda, logLambda = Math.Log(lambda);
        var k = 0;
        // The bound only guards the loop: P(X ≥ λ + 40√λ + 100) is far below any α used.
        var limit = (int)Math.Min(int.MaxValue - 1, lambda + 40 * Math.Sqrt(lambda) + 100);
        while (1 - below > Alpha && k < limit)
        {
            below += Math.Exp(logTerm);
            logTerm += logLambda - Math.Log(k + 1);
            k++;
        }
        return k;
    }

    /// <summary>P(X ≥ k) for X ~ Poisson(λ): each term e^−λ·λ^i/i! from its logarithm, so large λ do not underflow.</summary>
    public static double Tail(double lambda, int k)
    {
        if (k <= 0) return 1;
        if (lambda <= 0) return 0;
        double below = 0, logTerm = -lambda, logLambda = Math.Log(lambda);
        for (var i = 0; i < k; i++)
        {
            below += Math.Exp(logTerm);
            logTerm += logLambda - Math.Log(i + 1);
        }
        return Math.Clamp(1 - below, 0, 1);
    }

    /// <summary>The topic of a series key («topic:…» or «topic:…|territory:…»); null for a territory alone.</summary>
    public static Guid? TopicOf(string series) =>
        series.Split('|').Select(p => p.Split(':', 2)).Where(kv => kv.Length == 2 && kv[0] == "topic")
            .Select(kv => Guid.TryParse(kv[1], out var id) ? id : (Guid?)null).FirstOrDefault();

    /// <summary>The territory of a series key («territory:…» or «topic:…|territory:…»); null for a topic alone.</summary>
    public static Guid? TerritoryOf(string series) =>
        series.Split('|').Select(p => p.Split(':', 2)).Where(kv => kv.Length == 2 && kv[0] == "territory")
            .Select(kv => Guid.TryParse(kv[1], out var id) ? id : (Guid?)null).FirstOrDefault();

    /// <summary>The appeals behind a spike: the series' topic and/or territory, received in its window (local days), merged ones left out.</summary>
    public static IQueryable<Appeal> AppealsOf(IQueryable<Appeal> visible, string series, SpikeWindow window, DateOnly lastDay, TimeSpan offset)
    {
        Guid? topic = null, territory = null;
        foreach (var part in series.Split('|'))
        {
            var kv = part.Split(':', 2);
            if (kv.Length == 2 && Guid.TryParse(kv[1], out var id))
            {
                if (kv[0] == "topic") topic = id;
                else if (kv[0] == "territory") territory = id;
            }
        }
        if (topic is null && territory is null) return visible.Where(a => false);
        var from = window == SpikeWindow.Day ? lastDay : lastDay.AddDays(-6);
        var fromUtc = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - offset;
        var toUtc = lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - offset;
        var q = visible.Where(a => a.ReceivedAtUtc >= fromUtc && a.ReceivedAtUtc < toUtc && a.Status != AppealStatus.Merged);
        if (topic is { } t) q = q.Where(a => a.TopicId == t);
        if (territory is { } p) q = q.Where(a => a.TerritoryId == p);
        return q;
    }

    /// <summary>
    /// The detector's pass over what the person sees: one grouped read of the counts per topic × territory × local day
    /// over the last <see cref="Weeks"/> + 1 weeks, folded into the three kinds of series in memory.
    /// </summary>
    public static async Task<List<Spike>> FindAsync(IQueryable<Appeal> visible, ListDirectory names, DateOnly lastDay, TimeSpan offset, CancellationToken ct)
    {
        var firstDay = lastDay.AddDays(-7 * (Weeks + 1) + 1);
        var fromUtc = firstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - offset;
        var toUtc = lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - offset;
        var minutes = offset.TotalMinutes;
        var rows = await visible.AsNoTracking().Where(a => a.ReceivedAtUtc >= fromUtc && a.ReceivedAtUtc < toUtc && a.Status != AppealStatus.Merged)
            .GroupBy(a => new { a.TopicId, a.TerritoryId, Day = a.ReceivedAtUtc.AddMinutes(minutes).Date })
            .Select(g => new { g.Key.TopicId, g.Key.TerritoryId, g.Key.Day, Count = g.Count() })
            .ToListAsync(ct);

        var series = new Dictionary<(string Key, string Name, Guid? Topic, Guid? Territory), Dictionary<DateOnly, int>>();
        void Add(string key, string name, Guid? topic, Guid? territory, DateOnly day, int count)
        {
            if (!series.TryGetValue((key, name, topic, territory), out var d)) series[(key, name, topic, territory)] = d = [];
            d[day] = d.GetValueOrDefault(day) + count;
        }
        foreach (var r in rows)
        {
            var day = DateOnly.FromDateTime(r.Day);
            var topic = names.Name(r.TopicId) ?? "Без темы";
            var territory = names.Name(r.TerritoryId) ?? "Без территории";
            if (r.TopicId is { } t) Add($"topic:{t}", $"Тема «{topic}»", t, null, day, r.Count);
            if (r.TerritoryId is { } p) Add($"territory:{p}", $"Территория «{territory}»", null, p, day, r.Count);
            if (r.TopicId is { } t2 && r.TerritoryId is { } p2) Add($"topic:{t2}|territory:{p2}", $"«{topic}» × «{territory}»", t2, p2, day, r.Count);
        }

        var spikes = new List<Spike>();
        foreach (var ((key, name, topic, territory), daily) in series)
            foreach (var (window, count, baseline, threshold, probability) in Judge(daily, lastDay))
            {
                var from = window == SpikeWindow.Day ? lastDay : lastDay.AddDays(-6);
                var link = "/office/appeals" + QueryString.Create(new Dictionary<string, string?>
                {
                    ["receivedFrom"] = (from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - offset).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["receivedTo"] = toUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["topicId"] = topic?.ToString(), ["territoryId"] = territory?.ToString(),
                }.Where(p => p.Value is not null));
                spikes.Add(new Spike(key, name, window, from, lastDay, count, Math.Round(baseline, 2), threshold, probability, link));
            }
        return [.. spikes.OrderBy(s => s.Probability).ThenByDescending(s => s.Count)];
    }
}
