using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Infrastructure;
using static Otklik.Features.Appeals.AppealStatus;

namespace Otklik.Tests.Appeals;

/// <summary>The rules of an appeal's life beyond "which status allows what": deadlines, grounds, limits and the like.</summary>
public sealed class AppealRulesTests
{
    static readonly DateTime Now = Build.Now;
    static readonly AppealStatus[] Working = [Registered, Assigned, InWork, AnswerDraft, AnswerReview];

    /// <summary>The call must fail with this rule code and leave the appeal exactly as it was.</summary>
    static RuleException Refused(Appeal appeal, string code, Action call)
    {
        var before = AppealSnapshot.Of(appeal);
        var error = Assert.Throws<RuleException>(call);
        Assert.Equal(code, error.Code);
        Assert.Equal(before, AppealSnapshot.Of(appeal));
        return error;
    }

    static InputException BadInput(Appeal appeal, string field, string code, Action call)
    {
        var before = AppealSnapshot.Of(appeal);
        var error = Assert.Throws<InputException>(call);
        Assert.Equal(code, error.Code);
        Assert.Equal([field], error.Errors.Keys);
        Assert.Equal(before, AppealSnapshot.Of(appeal));
        return error;
    }

    // ---- Submission and number ----

    [Fact]
    public void A_submitted_appeal_waits_for_moderation_with_one_received_event()
    {
        var appeal = Build.Submitted();

        Assert.Equal(Moderation, appeal.Status);
        Assert.Equal(1, appeal.Version);
        Assert.Equal(Build.T0, appeal.ReceivedAtUtc);
        Assert.Equal(Build.T0.AddHours(48), appeal.ModerationDueAtUtc);
        Assert.Equal(appeal.ModerationDueAtUtc, appeal.DueAtUtc);
        Assert.Null(appeal.RegisteredAtUtc);
        Assert.Null(appeal.ExecutorOrganisationId);
        var received = Assert.Single(appeal.History);
        Assert.Equal((EventKind.Received, (AppealStatus?)null, Moderation, Build.ApplicantUser, 1),
            (received.Kind, received.FromStatus, received.ToStatus, received.ActorId, received.Sequence));
    }

    [Theory]
    [InlineData(2026, 1, "2026-000001")]
    [InlineData(2026, 123, "2026-000123")]
    [InlineData(2027, 999_999, "2027-999999")]
    public void The_number_is_the_year_and_a_six_digit_sequence(int year, int sequence, string number)
    {
        Assert.Equal(number, Appeal.FormatNumber(year, sequence));
        var appeal = Appeal.Submit(Build.Draft(), year, sequence, Build.T0, Build.Clock);
        Assert.Equal((number, year, sequence), (appeal.Number, appeal.Year, appeal.Sequence));
        Assert.Contains(number, appeal.SearchText);
    }

    [Fact]
    public void A_public_appeal_needs_the_applicants_consent_to_publication()
    {
        var error = Assert.Throws<InputException>(() => Appeal.Submit(Build.Draft(isPublic: true, consent: false), 2026, 1, Build.T0, Build.Clock));
        Assert.Equal("appeal.consent_required", error.Code);
        Assert.Equal(["publicationConsent"], error.Errors.Keys);

        var published = Appeal.Submit(Build.Draft(isPublic: true, consent: true), 2026, 2, Build.T0, Build.Clock);
        Assert.True(published.IsPublic);
    }

    [Fact]
    public void The_moderator_cannot_make_an_appeal_public_without_consent()
    {
        var appeal = Build.AppealIn(Moderation);
        Refused(appeal, "appeal.consent_required",
            () => appeal.Reclassify(appeal.CurrentClassification with { IsPublic = true }, Build.Moderator, Now));
    }

    [Fact]
    public void The_moderator_can_make_an_appeal_public_when_the_applicant_consented()
    {
        var appeal = Appeal.Submit(Build.Draft(consent: true), 2026, 900_001, Build.T0, Build.Clock);
        Assert.False(appeal.IsPublic);

        appeal.Reclassify(appeal.CurrentClassification with { IsPublic = true }, Build.Moderator, Now);

        Assert.True(appeal.IsPublic);
    }

    [Fact]
    public void Reclassification_changes_the_classification_and_records_before_and_after()
    {
        var appeal = Build.AppealIn(Moderation);
        var topic = Guid.Parse("30000000-0000-0000-0000-000000000001");
        var corrected = appeal.CurrentClassification with
        {
            Type = AppealType.Question, Kind = AppealKind.SimpleConsultation, Regime = LegalRegime.PlatformMessage,
            TopicId = topic, Address = "Екатеринбург, ул. Малышева, 5",
        };

        appeal.Reclassify(corrected, Build.Moderator, Now);

        Assert.Equal(corrected, appeal.CurrentClassification);
        Assert.Contains("малышева, 5", appeal.SearchText);
        var e = appeal.History[^1];
        Assert.Equal(EventKind.Reclassified, e.Kind);
        Assert.Contains(topic.ToString(), e.Data);
    }

    // ---- Clarification ----

    [Fact]
    public void A_clarification_request_pauses_the_appeal_for_three_days()
    {
        var appeal = Build.AppealIn(Moderation);

        appeal.AskClarification("  Уточните номер дома.  ", Build.Moderator, Now);
        appeal.ApplyDeadlines(Build.Clock, Now);

        Assert.Equal(Clarification, appeal.Status);
        Assert.Equal("Уточните номер дома.", appeal.ClarificationQuestion);
        // Asked on Monday 2 March at 23:00 +05: three calendar days end with Thursday 5 March, 23:59:59 +05.
        var due = new DateTime(2026, 3, 5, 18, 59, 59, DateTimeKind.Utc);
        Assert.Equal(due, appeal.ClarificationDueAtUtc);
        Assert.Equal(due, appeal.DueAtUtc);
        Assert.Equal("Уточните номер дома.", appeal.History[^1].Note);
    }

    [Fact]
    public void The_applicants_clarification_is_added_to_the_text_and_moderation_starts_again()
    {
        var appeal = Build.AppealIn(Clarification);
        var text = appeal.Text;

        appeal.GiveClarification(" Дом 24, подъезд 2. ", Build.ApplicantUser, Now);
        appeal.ApplyDeadlines(Build.Clock, Now);

        Assert.Equal(Moderation, appeal.Status);
        Assert.Equal($"{text}\n\nУточнение заявителя: Дом 24, подъезд 2.", appeal.Text);
        Assert.Null(appeal.ClarificationDueAtUtc);
        Assert.Equal(Now.AddHours(48), appeal.ModerationDueAtUtc);
        Assert.Equal(Now.AddHours(48), appeal.DueAtUtc);
        Assert.Contains("подъезд 2", appeal.SearchText);
    }

    [Theory]
    [InlineData(-1)]                        // a second before the three days are up
    [InlineData(-3 * 24 * 60 * 60 + 1)]     // the evening of the request's own day
    public void An_unanswered_clarification_does_not_expire_before_three_days(int secondsFromDue)
    {
        var appeal = Build.AppealIn(Clarification);
        var due = appeal.ClarificationDueAtUtc!.Value;
        // Asked on Monday 2 March at 13:00 +05: three calendar days end with Thursday 5 March, 23:59:59 +05.
        Assert.Equal(new DateTime(2026, 3, 2, 8, 0, 0, DateTimeKind.Utc), appeal.History[^1].AtUtc);
        Assert.Equal(new DateTime(2026, 3, 5, 18, 59, 59, DateTimeKind.Utc), due);

        Refused(appeal, "clarification.not_expired", () => appeal.ExpireClarification(due.AddSeconds(secondsFromDue)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10 * 24 * 60 * 60)]
    public void An_unanswered_clarification_rejects_the_appeal_once_three_days_are_up(int secondsFromDue)
    {
        var appeal = Build.AppealIn(Clarification);
        var at = appeal.ClarificationDueAtUtc!.Value.AddSeconds(secondsFromDue);

        appeal.ExpireClarification(at);

        Assert.Equal(Rejected, appeal.Status);
        Assert.Equal(Ground.ClarificationNotReceived, appeal.OutcomeGround);
        Assert.Equal(at, appeal.ClosedAtUtc);
        var e = appeal.History[^1];
        Assert.Equal((EventKind.Rejected, Clarification, Rejected), (e.Kind, e.FromStatus!.Value, e.ToStatus));
        Assert.Null(e.ActorId);
        Assert.Equal(Grounds.All[Ground.ClarificationNotReceived].Title, e.Note);
        Assert.Equal(FederalResult.NotRegistered, appeal.FederalResult);
    }

    [Theory]
    [InlineData(LegalRegime.SocialIncident, ApplicantKind.Anonymous)]
    [InlineData(LegalRegime.SocialIncident, ApplicantKind.Person)]
    [InlineData(LegalRegime.SocialIncident, ApplicantKind.Organisation)]
    [InlineData(LegalRegime.Obrashchenie59, ApplicantKind.Anonymous)]
    [InlineData(LegalRegime.PlatformMessage, ApplicantKind.Anonymous)]
    public void Nobody_can_be_asked_to_clarify_an_anonymous_or_social_network_appeal(LegalRegime regime, ApplicantKind kind)
    {
        var appeal = Build.AppealIn(Moderation, regime, applicant: Applicant(kind));
        Refused(appeal, "clarification.no_contact", () => appeal.AskClarification("Уточните адрес.", Build.Moderator, Now));
    }

    [Theory]
    [InlineData(LegalRegime.Obrashchenie59, ApplicantKind.Person)]
    [InlineData(LegalRegime.PlatformMessage, ApplicantKind.Person)]
    [InlineData(LegalRegime.BusinessConsultation, ApplicantKind.Organisation)]
    public void A_named_applicant_can_be_asked_to_clarify(LegalRegime regime, ApplicantKind kind)
    {
        var appeal = Build.AppealIn(Moderation, regime, applicant: Applicant(kind));
        appeal.AskClarification("Уточните адрес.", Build.Moderator, Now);
        Assert.Equal(Clarification, appeal.Status);
    }

    static ApplicantInfo Applicant(ApplicantKind kind) => kind switch
    {
        ApplicantKind.Anonymous => Build.Anonymous(),
        ApplicantKind.Organisation => Build.Organisation(),
        _ => Build.Person(),
    };

    // ---- Routing and registration ----

    [Fact]
    public void Registration_needs_an_executor_organisation()
    {
        var appeal = Build.Submitted();
        Refused(appeal, "moderation.no_executor", () => appeal.Register(Build.Moderator, Now));

        appeal.Route(Build.MunA, "Выбрано модератором", Build.Moderator, Now);
        appeal.Register(Build.Moderator, Now);

        Assert.Equal(Registered, appeal.Status);
        Assert.Equal(Now, appeal.RegisteredAtUtc);
    }

    [Fact]
    public void Routing_records_where_from_and_where_to()
    {
        var appeal = Build.Submitted();
        appeal.Route(Build.MunA, "Территория А", null, Now);
        appeal.Route(Build.MunB, "Исправлено модератором", Build.Moderator, Now);

        Assert.Equal(Build.MunB, appeal.ExecutorOrganisationId);
        var e = appeal.History[^1];
        Assert.Equal((EventKind.Routed, Build.Moderator, "Исправлено модератором"), (e.Kind, e.ActorId!.Value, e.Note));
        Assert.Contains(Build.MunA.ToString(), e.Data);
        Assert.Contains(Build.MunB.ToString(), e.Data);
    }

    [Fact]
    public void Routing_to_the_current_executor_changes_nothing()
    {
        var appeal = Build.AppealIn(Moderation);
        var before = AppealSnapshot.Of(appeal);

        appeal.Route(Build.MunA, "Повторно", Build.Moderator, Now);

        Assert.Equal(before, AppealSnapshot.Of(appeal));
    }

    /// <summary>Registered at 12:00 on 2 March 2026 in Yekaterinburg (07:00 UTC); the answer is due by the policy of regime and kind.</summary>
    [Theory]
    [InlineData(LegalRegime.Obrashchenie59, AppealKind.Complaint, "2026-04-01T18:59:59")]            // calendar-days:30, to 23:59:59 local
    [InlineData(LegalRegime.Obrashchenie59, AppealKind.SimpleConsultation, "2026-04-01T18:59:59")]   // the kind does not matter
    [InlineData(LegalRegime.PlatformMessage, AppealKind.Task, "2026-03-12T18:59:59")]                // calendar-days:10
    [InlineData(LegalRegime.SocialIncident, AppealKind.Complaint, "2026-03-03T07:00:00")]            // hours:24
    [InlineData(LegalRegime.BusinessConsultation, AppealKind.SimpleConsultation, "2026-03-03T18:59:59")]   // working-days:1
    [InlineData(LegalRegime.BusinessConsultation, AppealKind.ComplexConsultation, "2026-03-04T18:59:59")]  // working-days:2
    [InlineData(LegalRegime.BusinessConsultation, AppealKind.Task, "2026-03-10T18:59:59")]                 // working-days:5 over 7–9 March off
    [InlineData(LegalRegime.BusinessConsultation, AppealKind.Complaint, "2026-04-01T18:59:59")]            // calendar-days:30
    public void Registration_starts_the_answer_clock_by_the_policy_of_regime_and_kind(LegalRegime regime, AppealKind kind, string dueUtc)
    {
        var appeal = Build.Submitted(regime, kind);
        appeal.Route(Build.MunA, null, null, Build.T0);
        var registeredAt = Build.T0.AddHours(1);

        appeal.Register(Build.Moderator, registeredAt);
        appeal.ApplyDeadlines(Build.Clock, registeredAt);

        Assert.Equal(Utc(dueUtc), appeal.AnswerDueAtUtc);
        Assert.Equal(registeredAt, appeal.RegisteredAtUtc);
        Assert.Equal(registeredAt, appeal.AnswerClockStartedAtUtc);
    }

    [Fact]
    public void A_complex_consultation_first_waits_for_the_contact_of_the_same_day()
    {
        var appeal = Build.Submitted(LegalRegime.BusinessConsultation, AppealKind.ComplexConsultation);
        appeal.Route(Build.MunA, null, null, Build.T0);
        var registeredAt = Build.T0.AddHours(1);   // 12:00 local, before the 16:00 cut-off

        appeal.Register(Build.Moderator, registeredAt);
        appeal.ApplyDeadlines(Build.Clock, registeredAt);

        Assert.Equal(Utc("2026-03-02T18:59:59"), appeal.DueAtUtc);          // contact: the same day
        Assert.Equal(Utc("2026-03-04T18:59:59"), appeal.AnswerDueAtUtc);    // resolution: 2 working days
        appeal.Assign(Build.Executor, Build.Dispatcher, registeredAt.AddHours(1));
        appeal.StartWork(Build.Executor, registeredAt.AddHours(2));
        appeal.ApplyDeadlines(Build.Clock, registeredAt.AddHours(2));
        Assert.Equal(appeal.AnswerDueAtUtc, appeal.DueAtUtc);              // once in work, the answer's clock is the stage's
    }

    [Fact]
    public void The_answer_deadline_ends_with_the_local_day_of_the_executors_zone()
    {
        // 15:00 UTC on 2 March is still 20:00 on 2 March in Yekaterinburg but already 01:00 on 3 March in Vladivostok.
        var at = new DateTime(2026, 3, 2, 15, 0, 0, DateTimeKind.Utc);
        var inYekaterinburg = Build.Submitted();
        var inVladivostok = Build.Submitted();
        inYekaterinburg.Route(Build.MunA, null, null, Build.T0);
        inVladivostok.Route(Build.MunA, null, null, Build.T0);

        inYekaterinburg.Register(Build.Moderator, at);
        inVladivostok.Register(Build.Moderator, at);
        inYekaterinburg.ApplyDeadlines(Build.Clock, at);
        inVladivostok.ApplyDeadlines(Build.ClockIn(TimeZoneInfo.FindSystemTimeZoneById("Asia/Vladivostok")), at);

        Assert.Equal(Utc("2026-04-01T18:59:59"), inYekaterinburg.DueAtUtc);   // 1 April 23:59:59 +05
        Assert.Equal(Utc("2026-04-02T13:59:59"), inVladivostok.DueAtUtc);     // 2 April 23:59:59 +10
    }

    static DateTime Utc(string iso) => DateTime.SpecifyKind(DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    // ---- Merging duplicates ----

    [Fact]
    public void An_appeal_cannot_be_merged_into_itself()
    {
        var appeal = Build.AppealIn(Moderation);
        Refused(appeal, "moderation.merge_self", () => appeal.MergeInto(appeal, Build.Moderator, Now));
    }

    [Theory]
    [InlineData(Rejected)]
    [InlineData(Merged)]
    public void An_appeal_cannot_be_merged_into_one_closed_without_consideration(AppealStatus targetStatus)
    {
        var appeal = Build.AppealIn(Moderation);
        var target = Build.AppealIn(targetStatus);
        var targetBefore = AppealSnapshot.Of(target);

        var error = Refused(appeal, "moderation.merge_target", () => appeal.MergeInto(target, Build.Moderator, Now));

        Assert.Contains(target.Number, error.Message);
        Assert.Equal(targetBefore, AppealSnapshot.Of(target));
    }

    public static TheoryData<AppealStatus> MergeTargets() => [.. Enum.GetValues<AppealStatus>().Except([Rejected, Merged])];

    [Theory, MemberData(nameof(MergeTargets))]
    public void A_duplicate_ends_as_merged_and_its_target_records_the_merge(AppealStatus targetStatus)
    {
        var duplicate = Build.AppealIn(Clarification);
        var target = Build.AppealIn(targetStatus);
        var targetVersion = target.Version;

        duplicate.MergeInto(target, Build.Moderator, Now);

        Assert.Equal(Merged, duplicate.Status);
        Assert.Equal(target.Id, duplicate.MergedIntoId);
        Assert.Equal(Ground.Duplicate, duplicate.OutcomeGround);
        Assert.Equal(Now, duplicate.ClosedAtUtc);
        Assert.Contains(target.Number, duplicate.History[^1].Note);

        Assert.Equal(targetStatus, target.Status);
        Assert.Equal(targetVersion + 1, target.Version);
        var e = target.History[^1];
        Assert.Equal((EventKind.DuplicateMerged, targetStatus, targetStatus, targetVersion + 1), (e.Kind, e.FromStatus!.Value, e.ToStatus, e.Sequence));
        Assert.Contains(duplicate.Number, e.Note);
        Assert.Contains(duplicate.Id.ToString(), e.Data);
    }

    // ---- Execution ----

    [Theory]
    [InlineData(Assigned)]
    [InlineData(InWork)]
    public void An_appeal_cannot_be_assigned_again_to_the_same_person(AppealStatus status)
    {
        var appeal = Build.AppealIn(status);
        Refused(appeal, "execution.same_assignee", () => appeal.Assign(Build.Executor, Build.Dispatcher, Now));
    }

    [Fact]
    public void Reassignment_records_the_previous_and_the_new_assignee()
    {
        var appeal = Build.AppealIn(InWork);

        appeal.Assign(Build.OtherExecutor, Build.Dispatcher, Now);

        Assert.Equal(Build.OtherExecutor, appeal.AssigneeId);
        Assert.Contains(Build.Executor.ToString(), appeal.History[^1].Data);
        Assert.Contains(Build.OtherExecutor.ToString(), appeal.History[^1].Data);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_appeal_cannot_be_redirected_to_the_organisation_it_is_in(bool connected)
    {
        var appeal = Build.AppealIn(InWork);
        Refused(appeal, "execution.redirect_same",
            () => appeal.Redirect(Build.MunA, connected, "Ошибка маршрута.", Build.Dispatcher, Now));
    }

    [Fact]
    public void Redirected_inside_the_platform_the_appeal_waits_for_the_new_organisations_dispatcher()
    {
        var appeal = Build.AppealIn(InWork);

        appeal.Redirect(Build.MunB, organisationIsConnected: true, " Территория Б. ", Build.Dispatcher, Now);

        Assert.Equal(Registered, appeal.Status);
        Assert.Equal(Build.MunB, appeal.ExecutorOrganisationId);
        Assert.Null(appeal.AssigneeId);
        Assert.Null(appeal.ClosedAtUtc);
        Assert.False(appeal.IsTerminal);
        // The receiving body registers it and its own answer deadline starts (59-ФЗ ст. 8).
        Assert.Equal(Now, appeal.RegisteredAtUtc);
        appeal.ApplyDeadlines(Build.Clock, Now);
        Assert.Equal(Build.Clock.Compute(new CalendarDaysPolicy(30), Now).EndUtc, appeal.DueAtUtc);
        Assert.Equal("Территория Б.", appeal.History[^1].Note);
    }

    [Fact]
    public void Redirected_outside_the_platform_the_appeal_leaves_it()
    {
        var appeal = Build.AppealIn(AnswerDraft);

        appeal.Redirect(Build.Fns, organisationIsConnected: false, "Вопрос в компетенции ФНС.", Build.Dispatcher, Now);

        Assert.Equal(Redirected, appeal.Status);
        Assert.True(appeal.IsTerminal);
        Assert.Equal(Build.Fns, appeal.ExecutorOrganisationId);
        Assert.Null(appeal.AssigneeId);
        Assert.Equal(Now, appeal.ClosedAtUtc);
        Assert.Equal(FederalResult.RedirectedByCompetence, appeal.FederalResult);
        Assert.Contains("leftPlatform", appeal.History[^1].Data);
    }

    [Fact]
    public void Recording_a_step_keeps_the_note()
    {
        var appeal = Build.AppealIn(InWork);
        appeal.RecordStep("  Выезд на место, составлен акт.  ", Build.Executor, Now);
        Assert.Equal((EventKind.StepRecorded, "Выезд на место, составлен акт."), (appeal.History[^1].Kind, appeal.History[^1].Note));
    }

    // ---- Extension ----

    [Fact]
    public void An_obrashchenie_under_59_FZ_is_extended_only_once()
    {
        var appeal = Build.AppealIn(InWork);
        var due = appeal.DueAtUtc;

        appeal.Extend(30, "Направлен запрос в Роспотребнадзор.", Build.Controller, Now);
        appeal.ApplyDeadlines(Build.Clock, Now);
        // 1 April + 30 days is 1 May, a holiday: the control date is the shortened working day before it.
        Assert.Equal(due.AddDays(30), appeal.DueAtUtc);
        Assert.Equal((new DateOnly(2026, 5, 1), new DateOnly(2026, 4, 30)), (appeal.AnswerDueDate!.Value, appeal.AnswerControlDate!.Value));
        Assert.Equal(1, appeal.ExtensionCount);

        Refused(appeal, "extension.once", () => appeal.Extend(5, "Ещё один запрос.", Build.Controller, Now));
    }

    [Theory]
    [InlineData(LegalRegime.PlatformMessage)]
    [InlineData(LegalRegime.BusinessConsultation)]
    [InlineData(LegalRegime.SocialIncident)]
    public void Other_regimes_may_be_extended_more_than_once(LegalRegime regime)
    {
        var appeal = Build.AppealIn(InWork, regime);
        var due = appeal.DueAtUtc;

        appeal.Extend(3, "Ждём ответ подрядчика.", Build.Controller, Now);
        appeal.ApplyDeadlines(Build.Clock, Now);
        Assert.Equal(due.AddDays(3), appeal.DueAtUtc);
        appeal.Extend(2, "Подрядчик перенёс работы.", Build.Controller, Now);
        appeal.ApplyDeadlines(Build.Clock, Now);

        Assert.Equal(due.AddDays(5), appeal.DueAtUtc);
        Assert.Equal(2, appeal.ExtensionCount);
        Assert.Equal([EventKind.Extended, EventKind.Extended], appeal.History.TakeLast(2).Select(e => e.Kind));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(30)]
    public void An_extension_is_for_one_to_thirty_days(int days)
    {
        var appeal = Build.AppealIn(InWork);
        var due = appeal.DueAtUtc;

        appeal.Extend(days, " Направлен межведомственный запрос. ", Build.Controller, Now);
        appeal.ApplyDeadlines(Build.Clock, Now);

        Assert.Equal(due.AddDays(days), appeal.DueAtUtc);
        Assert.Equal(InWork, appeal.Status);
        Assert.Equal("Направлен межведомственный запрос.", appeal.History[^1].Note);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(31)]
    [InlineData(365)]
    public void An_extension_out_of_one_to_thirty_days_is_refused(int days)
    {
        var appeal = Build.AppealIn(InWork);
        var error = BadInput(appeal, "days", "extension.days", () => appeal.Extend(days, "Запрос.", Build.Controller, Now));
        Assert.Equal(422, error.Status);
    }

    [Fact]
    public void An_extension_is_refused_once_the_deadline_has_passed()
    {
        var appeal = Build.AppealIn(InWork);
        Refused(appeal, "extension.too_late", () => appeal.Extend(10, "Запрос.", Build.Controller, appeal.DueAtUtc.AddSeconds(1)));

        appeal.Extend(10, "Запрос отправлен в последний момент.", Build.Controller, appeal.DueAtUtc);
        Assert.Equal(1, appeal.ExtensionCount);
    }

    public static TheoryData<AppealStatus> WorkingStatuses() => [.. Working];

    [Theory, MemberData(nameof(WorkingStatuses))]
    public void An_extended_appeal_in_work_is_reported_as_extension_in_progress(AppealStatus status)
    {
        var appeal = Build.AppealIn(status);
        Assert.Equal(FederalResult.UnderConsideration, appeal.FederalResult);

        appeal.Extend(10, "Запрос в другой орган.", Build.Controller, Now);

        Assert.Equal(FederalResult.ExtensionInProgress, appeal.FederalResult);
    }

    // ---- Co-executors ----

    [Fact]
    public void A_co_executor_must_differ_from_the_executor()
    {
        var appeal = Build.AppealIn(InWork);
        Refused(appeal, "execution.co_executor_self", () => appeal.AddCoExecutor(Build.MunA, "Часть работы.", Build.Dispatcher, Now));
    }

    [Fact]
    public void An_organisation_gets_a_second_part_only_after_finishing_the_first()
    {
        var appeal = Build.AppealIn(InWork);
        var first = appeal.AddCoExecutor(Build.Fund, "Проверить выплату.", Build.Dispatcher, Now);
        Assert.Equal((Build.Fund, PartStatus.Open, appeal.DueAtUtc), (first.OrganisationId, first.Status, first.DueAtUtc!.Value));

        Refused(appeal, "execution.co_executor_twice", () => appeal.AddCoExecutor(Build.Fund, "Ещё раз.", Build.Dispatcher, Now));

        appeal.CompletePart(first.Id, "Выплата подтверждена.", Build.Dispatcher, Now);
        Refused(appeal, "execution.part_done", () => appeal.CompletePart(first.Id, "Повторно.", Build.Dispatcher, Now));
        var second = appeal.AddCoExecutor(Build.Fund, "Проверить вторую выплату.", Build.Dispatcher, Now);
        Assert.Equal([first.Id, second.Id], appeal.Parts.Select(p => p.Id));
    }

    [Fact]
    public void The_answer_cannot_be_sent_on_while_a_co_executors_part_is_open()
    {
        var appeal = Build.AppealIn(InWork);
        var part = appeal.AddCoExecutor(Build.Fund, "Проверить выплату.", Build.Dispatcher, Now);
        appeal.DraftAnswer("Выплата проверена.", FederalResult.Explained, Build.Executor, Now);

        Refused(appeal, "answer.parts_open", () => appeal.SubmitAnswer(needsApproval: true, Build.Executor, Now));
        Refused(appeal, "answer.parts_open", () => appeal.SubmitAnswer(needsApproval: false, Build.Executor, Now));

        appeal.CompletePart(part.Id, "Выплата подтверждена.", Build.Dispatcher, Now);
        appeal.SubmitAnswer(needsApproval: true, Build.Executor, Now);
        Assert.Equal(AnswerReview, appeal.Status);
    }

    [Fact]
    public void The_answer_cannot_be_approved_while_a_co_executors_part_is_open()
    {
        // A controller who asks a co-executor for a part while reviewing must wait for it before sending the answer.
        var appeal = Build.AppealIn(AnswerReview);
        var part = appeal.AddCoExecutor(Build.Fund, "Подтвердить выплату.", Build.Controller, Now);

        Refused(appeal, "answer.parts_open", () => appeal.ApproveAnswer(Build.Controller, Now));

        appeal.CompletePart(part.Id, "Выплата подтверждена.", Build.Dispatcher, Now);
        appeal.ApproveAnswer(Build.Controller, Now);
        Assert.Equal(AnswerSent, appeal.Status);
    }

    [Fact]
    public void A_part_that_does_not_belong_to_the_appeal_cannot_be_completed()
    {
        var other = Build.AppealIn(InWork);
        var foreign = other.AddCoExecutor(Build.Fund, "Чужая часть.", Build.Dispatcher, Now);
        var appeal = Build.AppealIn(InWork);
        appeal.AddCoExecutor(Build.Fund, "Своя часть.", Build.Dispatcher, Now);

        Refused(appeal, "execution.part_missing", () => appeal.CompletePart(foreign.Id, "Готово.", Build.Dispatcher, Now));
    }

    // ---- The answer ----

    static readonly FederalResult[] AnswerResults =
        [FederalResult.Explained, FederalResult.Supported, FederalResult.SupportedMeasuresTaken, FederalResult.NotSupported, FederalResult.AnswerGiven];

    public static TheoryData<FederalResult> AllFederalResults() => [.. Enum.GetValues<FederalResult>()];

    [Theory, MemberData(nameof(AllFederalResults))]
    public void An_answer_carries_a_result_on_the_merits(FederalResult result)
    {
        var appeal = Build.AppealIn(InWork);
        if (AnswerResults.Contains(result))
        {
            appeal.DraftAnswer("  Мусор вывезен 3 марта.  ", result, Build.Executor, Now);
            Assert.Equal(("Мусор вывезен 3 марта.", result), (appeal.AnswerText!, appeal.AnswerResult!.Value));
        }
        else
        {
            BadInput(appeal, "result", "answer.result", () => appeal.DraftAnswer("Мусор вывезен.", result, Build.Executor, Now));
        }
    }

    [Fact]
    public void An_answer_that_needs_no_approval_goes_straight_to_the_applicant()
    {
        var appeal = Build.AppealIn(AnswerDraft);

        appeal.SubmitAnswer(needsApproval: false, Build.Executor, Now);

        Assert.Equal(AnswerSent, appeal.Status);
        Assert.Equal(Now, appeal.AnsweredAtUtc);
        Assert.Equal(Build.BuiltAnswerResult, appeal.FederalResult);
    }

    [Fact]
    public void An_approved_answer_is_sent_by_the_controller()
    {
        var appeal = Build.AppealIn(AnswerReview);
        Assert.Null(appeal.AnsweredAtUtc);

        appeal.ApproveAnswer(Build.Controller, Now);

        Assert.Equal(Now, appeal.AnsweredAtUtc);
        Assert.All(appeal.History.TakeLast(2), e => Assert.Equal(Build.Controller, e.ActorId));
    }

    [Fact]
    public void Returning_an_answer_for_rework_needs_at_least_one_reason()
    {
        var appeal = Build.AppealIn(AnswerReview);
        BadInput(appeal, "reasons", "answer.rework_reasons", () => appeal.ReturnForRework([], "Переделайте.", Build.Controller, Now));
    }

    [Fact]
    public void Returning_an_answer_for_rework_names_the_reasons()
    {
        var appeal = Build.AppealIn(AnswerReview);

        appeal.ReturnForRework([ReworkReason.FormalAnswer, ReworkReason.NoEvidence], " Приложите фото. ", Build.Controller, Now);

        Assert.Equal(InWork, appeal.Status);
        Assert.Equal("Формальный ответ, не по существу; Нет подтверждения (фото, акты). Приложите фото.", appeal.History[^1].Note);
    }

    // ---- Rating ----

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void A_rating_out_of_one_to_five_is_refused(int score)
    {
        var appeal = Build.AppealIn(AnswerSent);
        BadInput(appeal, "score", "rating.score", () => appeal.Rate(score, null, Build.ApplicantUser, Now));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_low_rating_reopens_the_appeal_for_repeat_consideration(int score)
    {
        var appeal = Build.AppealIn(AnswerSent);

        appeal.Rate(score, " Мусор так и лежит. ", Build.ApplicantUser, Now);

        Assert.Equal(InWork, appeal.Status);
        Assert.Equal(Build.Executor, appeal.AssigneeId);
        Assert.Equal((score, "Мусор так и лежит."), (appeal.Rating!.Value, appeal.RatingComment));
        Assert.Equal(1, appeal.ReconsiderationCount);
        Assert.Null(appeal.AnsweredAtUtc);
        Assert.Null(appeal.ClosedAtUtc);
        appeal.ApplyDeadlines(Build.Clock, Now);
        Assert.Equal(Build.Clock.Compute(new CalendarDaysPolicy(30), Now).EndUtc, appeal.DueAtUtc);
        Assert.Equal(FederalResult.UnderConsideration, appeal.FederalResult);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_good_rating_closes_the_appeal(int score)
    {
        var appeal = Build.AppealIn(AnswerSent);

        appeal.Rate(score, "   ", Build.ApplicantUser, Now);

        Assert.Equal(Closed, appeal.Status);
        Assert.Equal(score, appeal.Rating);
        Assert.Null(appeal.RatingComment);
        Assert.Equal(Now, appeal.ClosedAtUtc);
        Assert.Equal(0, appeal.ReconsiderationCount);
        Assert.Equal(Build.BuiltAnswerResult, appeal.FederalResult);
    }

    [Fact]
    public void A_reopened_appeal_can_be_answered_again_and_closed()
    {
        var appeal = Build.AppealIn(AnswerSent);
        appeal.Rate(1, null, Build.ApplicantUser, Now);

        Build.Drive(appeal, AnswerSent);
        appeal.Rate(4, null, Build.ApplicantUser, Now.AddDays(1));

        Assert.Equal(Closed, appeal.Status);
        Assert.Equal(1, appeal.ReconsiderationCount);
    }

    // ---- Outcomes without an answer on the merits, and their grounds ----

    /// <summary>rules-ru.md item 5 (ст. 11 59-ФЗ and the ПОС moderation grounds), written out independently of <see cref="Grounds.All"/>.</summary>
    static readonly Dictionary<Ground, AppealOutcome[]> ExpectedOutcomes = new()
    {
        [Ground.NoNameOrAddress] = [AppealOutcome.Reject, AppealOutcome.LeaveWithoutAnswer],
        [Ground.ObsceneOrThreats] = [AppealOutcome.Reject, AppealOutcome.LeaveWithoutAnswer],
        [Ground.Unreadable] = [AppealOutcome.Reject, AppealOutcome.LeaveWithoutAnswer],
        [Ground.NoEssence] = [AppealOutcome.Reject, AppealOutcome.LeaveWithoutAnswer],
        [Ground.CourtDecision] = [AppealOutcome.Reject, AppealOutcome.Return],
        [Ground.RepeatedQuestion] = [AppealOutcome.StopCorrespondence],
        [Ground.AnswerPublished] = [AppealOutcome.LeaveWithoutAnswer],
        [Ground.StateSecret] = [AppealOutcome.LeaveWithoutAnswer],
        [Ground.HatePropaganda] = [AppealOutcome.Reject],
        [Ground.ThirdPartyPersonalData] = [AppealOutcome.Reject],
        [Ground.SpamOrAds] = [AppealOutcome.Reject],
        [Ground.NoLocation] = [AppealOutcome.Reject],
        [Ground.OffTopic] = [AppealOutcome.Reject],
        [Ground.Duplicate] = [AppealOutcome.Reject],
        [Ground.NoVerifiableFacts] = [AppealOutcome.Reject],
        [Ground.ClarificationNotReceived] = [AppealOutcome.Reject],
    };

    [Fact]
    public void Every_ground_has_a_title_a_notice_and_exactly_the_expected_outcomes()
    {
        Assert.Equal(Enum.GetValues<Ground>().Order(), Grounds.All.Keys.Order());
        Assert.Equal(Enum.GetValues<Ground>().Order(), ExpectedOutcomes.Keys.Order());
        Assert.All(Grounds.All.Values, g =>
        {
            Assert.False(string.IsNullOrWhiteSpace(g.Title));
            Assert.False(string.IsNullOrWhiteSpace(g.Notice));
            Assert.Equal(ExpectedOutcomes[g.Ground].Order(), g.Outcomes.Order());
        });
    }

    public static TheoryData<Ground> AllGrounds() => [.. Enum.GetValues<Ground>()];

    [Theory, MemberData(nameof(AllGrounds))]
    public void The_moderator_rejects_only_on_a_ground_that_allows_rejection(Ground ground)
    {
        var appeal = Build.AppealIn(Moderation);
        if (ExpectedOutcomes[ground].Contains(AppealOutcome.Reject))
        {
            appeal.Reject(ground, null, Build.Moderator, Now);
            Assert.Equal((Rejected, ground, Now), (appeal.Status, appeal.OutcomeGround!.Value, appeal.ClosedAtUtc!.Value));
            Assert.Equal(Grounds.All[ground].Title, appeal.History[^1].Note);
            Assert.Equal(FederalResult.NotRegistered, appeal.FederalResult);
        }
        else
        {
            BadInput(appeal, "ground", "outcome.ground", () => appeal.Reject(ground, null, Build.Moderator, Now));
        }
    }

    [Theory, MemberData(nameof(AllGrounds))]
    public void An_appeal_is_left_without_answer_only_on_a_ground_that_allows_it(Ground ground)
    {
        var appeal = Build.AppealIn(InWork);
        if (ExpectedOutcomes[ground].Contains(AppealOutcome.LeaveWithoutAnswer))
        {
            appeal.LeaveWithoutAnswer(ground, "Сообщено заявителю.", Build.Controller, Now);
            Assert.Equal((LeftWithoutAnswer, ground, Now), (appeal.Status, appeal.OutcomeGround!.Value, appeal.ClosedAtUtc!.Value));
            Assert.Equal("Сообщено заявителю.", appeal.History[^1].Note);
            Assert.Equal(FederalResult.LeftWithoutAnswer, appeal.FederalResult);
        }
        else
        {
            BadInput(appeal, "ground", "outcome.ground", () => appeal.LeaveWithoutAnswer(ground, null, Build.Controller, Now));
        }
    }

    [Fact]
    public void A_ground_outside_the_list_is_refused()
    {
        var appeal = Build.AppealIn(Moderation);
        BadInput(appeal, "ground", "outcome.ground", () => appeal.Reject((Ground)999, null, Build.Moderator, Now));
        var working = Build.AppealIn(InWork);
        BadInput(working, "ground", "outcome.ground", () => working.LeaveWithoutAnswer((Ground)999, null, Build.Controller, Now));
    }

    [Fact]
    public void A_returned_appeal_is_returned_because_of_a_court_decision()
    {
        var appeal = Build.AppealIn(InWork);
        appeal.ReturnToApplicant("Обжалуется решение суда.", Build.Controller, Now);
        Assert.Equal((Returned, Ground.CourtDecision, Now), (appeal.Status, appeal.OutcomeGround!.Value, appeal.ClosedAtUtc!.Value));
        Assert.True(Ground.CourtDecision.Allows(AppealOutcome.Return));
    }

    [Fact]
    public void Correspondence_is_stopped_because_of_a_repeated_question()
    {
        var appeal = Build.AppealIn(InWork);
        appeal.StopCorrespondence("Решение № 12.", Build.Controller, Now);
        Assert.Equal((CorrespondenceStopped, Ground.RepeatedQuestion, Now), (appeal.Status, appeal.OutcomeGround!.Value, appeal.ClosedAtUtc!.Value));
        Assert.True(Ground.RepeatedQuestion.Allows(AppealOutcome.StopCorrespondence));
    }

    // ---- Required texts ----

    public static TheoryData<string, string> TextCalls() => new()
    {
        { "AskClarification", "question" }, { "GiveClarification", "text" }, { "RecordStep", "note" },
        { "Redirect", "reason" }, { "Extend", "reason" }, { "AddCoExecutor", "task" }, { "CompletePart", "result" },
        { "DraftAnswer", "text" }, { "ReturnToApplicant", "comment" }, { "StopCorrespondence", "decision" },
    };

    [Theory, MemberData(nameof(TextCalls))]
    public void A_blank_text_is_refused(string call, string field)
    {
        foreach (var blank in new[] { "", "   ", "\n\t" })
        {
            var (appeal, act) = TextCall(call, blank);
            BadInput(appeal, field, "field.required", act);
        }
    }

    static (Appeal, Action) TextCall(string call, string text)
    {
        switch (call)
        {
            case "AskClarification":
                var moderation = Build.AppealIn(Moderation);
                return (moderation, () => moderation.AskClarification(text, Build.Moderator, Now));
            case "GiveClarification":
                var clarification = Build.AppealIn(Clarification);
                return (clarification, () => clarification.GiveClarification(text, Build.ApplicantUser, Now));
        }
        var a = Build.AppealIn(InWork);
        var part = a.AddCoExecutor(Build.Fund, "Часть.", Build.Dispatcher, Now);
        return (a, call switch
        {
            "RecordStep" => () => a.RecordStep(text, Build.Executor, Now),
            "Redirect" => () => a.Redirect(Build.MunB, true, text, Build.Dispatcher, Now),
            "Extend" => () => a.Extend(5, text, Build.Controller, Now),
            "AddCoExecutor" => () => a.AddCoExecutor(Build.MunB, text, Build.Dispatcher, Now),
            "CompletePart" => () => a.CompletePart(part.Id, text, Build.Dispatcher, Now),
            "DraftAnswer" => () => a.DraftAnswer(text, FederalResult.Explained, Build.Executor, Now),
            "ReturnToApplicant" => () => a.ReturnToApplicant(text, Build.Controller, Now),
            "StopCorrespondence" => () => a.StopCorrespondence(text, Build.Controller, Now),
            _ => throw new ArgumentOutOfRangeException(nameof(call), call, null),
        });
    }

    // ---- Federal reporting and overdue ----

    public static TheoryData<AppealStatus, FederalResult> FederalResults() => new()
    {
        { Moderation, FederalResult.NotRegistered },
        { Clarification, FederalResult.NotRegistered },
        { Registered, FederalResult.UnderConsideration },
        { Assigned, FederalResult.UnderConsideration },
        { InWork, FederalResult.UnderConsideration },
        { AnswerDraft, FederalResult.UnderConsideration },
        { AnswerReview, FederalResult.UnderConsideration },
        { AnswerSent, Build.BuiltAnswerResult },
        { Closed, Build.BuiltAnswerResult },
        { Rejected, FederalResult.NotRegistered },
        { LeftWithoutAnswer, FederalResult.LeftWithoutAnswer },
        { Returned, FederalResult.AnswerGiven },
        { CorrespondenceStopped, FederalResult.AnswerGiven },
        { Redirected, FederalResult.RedirectedByCompetence },
        { Merged, FederalResult.NotRegistered },
    };

    [Fact]
    public void FederalResults_cover_every_status() =>
        Assert.Equal(Enum.GetValues<AppealStatus>().Order(), FederalResults().Select(row => row.Data.Item1).Order());

    [Theory, MemberData(nameof(FederalResults))]
    public void Each_status_maps_to_its_federal_result(AppealStatus status, FederalResult expected) =>
        Assert.Equal(expected, Build.AppealIn(status).FederalResult);

    public static TheoryData<FederalResult> AnswerResultData() => [.. AnswerResults];

    [Theory, MemberData(nameof(AnswerResultData))]
    public void A_closed_appeal_reports_the_result_of_its_answer(FederalResult result)
    {
        var appeal = Build.AppealIn(InWork);
        appeal.DraftAnswer("Ответ по существу.", result, Build.Executor, Now);
        Build.Drive(appeal, Closed);
        Assert.Equal(result, appeal.FederalResult);
    }

    [Theory]
    [InlineData(Moderation)]
    [InlineData(Clarification)]
    [InlineData(Registered)]
    [InlineData(InWork)]
    [InlineData(AnswerReview)]
    public void An_open_appeal_is_overdue_only_after_its_current_deadline(AppealStatus status)
    {
        var appeal = Build.AppealIn(status);
        Assert.False(appeal.IsOverdue(Now));
        Assert.False(appeal.IsOverdue(appeal.DueAtUtc));
        Assert.True(appeal.IsOverdue(appeal.DueAtUtc.AddSeconds(1)));
    }

    [Theory]
    [InlineData(AnswerSent)]
    [InlineData(Closed)]
    [InlineData(Rejected)]
    [InlineData(LeftWithoutAnswer)]
    [InlineData(Returned)]
    [InlineData(CorrespondenceStopped)]
    [InlineData(Redirected)]
    [InlineData(Merged)]
    public void An_answered_or_ended_appeal_is_never_overdue(AppealStatus status) =>
        Assert.False(Build.AppealIn(status).IsOverdue(Now.AddYears(1)));
}
