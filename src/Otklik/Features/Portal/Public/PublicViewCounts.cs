using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Portal.Public;

/// <summary>
/// Views of public appeal pages, counted in memory and written every <see cref="Interval"/> (and when the node stops):
/// one UPDATE per batch of numbers seen the same number of times, instead of one UPDATE per view — a view costs the page
/// nothing. Each node counts its own views; the increments add up. A crash loses at most one interval of views, which only
/// feed the popularity sort. Unpublished or unknown numbers match no row; <see cref="MaxPending"/> bounds the memory a
/// crawler of made-up numbers can take.
/// A view is a visitor's first view of the appeal on a day (UTC): reloading a page does not raise it in the popularity
/// sort. The visitor is the signed-in person, else the client's address (after the trusted proxies); only a hash of
/// the day, the number and the visitor is kept, and only for the day. Each node remembers its own visitors, so a visitor
/// whom a load balancer sends to several nodes counts at most once per node.
/// </summary>
public sealed class PublicViewCounts(IServiceScopeFactory scopes, ILogger<PublicViewCounts> log, TimeProvider clock) : BackgroundService
{
    const int MaxSeen = 500_000;
    readonly ConcurrentDictionary<string, byte> _seen = new();
    DateOnly _seenDay;
    readonly Lock _dayTurn = new();

    /// <summary>Counts <paramref name="visitor"/>'s view of <paramref name="number"/> if it is their first today.</summary>
    public void Add(string number, string visitor)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (today != _seenDay)
            lock (_dayTurn)
                if (today != _seenDay) { _seen.Clear(); _seenDay = today; }
        var key = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{today:yyyyMMdd}\n{number}\n{visitor}")), 0, 16);
        // A full memory of today's visitors counts no one new until tomorrow: a flood never inflates a count.
        if (_seen.Count >= MaxSeen || !_seen.TryAdd(key, 0)) return;
        Add(number);
    }

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    const int MaxPending = 100_000;
    const int Batch = 500;

    readonly ConcurrentDictionary<string, int> _pending = new();
    int _numbers; // how many numbers wait (ConcurrentDictionary.Count would take every lock on each view)

    void Add(string number)
    {
        if (_pending.TryGetValue(number, out _) || Volatile.Read(ref _numbers) < MaxPending)
        {
            if (_pending.TryAdd(number, 1)) Interlocked.Increment(ref _numbers);
            else _pending.AddOrUpdate(number, 1, (_, n) => n + 1);
        }
    }

    /// <summary>Writes the views counted so far; returns how many. Tests call it before reading the counts.</summary>
    public async Task<int> FlushAsync(CancellationToken ct = default)
    {
        // One flush at a time: a caller that comes while the timer's flush is writing returns after it has committed.
        await _flushing.WaitAsync(ct);
        try { return await WriteAsync(ct); }
        finally { _flushing.Release(); }
    }

    readonly SemaphoreSlim _flushing = new(1, 1);

    async Task<int> WriteAsync(CancellationToken ct)
    {
        // Each number is taken out on its own: a view counted meanwhile starts the number again, none is lost.
        var taken = new List<(string Number, int Views)>();
        foreach (var number in _pending.Keys)
            if (_pending.TryRemove(number, out var views))
            {
                Interlocked.Decrement(ref _numbers);
                taken.Add((number, views));
            }
        if (taken.Count == 0) return 0;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var group in taken.GroupBy(t => t.Views, t => t.Number))
            foreach (var numbers in group.Chunk(Batch))
            {
                var add = group.Key;
                await db.Appeals.Visible().Where(a => numbers.Contains(a.Number))
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.PublicViews, a => a.PublicViews + add), ct);
            }
        await tx.CommitAsync(ct);
        return taken.Sum(t => t.Views);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
                await FlushQuietlyAsync(stop);
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        // The last counts are written if the host still gives the time; a stop that ran out of it drops them (they are
        // counts, not promises), and never fails the shutdown.
        try { await FlushQuietlyAsync(ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            log.LogInformation("Public page views of the last seconds were not written: the shutdown ran out of time");
        }
    }

    async Task FlushQuietlyAsync(CancellationToken ct)
    {
        try { await FlushAsync(ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A database outage is logged once for the node (DatabaseOutage), not at every flush.
            if (!Infrastructure.DatabaseOutage.IsUnavailable(e)) log.LogWarning(e, "Public page views were not written; they are dropped");
        }
    }
}
