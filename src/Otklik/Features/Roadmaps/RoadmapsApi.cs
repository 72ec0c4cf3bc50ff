using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Infrastructure;

namespace Otklik.Features.Roadmaps;

/// <summary>Complaint roadmaps, their templates and the Business Protection HQ under /api/v1.</summary>
public static class RoadmapsApi
{
    /// <summary>The registrations of the feature: one call from Program.cs.</summary>
    public static IServiceCollection AddRoadmaps(this IServiceCollection services, IConfiguration config)
    {
        if (config.GetValue("Otklik:Workers", true)) services.AddHostedService<RoadmapWatch>();
        return services;
    }

    public static IEndpointRouteBuilder MapRoadmapsApi(this IEndpointRouteBuilder api)
    {
        var appeals = api.MapGroup("/appeals/{id:guid}").WithTags("Roadmaps").RequireAuthorization();
        appeals.MapGet("/roadmap", GetRoadmap).Produces<RoadmapView>();
        appeals.MapPost("/roadmap/steps", AddStep).Produces<RoadmapView>();
        appeals.MapPut("/roadmap/steps/{stepId:guid}", EditStep).Produces<RoadmapView>();
        appeals.MapPost("/roadmap/steps/{stepId:guid}/cancel", CancelStep).Produces<RoadmapView>();
        appeals.MapPost("/roadmap/steps/{stepId:guid}/report", ReportStep).Produces<RoadmapView>();
        appeals.MapPost("/roadmap/order", Reorder).Produces<RoadmapView>();
        appeals.MapPost("/roadmap/apply-template", ApplyTemplate).Produces<RoadmapView>();
        appeals.MapPost("/roadmap/approve", Approve).Produces<RoadmapView>();
        appeals.MapPost("/roadmap/reopen", Reopen).Produces<RoadmapView>();
        appeals.MapGet("/hq", GetHq).Produces<HqView>();
        appeals.MapPost("/hq", Escalate).Produces<HqView>();
        appeals.MapPost("/hq/decisions", Decide).Produces<HqView>();

        api.MapGet("/hq/complaints", HqComplaints).Produces<List<HqComplaintItem>>().WithTags("Roadmaps").RequireAuthorization();

        var templates = api.MapGroup("/roadmap-templates").WithTags("Roadmaps").RequireAuthorization();
        templates.MapGet("", ListTemplates).Produces<List<TemplateView>>();
        templates.MapGet("/{id:guid}", GetTemplate).Produces<TemplateView>();
        templates.MapPost("", CreateTemplate).Produces<TemplateView>(StatusCodes.Status201Created);
        templates.MapPut("/{id:guid}", UpdateTemplate).Produces<TemplateView>();
        templates.MapDelete("/{id:guid}", DeleteTemplate).Produces(StatusCodes.Status204NoContent);
        return api;
    }

    // ---- The roadmap of a complaint ----

    public sealed record StepRequest(int? Version, string? Title, Guid? OwnerOrganisationId, Guid? PersonId, DateOnly? DueDate, string? Policy);
    public sealed record OrderRequest(int? Version, Guid[]? StepIds);
    public sealed record ReasonRequest(int? Version, string? Reason);
    public sealed record ReportRequest(int? Version, StepStatus? Status, string? Result);
    public sealed record TemplateRequest(int? Version, Guid? TemplateId);
    public sealed record VersionRequest(int? Version);
    public sealed record DecisionRequest(int? Version, DateOnly? Date, string? Text, Guid[]? OrganisationIds, DateOnly? DueDate);

    static async Task<IResult> GetRoadmap(Guid id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!await AppealAccess.CanSeeAsync(db, user, id, ct)) return AppealChanges.NotFound();
        // The applicant sees the agreed plan; the draft and the names of staff are for staff.
        var staff = await user.IsStaffAsync(ct);
        return TypedResults.Ok(await RoadmapViews.LoadAsync(db, id, clock.GetUtcNow().UtcDateTime, ct, agreedOnly: !staff));
    }

    static RoadmapActions.StepInput Input(StepRequest r) => new(r.Title, r.OwnerOrganisationId, r.PersonId, r.DueDate, r.Policy);

    static Task<IResult> AddStep(Guid id, StepRequest r, AppealChanges changes, DeadlineClocks clocks, CancellationToken ct) =>
        RoadmapResult(changes, id, r.Version, RoadmapActions.AddStep(changes, clocks, Input(r), ct), ct);

    static Task<IResult> EditStep(Guid id, Guid stepId, StepRequest r, AppealChanges changes, DeadlineClocks clocks, CancellationToken ct) =>
        RoadmapResult(changes, id, r.Version, RoadmapActions.EditStep(changes, clocks, stepId, Input(r), ct), ct);

    static Task<IResult> CancelStep(Guid id, Guid stepId, ReasonRequest r, AppealChanges changes, CancellationToken ct) =>
        RoadmapResult(changes, id, r.Version, RoadmapActions.Cancel(changes, stepId, r.Reason, ct), ct);

    static Task<IResult> ReportStep(Guid id, Guid stepId, ReportRequest r, AppealChanges changes, CancellationToken ct) =>
        RoadmapResult(changes, id, r.Version, RoadmapActions.Report(changes, stepId, r.Status, r.Result, ct), ct);

    static Task<IResult> Reorder(Guid id, OrderRequest r, AppealChanges changes, CancellationToken ct) =>
        RoadmapResult(changes, id, r.Version, RoadmapActions.Reorder(changes, r.StepIds, ct), ct);

    static Task<IResult> ApplyTemplate(Guid id, TemplateRequest r, AppealChanges changes, DeadlineClocks clocks, CancellationToken ct) =>
        RoadmapResult(changes, id, r.Version, RoadmapActions.ApplyTemplate(changes, clocks, r.TemplateId, ct), ct);

    static Task<IResult> Approve(Guid id, VersionRequest r, AppealChanges changes, DeadlineClocks clocks, CancellationToken ct) =>
        RoadmapResult(changes, id, r.Version, RoadmapActions.Approve(changes, clocks, ct), ct);

    static Task<IResult> Reopen(Guid id, ReasonRequest r, AppealChanges changes, CancellationToken ct) =>
        RoadmapResult(changes, id, r.Version, RoadmapActions.Reopen(changes, r.Reason, ct), ct);

    /// <summary>Runs the change on the one path of every appeal change; a success answers with the roadmap.</summary>
    static async Task<IResult> RoadmapResult(AppealChanges changes, Guid id, int? version, AppealAction action, CancellationToken ct)
    {
        var result = await changes.RunAsync(id, version, action, ct);
        return result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK }
            ? TypedResults.Ok(await RoadmapViews.LoadAsync(changes.Db, id, changes.NowUtc, ct))
            : result;
    }

    // ---- The Business Protection HQ ----

    static async Task<IResult> GetHq(Guid id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        await AppealAccess.CanSeeAsync(db, user, id, ct) ? TypedResults.Ok(await RoadmapViews.LoadHqAsync(db, id, ct)) : AppealChanges.NotFound();

    static Task<IResult> Escalate(Guid id, ReasonRequest r, AppealChanges changes, CancellationToken ct) =>
        HqResult(changes, id, r.Version, RoadmapActions.Escalate(changes, r.Reason, ct), ct);

    static Task<IResult> Decide(Guid id, DecisionRequest r, AppealChanges changes, DeadlineClocks clocks, CancellationToken ct) =>
        HqResult(changes, id, r.Version, RoadmapActions.Decide(changes, clocks, r.Date, r.Text, r.OrganisationIds, r.DueDate, ct), ct);

    static async Task<IResult> HqResult(AppealChanges changes, Guid id, int? version, AppealAction action, CancellationToken ct)
    {
        var result = await changes.RunAsync(id, version, action, ct);
        return result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK } ? TypedResults.Ok(await RoadmapViews.LoadHqAsync(changes.Db, id, ct)) : result;
    }

    /// <summary>The HQ's agenda: for its members, the complaints escalated to it (and no others).</summary>
    static async Task<IResult> HqComplaints(AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!await RoadmapActions.MayDecideAsync(user, ct)) return Forbidden("Список Штаба доступен только членам Штаба по защите бизнеса.");
        return TypedResults.Ok(await RoadmapViews.HqComplaintsAsync(await AppealAccess.VisibleAsync(db, user, ct), db, clock.GetUtcNow().UtcDateTime, ct));
    }

    // ---- Templates ----

    /// <summary>Parallel: the step runs alongside the step before it; otherwise it follows the steps before it.</summary>
    public sealed record TemplateStepBody(string? Title, Guid? OwnerOrganisationId, string? Policy, bool? Parallel);
    public sealed record TemplateBody(int? Version, Guid? TopicId, string? Name, TemplateStepBody[]? Steps);
    public sealed record TemplateStepView(int Order, string Title, Guid? OwnerOrganisationId, string? OwnerOrganisationName, string Policy, bool Parallel);
    public sealed record TemplateView(Guid Id, Guid TopicId, string? TopicName, string Name, int Version, IReadOnlyList<TemplateStepView> Steps);

    static async Task<IResult> ListTemplates(Guid? topicId, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return Forbidden("Шаблоны дорожных карт доступны сотрудникам.");
        var templates = await db.RoadmapTemplates.AsNoTracking().Include(t => t.Steps)
            .Where(t => topicId == null || t.TopicId == topicId).OrderBy(t => t.Name).ToListAsync(ct);
        return TypedResults.Ok(await ViewsAsync(db, templates, ct));
    }

    static async Task<IResult> GetTemplate(Guid id, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return Forbidden("Шаблоны дорожных карт доступны сотрудникам.");
        var template = await db.RoadmapTemplates.AsNoTracking().Include(t => t.Steps).SingleOrDefaultAsync(t => t.Id == id, ct);
        return template is null ? TemplateNotFound() : TypedResults.Ok((await ViewsAsync(db, [template], ct))[0]);
    }

    static async Task<IResult> CreateTemplate(TemplateBody body, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        if (!await user.IsRegionAdministratorAsync(ct)) return Forbidden("Шаблоны дорожных карт ведёт администратор региона.");
        var (topicId, steps) = await CheckAsync(db, body, ct);
        var template = RoadmapTemplate.Create(topicId, body.Name, steps);
        db.RoadmapTemplates.Add(template);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/roadmap-templates/{template.Id}", (await ViewsAsync(db, [template], ct))[0]);
    }

    static async Task<IResult> UpdateTemplate(Guid id, TemplateBody body, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        if (!await user.IsRegionAdministratorAsync(ct)) return Forbidden("Шаблоны дорожных карт ведёт администратор региона.");
        var template = await db.RoadmapTemplates.Include(t => t.Steps).SingleOrDefaultAsync(t => t.Id == id, ct);
        if (template is null) return TemplateNotFound();
        if (body.Version is null)
            throw new InputException("version", "field.required", "Укажите версию шаблона, которую вы видели (поле version).", 422);
        if (body.Version != template.Version)
            throw new RuleException("concurrency.stale_version", $"Шаблон изменился (версия {template.Version}, у вас {body.Version}). Обновите данные.");
        var (topicId, steps) = await CheckAsync(db, body, ct);
        template.Update(topicId, body.Name, steps);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok((await ViewsAsync(db, [template], ct))[0]);
    }

    static async Task<IResult> DeleteTemplate(Guid id, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        if (!await user.IsRegionAdministratorAsync(ct)) return Forbidden("Шаблоны дорожных карт ведёт администратор региона.");
        var template = await db.RoadmapTemplates.Include(t => t.Steps).SingleOrDefaultAsync(t => t.Id == id, ct);
        if (template is null) return TemplateNotFound();
        // Steps already made from it stay in the roadmaps: they were copied, not linked.
        db.RoadmapTemplates.Remove(template);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    static async Task<(Guid TopicId, List<TemplateStepDraft> Steps)> CheckAsync(AppDbContext db, TemplateBody body, CancellationToken ct)
    {
        if (body.TopicId is not { } topicId || !await db.Topics.AnyAsync(t => t.Id == topicId, ct))
            throw new InputException("topicId", "catalogue.unknown_topic", "Выберите тему из справочника.", 422);
        var steps = (body.Steps ?? []).Select(s => new TemplateStepDraft(s.Title, s.OwnerOrganisationId, s.Policy, s.Parallel ?? false)).ToList();
        var owners = steps.Select(s => s.OwnerOrganisationId).OfType<Guid>().Distinct().ToList();
        var known = await db.Organisations.CountAsync(o => owners.Contains(o.Id), ct);
        if (known != owners.Count)
            throw new InputException("steps", "directory.unknown_organisation", "Организации шага нет в справочнике.", 422);
        return (topicId, steps);
    }

    static async Task<List<TemplateView>> ViewsAsync(AppDbContext db, IReadOnlyList<RoadmapTemplate> templates, CancellationToken ct)
    {
        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        var topicIds = templates.Select(t => t.TopicId).Distinct().ToList();
        var topics = await db.Topics.AsNoTracking().Where(t => topicIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        return [.. templates.Select(t => new TemplateView(t.Id, t.TopicId, topics.GetValueOrDefault(t.TopicId), t.Name, t.Version,
            [.. t.Steps.OrderBy(s => s.Order).Select(s => new TemplateStepView(s.Order, s.Title, s.OwnerOrganisationId,
                s.OwnerOrganisationId is { } o ? organisations.GetValueOrDefault(o) : null, s.Policy, s.Parallel))]))];
    }

    static IResult Forbidden(string detail) => TypedResults.Problem(title: "Недостаточно прав", detail: detail,
        statusCode: StatusCodes.Status403Forbidden, extensions: new Dictionary<string, object?> { ["code"] = "auth.forbidden" });

    static IResult TemplateNotFound() => TypedResults.Problem(title: "Не найдено", detail: "Шаблон дорожной карты не найден.",
        statusCode: StatusCodes.Status404NotFound, extensions: new Dictionary<string, object?> { ["code"] = "roadmap.template_not_found" });
}
