using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;

namespace Otklik.Tests.Appeals;

/// <summary>
/// Makes appeals for the unit tests of the entity's rules, in any state, only by calling the entity's own methods:
/// an appeal "in work" has really been submitted, routed, registered, assigned and started.
/// </summary>
public static class Build
{
    /// <summary>Monday 2 March 2026, 11:00 in Yekaterinburg: the moment every built appeal is submitted.</summary>
    public static readonly DateTime T0 = new(2026, 3, 2, 6, 0, 0, DateTimeKind.Utc);

    /// <summary>When a test acts: after every step of the builder (one hour each), before any deadline.</summary>
    public static readonly DateTime Now = T0.AddHours(12);

    public static readonly TimeZoneInfo Yekaterinburg = TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg");

    /// <summary>The shipped production calendar and the default policies, in Yekaterinburg with the default working day.</summary>
    public static readonly DeadlineClock Clock = ClockIn(Yekaterinburg);

    public static DeadlineClock ClockIn(TimeZoneInfo zone) => new(
        new WorkingCalendar(ProductionCalendars.Shipped().Select(s => s.Year), ProductionCalendars.Shipped().SelectMany(s => s.Entries)),
        [.. DeadlineRule.Defaults()], zone, WorkingHours.Default);

    // The organisations and people of these tests; only their identity matters to the entity.
    public static readonly Guid Centre = Guid.Parse("10000000-0000-0000-0000-000000000001");
    public static readonly Guid MunA = Guid.Parse("10000000-0000-0000-0000-000000000002");
    public static readonly Guid MunB = Guid.Parse("10000000-0000-0000-0000-000000000003");
    public static readonly Guid Fund = Guid.Parse("10000000-0000-0000-0000-000000000004");
    /// <summary>A federal body outside the platform.</summary>
    public static readonly Guid Fns = Guid.Parse("10000000-0000-0000-0000-000000000005");
    public static readonly Guid Category = Guid.Parse("10000000-0000-0000-0000-0000000000c1");

    public static readonly Guid ApplicantUser = Guid.Parse("20000000-0000-0000-0000-000000000001");
    public static readonly Guid Moderator = Guid.Parse("20000000-0000-0000-0000-000000000002");
    public static readonly Guid Dispatcher = Guid.Parse("20000000-0000-0000-0000-000000000003");
    public static readonly Guid Executor = Guid.Parse("20000000-0000-0000-0000-000000000004");
    public static readonly Guid OtherExecutor = Guid.Parse("20000000-0000-0000-0000-000000000005");
    public static readonly Guid Controller = Guid.Parse("20000000-0000-0000-0000-000000000006");

    /// <summary>The result the builder's answer carries, so tests can tell it from the default.</summary>
    public const FederalResult BuiltAnswerResult = FederalResult.SupportedMeasuresTaken;

    static int _sequence;

    public static ApplicantInfo Person() => new()
    {
        Kind = ApplicantKind.Person, LastName = "Иванова", FirstName = "Мария", MiddleName = "Петровна",
        Email = "m.ivanova@example.ru", Phone = "+7 912 345-67-89", PostalAddress = "620014, Екатеринбург, ул. Малышева, 21",
    };

    public static ApplicantInfo Anonymous() => new() { Kind = ApplicantKind.Anonymous };

    public static ApplicantInfo Organisation() => new()
    {
        Kind = ApplicantKind.Organisation, OrganisationName = "ООО «Уральский хлеб»", Inn = "7707083893", Ogrn = "1027700132195",
        RepresentativeName = "Петров Иван Сергеевич", Email = "office@uralbread.example.ru",
    };

    public static Appeal.Draft Draft(LegalRegime regime = LegalRegime.Obrashchenie59, AppealKind kind = AppealKind.Complaint,
        ApplicantInfo? applicant = null, bool isPublic = false, bool consent = false) => new(
        AppealType.Problem, kind, regime, Channel.Portal, null, applicant ?? Person(), ApplicantUser, null,
        Category, null, null, "Екатеринбург, ул. Ленина, 24", 56.838, 60.605,
        "Во дворе дома по ул. Ленина, 24 третью неделю не вывозят мусор, контейнеры переполнены.",
        isPublic, consent, Centre, null, null);

    /// <summary>A fresh appeal, received at <see cref="T0"/>, waiting for moderation, not yet routed.</summary>
    public static Appeal Submitted(LegalRegime regime = LegalRegime.Obrashchenie59, AppealKind kind = AppealKind.Complaint,
        ApplicantInfo? applicant = null) =>
        Appeal.Submit(Draft(regime, kind, applicant), 2026, Interlocked.Increment(ref _sequence), T0, Clock);

    /// <summary>An appeal in <paramref name="status"/>, reached the ordinary way; from moderation on it is routed to <see cref="MunA"/>.</summary>
    public static Appeal AppealIn(AppealStatus status, LegalRegime regime = LegalRegime.Obrashchenie59,
        AppealKind kind = AppealKind.Complaint, ApplicantInfo? applicant = null)
    {
        var appeal = Submitted(regime, kind, applicant);
        appeal.Route(MunA, "Маршрут по теме и территории", null, NextStep(appeal));
        return Drive(appeal, status);
    }

    /// <summary>Takes an appeal on from where it is to <paramref name="status"/>, one ordinary step at a time.</summary>
    public static Appeal Drive(Appeal appeal, AppealStatus status)
    {
        while (appeal.Status != status)
        {
            var before = appeal.Version;
            var at = NextStep(appeal);
            Step(appeal, status, at);
            appeal.ApplyDeadlines(Clock, at);
            if (appeal.Version == before) throw new InvalidOperationException($"The builder cannot reach {status} from {appeal.Status}.");
        }
        return appeal;
    }

    /// <summary>One hour after the appeal's last event: the builder's steps are spaced out and stay in order.</summary>
    static DateTime NextStep(Appeal appeal) => appeal.History[^1].AtUtc.AddHours(1);

    static void Step(Appeal a, AppealStatus target, DateTime at)
    {
        switch (a.Status, target)
        {
            case (AppealStatus.Moderation, AppealStatus.Clarification):
                a.AskClarification("Уточните, пожалуйста, номер подъезда.", Moderator, at); break;
            case (AppealStatus.Moderation, AppealStatus.Rejected):
                a.Reject(Ground.NoEssence, null, Moderator, at); break;
            case (AppealStatus.Moderation, AppealStatus.Merged):
                a.MergeInto(AppealIn(AppealStatus.Moderation), Moderator, at); break;
            case (AppealStatus.Moderation, _):
                a.Register(Moderator, at); break;
            case (AppealStatus.Registered, _):
                a.Assign(Executor, Dispatcher, at); break;
            case (AppealStatus.Assigned, _):
                a.StartWork(Executor, at); break;
            case (AppealStatus.InWork, AppealStatus.LeftWithoutAnswer):
                a.LeaveWithoutAnswer(Ground.AnswerPublished, "Ответ размещён на сайте администрации.", Controller, at); break;
            case (AppealStatus.InWork, AppealStatus.Returned):
                a.ReturnToApplicant("Обжалуется решение суда; разъяснён порядок обжалования.", Controller, at); break;
            case (AppealStatus.InWork, AppealStatus.CorrespondenceStopped):
                a.StopCorrespondence("Решение о прекращении переписки № 12 от 02.03.2026.", Controller, at); break;
            case (AppealStatus.InWork, AppealStatus.Redirected):
                a.Redirect(Fns, organisationIsConnected: false, "Вопрос в компетенции ФНС.", Dispatcher, at); break;
            case (AppealStatus.InWork, _):
                a.DraftAnswer("Контейнеры вывезены 3 марта, график вывоза восстановлен.", BuiltAnswerResult, Executor, at); break;
            case (AppealStatus.AnswerDraft, _):
                a.SubmitAnswer(needsApproval: true, Executor, at); break;
            case (AppealStatus.AnswerReview, _):
                a.ApproveAnswer(Controller, at); break;
            case (AppealStatus.AnswerSent, AppealStatus.Closed):
                a.Close(null, "Заявитель не оценил ответ.", at); break;
            default:
                throw new InvalidOperationException($"The builder has no step from {a.Status} towards {target}.");
        }
    }
}

/// <summary>Everything a transition may touch; equal snapshots before and after a refused call mean it changed nothing.</summary>
public sealed record AppealSnapshot(
    AppealStatus Status, int Version, int HistoryCount, string Text, DateTime DueAtUtc, DateTime ModerationDueAtUtc,
    DateTime? ClarificationDueAtUtc, DateTime? RegisteredAtUtc, Guid? ExecutorOrganisationId, Guid? AssigneeId,
    int ExtensionCount, int? ExtensionRequestedDays, string? ExtensionRequestReason, int ReconsiderationCount, string PartsState, string? AnswerText, FederalResult? AnswerResult,
    DateTime? AnsweredAtUtc, int? Rating, DateTime? ClosedAtUtc, Ground? OutcomeGround, Guid? MergedIntoId,
    Appeal.Classification Classification)
{
    public static AppealSnapshot Of(Appeal a) => new(
        a.Status, a.Version, a.History.Count, a.Text, a.DueAtUtc, a.ModerationDueAtUtc, a.ClarificationDueAtUtc, a.RegisteredAtUtc,
        a.ExecutorOrganisationId, a.AssigneeId, a.ExtensionCount, a.ExtensionRequestedDays, a.ExtensionRequestReason, a.ReconsiderationCount,
        string.Join(";", a.Parts.Select(p => $"{p.Id}:{p.Status}")), a.AnswerText, a.AnswerResult, a.AnsweredAtUtc, a.Rating,
        a.ClosedAtUtc, a.OutcomeGround, a.MergedIntoId, a.CurrentClassification);
}
