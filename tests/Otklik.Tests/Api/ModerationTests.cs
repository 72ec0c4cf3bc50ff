using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Moderation;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>Moderation: clarification, rejection, reclassification, first routing on registration, merging duplicates.</summary>
public sealed class ModerationTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Answered_clarification_appends_the_text_and_starts_a_new_48_hour_moderation(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var a = await app.SubmitAsync();
        var firstModerationDue = a.ModerationDueAtUtc;

        a = await app.ActAsync(Persona.CentreModerator, a, "clarification-request", new { question = "Уточните, пожалуйста, номер дома и подъезд." });
        Assert.Equal(AppealStatus.Clarification, a.Status);
        // Asked on Monday 23 November at 12:00 +05: three calendar days end with Thursday 26 November, 23:59:59 +05.
        Assert.Equal(new DateTime(2026, 11, 26, 18, 59, 59, DateTimeKind.Utc), a.ClarificationDueAtUtc);
        Assert.Equal(a.ClarificationDueAtUtc, a.DueAtUtc);
        var asked = await app.SingleOutboxAsync(a.Id, "appeal.clarification_requested");
        Assert.Equal(a.ClarificationDueAtUtc, asked.GetProperty("due").GetDateTime().ToUniversalTime());
        Assert.Equal("Уточните, пожалуйста, номер дома и подъезд.", asked.GetProperty("question").GetString());
        Assert.Equal("maria@example.ru", asked.GetProperty("email").GetString());

        app.Clock.Advance(TimeSpan.FromDays(1));
        var answeredAt = app.Clock.GetUtcNow().UtcDateTime;
        a = await app.ActAsync(Persona.Applicant, a, "clarification", new { text = "Дом 10, второй подъезд, яма прямо у въезда во двор." });

        Assert.Equal(AppealStatus.Moderation, a.Status);
        Assert.EndsWith("\n\nУточнение заявителя: Дом 10, второй подъезд, яма прямо у въезда во двор.", a.Text);
        Assert.StartsWith("Глубокая яма на проезжей части", a.Text);
        Assert.Equal(answeredAt.AddHours(48), a.ModerationDueAtUtc);
        Assert.Equal(answeredAt.AddHours(48), a.DueAtUtc);
        Assert.True(a.ModerationDueAtUtc > firstModerationDue);
        Assert.Null(a.ClarificationDueAtUtc);

        var stored = await app.StoredAsync(a.Id);
        Assert.Equal(AppealStatus.Moderation, stored.Status);
        Assert.Contains("второй подъезд", stored.Text);
        Assert.Contains("второй подъезд", stored.SearchText);
        Assert.Equal(answeredAt.AddHours(48), stored.ModerationDueAtUtc);
        var events = await app.EventsAsync(a.Id);
        Assert.Equal([EventKind.Received, EventKind.ClarificationRequested, EventKind.ClarificationGiven], events.Select(e => e.Kind));
        Assert.Equal(app.Region.IdOf(Persona.Applicant), events[2].ActorId);
        Assert.Equal((AppealStatus.Clarification, AppealStatus.Moderation), (events[2].FromStatus!.Value, events[2].ToStatus));

        // The appeal waits for the moderator again: another clarification answer is refused.
        await app.TryActAsync(Persona.Applicant, a, "clarification", new { text = "Ещё одно уточнение к обращению." })
            .ExpectProblem(HttpStatusCode.Conflict, "transition.clarification.answer");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Clarification_unanswered_for_three_days_is_rejected_by_the_sweep_and_a_fresh_one_is_left_alone(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        // Asked on Monday 23 November at 12:00 +05: three calendar days, to the end of Thursday 26 November there.
        var old = await app.AppealInAsync(AppealStatus.Clarification);
        var due = new DateTime(2026, 11, 26, 18, 59, 59, DateTimeKind.Utc);
        Assert.Equal(due, old.ClarificationDueAtUtc);
        // Silence counts only once the question has gone out (ApplicantLettersTests: not before).
        await app.DispatchMailAsync();
        app.Clock.Advance(TimeSpan.FromDays(2));
        var fresh = await app.AppealInAsync(AppealStatus.Clarification);
        await app.DispatchMailAsync();

        // Just before the three days end nothing happens.
        app.Clock.SetUtcNow(new DateTimeOffset(due.AddSeconds(-1)));
        Assert.Equal(0, await SweepAsync(app));
        Assert.Equal(AppealStatus.Clarification, (await app.StoredAsync(old.Id)).Status);

        app.Clock.SetUtcNow(new DateTimeOffset(due));
        var now = app.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(1, await SweepAsync(app));

        var rejected = await app.StoredAsync(old.Id);
        Assert.Equal(AppealStatus.Rejected, rejected.Status);
        Assert.Equal(Ground.ClarificationNotReceived, rejected.OutcomeGround);
        Assert.Equal(now, rejected.ClosedAtUtc);
        Assert.Equal(FederalResult.NotRegistered, rejected.FederalResult);
        var last = (await app.EventsAsync(old.Id))[^1];
        Assert.Equal(EventKind.Rejected, last.Kind);
        Assert.Null(last.ActorId);
        Assert.Equal("clarificationNotReceived", FlowChecks.DataOf(last).GetProperty("ground").GetString());
        Assert.True(FlowChecks.DataOf(last).GetProperty("automatic").GetBoolean());
        var notice = await app.SingleOutboxAsync(old.Id, "appeal.rejected");
        Assert.Equal("clarificationNotReceived", notice.GetProperty("ground").GetString());
        Assert.Equal("maria@example.ru", notice.GetProperty("email").GetString());

        var untouched = await app.StoredAsync(fresh.Id);
        Assert.Equal(AppealStatus.Clarification, untouched.Status);
        Assert.Equal(fresh.Version, untouched.Version);
        Assert.DoesNotContain(await app.OutboxAsync(fresh.Id), m => m.Type == "appeal.rejected");

        // The applicant of the rejected appeal is too late; the other one can still answer.
        await app.TryActAsync(Persona.Applicant, old, "clarification", new { text = "Дом 10, второй подъезд." })
            .ExpectProblem(HttpStatusCode.Conflict, "concurrency.stale_version");
        var stale = await app.GetAsync(old.Id, Persona.Applicant);
        await app.TryActAsync(Persona.Applicant, stale, "clarification", new { text = "Дом 10, второй подъезд." })
            .ExpectProblem(HttpStatusCode.Conflict, "transition.clarification.answer");
        var answered = await app.ActAsync(Persona.Applicant, fresh, "clarification", new { text = "Дом 12, у остановки." });
        Assert.Equal(AppealStatus.Moderation, answered.Status);

        // A second sweep finds nothing more to do.
        Assert.Equal(0, await SweepAsync(app));
    }

    static async Task<int> SweepAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await ClarificationSweep.RunOnceAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(),
            app.Clock.GetUtcNow().UtcDateTime, CancellationToken.None);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Rejection_with_each_ground_of_the_list_tells_the_applicant_why(Engine engine)
    {
        var app = await pool.For(engine);
        foreach (var info in Grounds.All.Values)
        {
            var a = await app.SubmitAsync();
            var ground = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(info.Ground.ToString());
            if (!info.Ground.Allows(AppealOutcome.Reject))
            {
                await app.TryActAsync(Persona.CentreModerator, a, "reject", new { ground })
                    .ExpectProblem(HttpStatusCode.UnprocessableEntity, "outcome.ground");
                var unchanged = await app.StoredAsync(a.Id);
                Assert.Equal((AppealStatus.Moderation, a.Version), (unchanged.Status, unchanged.Version));
                Assert.DoesNotContain(await app.OutboxAsync(a.Id), m => m.Type == "appeal.rejected");
                continue;
            }

            a = await app.ActAsync(Persona.CentreModerator, a, "reject", new { ground, comment = $"Отклонено: {info.Title}" });
            Assert.Equal(AppealStatus.Rejected, a.Status);
            Assert.Equal(info.Ground, a.OutcomeGround);
            Assert.Equal(FederalResult.NotRegistered, a.FederalResult);

            var stored = await app.StoredAsync(a.Id);
            Assert.Equal(AppealStatus.Rejected, stored.Status);
            Assert.Equal(info.Ground, stored.OutcomeGround);
            Assert.NotNull(stored.ClosedAtUtc);
            var last = (await app.EventsAsync(a.Id))[^1];
            Assert.Equal((EventKind.Rejected, app.Region.IdOf(Persona.CentreModerator)), (last.Kind, last.ActorId));
            Assert.Equal(ground, FlowChecks.DataOf(last).GetProperty("ground").GetString());
            var notice = await app.SingleOutboxAsync(a.Id, "appeal.rejected");
            Assert.Equal(ground, notice.GetProperty("ground").GetString());
            Assert.Equal(info.Title, notice.GetProperty("reason").GetString());
            Assert.Equal($"Отклонено: {info.Title}", notice.GetProperty("comment").GetString());
            Assert.Equal(a.Number, notice.GetProperty("number").GetString());
        }
        // The grounds that only fit other outcomes are exactly the three of rules-ru.md.
        Assert.Equal([Ground.RepeatedQuestion, Ground.AnswerPublished, Ground.StateSecret],
            Grounds.All.Values.Where(g => !g.Ground.Allows(AppealOutcome.Reject)).Select(g => g.Ground));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_clarification_can_be_rejected_by_the_moderator_too(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Clarification);
        a = await app.ActAsync(Persona.CentreModerator, a, "reject", new { ground = "noLocation" });
        Assert.Equal(AppealStatus.Rejected, a.Status);
        var notice = await app.SingleOutboxAsync(a.Id, "appeal.rejected");
        Assert.Equal("noLocation", notice.GetProperty("ground").GetString());
        Assert.Equal("Не указано место проблемы", notice.GetProperty("reason").GetString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Reclassification_records_before_and_after_and_recomputes_the_territory_from_the_point(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.SubmitAsync();
        Assert.Equal(r.TerritoryA, a.TerritoryId);

        a = await app.ActAsync(Persona.CentreModerator, a, "reclassify", new
        {
            type = "question", latitude = TestRegion.InsideB.Lat, longitude = TestRegion.InsideB.Lon, address = "ул. Мира, 1",
        });
        Assert.Equal(AppealType.Question, a.Type);
        Assert.Equal(r.TerritoryB, a.TerritoryId);
        Assert.Equal("ул. Мира, 1", a.Address);
        Assert.Equal(AppealStatus.Moderation, a.Status);
        var proposal = await (await app.ClientAs(Persona.CentreModerator).GetAsync($"/api/v1/appeals/{a.Id}/proposed-route").Expect(HttpStatusCode.OK))
            .ReadAsync<ModerationApi.RouteProposal>();
        Assert.Equal(r.MunB, proposal.OrganisationId);

        a = await app.ActAsync(Persona.CentreModerator, a, "reclassify", new
        {
            categoryId = r.BusinessCategory, topicId = r.SubsidyTopic, kind = "complexConsultation", regime = "businessConsultation",
        });
        Assert.Equal((r.BusinessCategory, r.SubsidyTopic, AppealKind.ComplexConsultation, LegalRegime.BusinessConsultation),
            (a.CategoryId, a.TopicId!.Value, a.Kind, a.Regime));
        Assert.Equal(r.TerritoryB, a.TerritoryId);

        var events = (await app.EventsAsync(a.Id)).Where(e => e.Kind == EventKind.Reclassified).ToList();
        Assert.Equal(2, events.Count);
        var first = FlowChecks.DataOf(events[0]);
        Assert.Equal("problem", first.GetProperty("before").GetProperty("type").GetString());
        Assert.Equal("question", first.GetProperty("after").GetProperty("type").GetString());
        Assert.Equal(r.TerritoryA, first.GetProperty("before").GetProperty("territoryId").GetGuid());
        Assert.Equal(r.TerritoryB, first.GetProperty("after").GetProperty("territoryId").GetGuid());
        Assert.Equal("ул. Ленина, 10", first.GetProperty("before").GetProperty("address").GetString());
        Assert.Equal(TestRegion.InsideB.Lon, first.GetProperty("after").GetProperty("longitude").GetDouble());
        var second = FlowChecks.DataOf(events[1]);
        Assert.Equal(r.CityCategory, second.GetProperty("before").GetProperty("categoryId").GetGuid());
        Assert.Equal(r.BusinessCategory, second.GetProperty("after").GetProperty("categoryId").GetGuid());
        Assert.Equal(r.PotholeTopic, second.GetProperty("before").GetProperty("topicId").GetGuid());
        Assert.Equal(r.SubsidyTopic, second.GetProperty("after").GetProperty("topicId").GetGuid());
        Assert.Equal("platformMessage", second.GetProperty("before").GetProperty("regime").GetString());
        Assert.Equal("businessConsultation", second.GetProperty("after").GetProperty("regime").GetString());
        Assert.All(events, e => Assert.Equal(r.IdOf(Persona.CentreModerator), e.ActorId));

        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealType.Question, r.TerritoryB, r.BusinessCategory, r.SubsidyTopic, "ул. Мира, 1"),
            (stored.Type, stored.TerritoryId, stored.CategoryId, stored.TopicId, stored.Address));
        Assert.Contains("ул. мира, 1", stored.SearchText);

        // Registration now follows the new topic: its default route, the ministry of investment.
        a = await app.ActAsync(Persona.CentreModerator, a, "register");
        Assert.Equal(r.MinInvest, a.ExecutorOrganisationId);
        // And the classification is frozen once registered.
        await app.TryActAsync(Persona.CentreModerator, a, "reclassify", new { type = "proposal" })
            .ExpectProblem(HttpStatusCode.Conflict, "transition.moderation.reclassify");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Registration_routes_by_topic_and_the_territory_containing_the_point(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var moderator = app.ClientAs(Persona.CentreModerator);

        var inA = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA));
        var inB = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB));
        var subsidy = await app.SubmitAsync(Samples.Subsidy(r));
        var overridden = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB));
        Assert.Equal((r.TerritoryA, r.TerritoryB, (Guid?)null), (inA.TerritoryId, inB.TerritoryId, subsidy.TerritoryId));

        async Task<ModerationApi.RouteProposal> Proposal(AppealView a) =>
            await (await moderator.GetAsync($"/api/v1/appeals/{a.Id}/proposed-route").Expect(HttpStatusCode.OK)).ReadAsync<ModerationApi.RouteProposal>();
        var pa = await Proposal(inA);
        Assert.Equal((r.MunA, "Администрация города А", "Маршрут темы для территории"), (pa.OrganisationId, pa.OrganisationName, pa.Why));
        Assert.Equal(r.MunB, (await Proposal(inB)).OrganisationId);
        var ps = await Proposal(subsidy);
        Assert.Equal((r.MinInvest, "Маршрут темы по умолчанию"), (ps.OrganisationId, ps.Why));
        // Looking at the proposal changes nothing.
        Assert.Null((await app.StoredAsync(inA.Id)).ExecutorOrganisationId);

        inA = await app.ActAsync(Persona.CentreModerator, inA, "register");
        inB = await app.ActAsync(Persona.CentreModerator, inB, "register");
        subsidy = await app.ActAsync(Persona.CentreModerator, subsidy, "register");
        overridden = await app.ActAsync(Persona.CentreModerator, overridden, "register", new { organisationId = r.MinHousing });
        Assert.Equal((r.MunA, r.MunB, r.MinInvest, r.MinHousing),
            (inA.ExecutorOrganisationId, inB.ExecutorOrganisationId, subsidy.ExecutorOrganisationId, overridden.ExecutorOrganisationId));
        Assert.All(new[] { inA, inB, subsidy, overridden }, a => Assert.Equal(AppealStatus.Registered, a.Status));

        foreach (var (a, org, why, actor) in new[]
        {
            (inA, r.MunA, "Маршрут темы для территории", (Guid?)null),
            (inB, r.MunB, "Маршрут темы для территории", null),
            (subsidy, r.MinInvest, "Маршрут темы по умолчанию", null),
            (overridden, r.MinHousing, "Выбор модератора", r.IdOf(Persona.CentreModerator)),
        })
        {
            var stored = await app.StoredAsync(a.Id);
            Assert.Equal((AppealStatus.Registered, org), (stored.Status, stored.ExecutorOrganisationId));
            Assert.NotNull(stored.RegisteredAtUtc);
            var events = await app.EventsAsync(a.Id);
            Assert.Equal([EventKind.Received, EventKind.Routed, EventKind.Registered], events.Select(e => e.Kind));
            Assert.Equal((why, actor), (events[1].Note, events[1].ActorId));
            Assert.Equal(org, FlowChecks.DataOf(events[1]).GetProperty("to").GetGuid());
            var notice = await app.SingleOutboxAsync(a.Id, "appeal.registered");
            Assert.Equal(org, notice.GetProperty("organisation").GetGuid());
            Assert.Equal(stored.DueAtUtc, notice.GetProperty("dueAtUtc").GetDateTime().ToUniversalTime());
        }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_topic_without_route_and_no_territory_waits_for_the_moderator_to_choose_the_executor(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var topic = await (await app.ClientAs(Persona.RegionAdmin).PostJsonAsync("/api/v1/topics", new
        {
            categoryId = r.CityCategory, name = $"Прочие вопросы благоустройства {Guid.NewGuid():N}", defaultKind = "task", defaultRegime = "platformMessage",
        }).Expect(HttpStatusCode.Created)).ReadAsync<Otklik.Features.Directory.DirectoryApi.TopicView>();

        var a = await app.SubmitAsync(Samples.Pothole(r).With("topicId", topic.Id).Without("latitude").Without("longitude"));
        Assert.Null(a.TerritoryId);
        var proposal = await (await app.ClientAs(Persona.CentreModerator).GetAsync($"/api/v1/appeals/{a.Id}/proposed-route").Expect(HttpStatusCode.OK))
            .ReadAsync<ModerationApi.RouteProposal>();
        Assert.Null(proposal.OrganisationId);

        await app.TryActAsync(Persona.CentreModerator, a, "register").ExpectProblem(HttpStatusCode.Conflict, "moderation.no_executor");
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Moderation, a.Version, (Guid?)null), (stored.Status, stored.Version, stored.ExecutorOrganisationId));
        Assert.DoesNotContain(await app.OutboxAsync(a.Id), m => m.Type == "appeal.registered");

        // A body outside the platform cannot be chosen as the executor.
        await app.TryActAsync(Persona.CentreModerator, a, "route", new { organisationId = r.Fns })
            .ExpectProblem(HttpStatusCode.Conflict, "routing.external");

        a = await app.ActAsync(Persona.CentreModerator, a, "route", new { organisationId = r.MunB, note = "Адрес в городе Б, по телефону" });
        Assert.Equal((AppealStatus.Moderation, r.MunB), (a.Status, a.ExecutorOrganisationId));
        a = await app.ActAsync(Persona.CentreModerator, a, "register");
        Assert.Equal((AppealStatus.Registered, r.MunB), (a.Status, a.ExecutorOrganisationId));
        var events = await app.EventsAsync(a.Id);
        Assert.Equal([EventKind.Received, EventKind.Routed, EventKind.Registered], events.Select(e => e.Kind));
        Assert.Equal("Адрес в городе Б, по телефону", events[1].Note);
        Assert.Single(await app.OutboxAsync(a.Id), m => m.Type == "appeal.registered");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_duplicate_is_merged_into_the_existing_appeal(Engine engine)
    {
        var app = await pool.For(engine);
        var target = await app.AppealInAsync(AppealStatus.Registered);
        var duplicate = await app.SubmitAsync(Samples.Pothole(app.Region, text: "Та же яма у дома 10 на улице Ленина, никто не заделывает."), Persona.OtherApplicant);

        duplicate = await app.ActAsync(Persona.CentreModerator, duplicate, "merge", new { targetAppealId = target.Id });

        Assert.Equal(AppealStatus.Merged, duplicate.Status);
        Assert.Equal(target.Id, duplicate.MergedIntoId);
        Assert.Equal(Ground.Duplicate, duplicate.OutcomeGround);
        Assert.Equal(FederalResult.NotRegistered, duplicate.FederalResult);

        var storedDuplicate = await app.StoredAsync(duplicate.Id);
        Assert.Equal((AppealStatus.Merged, (Guid?)target.Id), (storedDuplicate.Status, storedDuplicate.MergedIntoId));
        var merged = (await app.EventsAsync(duplicate.Id))[^1];
        Assert.Equal(EventKind.Merged, merged.Kind);
        Assert.Equal(target.Number, FlowChecks.DataOf(merged).GetProperty("number").GetString());

        var storedTarget = await app.StoredAsync(target.Id);
        Assert.Equal(AppealStatus.Registered, storedTarget.Status);
        Assert.Equal(target.Version + 1, storedTarget.Version);
        var recorded = (await app.EventsAsync(target.Id))[^1];
        Assert.Equal((EventKind.DuplicateMerged, AppealStatus.Registered), (recorded.Kind, recorded.ToStatus));
        Assert.Equal(duplicate.Id, FlowChecks.DataOf(recorded).GetProperty("duplicate").GetGuid());
        Assert.Equal(duplicate.Number, FlowChecks.DataOf(recorded).GetProperty("number").GetString());

        var notice = await app.SingleOutboxAsync(duplicate.Id, "appeal.merged");
        Assert.Equal(target.Number, notice.GetProperty("into").GetString());

        // Nothing can be merged into a merged appeal.
        var another = await app.SubmitAsync();
        await app.TryActAsync(Persona.CentreModerator, another, "merge", new { targetAppealId = duplicate.Id })
            .ExpectProblem(HttpStatusCode.Conflict, "moderation.merge_target");
        Assert.Equal(AppealStatus.Moderation, (await app.StoredAsync(another.Id)).Status);
    }
}
