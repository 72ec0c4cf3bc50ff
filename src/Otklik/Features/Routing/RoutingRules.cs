using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Routing;

/// <summary>
/// The rule set, compiled and cached per node. Each use asks the database for the set's version (one row by its key:
/// cheap) and reloads only when it differs, so a rule changed on another node takes effect on the next appeal here.
/// </summary>
public sealed class RoutingRules
{
    readonly SemaphoreSlim _gate = new(1, 1);
    RuleSet? _set;

    public async Task<RuleSet> CurrentAsync(AppDbContext db, CancellationToken ct)
    {
        var stored = await StoredVersionAsync(db, ct);
        if (_set is { } cached && cached.Version == stored) return cached;
        await _gate.WaitAsync(ct);
        try
        {
            if (_set is { } again && again.Version == stored) return again;
            // The version is read before the rules: a change committed in between is newer than the version kept with
            // it, so the next use sees a different version and loads again. The other order could keep stale rules.
            var rules = await db.RoutingRules.AsNoTracking().Where(r => r.Enabled).ToListAsync(ct);
            return _set = RuleSet.Of(stored, rules);
        }
        finally { _gate.Release(); }
    }

    public static Task<int> StoredVersionAsync(AppDbContext db, CancellationToken ct) =>
        db.RoutingRuleSets.AsNoTracking().Where(s => s.Id == RoutingRuleSet.TheId).Select(s => s.Version).SingleOrDefaultAsync(ct);

    /// <summary>Called inside the transaction of every change of a rule.</summary>
    public static Task BumpAsync(AppDbContext db, CancellationToken ct) =>
        db.RoutingRuleSets.Where(s => s.Id == RoutingRuleSet.TheId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Version, x => x.Version + 1), ct);
}
