namespace Otklik.Features.Appeals;

public enum EventKind
{
    Received, ClarificationRequested, ClarificationGiven, Rejected, Reclassified, Routed, Registered, Merged, DuplicateMerged,
    Assigned, WorkStarted, Redirected, Extended, CoExecutorAdded, CoExecutorPartCompleted, AnswerDrafted, AnswerSubmitted,
    AnswerReturned, AnswerApproved, AnswerSent, Rated, Reopened, Closed, LeftWithoutAnswer, Returned, CorrespondenceStopped,
    AttachmentAdded, StepRecorded, ClockPaused, ClockResumed, DeadlineAtRisk, DeadlineMissed, Escalated,
    ExtensionRequested, ExtensionDeclined,
    RuleApplied, RouteRefused, RouteOpened, PartOpened, PartOverdue,
    // Complaint roadmaps and the Business Protection HQ:
    RoadmapStepAdded, RoadmapTemplateApplied, RoadmapStepChanged, RoadmapReordered, RoadmapStepCancelled, RoadmapApproved, RoadmapReopened,
    RoadmapStepReported, RoadmapStepAtRisk, RoadmapStepOverdue, RoadmapStepEscalated, HqEscalated, HqDecisionRecorded,
    PublicTextEdited,
    // The clarification question passed to the applicant another way than the letter:
    ClarificationDelivered,
    // The moderator corrected the kind (simple or complex consultation, task) after intake:
    KindChanged,
    // A tag put by hand (a bulk action of the list):
    Tagged,
    // The answer reached the social-network post or the messenger chat the appeal came from (issue 18):
    AnsweredInNetwork,
    // History brought from an old system (a Redmine journal) and the state the import left the appeal in (ADR 0026):
    Imported,
    // An exchange with an outside system (a federal platform's callback, the document system МСЭД), ADR 0043/0044:
    Exchanged,
}

/// <summary>One line of an appeal's history. Rows are only ever inserted (AppDbContext refuses updates and deletes).</summary>
public sealed class AppealEvent
{
    AppealEvent() { }

    public Guid Id { get; private set; }
    public Guid AppealId { get; private set; }
    /// <summary>1, 2, 3… within the appeal: the appeal's version that this event produced. Unique per appeal.</summary>
    public int Sequence { get; private set; }
    public EventKind Kind { get; private set; }
    public DateTime AtUtc { get; private set; }
    public Guid? ActorId { get; private set; }
    public AppealStatus? FromStatus { get; private set; }
    public AppealStatus ToStatus { get; private set; }
    /// <summary>Why: the reason, comment or note a person gave.</summary>
    public string? Note { get; private set; }
    /// <summary>Details as JSON (ground, organisation, rule, score...).</summary>
    public string? Data { get; private set; }

    internal static AppealEvent Create(Guid appealId, int sequence, EventKind kind, DateTime atUtc, Guid? actorId, AppealStatus? from,
        AppealStatus to, string? note, string? data) => new()
    {
        Id = Guid.CreateVersion7(new DateTimeOffset(atUtc, TimeSpan.Zero)),
        AppealId = appealId, Sequence = sequence, Kind = kind, AtUtc = atUtc, ActorId = actorId,
        FromStatus = from, ToStatus = to, Note = note, Data = data,
    };
}

/// <summary>Waiting: a part of a route in sequence whose turn has not come yet (no deadline until it opens).</summary>
public enum PartStatus { Open, Done, Waiting }

/// <summary>The part of an appeal sent to a co-executor organisation.</summary>
public sealed class AppealPart
{
    AppealPart() { }

    public Guid Id { get; private set; }
    public Guid AppealId { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string Task { get; private set; } = "";
    public PartStatus Status { get; private set; }
    public string? Result { get; private set; }
    public DateTime CreatedAtUtc { get; private set; }
    public DateTime? DueAtUtc { get; private set; }
    public DateTime? CompletedAtUtc { get; private set; }
    /// <summary>The order of a route in sequence: the parts of a stage open when every part of the earlier stages is done.</summary>
    public int Stage { get; private set; }
    public DateTime? OpenedAtUtc { get; private set; }
    /// <summary>The deadline policy of the part, counted in its own organisation's time zone and working hours.</summary>
    public string? Policy { get; private set; }
    /// <summary>When the overdue part went to its organisation's controller; null until then.</summary>
    public DateTime? EscalatedAtUtc { get; private set; }

    internal static AppealPart Create(Guid appealId, Guid organisationId, string task, DateTime nowUtc, DateTime? dueAtUtc) => new()
    {
        Id = Guid.CreateVersion7(), AppealId = appealId, OrganisationId = organisationId, Task = task,
        Status = PartStatus.Open, CreatedAtUtc = nowUtc, DueAtUtc = dueAtUtc, OpenedAtUtc = nowUtc,
    };

    internal void Plan(int stage, string? policy)
    {
        (Stage, Policy, Status, DueAtUtc, OpenedAtUtc) = (stage, policy, PartStatus.Waiting, null, null);
    }

    internal void Open(DateTime nowUtc, DateTime dueAtUtc, string policy)
    {
        (Status, OpenedAtUtc, DueAtUtc, Policy) = (PartStatus.Open, nowUtc, dueAtUtc, policy);
    }

    internal void Escalate(DateTime nowUtc) => EscalatedAtUtc = nowUtc;

    internal void Complete(string result, DateTime nowUtc)
    {
        Status = PartStatus.Done;
        Result = result;
        CompletedAtUtc = nowUtc;
    }
}

/// <summary>The applicant as stated in the appeal (not the account): a person, an organisation or nobody.</summary>
public sealed class ApplicantInfo
{
    public ApplicantKind Kind { get; set; }
    public string? LastName { get; set; }
    public string? FirstName { get; set; }
    public string? MiddleName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? PostalAddress { get; set; }
    public string? OrganisationName { get; set; }
    public string? Inn { get; set; }
    public string? Ogrn { get; set; }
    public string? RepresentativeName { get; set; }
    /// <summary>A collective appeal: how many people signed it besides the applicant.</summary>
    public int CoSignerCount { get; set; }

    public string DisplayName => Kind switch
    {
        ApplicantKind.Organisation => OrganisationName ?? "",
        ApplicantKind.Anonymous => "Аноним",
        _ => string.Join(' ', new[] { LastName, FirstName, MiddleName }.Where(s => !string.IsNullOrWhiteSpace(s))),
    };
}
