using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Routing;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Routing.RuleSupport;

namespace Otklik.Tests.Routing;

/// <summary>
/// Auto-rules through the API: written, versioned, reordered and switched; applied at intake (straight to registration)
/// with every decision in the history; tried over the last 30 days; and a complaint never routed to its respondent.
/// Each test has its own app: a rule routes every appeal of the app.
/// </summary>
public sealed class AutoRulesTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Rules_are_written_versioned_reordered_and_switched_by_the_region_administrator(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        var first = await app.CreateRuleAsync(new { name = "Ямы — в город Б", conditions = new { topicIds = new[] { r.PotholeTopic } },
            actions = new { executorOrganisationId = r.MunB } });
        var second = await app.CreateRuleAsync(new { name = "Метка ЖКХ", @continue = true, conditions = new { words = new[] { "Кровл" } },
            actions = new { tag = "кровля" } });

        var list = await (await admin.GetAsync(Rules).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal([(first, 1), (second, 2)], list.EnumerateArray().Select(x => (x.GetProperty("id").GetGuid(), x.GetProperty("position").GetInt32())));
        // Words are kept as lower-cased stems.
        Assert.Equal("кровл", list[1].GetProperty("conditions").GetProperty("words")[0].GetString());

        var update = new { version = 1, name = "Ямы — в город Б (уточнено)", conditions = new { topicIds = new[] { r.PotholeTopic } },
            actions = new { executorOrganisationId = r.MunB, priority = "high" } };
        var updated = await (await admin.PutJsonAsync($"{Rules}/{first}", update).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(2, updated.GetProperty("version").GetInt32());
        Assert.Equal("concurrency.stale_version", (await (await admin.PutJsonAsync($"{Rules}/{first}", update).Expect(HttpStatusCode.Conflict)).ProblemAsync())
            .GetProperty("code").GetString());

        var reordered = await (await admin.PostJsonAsync($"{Rules}/reorder", new { ids = new[] { second } }).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal([second, first], reordered.EnumerateArray().Select(x => x.GetProperty("id").GetGuid()));
        var secondVersion = reordered[0].GetProperty("version").GetInt32();
        var disabled = await (await admin.PostJsonAsync($"{Rules}/{second}/disable", new { version = secondVersion }).Expect(HttpStatusCode.OK))
            .ReadAsync<JsonElement>();
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        await admin.DeleteAsync($"{Rules}/{first}").Expect(HttpStatusCode.NoContent);
        await admin.GetAsync($"{Rules}/{first}").Expect(HttpStatusCode.NotFound);

        // Two creations, an update, a reorder, a switch and a deletion: six versions of the set.
        var stored = await app.WithDbAsync(async db => (await db.RoutingRuleSets.SingleAsync(), await db.RoutingRules.SingleAsync()));
        Assert.Equal(6, stored.Item1.Version);
        Assert.Equal((second, 1, false), (stored.Item2.Id, stored.Item2.Position, stored.Item2.Enabled));

        // Refused input: unknown references, an organisation outside the system, nothing to do, an incomplete route, a bad policy.
        async Task<string[]> Refused(object body)
        {
            var problem = await (await admin.PostJsonAsync(Rules, body).Expect(HttpStatusCode.UnprocessableEntity)).ProblemAsync();
            return [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name)];
        }
        Assert.Equal(["conditions.categoryIds"], await Refused(new { name = "x", conditions = new { categoryIds = new[] { Guid.NewGuid() } }, actions = new { tag = "x" } }));
        Assert.Equal(["actions.executorOrganisationId"], await Refused(new { name = "x", actions = new { executorOrganisationId = r.Fns } }));
        Assert.Equal(["actions"], await Refused(new { name = "x" }));
        Assert.Equal(["actions.coExecutorIds"], await Refused(new { name = "x", actions = new { executorOrganisationId = r.MunA, route = "several" } }));
        Assert.Equal(["actions.answerPolicy"], await Refused(new { name = "x", actions = new { answerPolicy = "завтра" } }));
        Assert.Equal(["name"], await Refused(new { name = " ", actions = new { tag = "x" } }));
        Assert.Equal(1, await app.WithDbAsync(db => db.RoutingRules.CountAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_rule_sends_an_appeal_straight_to_registration_and_the_history_names_each_rule(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var straight = await app.CreateRuleAsync(new
        {
            name = "Ямы с портала — сразу в город Б", @continue = true,
            conditions = new { topicIds = new[] { r.PotholeTopic }, channels = new[] { "portal" }, words = new[] { "ям" } },
            actions = new { executorOrganisationId = r.MunB, priority = "high", answerPolicy = "working-days:3", tag = "дороги", intake = "registration" },
        });
        var tagging = await app.CreateRuleAsync(new { name = "Обращения граждан", conditions = new { applicantKinds = new[] { "person" } },
            actions = new { tag = "граждане" } });

        var a = await app.SubmitAsync(Samples.Pothole(r));
        Assert.Equal((AppealStatus.Registered, r.MunB, AppealPriority.High, "working-days:3"), (a.Status, a.ExecutorOrganisationId!.Value, a.Priority, a.AnswerPolicy));
        Assert.Equal(["дороги", "граждане"], a.Tags!);
        // Working days in Yekaterinburg from Monday 23 November: Thursday 26th.
        Assert.Equal(new DateOnly(2026, 11, 26), a.AnswerDueDate);

        var events = await app.EventsAsync(a.Id);
        Assert.Equal([EventKind.Received, EventKind.RuleApplied, EventKind.RuleApplied, EventKind.Routed, EventKind.Registered], events.Select(e => e.Kind));
        Assert.Equal([straight, tagging], events.Where(e => e.Kind == EventKind.RuleApplied).Select(RuleIdOf));
        Assert.Contains("Автоправило «Ямы с портала — сразу в город Б» (версия 1)", events[1].Note);
        Assert.Contains("сразу на регистрацию", events[1].Note);
        Assert.Equal(straight, RuleIdOf(events[3]));
        Assert.Null(events[4].ActorId);
        Assert.True(await app.WithDbAsync(db => db.Outbox.AnyAsync(m => m.AppealId == a.Id && m.Type == "appeal.registered")));

        // The cache sees a change at once: the next appeal names the rule's new version.
        var admin = app.ClientAs(Persona.RegionAdmin);
        await admin.PostJsonAsync($"{Rules}/{straight}/disable", new { version = 1 }).Expect(HttpStatusCode.OK);
        var b = await app.SubmitAsync(Samples.Pothole(r));
        Assert.Equal((AppealStatus.Moderation, (Guid?)null), (b.Status, b.ExecutorOrganisationId));
        Assert.Equal(["граждане"], b.Tags!);
        await admin.PostJsonAsync($"{Rules}/{straight}/enable", new { version = 2 }).Expect(HttpStatusCode.OK);
        var c = await app.SubmitAsync(Samples.Pothole(r));
        Assert.Contains("(версия 3)", (await app.EventsAsync(c.Id)).First(e => e.Kind == EventKind.RuleApplied).Note);

        // A text without the stem is not the rule's: it waits for the moderator.
        var d = await app.SubmitAsync(Samples.Pothole(r, text: "Выбоина на проезжей части у дома 5, машины объезжают по встречной."));
        Assert.Equal(AppealStatus.Moderation, d.Status);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_complaint_is_never_routed_to_the_body_it_complains_about(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var rule = await app.CreateRuleAsync(new { name = "Капремонт — в МинЖКХ сразу", conditions = new { topicIds = new[] { r.HousingTopic } },
            actions = new { executorOrganisationId = r.MinHousing, intake = "registration" } });

        // The housing topic makes a complaint under 59-ФЗ; this one is about the ministry of housing itself.
        var a = await app.SubmitAsync(Samples.Housing(r).With("respondentOrganisationId", r.MinHousing));
        Assert.Equal((AppealStatus.Moderation, (Guid?)null, r.MinHousing, AppealKind.Complaint),
            (a.Status, a.ExecutorOrganisationId, a.RespondentOrganisationId!.Value, a.Kind));
        var events = await app.EventsAsync(a.Id);
        var refused = Assert.Single(events, e => e.Kind == EventKind.RouteRefused);
        Assert.Equal(rule, RuleIdOf(refused));
        Assert.Contains("59-ФЗ ст. 8 ч. 6", refused.Note);
        Assert.Contains("на модерацию", events.Single(e => e.Kind == EventKind.RuleApplied).Note);

        // The moderator is told why there is no proposal; the topic's own route (the same ministry) is refused too.
        var moderator = app.ClientAs(Persona.CentreModerator);
        var proposal = await (await moderator.GetAsync($"/api/v1/appeals/{a.Id}/proposed-route").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, proposal.GetProperty("organisationId").ValueKind);
        Assert.Contains("59-ФЗ ст. 8 ч. 6", proposal.GetProperty("why").GetString());
        var noExecutor = await moderator.PostJsonAsync($"/api/v1/appeals/{a.Id}/register", new { version = a.Version }).Expect(HttpStatusCode.Conflict);
        Assert.Equal("moderation.no_executor", (await noExecutor.ProblemAsync()).GetProperty("code").GetString());
        var toRespondent = await moderator.PostJsonAsync($"/api/v1/appeals/{a.Id}/register", new { version = a.Version, organisationId = r.MinHousing })
            .Expect(HttpStatusCode.Conflict);
        Assert.Equal("routing.respondent", (await toRespondent.ProblemAsync()).GetProperty("code").GetString());
        await moderator.PostJsonAsync($"/api/v1/appeals/{a.Id}/route", new { version = a.Version, organisationId = r.MinHousing }).Expect(HttpStatusCode.Conflict);

        var registered = await app.ActAsync(Persona.CentreModerator, a, "register", new { organisationId = r.MunA });
        Assert.Equal((AppealStatus.Registered, r.MunA), (registered.Status, registered.ExecutorOrganisationId!.Value));
        // Nor may it be redirected or handed out as a part to the respondent later.
        var inWork = await app.ActAsync(Persona.MunAExecutor, await app.ActAsync(Persona.MunADispatcher, registered, "assign",
            new { personId = r.IdOf(Persona.MunAExecutor) }), "start");
        await app.ClientAs(Persona.MunAExecutor).PostJsonAsync($"/api/v1/appeals/{a.Id}/redirect",
            new { version = inWork.Version, organisationId = r.MinHousing, reason = "По компетенции" }).Expect(HttpStatusCode.Conflict);
        await app.ClientAs(Persona.MunAExecutor).PostJsonAsync($"/api/v1/appeals/{a.Id}/co-executors",
            new { version = inWork.Version, organisationId = r.MinHousing, task = "Дайте пояснения" }).Expect(HttpStatusCode.Conflict);
        Assert.Equal(r.MunA, (await app.AppealAsync(a.Id)).ExecutorOrganisationId);

        // A respondent is named only for a complaint.
        var wrong = await app.ClientAs(Persona.Applicant).PostJsonAsync("/api/v1/appeals", Samples.Subsidy(r).With("respondentOrganisationId", r.MinInvest))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.True((await wrong.ProblemAsync()).GetProperty("errors").TryGetProperty("respondentOrganisationId", out _));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Trying_a_rule_counts_the_last_30_days_and_groups_where_they_actually_went(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var old = await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideB));        // to МО Б, 40 days ago
        app.Clock.Advance(TimeSpan.FromDays(40));
        await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideA));                  // to МО А
        await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideA));                  // to МО А
        await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideB));                  // to МО Б
        await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB));                                             // still in moderation
        await app.AppealInAsync(AppealStatus.Registered, Samples.Subsidy(r));                                      // not a pothole

        var tried = await (await app.ClientAs(Persona.RegionAdmin).PostJsonAsync($"{Rules}/try",
            new { conditions = new { topicIds = new[] { r.PotholeTopic } }, actions = new { executorOrganisationId = r.MinHousing } })
            .Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal((30, 5, 4, 0), (tried.GetProperty("days").GetInt32(), tried.GetProperty("scanned").GetInt32(), tried.GetProperty("matched").GetInt32(),
            tried.GetProperty("refused").GetInt32()));
        var groups = tried.GetProperty("wentTo").EnumerateArray().Select(g => (
            g.GetProperty("organisationId").ValueKind == JsonValueKind.Null ? (Guid?)null : g.GetProperty("organisationId").GetGuid(),
            g.GetProperty("count").GetInt32())).ToList();
        Assert.Equal([((Guid?)r.MunA, 2), (r.MunB, 1), (null, 1)], groups);
        Assert.DoesNotContain(old.Number, tried.GetProperty("examples").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Министерство ЖКХ", tried.GetProperty("wouldGoToName").GetString());
        // Trying saves nothing.
        Assert.Equal(0, await app.WithDbAsync(db => db.RoutingRules.CountAsync()));
    }
}
