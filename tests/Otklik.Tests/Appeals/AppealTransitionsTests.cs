using Otklik.Features.Appeals;
using Otklik.Infrastructure;
using static Otklik.Features.Appeals.AppealStatus;

namespace Otklik.Tests.Appeals;

/// <summary>
/// The state machine of an appeal, checked cell by cell: every transition from every status. From an allowed status
/// it lands in the right status with the right history; from any other it throws <see cref="RuleException"/> and
/// changes nothing.
/// </summary>
public sealed class AppealTransitionsTests
{
    /// <summary>One transition: the statuses it is allowed from, where it leads, the events it appends, and the call.</summary>
    public sealed record Transition(string Name, AppealStatus[] From, Func<AppealStatus, AppealStatus> To, EventKind[] Events,
        Action<Appeal, DateTime> Act, DateTime? At = null)
    {
        public DateTime When => At ?? Build.Now;
    }

    static readonly AppealStatus[] Working = [Registered, Assigned, InWork, AnswerDraft, AnswerReview];
    static readonly AppealStatus[] BeforeRegistration = [Moderation, Clarification];

    static AppealStatus Same(AppealStatus s) => s;

    static readonly Transition[] Table =
    [
        new("AskClarification", [Moderation], _ => Clarification, [EventKind.ClarificationRequested],
            (a, now) => a.AskClarification("Уточните номер дома.", Build.Moderator, now)),
        new("GiveClarification", [Clarification], _ => Moderation, [EventKind.ClarificationGiven],
            (a, now) => a.GiveClarification("Дом 24, второй подъезд.", Build.ApplicantUser, now)),
        // Late enough that any clarification request made by the builder has expired.
        new("ExpireClarification", [Clarification], _ => Rejected, [EventKind.Rejected],
            (a, now) => a.ExpireClarification(now), Build.Now.AddDays(4)),
        new("Reject", BeforeRegistration, _ => Rejected, [EventKind.Rejected],
            (a, now) => a.Reject(Ground.SpamOrAds, "Реклама.", Build.Moderator, now)),
        new("Reclassify", BeforeRegistration, Same, [EventKind.Reclassified],
            (a, now) => a.Reclassify(a.CurrentClassification with { Type = AppealType.Question, Kind = AppealKind.SimpleConsultation },
                Build.Moderator, now)),
        new("Route", [Moderation, Clarification, Registered], Same, [EventKind.Routed],
            (a, now) => a.Route(Build.MunB, "Территория муниципалитета Б", Build.Moderator, now)),
        new("Register", [Moderation], _ => Registered, [EventKind.Registered],
            (a, now) => a.Register(Build.Moderator, now)),
        new("MergeInto", BeforeRegistration, _ => Merged, [EventKind.Merged],
            (a, now) => a.MergeInto(Build.AppealIn(InWork), Build.Moderator, now)),
        new("Assign", [Registered, Assigned, InWork], s => s == InWork ? InWork : Assigned, [EventKind.Assigned],
            (a, now) => a.Assign(Build.OtherExecutor, Build.Dispatcher, now)),
        new("StartWork", [Assigned], _ => InWork, [EventKind.WorkStarted],
            (a, now) => a.StartWork(Build.Executor, now)),
        new("RecordStep", [Assigned, InWork, AnswerDraft], Same, [EventKind.StepRecorded],
            (a, now) => a.RecordStep("Выезд на место, составлен акт.", Build.Executor, now)),
        new("RedirectConnected", Working, _ => Registered, [EventKind.Redirected],
            (a, now) => a.Redirect(Build.MunB, organisationIsConnected: true, "Территория муниципалитета Б.", Build.Dispatcher, now)),
        new("RedirectExternal", Working, _ => Redirected, [EventKind.Redirected],
            (a, now) => a.Redirect(Build.Fns, organisationIsConnected: false, "Вопрос в компетенции ФНС.", Build.Dispatcher, now)),
        new("Extend", Working, Same, [EventKind.Extended],
            (a, now) => a.Extend(10, "Направлен запрос в Роспотребнадзор.", Build.Controller, now)),
        new("RequestExtension", Working, Same, [EventKind.ExtensionRequested],
            (a, now) => a.RequestExtension(10, "Ждём ответ Роспотребнадзора.", Build.Executor, now)),
        new("AddCoExecutor", Working, Same, [EventKind.CoExecutorAdded],
            (a, now) => a.AddCoExecutor(Build.Fund, "Проверить выплату субсидии.", Build.Dispatcher, now)),
        new("DraftAnswer", [Assigned, InWork, AnswerDraft], _ => AnswerDraft, [EventKind.AnswerDrafted],
            (a, now) => a.DraftAnswer("Мусор вывезен.", FederalResult.Explained, Build.Executor, now)),
        new("SubmitAnswerForApproval", [AnswerDraft], _ => AnswerReview, [EventKind.AnswerSubmitted],
            (a, now) => a.SubmitAnswer(needsApproval: true, Build.Executor, now)),
        new("SubmitAnswerWithoutApproval", [AnswerDraft], _ => AnswerSent, [EventKind.AnswerSent],
            (a, now) => a.SubmitAnswer(needsApproval: false, Build.Executor, now)),
        new("ApproveAnswer", [AnswerReview], _ => AnswerSent, [EventKind.AnswerApproved, EventKind.AnswerSent],
            (a, now) => a.ApproveAnswer(Build.Controller, now)),
        new("ReturnForRework", [AnswerReview], _ => InWork, [EventKind.AnswerReturned],
            (a, now) => a.ReturnForRework([ReworkReason.NoEvidence], "Приложите фото.", Build.Controller, now)),
        new("RateLow", [AnswerSent], _ => InWork, [EventKind.Rated, EventKind.Reopened],
            (a, now) => a.Rate(1, "Мусор так и лежит.", Build.ApplicantUser, now)),
        new("RateHigh", [AnswerSent], _ => Closed, [EventKind.Rated, EventKind.Closed],
            (a, now) => a.Rate(5, "Спасибо!", Build.ApplicantUser, now)),
        new("Close", [AnswerSent], _ => Closed, [EventKind.Closed],
            (a, now) => a.Close(null, "Оценка не получена.", now)),
        new("LeaveWithoutAnswer", Working, _ => LeftWithoutAnswer, [EventKind.LeftWithoutAnswer],
            (a, now) => a.LeaveWithoutAnswer(Ground.ObsceneOrThreats, null, Build.Controller, now)),
        new("ReturnToApplicant", Working, _ => Returned, [EventKind.Returned],
            (a, now) => a.ReturnToApplicant("Обжалуется решение суда.", Build.Controller, now)),
        new("StopCorrespondence", Working, _ => CorrespondenceStopped, [EventKind.CorrespondenceStopped],
            (a, now) => a.StopCorrespondence("Решение о прекращении переписки.", Build.Controller, now)),
    ];

    static Transition Named(string name) => Table.Single(t => t.Name == name);

    /// <summary>For <see cref="AppealLifecycleTests"/>: these expectations are checked against the production table.</summary>
    internal static IEnumerable<string> Names => Table.Select(t => t.Name);
    internal static IEnumerable<(string Name, AppealStatus[] From)> FromOf => Table.Select(t => (t.Name, t.From));

    public static TheoryData<string, AppealStatus> Allowed() =>
        [.. from t in Table from s in Enum.GetValues<AppealStatus>() where t.From.Contains(s) select (t.Name, s)];

    public static TheoryData<string, AppealStatus> Refused() =>
        [.. from t in Table from s in Enum.GetValues<AppealStatus>() where !t.From.Contains(s) select (t.Name, s)];

    [Theory, MemberData(nameof(Allowed))]
    public void A_transition_from_an_allowed_status_moves_the_appeal_and_records_it(string transition, AppealStatus from)
    {
        var t = Named(transition);
        var appeal = Build.AppealIn(from);
        var version = appeal.Version;
        var known = appeal.History.Count;

        t.Act(appeal, t.When);

        Assert.Equal(t.To(from), appeal.Status);
        Assert.Equal(version + t.Events.Length, appeal.Version);
        var added = appeal.History.Skip(known).ToList();
        Assert.Equal(t.Events, added.Select(e => e.Kind));
        Assert.Equal(from, added[0].FromStatus);
        Assert.Equal(appeal.Status, added[^1].ToStatus);
        for (var i = 1; i < added.Count; i++)
            Assert.Equal(added[i - 1].ToStatus, added[i].FromStatus);
        Assert.All(added, e =>
        {
            Assert.Equal(appeal.Id, e.AppealId);
            Assert.Equal(t.When, e.AtUtc);
        });
        // Each event carries the version it produced: 1, 2, 3… with no gaps.
        Assert.Equal(Enumerable.Range(1, appeal.Version), appeal.History.Select(e => e.Sequence));
    }

    [Theory, MemberData(nameof(Refused))]
    public void A_transition_from_any_other_status_is_refused_and_changes_nothing(string transition, AppealStatus from)
    {
        var t = Named(transition);
        var appeal = Build.AppealIn(from);
        var before = AppealSnapshot.Of(appeal);

        var error = Assert.Throws<RuleException>(() => t.Act(appeal, t.When));

        Assert.StartsWith("transition.", error.Code);
        Assert.Contains($"«{Labels.Of(from)}»", error.Message);
        Assert.Equal(before, AppealSnapshot.Of(appeal));
    }

    [Fact]
    public void Every_status_is_reachable_by_the_builder_and_the_table_covers_every_reachable_status()
    {
        foreach (var status in Enum.GetValues<AppealStatus>())
            Assert.Equal(status, Build.AppealIn(status).Status);
        // Every non-terminal status has a way out; every terminal one has none.
        foreach (var status in Enum.GetValues<AppealStatus>())
            Assert.Equal(!Appeal.Terminal.Contains(status), Table.Any(t => t.From.Contains(status) && t.To(status) != status));
    }

    // ---- CompletePart: its rule is about the part, so each status needs the part that can exist there ----

    /// <summary>What completing a co-executor's part does in each status, and the appeal set up for it.</summary>
    static readonly (AppealStatus Status, string? Refusal)[] PartRules =
    [
        // The part is given out in this very status and is still open: completing it is allowed.
        (Registered, null), (Assigned, null), (InWork, null), (AnswerDraft, null), (AnswerReview, null),
        // Given out in work, then the appeal ended with the part still open.
        (LeftWithoutAnswer, "execution.part_closed"), (Returned, "execution.part_closed"),
        (CorrespondenceStopped, "execution.part_closed"), (Redirected, "execution.part_closed"),
        // Given out and completed in work, then answered: there is nothing left to complete.
        (AnswerSent, "execution.part_done"), (Closed, "execution.part_done"),
        // No part can be given out before registration.
        (Moderation, "execution.part_missing"), (Clarification, "execution.part_missing"),
        (Rejected, "execution.part_missing"), (Merged, "execution.part_missing"),
    ];

    public static TheoryData<AppealStatus, string?> PartCases() => [.. PartRules];

    [Fact]
    public void PartCases_cover_every_status() =>
        Assert.Equal(Enum.GetValues<AppealStatus>().Order(), PartRules.Select(r => r.Status).Order());

    [Theory, MemberData(nameof(PartCases))]
    public void Completing_a_part_is_allowed_only_while_it_is_open_and_the_appeal_is_not_closed(AppealStatus status, string? refusal)
    {
        var (appeal, partId) = AppealWithPartIn(status);
        var before = AppealSnapshot.Of(appeal);

        if (refusal is null)
        {
            appeal.CompletePart(partId, "Субсидия выплачена 5 марта.", Build.Dispatcher, Build.Now);
            var part = appeal.Parts.Single(p => p.Id == partId);
            Assert.Equal(PartStatus.Done, part.Status);
            Assert.Equal("Субсидия выплачена 5 марта.", part.Result);
            Assert.Equal(status, appeal.Status);
            Assert.Equal(before.Version + 1, appeal.Version);
            var e = appeal.History[^1];
            Assert.Equal((EventKind.CoExecutorPartCompleted, status, status), (e.Kind, e.FromStatus!.Value, e.ToStatus));
        }
        else
        {
            var error = Assert.Throws<RuleException>(() => appeal.CompletePart(partId, "Субсидия выплачена.", Build.Dispatcher, Build.Now));
            Assert.Equal(refusal, error.Code);
            Assert.Equal(before, AppealSnapshot.Of(appeal));
        }
    }

    static (Appeal, Guid) AppealWithPartIn(AppealStatus status)
    {
        if (Working.Contains(status))
        {
            var appeal = Build.AppealIn(status);
            return (appeal, Give(appeal).Id);
        }
        if (status is AnswerSent or Closed or LeftWithoutAnswer or Returned or CorrespondenceStopped or Redirected)
        {
            var appeal = Build.AppealIn(InWork);
            var part = Give(appeal);
            if (status is AnswerSent or Closed) appeal.CompletePart(part.Id, "Выполнено.", Build.Dispatcher, Build.T0.AddHours(6));
            return (Build.Drive(appeal, status), part.Id);
        }
        return (Build.AppealIn(status), Guid.NewGuid());

        static AppealPart Give(Appeal a) => a.AddCoExecutor(Build.Fund, "Проверить выплату субсидии.", Build.Dispatcher, Build.T0.AddHours(6));
    }
}
