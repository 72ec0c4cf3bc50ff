using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Infrastructure;

/// <summary>
/// The person's roles, which every authenticated request needs, kept for <see cref="Ttl"/> (ADR 0014); whose API key
/// this is is read from the database each time (<see cref="KeyOwnerAsync"/>). A change of roles evicts at once on every
/// node (<see cref="Forget"/> through <see cref="ClusterSignals"/>); <see cref="Ttl"/> only bounds a lost signal.
/// </summary>
public sealed class AccessCache
{
    readonly TimeProvider clock;
    readonly ClusterSignals signals;
    /// <summary>Raised by every eviction: a read that began before one does not keep what it read.</summary>
    long _generation;

    public AccessCache(TimeProvider clock, ClusterSignals signals)
    {
        (this.clock, this.signals) = (clock, signals);
        signals.Subscribe(ClusterSignals.Roles, id =>
        {
            Interlocked.Increment(ref _generation);
            if (Guid.TryParse(id, out var person)) _roles.TryRemove(person, out _); else _roles.Clear();
        });
    }

    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    const int PruneAbove = 10_000;

    readonly ConcurrentDictionary<Guid, (IReadOnlyList<RoleAssignment> Roles, DateTime Until)> _roles = new();

    /// <summary>
    /// The person a live key (by its hash) belongs to, or null for an unknown or revoked key or a disabled person. Read from
    /// the database on every request, never kept: a key revoked on one node must be refused by every node on its next use
    /// (issue 21), and the read is one unique-index lookup — the same price as the cookie's security-stamp check.
    /// </summary>
    public static Task<Guid?> KeyOwnerAsync(AppDbContext db, string hash, CancellationToken ct) =>
        db.ApiKeys.AsNoTracking()
            .Where(k => k.Hash == hash && k.RevokedAtUtc == null && db.Users.Any(u => u.Id == k.PersonId && u.DisabledAtUtc == null))
            .Select(k => (Guid?)k.PersonId).SingleOrDefaultAsync(ct);

    public async Task<IReadOnlyList<RoleAssignment>> RolesAsync(AppDbContext db, Guid personId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_roles.TryGetValue(personId, out var kept) && kept.Until > now) return kept.Roles;
        var generation = Interlocked.Read(ref _generation);
        var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.PersonId == personId).ToListAsync(ct);
        if (Interlocked.Read(ref _generation) == generation) Keep(_roles, personId, (roles.AsReadOnly(), now + Ttl), now);
        return roles;
    }

    /// <summary>The person's roles changed (committed): the next request on any node reads them again.</summary>
    public void Forget(Guid personId) => signals.Publish(ClusterSignals.Roles, personId.ToString());

    static void Keep<TKey, TValue>(ConcurrentDictionary<TKey, (TValue, DateTime Until)> map, TKey key, (TValue, DateTime) value, DateTime now)
        where TKey : notnull
    {
        if (map.Count > PruneAbove)
            foreach (var (k, v) in map)
                if (v.Until <= now) map.TryRemove(k, out _);
        map[key] = value;
    }
}
