using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Infrastructure;

/// <summary>
/// The two lookups every authenticated request makes — whose API key this is, and the person's roles — kept for
/// <see cref="Ttl"/> (ADR 0014). A change of roles on this node evicts at once (<see cref="Forget"/>); another node sees it
/// within <see cref="Ttl"/>, as it sees a change of the organisation tree (<see cref="OrganisationTree"/>). Unknown keys are
/// never kept: a wrong key is looked up each time and refused each time.
/// </summary>
public sealed class AccessCache(TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    const int PruneAbove = 10_000;

    readonly ConcurrentDictionary<string, (Guid Person, DateTime Until)> _keys = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<Guid, (IReadOnlyList<RoleAssignment> Roles, DateTime Until)> _roles = new();

    /// <summary>The person a live key (by its hash) belongs to, or null for an unknown or revoked key.</summary>
    public async Task<Guid?> KeyOwnerAsync(AppDbContext db, string hash, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_keys.TryGetValue(hash, out var kept) && kept.Until > now) return kept.Person;
        var found = await db.ApiKeys.AsNoTracking().Where(k => k.Hash == hash && k.RevokedAtUtc == null)
            .Select(k => (Guid?)k.PersonId).SingleOrDefaultAsync(ct);
        if (found is { } person) Keep(_keys, hash, (person, now + Ttl), now);
        else _keys.TryRemove(hash, out _);
        return found;
    }

    public async Task<IReadOnlyList<RoleAssignment>> RolesAsync(AppDbContext db, Guid personId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_roles.TryGetValue(personId, out var kept) && kept.Until > now) return kept.Roles;
        var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.PersonId == personId).ToListAsync(ct);
        Keep(_roles, personId, (roles.AsReadOnly(), now + Ttl), now);
        return roles;
    }

    /// <summary>The person's roles changed (or their keys did): the next request reads them again.</summary>
    public void Forget(Guid personId)
    {
        _roles.TryRemove(personId, out _);
        foreach (var (hash, kept) in _keys)
            if (kept.Person == personId) _keys.TryRemove(hash, out _);
    }

    static void Keep<TKey, TValue>(ConcurrentDictionary<TKey, (TValue, DateTime Until)> map, TKey key, (TValue, DateTime) value, DateTime now)
        where TKey : notnull
    {
        if (map.Count > PruneAbove)
            foreach (var (k, v) in map)
                if (v.Until <= now) map.TryRemove(k, out _);
        map[key] = value;
    }
}
