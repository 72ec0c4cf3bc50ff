using Otklik.Features.Deadlines;
using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;

/// <summary>
/// The appeal's clock as pure functions: the deadlines of each stage from the instants its clocks started, the time a
/// pause costs, the extension rules and the deadline watch's steps. <see cref="Appeal"/> keeps the facts (its columns)
/// and applies what these return; nothing here reads a database, so each rule is unit-tested on its own.
/// </summary>
public static class AppealClock
{
    /// <summary>What the deadlines are computed from: the appeal's classification and the instants its clocks started.</summary>
    public sealed record Facts(
        AppealStatus Status, LegalRegime Regime, AppealKind Kind, Guid? TopicId, bool High, string? AnswerPolicyOverride,
        DateTime ReceivedAtUtc, DateTime ModerationStartedAtUtc, DateTime? ClarificationAskedAtUtc, DateTime? AnswerClockStartedAtUtc,
        DateTime? WorkStartedAtUtc, long PausedSeconds, long PausedWorkingSeconds, int ExtensionDays);

    /// <summary>The deadlines: of moderation, of clarification, of the answer (null until its clock starts), and of the current stage.</summary>
    public sealed record Deadlines(Due Moderation, Due? Clarification, Due? Answer, DeadlinePolicy? AnswerPolicy, Due? Stage, DateTime StageStart);

    /// <summary>The statuses whose current stage deadline the watch follows.</summary>
    public static readonly AppealStatus[] Watched =
        [AppealStatus.Moderation, AppealStatus.Registered, AppealStatus.Assigned, AppealStatus.InWork, AppealStatus.AnswerDraft, AppealStatus.AnswerReview];

    public const int MaxExtensionDays = 30;

    /// <summary>The answer's policy: an auto-rule's override, else the deadline rules, else 30 calendar days.</summary>
    public static DeadlinePolicy AnswerPolicy(string? overridePolicy, LegalRegime regime, AppealKind kind, Guid? topicId, bool high, DeadlineClock clock) =>
        overridePolicy is { } own ? DeadlinePolicy.Parse(own)
        : clock.PolicyFor(DeadlineStage.Answer, regime, kind, topicId, high) ?? DeadlinePolicy.Parse("calendar-days:30");

    public static Deadlines Compute(Facts f, DeadlineClock clock, DateTime nowUtc)
    {
        DeadlinePolicy Policy(DeadlineStage stage, string fallback) =>
            clock.PolicyFor(stage, f.Regime, f.Kind, f.TopicId, f.High) ?? DeadlinePolicy.Parse(fallback);

        var moderation = clock.Compute(Policy(DeadlineStage.Moderation, "hours:48"), f.ModerationStartedAtUtc);
        if (clock.PolicyFor(DeadlineStage.Registration, f.Regime, f.Kind, f.TopicId, f.High) is { } registration
            && clock.Compute(registration, f.ReceivedAtUtc) is { } byLaw && byLaw.EndUtc < moderation.EndUtc)
            moderation = byLaw;

        Due? clarification = f.ClarificationAskedAtUtc is { } asked ? clock.Compute(Policy(DeadlineStage.Clarification, "calendar-days:3"), asked) : null;

        Due? answer = null;
        DeadlinePolicy? answerPolicy = null;
        if (f.AnswerClockStartedAtUtc is { } started)
        {
            answerPolicy = AnswerPolicy(f.AnswerPolicyOverride, f.Regime, f.Kind, f.TopicId, f.High, clock);
            // A pause moves the start by the wall-clock time it lasted; a working-hours count instead adds the working
            // time that passed during the pause (a pause over a night costs no working hours).
            var counted = answerPolicy is WorkingHoursPolicy workingHours
                ? workingHours.Compute(new DateTimeOffset(DateTime.SpecifyKind(started, DateTimeKind.Utc)), clock.Zone, clock.Hours, clock.Calendar,
                    TimeSpan.FromSeconds(f.PausedWorkingSeconds))
                : clock.Compute(answerPolicy, started.AddSeconds(f.PausedSeconds));
            answer = clock.Extend(counted, f.ExtensionDays);
        }

        Due? contact = null;
        if (f.Status is AppealStatus.Registered or AppealStatus.Assigned && f.WorkStartedAtUtc is null && f.AnswerClockStartedAtUtc is { } from
            && clock.PolicyFor(DeadlineStage.Contact, f.Regime, f.Kind, f.TopicId, f.High) is { } contactPolicy)
            contact = clock.Compute(contactPolicy, from);

        var (stage, stageStart) = f.Status switch
        {
            AppealStatus.Moderation => (moderation, f.ModerationStartedAtUtc),
            AppealStatus.Clarification => (clarification, f.ClarificationAskedAtUtc ?? nowUtc),
            _ when contact is not null => (contact, f.AnswerClockStartedAtUtc!.Value),
            _ when AppealLifecycle.Working.Contains(f.Status) => (answer, f.AnswerClockStartedAtUtc!.Value),
            _ => ((Due?)null, nowUtc),
        };
        return new(moderation, clarification, answer, answerPolicy, stage, stageStart);
    }

    /// <summary>The time a pause from <paramref name="sinceUtc"/> to <paramref name="nowUtc"/> cost: wall-clock and working seconds.</summary>
    public static (long Seconds, long WorkingSeconds) PauseCost(DateTime sinceUtc, DateTime nowUtc, DeadlineClock clock) =>
        ((long)(nowUtc - sinceUtc).TotalSeconds, (long)clock.WorkingTimeBetween(sinceUtc, nowUtc).TotalSeconds);

    /// <summary>An обращение under 59-ФЗ is extended once (ст. 12 ч. 2); other regimes as often as the head decides.</summary>
    public static bool ExtensionLeft(LegalRegime regime, int extensionCount) => !(regime == LegalRegime.Obrashchenie59 && extensionCount > 0);

    /// <summary>The rules of an extension (or of asking for one): the days, the one 59-ФЗ extension, before the deadline.</summary>
    public static void CheckExtension(int days, LegalRegime regime, int extensionCount, DateTime nowUtc, DateTime dueUtc)
    {
        if (days is < 1 or > MaxExtensionDays)
            throw new InputException("days", "extension.days", $"Срок продлевается на 1–{MaxExtensionDays} дней.", StatusCodes.Status422UnprocessableEntity);
        CheckExtensionAllowed(regime, extensionCount, nowUtc, dueUtc);
    }

    public static void CheckExtensionAllowed(LegalRegime regime, int extensionCount, DateTime nowUtc, DateTime dueUtc)
    {
        if (!ExtensionLeft(regime, extensionCount))
            throw new RuleException("extension.once", "Срок рассмотрения обращения по 59-ФЗ продлевается только один раз.");
        if (nowUtc > dueUtc)
            throw new RuleException("extension.too_late", "Срок уже истёк: продлить его можно только до истечения, уведомив заявителя.");
    }

    /// <summary>The watch's next level for the current stage deadline. Moderation has no dispatcher or controller.</summary>
    public static WatchLevel NextLevel(WatchLevel level, bool inModeration) => level switch
    {
        WatchLevel.OnTrack => WatchLevel.AtRisk,
        WatchLevel.AtRisk => WatchLevel.Overdue,
        // An overdue moderation goes straight to the centre's head.
        WatchLevel.Overdue when inModeration => WatchLevel.EscalatedToCentre,
        WatchLevel.Overdue => WatchLevel.EscalatedToDispatcher,
        WatchLevel.EscalatedToDispatcher => WatchLevel.EscalatedToController,
        _ => WatchLevel.EscalatedToCentre,
    };

    /// <summary>When the watch looks next at a deadline at <paramref name="level"/>; null when nothing is left to do.</summary>
    public static DateTime? NextWatch(WatchLevel level, DateTime? atRiskFromUtc, DateTime dueAtUtc, DeadlineClock clock) => level switch
    {
        WatchLevel.OnTrack => atRiskFromUtc ?? dueAtUtc,
        WatchLevel.AtRisk => dueAtUtc.AddSeconds(1),
        WatchLevel.Overdue => clock.AfterWorkingDays(dueAtUtc, 1),
        WatchLevel.EscalatedToDispatcher => clock.AfterWorkingDays(dueAtUtc, 2),
        WatchLevel.EscalatedToController => clock.AfterWorkingDays(dueAtUtc, 3),
        _ => null,
    };
}
