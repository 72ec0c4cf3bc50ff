using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Directory;

/// <summary>
/// The directory's rules against escalation: what an organisation is decides whose appeals it owns and what its people
/// reach, so those fields are the region administrator's; the region keeps one centre and at least one administrator.
/// </summary>
public static class DirectoryRules
{
    /// <summary>
    /// The first field of an update that would widen or move scope (the organisation's kind, its parent, its seat on the
    /// Business Protection HQ), named as the API names it; null when the update touches only harmless fields.
    /// </summary>
    public static string? ScopeChangeOf(Organisation org, OrganisationKind kind, Guid? parentId, bool? sitsOnHq) =>
        kind != org.Kind ? "kind"
        : parentId != org.ParentId ? "parentId"
        : sitsOnHq is { } hq && hq != org.SitsOnBusinessProtectionHq ? "sitsOnBusinessProtectionHq"
        : null;

    /// <summary>
    /// New appeals go to the region's centre of management (IntakeApi.OwnerOrganisationAsync), so a second one in the same
    /// tree is refused unless the region administrator says so (<paramref name="additionalCentre"/>, e.g. a local centre
    /// that territories name as their moderator).
    /// </summary>
    public static async Task CheckOneCentreAsync(AppDbContext db, string pathInRegion, Guid self, bool? additionalCentre, CancellationToken ct)
    {
        if (additionalCentre == true) return;
        var root = "/" + pathInRegion.Split('/', StringSplitOptions.RemoveEmptyEntries)[0] + "/";
        var existing = await db.Organisations.AsNoTracking()
            .Where(o => o.Kind == OrganisationKind.CentreOfManagement && o.Id != self && o.Path.StartsWith(root))
            .OrderBy(o => o.Path.Length).Select(o => o.ShortName).FirstOrDefaultAsync(ct);
        if (existing is not null)
            throw new RuleException("directory.second_centre",
                $"В регионе уже есть центр управления («{existing}»): новые обращения модерирует он. Второй центр назначается только явным решением " +
                "администратора региона (additionalCentre: true).");
    }

    /// <summary>
    /// Refuses a change of <paramref name="person"/>'s roles to <paramref name="remaining"/> that leaves a region (a root
    /// organisation) with no administrator: nobody could then manage its directory, catalogue or staff. Every path that
    /// takes roles away or disables a person calls it before saving.
    /// </summary>
    public static async Task CheckRegionKeepsAnAdministratorAsync(AppDbContext db, Person person, IReadOnlyCollection<RoleAssignment> remaining, CancellationToken ct)
    {
        var held = person.Roles.Where(r => r.Role == Role.Administrator && r.OrganisationId is not null).Select(r => r.OrganisationId!.Value).ToList();
        foreach (var org in held)
        {
            if (remaining.Any(r => r.Role == Role.Administrator && r.OrganisationId == org)) continue;
            if (!await db.Organisations.AnyAsync(o => o.Id == org && o.ParentId == null, ct)) continue;
            if (!await db.RoleAssignments.AnyAsync(r => r.Role == Role.Administrator && r.OrganisationId == org && r.PersonId != person.Id, ct))
                throw new RuleException("directory.last_region_administrator",
                    "Это последний администратор региона: без него некому вести справочник и сотрудников. Сначала назначьте другого администратора региона.");
        }
    }
}
