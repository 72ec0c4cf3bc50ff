using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Infrastructure;
using Otklik.Load;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Bench;

/// <summary>
/// The benchmark harness (bench/run.sh, issue 8) in miniature: the bulk fill, then a few operations of every workload against the
/// app, then the sweep. It asserts only that every request succeeded and the data is what the app reads — no timings.
/// </summary>
public sealed class HarnessSmokeTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_workload_runs_on_filled_data_without_a_failed_request(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        const int filled = 150;
        await BenchData.FillAsync(app.Services, filled, now, null, TestContext.Current.CancellationToken);
        // The caches of the directory run on the test's frozen clock: make them see the bench region.
        app.Services.GetRequiredService<OrganisationTree>().Invalidate();
        app.Services.GetRequiredService<TerritoryLocator>().Invalidate();
        app.Services.GetRequiredService<DeadlineClocks>().Invalidate();

        var counter = await app.WithDbAsync(db => db.AppealCounters.SumAsync(c => c.Last));
        Assert.Equal(filled, counter);
        var targets = await app.WithDbAsync(db => BenchTargets.ReadAsync(db, 16, TestContext.Current.CancellationToken));
        using (var http = new HttpClient { BaseAddress = app.BaseAddress }) await targets.FindDeepPagesAsync(http, TestContext.Current.CancellationToken);

        var results = new List<LoadResult>();
        foreach (var workload in Workloads.All(targets, concurrency: 2))
            // A fixed number of operations, not a wall-clock window: on a loaded machine a 1-s window once measured none.
            results.Add(await LoadRunner.RunAsync(workload, app.BaseAddress, TimeSpan.Zero, TimeSpan.FromMinutes(2), maxOperations: 6,
                ct: TestContext.Current.CancellationToken));
        var failed = results.Where(r => r.Errors > 0 || r.Operations == 0).Select(r => $"{r.Name}: {r.Operations} ops, {r.Errors} errors, first: {r.FirstError}").ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));

        // Intake numbered on from the filled counter: every appeal has its own number and the counter matches the appeals.
        var (appeals, last, numbers) = await app.WithDbAsync(async db =>
            (await db.Appeals.CountAsync(), await db.AppealCounters.SumAsync(c => c.Last), await db.Appeals.Select(a => a.Number).Distinct().CountAsync()));
        Assert.True(appeals > filled, $"intake added no appeal ({appeals})");
        Assert.Equal(appeals, last);
        Assert.Equal(appeals, numbers);

        // The sweep a day on leaves nothing due behind.
        await Sweep.RunAsync(app.Services, now.AddDays(1));
        var due = await app.WithDbAsync(db => db.Appeals.CountAsync(a => a.NextWatchAtUtc != null && a.NextWatchAtUtc <= now.AddDays(1)));
        Assert.Equal(0, due);
    }
}
