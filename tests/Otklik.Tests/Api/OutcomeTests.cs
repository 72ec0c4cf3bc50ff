using System.Net;
using System.Text.Json;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>How an appeal ends: without an answer on the merits, closed without a rating, or rated by the applicant.</summary>
public sealed class OutcomeTests(AppPool pool) : IClassFixture<AppPool>
{
    static string Camel(Enum value) => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Left_without_answer_on_each_allowed_ground_and_refused_on_the_others(Engine engine)
    {
        var app = await pool.For(engine);
        var allowed = Grounds.All.Values.Where(g => g.Ground.Allows(AppealOutcome.LeaveWithoutAnswer)).Select(g => g.Ground).ToList();
        Assert.Equal([Ground.NoNameOrAddress, Ground.ObsceneOrThreats, Ground.Unreadable, Ground.NoEssence, Ground.AnswerPublished, Ground.StateSecret], allowed);

        foreach (var ground in allowed)
        {
            var a = await app.AppealInAsync(AppealStatus.InWork);
            a = await app.ActAsync(Persona.MunAController, a, "leave-without-answer", new { ground = Camel(ground), comment = $"Основание: {Grounds.All[ground].Title}" });
            Assert.Equal((AppealStatus.LeftWithoutAnswer, FederalResult.LeftWithoutAnswer, (Ground?)ground), (a.Status, a.FederalResult, a.OutcomeGround));

            var stored = await app.StoredAsync(a.Id);
            Assert.Equal((AppealStatus.LeftWithoutAnswer, (Ground?)ground, (DateTime?)TestApp.Start.UtcDateTime), (stored.Status, stored.OutcomeGround, stored.ClosedAtUtc));
            var last = (await app.EventsAsync(a.Id))[^1];
            Assert.Equal((EventKind.LeftWithoutAnswer, app.Region.IdOf(Persona.MunAController)), (last.Kind, last.ActorId!.Value));
            Assert.Equal(Camel(ground), FlowChecks.DataOf(last).GetProperty("ground").GetString());
            var notice = await app.SingleOutboxAsync(a.Id, "appeal.left_without_answer");
            Assert.Equal(Camel(ground), notice.GetProperty("ground").GetString());
        }

        var b = await app.AppealInAsync(AppealStatus.Registered);
        foreach (var ground in Enum.GetValues<Ground>().Except(allowed))
            await app.TryActAsync(Persona.MunAController, b, "leave-without-answer", new { ground = Camel(ground) })
                .ExpectProblem(HttpStatusCode.UnprocessableEntity, "outcome.ground");
        var untouched = await app.StoredAsync(b.Id);
        Assert.Equal((AppealStatus.Registered, b.Version, (Ground?)null), (untouched.Status, untouched.Version, untouched.OutcomeGround));
        Assert.DoesNotContain(await app.OutboxAsync(b.Id), m => m.Type == "appeal.left_without_answer");
        // From a registered appeal (not yet assigned) the controller may also leave it without answer.
        b = await app.ActAsync(Persona.MunAController, b, "leave-without-answer", new { ground = "unreadable" });
        Assert.Equal(AppealStatus.LeftWithoutAnswer, b.Status);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_appeal_against_a_court_decision_is_returned_with_an_explanation(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        const string comment = "Заявитель обжалует решение районного суда; разъяснён порядок обжалования в апелляционной инстанции.";

        a = await app.ActAsync(Persona.MunAController, a, "return", new { comment });

        Assert.Equal((AppealStatus.Returned, (Ground?)Ground.CourtDecision, FederalResult.AnswerGiven), (a.Status, a.OutcomeGround, a.FederalResult));
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Returned, (Ground?)Ground.CourtDecision), (stored.Status, stored.OutcomeGround));
        Assert.NotNull(stored.ClosedAtUtc);
        var last = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.Returned, comment), (last.Kind, last.Note));
        var notice = await app.SingleOutboxAsync(a.Id, "appeal.returned");
        Assert.Equal("courtDecision", notice.GetProperty("ground").GetString());
        Assert.Equal("maria@example.ru", notice.GetProperty("email").GetString());

        await app.TryActAsync(Persona.MunAExecutor, a, "answer", new { text = "Поздно отвечать", result = "explained" })
            .ExpectProblem(HttpStatusCode.Conflict, "transition.answer.draft");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_controller_stops_correspondence_on_a_repeated_question(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Assigned);
        const string decision = "Решение министра № 12 от 20.11.2026: на вопрос трижды дан ответ по существу, новых доводов нет.";

        a = await app.ActAsync(Persona.MunAController, a, "stop-correspondence", new { comment = decision });

        Assert.Equal((AppealStatus.CorrespondenceStopped, (Ground?)Ground.RepeatedQuestion, FederalResult.AnswerGiven), (a.Status, a.OutcomeGround, a.FederalResult));
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.CorrespondenceStopped, (Ground?)Ground.RepeatedQuestion), (stored.Status, stored.OutcomeGround));
        var last = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.CorrespondenceStopped, decision, app.Region.IdOf(Persona.MunAController)), (last.Kind, last.Note, last.ActorId!.Value));
        var notice = await app.SingleOutboxAsync(a.Id, "appeal.correspondence_stopped");
        Assert.Equal("repeatedQuestion", notice.GetProperty("ground").GetString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_moderator_closes_an_answered_appeal_the_applicant_did_not_rate(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.AnswerSent);
        Assert.Equal(FederalResult.SupportedMeasuresTaken, a.FederalResult);

        a = await app.ActAsync(Persona.CentreModerator, a, "close", new { note = "Заявитель не оценил ответ" });

        Assert.Equal((AppealStatus.Closed, (int?)null, FederalResult.SupportedMeasuresTaken), (a.Status, a.Rating, a.FederalResult));
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Closed, (int?)null, (DateTime?)TestApp.Start.UtcDateTime), (stored.Status, stored.Rating, stored.ClosedAtUtc));
        var last = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.Closed, AppealStatus.AnswerSent, "Заявитель не оценил ответ", app.Region.IdOf(Persona.CentreModerator)),
            (last.Kind, last.FromStatus!.Value, last.Note, last.ActorId!.Value));

        await app.TryActAsync(Persona.Applicant, a, "rate", new { score = 5 }).ExpectProblem(HttpStatusCode.Conflict, "transition.rating.rate");
        Assert.Null((await app.StoredAsync(a.Id)).Rating);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_rating_of_three_to_five_closes_the_appeal_with_the_answer_result(Engine engine)
    {
        var app = await pool.For(engine);
        foreach (var (score, result) in new[] { (3, FederalResult.NotSupported), (4, FederalResult.Explained), (5, FederalResult.Supported) })
        {
            var a = await app.AppealInAsync(AppealStatus.InWork);
            a = await app.ActAsync(Persona.MunAExecutor, a, "answer", new { text = "Ответ по существу обращения с разъяснением принятых решений.", result = Camel(result) });
            a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
            a = await app.ActAsync(Persona.MunAController, a, "answer/approve");
            Assert.Equal(result, a.FederalResult);

            a = await app.ActAsync(Persona.Applicant, a, "rate", new { score, comment = $"Оценка {score}" });

            Assert.Equal((AppealStatus.Closed, (int?)score, result), (a.Status, a.Rating, a.FederalResult));
            var stored = await app.StoredAsync(a.Id);
            Assert.Equal((AppealStatus.Closed, (int?)score, $"Оценка {score}", 0), (stored.Status, stored.Rating, stored.RatingComment, stored.ReconsiderationCount));
            Assert.Equal(result, stored.FederalResult);
            var events = await app.EventsAsync(a.Id);
            Assert.Equal([EventKind.AnswerSent, EventKind.Rated, EventKind.Closed], events.TakeLast(3).Select(e => e.Kind));
            Assert.Equal(score, FlowChecks.DataOf(events[^2]).GetProperty("score").GetInt32());
            Assert.Equal(app.Region.IdOf(Persona.Applicant), events[^1].ActorId);
            Assert.Single(await app.OutboxAsync(a.Id), m => m.Type == "appeal.answered");
        }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_rating_of_one_or_two_reopens_the_appeal_with_a_new_deadline(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var one = await app.AppealInAsync(AppealStatus.AnswerSent);
        var two = await app.AppealInAsync(AppealStatus.AnswerSent);
        // Registered on Monday 23 November at 12:00 in Yekaterinburg: a platform message is due at the end of the 10th day.
        var firstDue = new DateTime(2026, 12, 3, 18, 59, 59, DateTimeKind.Utc);
        Assert.Equal((firstDue, firstDue), (one.DueAtUtc, two.DueAtUtc));

        app.Clock.Advance(TimeSpan.FromDays(3));
        // Rated on Thursday 26 November: ten days again from then.
        var newDue = new DateTime(2026, 12, 6, 18, 59, 59, DateTimeKind.Utc);
        foreach (var (a, score) in new[] { (one, 1), (two, 2) })
        {
            var reopened = await app.ActAsync(Persona.Applicant, a, "rate", new { score, comment = "Яма осталась на месте" });

            Assert.Equal(AppealStatus.InWork, reopened.Status);
            Assert.Equal(newDue, reopened.DueAtUtc);
            Assert.Equal((1, (int?)score, FederalResult.UnderConsideration), (reopened.ReconsiderationCount, reopened.Rating, reopened.FederalResult));
            Assert.Equal(app.Region.IdOf(Persona.MunAExecutor), reopened.AssigneeId);
            var stored = await app.StoredAsync(a.Id);
            Assert.Equal((AppealStatus.InWork, newDue, 1, (DateTime?)null, (DateTime?)null),
                (stored.Status, stored.DueAtUtc, stored.ReconsiderationCount, stored.AnsweredAtUtc, stored.ClosedAtUtc));
            var events = await app.EventsAsync(a.Id);
            Assert.Equal([EventKind.Rated, EventKind.Reopened], events.TakeLast(2).Select(e => e.Kind));
            Assert.Equal((AppealStatus.AnswerSent, AppealStatus.InWork), (events[^1].FromStatus!.Value, events[^1].ToStatus));
            // 6 December is a Sunday: the control date is Friday 4 December, and the watch starts over from the day before it.
            Assert.Equal((new DateOnly(2026, 12, 6), new DateOnly(2026, 12, 4), "calendar-days:10"),
                (reopened.AnswerDueDate!.Value, reopened.AnswerControlDate!.Value, reopened.AnswerPolicy));
            Assert.Equal((WatchLevel.OnTrack, (DateTime?)new DateTime(2026, 12, 3, 4, 0, 0, DateTimeKind.Utc)), (stored.WatchLevel, stored.NextWatchAtUtc));

            // The executor answers again and the applicant is satisfied this time.
            var again = await app.ActAsync(Persona.MunAExecutor, reopened, "answer", new { text = "Покрытие переложено 27 ноября, фото прилагаем.", result = "supportedMeasuresTaken" });
            again = await app.ActAsync(Persona.MunAExecutor, again, "answer/submit");
            again = await app.ActAsync(Persona.MunAController, again, "answer/approve");
            again = await app.ActAsync(Persona.Applicant, again, "rate", new { score = 4 });
            Assert.Equal((AppealStatus.Closed, 1), (again.Status, again.ReconsiderationCount));
            Assert.Equal(2, (await app.OutboxAsync(a.Id)).Count(m => m.Type == "appeal.answered"));
        }
    }
}
