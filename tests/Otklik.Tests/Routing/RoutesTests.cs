using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Routing;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Routing;

/// <summary>
/// The three standard routes end to end through the API: several organisations (the lead composes one answer from the
/// co-executors' parts and only the lead sends it), with a municipality in parallel and in sequence (the municipality's
/// part counted in its own time zone and hours), and an overdue part escalated to its own organisation's controller.
/// The test region works in Yekaterinburg (UTC+5); the clock starts on Monday 23 November 2026 at 12:00 there.
/// </summary>
public sealed class RoutesTests
{
    static DateTime Utc(int month, int day, int hour, int minute = 0, int second = 0) => new(2026, month, day, hour, minute, second, DateTimeKind.Utc);

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Several_organisations_each_do_their_part_and_the_lead_composes_the_one_answer(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var rule = await app.CreateRuleAsync(new
        {
            name = "Ямы в городе А: город, Мининвест и город Б", conditions = new { topicIds = new[] { r.PotholeTopic }, territoryIds = new[] { r.TerritoryA } },
            actions = new { executorOrganisationId = r.MunA, coExecutorIds = new[] { r.MinInvest, r.MunB }, route = "several", partPolicy = "working-days:2" },
        });

        var a = await app.AppealInAsync(AppealStatus.Registered);
        Assert.Equal((r.MunA, RouteKind.Several), (a.ExecutorOrganisationId!.Value, a.RouteKind!.Value));
        // Each part has its own deadline: two working days in its organisation's clock, Wednesday 25 November.
        Assert.Equal([(r.MinInvest, PartStatus.Open, Utc(11, 25, 18, 59, 59)), (r.MunB, PartStatus.Open, Utc(11, 25, 18, 59, 59))],
            a.Parts.OrderBy(p => p.OrganisationId).Select(p => (p.OrganisationId, p.Status, p.DueAtUtc!.Value)));
        var opened = Assert.Single(await app.EventsAsync(a.Id), e => e.Kind == EventKind.RouteOpened);
        Assert.Equal(rule, RuleSupport.RuleIdOf(opened));

        a = await app.ActAsync(MunADispatcher, a, "assign", new { personId = r.IdOf(MunAExecutor) });
        a = await app.ActAsync(MunAExecutor, a, "start");
        a = await app.ActAsync(MunAExecutor, a, "answer", new { text = "Черновик: ждём соисполнителей.", result = "supportedMeasuresTaken" });
        // The answer waits for the parts.
        var early = await app.ClientAs(MunAExecutor).PostJsonAsync($"/api/v1/appeals/{a.Id}/answer/submit", new { version = a.Version })
            .Expect(HttpStatusCode.Conflict);
        Assert.Equal("answer.parts_open", (await early.ProblemAsync()).GetProperty("code").GetString());

        a = await app.CompletePartAsync(MinInvestDispatcher, a, r.MinInvest, "Участок дороги включён в программу ремонта на 2027 год.");
        // The lead sees each part as it comes.
        var seen = await app.GetAsync(a.Id, MunAExecutor);
        Assert.Equal([PartStatus.Done, PartStatus.Open], seen.Parts.OrderBy(p => p.OrganisationId).Select(p => p.Status));
        a = await app.CompletePartAsync(MunBExecutor, a, r.MunB, "Подрядчик города Б выделит технику до 1 декабря.");
        // A co-executor sees the appeal but does not answer it: only the lead sends the answer.
        await app.ClientAs(MunBExecutor).PostJsonAsync($"/api/v1/appeals/{a.Id}/answer/submit", new { version = a.Version }).Expect(HttpStatusCode.Forbidden);

        var composed = "Яма будет заделана до 1 декабря силами подрядчика города Б; участок включён в программу ремонта на 2027 год.";
        a = await app.ActAsync(MunAExecutor, a, "answer", new { text = composed, result = "supportedMeasuresTaken" });
        a = await app.ActAsync(MunAExecutor, a, "answer/submit");
        a = await app.ActAsync(MunAController, a, "answer/approve");

        var stored = await app.AppealAsync(a.Id);
        Assert.Equal((AppealStatus.AnswerSent, composed), (stored.Status, stored.AnswerText));
        Assert.All(stored.Parts, p => Assert.Equal(PartStatus.Done, p.Status));
        Assert.Equal(2, (await app.EventsAsync(a.Id)).Count(e => e.Kind == EventKind.CoExecutorPartCompleted));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task With_a_municipality_in_sequence_its_part_opens_when_the_regional_part_is_done_in_its_own_clock(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        // Город Б works in Vladivostok (UTC+10), 8:00–17:00 without a break.
        await app.WithDbAsync(async db =>
        {
            var mun = await db.Organisations.SingleAsync(o => o.Id == r.MunB);
            mun.Update(mun.Name, mun.ShortName, mun.Kind, "Asia/Vladivostok", mun.IsConnected, mun.SitsOnBusinessProtectionHq);
            mun.SetWorkingHours(new(8, 0), new(17, 0), null, null);
            await db.SaveChangesAsync();
        });
        await app.CreateRuleAsync(new
        {
            name = "Субсидии: Мининвест, затем город Б", conditions = new { topicIds = new[] { r.SubsidyTopic } },
            actions = new { executorOrganisationId = r.MinInvest, route = "withMunicipality", sequence = "regionFirst", municipalityId = r.MunB,
                partPolicy = "working-hours:4" },
        });

        var a = await app.AppealInAsync(AppealStatus.Registered, Samples.Subsidy(r));
        Assert.Equal(RouteKind.WithMunicipality, a.RouteKind);
        // The regional part: 4 working hours from 12:00 in Yekaterinburg, with the 13–14 break: 17:00 there.
        Assert.Equal([(r.MinInvest, 0, PartStatus.Open, (DateTime?)Utc(11, 23, 12)), (r.MunB, 1, PartStatus.Waiting, null)],
            a.Parts.Select(p => (p.OrganisationId, p.Stage, p.Status, p.DueAtUtc)));

        var waiting = await app.ClientAs(MunBExecutor).PostJsonAsync($"/api/v1/appeals/{a.Id}/co-executors/{a.Parts[1].Id}/complete",
            new { version = a.Version, result = "Готово" }).Expect(HttpStatusCode.Conflict);
        Assert.Equal("execution.part_waiting", (await waiting.ProblemAsync()).GetProperty("code").GetString());

        a = await app.CompletePartAsync(MinInvestDispatcher, a, r.MinInvest, "Заявитель соответствует условиям субсидии.");
        // Opened at 17:00 in Vladivostok, the end of its day: four working hours on Tuesday, 8:00–12:00 there.
        var municipal = a.Parts.Single(p => p.OrganisationId == r.MunB);
        Assert.Equal((PartStatus.Open, (DateTime?)Utc(11, 24, 2), "working-hours:4"), (municipal.Status, municipal.DueAtUtc, municipal.Policy));
        Assert.Contains(await app.EventsAsync(a.Id), e => e.Kind == EventKind.PartOpened);

        a = await app.CompletePartAsync(MunBExecutor, a, r.MunB, "Земельный участок под цех свободен от обременений.");
        a = await app.ActAsync(MinInvestDispatcher, a, "assign", new { personId = r.IdOf(MinInvestExecutor) });
        a = await app.ActAsync(MinInvestExecutor, a, "start");
        a = await app.ActAsync(MinInvestExecutor, a, "answer", new { text = "Субсидия доступна; участок свободен.", result = "explained" });
        a = await app.ActAsync(MinInvestExecutor, a, "answer/submit");
        a = await app.ActAsync(MinInvestController, a, "answer/approve");
        Assert.Equal(AppealStatus.AnswerSent, (await app.AppealAsync(a.Id)).Status);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task With_a_municipality_in_parallel_both_parts_open_at_once_and_the_municipality_comes_from_the_territory(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await app.CreateRuleAsync(new
        {
            name = "Ямы: Мининвест вместе с муниципалитетом", conditions = new { topicIds = new[] { r.PotholeTopic } },
            actions = new { executorOrganisationId = r.MinInvest, route = "withMunicipality", sequence = "parallel" },
        });

        var a = await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideB));
        Assert.Equal([(r.MinInvest, PartStatus.Open), (r.MunB, PartStatus.Open)], a.Parts.OrderBy(p => p.OrganisationId).Select(p => (p.OrganisationId, p.Status)));
        Assert.All(a.Parts, p => Assert.NotNull(p.DueAtUtc));

        a = await app.CompletePartAsync(MunBExecutor, a, r.MunB, "Яма заделана 24 ноября.");
        a = await app.CompletePartAsync(MinInvestDispatcher, a, r.MinInvest, "Контроль качества ремонта проведён.");
        a = await app.ActAsync(MinInvestDispatcher, a, "assign", new { personId = r.IdOf(MinInvestExecutor) });
        a = await app.ActAsync(MinInvestExecutor, a, "start");
        a = await app.ActAsync(MinInvestExecutor, a, "answer", new { text = "Яма заделана 24 ноября, качество проверено.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(MinInvestExecutor, a, "answer/submit");
        a = await app.ActAsync(MinInvestController, a, "answer/approve");
        Assert.Equal(AppealStatus.AnswerSent, a.Status);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_overdue_part_goes_to_its_own_controller_once_even_with_two_sweeps(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        await app.CreateRuleAsync(new
        {
            name = "Ямы: город А с соисполнителями", conditions = new { topicIds = new[] { r.PotholeTopic } },
            actions = new { executorOrganisationId = r.MunA, coExecutorIds = new[] { r.MinInvest, r.MunB }, route = "several", partPolicy = "working-days:1" },
        });
        var a = await app.AppealInAsync(AppealStatus.Registered);
        a = await app.CompletePartAsync(MunBExecutor, a, r.MunB, "Техника выделена.");
        var due = a.Parts.Single(p => p.OrganisationId == r.MinInvest).DueAtUtc!.Value;
        Assert.Equal(Utc(11, 24, 18, 59, 59), due);

        Assert.Equal(0, await SweepAsync(app, due));
        app.Clock.SetUtcNow(new DateTimeOffset(due.AddMinutes(1)));
        var sent = await Task.WhenAll(SweepAsync(app, due.AddMinutes(1)), SweepAsync(app, due.AddMinutes(1)));
        Assert.Equal(1, sent.Sum());
        Assert.Equal(0, await SweepAsync(app, due.AddDays(3)));

        var notice = Assert.Single(await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Type == "deadline.part_escalated").ToListAsync()));
        Assert.Equal(a.Id, notice.AppealId);
        Assert.Contains($"\"organisationId\":\"{r.MinInvest}\"", notice.Payload);
        Assert.Contains("\"role\":\"controller\"", notice.Payload);
        var parts = await app.PartsAsync(a.Id);
        Assert.Equal([(r.MinInvest, (DateTime?)due.AddMinutes(1)), (r.MunB, null)], parts.OrderBy(p => p.OrganisationId).Select(p => (p.OrganisationId, p.EscalatedAtUtc)));
        Assert.Single(await app.EventsAsync(a.Id), e => e.Kind == EventKind.PartOverdue);
    }

    static async Task<int> SweepAsync(TestApp app, DateTime at)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await PartWatch.RunOnceAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), at, TestContext.Current.CancellationToken);
    }
}
