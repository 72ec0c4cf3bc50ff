using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Roadmaps;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Deadlines.WatchChecks;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Roadmaps;

/// <summary>
/// Roadmap steps are controlled like appeals, with the fake clock: at risk, overdue, then the owner's dispatcher,
/// controller and the centre, each once; two sweeps at once send each notice once. The clock starts on Monday
/// 23 November 2026, 12:00 in Yekaterinburg; a step of two working days is due at the end of Wednesday 25 November.
/// </summary>
public sealed class RoadmapWatchTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_overdue_step_escalates_level_by_level_to_the_centre_each_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var (a, step) = await app.ApprovedRoadmapAsync();
        Assert.Equal(Utc(2026, 11, 25, 18, 59, 59), step.DueAtUtc);

        Assert.Equal(0, (await app.RoadmapSweepAsync(Utc(2026, 11, 24, 3, 59))).Notices);
        Assert.Equal(1, (await app.RoadmapSweepAsync(Utc(2026, 11, 24, 4, 0))).Notices);
        Assert.Equal(0, (await app.RoadmapSweepAsync(Utc(2026, 11, 24, 4, 30))).Notices);
        Assert.Equal(1, (await app.RoadmapSweepAsync(Utc(2026, 11, 25, 19, 0, 1))).Notices);
        var overdue = await (await app.ClientAs(MunAController).GetAsync($"/api/v1/appeals/{a.Id}/roadmap")).ReadAsync<RoadmapView>();
        Assert.True(overdue.Steps.Single().IsOverdue);
        Assert.Equal(1, (await app.RoadmapSweepAsync(Utc(2026, 11, 26, 19, 0))).Notices);
        Assert.Equal(1, (await app.RoadmapSweepAsync(Utc(2026, 11, 27, 19, 0))).Notices);
        // Saturday and Sunday are not working days: the centre is told on Monday.
        Assert.Equal(0, (await app.RoadmapSweepAsync(Utc(2026, 11, 29, 19, 0))).Notices);
        Assert.Equal(1, (await app.RoadmapSweepAsync(Utc(2026, 11, 30, 19, 0))).Notices);
        Assert.Equal(0, (await app.RoadmapSweepAsync(Utc(2026, 12, 20, 0, 0))).Notices);

        var notices = await app.StepNoticesAsync(a.Id);
        Assert.Equal(["atRisk", "overdue", "escalatedToDispatcher", "escalatedToController", "escalatedToCentre"], notices.Select(n => n.Level));
        Assert.Equal(["roadmap.step_at_risk", "roadmap.step_overdue", "roadmap.step_escalated", "roadmap.step_escalated", "roadmap.step_escalated"],
            notices.Select(n => n.Type));
        Assert.Equal(["dispatcher", "dispatcher", "dispatcher", "controller", "analyst"], notices.Select(n => n.Role));
        Assert.Equal([r.MunA, r.MunA, r.MunA, r.MunA, r.Centre], notices.Select(n => n.OrganisationId));
        Assert.All(notices, n => Assert.Equal(step.Id, n.StepId));

        var (level, events) = await app.WithDbAsync(async db => (
            await db.RoadmapSteps.Where(s => s.Id == step.Id).Select(s => new { s.WatchLevel, s.NextWatchAtUtc }).SingleAsync(),
            await db.AppealEvents.Where(e => e.AppealId == a.Id).OrderBy(e => e.Sequence).Select(e => e.Kind).ToListAsync()));
        Assert.Equal(WatchLevel.EscalatedToCentre, level.WatchLevel);
        Assert.Null(level.NextWatchAtUtc);
        Assert.Equal([EventKind.RoadmapStepAtRisk, EventKind.RoadmapStepOverdue, EventKind.RoadmapStepEscalated, EventKind.RoadmapStepEscalated,
            EventKind.RoadmapStepEscalated], events.Where(k => k.ToString().StartsWith("RoadmapStep", StringComparison.Ordinal) && k != EventKind.RoadmapStepAdded));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_step_done_in_time_and_a_draft_step_are_never_escalated(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var (a, step) = await app.ApprovedRoadmapAsync();
        await app.RoadmapAsync(MunAExecutor, a.Id, $"roadmap/steps/{step.Id}/report", new { status = "done", result = "Акт составлен." });
        var draft = await app.ComplaintInWorkAsync();
        await app.RoadmapAsync(MunAExecutor, draft.Id, "roadmap/steps",
            new { title = "Шаг без утверждения", ownerOrganisationId = app.Region.MunA, policy = "working-days:1" });

        Assert.Equal(0, (await app.RoadmapSweepAsync(Utc(2026, 12, 20, 0, 0))).Notices);
        Assert.Empty(await app.StepNoticesAsync());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Two_sweeps_at_once_send_each_notice_exactly_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var complaints = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var (a, _) = await app.ApprovedRoadmapAsync(i % 2 == 0 ? "working-days:2" : "working-days:3");
            complaints.Add(a.Id);
        }

        var at = Utc(2026, 12, 21, 0, 0);
        app.Clock.SetUtcNow(new DateTimeOffset(at));
        var results = await Task.WhenAll(Task.Run(() => app.RoadmapSweepAsync(at)), Task.Run(() => app.RoadmapSweepAsync(at)));

        var notices = await app.StepNoticesAsync();
        var twice = notices.GroupBy(n => (n.StepId, n.Level)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, "Sent more than once: " + string.Join(", ", twice));
        Assert.Equal(complaints.Count * 5, notices.Count);
        Assert.Equal(notices.Count, results.Sum(x => x.Notices));
        Assert.Equal(complaints.Count * 5, await app.WithDbAsync(db => db.AppealEvents.CountAsync(e =>
            e.Kind == EventKind.RoadmapStepAtRisk || e.Kind == EventKind.RoadmapStepOverdue || e.Kind == EventKind.RoadmapStepEscalated)));
    }
}
