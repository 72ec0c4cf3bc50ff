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
