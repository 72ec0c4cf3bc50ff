using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Roadmaps;
using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;

/// <summary>What the roadmap watch tells about one step at one level, and whom.</summary>
public sealed record StepNotice(Guid StepId, WatchLevel Level, Role Role, Guid OrganisationId, Guid? PersonId, string Title, DateTime DueAtUtc);

/// <summary>
/// The complaint's roadmap and its way to the Business Protection HQ: each change checks the rule of the roadmap (or of
/// the HQ), and appends one event to the appeal's history, like every other change of an appeal.
/// </summary>
public sealed partial class Appeal
{
    public Roadmap? Roadmap { get; private set; }
    /// <summary>When the complaint was escalated to the Business Protection HQ; its members see it from then on.</summary>
    public DateTime? HqEscalatedAtUtc { get; private set; }
    public Guid? HqEscalatedById { get; private set; }
    public string? HqEscalationReason { get; private set; }
    public List<HqDecision> HqDecisions { get; private set; } = [];

    /// <summary>The term of a step made from an HQ decision that names no date.</summary>
    public const string HqDefaultPolicy = "working-days:10";

    void RequireRoadmapAllowed()
    {
        if (Kind != AppealKind.Complaint)
            throw new RuleException("roadmap.not_complaint", "Дорожная карта ведётся только по жалобам (вид «Проблема/жалоба»).");
        Require(Transition.KeepRoadmap);
    }

    Roadmap OpenRoadmap(DateTime nowUtc) => Roadmap ??= Roadmaps.Roadmap.Start(Id, nowUtc);

    static object StepData(RoadmapStep s) =>
        new { step = s.Id, s.Order, owner = s.OwnerOrganisationId, person = s.PersonId, s.DueDate, s.Policy, s.DueAtUtc };

    public RoadmapStep AddRoadmapStep(StepDraft d, Guid actorId, DateTime nowUtc, DeadlineClock ownerClock)
    {
        RequireRoadmapAllowed();
        var step = OpenRoadmap(nowUtc).Add(d, StepSource.Executor, null, nowUtc, ownerClock, approved: false);
        Record(EventKind.RoadmapStepAdded, nowUtc, actorId, step.Title, StepData(step));
        return step;
    }

    /// <summary>Adds the steps of a template; a step without an owner goes to the complaint's executor organisation.</summary>
    public IReadOnlyList<RoadmapStep> ApplyRoadmapTemplate(RoadmapTemplate template, Guid actorId, DateTime nowUtc, Func<Guid, DeadlineClock> clockOf)
    {
        RequireRoadmapAllowed();
        if (template.Steps.Count == 0) throw new RuleException("roadmap.template_empty", "В шаблоне нет шагов.");
        var roadmap = OpenRoadmap(nowUtc);
        var added = new List<RoadmapStep>();
        // A chained step starts when every step before it is due; a parallel one starts with the step before it.
        var start = nowUtc;
        foreach (var t in template.Steps.OrderBy(s => s.Order))
        {
            var owner = t.OwnerOrganisationId ?? ExecutorOrganisationId ?? OwnerOrganisationId;
            if (added.Count > 0 && !t.Parallel) start = added.Max(s => s.DueAtUtc);
            added.Add(roadmap.Add(new StepDraft(t.Title, owner, null, null, t.Policy), StepSource.Template, null, nowUtc, clockOf(owner), approved: false,
                startsAtUtc: start));
        }
        Record(EventKind.RoadmapTemplateApplied, nowUtc, actorId, $"Шаблон «{template.Name}»: {added.Count} шаг(ов)",
            new { template = template.Id, steps = added.Select(s => s.Id) });
        return added;
    }

    public RoadmapStep EditRoadmapStep(Guid stepId, StepDraft d, Guid actorId, DateTime nowUtc, DeadlineClock ownerClock)
    {
        RequireRoadmapAllowed();
        var step = ExistingRoadmap.Edit(stepId, d, nowUtc, ownerClock);
        Record(EventKind.RoadmapStepChanged, nowUtc, actorId, step.Title, StepData(step));
        return step;
    }

    public void ReorderRoadmap(IReadOnlyList<Guid> order, Guid actorId, DateTime nowUtc)
    {
        RequireRoadmapAllowed();
        ExistingRoadmap.Reorder(order);
        Record(EventKind.RoadmapReordered, nowUtc, actorId, null, new { order });
    }

    public void CancelRoadmapStep(Guid stepId, string reason, Guid actorId, DateTime nowUtc)
    {
        RequireRoadmapAllowed();
        RequireText(reason, "reason");
        var step = ExistingRoadmap.Cancel(stepId, reason, nowUtc);
        Record(EventKind.RoadmapStepCancelled, nowUtc, actorId, $"«{step.Title}»: {reason.Trim()}", new { step = step.Id });
    }

    public void ApproveRoadmap(Guid controllerId, DateTime nowUtc, Func<Guid, DeadlineClock> clockOf)
    {
        RequireRoadmapAllowed();
        var roadmap = ExistingRoadmap;
        var approved = roadmap.Approve(controllerId, nowUtc, clockOf);
        Record(EventKind.RoadmapApproved, nowUtc, controllerId, roadmap.Revision > 1 ? $"Повторное утверждение (редакция {roadmap.Revision})" : null,
            new { revision = roadmap.Revision, approvedSteps = approved });
    }

    /// <summary>Opens an approved roadmap for changes; the changed plan needs the controller's approval again.</summary>
    public void ReopenRoadmap(string reason, Guid actorId, DateTime nowUtc)
    {
        RequireRoadmapAllowed();
        RequireText(reason, "reason");
        ExistingRoadmap.Reopen(reason.Trim());
        Record(EventKind.RoadmapReopened, nowUtc, actorId, reason.Trim(), null);
    }

    /// <summary>The step's owner reports: in work, done or failed, with the result.</summary>
    public void ReportRoadmapStep(Guid stepId, StepStatus to, string? result, Guid actorId, DateTime nowUtc)
    {
        RequireRoadmapAllowed();
        var step = ExistingRoadmap.Step(stepId);
        step.Progress(to, result, nowUtc);
        Record(EventKind.RoadmapStepReported, nowUtc, actorId, $"«{step.Title}» — {RoadmapLabels.Of(to).ToLowerInvariant()}" +
            (string.IsNullOrWhiteSpace(result) ? "" : $": {result.Trim()}"), new { step = step.Id, status = to });
    }

    Roadmap ExistingRoadmap => Roadmap ?? throw new RuleException("roadmap.missing", "У жалобы ещё нет дорожной карты.");

    /// <summary>
    /// The roadmap watch: moves every approved open step whose moment has come (at risk, overdue, then the owner's
    /// dispatcher, controller and the centre), each level once. A step of a body outside the platform is followed up by the
    /// complaint's executor organisation, which has people to tell.
    /// </summary>
    public IReadOnlyList<StepNotice> WatchRoadmap(Func<Guid, DeadlineClock> clockOf, Func<Guid, bool> isConnected, DateTime nowUtc)
    {
        var notices = new List<StepNotice>();
        if (Roadmap is null) return notices;
        if (IsTerminal)
        {
            foreach (var s in Roadmap.Steps) s.StopWatching();
            return notices;
        }
        foreach (var step in Roadmap.Ordered)
        {
            if (step.NextWatchAtUtc is not { } next || next > nowUtc) continue;
            var follow = isConnected(step.OwnerOrganisationId) ? step.OwnerOrganisationId : ExecutorOrganisationId ?? OwnerOrganisationId;
            foreach (var level in step.Watch(clockOf(step.OwnerOrganisationId), nowUtc))
            {
                var notice = level switch
                {
                    WatchLevel.AtRisk => new StepNotice(step.Id, level, step.PersonId is null ? Role.Dispatcher : Role.Executor, follow, step.PersonId,
                        $"Срок шага дорожной карты по жалобе {Number} истекает: {step.Title}", step.DueAtUtc),
                    WatchLevel.Overdue => new StepNotice(step.Id, level, step.PersonId is null ? Role.Dispatcher : Role.Executor, follow, step.PersonId,
                        $"Срок шага дорожной карты по жалобе {Number} истёк: {step.Title}", step.DueAtUtc),
                    WatchLevel.EscalatedToDispatcher => new StepNotice(step.Id, level, Role.Dispatcher, follow, null,
                        $"Просрочен шаг дорожной карты по жалобе {Number}: эскалация ответственному", step.DueAtUtc),
                    WatchLevel.EscalatedToController => new StepNotice(step.Id, level, Role.Controller, follow, null,
                        $"Просрочен шаг дорожной карты по жалобе {Number}: эскалация контролёру", step.DueAtUtc),
                    _ => new StepNotice(step.Id, level, Role.Analyst, OwnerOrganisationId, null,
                        $"Просрочен шаг дорожной карты по жалобе {Number}: эскалация в центр управления", step.DueAtUtc),
                };
                notices.Add(notice);
                Record(level switch
                    {
                        WatchLevel.AtRisk => EventKind.RoadmapStepAtRisk,
                        WatchLevel.Overdue => EventKind.RoadmapStepOverdue,
                        _ => EventKind.RoadmapStepEscalated,
                    }, nowUtc, null, notice.Title,
                    new { step = step.Id, level, dueAtUtc = step.DueAtUtc, notice.Role, notice.OrganisationId, notice.PersonId });
            }
        }
        return notices;
    }

    // ---- The Business Protection HQ ----

    public bool IsEscalatedToHq => HqEscalatedAtUtc is not null;

    public void EscalateToHq(string reason, Guid actorId, DateTime nowUtc)
    {
        if (Kind != AppealKind.Complaint)
            throw new RuleException("hq.not_complaint", "На Штаб по защите бизнеса выносятся только жалобы.");
        Require(Transition.EscalateToHq);
        if (IsEscalatedToHq) throw new RuleException("hq.already", "Жалоба уже вынесена на Штаб по защите бизнеса.");
        RequireText(reason, "reason");
        HqEscalatedAtUtc = nowUtc;
        HqEscalatedById = actorId;
        HqEscalationReason = reason.Trim();
        Record(EventKind.HqEscalated, nowUtc, actorId, reason.Trim(), null);
    }

    /// <summary>
    /// The HQ's decision: each organisation it binds gets an approved step (the decision is binding, no controller approves it)
    /// due on the decision's date of execution, or <see cref="HqDefaultPolicy"/> after the record.
    /// </summary>
    public HqDecision RecordHqDecision(DateOnly date, string text, IReadOnlyList<Guid> organisations, DateOnly? dueDate, DateOnly today,
        Guid actorId, DateTime nowUtc, Func<Guid, DeadlineClock> clockOf)
    {
        if (!IsEscalatedToHq) throw new RuleException("hq.not_escalated", "Жалоба не вынесена на Штаб по защите бизнеса.");
        Require(Transition.RecordHqDecision);
        var e = new InputErrors();
        if (date > today) e.Add("date", "hq.date_future", "Дата решения Штаба не может быть в будущем.");
        if (date < DateOnly.FromDateTime(HqEscalatedAtUtc!.Value.AddDays(-1))) e.Add("date", "hq.date_before", "Решение не может быть раньше выноса жалобы на Штаб.");
        if (string.IsNullOrWhiteSpace(text)) e.Add("text", "field.required", "Изложите решение Штаба.");
        else if (text.Trim().Length > HqDecision.MaxText) e.Add("text", "field.too_long", $"Не длиннее {HqDecision.MaxText} символов.");
        if (organisations.Count == 0) e.Add("organisationIds", "hq.no_organisations", "Укажите хотя бы одну организацию, для которой решение обязательно.");
        if (dueDate is { } due && due < today) e.Add("dueDate", "hq.due_in_past", "Срок исполнения не может быть в прошлом.");
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);

        var decision = HqDecision.Create(Id, date, text.Trim(), [.. organisations.Distinct()], dueDate, actorId, nowUtc);
        HqDecisions.Add(decision);
        var roadmap = OpenRoadmap(nowUtc);
        var title = $"Исполнить решение Штаба от {date:dd.MM.yyyy}: {text.Trim()}";
        if (title.Length > RoadmapStep.MaxTitle) title = title[..(RoadmapStep.MaxTitle - 1)] + "…";
        var steps = decision.OrganisationIds.Select(org => roadmap.Add(new StepDraft(title, org, null, dueDate, dueDate is null ? HqDefaultPolicy : null),
            StepSource.Hq, decision.Id, nowUtc, clockOf(org), approved: true)).ToList();
        Record(EventKind.HqDecisionRecorded, nowUtc, actorId, text.Trim(),
            new { decision = decision.Id, date, organisations = decision.OrganisationIds, steps = steps.Select(s => s.Id), dueDate });
        return decision;
    }
}
