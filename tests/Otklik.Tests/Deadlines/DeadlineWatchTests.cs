using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;
using static Otklik.Features.Appeals.WatchLevel;
using static Otklik.Tests.Deadlines.WatchChecks;

namespace Otklik.Tests.Deadlines;

/// <summary>
/// The deadline watch with a fake clock: at risk, overdue and each escalation step are sent once, at their moment, to the
/// right people; a sweep that was off sends what it missed; paused, answered and closed appeals are left alone; two sweeps
/// at once send each notice once. The test region works in Yekaterinburg (UTC+5); the clock starts on Monday
/// 23 November 2026 at 12:00 there, and late November 2026 has no holidays.
/// </summary>
public sealed class DeadlineWatchTests
{
    static readonly DateTime Start = TestApp.Start.UtcDateTime;

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Each_level_is_sent_once_at_its_moment_and_climbs_to_the_centre(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        // A complex consultation at Мининвест: 2 working days from registration on Monday — Tuesday and Wednesday.
        var a = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        var due = Utc(2026, 11, 25, 18, 59, 59);                       // Wednesday 25 November, 23:59:59 +05
        Assert.Equal(("working-days:2", new DateOnly(2026, 11, 25), due), (a.AnswerPolicy, a.AnswerDueDate, a.DueAtUtc));
        Assert.Equal((Utc(2026, 11, 24, 4, 0), OnTrack), (a.AtRiskFromUtc, a.WatchLevel));  // one working day before: Tuesday 09:00 +05

        var executor = r.IdOf(Persona.MinInvestExecutor);
        Notice N(string type, string level, string role, Guid organisation, Guid? person = null) => new(a.Id, type, level, role, organisation, person);
        (DateTime At, Notice? New, WatchLevel Level)[] steps =
        [
            (Start, null, OnTrack),
            (Utc(2026, 11, 24, 3, 59, 59), null, OnTrack),
            (Utc(2026, 11, 24, 4, 0), N("deadline.at_risk", "atRisk", "executor", r.MinInvest, executor), AtRisk),
            (Utc(2026, 11, 24, 4, 0), null, AtRisk),                   // the same moment again
            (Utc(2026, 11, 25, 12, 0), null, AtRisk),
            (due, null, AtRisk),                                        // the last second of the due date is still in time
            (due.AddSeconds(1), N("deadline.overdue", "overdue", "executor", r.MinInvest, executor), Overdue),
            (due.AddSeconds(1), null, Overdue),
            (Utc(2026, 11, 26, 18, 59, 58), null, Overdue),
            // One working day after the deadline: the organisation's dispatcher; two: its controller.
            (Utc(2026, 11, 26, 18, 59, 59), N("deadline.escalated", "escalatedToDispatcher", "dispatcher", r.MinInvest), EscalatedToDispatcher),
            (Utc(2026, 11, 27, 10, 0), null, EscalatedToDispatcher),
            (Utc(2026, 11, 27, 18, 59, 59), N("deadline.escalated", "escalatedToController", "controller", r.MinInvest), EscalatedToController),
            // Saturday and Sunday do not count: the third working day is Monday 30 November. Then the centre, which owns the appeal.
            (Utc(2026, 11, 30, 18, 59, 58), null, EscalatedToController),
            (Utc(2026, 11, 30, 18, 59, 59), N("deadline.escalated", "escalatedToCentre", "analyst", r.Centre), EscalatedToCentre),
            (Utc(2026, 11, 30, 18, 59, 59), null, EscalatedToCentre),
            (Utc(2026, 12, 31, 12, 0), null, EscalatedToCentre),
        ];

        var expected = new List<Notice>();
        foreach (var (at, notice, level) in steps)
        {
            var result = await app.SweepAsync(at);
            if (notice is not null) expected.Add(notice);
            Assert.True(expected.SequenceEqual(await app.NoticesAsync(a.Id)),
                $"After the sweep at {at:O}: expected [{string.Join(", ", expected)}], found [{string.Join(", ", await app.NoticesAsync(a.Id))}]");
            Assert.Equal(notice is null ? new DeadlineWatch.Result(0, 0) : new DeadlineWatch.Result(1, 1), result);
            Assert.Equal(level, (await app.StoredAsync(a.Id)).WatchLevel);
        }

        Assert.Equal([EventKind.DeadlineAtRisk, EventKind.DeadlineMissed, EventKind.Escalated, EventKind.Escalated, EventKind.Escalated],
            await app.WatchEventsAsync(a.Id));
        var stored = await app.StoredAsync(a.Id);
        Assert.Null(stored.NextWatchAtUtc);
        Assert.Equal(AppealStatus.InWork, stored.Status);
        Assert.True((await app.GetAsync(a.Id)).IsOverdue);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_sweep_that_was_off_for_a_week_sends_every_missed_level_once_and_in_order(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var late = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));   // due 25 November
        var pothole = await app.AppealInAsync(AppealStatus.InWork);                     // 10 calendar days: due 3 December, at risk from 2 December 09:00 +05
        Assert.Equal((Utc(2026, 12, 3, 18, 59, 59), Utc(2026, 12, 2, 4, 0)), (pothole.DueAtUtc, pothole.AtRiskFromUtc));

        // Nobody swept until Wednesday 2 December, 17:00 +05.
        var result = await app.SweepAsync(Utc(2026, 12, 2, 12, 0));

        Assert.Equal(new DeadlineWatch.Result(2, 6), result);
        Assert.Equal(Levels, (await app.NoticesAsync(late.Id)).Select(n => n.Level));
        Assert.Equal(["atRisk"], (await app.NoticesAsync(pothole.Id)).Select(n => n.Level));
        var events = await app.WithDbAsync(db => db.AppealEvents.AsNoTracking().Where(e => e.AppealId == late.Id)
            .OrderBy(e => e.Sequence).ToListAsync());
        var watchEvents = events.Where(e => e.Kind is EventKind.DeadlineAtRisk or EventKind.DeadlineMissed or EventKind.Escalated).ToList();
        Assert.Equal(Levels, watchEvents.Select(e => FlowChecks.DataOf(e).GetProperty("level").GetString()));
        Assert.Equal((EscalatedToCentre, (DateTime?)null), ((await app.StoredAsync(late.Id)).WatchLevel, (await app.StoredAsync(late.Id)).NextWatchAtUtc));

        // Running again at the same moment, or a little later, repeats nothing.
        Assert.Equal(new DeadlineWatch.Result(0, 0), await app.SweepAsync(Utc(2026, 12, 2, 12, 0)));
        Assert.Equal(new DeadlineWatch.Result(0, 0), await app.SweepAsync(Utc(2026, 12, 3, 18, 0)));
        Assert.Equal(6, (await app.NoticesAsync()).Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_transition_that_moves_the_stage_deadline_starts_the_watch_over(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var subsidy = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));   // due 25 November
        var pothole = await app.AppealInAsync(AppealStatus.InWork);                         // due 3 December at МО А

        await app.SweepAsync(Utc(2026, 11, 24, 4, 0));
        Assert.Equal(["atRisk"], (await app.NoticesAsync(subsidy.Id)).Select(n => n.Level));

        // The controller extends the consultation by 5 calendar days: due Monday 30 November, at risk again from Friday 09:00 +05.
        var extended = await app.ActAsync(Persona.MinInvestController, await app.GetAsync(subsidy.Id), "extend",
            new { days = 5, reason = "Нужно заключение отраслевого департамента." });
        Assert.Equal((Utc(2026, 11, 30, 18, 59, 59), Utc(2026, 11, 27, 4, 0), OnTrack, new DateOnly(2026, 11, 30)),
            (extended.DueAtUtc, extended.AtRiskFromUtc, extended.WatchLevel, extended.AnswerDueDate));
        Assert.Equal(Utc(2026, 11, 27, 4, 0), (await app.StoredAsync(subsidy.Id)).NextWatchAtUtc);

        await app.SweepAsync(Utc(2026, 11, 25, 19, 0));                    // the old deadline has passed: nothing, it is no longer the deadline
        await app.SweepAsync(Utc(2026, 11, 27, 3, 59, 59));
        Assert.Equal(["atRisk"], (await app.NoticesAsync(subsidy.Id)).Select(n => n.Level));
        await app.SweepAsync(Utc(2026, 11, 27, 4, 0));
        await app.SweepAsync(Utc(2026, 11, 30, 19, 0));
        Assert.Equal(["atRisk", "atRisk", "overdue"], (await app.NoticesAsync(subsidy.Id)).Select(n => n.Level));

        // The pothole reaches its risk on 2 December; then МО А redirects it to МО Б, whose own 10 days start now.
        await app.SweepAsync(Utc(2026, 12, 2, 4, 0));
        Assert.Equal(["atRisk"], (await app.NoticesAsync(pothole.Id)).Select(n => n.Level));
        app.Clock.SetUtcNow(new DateTimeOffset(Utc(2026, 12, 2, 5, 0)));  // 10:00 +05
        var redirected = await app.ActAsync(Persona.MunAExecutor, await app.GetAsync(pothole.Id), "redirect",
            new { organisationId = r.MunB, reason = "Дом относится к городу Б." });
        // 12 December is a Saturday: the control date is Friday 11 December, at risk from Thursday 10 December 09:00 +05.
        Assert.Equal((AppealStatus.Registered, r.MunB, new DateOnly(2026, 12, 12), new DateOnly(2026, 12, 11)),
            (redirected.Status, redirected.ExecutorOrganisationId, redirected.AnswerDueDate, redirected.AnswerControlDate));
        Assert.Equal((Utc(2026, 12, 12, 18, 59, 59), Utc(2026, 12, 10, 4, 0), OnTrack), (redirected.DueAtUtc, redirected.AtRiskFromUtc, redirected.WatchLevel));

        await app.SweepAsync(Utc(2026, 12, 3, 19, 0));                     // МО А's old deadline: nothing
        await app.SweepAsync(Utc(2026, 12, 10, 3, 59, 59));
        Assert.Equal(["atRisk"], (await app.NoticesAsync(pothole.Id)).Select(n => n.Level));
        await app.SweepAsync(Utc(2026, 12, 10, 4, 0));
        var notices = await app.NoticesAsync(pothole.Id);
        // Not assigned yet at МО Б: its dispatcher is told.
        Assert.Equal(new Notice(pothole.Id, "deadline.at_risk", "atRisk", "dispatcher", r.MunB, null), notices[^1]);
        Assert.Equal(2, notices.Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Answered_and_closed_appeals_are_never_watched(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var quiet = new List<AppealView>
        {
            await app.AppealInAsync(AppealStatus.AnswerSent, Samples.Subsidy(r)),
            await app.AppealInAsync(AppealStatus.AnswerSent),
            await app.AppealInAsync(AppealStatus.Closed),
            await app.AppealInAsync(AppealStatus.Rejected),
            await app.AppealInAsync(AppealStatus.LeftWithoutAnswer),
            await app.AppealInAsync(AppealStatus.Redirected),   // to the tax service, outside the platform
        };
        // One that was at risk before its answer went out.
        var late = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        Assert.Equal(new DeadlineWatch.Result(1, 1), await app.SweepAsync(Utc(2026, 11, 24, 4, 0)));
        late = await app.ActAsync(Persona.MinInvestExecutor, await app.GetAsync(late.Id), "answer",
            new { text = "Перечень документов для субсидии «Модернизация» направлен на почту.", result = "explained" });
        late = await app.ActAsync(Persona.MinInvestExecutor, late, "answer/submit");
        late = await app.ActAsync(Persona.MinInvestController, late, "answer/approve");
        Assert.Equal(AppealStatus.AnswerSent, late.Status);
        quiet.Add(late);

        foreach (var a in quiet) Assert.Null((await app.StoredAsync(a.Id)).NextWatchAtUtc);
        Assert.Equal(new DeadlineWatch.Result(0, 0), await app.SweepAsync(Utc(2026, 12, 31, 12, 0)));
        Assert.Equal([new Notice(late.Id, "deadline.at_risk", "atRisk", "executor", r.MinInvest, r.IdOf(Persona.MinInvestExecutor))], await app.NoticesAsync());
        foreach (var a in quiet) Assert.False((await app.GetAsync(a.Id)).IsOverdue, $"{a.Number} ({a.Status}) must not be overdue");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_paused_appeal_is_neither_watched_nor_overdue_and_resuming_moves_its_deadline_by_the_pause(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var paused = await app.AppealInAsync(AppealStatus.InWork);    // 10 calendar days from Monday 23 November: 3 December
        var running = await app.AppealInAsync(AppealStatus.InWork);   // the same deadline, not paused
        Assert.Equal((new DateOnly(2026, 12, 3), Utc(2026, 12, 3, 18, 59, 59)), (paused.AnswerDueDate, paused.AnswerDueAtUtc));

        app.Clock.SetUtcNow(new DateTimeOffset(Utc(2026, 11, 24, 7, 0)));
        paused = await app.ActAsync(Persona.MunAExecutor, paused, "pause", new { request = "Пришлите фото ямы с привязкой к номеру дома." });
        Assert.Equal(Utc(2026, 11, 24, 7, 0), paused.PausedAtUtc);
        Assert.Null((await app.StoredAsync(paused.Id)).NextWatchAtUtc);
        Assert.Equal(Utc(2026, 12, 3, 18, 59, 59), paused.DueAtUtc);
        var request = await app.SingleOutboxAsync(paused.Id, "appeal.information_requested");
        Assert.Equal("maria@example.ru", request.GetProperty("email").GetString());

        // Ten days later, past the at-risk moment and past the deadline: the running appeal is watched, the paused one is not.
        var result = await app.SweepAsync(Utc(2026, 12, 4, 6, 0));
        Assert.Empty(await app.NoticesAsync(paused.Id));
        Assert.Equal(["atRisk", "overdue"], (await app.NoticesAsync(running.Id)).Select(n => n.Level));
        Assert.Equal(new DeadlineWatch.Result(1, 2), result);

        var staff = app.ClientAs(Persona.MunADispatcher);
        Assert.False((await app.GetAsync(paused.Id)).IsOverdue);
        Assert.True((await app.GetAsync(running.Id)).IsOverdue);
        Assert.Empty(await ListedAsync(staff, paused, "overdue=true"));
        Assert.Equal([false], await ListedAsync(staff, paused, "overdue=false"));
        Assert.Equal([true], await ListedAsync(staff, running, "overdue=true"));
        Assert.Empty(await ListedAsync(staff, running, "overdue=false"));

        // The applicant answers on 4 December at 12:00 +05, exactly ten days after the pause: the start moves by ten days
        // (3 December, 12:00 +05) and ten calendar days from it end on Sunday 13 December; the control date is Friday 11 December.
        app.Clock.SetUtcNow(new DateTimeOffset(Utc(2026, 12, 4, 7, 0)));
        paused = await app.ActAsync(Persona.Applicant, await app.GetAsync(paused.Id, Persona.Applicant), "resume",
            new { note = "Фото приложено: яма у второго подъезда дома 10." });
        Assert.Null(paused.PausedAtUtc);
        Assert.Equal((new DateOnly(2026, 12, 13), new DateOnly(2026, 12, 11), Utc(2026, 12, 13, 18, 59, 59)),
            (paused.AnswerDueDate, paused.AnswerControlDate, paused.AnswerDueAtUtc));
        Assert.Equal(Utc(2026, 12, 3, 18, 59, 59).AddDays(10), paused.DueAtUtc);
        Assert.Equal((Utc(2026, 12, 10, 4, 0), OnTrack, false), (paused.AtRiskFromUtc, paused.WatchLevel, paused.IsOverdue));
        var stored = await app.StoredAsync(paused.Id);
        Assert.Equal((10 * 24 * 3600L, (DateTime?)Utc(2026, 12, 10, 4, 0)), (stored.PausedSeconds, stored.NextWatchAtUtc));
        Assert.Contains("Фото приложено", stored.Text);
        var kinds = await app.EventKindsAsync(paused.Id);
        Assert.Equal([EventKind.ClockPaused, EventKind.ClockResumed], kinds.Where(k => k is EventKind.ClockPaused or EventKind.ClockResumed));

        // From now on it is watched again, against the moved deadline.
        await app.SweepAsync(Utc(2026, 12, 10, 3, 59, 59));
        Assert.Empty(await app.NoticesAsync(paused.Id));
        await app.SweepAsync(Utc(2026, 12, 10, 4, 0));
        Assert.Equal(["atRisk"], (await app.NoticesAsync(paused.Id)).Select(n => n.Level));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Resuming_an_hours_clock_moves_its_deadline_by_exactly_the_time_it_stood_still(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        // A social-network incident with a named author: 24 wall-clock hours from registration.
        var a = await app.SubmitAsync(SocialIncident(r, new Dictionary<string, object?>
        {
            ["kind"] = "person", ["lastName"] = "Орлова", ["firstName"] = "Анна", ["phone"] = "+7 912 600-00-00",
        }), Persona.CentreOperator);
        a = await app.ActAsync(Persona.CentreModerator, a, "register");
        Assert.Equal(("hours:24", Start.AddHours(24), Start.AddHours(24)), (a.AnswerPolicy, a.AnswerDueAtUtc, a.DueAtUtc));

        app.Clock.SetUtcNow(TestApp.Start.AddHours(2));
        a = await app.ActAsync(Persona.MunADispatcher, a, "pause", new { request = "Уточните адрес: в посте не указан номер дома." });
        app.Clock.SetUtcNow(TestApp.Start.AddHours(7).AddMinutes(30));
        a = await app.ActAsync(Persona.MunADispatcher, a, "resume", new { note = "Автор ответил в комментариях: ул. Ленина, 10." });

        var moved = Start.AddHours(24 + 5.5);
        Assert.Equal((moved, moved, (DateTime?)null), (a.AnswerDueAtUtc, a.DueAtUtc, a.PausedAtUtc));
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((moved, (long)(5.5 * 3600)), (stored.DueAtUtc, stored.PausedSeconds));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_working_hours_deadline_moves_by_the_working_time_the_clock_stood_still(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await app.ClientAs(Persona.RegionAdmin).PostJsonAsync("/api/v1/deadline-rules",
            new { stage = "answer", regime = "businessConsultation", topicId = r.SubsidyTopic, policy = "working-hours:8" }).Expect(HttpStatusCode.Created);
        // Registered on Monday at 12:00 +05: 12–13 and 14–18 on Monday (5 hours), 09–12 on Tuesday (3 hours).
        var a = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        Assert.Equal(("working-hours:8", Utc(2026, 11, 24, 7, 0)), (a.AnswerPolicy, a.AnswerDueAtUtc!.Value));

        // Paused on Monday at 17:00 +05, four working hours spent; resumed on Tuesday at 10:00 +05. The clock stood still for
        // two working hours (17–18 on Monday, 09–10 on Tuesday): the four hours left run 10–13 and 14–15 on Tuesday.
        app.Clock.SetUtcNow(new DateTimeOffset(Utc(2026, 11, 23, 12, 0)));
        a = await app.ActAsync(Persona.MinInvestExecutor, a, "pause", new { request = "Пришлите копию бизнес-плана для проверки условий субсидии." });
        app.Clock.SetUtcNow(new DateTimeOffset(Utc(2026, 11, 24, 5, 0)));
        a = await app.ActAsync(Persona.Applicant, await app.GetAsync(a.Id, Persona.Applicant), "resume", new { note = "Бизнес-план приложен." });

        Assert.Equal((Utc(2026, 11, 24, 10, 0), Utc(2026, 11, 24, 10, 0)), (a.AnswerDueAtUtc!.Value, a.DueAtUtc));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_appeal_answered_while_paused_is_watched_again_once_reopened(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var a = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        a = await app.ActAsync(Persona.MinInvestExecutor, a, "pause", new { request = "Уточните, на какие станки нужна субсидия." });
        // The applicant never answers; the executor answers with what is known.
        a = await app.ActAsync(Persona.MinInvestExecutor, a, "answer", new { text = "Перечень документов для субсидии направлен на почту.", result = "explained" });
        a = await app.ActAsync(Persona.MinInvestExecutor, a, "answer/submit");
        a = await app.ActAsync(Persona.MinInvestController, a, "answer/approve");
        Assert.Equal(AppealStatus.AnswerSent, a.Status);

        // A low rating on Tuesday 24 November, 10:00 +05, reopens it: two working days again, due Thursday 26 November, and watched.
        app.Clock.SetUtcNow(new DateTimeOffset(Utc(2026, 11, 24, 5, 0)));
        a = await app.ActAsync(Persona.Applicant, await app.GetAsync(a.Id, Persona.Applicant), "rate", new { score = 1, comment = "Ответ не по существу." });
        Assert.Equal((AppealStatus.InWork, (DateTime?)null, Utc(2026, 11, 26, 18, 59, 59)), (a.Status, a.PausedAtUtc, a.DueAtUtc));
        Assert.Equal(Utc(2026, 11, 25, 4, 0), (await app.StoredAsync(a.Id)).NextWatchAtUtc);
        await app.SweepAsync(Utc(2026, 11, 26, 19, 0));
        Assert.Equal(["atRisk", "overdue"], (await app.NoticesAsync(a.Id)).Select(n => n.Level));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Moderation_left_past_48_hours_is_at_risk_then_overdue_to_the_moderators_then_goes_to_the_centre(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var a = await app.SubmitAsync();
        var due = Start.AddHours(48);                                   // Wednesday 25 November, 12:00 +05
        Assert.Equal((due, due, AppealStatus.Moderation), (a.ModerationDueAtUtc, a.DueAtUtc, a.Status));
        Assert.Equal(Start.AddHours(36), a.AtRiskFromUtc);             // three quarters of an hours-based deadline

        Notice N(string type, string level, string role) => new(a.Id, type, level, role, r.Centre, null);
        (DateTime At, Notice? New)[] steps =
        [
            (Start.AddHours(36).AddSeconds(-1), null),
            (Start.AddHours(36), N("deadline.at_risk", "atRisk", "moderator")),
            (due, null),
            (due.AddSeconds(1), N("deadline.overdue", "overdue", "moderator")),
            (Utc(2026, 11, 26, 6, 59, 59), null),
            // No dispatcher or controller in moderation: one working day after the deadline it goes straight to the centre's head.
            (Utc(2026, 11, 26, 7, 0), N("deadline.escalated", "escalatedToCentre", "analyst")),
            (Utc(2026, 12, 31, 12, 0), null),
        ];
        var expected = new List<Notice>();
        foreach (var (at, notice) in steps)
        {
            await app.SweepAsync(at);
            if (notice is not null) expected.Add(notice);
            Assert.True(expected.SequenceEqual(await app.NoticesAsync(a.Id)),
                $"After the sweep at {at:O}: expected [{string.Join(", ", expected)}], found [{string.Join(", ", await app.NoticesAsync(a.Id))}]");
        }
        Assert.Equal([EventKind.DeadlineAtRisk, EventKind.DeadlineMissed, EventKind.Escalated], await app.WatchEventsAsync(a.Id));
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Moderation, EscalatedToCentre, (DateTime?)null), (stored.Status, stored.WatchLevel, stored.NextWatchAtUtc));

        // Registration starts the answer's clock: a new stage deadline, watched from the start.
        a = await app.ActAsync(Persona.CentreModerator, await app.GetAsync(a.Id), "register");
        Assert.Equal((OnTrack, Utc(2026, 12, 31, 12, 0)), (a.WatchLevel, a.RegisteredAtUtc));
        Assert.Equal(new DateOnly(2027, 1, 10), a.AnswerDueDate);
        Assert.NotNull((await app.StoredAsync(a.Id)).NextWatchAtUtc);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Two_sweeps_at_once_send_each_notice_exactly_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var moderation = new List<AppealView>();
        var registered = new List<AppealView>();
        for (var i = 0; i < 15; i++) moderation.Add(await app.SubmitAsync());
        for (var i = 0; i < 15; i++) registered.Add(await app.ActAsync(Persona.CentreModerator, await app.SubmitAsync(), "register"));

        // Moderation (48 h): at risk, then overdue and the centre. Registered at МО А (10 calendar days, due 3 December): all five levels.
        (DateTime At, int Notices)[] rounds =
        [
            (Start.AddHours(36), 15),
            (Utc(2026, 11, 26, 7, 0), 30),
            (Utc(2026, 12, 10, 12, 0), 75),
            (Utc(2026, 12, 31, 12, 0), 0),
        ];
        var total = 0;
        foreach (var (at, expected) in rounds)
        {
            app.Clock.SetUtcNow(new DateTimeOffset(at));
            var results = await Task.WhenAll(Task.Run(() => app.SweepAsync(at)), Task.Run(() => app.SweepAsync(at)));
            total += expected;
            Assert.Equal(expected, results.Sum(x => x.Notices));
            Assert.Equal(total, (await app.NoticesAsync()).Count);
        }

        var notices = await app.NoticesAsync();
        var twice = notices.GroupBy(n => (n.AppealId, n.Level)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, "Sent more than once: " + string.Join(", ", twice));
        foreach (var a in moderation)
            Assert.Equal(["atRisk", "overdue", "escalatedToCentre"], notices.Where(n => n.AppealId == a.Id).Select(n => n.Level));
        foreach (var a in registered)
            Assert.Equal(Levels, notices.Where(n => n.AppealId == a.Id).Select(n => n.Level));
        // Each notice is one history event of its appeal too.
        var events = await app.WithDbAsync(db => db.AppealEvents.CountAsync(e =>
            e.Kind == EventKind.DeadlineAtRisk || e.Kind == EventKind.DeadlineMissed || e.Kind == EventKind.Escalated));
        Assert.Equal(120, events);
    }

    internal static Dictionary<string, object?> SocialIncident(TestRegion r, Dictionary<string, object?>? applicant = null, string? priority = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = "problem", ["channel"] = "socialNetwork", ["regime"] = "socialIncident", ["kind"] = "task",
            ["categoryId"] = r.CityCategory, ["topicId"] = r.PotholeTopic, ["address"] = "ул. Ленина, 10",
            ["latitude"] = TestRegion.InsideA.Lat, ["longitude"] = TestRegion.InsideA.Lon,
            ["text"] = "Пост во «ВКонтакте»: на ул. Ленина провалился асфальт, машины бьют подвеску, просят срочно огородить яму.",
            ["applicant"] = applicant ?? new Dictionary<string, object?> { ["kind"] = "anonymous" },
        };
        if (priority is not null) body["priority"] = priority;
        return body;
    }

    /// <summary>The list, searched by the appeal's number with a filter: the IsOverdue flag of each row found.</summary>
    static async Task<List<bool>> ListedAsync(HttpClient client, AppealView a, string filter)
    {
        var page = await (await client.GetAsync($"/api/v1/appeals?q={a.Number}&{filter}").Expect(HttpStatusCode.OK))
            .ReadAsync<AppealsApi.Page<AppealListItem>>();
        return [.. page.Items.Where(i => i.Id == a.Id).Select(i => i.IsOverdue)];
    }
}
