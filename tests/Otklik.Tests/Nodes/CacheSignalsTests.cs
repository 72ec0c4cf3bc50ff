using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Net;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.Tests.Nodes;

/// <summary>
/// Issue 21 items 2 and 6: two app nodes on one PostgreSQL, each with its own caches; a change on node A is seen on
/// node B at once (LISTEN/NOTIFY, ADR 0031). PostgreSQL only: on SQLite there is one node by design (one file, one
/// writer), and its caches are told in-process. The test clock never moves, so no cache's time limit can hide a miss.
/// </summary>
public sealed class CacheSignalsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_role_revoked_on_node_A_is_refused_on_node_B_within_a_second_every_time()
    {
        await using var a = await TestApp.StartAsync(Engine.Postgres);
        await using var b = await a.SecondNodeAsync();
        var (person, onA) = await Api.ExecutionTests.NewStaffAsync(a, Role.Administrator, a.Region.MunB);
        var onB = b.ClientWithKey(onA.DefaultRequestHeaders.Authorization!.Parameter!);
        var region = a.ClientAs(Persona.RegionAdmin);
        // Node B has the administrator's roles in its cache.
        await onB.GetAsync("/api/v1/people").Expect(HttpStatusCode.OK);

        await region.PutJsonAsync($"/api/v1/people/{person}/roles", new[] { new { role = Role.Executor, organisationId = a.Region.MunB } }).Expect(HttpStatusCode.OK);
        var first = await SeenAsync(onB, HttpStatusCode.Forbidden);
        // Refused on B: creating a person there changes nothing.
        await onB.PostJsonAsync("/api/v1/people", new { email = $"x-{Guid.NewGuid():N}@test.example", lastName = "Лишний", firstName = "Пётр",
            roles = new[] { new { role = Role.Executor, organisationId = a.Region.MunB } } }).Expect(HttpStatusCode.Forbidden);

        // The figure: 200 changes on A (OTKLIK_SIGNAL_CHANGES for the 1,000), each timed until B answers by it.
        var changes = int.TryParse(Environment.GetEnvironmentVariable("OTKLIK_SIGNAL_CHANGES"), out var n) && n > 0 ? n : 200;
        var times = new List<double> { first.TotalMilliseconds };
        for (var i = 0; i < changes; i++)
        {
            var give = i % 2 == 0;
            await region.PutJsonAsync($"/api/v1/people/{person}/roles",
                new[] { new { role = give ? Role.Administrator : Role.Executor, organisationId = a.Region.MunB } }).Expect(HttpStatusCode.OK);
            times.Add((await SeenAsync(onB, give ? HttpStatusCode.OK : HttpStatusCode.Forbidden)).TotalMilliseconds);
        }
        times.Sort();
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "otklik-signal-latency.txt"), $"change on A seen on B: p50 {times[times.Count / 2]:0.0} ms, p99 {times[(int)(times.Count * 0.99)]:0.0} ms, max {times[^1]:0.0} ms over {times.Count}");
        output.WriteLine($"change on A seen on B: p50 {times[times.Count / 2]:0.0} ms, p99 {times[(int)(times.Count * 0.99)]:0.0} ms, max {times[^1]:0.0} ms over {times.Count}");
        Assert.True(times[^1] < 1000, $"slowest {times[^1]} ms");
    }

    /// <summary>Polls node B until it answers <paramref name="status"/>; the time from the change's answer on A.</summary>
    static async Task<TimeSpan> SeenAsync(HttpClient onB, HttpStatusCode status)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            using var response = await onB.GetAsync("/api/v1/people");
            if (response.StatusCode == status) return watch.Elapsed;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"node B still answers {(int)response.StatusCode} after a second");
        }
    }

    [Fact]
    public async Task A_page_masked_on_node_A_is_served_masked_by_node_B()
    {
        await using var a = await TestApp.StartAsync(Engine.Postgres);
        await using var b = await a.SecondNodeAsync();
        var appeal = await a.AppealInAsync(AppealStatus.Registered,
            PublicSupport.Published(a.Region, 0, "Сосед Сидорчук из квартиры 5 сливает отработанное масло во дворе дома 10 на улице Первой."));
        var anonymous = b.Anonymous();
        // Node B serves the page and the feed, and keeps them in its cache.
        Assert.Contains("Сидорчук", await anonymous.HtmlAsync($"/appeals/{appeal.Number}"));
        Assert.Contains("Сидорчук", await anonymous.HtmlAsync("/feed"));

        await a.ActAsync(Persona.CentreModerator, appeal, "public-text",
            new { text = "Сосед *** из квартиры *** сливает отработанное масло во дворе дома 10 на улице Первой." });

        var watch = Stopwatch.StartNew();
        foreach (var url in new[] { $"/appeals/{appeal.Number}", "/feed" })
            while (true)
            {
                var html = await anonymous.HtmlAsync(url);
                if (!html.Contains("Сидорчук", StringComparison.Ordinal)) { Assert.Contains("Сосед *** из квартиры ***", html); break; }
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"node B still serves {url} unmasked after a second");
            }
    }

    [Fact]
    public async Task A_deadline_rule_changed_on_node_A_is_used_by_the_next_intake_on_node_B()
    {
        await using var a = await TestApp.StartAsync(Engine.Postgres);
        await using var b = await a.SecondNodeAsync();
        var r = a.Region;
        // Node B takes an appeal in under the old rules, so it has them in its cache.
        var before = await b.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        Assert.NotEqual("working-hours:8", before.AnswerPolicy);

        await a.ClientAs(Persona.RegionAdmin).PostJsonAsync("/api/v1/deadline-rules",
            new { stage = "answer", regime = "businessConsultation", topicId = r.SubsidyTopic, policy = "working-hours:8" }).Expect(HttpStatusCode.Created);
        // The signal travels through PostgreSQL: B's next intakes are watched until one uses the new rule, for at most 5 s.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var after = await b.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        while (after.AnswerPolicy != "working-hours:8" && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
            after = await b.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        }
        Assert.Equal("working-hours:8", after.AnswerPolicy);
    }

    /// <summary>
    /// Issue 21 item 6, ADR 0046: an intake on node B that read the rules before node A's change reached it, and committed
    /// after A had recounted the open appeals, kept the old deadline for good. The rule is committed while B still holds
    /// the old one (its signal not yet there), B takes an appeal in under it, and then the signal comes: the follow-up
    /// recount of the node that changed the rules gives B's appeal the new deadline within seconds.
    /// </summary>
    [Fact]
    public async Task An_appeal_node_B_took_in_under_the_old_rule_gets_the_new_deadline_after_the_change_on_node_A()
    {
        await using var a = await TestApp.StartAsync(Engine.Postgres);
        await using var b = await a.SecondNodeAsync();
        var r = a.Region;
        await b.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        // Node A's change has committed; its signal has not reached node B yet.
        await a.WithDbAsync(async db =>
        {
            db.DeadlineRules.Add(new Otklik.Features.Deadlines.DeadlineRule { Id = Guid.CreateVersion7(), Stage = Otklik.Features.Deadlines.DeadlineStage.Answer,
                Regime = LegalRegime.BusinessConsultation, TopicId = r.SubsidyTopic, Policy = "working-hours:8" });
            await db.SaveChangesAsync();
        });
        var stale = await b.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        Assert.NotEqual("working-hours:8", stale.AnswerPolicy);

        // Now the signal (A publishes it after its commit, as every rule change does).
        a.Services.GetRequiredService<Otklik.Features.Deadlines.DeadlineClocks>().Invalidate();
        var watch = Stopwatch.StartNew();
        string? policy;
        do
        {
            await Task.Delay(100);
            policy = await a.WithDbAsync(db => db.Appeals.Where(x => x.Id == stale.Id).Select(x => x.AnswerPolicy).SingleAsync());
        } while (policy != "working-hours:8" && watch.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal("working-hours:8", policy);
        output.WriteLine($"recounted {watch.Elapsed.TotalSeconds:0.0} s after the signal");
    }
}
