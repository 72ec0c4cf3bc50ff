using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Stats;
using Otklik.Tests.Infrastructure;
using static Otklik.Features.Appeals.AppealStatus;

namespace Otklik.Tests.Api;

/// <summary>GET /api/v1/stats/dashboard: the counts of what the caller sees, by status, category and territory, and the overdue ones.</summary>
public sealed class DashboardTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Counts_what_the_caller_sees_by_status_category_and_territory(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await app.AppealInAsync(Moderation);
        await app.AppealInAsync(Moderation);
        await app.AppealInAsync(InWork);
        await app.AppealInAsync(Registered, Samples.Subsidy(r));

        var all = await DashboardAsync(app, Persona.CentreAnalyst);
        Assert.Equal(4, all.Total);
        Assert.Equal(4, all.Open);
        Assert.Equal(0, all.Overdue);
        Assert.Equal(2, Status(all, Moderation));
        Assert.Equal(1, Status(all, InWork));
        Assert.Equal(1, Status(all, Registered));
        Assert.Equal(3, all.ByCategory.Single(c => c.Id == r.CityCategory).Total);
        Assert.Equal("Городское благоустройство", all.ByCategory.Single(c => c.Id == r.CityCategory).Name);
        Assert.Equal(1, all.ByCategory.Single(c => c.Id == r.BusinessCategory).Total);
        Assert.Equal(3, all.ByTerritory.Single(t => t.Id == r.TerritoryA).Total);
        Assert.Equal("Без территории", all.ByTerritory.Single(t => t.Id is null).Name);

        // Municipality A's executor sees the appeal in work there, not the ones still in moderation or at the ministry.
        var munA = await DashboardAsync(app, Persona.MunAExecutor);
        Assert.Equal(1, munA.Total);
        Assert.Equal(1, Status(munA, InWork));
        var munB = await DashboardAsync(app, Persona.MunBExecutor);
        Assert.Equal(0, munB.Total);
        Assert.Empty(munB.ByStatus);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Overdue_counts_the_open_appeals_past_their_deadline_as_the_entity_sees_them(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        await app.AppealInAsync(Moderation);
        await app.AppealInAsync(InWork);
        var answered = await app.AppealInAsync(AnswerSent);

        app.Clock.Advance(TimeSpan.FromDays(20));
        var view = await DashboardAsync(app, Persona.CentreAnalyst);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var (expected, open) = await app.WithDbAsync(async db =>
        {
            var appeals = await db.Appeals.AsNoTracking().ToListAsync();
            return (appeals.Count(a => a.IsOverdue(now)), appeals.Count(a => !DeadlineStates.Finished.Contains(a.Status)));
        });
        Assert.True(expected >= 2, $"the setup should leave the moderation and the work overdue, got {expected}");
        Assert.Equal(expected, view.Overdue);
        Assert.Equal(expected, view.ByStatus.Sum(s => s.Overdue));
        Assert.Equal(expected, view.ByCategory.Sum(c => c.Overdue));
        Assert.Equal(open, view.Open);
        Assert.Equal(0, view.ByStatus.Single(s => s.Status == AnswerSent).Overdue);
        Assert.Equal(answered.Id, (await app.WithDbAsync(db => db.Appeals.SingleAsync(a => a.Status == AnswerSent))).Id);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Applicants_and_anonymous_callers_get_no_dashboard(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        await app.ClientAs(Persona.Applicant).GetAsync("/api/v1/stats/dashboard").Expect(HttpStatusCode.Forbidden);
        await app.Anonymous().GetAsync("/api/v1/stats/dashboard").Expect(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_counts_are_made_once_per_half_minute_per_audience_and_say_when(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        await app.AppealInAsync(InWork);
        var first = await DashboardAsync(app, Persona.CentreAnalyst);
        Assert.Equal((1, app.Clock.GetUtcNow().UtcDateTime), (first.Total, first.AtUtc));
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await DashboardAsync(app, Persona.MunAExecutor)).Total);

        // A new appeal a little later: the same counts, made at the same moment, for the region and for the municipality.
        app.Clock.Advance(TimeSpan.FromSeconds(28));
        await app.AppealInAsync(InWork);
        Assert.Equal((1, first.AtUtc), (await DashboardAsync(app, Persona.CentreAnalyst)) is var again ? (again.Total, again.AtUtc) : default);
        Assert.Equal(1, (await DashboardAsync(app, Persona.MunAExecutor)).Total);

        // Half a minute after they were made, they are made again.
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var fresh = await DashboardAsync(app, Persona.CentreAnalyst);
        Assert.Equal((2, app.Clock.GetUtcNow().UtcDateTime), (fresh.Total, fresh.AtUtc));
        Assert.Equal(1, (await DashboardAsync(app, Persona.MunAExecutor)).Total); // its own entry, made a second later: still fresh
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await DashboardAsync(app, Persona.MunAExecutor)).Total);
    }

    static int Status(DashboardView view, AppealStatus status) => view.ByStatus.SingleOrDefault(s => s.Status == status)?.Count ?? 0;

    static async Task<DashboardView> DashboardAsync(TestApp app, Persona who) =>
        await (await app.ClientAs(who).GetAsync("/api/v1/stats/dashboard").Expect(HttpStatusCode.OK)).ReadAsync<DashboardView>();
}
