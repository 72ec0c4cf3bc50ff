using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Discussions;

/// <summary>
/// Closes the discussions whose period has ended, so that the office sees them waiting for a summary. One set-based
/// update guarded by the state: several nodes sweeping at once close each discussion once. Comments are refused from the
/// closing moment anyway (<see cref="Discussion.TakesComments"/>), whether or not the sweep has run.
/// </summary>
public sealed class DiscussionSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DiscussionSweep> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(5), "Discussion sweep")
{
    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var closed = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), nowUtc, ct);
        if (closed > 0) Log.LogInformation("Discussion sweep closed {Count} discussions", closed);
    }

    public static Task<int> RunOnceAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct) =>
        db.Discussions.Where(d => d.State == DiscussionState.Open && d.ClosesAtUtc <= nowUtc)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DiscussionState.Closed).SetProperty(d => d.ClosedAtUtc, nowUtc)
                .SetProperty(d => d.Version, d => d.Version + 1), ct);
}
