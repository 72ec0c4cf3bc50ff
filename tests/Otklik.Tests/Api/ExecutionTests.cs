using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>Execution: assignment, work, redirection, extension, co-executors and how the answer goes out.</summary>
public sealed class ExecutionTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_dispatcher_assigns_only_an_executor_of_the_organisation_who_then_works_on_it(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.AppealInAsync(AppealStatus.Registered);
        Assert.Equal(r.MunA, a.ExecutorOrganisationId);

        foreach (var wrong in new[] { Persona.MunBExecutor, Persona.MunADispatcher, Persona.Applicant })
        {
            var problem = await app.TryActAsync(Persona.MunADispatcher, a, "assign", new { personId = r.IdOf(wrong) })
                .ExpectProblem(HttpStatusCode.UnprocessableEntity, "execution.not_executor");
            Assert.True(problem.GetProperty("errors").TryGetProperty("personId", out _));
        }
        var unchanged = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Registered, (Guid?)null, a.Version), (unchanged.Status, unchanged.AssigneeId, unchanged.Version));

        a = await app.ActAsync(Persona.MunADispatcher, a, "assign", new { personId = r.IdOf(Persona.MunAExecutor) });
        Assert.Equal((AppealStatus.Assigned, (Guid?)r.IdOf(Persona.MunAExecutor)), (a.Status, a.AssigneeId));
        a = await app.ActAsync(Persona.MunAExecutor, a, "start");
        Assert.Equal(AppealStatus.InWork, a.Status);
        a = await app.ActAsync(Persona.MunAExecutor, a, "steps", new { note = "Выезд на место 24 ноября: яма 1,5 × 2 м, огорожена." });
        a = await app.ActAsync(Persona.MunAExecutor, a, "steps", new { note = "Заявка подрядчику МБУ «Дорсервис» № 118." });
        Assert.Equal(AppealStatus.InWork, a.Status);

        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.InWork, (Guid?)r.IdOf(Persona.MunAExecutor)), (stored.Status, stored.AssigneeId));
        var events = await app.EventsAsync(a.Id);
        Assert.Equal([EventKind.Received, EventKind.Routed, EventKind.Registered, EventKind.Assigned, EventKind.WorkStarted, EventKind.StepRecorded, EventKind.StepRecorded],
            events.Select(e => e.Kind));
        Assert.Equal(r.IdOf(Persona.MunADispatcher), events[3].ActorId);
        Assert.Equal(r.IdOf(Persona.MunAExecutor), FlowChecks.DataOf(events[3]).GetProperty("to").GetGuid());
        Assert.Equal((r.IdOf(Persona.MunAExecutor), AppealStatus.InWork), (events[4].ActorId!.Value, events[4].ToStatus));
        Assert.Equal("Заявка подрядчику МБУ «Дорсервис» № 118.", events[6].Note);

        // The history the staff read over HTTP is the same, with who did it.
        var history = await app.ClientAs(Persona.MunAController).GetListAsync<EventView>($"/api/v1/appeals/{a.Id}/history");
        Assert.Equal(events.Select(e => e.Id), history.Select(e => e.Id));
        Assert.Equal("Тестов12 MunAExecutor", history[4].ActorName);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_ministry_dispatcher_assigns_an_executor_of_its_department_who_then_works_on_it(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.SubmitAsync(Samples.Subsidy(r));
        a = await app.ActAsync(Persona.CentreModerator, a, "register");
        Assert.Equal(r.MinInvest, a.ExecutorOrganisationId);
        var specialist = app.ClientAs(Persona.MinInvestExecutor);
        // The department's specialist does not see the ministry's appeals until one is assigned to them.
        await specialist.GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.NotFound);

        a = await app.ActAsync(Persona.MinInvestDispatcher, a, "assign", new { personId = r.IdOf(Persona.MinInvestExecutor) });
        Assert.Equal(r.IdOf(Persona.MinInvestExecutor), a.AssigneeId);
        Assert.Equal(r.IdOf(Persona.MinInvestExecutor), (await app.StoredAsync(a.Id)).AssigneeId);
        await specialist.GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.OK);
        var mine = await (await specialist.GetAsync($"/api/v1/appeals?assigneeId={r.IdOf(Persona.MinInvestExecutor)}&limit=200").Expect(HttpStatusCode.OK))
            .ReadAsync<AppealsApi.Page<AppealListItem>>();
        Assert.Contains(mine.Items, i => i.Id == a.Id);
        a = await app.ActAsync(Persona.MinInvestExecutor, a, "start");
        a = await app.ActAsync(Persona.MinInvestExecutor, a, "answer",
            new { text = "Субсидия «Модернизация» предоставляется по заявке на сайте фонда; перечень документов во вложении.", result = "explained" });
        a = await app.ActAsync(Persona.MinInvestExecutor, a, "answer/submit");
        Assert.Equal(AppealStatus.AnswerReview, a.Status);
        Assert.Equal(AppealStatus.AnswerReview, (await app.StoredAsync(a.Id)).Status);
        Assert.All((await app.EventsAsync(a.Id)).Where(e => e.Kind is EventKind.WorkStarted or EventKind.AnswerDrafted or EventKind.AnswerSubmitted),
            e => Assert.Equal(r.IdOf(Persona.MinInvestExecutor), e.ActorId));

        // Another ministry's executor still cannot be assigned.
        var other = await app.ActAsync(Persona.CentreModerator, await app.SubmitAsync(Samples.Subsidy(r)), "register");
        await app.TryActAsync(Persona.MinInvestDispatcher, other, "assign", new { personId = r.IdOf(Persona.MunAExecutor) })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "execution.not_executor");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Redirected_inside_the_platform_the_appeal_moves_to_the_other_organisation_and_its_staff(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.AppealInAsync(AppealStatus.InWork);
        Assert.Equal(r.MunA, a.ExecutorOrganisationId);

        a = await app.ActAsync(Persona.MunAExecutor, a, "redirect", new { organisationId = r.MunB, reason = "Участок дороги обслуживает город Б" });

        Assert.Equal(AppealStatus.Registered, a.Status);
        Assert.Equal(r.MunB, a.ExecutorOrganisationId);
        Assert.Null(a.AssigneeId);
        Assert.Equal(FederalResult.UnderConsideration, a.FederalResult);
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Registered, (Guid?)r.MunB, (Guid?)null, (DateTime?)null),
            (stored.Status, stored.ExecutorOrganisationId, stored.AssigneeId, stored.ClosedAtUtc));
        var redirected = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.Redirected, AppealStatus.InWork, "Участок дороги обслуживает город Б"), (redirected.Kind, redirected.FromStatus!.Value, redirected.Note));
        Assert.Equal(r.MunA, FlowChecks.DataOf(redirected).GetProperty("from").GetGuid());
        Assert.Equal(r.MunB, FlowChecks.DataOf(redirected).GetProperty("to").GetGuid());
        var notice = await app.SingleOutboxAsync(a.Id, "appeal.redirected");
        Assert.Equal("Администрация города Б", notice.GetProperty("organisation").GetString());
        Assert.Equal("Участок дороги обслуживает город Б", notice.GetProperty("reason").GetString());
        Assert.Equal("maria@example.ru", notice.GetProperty("email").GetString());

        // The old organisation's executor no longer sees it; the new organisation's staff do and take it on.
        await app.ClientAs(Persona.MunAExecutor).GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.NotFound);
        await app.TryActAsync(Persona.MunAExecutor, a, "steps", new { note = "Попытка записать шаг" }).Expect(HttpStatusCode.NotFound);
        var munAList = await (await app.ClientAs(Persona.MunAExecutor).GetAsync("/api/v1/appeals?limit=200").Expect(HttpStatusCode.OK))
            .ReadAsync<AppealsApi.Page<AppealListItem>>();
        Assert.DoesNotContain(munAList.Items, i => i.Id == a.Id);
        var munBList = await (await app.ClientAs(Persona.MunBDispatcher).GetAsync($"/api/v1/appeals?organisationId={r.MunB}&limit=200").Expect(HttpStatusCode.OK))
            .ReadAsync<AppealsApi.Page<AppealListItem>>();
        Assert.Contains(munBList.Items, i => i.Id == a.Id);
        await app.ClientAs(Persona.MunBExecutor).GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.OK);

        a = await app.ActAsync(Persona.MunBDispatcher, a, "assign", new { personId = r.IdOf(Persona.MunBExecutor) });
        a = await app.ActAsync(Persona.MunBExecutor, a, "start");
        Assert.Equal((AppealStatus.InWork, (Guid?)r.IdOf(Persona.MunBExecutor)), (a.Status, a.AssigneeId));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Redirected_to_a_federal_body_outside_the_platform_the_appeal_leaves_Otklik(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.AppealInAsync(AppealStatus.InWork);

        a = await app.ActAsync(Persona.MunAExecutor, a, "redirect", new { organisationId = r.Fns, reason = "Вопрос налогового контроля — компетенция УФНС" });

        Assert.Equal(AppealStatus.Redirected, a.Status);
        Assert.Equal(FederalResult.RedirectedByCompetence, a.FederalResult);
        Assert.Equal(r.Fns, a.ExecutorOrganisationId);
        Assert.Null(a.AssigneeId);
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.Redirected, FederalResult.RedirectedByCompetence), (stored.Status, stored.FederalResult));
        Assert.Equal(TestApp.Start.UtcDateTime, stored.ClosedAtUtc);
        var last = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal(EventKind.Redirected, last.Kind);
        Assert.True(FlowChecks.DataOf(last).GetProperty("leftPlatform").GetBoolean());
        var notice = await app.SingleOutboxAsync(a.Id, "appeal.redirected");
        Assert.Equal("УФНС по Тестовой области", notice.GetProperty("organisation").GetString());

        // It is over: no more work on it.
        var after = await app.GetAsync(a.Id);
        Assert.Equal(a.Version, after.Version);
        await app.TryActAsync(Persona.MunAController, after, "extend", new { days = 5, reason = "Нужна проверка" })
            .Expect(HttpStatusCode.NotFound);
        await app.TryActAsync(Persona.CentreModerator, after, "redirect", new { organisationId = r.MunB, reason = "Вернуть в город" })
            .ExpectProblem(HttpStatusCode.Conflict, "transition.execution.redirect");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_controller_extends_a_59FZ_appeal_once_and_the_applicant_is_told(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.SubmitAsync(Samples.Housing(r));
        Assert.Equal(LegalRegime.Obrashchenie59, a.Regime);
        a = await app.ActAsync(Persona.CentreModerator, a, "register", new { organisationId = r.MunA });
        a = await app.ActAsync(Persona.MunADispatcher, a, "assign", new { personId = r.IdOf(Persona.MunAExecutor) });
        a = await app.ActAsync(Persona.MunAExecutor, a, "start");
        var oldDue = a.DueAtUtc;

        a = await app.ActAsync(Persona.MunAController, a, "extend", new { days = 20, reason = "Запрошено заключение государственной жилищной инспекции" });

        Assert.Equal(oldDue.AddDays(20), a.DueAtUtc);
        Assert.Equal(1, a.ExtensionCount);
        Assert.Equal(FederalResult.ExtensionInProgress, a.FederalResult);
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((oldDue.AddDays(20), 1), (stored.DueAtUtc, stored.ExtensionCount));
        var extended = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.Extended, r.IdOf(Persona.MunAController)), (extended.Kind, extended.ActorId!.Value));
        Assert.Equal(20, FlowChecks.DataOf(extended).GetProperty("days").GetInt32());
        var notice = await app.SingleOutboxAsync(a.Id, "appeal.extended");
        Assert.Equal(oldDue.AddDays(20), notice.GetProperty("dueAtUtc").GetDateTime().ToUniversalTime());
        Assert.Equal("Запрошено заключение государственной жилищной инспекции", notice.GetProperty("reason").GetString());

        await app.TryActAsync(Persona.MunAController, a, "extend", new { days = 5, reason = "Ещё не пришло заключение" })
            .ExpectProblem(HttpStatusCode.Conflict, "extension.once");
        stored = await app.StoredAsync(a.Id);
        Assert.Equal((oldDue.AddDays(20), 1, a.Version), (stored.DueAtUtc, stored.ExtensionCount, stored.Version));
        Assert.Single(await app.OutboxAsync(a.Id), m => m.Type == "appeal.extended");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_platform_message_may_be_extended_more_than_once(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        var oldDue = a.DueAtUtc;
        a = await app.ActAsync(Persona.MunAController, a, "extend", new { days = 3, reason = "Ждём подрядчика" });
        a = await app.ActAsync(Persona.MunAController, a, "extend", new { days = 2, reason = "Погодные условия" });
        Assert.Equal((oldDue.AddDays(5), 2), (a.DueAtUtc, a.ExtensionCount));
        Assert.Equal(2, (await app.OutboxAsync(a.Id)).Count(m => m.Type == "appeal.extended"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_co_executor_completes_its_part_before_the_answer_can_go(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var housingExecutor = await NewStaffAsync(app, Role.Executor, r.MinHousing);
        var a = await app.AppealInAsync(AppealStatus.InWork);

        // Before the part, the ministry of housing does not see the municipality's appeal.
        await housingExecutor.Client.GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.NotFound);

        a = await app.ActAsync(Persona.MunAExecutor, a, "co-executors", new { organisationId = r.MinHousing, task = "Сообщить сроки ремонта дворового проезда по программе капремонта." });
        var part = Assert.Single(a.Parts);
        Assert.Equal((r.MinHousing, PartStatus.Open), (part.OrganisationId, part.Status));
        Assert.Equal(a.DueAtUtc, part.DueAtUtc);
        var added = await app.SingleOutboxAsync(a.Id, "appeal.co_executor_added");
        Assert.Equal(r.MinHousing, added.GetProperty("organisation").GetGuid());

        await housingExecutor.Client.GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.OK);

        a = await app.ActAsync(Persona.MunAExecutor, a, "answer", new { text = "Яма будет заделана до 1 декабря; проезд включён в план капремонта.", result = "supportedMeasuresTaken" });
        await app.TryActAsync(Persona.MunAExecutor, a, "answer/submit").ExpectProblem(HttpStatusCode.Conflict, "answer.parts_open");
        Assert.Equal((AppealStatus.AnswerDraft, a.Version), ((await app.StoredAsync(a.Id)).Status, (await app.StoredAsync(a.Id)).Version));

        // Only the co-executor organisation completes its part.
        await app.TryActAsync(Persona.MunAExecutor, a, $"co-executors/{part.Id}/complete", new { result = "Сделаю сам" }).Expect(HttpStatusCode.Forbidden);
        a = await housingExecutor.Client.ActAsync(a, $"co-executors/{part.Id}/complete", new { result = "Проезд включён в краткосрочный план на 2027 год." });
        part = Assert.Single(a.Parts);
        Assert.Equal((PartStatus.Done, "Проезд включён в краткосрочный план на 2027 год."), (part.Status, part.Result));
        var storedPart = Assert.Single((await app.StoredAsync(a.Id)).Parts);
        Assert.Equal((PartStatus.Done, (DateTime?)TestApp.Start.UtcDateTime), (storedPart.Status, storedPart.CompletedAtUtc));
        var completed = (await app.EventsAsync(a.Id))[^1];
        Assert.Equal((EventKind.CoExecutorPartCompleted, housingExecutor.Id), (completed.Kind, completed.ActorId!.Value));

        await housingExecutor.Client.TryActAsync(a, $"co-executors/{part.Id}/complete", new { result = "Повторно" })
            .ExpectProblem(HttpStatusCode.Conflict, "execution.part_done");

        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        Assert.Equal(AppealStatus.AnswerReview, a.Status);
        Assert.Equal(
            [EventKind.CoExecutorAdded, EventKind.AnswerDrafted, EventKind.CoExecutorPartCompleted, EventKind.AnswerSubmitted],
            (await app.EventKindsAsync(a.Id)).TakeLast(4));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_organisation_without_approval_sends_the_answer_straight_to_the_applicant(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        var munA = await (await admin.GetAsync($"/api/v1/organisations/{r.MunA}").Expect(HttpStatusCode.OK)).ReadAsync<DirectoryApi.OrganisationView>();
        Assert.True(munA.AnswersNeedApproval);
        var updated = await (await admin.PutJsonAsync($"/api/v1/organisations/{r.MunA}", new
        {
            version = munA.Version, name = munA.Name, shortName = munA.ShortName, kind = "municipality", parentId = munA.ParentId,
            timeZone = munA.TimeZone, answersNeedApproval = false,
        }).Expect(HttpStatusCode.OK)).ReadAsync<DirectoryApi.OrganisationView>();
        Assert.False(updated.AnswersNeedApproval);
        Assert.False(await app.WithDbAsync(db => db.Organisations.Where(o => o.Id == r.MunA).Select(o => o.AnswersNeedApproval).SingleAsync()));

        var a = await app.AppealInAsync(AppealStatus.AnswerDraft);
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");

        Assert.Equal(AppealStatus.AnswerSent, a.Status);
        Assert.Equal(FederalResult.SupportedMeasuresTaken, a.FederalResult);
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.AnswerSent, (DateTime?)TestApp.Start.UtcDateTime), (stored.Status, stored.AnsweredAtUtc));
        Assert.Equal([EventKind.AnswerDrafted, EventKind.AnswerSent], (await app.EventKindsAsync(a.Id)).TakeLast(2));
        Assert.DoesNotContain(EventKind.AnswerSubmitted, await app.EventKindsAsync(a.Id));
        var notice = await app.SingleOutboxAsync(a.Id, "appeal.answered");
        Assert.Equal(a.Number, notice.GetProperty("number").GetString());

        // The other municipality still needs its controller.
        var b = await app.AppealInAsync(AppealStatus.AnswerReview, Samples.Pothole(r, TestRegion.InsideB));
        Assert.Equal((r.MunB, AppealStatus.AnswerReview), (b.ExecutorOrganisationId!.Value, b.Status));
        Assert.DoesNotContain(await app.OutboxAsync(b.Id), m => m.Type == "appeal.answered");
    }

    /// <summary>A new member of staff made through the API, with the API key issued to them.</summary>
    internal static async Task<(Guid Id, HttpClient Client)> NewStaffAsync(TestApp app, Role role, Guid organisationId)
    {
        var admin = app.ClientAs(Persona.RegionAdmin);
        var person = await (await admin.PostJsonAsync("/api/v1/people", new
        {
            email = $"staff-{Guid.NewGuid():N}@minhousing.example", lastName = "Кузнецова", firstName = "Анна", position = "Главный специалист",
            roles = new[] { new { role, organisationId } },
        }).Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.PersonView>();
        var key = await (await admin.PostJsonAsync($"/api/v1/people/{person.Id}/api-keys", new { name = "Тестовый ключ" })
            .Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.ApiKeyView>();
        return (person.Id, app.ClientWithKey(key.Secret));
    }
}
