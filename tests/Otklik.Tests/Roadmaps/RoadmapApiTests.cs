using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Roadmaps;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Roadmaps;

/// <summary>
/// Complaint roadmaps end to end over the API on both engines: the executor builds, the controller approves, the owner
/// reports; templates; the applicant sees the agreed steps and nobody else's.
/// </summary>
public sealed class RoadmapApiTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_executor_builds_and_reorders_the_controller_approves_and_the_owner_reports_a_step_done(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.ComplaintInWorkAsync();

        var map = await app.RoadmapAsync(MunAExecutor, a.Id, "roadmap/steps",
            new { title = "Запросить у подрядчика график замены кровли", ownerOrganisationId = r.MunA, personId = r.IdOf(MunAExecutor), policy = "working-days:3" });
        map = await app.RoadmapAsync(MunAExecutor, a.Id, "roadmap/steps",
            new { title = "Провести проверку качества работ", ownerOrganisationId = r.MinHousing, dueDate = "2026-12-10" });
        Assert.Equal(RoadmapStatus.Draft, map.Status);
        var (first, second) = (map.Steps[0], map.Steps[1]);
        Assert.Equal("Тестов12 MunAExecutor", first.PersonName);
        map = await app.RoadmapAsync(MunAExecutor, a.Id, "roadmap/order", new { stepIds = new[] { second.Id, first.Id } });
        Assert.Equal([second.Id, first.Id], map.Steps.Select(s => s.Id));

        // Approving is the controller's; building is the executor's.
        var byExecutor = await app.RoadmapCallAsync(MunAExecutor, a.Id, "roadmap/approve", await RoadmapScenario.WithVersionAsync(app, a.Id, null));
        Assert.Equal(HttpStatusCode.Forbidden, byExecutor.StatusCode);
        var byController = await app.RoadmapCallAsync(MunAController, a.Id, "roadmap/steps",
            await RoadmapScenario.WithVersionAsync(app, a.Id, new { title = "Шаг", ownerOrganisationId = r.MunA, policy = "working-days:1" }));
        Assert.Equal(HttpStatusCode.Forbidden, byController.StatusCode);
        var stale = await app.RoadmapCallAsync(MunAController, a.Id, "roadmap/approve", new { version = a.Version });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        map = await app.RoadmapAsync(MunAController, a.Id, "roadmap/approve");
        Assert.Equal(RoadmapStatus.Approved, map.Status);
        Assert.Equal(r.IdOf(MunAController), map.ApprovedById);
        Assert.All(map.Steps, s => Assert.True(s.IsApproved));

        // An approved plan is changed only after it is reopened.
        var late = await app.RoadmapCallAsync(MunAExecutor, a.Id, "roadmap/steps",
            await RoadmapScenario.WithVersionAsync(app, a.Id, new { title = "Шаг", ownerOrganisationId = r.MunA, policy = "working-days:1" }));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("roadmap.approved", (await late.ProblemAsync()).GetProperty("code").GetString());

        map = await app.RoadmapAsync(MunAExecutor, a.Id, $"roadmap/steps/{first.Id}/report", new { status = "inWork" });
        map = await app.RoadmapAsync(MunAExecutor, a.Id, $"roadmap/steps/{first.Id}/report",
            new { status = "done", result = "График получен: кровля будет заменена до 15 декабря." });
        var noResult = await app.RoadmapCallAsync(MunAExecutor, a.Id, $"roadmap/steps/{second.Id}/report",
            await RoadmapScenario.WithVersionAsync(app, a.Id, new { status = "failed" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noResult.StatusCode);
        Assert.True((await noResult.ProblemAsync()).GetProperty("errors").TryGetProperty("result", out _));

        var (steps, events) = await app.WithDbAsync(async db => (
            await db.RoadmapSteps.AsNoTracking().Where(s => s.AppealId == a.Id).OrderBy(s => s.Order).ToListAsync(),
            await db.AppealEvents.AsNoTracking().Where(e => e.AppealId == a.Id).OrderBy(e => e.Sequence).Select(e => e.Kind).ToListAsync()));
        Assert.Equal([second.Id, first.Id], steps.Select(s => s.Id));
        Assert.Equal([StepStatus.Planned, StepStatus.Done], steps.Select(s => s.Status));
        Assert.Equal("График получен: кровля будет заменена до 15 декабря.", steps[1].Result);
        Assert.Equal(new DateTime(2026, 12, 10, 18, 59, 59, DateTimeKind.Utc), steps[0].DueAtUtc);
        Assert.Equal([EventKind.RoadmapStepAdded, EventKind.RoadmapStepAdded, EventKind.RoadmapReordered, EventKind.RoadmapApproved,
            EventKind.RoadmapStepReported, EventKind.RoadmapStepReported], events.SkipWhile(k => k != EventKind.RoadmapStepAdded));
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.AppealId == a.Id && m.Type == "roadmap.approved")));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_reopened_roadmap_is_approved_again_and_edited_steps_lose_their_approval_until_then(Engine engine)
    {
        var app = await pool.For(engine);
        var (a, step) = await app.ApprovedRoadmapAsync();
        var map = await app.RoadmapAsync(MunAController, a.Id, "roadmap/reopen", new { reason = "Подрядчик расторг договор." });
        Assert.Equal(RoadmapStatus.Changing, map.Status);
        map = await app.RoadmapAsync(MunAExecutor, a.Id, $"roadmap/steps/{step.Id}", method: HttpMethod.Put,
            fields: new { title = "Выйти на объект с новым подрядчиком", ownerOrganisationId = app.Region.MunA, policy = "working-days:5" });
        Assert.False(map.Steps.Single().IsApproved);
        Assert.Null(await app.WithDbAsync(db => db.RoadmapSteps.Where(s => s.Id == step.Id).Select(s => s.NextWatchAtUtc).SingleAsync()));

        map = await app.RoadmapAsync(MunAController, a.Id, "roadmap/approve");
        Assert.Equal(2, map.Revision);
        Assert.True(map.Steps.Single().IsApproved);
        Assert.NotNull(await app.WithDbAsync(db => db.RoadmapSteps.Where(s => s.Id == step.Id).Select(s => s.NextWatchAtUtc).SingleAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_roadmap_is_for_complaints_only(Engine engine)
    {
        var app = await pool.For(engine);
        var pothole = await app.AppealInAsync(AppealStatus.InWork);
        var response = await app.RoadmapCallAsync(MunAExecutor, pothole.Id, "roadmap/steps",
            new { version = pothole.Version, title = "Заделать яму", ownerOrganisationId = app.Region.MunA, policy = "working-days:2" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("roadmap.not_complaint", (await response.ProblemAsync()).GetProperty("code").GetString());
        Assert.False(await app.WithDbAsync(db => db.RoadmapSteps.AnyAsync(s => s.AppealId == pothole.Id)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_step_names_a_known_organisation_and_a_person_who_works_there(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.ComplaintInWorkAsync();
        var stranger = await app.RoadmapCallAsync(MunAExecutor, a.Id, "roadmap/steps", new
        {
            version = a.Version, title = "Проверить подрядчика", ownerOrganisationId = app.Region.MunA, personId = app.Region.IdOf(MunBExecutor),
            policy = "working-days:2",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, stranger.StatusCode);
        Assert.True((await stranger.ProblemAsync()).GetProperty("errors").TryGetProperty("personId", out _));
        var unknown = await app.RoadmapCallAsync(MunAExecutor, a.Id, "roadmap/steps",
            new { version = a.Version, title = "Проверить", ownerOrganisationId = Guid.NewGuid(), policy = "working-days:2" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Equal(a.Version, (await app.GetAsync(a.Id)).Version);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_applicant_sees_the_agreed_steps_and_another_applicant_sees_nothing(Engine engine)
    {
        var app = await pool.For(engine);
        var (a, step) = await app.ApprovedRoadmapAsync();
        await app.RoadmapAsync(MunAController, a.Id, "roadmap/reopen", new { reason = "Добавить проверку" });
        await app.RoadmapAsync(MunAExecutor, a.Id, "roadmap/steps",
            new { title = "Черновой шаг, заявителю не виден", ownerOrganisationId = app.Region.MunA, policy = "working-days:4" });

        var mine = await app.GetAsync(a.Id, Applicant);
        var seen = Assert.Single(mine.RoadmapSteps!);
        Assert.Equal(step.Title, seen.Title);
        Assert.Equal("Администрация города А", seen.OwnerOrganisationName);
        Assert.Equal(new DateOnly(2026, 11, 25), seen.DueDate);
        Assert.Equal(StepStatus.Planned, seen.Status);
        Assert.Equal("Запланирован", seen.StatusTitle);

        var roadmap = await (await app.ClientAs(Applicant).GetAsync($"/api/v1/appeals/{a.Id}/roadmap").Expect(HttpStatusCode.OK)).ReadAsync<RoadmapView>();
        Assert.Equal([step.Id], roadmap.Steps.Select(s => s.Id));
        Assert.Null(roadmap.ApprovedByName);
        Assert.Equal(2, (await (await app.ClientAs(MunAExecutor).GetAsync($"/api/v1/appeals/{a.Id}/roadmap")).ReadAsync<RoadmapView>()).Steps.Count);

        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientAs(OtherApplicant).GetAsync($"/api/v1/appeals/{a.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientAs(OtherApplicant).GetAsync($"/api/v1/appeals/{a.Id}/roadmap")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientAs(MunBExecutor).GetAsync($"/api/v1/appeals/{a.Id}/roadmap")).StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_template_of_the_topic_fills_the_roadmap_and_only_the_region_administrator_keeps_templates(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var body = new
        {
            topicId = r.HousingTopic, name = "Срыв сроков капитального ремонта",
            steps = new object[]
            {
                new { title = "Запросить объяснения у подрядчика", policy = "working-days:2" },
                new { title = "Проверка министерства ЖКХ", ownerOrganisationId = r.MinHousing, policy = "working-days:10" },
            },
        };
        await app.ClientAs(MunAExecutor).PostJsonAsync("/api/v1/roadmap-templates", body).Expect(HttpStatusCode.Forbidden);
        var bad = await app.ClientAs(RegionAdmin).PostJsonAsync("/api/v1/roadmap-templates", new { topicId = r.HousingTopic, name = "Пустой", steps = new[] { new { title = "", policy = "days:2" } } })
            .Expect(HttpStatusCode.UnprocessableEntity);
        var errors = (await bad.ProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("steps[0].title", out _) && errors.TryGetProperty("steps[0].policy", out _));

        var created = await (await app.ClientAs(RegionAdmin).PostJsonAsync("/api/v1/roadmap-templates", body).Expect(HttpStatusCode.Created))
            .ReadAsync<RoadmapsApiTemplate>();
        var listed = await (await app.ClientAs(MunAExecutor).GetAsync($"/api/v1/roadmap-templates?topicId={r.HousingTopic}").Expect(HttpStatusCode.OK))
            .ReadAsync<List<RoadmapsApiTemplate>>();
        Assert.Contains(listed, t => t.Id == created.Id);

        var a = await app.ComplaintInWorkAsync();
        var map = await app.RoadmapAsync(MunAExecutor, a.Id, "roadmap/apply-template", new { templateId = created.Id });
        Assert.Equal(["Запросить объяснения у подрядчика", "Проверка министерства ЖКХ"], map.Steps.Select(s => s.Title));
        // A template step without an owner goes to the complaint's executor organisation.
        Assert.Equal([r.MunA, r.MinHousing], map.Steps.Select(s => s.OwnerOrganisationId));
        Assert.All(map.Steps, s => Assert.Equal(StepSource.Template, s.Source));
        Assert.Equal(EventKind.RoadmapTemplateApplied,
            await app.WithDbAsync(db => db.AppealEvents.Where(e => e.AppealId == a.Id).OrderByDescending(e => e.Sequence).Select(e => e.Kind).FirstAsync()));

        var renamed = await (await app.ClientAs(RegionAdmin).PutJsonAsync($"/api/v1/roadmap-templates/{created.Id}",
            new { version = created.Version, body.topicId, name = "Срыв сроков капремонта", steps = body.steps.Take(1) }).Expect(HttpStatusCode.OK))
            .ReadAsync<RoadmapsApiTemplate>();
        Assert.Single(renamed.Steps);
        await app.ClientAs(RegionAdmin).PutJsonAsync($"/api/v1/roadmap-templates/{created.Id}",
            new { version = created.Version, body.topicId, name = "Устаревшая версия", steps = body.steps }).Expect(HttpStatusCode.Conflict);
        await app.ClientAs(RegionAdmin).DeleteAsync($"/api/v1/roadmap-templates/{created.Id}").Expect(HttpStatusCode.NoContent);
        Assert.False(await app.WithDbAsync(db => db.RoadmapTemplates.AnyAsync(t => t.Id == created.Id)));
        // The steps made from it stay.
        Assert.Equal(2, await app.WithDbAsync(db => db.RoadmapSteps.CountAsync(s => s.AppealId == a.Id)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Template_steps_are_due_one_after_another_unless_the_template_runs_a_step_in_parallel(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var body = new
        {
            topicId = r.HousingTopic, name = "Жалоба на давление на бизнес",
            steps = new object[]
            {
                new { title = "Запросить материалы проверок", policy = "working-days:5" },
                new { title = "Запросить позицию прокуратуры", policy = "working-days:2", parallel = true },
                new { title = "Рассмотреть на рабочей группе", ownerOrganisationId = r.MinHousing, policy = "working-days:10" },
                new { title = "Сообщить заявителю", policy = "working-days:3" },
            },
        };
        var created = await (await app.ClientAs(RegionAdmin).PostJsonAsync("/api/v1/roadmap-templates", body).Expect(HttpStatusCode.Created))
            .ReadAsync<RoadmapsApiTemplate>();
        Assert.Equal([false, true, false, false], created.Steps.Select(s => s.GetProperty("parallel").GetBoolean()));
        var first = await app.ClientAs(RegionAdmin).PostJsonAsync("/api/v1/roadmap-templates",
            new { topicId = r.HousingTopic, name = "Неверный", steps = new[] { new { title = "Шаг", policy = "working-days:1", parallel = true } } })
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.True((await first.ProblemAsync()).GetProperty("errors").TryGetProperty("steps[0].parallel", out _));

        var a = await app.ComplaintInWorkAsync();
        var map = await app.RoadmapAsync(MunAExecutor, a.Id, "roadmap/apply-template", new { templateId = created.Id });
        var due = map.Steps.Select(s => s.DueAtUtc).ToList();
        // «Сообщить заявителю» comes last; the parallel request is due with (before) the step it runs beside.
        Assert.True(due[3] > due[2] && due[2] > due[0], string.Join(", ", due));
        Assert.True(due[1] < due[0], string.Join(", ", due));
        var stored = await app.WithDbAsync(db => db.RoadmapSteps.AsNoTracking().Where(s => s.AppealId == a.Id).OrderBy(s => s.Order).ToListAsync());
        Assert.Equal(stored[0].ClockStartedAtUtc, stored[1].ClockStartedAtUtc);
        Assert.Equal(stored[0].DueAtUtc, stored[2].ClockStartedAtUtc);
        Assert.Equal(stored[2].DueAtUtc, stored[3].ClockStartedAtUtc);

        // The controller's approval does not move the chain.
        map = await app.RoadmapAsync(MunAController, a.Id, "roadmap/approve");
        Assert.Equal(due, map.Steps.Select(s => s.DueAtUtc));
    }

    public sealed record RoadmapsApiTemplate(Guid Id, Guid TopicId, string Name, int Version, List<JsonElement> Steps);
}
