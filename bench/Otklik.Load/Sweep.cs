using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Deadlines;

namespace Otklik.Load;

/// <summary>Two passes of the deadline sweep: at the current moment (the cost of every minute) and a day later (a day of due work at once).</summary>
public sealed record SweepResult(double NowSeconds, int NowAppeals, int NowNotices, double DaySeconds, int DayAppeals, int DayNotices)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"now {NowSeconds:F3} s ({NowAppeals:N0} appeals moved, {NowNotices:N0} notices); +1 day {DaySeconds:F2} s ({DayAppeals:N0} appeals, {DayNotices:N0} notices)");
}

public static class Sweep
{
    /// <summary>
    /// The deadline sweep (the same <see cref="DeadlineWatch.RunOnceAsync"/> the app's worker and bench/Otklik.Bench run) over
    /// the whole database. The fill leaves every appeal watched up to the moment it was written, as a running watch would.
    /// </summary>
    public static async Task<SweepResult> RunAsync(IServiceProvider services, DateTime at)
    {
        var first = await PassAsync(services, at);
        var day = await PassAsync(services, at.AddDays(1));
        return new(first.Seconds, first.Result.Appeals, first.Result.Notices, day.Seconds, day.Result.Appeals, day.Result.Notices);
    }

    static async Task<(double Seconds, DeadlineWatch.Result Result)> PassAsync(IServiceProvider services, DateTime at)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var watch = Stopwatch.StartNew();
        var result = await DeadlineWatch.RunOnceAsync(sp.GetRequiredService<AppDbContext>(), sp.GetRequiredService<DeadlineClocks>(), at, CancellationToken.None);
        return (watch.Elapsed.TotalSeconds, result);
    }
}
