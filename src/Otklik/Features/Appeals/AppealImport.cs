using Otklik.Features.Deadlines;
using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;

public sealed partial class Appeal
{
    /// <summary>One line of an old system's history (a Redmine journal): when, by whom (if the person is known here), what.</summary>
    public sealed record ImportedEntry(DateTime AtUtc, Guid? ActorId, string Note, object? Data);

    /// <summary>
    /// Where the old system left the appeal: its mapped status (only those an import may state, <see cref="ImportableStatuses"/>),
    /// since when, the executor organisation and person, and the answer's text when one was given.
    /// </summary>
    public sealed record ImportedState(AppealStatus Status, DateTime AtUtc, Guid? ExecutorOrganisationId, Guid? AssigneeId, string? AnswerText,
        string Source, object? Data);

    /// <summary>The statuses an old system's record can be brought into: the ones whose facts a tracker has (no drafts, reviews, pauses).</summary>
    public static readonly AppealStatus[] ImportableStatuses =
        [AppealStatus.Moderation, AppealStatus.Registered, AppealStatus.Assigned, AppealStatus.InWork, AppealStatus.AnswerSent, AppealStatus.Closed];

    /// <summary>
    /// An appeal intake has just made of an old system's record takes that record's history (each entry at its own date)
    /// and its state (ADR 0026). The clocks start where they started there: registered when received, answered and closed
    /// when the old system says so; the deadlines are recomputed from those facts, so a record still open there is as late
    /// here as it really is.
    /// </summary>
    public void Import(IReadOnlyList<ImportedEntry> history, ImportedState state, DeadlineClock clock, DateTime nowUtc)
    {
        Require(Transition.Import);
        if (!ImportableStatuses.Contains(state.Status))
            throw new RuleException("import.status", $"Статус «{Labels.Of(state.Status)}» нельзя перенести из прежней системы.");
        if (state.Status is AppealStatus.Assigned or AppealStatus.InWork && state.AssigneeId is null)
            throw new RuleException("import.no_assignee", "Обращение в работе переносится только с исполнителем.");
        foreach (var entry in history.OrderBy(h => h.AtUtc)) Record(EventKind.Imported, entry.AtUtc, entry.ActorId, entry.Note, entry.Data);

        if (state.Status != AppealStatus.Moderation)
        {
            ExecutorOrganisationId = state.ExecutorOrganisationId ?? ExecutorOrganisationId ?? OwnerOrganisationId;
            RegisteredAtUtc ??= ReceivedAtUtc;
            AnswerClockStartedAtUtc ??= RegisteredAtUtc;
        }
        if (state.Status is AppealStatus.Assigned or AppealStatus.InWork or AppealStatus.AnswerSent or AppealStatus.Closed)
            AssigneeId = state.AssigneeId ?? AssigneeId;
        if (state.Status == AppealStatus.InWork) WorkStartedAtUtc ??= state.AtUtc;
        if (state.Status is AppealStatus.AnswerSent or AppealStatus.Closed)
        {
            AnswerText = string.IsNullOrWhiteSpace(state.AnswerText) ? null : state.AnswerText.Trim();
            AnswerResult = FederalResult.AnswerGiven;
            AnsweredAtUtc = state.AtUtc;
        }
        if (state.Status == AppealStatus.Closed) ClosedAtUtc = state.AtUtc;

        var note = $"Перенесено из {state.Source}";
        if (state.Status == Status) Record(EventKind.Imported, state.AtUtc, null, note, state.Data);
        else Move(state.Status, EventKind.Imported, state.AtUtc, null, note, state.Data);
        ApplyDeadlines(clock, nowUtc);
    }
}
