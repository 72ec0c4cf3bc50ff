using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Infrastructure;

namespace Otklik.Features.Roadmaps;

/// <summary>Draft: the executor builds it. Approved: the controller agreed the plan. Changing: reopened for changes, to be approved again.</summary>
public enum RoadmapStatus { Draft, Approved, Changing }

public enum StepStatus { Planned, InWork, Done, Failed, Cancelled }

/// <summary>Where a step came from: the executor, a template of the topic, or a decision of the Business Protection HQ.</summary>
public enum StepSource { Executor, Template, Hq }

/// <summary>What a step is: its title, the organisation that owns it, an optional person, and its deadline (a date or a policy).</summary>
public sealed record StepDraft(string Title, Guid OwnerOrganisationId, Guid? PersonId, DateOnly? DueDate, string? Policy);

/// <summary>
/// The roadmap of a complaint (seed 001): controlled steps, each with an owner organisation and a deadline. The executor
/// builds it while it is a draft or reopened for changes; the controller approves it; approved steps are watched like an
/// appeal. The rules live here; <see cref="Appeal"/> records every change in the complaint's history.
/// </summary>
public sealed class Roadmap
{
    Roadmap() { }

    public const int MaxSteps = 50;

    public Guid AppealId { get; private set; }
    public RoadmapStatus Status { get; private set; }
    public DateTime CreatedAtUtc { get; private set; }
    public Guid? ApprovedById { get; private set; }
    public DateTime? ApprovedAtUtc { get; private set; }
    /// <summary>How many times the controller has approved it: 0 for a plan never approved.</summary>
    public int Revision { get; private set; }
    public string? ChangeReason { get; private set; }
    public List<RoadmapStep> Steps { get; private set; } = [];

    internal static Roadmap Start(Guid appealId, DateTime nowUtc) => new() { AppealId = appealId, Status = RoadmapStatus.Draft, CreatedAtUtc = nowUtc };

    public bool IsEditable => Status is RoadmapStatus.Draft or RoadmapStatus.Changing;

    public IEnumerable<RoadmapStep> Ordered => Steps.OrderBy(s => s.Order);

    public RoadmapStep Step(Guid stepId) =>
        Steps.SingleOrDefault(s => s.Id == stepId) ?? throw new RuleException("roadmap.step_missing", "В дорожной карте нет такого шага.");

    void RequireEditable()
    {
        if (!IsEditable)
            throw new RuleException("roadmap.approved",
                "Дорожная карта утверждена: чтобы изменить шаги, откройте её для изменений (потребуется повторное утверждение).");
    }

    /// <param name="startsAtUtc">When a policy deadline starts counting (a template step following another); null: now.</param>
    internal RoadmapStep Add(StepDraft d, StepSource source, Guid? hqDecisionId, DateTime nowUtc, DeadlineClock clock, bool approved, DateTime? startsAtUtc = null)
    {
        // A decision of the HQ binds whatever the state of the plan; everything else waits for the plan to be open.
        if (source != StepSource.Hq) RequireEditable();
        if (Steps.Count >= MaxSteps) throw new RuleException("roadmap.too_many_steps", $"В дорожной карте не больше {MaxSteps} шагов.");
        var step = RoadmapStep.Create(AppealId, Steps.Count == 0 ? 1 : Steps.Max(s => s.Order) + 1, d, source, hqDecisionId, nowUtc);
        if (startsAtUtc is { } start && start > nowUtc) step.StartClockAt(start);
        if (approved) step.MarkApproved(nowUtc);
        step.Schedule(clock, nowUtc);
        Steps.Add(step);
        return step;
    }

    internal RoadmapStep Edit(Guid stepId, StepDraft d, DateTime nowUtc, DeadlineClock clock)
    {
        RequireEditable();
        var step = Step(stepId);
        step.RequireOpen();
        step.Change(d, nowUtc);
        step.Schedule(clock, nowUtc);
        return step;
    }

    internal void Reorder(IReadOnlyList<Guid> order)
    {
        RequireEditable();
        if (order.Count != Steps.Count || order.Distinct().Count() != order.Count || order.Any(id => Steps.All(s => s.Id != id)))
            throw new InputException("stepIds", "roadmap.order", "Перечислите каждый шаг дорожной карты ровно один раз.", StatusCodes.Status422UnprocessableEntity);
        for (var i = 0; i < order.Count; i++) Step(order[i]).MoveTo(i + 1);
    }

    internal RoadmapStep Cancel(Guid stepId, string reason, DateTime nowUtc)
    {
        RequireEditable();
        var step = Step(stepId);
        step.RequireOpen();
        step.Finish(StepStatus.Cancelled, reason, nowUtc);
        return step;
    }

    internal int Approve(Guid controllerId, DateTime nowUtc, Func<Guid, DeadlineClock> clockOf)
    {
        if (!IsEditable) throw new RuleException("roadmap.already_approved", "Дорожная карта уже утверждена.");
        if (!Steps.Any(s => s.IsOpen))
            throw new RuleException("roadmap.empty", "В дорожной карте нет ни одного действующего шага: утверждать нечего.");
        var approved = 0;
        foreach (var step in Steps.Where(s => s.IsOpen && s.ApprovedAtUtc is null))
        {
            step.MarkApproved(nowUtc);
            step.Schedule(clockOf(step.OwnerOrganisationId), nowUtc);
            approved++;
        }
        Status = RoadmapStatus.Approved;
        ApprovedById = controllerId;
        ApprovedAtUtc = nowUtc;
        ChangeReason = null;
        Revision++;
        return approved;
    }

    internal void Reopen(string reason)
    {
        if (Status != RoadmapStatus.Approved) throw new RuleException("roadmap.not_approved", "Дорожная карта ещё не утверждена: её можно менять и так.");
        Status = RoadmapStatus.Changing;
        ChangeReason = reason;
    }
}

/// <summary>One controlled step of a roadmap. Its deadline is counted in the owner organisation's zone, hours and calendar.</summary>
public sealed class RoadmapStep
{
    RoadmapStep() { }

    public const int MaxTitle = 2000;
    public const int MaxResult = 4000;

    public Guid Id { get; private set; }
    public Guid AppealId { get; private set; }
    public int Order { get; private set; }
    public string Title { get; private set; } = "";
    public Guid OwnerOrganisationId { get; private set; }
    public Guid? PersonId { get; private set; }
    /// <summary>A fixed due date (the end of that day in the owner's zone), or null when <see cref="Policy"/> counts it.</summary>
    public DateOnly? DueDate { get; private set; }
    /// <summary>A deadline policy ("working-days:5") counted from <see cref="ClockStartedAtUtc"/>.</summary>
    public string? Policy { get; private set; }
    public DateTime ClockStartedAtUtc { get; private set; }
    public DateTime DueAtUtc { get; private set; }
    public DateOnly? ControlDate { get; private set; }
    public DateTime? AtRiskFromUtc { get; private set; }
    public WatchLevel WatchLevel { get; private set; }
    public DateTime? NextWatchAtUtc { get; private set; }
    public StepStatus Status { get; private set; }
    public string? Result { get; private set; }
    public DateTime CreatedAtUtc { get; private set; }
    public DateTime? CompletedAtUtc { get; private set; }
    /// <summary>When the controller (or the HQ's decision) approved this step; an edited step waits for approval again.</summary>
    public DateTime? ApprovedAtUtc { get; private set; }
    public StepSource Source { get; private set; }
    public Guid? HqDecisionId { get; private set; }

    public bool IsOpen => Status is StepStatus.Planned or StepStatus.InWork;
    public bool IsApproved => ApprovedAtUtc is not null;
    public bool IsOverdue(DateTime nowUtc) => IsOpen && IsApproved && nowUtc > DueAtUtc;

    internal static RoadmapStep Create(Guid appealId, int order, StepDraft d, StepSource source, Guid? hqDecisionId, DateTime nowUtc)
    {
        var step = new RoadmapStep
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(nowUtc, TimeSpan.Zero)), AppealId = appealId, Order = order, Status = StepStatus.Planned,
            CreatedAtUtc = nowUtc, Source = source, HqDecisionId = hqDecisionId,
        };
        step.Change(d, nowUtc);
        return step;
    }

    /// <summary>Checks and takes what a step is; a changed step waits for approval again.</summary>
    internal void Change(StepDraft d, DateTime nowUtc)
    {
        var e = new InputErrors();
        if (string.IsNullOrWhiteSpace(d.Title)) e.Add("title", "field.required", "Опишите, что нужно сделать на этом шаге.");
        else if (d.Title.Trim().Length > MaxTitle) e.Add("title", "field.too_long", $"Не длиннее {MaxTitle} символов.");
        if (d.OwnerOrganisationId == Guid.Empty) e.Add("ownerOrganisationId", "field.required", "Выберите организацию, ответственную за шаг.");
        if (d.DueDate is null && string.IsNullOrWhiteSpace(d.Policy))
            e.Add("dueDate", "roadmap.deadline_required", "Укажите срок шага: дату или правило срока.");
        else if (d.DueDate is not null && !string.IsNullOrWhiteSpace(d.Policy))
            e.Add("dueDate", "roadmap.deadline_twice", "Укажите срок шага одним способом: датой или правилом срока.");
        else if (d.Policy is { } p && !string.IsNullOrWhiteSpace(p) && !DeadlinePolicy.TryParse(p, out _, out var error))
            e.Add("policy", "roadmap.policy", error!);
        else if (d.DueDate is { } date && date < DateOnly.FromDateTime(nowUtc.AddDays(-1)))
            e.Add("dueDate", "roadmap.due_in_past", "Срок шага не может быть в прошлом.");
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);

        var deadlineChanged = d.DueDate != DueDate || NormalisePolicy(d.Policy) != Policy || d.OwnerOrganisationId != OwnerOrganisationId;
        var changed = deadlineChanged || d.Title.Trim() != Title || d.PersonId != PersonId;
        Title = d.Title.Trim();
        PersonId = d.PersonId;
        if (deadlineChanged)
        {
            OwnerOrganisationId = d.OwnerOrganisationId;
            DueDate = d.DueDate;
            Policy = NormalisePolicy(d.Policy);
            // A policy counts from when the step was (re)planned.
            ClockStartedAtUtc = nowUtc;
        }
        if (changed) ApprovedAtUtc = null;
    }

    static string? NormalisePolicy(string? policy) => string.IsNullOrWhiteSpace(policy) ? null : DeadlinePolicy.Parse(policy).ToString();

    internal void RequireOpen()
    {
        if (!IsOpen) throw new RuleException("roadmap.step_closed", $"Шаг «{Title}» уже {RoadmapLabels.Of(Status).ToLowerInvariant()}: его не изменить.");
    }

    internal void MoveTo(int order) => Order = order;

    /// <summary>A step that follows others: its policy deadline counts from when they are due, not from now.</summary>
    internal void StartClockAt(DateTime startUtc) => ClockStartedAtUtc = startUtc;

    internal void MarkApproved(DateTime nowUtc) => ApprovedAtUtc = nowUtc;

    /// <summary>The owner reports progress: in work, done or failed (done and failed need a result).</summary>
    internal void Progress(StepStatus to, string? result, DateTime nowUtc)
    {
        if (!IsApproved) throw new RuleException("roadmap.step_not_approved", "Шаг ещё не утверждён контролёром: отчитываться по нему рано.");
        RequireOpen();
        switch (to)
        {
            case StepStatus.InWork:
                if (Status == StepStatus.InWork) throw new RuleException("roadmap.step_in_work", "Шаг уже в работе.");
                Status = StepStatus.InWork;
                if (!string.IsNullOrWhiteSpace(result)) Result = result.Trim();
                break;
            case StepStatus.Done or StepStatus.Failed:
                if (string.IsNullOrWhiteSpace(result))
                    throw new InputException("result", "field.required",
                        to == StepStatus.Done ? "Опишите результат шага." : "Опишите, почему шаг не выполнен.", StatusCodes.Status422UnprocessableEntity);
                Finish(to, result, nowUtc);
                break;
            default:
                throw new InputException("status", "roadmap.progress_status", "Состояние шага: в работе, выполнен или не выполнен.", StatusCodes.Status422UnprocessableEntity);
        }
    }

    internal void Finish(StepStatus to, string result, DateTime nowUtc)
    {
        Status = to;
        Result = result.Trim();
        CompletedAtUtc = nowUtc;
        NextWatchAtUtc = null;
    }

    /// <summary>Counts the deadline with the owner's clock; when it moves, the watch starts over for it.</summary>
    internal void Schedule(DeadlineClock clock, DateTime nowUtc)
    {
        Due due;
        if (DueDate is { } date)
            due = Due.OnDate(date, clock.Calendar.IsWorkingDay(date) ? date : clock.Calendar.PreviousWorkingDay(date), clock.Zone);
        else
            due = clock.Compute(DeadlinePolicy.Parse(Policy!), ClockStartedAtUtc);
        if (due.EndUtc != DueAtUtc || AtRiskFromUtc is null)
        {
            DueAtUtc = due.EndUtc;
            ControlDate = due.ControlDate;
            AtRiskFromUtc = clock.AtRiskFrom(due, ClockStartedAtUtc < nowUtc ? ClockStartedAtUtc : nowUtc);
            WatchLevel = WatchLevel.OnTrack;
        }
        NextWatchAtUtc = IsOpen && IsApproved ? NextWatch(clock) : null;
    }

    /// <summary>Moves the step's watch up to now: each level once, in order. Returns the levels reached.</summary>
    internal IReadOnlyList<WatchLevel> Watch(DeadlineClock clock, DateTime nowUtc)
    {
        var reached = new List<WatchLevel>();
        if (!IsOpen || !IsApproved)
        {
            NextWatchAtUtc = null;
            return reached;
        }
        while (NextWatchAtUtc is { } next && next <= nowUtc && WatchLevel < WatchLevel.EscalatedToCentre)
        {
            WatchLevel++;
            reached.Add(WatchLevel);
            NextWatchAtUtc = NextWatch(clock);
        }
        return reached;
    }

    internal void StopWatching() => NextWatchAtUtc = null;

    DateTime? NextWatch(DeadlineClock clock) => WatchLevel switch
    {
        WatchLevel.OnTrack => AtRiskFromUtc ?? DueAtUtc,
        WatchLevel.AtRisk => DueAtUtc.AddSeconds(1),
        WatchLevel.Overdue => clock.AfterWorkingDays(DueAtUtc, 1),
        WatchLevel.EscalatedToDispatcher => clock.AfterWorkingDays(DueAtUtc, 2),
        WatchLevel.EscalatedToController => clock.AfterWorkingDays(DueAtUtc, 3),
        _ => null,
    };
}

public static class RoadmapLabels
{
    public static string Of(RoadmapStatus s) => s switch
    {
        RoadmapStatus.Draft => "Черновик",
        RoadmapStatus.Approved => "Утверждена",
        RoadmapStatus.Changing => "На изменении",
        _ => s.ToString(),
    };

    public static string Of(StepStatus s) => s switch
    {
        StepStatus.Planned => "Запланирован",
        StepStatus.InWork => "В работе",
        StepStatus.Done => "Выполнен",
        StepStatus.Failed => "Не выполнен",
        StepStatus.Cancelled => "Отменён",
        _ => s.ToString(),
    };

    public static string Of(StepSource s) => s switch
    {
        StepSource.Executor => "Исполнитель",
        StepSource.Template => "Шаблон",
        StepSource.Hq => "Решение Штаба",
        _ => s.ToString(),
    };
}
