namespace Otklik.Features.Roadmaps;

/// <summary>
/// A decision of the Business Protection HQ on an escalated complaint (seed 001: its decisions bind the regional bodies,
/// municipalities and federal bodies that sit on it). Each bound organisation gets a step of the roadmap.
/// </summary>
public sealed class HqDecision
{
    HqDecision() { }

    public const int MaxText = 8000;

    public Guid Id { get; private set; }
    public Guid AppealId { get; private set; }
    /// <summary>The date of the HQ's meeting that took the decision.</summary>
    public DateOnly DecisionDate { get; private set; }
    public string Text { get; private set; } = "";
    public List<Guid> OrganisationIds { get; private set; } = [];
    /// <summary>By when the bound organisations must carry it out; null: the default term counted from the record.</summary>
    public DateOnly? DueDate { get; private set; }
    public Guid RecordedById { get; private set; }
    public DateTime RecordedAtUtc { get; private set; }

    internal static HqDecision Create(Guid appealId, DateOnly date, string text, IReadOnlyList<Guid> organisations, DateOnly? dueDate,
        Guid recordedBy, DateTime nowUtc) => new()
    {
        Id = Guid.CreateVersion7(new DateTimeOffset(nowUtc, TimeSpan.Zero)), AppealId = appealId, DecisionDate = date, Text = text,
        OrganisationIds = [.. organisations], DueDate = dueDate, RecordedById = recordedBy, RecordedAtUtc = nowUtc,
    };
}
