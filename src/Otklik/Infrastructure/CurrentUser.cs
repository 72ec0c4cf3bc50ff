using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Infrastructure;

/// <summary>
/// Who is calling and what they may reach: the one place where role × organisation scope is decided.
/// A role held at an organisation reaches that organisation and every organisation under it.
/// </summary>
public sealed class CurrentUser(IHttpContextAccessor http, AppDbContext db, OrganisationTree tree, AccessCache access)
{
    IReadOnlyList<RoleAssignment>? _roles;

    public Guid? Id => Guid.TryParse(http.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
    public bool IsAuthenticated => Id is not null;
    public Guid RequiredId => Id ?? throw new InvalidOperationException("Not signed in.");

    public async Task<IReadOnlyList<RoleAssignment>> RolesAsync(CancellationToken ct)
    {
        if (_roles is not null) return _roles;
        if (Id is not { } id) return _roles = [];
        return _roles = await access.RolesAsync(db, id, ct);
    }

    public async Task<bool> HasRoleAsync(Role role, CancellationToken ct) => (await RolesAsync(ct)).Any(r => r.Role == role);

    public async Task<bool> IsStaffAsync(CancellationToken ct) => (await RolesAsync(ct)).Any(r => r.Role is not Role.Applicant);

    /// <summary>Does one of the person's <paramref name="roles"/> reach <paramref name="organisationId"/>?</summary>
    public async Task<bool> ReachesAsync(Guid? organisationId, CancellationToken ct, params Role[] roles)
    {
        if (organisationId is null) return false;
        var paths = await tree.PathsAsync(ct);
        if (!paths.TryGetValue(organisationId.Value, out var target)) return false;
        foreach (var r in await RolesAsync(ct))
            if (roles.Contains(r.Role) && r.OrganisationId is { } o && paths.TryGetValue(o, out var scope)
                && target.StartsWith(scope, StringComparison.Ordinal))
                return true;
        return false;
    }

    /// <summary>
    /// An administrator at a root organisation. Territories, the catalogue and its routes serve the whole region, so only
    /// such an administrator changes them; one scoped to a municipality would otherwise redraw or reroute its neighbours.
    /// </summary>
    public async Task<bool> IsRegionAdministratorAsync(CancellationToken ct)
    {
        var paths = await tree.PathsAsync(ct);
        return (await RolesAsync(ct)).Any(r => r.Role == Role.Administrator && r.OrganisationId is { } o
            && paths.TryGetValue(o, out var path) && path.Count(c => c == '/') == 2);
    }

    /// <summary>Every organisation reached by any of the person's staff roles (or the given roles).</summary>
    public async Task<HashSet<Guid>> ScopeAsync(CancellationToken ct, params Role[] roles)
    {
        var paths = await tree.PathsAsync(ct);
        var scopes = (await RolesAsync(ct))
            .Where(r => r.Role != Role.Applicant && r.OrganisationId is not null && (roles.Length == 0 || roles.Contains(r.Role)))
            .Select(r => paths.GetValueOrDefault(r.OrganisationId!.Value))
            .OfType<string>().ToList();
        return paths.Where(p => scopes.Any(s => p.Value.StartsWith(s, StringComparison.Ordinal))).Select(p => p.Key).ToHashSet();
    }

    /// <summary>Whether <paramref name="scope"/> (from <see cref="ScopeAsync"/>) holds every organisation of the directory.</summary>
    public async Task<bool> IsEverywhereAsync(IReadOnlySet<Guid> scope, CancellationToken ct) =>
        scope.Count > 0 && scope.Count >= (await tree.PathsAsync(ct)).Count;
}

/// <summary>The organisation paths, cached: organisations change rarely and every scope check needs them.</summary>
public sealed class OrganisationTree
{
    readonly IServiceScopeFactory scopes;
    readonly TimeProvider clock;
    readonly ClusterSignals signals;
    long _generation;

    public OrganisationTree(IServiceScopeFactory scopes, TimeProvider clock, ClusterSignals signals)
    {
        (this.scopes, this.clock, this.signals) = (scopes, clock, signals);
        signals.Subscribe(ClusterSignals.Tree, _ => { Interlocked.Increment(ref _generation); _paths = null; });
    }

    readonly SemaphoreSlim _gate = new(1, 1);
    Dictionary<Guid, string>? _paths;
    DateTime _loadedAtUtc;
    static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyDictionary<Guid, string>> PathsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_paths is { } cached && now - _loadedAtUtc < Ttl) return cached;
        await _gate.WaitAsync(ct);
        try
        {
            if (_paths is { } again && now - _loadedAtUtc < Ttl) return again;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var generation = Interlocked.Read(ref _generation);
            var paths = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Path, ct);
            // An eviction that came during the read: the next call reads again.
            if (Interlocked.Read(ref _generation) == generation) (_paths, _loadedAtUtc) = (paths, now);
            return paths;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Called after a change to the directory (committed): every node reads the tree again.</summary>
    public void Invalidate() => signals.Publish(ClusterSignals.Tree);
}
