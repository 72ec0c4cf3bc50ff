using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Notifications;
using Otklik.Tests.Api;
using Otklik.Tests.Deadlines;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Knowledge;
using Otklik.Tests.Roadmaps;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Notifications;

/// <summary>
/// Each kind of office notice end to end, on both engines: the change through the API, the outbox dispatched as a worker
/// node does, then the notice read back by its recipient through GET /api/v1/notifications — and nobody else has it.
/// </summary>
public sealed class NotificationTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_assignee_is_told_of_the_assignment_and_of_the_return_for_rework(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Registered);
        a = await app.ActAsync(MunADispatcher, a, "assign", new { personId = app.Region.IdOf(MunAExecutor) });
        await app.DeliverAsync();

        var assigned = await app.OnlyToAsync(a.Id, NoticeKind.Assignment, MunAExecutor, MunADispatcher, MunBExecutor, MunAController);
        Assert.Equal($"Вам назначено обращение № {a.Number}", assigned.Title);
        Assert.Equal(a.Number, assigned.AppealNumber);

        a = await app.ActAsync(MunAExecutor, a, "start");
        a = await app.ActAsync(MunAExecutor, a, "answer", new { text = "Яма будет заделана до 1 декабря.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(MunAExecutor, a, "answer/submit");
        await app.ActAsync(MunAController, a, "answer/return", new { reasons = new[] { "noEvidence" }, comment = "Приложите фото." });
        await app.DeliverAsync();

        var rework = await app.OnlyToAsync(a.Id, NoticeKind.Rework, MunAExecutor, MunADispatcher, MunAController);
        Assert.Equal($"Ответ по обращению № {a.Number} возвращён на доработку", rework.Title);
        Assert.Contains("Приложите фото.", rework.Text);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_co_executor_part_reaches_the_dispatcher_and_the_executors_of_its_organisation(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(app.Region));
        Assert.Equal(app.Region.MinInvest, a.ExecutorOrganisationId);
        await app.ActAsync(MinInvestExecutor, a, "co-executors", new { organisationId = app.Region.MunB, task = "Сведения о муниципальной поддержке" });
        await app.DeliverAsync();

        var toExecutor = await app.OnlyToAsync(a.Id, NoticeKind.CoExecutorPart, MunBExecutor, MinInvestExecutor, MinInvestDispatcher, MunADispatcher, MunBController);
        await app.OnlyToAsync(a.Id, NoticeKind.CoExecutorPart, MunBDispatcher);
        Assert.Equal($"Часть обращения № {a.Number} передана вашей организации", toExecutor.Title);
        Assert.Equal("Сведения о муниципальной поддержке", toExecutor.Text);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Step_owners_the_hq_members_and_the_bound_organisations_are_told(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.ComplaintInWorkAsync();
        await app.RoadmapAsync(MunAExecutor, a.Id, "roadmap/steps",
            new { title = "Выдать ордер на работы", ownerOrganisationId = r.MunB, personId = r.IdOf(MunBExecutor), policy = "working-days:3" });
        await app.RoadmapAsync(MunAExecutor, a.Id, "roadmap/steps", new { title = "Проверить качество кровли", ownerOrganisationId = r.MunA, policy = "working-days:5" });
        await app.RoadmapAsync(MunAController, a.Id, "roadmap/approve");
        await app.DeliverAsync();

        // The named person owns the first step; the second names nobody, so its organisation's dispatcher owns it.
        var named = await app.OnlyToAsync(a.Id, NoticeKind.RoadmapStep, MunBExecutor, MunBDispatcher, MunAExecutor, HqMember);
        Assert.Equal("1. Выдать ордер на работы", named.Text);
        var unnamed = await app.OnlyToAsync(a.Id, NoticeKind.RoadmapStep, MunADispatcher);
        Assert.Equal("2. Проверить качество кровли", unnamed.Text);

        await app.RoadmapAsync(MunAController, a.Id, "hq", new { reason = "Подрядчик не выходит на объект." });
        await app.DeliverAsync();
        var escalated = await app.OnlyToAsync(a.Id, NoticeKind.HqEscalation, HqMember, MunBExecutor, MunADispatcher, MunAController);
        Assert.Equal("Подрядчик не выходит на объект.", escalated.Text);

        await app.RoadmapAsync(HqMember, a.Id, "hq/decisions",
            new { date = new DateOnly(2026, 11, 23), text = "Городу Б выдать ордер до 4 декабря.", organisationIds = new[] { r.MunB }, dueDate = new DateOnly(2026, 12, 4) });
        await app.DeliverAsync();
        var decided = await app.OnlyToAsync(a.Id, NoticeKind.HqDecision, MunBDispatcher, HqMember, MunBExecutor, MunADispatcher);
        await app.OnlyToAsync(a.Id, NoticeKind.HqDecision, MunAExecutor);
        Assert.Equal("Городу Б выдать ордер до 4 декабря.", decided.Text);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_controller_hears_of_a_request_and_the_executor_of_the_decision(Engine engine)
    {
        var app = await pool.For(engine);
        var granted = await app.AppealInAsync(AppealStatus.InWork);
        granted = await app.ActAsync(MunAExecutor, granted, "extension-request", new { days = 10, reason = "Ждём экспертизу" });
        await app.DeliverAsync();
        var request = await app.OnlyToAsync(granted.Id, NoticeKind.ExtensionRequest, MunAController, MunAExecutor, MunADispatcher, MunBController);
        Assert.Equal("На 10 дн. Ждём экспертизу", request.Text);

        await app.ActAsync(MunAController, granted, "extend", new { days = 10, reason = "Экспертиза нужна" });
        var declined = await app.AppealInAsync(AppealStatus.InWork);
        declined = await app.ActAsync(MunAExecutor, declined, "extension-request", new { days = 5, reason = "Нужна ещё неделя" });
        await app.ActAsync(MunAController, declined, "extension-request/decline", new { reason = "Есть акт осмотра" });
        await app.DeliverAsync();

        Assert.Equal($"Срок по обращению № {granted.Number} продлён",
            (await app.OnlyToAsync(granted.Id, NoticeKind.ExtensionDecided, MunAExecutor, MunAController, MunADispatcher)).Title);
        var no = await app.OnlyToAsync(declined.Id, NoticeKind.ExtensionDecided, MunAExecutor, MunAController, MunADispatcher);
        Assert.Equal(($"В продлении срока по обращению № {declined.Number} отказано", "Есть акт осмотра"), (no.Title, no.Text));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_mention_in_a_note_reaches_the_people_named_who_see_the_appeal(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        var controller = await app.WithDbAsync(db => db.Users.Where(u => u.Id == app.Region.IdOf(MunAController)).Select(u => u.LastName).SingleAsync());
        var stranger = await app.WithDbAsync(db => db.Users.Where(u => u.Id == app.Region.IdOf(MunBExecutor)).Select(u => u.LastName).SingleAsync());
        var note = $"@{controller}, подрядчик просит перенести срок; @munadispatcher — нужен второй исполнитель. @{stranger} не видит обращение.";

        await app.ActAsync(MunAExecutor, a, "steps", new { note });
        await app.DeliverAsync();

        var toController = await app.OnlyToAsync(a.Id, NoticeKind.Mention, MunAController, MunAExecutor, MunBExecutor, MunBDispatcher);
        await app.OnlyToAsync(a.Id, NoticeKind.Mention, MunADispatcher);
        Assert.Equal(($"Вас упомянули в заметке по обращению № {a.Number}", note), (toController.Title, toController.Text));
        Assert.Equal([controller, "munadispatcher", stranger], NoticeWriter.Mentions(note));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_stale_article_reaches_the_content_editors_of_its_owner(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var title = "Как получить разрешение на вывеску " + Guid.NewGuid().ToString("N")[..6];
        await app.AddArticleAsync(title, "Разрешение не нужно для вывески до 1 м².", reviewOn: today.AddDays(-1), owner: app.Region.Centre);
        await app.WithDbAsync(db => Otklik.Features.Knowledge.StaleArticleSweep.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default));
        await app.DeliverAsync();

        var notice = Assert.Single((await app.NoticePageAsync(ContentEditor)).Items, i => i.Kind == NoticeKind.ArticleReview);
        Assert.Equal($"Статью «{title}» пора пересмотреть", notice.Title);
        Assert.Null(notice.AppealId);
        Assert.DoesNotContain((await app.NoticePageAsync(CentreOperator)).Items, i => i.Kind == NoticeKind.ArticleReview);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_retried_message_adds_no_second_notice(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Assigned);
        await app.DeliverAsync();
        // The message is claimed again as after a crash between the notices and its settling.
        await app.WithDbAsync(db => db.Outbox.Where(m => m.AppealId == a.Id && m.Type == "appeal.assigned")
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAtUtc, (DateTime?)null).SetProperty(m => m.LockedUntilUtc, (DateTime?)null)));
        await app.DeliverAsync();

        await app.OnlyToAsync(a.Id, NoticeKind.Assignment, MunAExecutor);
        Assert.Equal(1, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.AppealId == a.Id && n.Kind == NoticeKind.Assignment)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_list_is_newest_first_pages_by_keyset_and_marks_one_or_all_read(Engine engine)
    {
        var app = await pool.For(engine);
        var appeals = new List<AppealView>();
        // One dispatch each: the messages of one pass share the test clock's instant, and the list is in the order written.
        for (var i = 0; i < 3; i++)
        {
            appeals.Add(await app.AppealInAsync(AppealStatus.Assigned));
            await app.DeliverAsync();
        }
        var client = app.ClientAs(MunAExecutor);
        await client.PostAsync("/api/v1/notifications/read-all", null).Expect(HttpStatusCode.OK);
        var b = await app.AppealInAsync(AppealStatus.Assigned);
        await app.DeliverAsync();
        var c = await app.AppealInAsync(AppealStatus.Assigned);
        await app.DeliverAsync();

        var first = await app.NoticePageAsync(MunAExecutor, "?limit=2");
        Assert.Equal(2, first.Unread);
        Assert.Equal([c.Id, b.Id], first.Items.Select(i => i.AppealId!.Value));
        Assert.All(first.Items, i => Assert.True(i.Unread));
        var second = await app.NoticePageAsync(MunAExecutor, $"?limit=2&cursor={first.NextCursor}");
        Assert.Equal(appeals[2].Id, second.Items[0].AppealId);
        Assert.All(second.Items, i => Assert.False(i.Unread));
        Assert.True(first.Items[0].Id > first.Items[1].Id && first.Items[1].Id > second.Items[0].Id);

        // Someone else's notice is not found, and nothing changes.
        await app.ClientAs(MunBExecutor).PostAsync($"/api/v1/notifications/{first.Items[0].Id}/read", null)
            .ExpectProblem(HttpStatusCode.NotFound, "notification.not_found");
        await client.PostAsync($"/api/v1/notifications/{first.Items[0].Id}/read", null).Expect(HttpStatusCode.NoContent);
        var after = await app.NoticePageAsync(MunAExecutor, "?limit=2");
        Assert.Equal((1, false, true), (after.Unread, after.Items[0].Unread, after.Items[1].Unread));
        Assert.Equal(1, (await (await client.GetAsync("/api/v1/notifications/unread")).ReadAsync<System.Text.Json.JsonElement>()).GetProperty("unread").GetInt32());
        await client.PostAsync("/api/v1/notifications/read-all", null).Expect(HttpStatusCode.OK);
        Assert.Equal(0, (await app.NoticePageAsync(MunAExecutor)).Unread);

        var badLimit = await client.GetAsync("/api/v1/notifications?limit=0").ExpectProblem(HttpStatusCode.BadRequest, "paging.limit");
        Assert.True(badLimit.GetProperty("errors").TryGetProperty("limit", out _));
        await client.GetAsync("/api/v1/notifications?cursor=abc").ExpectProblem(HttpStatusCode.BadRequest, "paging.cursor");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync("/api/v1/notifications")).StatusCode);
    }
}
