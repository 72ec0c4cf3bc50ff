using Otklik.Infrastructure;
using static Otklik.Features.Appeals.AppealStatus;

namespace Otklik.Features.Appeals;

/// <summary>Every change of an appeal that the status decides: one row each in <see cref="AppealLifecycle.Table"/>.</summary>
public enum Transition
{
    AskClarification, GiveClarification, RecordClarificationDelivered, ExpireClarification,
    Reject, Reclassify, ChangeKind, Route, ApplyRule, Register, MergeInto,
    Assign, StartWork, RecordStep, Redirect, Extend, RequestExtension, DeclineExtension,
    AddCoExecutor, CompletePart, OpenRoute, PauseForApplicant, ResumeClock,
    DraftAnswer, SubmitAnswer, ApproveAnswer, ReturnForRework, AnswerFromKnowledgeBase,
    Rate, Close, LeaveWithoutAnswer, ReturnToApplicant, StopCorrespondence,
    KeepRoadmap, EscalateToHq, RecordHqDecision, AddTag,
    Import,
}

/// <summary>
/// One row of the lifecycle: the statuses a transition is allowed from, the duties that may take it (none: only the system,
/// a sweep or the routing), the regimes it exists in (null: every regime), and the refusal the entity throws from any other
/// status. <see cref="When"/> is what else, besides the status, the appeal must be for the transition to be offered (not
/// paused, no pending request...); the entity method checks it with its own message.
/// </summary>
public sealed record LifecycleRow(
    Transition Transition, AppealStatus[] From, Duty[] Duties, string Code, string Refusal,
    LegalRegime[]? Regimes = null, Func<Appeal, DateTime?, bool>? When = null, string? RegimeRefusal = null);

/// <summary>
/// The appeal's lifecycle as a table: who may do what, from which status, in which regime. The entity's guards read it
/// (<see cref="Appeal.Allows"/>), and so do the pages (with the person's duty, <see cref="MayAsync"/>) and the actions'
/// authorisation (<see cref="Execution.ExecutionActions"/>): the rule is written once.
/// </summary>
public static class AppealLifecycle
{
    public static readonly AppealStatus[] Terminal = [Closed, Rejected, LeftWithoutAnswer, Returned, CorrespondenceStopped, Redirected, Merged];
    /// <summary>Registered and not yet answered: the answer clock runs.</summary>
    public static readonly AppealStatus[] Working = [Registered, Assigned, InWork, AnswerDraft, AnswerReview];
    static readonly AppealStatus[] BeforeRegistration = [AppealStatus.Moderation, Clarification];
    static readonly AppealStatus[] BeforeWork = [AppealStatus.Moderation, Clarification, Registered];
    static readonly AppealStatus[] Preparing = [Assigned, InWork, AnswerDraft];
    static readonly AppealStatus[] Open = [.. Enum.GetValues<AppealStatus>().Except(Terminal)];
    /// <summary>A roadmap is kept while the complaint is handled, and may go on after the answer is sent.</summary>
    static readonly AppealStatus[] Planning = [.. Working, AnswerSent];
    /// <summary>
    /// The 59-ФЗ outcomes (a court decision returned, ст. 11 ч. 2; correspondence stopped, ст. 11 ч. 5) exist for the
    /// citizens' обращения and the ПОС messages, whose rules follow 59-ФЗ; not for a business consultation or an incident.
    /// </summary>
    static readonly LegalRegime[] Law59 = [LegalRegime.Obrashchenie59, LegalRegime.PlatformMessage];

    static bool ExtensionLeft(Appeal a) => AppealClock.ExtensionLeft(a.Regime, a.ExtensionCount);
    static bool BeforeDue(Appeal a, DateTime? now) => now is not { } n || n <= (a.AnswerDueAtUtc ?? a.DueAtUtc);

    public static readonly IReadOnlyDictionary<Transition, LifecycleRow> Table = new LifecycleRow[]
    {
        new(Transition.AskClarification, [AppealStatus.Moderation], [Duty.Moderate], "clarification.request", "Уточнение можно запросить только у обращения на модерации.",
            When: (a, _) => a.Regime != LegalRegime.SocialIncident && a.Applicant.Kind != ApplicantKind.Anonymous),
        new(Transition.GiveClarification, [Clarification], [Duty.Applicant], "clarification.answer", "Обращение не ждёт уточнения."),
        new(Transition.RecordClarificationDelivered, [Clarification], [Duty.Moderate], "clarification.delivered", "Обращение не ждёт уточнения."),
        new(Transition.ExpireClarification, [Clarification], [], "clarification.expire", "Обращение не ждёт уточнения."),
        new(Transition.Reject, BeforeRegistration, [Duty.Moderate], "moderation.reject", "Отклонить можно только обращение на модерации или на уточнении."),
        new(Transition.Reclassify, BeforeRegistration, [Duty.Moderate], "moderation.reclassify", "Исправить классификацию можно только до регистрации."),
        new(Transition.ChangeKind, [.. BeforeRegistration, .. Working], [Duty.Moderate], "moderation.change_kind", "Вид обращения меняется, пока оно рассматривается.",
            When: (a, _) => Appeal.ChangeableKinds.Contains(a.Kind)),
        new(Transition.Route, BeforeWork, [Duty.Moderate], "routing.route", "Исполнителя можно сменить только до назначения специалиста."),
        new(Transition.ApplyRule, BeforeWork, [], "routing.rule", "Автоправила применяются только до начала работы."),
        new(Transition.Register, [AppealStatus.Moderation], [Duty.Moderate], "moderation.register", "Зарегистрировать можно только обращение на модерации."),
        new(Transition.MergeInto, BeforeRegistration, [Duty.Moderate], "moderation.merge", "Объединить можно только обращение на модерации или на уточнении."),
        new(Transition.Assign, [Registered, Assigned, InWork], [Duty.Dispatch], "execution.assign",
            "Назначить исполнителя можно только зарегистрированному обращению или обращению в работе."),
        new(Transition.StartWork, [Assigned], [Duty.Execute], "execution.start", "Взять в работу можно только назначенное обращение."),
        new(Transition.RecordStep, Preparing, [Duty.Execute], "execution.step", "Шаг можно записать только по обращению в работе."),
        new(Transition.Redirect, Working, [Duty.Execute, Duty.Moderate], "execution.redirect", "Переадресовать можно только обращение, которое ещё не отвечено."),
        new(Transition.Extend, Working, [Duty.Control], "execution.extend", "Продлить можно только срок обращения в работе.",
            When: (a, now) => ExtensionLeft(a) && BeforeDue(a, now)),
        new(Transition.RequestExtension, Working, [Duty.Execute], "execution.request_extension", "Запросить продление можно только по обращению в работе.",
            When: (a, now) => a.ExtensionRequestedDays is null && ExtensionLeft(a) && BeforeDue(a, now)),
        // A pending request exists only while the appeal is in work: leaving the work clears it.
        new(Transition.DeclineExtension, Working, [Duty.Control], "execution.decline_extension", "Запроса на продление нет.",
            When: (a, _) => a.ExtensionRequestedDays is not null),
        new(Transition.AddCoExecutor, Working, [Duty.Execute], "execution.co_executor", "Часть можно передать соисполнителю только по обращению в работе."),
        new(Transition.CompletePart, Open, [Duty.CoExecute], "execution.part_closed", "Обращение уже закрыто.",
            When: (a, _) => a.Parts.Any(p => p.Status == PartStatus.Open)),
        new(Transition.OpenRoute, [Registered], [], "routing.open_route", "Маршрут открывается при регистрации обращения."),
        new(Transition.PauseForApplicant, [Registered, Assigned, InWork], [Duty.Execute], "clock.pause", "Приостановить срок можно только по обращению в работе.",
            When: (a, _) => a.PausedAtUtc is null && a.Applicant.Kind != ApplicantKind.Anonymous),
        new(Transition.ResumeClock, Open, [Duty.Applicant, Duty.Execute], "clock.resume", "Возобновить срок можно только по обращению, которое не закрыто.",
            When: (a, _) => a.PausedAtUtc is not null),
        new(Transition.DraftAnswer, Preparing, [Duty.Execute], "answer.draft", "Ответ готовится по назначенному обращению в работе."),
        new(Transition.SubmitAnswer, [AnswerDraft], [Duty.Execute], "answer.submit", "Отправить можно только подготовленный ответ."),
        new(Transition.ApproveAnswer, [AnswerReview], [Duty.Control], "answer.approve", "Утвердить можно только ответ на проверке."),
        new(Transition.ReturnForRework, [AnswerReview], [Duty.Control], "answer.return", "Вернуть на доработку можно только ответ на проверке."),
        new(Transition.AnswerFromKnowledgeBase, [AppealStatus.Moderation, Registered, Assigned, InWork, AnswerDraft], [Duty.Moderate, Duty.Execute], "knowledge.answer",
            "Ответить по базе знаний можно только на обращение, которое ещё рассматривается.",
            When: (a, _) => (a.Type == AppealType.Question || a.Kind == AppealKind.SimpleConsultation) && a.Parts.All(p => p.Status != PartStatus.Open)),
        new(Transition.Rate, [AnswerSent], [Duty.Applicant], "rating.rate", "Оценить можно только направленный ответ."),
        new(Transition.Close, [AnswerSent], [Duty.CloseAnswered], "closing.close", "Закрыть можно только обращение с направленным ответом."),
        new(Transition.LeaveWithoutAnswer, Working, [Duty.Control], "outcome.leave", "Оставить без ответа можно только обращение, которое рассматривается."),
        new(Transition.ReturnToApplicant, Working, [Duty.Control], "outcome.return", "Вернуть можно только обращение, которое рассматривается.",
            Law59, RegimeRefusal: "Возврат обращения с обжалованием судебного решения предусмотрен только для обращений граждан по 59-ФЗ и сообщений ПОС."),
        new(Transition.StopCorrespondence, Working, [Duty.Control], "outcome.stop", "Прекратить переписку можно только по обращению, которое рассматривается.",
            Law59, RegimeRefusal: "Прекращение переписки предусмотрено только для обращений граждан по 59-ФЗ и сообщений ПОС."),
        // The roadmap: the executor builds it, the controller approves it; a step's report has its own finer check
        // (the step's owner organisation or person, RoadmapActions.MayReportAsync).
        new(Transition.KeepRoadmap, Planning, [Duty.Execute, Duty.Control], "roadmap.change", "Дорожная карта ведётся по зарегистрированной жалобе, пока она не закрыта.",
            When: (a, _) => a.Kind == AppealKind.Complaint),
        new(Transition.EscalateToHq, Planning, [Duty.Control, Duty.Oversee], "hq.escalate", "На Штаб выносится зарегистрированная жалоба, пока она не закрыта.",
            When: (a, _) => a.Kind == AppealKind.Complaint && !a.IsEscalatedToHq),
        new(Transition.RecordHqDecision, Planning, [Duty.Hq], "hq.decide", "Решение Штаба записывается по жалобе, пока она не закрыта.",
            When: (a, _) => a.IsEscalatedToHq),
        // A tag put by hand (a bulk action of the list) while the appeal is handled.
        new(Transition.AddTag, [.. BeforeRegistration, .. Working, AnswerSent], [Duty.Moderate, Duty.Dispatch, Duty.Control], "tags.add",
            "Метку можно поставить обращению, пока оно рассматривается."),
        // An old system's record (Redmine, ADR 0026) is taken in and, in the same save, given the state and history it
        // had there; only the import does it (no duty), only to an appeal intake has just made.
        new(Transition.Import, [AppealStatus.Moderation, Registered], [], "import.state",
            "Историю из прежней системы можно перенести только в только что принятое обращение."),
    }.ToDictionary(r => r.Transition);

    public static LifecycleRow Row(Transition t) => Table[t];

    /// <summary>Does the table allow the transition for this status and regime (the entity's guard)?</summary>
    public static bool Permits(Transition t, AppealStatus status, LegalRegime regime)
    {
        var row = Table[t];
        return row.From.Contains(status) && (row.Regimes is null || row.Regimes.Contains(regime));
    }

    /// <summary>Throws the row's refusal unless the status (and the regime) allow the transition.</summary>
    public static void Require(Transition t, AppealStatus status, LegalRegime regime)
    {
        var row = Table[t];
        if (!row.From.Contains(status))
            throw new RuleException($"transition.{row.Code}", $"{row.Refusal} Сейчас: «{Labels.Of(status)}».");
        if (row.Regimes is { } regimes && !regimes.Contains(regime))
            throw new RuleException($"regime.{row.Code}", $"{row.RegimeRefusal} Режим: «{Labels.Of(regime)}».");
    }

    /// <summary>May this person take the transition now: the appeal allows it and the person holds one of its duties.</summary>
    public static async Task<bool> MayAsync(this CurrentUser user, Appeal appeal, Transition t, DateTime nowUtc, CancellationToken ct) =>
        appeal.Allows(t, nowUtc) && await user.HoldsAnyAsync(Table[t].Duties, appeal, ct);

    public static async Task<bool> HoldsAnyAsync(this CurrentUser user, IEnumerable<Duty> duties, Appeal appeal, CancellationToken ct)
    {
        foreach (var duty in duties)
            if (await user.HoldsAsync(duty, appeal, ct)) return true;
        return false;
    }

    /// <summary>The transitions the person may take on the appeal now: what a page offers.</summary>
    public static async Task<IReadOnlySet<Transition>> OfferedAsync(this CurrentUser user, Appeal appeal, DateTime nowUtc, CancellationToken ct)
    {
        var held = new Dictionary<Duty, bool>();
        var offered = new HashSet<Transition>();
        foreach (var row in Table.Values)
        {
            if (!appeal.Allows(row.Transition, nowUtc)) continue;
            foreach (var duty in row.Duties)
            {
                if (!held.TryGetValue(duty, out var holds)) held[duty] = holds = await user.HoldsAsync(duty, appeal, ct);
                if (holds) { offered.Add(row.Transition); break; }
            }
        }
        return offered;
    }
}
