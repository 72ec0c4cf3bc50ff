using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Analytics;
using Otklik.Features.Workspace;

namespace Otklik.Load;

/// <summary>
/// The centre's figures at volume (issue 20): <c>Otklik.Load centre --engine E --connection CS [--fill N] [--repeat R]</c>.
/// In the harness's process, over the whole region (every appeal visible, as for the analyst): the dashboard of the last
/// 30 days and of a year computed without cache, the same dashboard through <see cref="AnalyticsCache"/>, the ranking of
/// a year, and the spike detector's daily pass. The baseline, measured in the same run and on the same rows: a plain
/// <c>COUNT(*)</c> of the appeals received in the period — the least any figure over them costs.
/// </summary>
public static class Centre
{
    public static async Task RunAsync(Args a)
    {
        var engine = a.Get("--engine", "postgres");
        var connection = a.Get("--connection", "");
        var repeat = a.Int("--repeat", 10);
        await using var services = Cli.Services(engine, connection);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        if (a.Get("--fill", "") is { Length: > 0 } fill)
            await Cli.FillAsync(services, engine, int.Parse(fill, CultureInfo.InvariantCulture), now);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        var total = await db.Appeals.CountAsync();
        var names = await ListDirectory.LoadAsync(db, CancellationToken.None);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg");
        var month = AnalyticsFilter.Parse(null, null, null, null, null, null, null, null, now, zone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone));
        var year = AnalyticsFilter.Parse(today.AddDays(-364).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null, null, null, null, null, null, "month", now, zone);
        Console.WriteLine($"== centre on {engine}: {total:N0} appeals; {repeat} runs each (the machine is shared: other work runs beside)");

        async Task<string> Measure(string name, int runs, Func<Task<object>> work)
        {
            await work(); // warm: JIT, plan cache, pages in memory
            var times = new List<double>();
            object last = null!;
            for (var i = 0; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                last = await work();
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            double P(double q) => times[Math.Clamp((int)Math.Ceiling(q * times.Count) - 1, 0, times.Count - 1)];
            var line = string.Create(CultureInfo.InvariantCulture, $"| {engine} | {name} | {runs} | {P(0.5):0.###} | {P(0.95):0.###} | {last} |");
            Console.WriteLine(line);
            return line;
        }

        var lines = new List<string>
        {
            await Measure("baseline: COUNT(*) of the 30 days", repeat, async () => await db.Appeals.CountAsync(x => x.ReceivedAtUtc >= month.FromUtc && x.ReceivedAtUtc < month.ToUtc)),
            await Measure("dashboard, 30 days, no cache", repeat, async () => (await Dashboard.ComputeAsync(db, db.Appeals, month, names, now, CancellationToken.None)).Incoming),
            await Measure("baseline: COUNT(*) of the year", repeat, async () => await db.Appeals.CountAsync(x => x.ReceivedAtUtc >= year.FromUtc && x.ReceivedAtUtc < year.ToUtc)),
            await Measure("dashboard, a year, no cache", repeat, async () => (await Dashboard.ComputeAsync(db, db.Appeals, year, names, now, CancellationToken.None)).Incoming),
        };
        var cache = new AnalyticsCache(TimeProvider.System);
        lines.Add(await Measure("dashboard, 30 days, cached", 1000, async () =>
            (await cache.GetAsync("bench|" + month.Key, () => Dashboard.ComputeAsync(db, db.Appeals, month, names, now, CancellationToken.None))).Incoming));
        lines.Add(await Measure("ranking by organisation, a year", Math.Max(3, repeat / 2), async () =>
            (await Ranking.ComputeAsync(db, db.Appeals, year, false, new RankingWeights(), names, null, now, CancellationToken.None)).Rows.Count));
        lines.Add(await Measure("spike detector, daily pass", 3, async () =>
            (await Spikes.FindAsync(db.Appeals, names, today, zone.GetUtcOffset(now), CancellationToken.None)).Count));
        // A report of a month (issue 20: ≤ 10 s): the last whole month, as the schedule makes it — the ССТУ summary lists
        // every appeal of the month; the organisation's report is the busiest executor's. Made, not saved.
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var monthEnd = lastMonth.AddMonths(1).AddDays(-1);
        var busiest = await db.Appeals.Where(x => x.ExecutorOrganisationId != null).GroupBy(x => x.ExecutorOrganisationId)
            .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync();
        lines.Add(await Measure($"report of a month: ССТУ summary {lastMonth:MM.yyyy}", 3, async () =>
            (await ReportBuilder.MakeAsync(db, ReportKind.Sstu, null, lastMonth, monthEnd, now, CancellationToken.None)) is var r ? $"XLSX {r.Xlsx.Length / 1024} KiB, PDF {r.Pdf.Length / 1024} KiB" : ""));
        lines.Add(await Measure("report of a month: the busiest organisation", 3, async () =>
            (await ReportBuilder.MakeAsync(db, ReportKind.Organisation, busiest, lastMonth, monthEnd, now, CancellationToken.None)) is var r ? $"XLSX {r.Xlsx.Length / 1024} KiB, PDF {r.Pdf.Length / 1024} KiB" : ""));
        if (a.Get("--out", "") is { Length: > 0 } path) await File.AppendAllLinesAsync(path, lines);
    }
}
