using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Roadmaps;
using Otklik.Infrastructure;
using Otklik.Tests.Appeals;

namespace Otklik.Tests.Roadmaps;

/// <summary>The rules of a complaint's roadmap and of the HQ, on the entity alone (no database, no mocks).</summary>
public sealed class RoadmapRulesTests
{
    static readonly DateTime Now = Build.Now;
    static DeadlineClock ClockOf(Guid _) => Build.Clock;

    static Appeal Complaint() => Build.AppealIn(AppealStatus.InWork);

    static StepDraft Step(string title = "Провести выездную проверку подрядчика", Guid? owner = null, DateOnly? due = null, string? policy = "working-days:2") =>
        new(title, owner ?? Build.MunA, null, due, due is null ? policy : null);

    [Fact]
    public void Every_change_of_the_roadmap_appends_one_event_and_bumps_the_version()
    {
        var a = Complaint();
        var v = a.Version;
        var first = a.AddRoadmapStep(Step("Запросить у подрядчика график работ"), Build.Executor, Now, Build.Clock);
        var second = a.AddRoadmapStep(Step("Проверить кровлю с участием жильцов", due: new DateOnly(2026, 3, 20)), Build.Executor, Now, Build.Clock);
        a.ReorderRoadmap([second.Id, first.Id], Build.Executor, Now);
        a.ApproveRoadmap(Build.Controller, Now, ClockOf);

        Assert.Equal(v + 4, a.Version);
        Assert.Equal([EventKind.RoadmapStepAdded, EventKind.RoadmapStepAdded, EventKind.RoadmapReordered, EventKind.RoadmapApproved],
            a.History.Skip(a.History.Count - 4).Select(e => e.Kind));
        Assert.Equal([second.Id, first.Id], a.Roadmap!.Ordered.Select(s => s.Id));
        Assert.Equal(RoadmapStatus.Approved, a.Roadmap.Status);
        Assert.Equal(Build.Controller, a.Roadmap.ApprovedById);
        Assert.Equal(Now, a.Roadmap.ApprovedAtUtc);
        Assert.All(a.Roadmap.Steps, s => Assert.True(s.IsApproved));
    }

    [Fact]
    public void Template_steps_follow_one_another_unless_a_step_runs_in_parallel_with_the_one_before_it()
    {
        var a = Complaint();
        // The case: «Сообщить заявителю» (3 days) was due before the checks (5 and 10 days) it reports on.
        var template = RoadmapTemplate.Create(Guid.NewGuid(), "Жалоба на административное давление",
        [
            new("Запросить материалы проверок", null, "working-days:5"),
            new("Запросить позицию прокуратуры", null, "working-days:2", Parallel: true),
            new("Рассмотреть жалобу на рабочей группе Штаба", Build.MunB, "working-days:10"),
            new("Сообщить заявителю о принятых мерах", null, "working-days:3"),
        ]);
        var steps = a.ApplyRoadmapTemplate(template, Build.Executor, Now, ClockOf);

        DateTime Due(string policy, DateTime from) => Build.Clock.Compute(DeadlinePolicy.Parse(policy), from).EndUtc;
        Assert.Equal(Due("working-days:5", Now), steps[0].DueAtUtc);
        // Parallel with the first: counted from the same start, so it is due before it.
        Assert.Equal(Due("working-days:2", Now), steps[1].DueAtUtc);
        // Chained: from the latest deadline of the steps before it.
        Assert.Equal(Due("working-days:10", steps[0].DueAtUtc), steps[2].DueAtUtc);
        Assert.Equal(Due("working-days:3", steps[2].DueAtUtc), steps[3].DueAtUtc);
        Assert.True(steps[3].DueAtUtc > steps[2].DueAtUtc && steps[2].DueAtUtc > steps[0].DueAtUtc);

        // Approval keeps the chain: each step still counts from its own start.
        a.ApproveRoadmap(Build.Controller, Now.AddHours(1), ClockOf);
        Assert.Equal(Due("working-days:3", steps[2].DueAtUtc), steps[3].DueAtUtc);
    }

    [Fact]
    public void The_first_step_of_a_template_cannot_run_in_parallel_with_nothing()
    {
        var e = Assert.Throws<InputException>(() => RoadmapTemplate.Create(Guid.NewGuid(), "Шаблон", [new("Шаг", null, "working-days:1", Parallel: true)]));
        Assert.Contains("steps[0].parallel", e.Errors.Keys);
    }

    [Fact]
    public void A_policy_is_counted_in_the_owner_organisations_calendar_and_a_date_ends_at_its_local_midnight()
    {
        var a = Complaint();
        // Monday 2 March 2026, 18:00 Yekaterinburg: two working days → Wednesday 4 March, end of day (UTC+5).
        var policy = a.AddRoadmapStep(Step(policy: "working-days:2"), Build.Executor, Now, Build.Clock);
        var date = a.AddRoadmapStep(Step(due: new DateOnly(2026, 3, 8)), Build.Executor, Now, Build.Clock);

        Assert.Equal(new DateTime(2026, 3, 4, 18, 59, 59, DateTimeKind.Utc), policy.DueAtUtc);
        // 8 March is a holiday: the control date is the working day before it.
        Assert.Equal(new DateTime(2026, 3, 8, 18, 59, 59, DateTimeKind.Utc), date.DueAtUtc);
        Assert.Equal(new DateOnly(2026, 3, 6), date.ControlDate);
        Assert.Null(policy.NextWatchAtUtc);
    }

    [Fact]
    public void An_approved_roadmap_is_changed_only_after_reopening_and_changed_steps_wait_for_approval_again()
    {
        var a = Complaint();
        var step = a.AddRoadmapStep(Step(), Build.Executor, Now, Build.Clock);
        a.ApproveRoadmap(Build.Controller, Now, ClockOf);

        var refused = Assert.Throws<RuleException>(() => a.AddRoadmapStep(Step("Ещё шаг"), Build.Executor, Now, Build.Clock));
        Assert.Equal("roadmap.approved", refused.Code);
        Assert.Throws<RuleException>(() => a.ReorderRoadmap([step.Id], Build.Executor, Now));
        Assert.Equal("roadmap.already_approved", Assert.Throws<RuleException>(() => a.ApproveRoadmap(Build.Controller, Now, ClockOf)).Code);

        a.ReopenRoadmap("Подрядчик сменился, нужен новый график.", Build.Executor, Now);
        Assert.Equal(RoadmapStatus.Changing, a.Roadmap!.Status);
        a.EditRoadmapStep(step.Id, Step("Проверить нового подрядчика", policy: "working-days:5"), Build.Executor, Now.AddHours(1), Build.Clock);
        Assert.False(step.IsApproved);
        Assert.Null(step.NextWatchAtUtc);

        a.ApproveRoadmap(Build.Controller, Now.AddHours(2), ClockOf);
        Assert.Equal(2, a.Roadmap.Revision);
        Assert.True(step.IsApproved);
        Assert.NotNull(step.NextWatchAtUtc);
    }

    [Fact]
    public void Input_is_checked_before_anything_changes()
    {
        var a = Complaint();
        var before = a.Version;
        var noTitle = Assert.Throws<InputException>(() => a.AddRoadmapStep(Step(title: " "), Build.Executor, Now, Build.Clock));
        Assert.Contains("title", noTitle.Errors.Keys);
        var noDeadline = Assert.Throws<InputException>(() => a.AddRoadmapStep(Step(policy: null), Build.Executor, Now, Build.Clock));
        Assert.Contains("dueDate", noDeadline.Errors.Keys);
        var badPolicy = Assert.Throws<InputException>(() => a.AddRoadmapStep(Step(policy: "weeks:2"), Build.Executor, Now, Build.Clock));
        Assert.Contains("policy", badPolicy.Errors.Keys);
        var past = Assert.Throws<InputException>(() => a.AddRoadmapStep(Step(due: new DateOnly(2026, 2, 1)), Build.Executor, Now, Build.Clock));
        Assert.Contains("dueDate", past.Errors.Keys);
        Assert.Equal(before, a.Version);
        Assert.Empty(a.Roadmap?.Steps ?? []);

        var step = a.AddRoadmapStep(Step(), Build.Executor, Now, Build.Clock);
        var twice = Assert.Throws<InputException>(() => a.ReorderRoadmap([step.Id, step.Id], Build.Executor, Now));
        Assert.Contains("stepIds", twice.Errors.Keys);
        Assert.Throws<InputException>(() => a.ReorderRoadmap([Guid.NewGuid()], Build.Executor, Now));
        Assert.Equal("roadmap.empty", Assert.Throws<RuleException>(() =>
        {
            a.CancelRoadmapStep(step.Id, "Не нужен", Build.Executor, Now);
            a.ApproveRoadmap(Build.Controller, Now, ClockOf);
        }).Code);
    }

    [Theory]
    [InlineData(AppealKind.Task)]
    [InlineData(AppealKind.ComplexConsultation)]
    public void Only_a_complaint_has_a_roadmap_or_goes_to_the_hq(AppealKind kind)
    {
        var a = Build.AppealIn(AppealStatus.InWork, kind: kind);
        Assert.Equal("roadmap.not_complaint", Assert.Throws<RuleException>(() => a.AddRoadmapStep(Step(), Build.Executor, Now, Build.Clock)).Code);
        Assert.Equal("hq.not_complaint", Assert.Throws<RuleException>(() => a.EscalateToHq("Давление на бизнес", Build.Controller, Now)).Code);
    }

    [Fact]
    public void A_complaint_in_moderation_or_closed_has_no_roadmap_changes()
    {
        var moderation = Build.AppealIn(AppealStatus.Moderation);
        Assert.Equal("transition.roadmap.change", Assert.Throws<RuleException>(() => moderation.AddRoadmapStep(Step(), Build.Executor, Now, Build.Clock)).Code);
        var closed = Build.AppealIn(AppealStatus.Closed);
        Assert.Throws<RuleException>(() => closed.AddRoadmapStep(Step(), Build.Executor, Build.Now.AddDays(2), Build.Clock));
    }

    [Fact]
    public void A_step_is_reported_only_once_approved_and_done_or_failed_needs_a_result()
    {
        var a = Complaint();
        var step = a.AddRoadmapStep(Step(), Build.Executor, Now, Build.Clock);
        Assert.Equal("roadmap.step_not_approved",
            Assert.Throws<RuleException>(() => a.ReportRoadmapStep(step.Id, StepStatus.InWork, null, Build.Executor, Now)).Code);
        a.ApproveRoadmap(Build.Controller, Now, ClockOf);

        a.ReportRoadmapStep(step.Id, StepStatus.InWork, null, Build.Executor, Now);
        Assert.Contains("result", Assert.Throws<InputException>(() => a.ReportRoadmapStep(step.Id, StepStatus.Done, " ", Build.Executor, Now)).Errors.Keys);
        Assert.Contains("status", Assert.Throws<InputException>(() => a.ReportRoadmapStep(step.Id, StepStatus.Cancelled, "x", Build.Executor, Now)).Errors.Keys);
        a.ReportRoadmapStep(step.Id, StepStatus.Done, "Проверка проведена, акт № 14.", Build.Executor, Now.AddHours(1));

        Assert.Equal(StepStatus.Done, step.Status);
        Assert.Equal("Проверка проведена, акт № 14.", step.Result);
        Assert.Null(step.NextWatchAtUtc);
        Assert.Equal("roadmap.step_closed", Assert.Throws<RuleException>(() => a.ReportRoadmapStep(step.Id, StepStatus.Failed, "x", Build.Executor, Now)).Code);
    }

    [Fact]
    public void The_watch_moves_an_approved_step_one_level_at_a_time_each_once_and_ignores_drafts()
    {
        var a = Complaint();
        var watched = a.AddRoadmapStep(Step("Утверждённый шаг"), Build.Executor, Now, Build.Clock);
        a.ApproveRoadmap(Build.Controller, Now, ClockOf);
        a.ReopenRoadmap("Добавить шаг", Build.Executor, Now);
        var draft = a.AddRoadmapStep(Step("Новый шаг, ещё не утверждён"), Build.Executor, Now, Build.Clock);

        // Due Wednesday 4 March: at risk from Tuesday 09:00, overdue after Wednesday, then one working day per escalation.
        Assert.Empty(a.WatchRoadmap(ClockOf, _ => true, new DateTime(2026, 3, 3, 3, 59, 0, DateTimeKind.Utc)));
        var atRisk = a.WatchRoadmap(ClockOf, _ => true, new DateTime(2026, 3, 3, 4, 0, 0, DateTimeKind.Utc));
        Assert.Equal([WatchLevel.AtRisk], atRisk.Select(n => n.Level));
        Assert.Equal(watched.Id, atRisk[0].StepId);
        Assert.Empty(a.WatchRoadmap(ClockOf, _ => true, new DateTime(2026, 3, 4, 18, 0, 0, DateTimeKind.Utc)));

        var week = a.WatchRoadmap(ClockOf, _ => true, new DateTime(2026, 3, 16, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal([WatchLevel.Overdue, WatchLevel.EscalatedToDispatcher, WatchLevel.EscalatedToController, WatchLevel.EscalatedToCentre],
            week.Select(n => n.Level));
        Assert.Equal([Role.Dispatcher, Role.Dispatcher, Role.Controller, Role.Analyst], week.Select(n => n.Role));
        Assert.Equal([Build.MunA, Build.MunA, Build.MunA, Build.Centre], week.Select(n => n.OrganisationId));
        Assert.All(week, n => Assert.Equal(watched.Id, n.StepId));
        Assert.Empty(a.WatchRoadmap(ClockOf, _ => true, new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(WatchLevel.OnTrack, draft.WatchLevel);
        Assert.Equal(5, a.History.Count(e => e.Kind is EventKind.RoadmapStepAtRisk or EventKind.RoadmapStepOverdue or EventKind.RoadmapStepEscalated));
    }

    [Fact]
    public void A_step_of_a_body_outside_the_platform_is_followed_up_by_the_complaints_executor()
    {
        var a = Complaint();
        a.EscalateToHq("Систематические проверки", Build.Controller, Now);
        a.RecordHqDecision(new DateOnly(2026, 3, 2), "УФНС провести сверку и отменить повторные проверки", [Build.Fns], new DateOnly(2026, 3, 5),
            new DateOnly(2026, 3, 2), Build.Moderator, Now, ClockOf);
        var notices = a.WatchRoadmap(ClockOf, org => org != Build.Fns, new DateTime(2026, 3, 20, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(5, notices.Count);
        Assert.All(notices.Take(4), n => Assert.Equal(Build.MunA, n.OrganisationId));
    }

    [Fact]
    public void A_closed_complaint_stops_its_roadmap_watch_without_notices()
    {
        var a = Complaint();
        var step = a.AddRoadmapStep(Step(), Build.Executor, Now, Build.Clock);
        a.ApproveRoadmap(Build.Controller, Now, ClockOf);
        Build.Drive(a, AppealStatus.Closed);
        Assert.Empty(a.WatchRoadmap(ClockOf, _ => true, new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Null(step.NextWatchAtUtc);
    }

    [Fact]
    public void The_hq_decides_only_on_an_escalated_complaint_and_its_decision_becomes_approved_steps_of_the_bound_bodies()
    {
        var a = Complaint();
        var today = new DateOnly(2026, 3, 2);
        Assert.Equal("hq.not_escalated", Assert.Throws<RuleException>(() =>
            a.RecordHqDecision(today, "Решение", [Build.MunB], null, today, Build.Moderator, Now, ClockOf)).Code);
        a.EscalateToHq("Подрядчик месяц не выходит на объект, министерство не реагирует.", Build.Controller, Now);
        Assert.Equal("hq.already", Assert.Throws<RuleException>(() => a.EscalateToHq("Ещё раз", Build.Controller, Now)).Code);

        var future = Assert.Throws<InputException>(() => a.RecordHqDecision(today.AddDays(1), "Решение", [Build.MunB], null, today, Build.Moderator, Now, ClockOf));
        Assert.Contains("date", future.Errors.Keys);
        var nobody = Assert.Throws<InputException>(() => a.RecordHqDecision(today, "Решение", [], null, today, Build.Moderator, Now, ClockOf));
        Assert.Contains("organisationIds", nobody.Errors.Keys);

        var decision = a.RecordHqDecision(today, "Администрации Б выдать ордер на работы, УФНС провести сверку", [Build.MunB, Build.Fns, Build.MunB], null,
            today, Build.Moderator, Now, ClockOf);
        Assert.Equal([Build.MunB, Build.Fns], decision.OrganisationIds);
        var steps = a.Roadmap!.Steps.Where(s => s.HqDecisionId == decision.Id).ToList();
        Assert.Equal([Build.MunB, Build.Fns], steps.Select(s => s.OwnerOrganisationId));
        Assert.All(steps, s =>
        {
            Assert.True(s.IsApproved);
            Assert.Equal(StepSource.Hq, s.Source);
            Assert.Equal(Appeal.HqDefaultPolicy, s.Policy);
            Assert.NotNull(s.NextWatchAtUtc);
        });
        Assert.Equal(RoadmapStatus.Draft, a.Roadmap.Status);
        Assert.Equal([EventKind.HqEscalated, EventKind.HqDecisionRecorded], a.History.Skip(a.History.Count - 2).Select(e => e.Kind));
    }
}
