using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Infrastructure;

/// <summary>
/// The person's roles, which every authenticated request needs, kept for <see cref="Ttl"/> (ADR 0014); whose API key
/// this is is read from the database each time (<see cref="KeyOwnerAsync"/>). A change of roles on this node evicts at once (<see cref="Forget"/>); another node sees it
/// within <see cref="Ttl"/>, as it sees a change of the organisation tree (<see cref="OrganisationTree"/>).
/// </summary>
public sealed class AccessCache(TimeProvider clock)
{
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
        var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.PersonId == personId).ToListAsync(ct);
        Keep(_roles, personId, (roles.AsReadOnly(), now + Ttl), now);
        return roles;
    }

    /// <summary>The person's roles changed: the next request on this node reads them again.</summary>
    public void Forget(Guid personId) => _roles.TryRemove(personId, out _);

    static void Keep<TKey, TValue>(ConcurrentDictionary<TKey, (TValue, DateTime Until)> map, TKey key, (TValue, DateTime) value, DateTime now)
        where TKey : notnull
    {
        if (map.Count > PruneAbove)
            foreach (var (k, v) in map)
                if (v.Until <= now) map.TryRemove(k, out _);
        map[key] = value;
    }
}
