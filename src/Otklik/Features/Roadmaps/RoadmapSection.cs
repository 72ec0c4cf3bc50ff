using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Execution;
using Otklik.Infrastructure;

namespace Otklik.Features.Roadmaps;

/// <summary>The fields of the roadmap forms: what a person typed comes back with the errors when a form fails.</summary>
public sealed class RoadmapForm
{
    public Guid? StepId { get; set; }
    public string? Title { get; set; }
    public Guid? OwnerOrganisationId { get; set; }
    public Guid? PersonId { get; set; }
    public DateOnly? DueDate { get; set; }
    public string? Policy { get; set; }
    public string? Reason { get; set; }
    public Guid? TemplateId { get; set; }
    public StepStatus? Status { get; set; }
    public string? Result { get; set; }
}

/// <summary>
/// The roadmap section of the appeal card (and of its own page, which takes the section's posts): the steps, the HQ's
/// escalation and decisions, and the forms the person's duties allow. Every post still runs through AppealChanges.
/// </summary>
public sealed class RoadmapSection
{
    public required Appeal Appeal { get; init; }
    public required RoadmapView Roadmap { get; init; }
    public required HqView Hq { get; init; }
    public required LocalTimes Times { get; init; }
    public required IReadOnlyList<Organisation> Organisations { get; init; }
    public required IReadOnlyList<(Guid Id, string Name)> People { get; init; }
    public required IReadOnlyList<RoadmapTemplate> Templates { get; init; }
    public DateTime NowUtc { get; init; }

    public bool CanBuild { get; init; }
    public bool CanApprove { get; init; }
    public bool CanReopen { get; init; }
    public bool CanEscalate { get; init; }
    public bool IsHqMember { get; init; }
    public IReadOnlySet<Guid> Reportable { get; init; } = new HashSet<Guid>();

    // ---- A failed post: which form, its errors, what was typed ----
    public string? Posted { get; set; }
    public AppealChanges.Outcome? Failure { get; set; }
    public RoadmapForm Form { get; set; } = new();

    public string? ErrorFor(string form, string field) => Posted == form ? Failure?.ErrorFor(field) : null;
    /// <summary>The typed value for the failed form, else the given default.</summary>
    public T? Value<T>(string form, Func<RoadmapForm, T?> pick, T? otherwise = default) => Posted == form ? pick(Form) : otherwise;

    public string OrganisationName(Guid id) => Organisations.FirstOrDefault(o => o.Id == id)?.ShortName ?? "—";

    public static async Task<RoadmapSection?> LoadAsync(AppDbContext db, CurrentUser user, DateTime nowUtc, Guid appealId, CancellationToken ct)
    {
        if (!await AppealAccess.CanSeeAsync(db, user, appealId, ct)) return null;
        var a = await db.Appeals.AsNoTracking().Include(x => x.Parts).Include(x => x.Roadmap!).ThenInclude(r => r.Steps)
            .AsSplitQuery().SingleAsync(x => x.Id == appealId, ct);
        if (a.Kind != AppealKind.Complaint) return null;
        var planning = a.Allows(Transition.KeepRoadmap);
        var build = planning && await RoadmapActions.MayBuildAsync(user, a, ct);
        var approve = planning && await RoadmapActions.MayApproveAsync(user, a, ct);
        var editable = a.Roadmap?.IsEditable ?? true;
        var reportable = new HashSet<Guid>();
        if (planning)
            foreach (var step in a.Roadmap?.Steps.Where(s => s.IsOpen && s.IsApproved) ?? [])
                if (await RoadmapActions.MayReportAsync(user, a, step.Id, ct)) reportable.Add(step.Id);
        var people = await db.RoleAssignments.AsNoTracking().Where(r => r.Role != Role.Applicant && r.OrganisationId != null)
            .Join(db.Users, r => r.PersonId, u => u.Id, (r, u) => new { u.Id, u.LastName, u.FirstName, u.MiddleName, r.OrganisationId })
            .Join(db.Organisations, x => x.OrganisationId, o => o.Id, (x, o) => new { x.Id, x.LastName, x.FirstName, x.MiddleName, o.ShortName })
            .ToListAsync(ct);
        return new RoadmapSection
        {
            Appeal = a,
            Roadmap = await RoadmapViews.LoadAsync(db, appealId, nowUtc, ct),
            Hq = await RoadmapViews.LoadHqAsync(db, appealId, ct),
            Times = await LocalTimes.LoadAsync(db, ct),
            Organisations = await db.Organisations.AsNoTracking().OrderBy(o => o.Name).ToListAsync(ct),
            People = [.. people.DistinctBy(p => p.Id).Select(p => (p.Id, $"{p.LastName} {p.FirstName} {p.MiddleName}".Trim() + $" — {p.ShortName}"))
                .OrderBy(p => p.Item2, StringComparer.Ordinal)],
            Templates = await db.RoadmapTemplates.AsNoTracking().Include(t => t.Steps)
                .OrderBy(t => t.TopicId == a.TopicId ? 0 : 1).ThenBy(t => t.Name).ToListAsync(ct),
            NowUtc = nowUtc,
            CanBuild = build && editable,
            CanApprove = approve && editable && (a.Roadmap?.Steps.Any(s => s.IsOpen) ?? false),
            CanReopen = (build || approve) && a.Roadmap?.Status == RoadmapStatus.Approved,
            CanEscalate = planning && !a.IsEscalatedToHq && await RoadmapActions.MayEscalateAsync(user, a, ct),
            IsHqMember = await RoadmapActions.MayDecideAsync(user, ct),
            Reportable = reportable,
        };
    }
}

/// <summary>Puts the roadmap section on the appeal card: <c>@await Component.InvokeAsync("RoadmapSection", new { appealId })</c>.</summary>
public sealed class RoadmapSectionViewComponent(AppDbContext db, CurrentUser user, TimeProvider clock) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid appealId)
    {
        var section = await RoadmapSection.LoadAsync(db, user, clock.GetUtcNow().UtcDateTime, appealId, HttpContext.RequestAborted);
        return section is null ? Content("") : View("/Features/Roadmaps/_RoadmapSection.cshtml", section);
    }
}

/// <summary>The fields of a step (add or edit): the section, the form's name, a prefix for the ids, the step edited (null: a new one).</summary>
public sealed record StepFields(RoadmapSection Section, string Form, string Prefix, StepView? Step);
