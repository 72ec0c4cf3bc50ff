using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;

namespace Otklik.Features.Roadmaps;

public sealed record StepView(
    Guid Id, int Order, string Title, Guid OwnerOrganisationId, string OwnerOrganisationName, Guid? PersonId, string? PersonName,
    DateOnly? DueDate, string? Policy, DateTime DueAtUtc, DateOnly? ControlDate, StepStatus Status, string StatusTitle, string? Result,
    DateTime? CompletedAtUtc, bool IsApproved, bool IsOverdue, WatchLevel WatchLevel, StepSource Source, Guid? HqDecisionId);

public sealed record RoadmapView(
    Guid AppealId, string Number, int Version, bool Exists, RoadmapStatus Status, string StatusTitle, int Revision,
    DateTime? ApprovedAtUtc, Guid? ApprovedById, string? ApprovedByName, string? ChangeReason, IReadOnlyList<StepView> Steps);

/// <summary>A step as the applicant sees it on the portal: what, who, by when, and how it went (no names of staff).</summary>
public sealed record PublicStepView(int Order, string Title, string OwnerOrganisationName, DateOnly DueDate, DateTime DueAtUtc,
    StepStatus Status, string StatusTitle, string? Result, DateTime? CompletedAtUtc, bool IsOverdue);

public sealed record OrganisationRef(Guid Id, string Name);

public sealed record HqDecisionView(Guid Id, DateOnly Date, string Text, IReadOnlyList<OrganisationRef> Organisations, DateOnly? DueDate,
    DateTime RecordedAtUtc, Guid RecordedById, string? RecordedByName);

public sealed record HqView(Guid AppealId, string Number, int Version, bool IsEscalated, DateTime? EscalatedAtUtc, Guid? EscalatedById,
    string? EscalatedByName, string? Reason, IReadOnlyList<HqDecisionView> Decisions);

public sealed record HqComplaintItem(Guid Id, string Number, int Version, AppealStatus Status, string StatusTitle, string Excerpt,
    string ApplicantName, Guid? ExecutorOrganisationId, string? ExecutorOrganisationName, DateTime EscalatedAtUtc, string? Reason,
    int Decisions, int OpenSteps, int OverdueSteps);

public static class RoadmapViews
{
    /// <summary>The roadmap as staff see it; <paramref name="agreedOnly"/> keeps only the approved steps, without names (for the applicant).</summary>
    public static async Task<RoadmapView> LoadAsync(AppDbContext db, Guid appealId, DateTime nowUtc, CancellationToken ct, bool agreedOnly = false)
    {
        var appeal = await db.Appeals.AsNoTracking().Where(a => a.Id == appealId).Select(a => new { a.Number, a.Version }).SingleAsync(ct);
        var roadmap = await db.Roadmaps.AsNoTracking().Include(r => r.Steps).SingleOrDefaultAsync(r => r.AppealId == appealId, ct);
        if (roadmap is null)
            return new(appealId, appeal.Number, appeal.Version, false, RoadmapStatus.Draft, RoadmapLabels.Of(RoadmapStatus.Draft), 0, null, null, null, null, []);
        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        var people = agreedOnly ? [] : await NamesAsync(db, roadmap.Steps.Select(s => s.PersonId).Append(roadmap.ApprovedById), ct);
        var steps = roadmap.Ordered.Where(s => !agreedOnly || s.IsApproved).Select(s => new StepView(
            s.Id, s.Order, s.Title, s.OwnerOrganisationId, organisations.GetValueOrDefault(s.OwnerOrganisationId, "—"),
            agreedOnly ? null : s.PersonId, s.PersonId is { } p && !agreedOnly ? people.GetValueOrDefault(p) : null,
            s.DueDate, s.Policy, s.DueAtUtc, s.ControlDate, s.Status, RoadmapLabels.Of(s.Status), s.Result, s.CompletedAtUtc,
            s.IsApproved, s.IsOverdue(nowUtc), s.WatchLevel, s.Source, s.HqDecisionId)).ToList();
        return new(appealId, appeal.Number, appeal.Version, true, roadmap.Status, RoadmapLabels.Of(roadmap.Status), roadmap.Revision,
            roadmap.ApprovedAtUtc, agreedOnly ? null : roadmap.ApprovedById,
            roadmap.ApprovedById is { } by && !agreedOnly ? people.GetValueOrDefault(by) : null, roadmap.ChangeReason, steps);
    }

    /// <summary>The agreed steps for the appeal's own view (the applicant's portal page): empty when there is no approved step.</summary>
    public static async Task<IReadOnlyList<PublicStepView>> PublicAsync(AppDbContext db, Guid appealId, DateTime nowUtc, CancellationToken ct)
    {
        var steps = await db.RoadmapSteps.AsNoTracking().Where(s => s.AppealId == appealId && s.ApprovedAtUtc != null).ToListAsync(ct);
        return await PublicAsync(db, steps, nowUtc, ct);
    }

    /// <summary>The same from the steps already loaded with the appeal (the card, a change): no read of the steps.</summary>
    public static async Task<IReadOnlyList<PublicStepView>> PublicAsync(AppDbContext db, IEnumerable<RoadmapStep> loaded, DateTime nowUtc, CancellationToken ct)
    {
        var steps = loaded.Where(s => s.ApprovedAtUtc != null).ToList();
        if (steps.Count == 0) return [];
        var owners = steps.Select(s => s.OwnerOrganisationId).Distinct().ToList();
        var organisations = await db.Organisations.AsNoTracking().Where(o => owners.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        return [.. steps.OrderBy(s => s.Order).Select((s, i) =>
        {
            var org = organisations.GetValueOrDefault(s.OwnerOrganisationId);
            var zone = TimeZones.Find(org?.TimeZone ?? "Europe/Moscow");
            var due = s.DueDate ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(s.DueAtUtc, zone));
            return new PublicStepView(i + 1, s.Title, org?.Name ?? "—", due, s.DueAtUtc, s.Status, RoadmapLabels.Of(s.Status), s.Result, s.CompletedAtUtc,
                s.IsOverdue(nowUtc));
        })];
    }

    public static async Task<HqView> LoadHqAsync(AppDbContext db, Guid appealId, CancellationToken ct)
    {
        var a = await db.Appeals.AsNoTracking().Where(x => x.Id == appealId)
            .Select(x => new { x.Number, x.Version, x.HqEscalatedAtUtc, x.HqEscalatedById, x.HqEscalationReason }).SingleAsync(ct);
        var decisions = await db.HqDecisions.AsNoTracking().Where(d => d.AppealId == appealId).OrderBy(d => d.RecordedAtUtc).ToListAsync(ct);
        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        var people = await NamesAsync(db, decisions.Select(d => (Guid?)d.RecordedById).Append(a.HqEscalatedById), ct);
        return new(appealId, a.Number, a.Version, a.HqEscalatedAtUtc is not null, a.HqEscalatedAtUtc, a.HqEscalatedById,
            a.HqEscalatedById is { } by ? people.GetValueOrDefault(by) : null, a.HqEscalationReason,
            [.. decisions.Select(d => new HqDecisionView(d.Id, d.DecisionDate, d.Text,
                [.. d.OrganisationIds.Select(o => new OrganisationRef(o, organisations.GetValueOrDefault(o, "—")))], d.DueDate, d.RecordedAtUtc,
                d.RecordedById, people.GetValueOrDefault(d.RecordedById)))]);
    }

    /// <summary>The complaints escalated to the HQ among those the person sees, newest escalation first.</summary>
    public static async Task<List<HqComplaintItem>> HqComplaintsAsync(IQueryable<Appeal> visible, AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var rows = await visible.AsNoTracking().Where(a => a.HqEscalatedAtUtc != null).OrderByDescending(a => a.HqEscalatedAtUtc).Take(500)
            .Select(a => new
            {
                a.Id, a.Number, a.Version, a.Status, Excerpt = a.Text.Substring(0, 200), a.Applicant.Kind, a.Applicant.OrganisationName,
                a.Applicant.LastName, a.Applicant.FirstName, a.Applicant.MiddleName, a.ExecutorOrganisationId, EscalatedAtUtc = a.HqEscalatedAtUtc!.Value,
                a.HqEscalationReason, Decisions = a.HqDecisions.Count(),
            }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var steps = await db.RoadmapSteps.AsNoTracking().Where(s => ids.Contains(s.AppealId) && s.ApprovedAtUtc != null
                && (s.Status == StepStatus.Planned || s.Status == StepStatus.InWork))
            .Select(s => new { s.AppealId, s.DueAtUtc }).ToListAsync(ct);
        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        return [.. rows.Select(r => new HqComplaintItem(r.Id, r.Number, r.Version, r.Status, Labels.Of(r.Status), r.Excerpt,
            new ApplicantInfo { Kind = r.Kind, OrganisationName = r.OrganisationName, LastName = r.LastName, FirstName = r.FirstName, MiddleName = r.MiddleName }.DisplayName,
            r.ExecutorOrganisationId, r.ExecutorOrganisationId is { } e ? organisations.GetValueOrDefault(e) : null, r.EscalatedAtUtc, r.HqEscalationReason,
            r.Decisions, steps.Count(s => s.AppealId == r.Id), steps.Count(s => s.AppealId == r.Id && nowUtc > s.DueAtUtc)))];
    }

    static async Task<Dictionary<Guid, string>> NamesAsync(AppDbContext db, IEnumerable<Guid?> ids, CancellationToken ct)
    {
        var wanted = ids.OfType<Guid>().Distinct().ToList();
        if (wanted.Count == 0) return [];
        return await db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => (u.LastName + " " + u.FirstName + " " + (u.MiddleName ?? "")).Trim(), ct);
    }
}
