namespace Otklik.Features.Appeals;

/// <summary>Where an open appeal stands against its current stage deadline. Finished appeals have no state.</summary>
public enum DeadlineState { OnTrack, AtRisk, Overdue, Paused }

/// <summary>
/// The one rule for "on track / at risk / overdue / paused", used by every list, card, export and filter (the
/// database side of the rule is <see cref="AppealFilter"/>'s deadline filter; the two must agree), with its words and
/// CSS classes, so that a row reads the same on every screen.
/// </summary>
public static class DeadlineStates
{
    /// <summary>Answered or ended: no deadline runs any more.</summary>
    public static readonly AppealStatus[] Finished = [.. Appeal.Terminal, AppealStatus.AnswerSent];

    public static DeadlineState? Of(AppealStatus status, DateTime? pausedAtUtc, DateTime dueAtUtc, DateTime? atRiskFromUtc, WatchLevel level, DateTime nowUtc)
    {
        if (Finished.Contains(status)) return null;
        if (pausedAtUtc is not null) return DeadlineState.Paused;
        if (dueAtUtc < nowUtc) return DeadlineState.Overdue;
        if (atRiskFromUtc <= nowUtc || level == WatchLevel.AtRisk) return DeadlineState.AtRisk;
        return DeadlineState.OnTrack;
    }

    public static DeadlineState? Of(Appeal a, DateTime nowUtc) => Of(a.Status, a.PausedAtUtc, a.DueAtUtc, a.AtRiskFromUtc, a.WatchLevel, nowUtc);

    /// <summary>
    /// An open co-executor's part against its own deadline: overdue past it, at risk in the last quarter of its term (the
    /// rule of an hour-based deadline, <see cref="Deadlines.DeadlineClock.AtRiskFrom"/>), or in its last 24 hours.
    /// </summary>
    public static DeadlineState OfPart(DateTime? openedAtUtc, DateTime? dueAtUtc, DateTime nowUtc)
    {
        if (dueAtUtc is not { } due) return DeadlineState.OnTrack;
        if (due < nowUtc) return DeadlineState.Overdue;
        var opened = openedAtUtc ?? due;
        return nowUtc >= opened + (due - opened) * 0.75 || due - nowUtc <= TimeSpan.FromDays(1) ? DeadlineState.AtRisk : DeadlineState.OnTrack;
    }

    /// <summary>An approved open roadmap step against its deadline, by the watch's own moment of risk.</summary>
    public static DeadlineState OfStep(DateTime dueAtUtc, DateTime? atRiskFromUtc, WatchLevel level, DateTime nowUtc) =>
        dueAtUtc < nowUtc ? DeadlineState.Overdue
        : atRiskFromUtc <= nowUtc || level == WatchLevel.AtRisk ? DeadlineState.AtRisk
        : DeadlineState.OnTrack;

    public static string Title(DeadlineState? s) => s switch
    {
        DeadlineState.OnTrack => "В срок",
        DeadlineState.AtRisk => "Срок истекает",
        DeadlineState.Overdue => "Просрочено",
        DeadlineState.Paused => "Срок приостановлен",
        _ => "Рассмотрено",
    };

    /// <summary>The row's class: amber at risk, red overdue, none otherwise (colour is never the only signal: the badge says it).</summary>
    public static string RowClass(DeadlineState? s) => s switch
    {
        DeadlineState.Overdue => "overdue",
        DeadlineState.AtRisk => "at-risk",
        _ => "",
    };

    public static string BadgeClass(DeadlineState? s) => s switch
    {
        DeadlineState.Overdue => "badge overdue",
        DeadlineState.AtRisk => "badge at-risk",
        DeadlineState.OnTrack => "badge ok",
        _ => "badge",
    };

    public static string Title(WatchLevel level) => level switch
    {
        WatchLevel.OnTrack => "В срок",
        WatchLevel.AtRisk => "Срок истекает",
        WatchLevel.Overdue => "Просрочено",
        WatchLevel.EscalatedToDispatcher => "Эскалировано ответственному за распределение",
        WatchLevel.EscalatedToController => "Эскалировано контролёру",
        WatchLevel.EscalatedToCentre => "Эскалировано в ЦУР",
        _ => level.ToString(),
    };
}
