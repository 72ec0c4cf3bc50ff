namespace Otklik.Infrastructure;

/// <summary>
/// A background pass run on this node every <paramref name="interval"/> (only when Otklik:Workers is on): each pass in
/// a scope of its own; a failed pass is logged and the next tick tries again. The work itself is a static
/// <c>RunOnceAsync</c> of each sweep, which the tests call with a fake clock.
/// </summary>
public abstract class PeriodicSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger log, TimeSpan interval, string name) : BackgroundService
{
    protected ILogger Log => log;

    /// <summary>One pass at <paramref name="nowUtc"/>, logging what it did.</summary>
    protected abstract Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            // Each pass is a span of its own (OTLP) and a duration in otklik.sweep.duration (ADR 0029).
            using var activity = Telemetry.Source.StartActivity("sweep " + name);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var failed = false;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await PassAsync(scope.ServiceProvider, clock.GetUtcNow().UtcDateTime, stop);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed = true;
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
                // A database outage is logged once for the node (DatabaseOutage), not by every sweep at every tick.
                if (!DatabaseOutage.IsUnavailable(e)) log.LogWarning(e, "{Sweep} failed; it will run again", name);
            }
            Telemetry.SweepPassed(name, System.Diagnostics.Stopwatch.GetElapsedTime(started), failed);
        }
        while (await timer.WaitForNextTickAsync(stop));
    }
}
