using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;

/// <summary>Who may see an appeal, and which duty a person holds towards it. Used by every appeal endpoint.</summary>
public static class AppealAccess
{
    /// <summary>Staff roles that see an appeal when their scope reaches one of its organisations.</summary>
    public static readonly Role[] Viewers =
        [Role.Operator, Role.Moderator, Role.Dispatcher, Role.Executor, Role.Controller, Role.HqMember, Role.Analyst, Role.Administrator];

    /// <summary>
    /// The visible appeals: the applicant's own, the ones assigned to the person (a specialist of a department works on
    /// the appeals of the ministry above it), plus those whose owner, executor, co-executor or the owner of a roadmap step
    /// is in scope. A member of the Business Protection HQ (of any body, a federal one outside the platform too) also sees
    /// the complaints escalated to the HQ, and only those beyond their own scope.
    /// </summary>
    public static async Task<IQueryable<Appeal>> VisibleAsync(AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        if (user.Id is not { } userId) return db.Appeals.Where(_ => false);
        var scope = await user.ScopeAsync(ct, Viewers);
        var hq = await user.HasRoleAsync(Role.HqMember, ct);
        if (scope.Count == 0) return db.Appeals.Where(a => a.ApplicantUserId == userId || a.AssigneeId == userId || (hq && a.HqEscalatedAtUtc != null));
        var ids = scope.ToList();
        // The centre (a scope holding every organisation) sees every appeal through its owner alone: one plain condition
        // instead of the OR of seven with sub-queries, which PostgreSQL can only answer by reading every row. An appeal of
        // an organisation added on another node in the last 30 s (the directory cache) shows up a little later.
        if (await user.IsEverywhereAsync(scope, ct)) return db.Appeals.Where(a => ids.Contains(a.OwnerOrganisationId));
        return db.Appeals.Where(a => a.ApplicantUserId == userId || a.RegisteredById == userId || a.AssigneeId == userId
            || ids.Contains(a.OwnerOrganisationId)
            || (a.ExecutorOrganisationId != null && ids.Contains(a.ExecutorOrganisationId.Value))
            || a.Parts.Any(p => ids.Contains(p.OrganisationId))
            || (a.Roadmap != null && a.Roadmap.Steps.Any(s => ids.Contains(s.OwnerOrganisationId)))
            || (hq && a.HqEscalatedAtUtc != null));
    }

    public static async Task<bool> CanSeeAsync(AppDbContext db, CurrentUser user, Guid appealId, CancellationToken ct) =>
        await (await VisibleAsync(db, user, ct)).AnyAsync(a => a.Id == appealId, ct);

    public static async Task<bool> CanSeeAsync(CurrentUser user, Appeal appeal, CancellationToken ct)
    {
        if (user.Id is not { } id) return false;
        if (appeal.ApplicantUserId == id || appeal.RegisteredById == id) return true;
        if (appeal.AssigneeId == id) return true;
        if (await user.ReachesAsync(appeal.OwnerOrganisationId, ct, Viewers)) return true;
        if (await user.ReachesAsync(appeal.ExecutorOrganisationId, ct, Viewers)) return true;
        foreach (var part in appeal.Parts)
            if (await user.ReachesAsync(part.OrganisationId, ct, Viewers)) return true;
        foreach (var step in appeal.Roadmap?.Steps ?? [])
            if (await user.ReachesAsync(step.OwnerOrganisationId, ct, Viewers)) return true;
        return appeal.IsEscalatedToHq && await user.HasRoleAsync(Role.HqMember, ct);
    }

    /// <summary>Sees the appeal through a staff duty (assignment or an organisation in scope), not only as its applicant.</summary>
    public static async Task<bool> SeesAsStaffAsync(CurrentUser user, Appeal appeal, CancellationToken ct)
    {
        if (user.Id is not { } id) return false;
        if (appeal.AssigneeId == id) return true;
        if (await user.ReachesAsync(appeal.OwnerOrganisationId, ct, Viewers)) return true;
        if (await user.ReachesAsync(appeal.ExecutorOrganisationId, ct, Viewers)) return true;
        foreach (var part in appeal.Parts)
            if (await user.ReachesAsync(part.OrganisationId, ct, Viewers)) return true;
        return false;
    }
}

/// <summary>The duty an action needs: a role, and the organisation of the appeal that role must reach.</summary>
public enum Duty
{
    /// <summary>Moderator of the owning centre.</summary>
    Moderate,
    /// <summary>Dispatcher of the executor organisation.</summary>
    Dispatch,
    /// <summary>Executor or dispatcher of the executor organisation, or the executor the appeal is assigned to.</summary>
    Execute,
    /// <summary>Controller of the executor organisation.</summary>
    Control,
    /// <summary>The applicant who submitted the appeal, or the operator who registered it for them.</summary>
    Applicant,
    /// <summary>Moderator of the owning centre, or an operator there.</summary>
    CloseAnswered,
    /// <summary>Executor or dispatcher of an organisation that holds an open part (each part is checked on its own when completed).</summary>
    CoExecute,
    /// <summary>Moderator or analyst of the owning centre: keeps the appeal in sight (takes a complaint to the HQ).</summary>
    Oversee,
    /// <summary>A member of the Business Protection HQ.</summary>
    Hq,
}

public static class Duties
{
    static async Task<bool> AnyOpenPartAsync(CurrentUser user, Appeal appeal, CancellationToken ct)
    {
        foreach (var part in appeal.Parts.Where(p => p.Status == PartStatus.Open))
            if (await user.ReachesAsync(part.OrganisationId, ct, Role.Executor, Role.Dispatcher)) return true;
        return false;
    }

    public static async Task<bool> HoldsAsync(this CurrentUser user, Duty duty, Appeal appeal, CancellationToken ct) => duty switch
    {
        Duty.Moderate => await user.ReachesAsync(appeal.OwnerOrganisationId, ct, Role.Moderator),
        Duty.Dispatch => await user.ReachesAsync(appeal.ExecutorOrganisationId, ct, Role.Dispatcher),
        Duty.Execute => (user.Id is { } self && appeal.AssigneeId == self && await user.HasRoleAsync(Role.Executor, ct))
                        || await user.ReachesAsync(appeal.ExecutorOrganisationId, ct, Role.Executor, Role.Dispatcher),
        Duty.Control => await user.ReachesAsync(appeal.ExecutorOrganisationId, ct, Role.Controller),
        Duty.Applicant => user.Id is { } id && (appeal.ApplicantUserId == id || appeal.RegisteredById == id),
        Duty.CloseAnswered => await user.ReachesAsync(appeal.OwnerOrganisationId, ct, Role.Moderator, Role.Operator),
        Duty.CoExecute => await AnyOpenPartAsync(user, appeal, ct),
        Duty.Oversee => await user.ReachesAsync(appeal.OwnerOrganisationId, ct, Role.Moderator, Role.Analyst),
        Duty.Hq => await user.HasRoleAsync(Role.HqMember, ct),
        _ => false,
    };
}
