using Otklik.Features.Appeals;
using Otklik.Infrastructure;
using static Otklik.Features.Appeals.AppealStatus;

namespace Otklik.Tests.Appeals;

/// <summary>
/// The production lifecycle table (<see cref="AppealLifecycle"/>) walked row by row: each transition is refused by the
/// entity from every status not in its row, with the row's own code, and <see cref="Appeal.Allows"/> says the same; the
/// hand-written expectations of <see cref="AppealTransitionsTests"/> agree with the table; the regime column and the
/// row conditions (one 59-ФЗ extension) hold.
/// </summary>
public sealed class AppealLifecycleTests
{
    /// <summary>The entity method of each row, called with valid input, so that only the row's rule can refuse it.</summary>
    static readonly Dictionary<Transition, Action<Appeal, DateTime>> Calls = new()
    {
        [Transition.AskClarification] = (a, now) => a.AskClarification("Уточните номер дома.", Build.Moderator, now),
        [Transition.GiveClarification] = (a, now) => a.GiveClarification("Дом 24.", Build.ApplicantUser, now),
        [Transition.RecordClarificationDelivered] = (a, now) => a.RecordClarificationDelivered("Позвонили заявителю.", Build.Moderator, now),
        [Transition.Reject] = (a, now) => a.Reject(Ground.SpamOrAds, "Реклама.", Build.Moderator, now),
        [Transition.Reclassify] = (a, now) => a.Reclassify(a.CurrentClassification, Build.Moderator, now),
        [Transition.Route] = (a, now) => a.Route(Build.MunB, "Территория Б", Build.Moderator, now),
        [Transition.Register] = (a, now) => a.Register(Build.Moderator, now),
        [Transition.Assign] = (a, now) => a.Assign(Build.OtherExecutor, Build.Dispatcher, now),
        [Transition.StartWork] = (a, now) => a.StartWork(Build.Executor, now),
        [Transition.RecordStep] = (a, now) => a.RecordStep("Выезд на место.", Build.Executor, now),
        [Transition.Redirect] = (a, now) => a.Redirect(Build.MunB, true, "Территория Б.", Build.Dispatcher, now),
        [Transition.Extend] = (a, now) => a.Extend(10, "Запрос в Роспотребнадзор.", Build.Controller, now),
        [Transition.RequestExtension] = (a, now) => a.RequestExtension(10, "Ждём ответ.", Build.Executor, now),
        [Transition.AddCoExecutor] = (a, now) => a.AddCoExecutor(Build.Fund, "Проверить выплату.", Build.Dispatcher, now),
        [Transition.PauseForApplicant] = (a, now) => a.PauseForApplicant("Пришлите фото.", Build.Executor, now),
        [Transition.DraftAnswer] = (a, now) => a.DraftAnswer("Мусор вывезен.", FederalResult.Explained, Build.Executor, now),
        [Transition.SubmitAnswer] = (a, now) => a.SubmitAnswer(true, Build.Executor, now),
        [Transition.ApproveAnswer] = (a, now) => a.ApproveAnswer(Build.Controller, now),
        [Transition.ReturnForRework] = (a, now) => a.ReturnForRework([ReworkReason.NoEvidence], null, Build.Controller, now),
        [Transition.Rate] = (a, now) => a.Rate(5, null, Build.ApplicantUser, now),
        [Transition.Close] = (a, now) => a.Close(null, "Оценка не получена.", now),
        [Transition.LeaveWithoutAnswer] = (a, now) => a.LeaveWithoutAnswer(Ground.ObsceneOrThreats, null, Build.Controller, now),
        [Transition.ReturnToApplicant] = (a, now) => a.ReturnToApplicant("Обжалуется решение суда.", Build.Controller, now),
        [Transition.StopCorrespondence] = (a, now) => a.StopCorrespondence("Решение руководителя.", Build.Controller, now),
        [Transition.AddTag] = (a, now) => a.AddTag("Двор", Build.Moderator, now),
        [Transition.Import] = (a, now) => a.Import([new(now, null, "Статус: Новое → Закрыто", null)],
            new Appeal.ImportedState(Closed, now, null, null, "Ответ дан.", "Redmine", null), Build.Clock, now),
    };

    public static TheoryData<Transition, AppealStatus> Refusals() =>
        [.. from t in Calls.Keys from s in Enum.GetValues<AppealStatus>() where !AppealLifecycle.Row(t).From.Contains(s) select (t, s)];

    [Theory, MemberData(nameof(Refusals))]
    public void Each_transition_is_refused_from_every_status_not_in_its_row(Transition t, AppealStatus from)
    {
        var appeal = Build.AppealIn(from);
        var before = AppealSnapshot.Of(appeal);

        Assert.False(appeal.Allows(t));
        var error = Assert.Throws<RuleException>(() => Calls[t](appeal, Build.Now));

        Assert.Equal($"transition.{AppealLifecycle.Row(t).Code}", error.Code);
        Assert.Equal(before, AppealSnapshot.Of(appeal));
    }

    /// <summary>The names of the hand-written test table, and the row of the production table each one exercises.</summary>
    static readonly Dictionary<string, Transition> HandWritten = new()
    {
        ["AskClarification"] = Transition.AskClarification, ["GiveClarification"] = Transition.GiveClarification,
        ["ExpireClarification"] = Transition.ExpireClarification, ["Reject"] = Transition.Reject, ["Reclassify"] = Transition.Reclassify,
        ["Route"] = Transition.Route, ["Register"] = Transition.Register, ["MergeInto"] = Transition.MergeInto, ["Assign"] = Transition.Assign,
        ["StartWork"] = Transition.StartWork, ["RecordStep"] = Transition.RecordStep, ["RedirectConnected"] = Transition.Redirect,
        ["RedirectExternal"] = Transition.Redirect, ["Extend"] = Transition.Extend, ["RequestExtension"] = Transition.RequestExtension,
        ["AddCoExecutor"] = Transition.AddCoExecutor, ["DraftAnswer"] = Transition.DraftAnswer, ["SubmitAnswerForApproval"] = Transition.SubmitAnswer,
        ["SubmitAnswerWithoutApproval"] = Transition.SubmitAnswer, ["ApproveAnswer"] = Transition.ApproveAnswer,
        ["ReturnForRework"] = Transition.ReturnForRework, ["RateLow"] = Transition.Rate, ["RateHigh"] = Transition.Rate, ["Close"] = Transition.Close,
        ["LeaveWithoutAnswer"] = Transition.LeaveWithoutAnswer, ["ReturnToApplicant"] = Transition.ReturnToApplicant,
        ["StopCorrespondence"] = Transition.StopCorrespondence,
    };

    [Fact]
    public void The_hand_written_expectations_and_the_production_table_agree()
    {
        Assert.Equal(HandWritten.Keys.Order(), AppealTransitionsTests.Names.Order());
        foreach (var (name, from) in AppealTransitionsTests.FromOf)
            Assert.True(from.Order().SequenceEqual(AppealLifecycle.Row(HandWritten[name]).From.Order()), $"{name}: the statuses differ");
    }

    [Fact]
    public void Every_transition_has_one_row_and_every_row_a_refusal()
    {
        Assert.Equal(Enum.GetValues<Transition>().Order(), AppealLifecycle.Table.Keys.Order());
        Assert.All(AppealLifecycle.Table.Values, r => Assert.False(string.IsNullOrWhiteSpace(r.Refusal)));
        Assert.All(AppealLifecycle.Table.Values.Where(r => r.Regimes is not null), r => Assert.False(string.IsNullOrWhiteSpace(r.RegimeRefusal)));
    }

    [Theory]
    [InlineData(Transition.ReturnToApplicant)]
    [InlineData(Transition.StopCorrespondence)]
    public void The_59_FZ_outcomes_exist_only_for_citizens_appeals_and_platform_messages(Transition t)
    {
        Assert.True(Build.AppealIn(InWork).Allows(t));
        Assert.True(Build.AppealIn(InWork, LegalRegime.PlatformMessage, AppealKind.Task).Allows(t));

        Assert.False(AppealLifecycle.Permits(t, InWork, LegalRegime.SocialIncident));
        foreach (var regime in new[] { LegalRegime.BusinessConsultation })
        {
            var other = Build.AppealIn(InWork, regime, AppealKind.ComplexConsultation);
            var before = AppealSnapshot.Of(other);
            Assert.False(other.Allows(t));
            var error = Assert.Throws<RuleException>(() => Calls[t](other, Build.Now));
            Assert.Equal($"regime.{AppealLifecycle.Row(t).Code}", error.Code);
            Assert.Equal(before, AppealSnapshot.Of(other));
        }
    }

    [Fact]
    public void An_extension_is_offered_once_under_59_FZ_and_again_elsewhere()
    {
        var law = Build.AppealIn(InWork);
        Assert.True(law.Allows(Transition.Extend, Build.Now));
        law.Extend(10, "Запрос в Роспотребнадзор.", Build.Controller, Build.Now);
        Assert.False(law.Allows(Transition.Extend, Build.Now));
        Assert.False(law.Allows(Transition.RequestExtension, Build.Now));

        var business = Build.AppealIn(InWork, LegalRegime.BusinessConsultation, AppealKind.ComplexConsultation);
        business.Extend(5, "Запрос в налоговую.", Build.Controller, Build.Now);
        Assert.True(business.Allows(Transition.Extend, Build.Now));
        // Past the deadline no extension is offered (the entity refuses it too).
        Assert.False(business.Allows(Transition.Extend, Build.Now.AddDays(400)));
    }

    [Fact]
    public void The_moderator_changes_the_kind_with_its_history_event_and_a_complaint_keeps_its_kind()
    {
        var a = Build.AppealIn(InWork, LegalRegime.BusinessConsultation, AppealKind.SimpleConsultation);
        Assert.True(a.Allows(Transition.ChangeKind));
        var version = a.Version;

        a.ChangeKind(AppealKind.ComplexConsultation, "Нужен запрос в министерство.", Build.Moderator, Build.Now);

        Assert.Equal((AppealKind.ComplexConsultation, version + 1), (a.Kind, a.Version));
        var e = a.History[^1];
        Assert.Equal((EventKind.KindChanged, Build.Moderator, InWork), (e.Kind, e.ActorId!.Value, e.ToStatus));
        Assert.Equal("Простая консультация → Сложная консультация. Нужен запрос в министерство.", e.Note);
        Assert.Throws<InputException>(() => a.ChangeKind(AppealKind.ComplexConsultation, null, Build.Moderator, Build.Now));
        Assert.Throws<InputException>(() => a.ChangeKind(AppealKind.Complaint, null, Build.Moderator, Build.Now));

        var complaint = Build.AppealIn(InWork);
        Assert.False(complaint.Allows(Transition.ChangeKind));
        Assert.Throws<InputException>(() => complaint.ChangeKind(AppealKind.Task, null, Build.Moderator, Build.Now));

        var answered = Build.AppealIn(AnswerSent, LegalRegime.BusinessConsultation, AppealKind.SimpleConsultation);
        Assert.Equal("transition.moderation.change_kind",
            Assert.Throws<RuleException>(() => answered.ChangeKind(AppealKind.Task, null, Build.Moderator, Build.Now)).Code);
    }
}
