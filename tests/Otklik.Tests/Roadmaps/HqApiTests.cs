using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Roadmaps;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Roadmaps;

/// <summary>
/// The Business Protection HQ over the API on both engines: the executor's controller (or the centre) escalates a
/// complaint; HQ members, a federal body's outside the platform too, see the escalated complaints and only those; the HQ's
/// decision becomes approved roadmap steps of the organisations it binds.
/// </summary>
public sealed class HqApiTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_escalated_complaint_is_seen_by_hq_members_and_the_decision_becomes_steps_of_the_bound_bodies(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var escalated = await app.ComplaintInWorkAsync();
        var other = await app.ComplaintInWorkAsync();

        // Before the escalation the HQ member (of УФНС, outside the platform) does not see the complaint.
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientAs(HqMember).GetAsync($"/api/v1/appeals/{escalated.Id}")).StatusCode);
        var byExecutor = await app.RoadmapCallAsync(MunAExecutor, escalated.Id, "hq", new { version = escalated.Version, reason = "Давление" });
        Assert.Equal(HttpStatusCode.Forbidden, byExecutor.StatusCode);
        var noReason = await app.RoadmapCallAsync(MunAController, escalated.Id, "hq", new { version = escalated.Version });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);

        var hq = await (await app.RoadmapCallAsync(MunAController, escalated.Id, "hq",
                new { version = escalated.Version, reason = "Подрядчик регионального оператора срывает сроки, нужна координация с налоговой." })
            .Expect(HttpStatusCode.OK)).ReadAsync<HqView>();
        Assert.True(hq.IsEscalated);
        Assert.Equal(r.IdOf(MunAController), hq.EscalatedById);
        var again = await app.RoadmapCallAsync(CentreModerator, escalated.Id, "hq", new { version = hq.Version, reason = "Ещё раз" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        // HQ members see it, and only the escalated complaints.
        Assert.Equal(HttpStatusCode.OK, (await app.ClientAs(HqMember).GetAsync($"/api/v1/appeals/{escalated.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientAs(HqMember).GetAsync($"/api/v1/appeals/{other.Id}")).StatusCode);
        var agenda = await (await app.ClientAs(HqMember).GetAsync("/api/v1/hq/complaints").Expect(HttpStatusCode.OK)).ReadAsync<List<HqComplaintItem>>();
        Assert.Contains(agenda, c => c.Id == escalated.Id);
        Assert.DoesNotContain(agenda, c => c.Id == other.Id);
        Assert.All(agenda, c => Assert.NotEqual(default, c.EscalatedAtUtc));
        await app.ClientAs(MunAController).GetAsync("/api/v1/hq/complaints").Expect(HttpStatusCode.Forbidden);
        var listed = await (await app.ClientAs(HqMember).GetAsync("/api/v1/appeals?limit=200").Expect(HttpStatusCode.OK)).ReadAsync<AppealsPage>();
        Assert.Contains(listed.Items, i => i.Id == escalated.Id);
        Assert.DoesNotContain(listed.Items, i => i.Id == other.Id);

        // Only HQ members record decisions; the organisations bound must sit on the HQ or work in the platform.
        var notMember = await app.RoadmapCallAsync(MunAController, escalated.Id, "hq/decisions",
            new { version = hq.Version, date = "2026-11-23", text = "Решение", organisationIds = new[] { r.MunB } });
        Assert.Equal(HttpStatusCode.Forbidden, notMember.StatusCode);
        var nobody = await app.RoadmapCallAsync(HqMember, escalated.Id, "hq/decisions",
            new { version = hq.Version, date = "2026-11-23", text = "Решение", organisationIds = Array.Empty<Guid>() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nobody.StatusCode);

        hq = await (await app.RoadmapCallAsync(HqMember, escalated.Id, "hq/decisions", new
        {
            version = hq.Version, date = "2026-11-23", dueDate = "2026-12-04",
            text = "Администрации города Б выдать ордер на работы; УФНС провести сверку расчётов с подрядчиком.",
            organisationIds = new[] { r.MunB, r.Fns },
        }).Expect(HttpStatusCode.OK)).ReadAsync<HqView>();
        var decision = Assert.Single(hq.Decisions);
        Assert.Equal(new DateOnly(2026, 11, 23), decision.Date);
        Assert.Equal(["Город Б", "УФНС"], decision.Organisations.Select(o => o.Name));

        var steps = await app.WithDbAsync(db => db.RoadmapSteps.AsNoTracking().Where(s => s.AppealId == escalated.Id).OrderBy(s => s.Order).ToListAsync());
        Assert.Equal([r.MunB, r.Fns], steps.Select(s => s.OwnerOrganisationId));
        Assert.All(steps, s =>
        {
            Assert.Equal(StepSource.Hq, s.Source);
            Assert.Equal(decision.Id, s.HqDecisionId);
            Assert.NotNull(s.ApprovedAtUtc);
            Assert.Equal(new DateOnly(2026, 12, 4), s.DueDate);
            Assert.NotNull(s.NextWatchAtUtc);
        });
        var events = await app.WithDbAsync(db => db.AppealEvents.Where(e => e.AppealId == escalated.Id).Select(e => e.Kind).ToListAsync());
        Assert.Contains(EventKind.HqEscalated, events);
        Assert.Contains(EventKind.HqDecisionRecorded, events);

        // The bound municipality now sees the complaint and reports its step; the applicant sees the HQ's steps.
        var roadmap = await (await app.ClientAs(MunBDispatcher).GetAsync($"/api/v1/appeals/{escalated.Id}/roadmap").Expect(HttpStatusCode.OK))
            .ReadAsync<RoadmapView>();
        await app.RoadmapAsync(MunBDispatcher, escalated.Id, $"roadmap/steps/{roadmap.Steps[0].Id}/report",
            new { status = "done", result = "Ордер на работы выдан 25 ноября." });
        var fnsStep = await app.RoadmapCallAsync(MunBDispatcher, escalated.Id, $"roadmap/steps/{roadmap.Steps[1].Id}/report",
            await RoadmapScenario.WithVersionAsync(app, escalated.Id, new { status = "inWork" }));
        Assert.Equal(HttpStatusCode.Forbidden, fnsStep.StatusCode);
        // The federal body is outside the platform: its HQ member reports its step.
        await app.RoadmapAsync(HqMember, escalated.Id, $"roadmap/steps/{roadmap.Steps[1].Id}/report", new { status = "inWork" });
        var mine = await app.GetAsync(escalated.Id, Applicant);
        Assert.Equal([StepStatus.Done, StepStatus.InWork], mine.RoadmapSteps!.Select(s => s.Status));
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientAs(MunBDispatcher).GetAsync($"/api/v1/appeals/{other.Id}")).StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_centre_may_escalate_and_a_pothole_is_not_for_the_hq(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.ComplaintInWorkAsync();
        var hq = await (await app.RoadmapCallAsync(CentreAnalyst, a.Id, "hq", new { version = a.Version, reason = "Жалоба на давление на бизнес" })
            .Expect(HttpStatusCode.OK)).ReadAsync<HqView>();
        Assert.Equal(app.Region.IdOf(CentreAnalyst), hq.EscalatedById);

        var pothole = await app.AppealInAsync(AppealStatus.InWork);
        var refused = await app.RoadmapCallAsync(MunAController, pothole.Id, "hq", new { version = pothole.Version, reason = "Яма" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("hq.not_complaint", (await refused.ProblemAsync()).GetProperty("code").GetString());
        Assert.Null(await app.WithDbAsync(db => db.Appeals.Where(x => x.Id == pothole.Id).Select(x => x.HqEscalatedAtUtc).SingleAsync()));
    }

    public sealed record AppealsPage(List<AppealListItem> Items, string? NextCursor);
}
