using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Roadmaps;

/// <summary>
/// The actions on a complaint's roadmap and its way to the HQ, shared by the API and the appeal card: the same input
/// checks, the same entity method, the same outbox messages. Run them with <see cref="AppealChanges"/>.
/// </summary>
public static class RoadmapActions
{
    static Func<Appeal, Task<bool>> Holds(AppealChanges c, CancellationToken ct, params Duty[] duties) => async appeal =>
    {
        foreach (var duty in duties)
            if (await c.User.HoldsAsync(duty, appeal, ct)) return true;
        return false;
    };

    /// <summary>The executor (or the dispatcher) of the complaint builds its roadmap.</summary>
    public static Task<bool> MayBuildAsync(CurrentUser user, Appeal appeal, CancellationToken ct) => user.HoldsAsync(Duty.Execute, appeal, ct);

    /// <summary>The controller of the executor organisation approves the roadmap.</summary>
    public static Task<bool> MayApproveAsync(CurrentUser user, Appeal appeal, CancellationToken ct) => user.HoldsAsync(Duty.Control, appeal, ct);

    /// <summary>
    /// A step's progress is reported by the staff of its owner organisation (a member of the HQ for a federal body outside
    /// the platform), by the person it names, or by the complaint's executor on their behalf.
    /// </summary>
    public static async Task<bool> MayReportAsync(CurrentUser user, Appeal appeal, Guid stepId, CancellationToken ct)
    {
        var step = appeal.Roadmap?.Steps.SingleOrDefault(s => s.Id == stepId);
        if (step is null) return await user.HoldsAsync(Duty.Execute, appeal, ct);
        return (user.Id is { } me && step.PersonId == me)
            || await user.ReachesAsync(step.OwnerOrganisationId, ct, Role.Executor, Role.Dispatcher, Role.Controller, Role.HqMember)
            || await user.HoldsAsync(Duty.Execute, appeal, ct);
    }

    /// <summary>The controller of the executor organisation, or the centre that keeps the complaint, takes it to the HQ.</summary>
    public static Task<bool> MayEscalateAsync(CurrentUser user, Appeal appeal, CancellationToken ct) =>
        user.HoldsAnyAsync(AppealLifecycle.Row(Transition.EscalateToHq).Duties, appeal, ct);

    public static Task<bool> MayDecideAsync(CurrentUser user, CancellationToken ct) => user.HasRoleAsync(Role.HqMember, ct);

    public sealed record StepInput(string? Title, Guid? OwnerOrganisationId, Guid? PersonId, DateOnly? DueDate, string? Policy);

    public static AppealAction AddStep(AppealChanges c, DeadlineClocks clocks, StepInput input, CancellationToken ct) =>
        new(appeal => MayBuildAsync(c.User, appeal, ct), async (appeal, now) =>
        {
            var draft = await CheckAsync(c.Db, input, ct);
            var step = appeal.AddRoadmapStep(draft, c.User.RequiredId, now, await clocks.ForAsync(c.Db, draft.OwnerOrganisationId, ct));
            c.Db.RoadmapSteps.Add(step);
        });

    public static AppealAction EditStep(AppealChanges c, DeadlineClocks clocks, Guid stepId, StepInput input, CancellationToken ct) =>
        new(appeal => MayBuildAsync(c.User, appeal, ct), async (appeal, now) =>
        {
            var draft = await CheckAsync(c.Db, input, ct);
            appeal.EditRoadmapStep(stepId, draft, c.User.RequiredId, now, await clocks.ForAsync(c.Db, draft.OwnerOrganisationId, ct));
        });

    public static AppealAction Reorder(AppealChanges c, IReadOnlyList<Guid>? stepIds, CancellationToken ct) =>
        new(appeal => MayBuildAsync(c.User, appeal, ct), (appeal, now) =>
        {
            appeal.ReorderRoadmap(stepIds ?? throw new InputException("stepIds", "field.required", "Перечислите шаги в новом порядке.", 422),
                c.User.RequiredId, now);
            return Task.CompletedTask;
        });

    /// <summary>Moves one step up or down by one place: the card's buttons.</summary>
    public static AppealAction Move(AppealChanges c, Guid stepId, int by, CancellationToken ct) =>
        new(appeal => MayBuildAsync(c.User, appeal, ct), (appeal, now) =>
        {
            var order = appeal.Roadmap?.Ordered.Select(s => s.Id).ToList() ?? throw new RuleException("roadmap.missing", "У жалобы ещё нет дорожной карты.");
            var at = order.IndexOf(stepId);
            if (at < 0) throw new RuleException("roadmap.step_missing", "В дорожной карте нет такого шага.");
            var to = Math.Clamp(at + by, 0, order.Count - 1);
            (order[at], order[to]) = (order[to], order[at]);
            appeal.ReorderRoadmap(order, c.User.RequiredId, now);
            return Task.CompletedTask;
        });

    public static AppealAction Cancel(AppealChanges c, Guid stepId, string? reason, CancellationToken ct) =>
        new(appeal => MayBuildAsync(c.User, appeal, ct), (appeal, now) =>
        {
            AppealsApi.CheckText("reason", reason, 2000);
            appeal.CancelRoadmapStep(stepId, reason!, c.User.RequiredId, now);
            return Task.CompletedTask;
        });

    public static AppealAction ApplyTemplate(AppealChanges c, DeadlineClocks clocks, Guid? templateId, CancellationToken ct) =>
        new(appeal => MayBuildAsync(c.User, appeal, ct), async (appeal, now) =>
        {
            var template = templateId is { } tid ? await c.Db.RoadmapTemplates.AsNoTracking().Include(t => t.Steps).SingleOrDefaultAsync(t => t.Id == tid, ct) : null;
            if (template is null) throw new InputException("templateId", "roadmap.unknown_template", "Выберите шаблон дорожной карты.", 422);
            var (clockOf, _) = await RoadmapClocks.LoadAsync(c.Db, clocks, ct);
            foreach (var step in appeal.ApplyRoadmapTemplate(template, c.User.RequiredId, now, clockOf)) c.Db.RoadmapSteps.Add(step);
        });

    public static AppealAction Approve(AppealChanges c, DeadlineClocks clocks, CancellationToken ct) =>
        new(appeal => MayApproveAsync(c.User, appeal, ct), async (appeal, now) =>
        {
            var (clockOf, _) = await RoadmapClocks.LoadAsync(c.Db, clocks, ct);
            appeal.ApproveRoadmap(c.User.RequiredId, now, clockOf);
            // The applicant sees the agreed plan on the portal; the owners of its steps learn what they own.
            c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.RoadmapApproved, new
            {
                appeal.Id, appeal.Number, appeal.Applicant.Email, revision = appeal.Roadmap!.Revision,
                owners = appeal.Roadmap.Steps.Where(s => s.IsOpen).Select(s => s.OwnerOrganisationId).Distinct(),
            }, appeal.Id, now));
        });

    public static AppealAction Reopen(AppealChanges c, string? reason, CancellationToken ct) =>
        new(Holds(c, ct, Duty.Execute, Duty.Control), (appeal, now) =>
        {
            AppealsApi.CheckText("reason", reason, 2000);
            appeal.ReopenRoadmap(reason!, c.User.RequiredId, now);
            return Task.CompletedTask;
        });

    public static AppealAction Report(AppealChanges c, Guid stepId, StepStatus? status, string? result, CancellationToken ct) =>
        new(appeal => MayReportAsync(c.User, appeal, stepId, ct), (appeal, now) =>
        {
            if (result is not null) AppealsApi.CheckText("result", result, RoadmapStep.MaxResult, required: false);
            appeal.ReportRoadmapStep(stepId, status ?? throw new InputException("status", "field.required", "Выберите состояние шага.", 422),
                result, c.User.RequiredId, now);
            return Task.CompletedTask;
        });

    public static AppealAction Escalate(AppealChanges c, string? reason, CancellationToken ct) =>
        new(appeal => MayEscalateAsync(c.User, appeal, ct), (appeal, now) =>
        {
            AppealsApi.CheckText("reason", reason, 2000);
            appeal.EscalateToHq(reason!, c.User.RequiredId, now);
            c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.HqEscalated, new { appeal.Id, appeal.Number, role = Role.HqMember, reason }, appeal.Id, now));
            return Task.CompletedTask;
        });

    public static AppealAction Decide(AppealChanges c, DeadlineClocks clocks, DateOnly? date, string? text, IReadOnlyList<Guid>? organisationIds,
        DateOnly? dueDate, CancellationToken ct) =>
        new(_ => MayDecideAsync(c.User, ct), async (appeal, now) =>
        {
            var ids = (organisationIds ?? []).Distinct().ToList();
            var known = await c.Db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToListAsync(ct);
            if (known.Count != ids.Count)
                throw new InputException("organisationIds", "directory.unknown_organisation", "Такой организации нет в справочнике.", 422);
            // Seed 001: the HQ's decisions bind the regional bodies and municipalities, and the federal bodies that sit on it.
            if (known.FirstOrDefault(o => !o.IsConnected && !o.SitsOnBusinessProtectionHq) is { } outsider)
                throw new InputException("organisationIds", "hq.not_member", $"«{outsider.ShortName}» не входит в Штаб: его решения для неё не обязательны.", 422);
            var (clockOf, _) = await RoadmapClocks.LoadAsync(c.Db, clocks, ct);
            var zone = clockOf(appeal.OwnerOrganisationId).Zone;
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone));
            var decision = appeal.RecordHqDecision(date ?? throw new InputException("date", "field.required", "Укажите дату решения Штаба.", 422),
                text ?? "", ids, dueDate, today, c.User.RequiredId, now, clockOf);
            c.Db.HqDecisions.Add(decision);
            foreach (var step in appeal.Roadmap!.Steps.Where(s => s.HqDecisionId == decision.Id)) c.Db.RoadmapSteps.Add(step);
            c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.HqDecisionRecorded,
                new { appeal.Id, appeal.Number, appeal.Applicant.Email, decision = decision.Id, date, organisations = ids }, appeal.Id, now));
        });

    /// <summary>The organisation must exist; the person, when named, must work there (or in a unit above or below it).</summary>
    static async Task<StepDraft> CheckAsync(AppDbContext db, StepInput input, CancellationToken ct)
    {
        if (input.Title is not null) AppealsApi.CheckText("title", input.Title, RoadmapStep.MaxTitle, required: false);
        if (input.OwnerOrganisationId is null)
            throw new InputException("ownerOrganisationId", "field.required", "Выберите организацию, ответственную за шаг.", 422);
        var owner = await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == input.OwnerOrganisationId, ct)
            ?? throw new InputException("ownerOrganisationId", "directory.unknown_organisation", "Такой организации нет в справочнике.", 422);
        if (input.PersonId is { } personId)
        {
            var paths = await db.RoleAssignments.Where(r => r.PersonId == personId && r.Role != Role.Applicant && r.OrganisationId != null)
                .Join(db.Organisations, r => r.OrganisationId, o => o.Id, (r, o) => o.Path).ToListAsync(ct);
            if (!paths.Any(p => owner.Path.StartsWith(p, StringComparison.Ordinal) || p.StartsWith(owner.Path, StringComparison.Ordinal)))
                throw new InputException("personId", "roadmap.person_outside", $"Этот сотрудник не работает в «{owner.ShortName}».", 422);
        }
        return new StepDraft(input.Title ?? "", owner.Id, input.PersonId, input.DueDate, input.Policy);
    }
}
