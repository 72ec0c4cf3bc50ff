namespace Otklik.Features.Appeals;

/// <summary>
/// The co-executor route's rules as pure functions over the appeal's parts: which stage opens next, which parts are
/// overdue, whether the answer may go. <see cref="Appeal"/> applies them and records the history.
/// </summary>
public static class CoExecutorRoute
{
    /// <summary>The stage to open now: the earliest waiting one, once no part is open; null when there is none.</summary>
    public static int? NextStage(IReadOnlyCollection<AppealPart> parts) =>
        parts.Any(p => p.Status == PartStatus.Open) ? null
        : parts.Where(p => p.Status == PartStatus.Waiting).Select(p => (int?)p.Stage).Min();

    /// <summary>The open parts past their deadline not yet escalated: each goes to its own organisation's controller once.</summary>
    public static IReadOnlyList<AppealPart> Overdue(IEnumerable<AppealPart> parts, DateTime nowUtc) =>
        [.. parts.Where(p => p.Status == PartStatus.Open && p.EscalatedAtUtc is null && p.DueAtUtc is { } due && due < nowUtc)];

    /// <summary>The one answer is composed from every part: it may go only when all are done.</summary>
    public static bool AllDone(IEnumerable<AppealPart> parts) => parts.All(p => p.Status == PartStatus.Done);

    /// <summary>A part for this organisation is already open.</summary>
    public static bool HasOpenPart(IEnumerable<AppealPart> parts, Guid organisationId) =>
        parts.Any(p => p.OrganisationId == organisationId && p.Status == PartStatus.Open);
}
