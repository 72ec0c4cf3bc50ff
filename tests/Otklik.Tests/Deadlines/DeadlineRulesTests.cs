using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Deadlines.WatchChecks;

namespace Otklik.Tests.Deadlines;

/// <summary>The deadline policies as administrators see and edit them, and what they do to new and open appeals.</summary>
public sealed class DeadlineRulesTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Api = "/api/v1/deadline-rules";
    static readonly DateTime Start = TestApp.Start.UtcDateTime;

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_defaults_of_the_seeds_and_the_law_are_listed_to_anyone(Engine engine)
    {
        var app = await pool.For(engine);
        var rules = await app.Anonymous().GetListAsync<CalendarApi.DeadlineRuleView>(Api);
        var table = rules.Where(r => r.TopicId is null).Select(r => (r.Stage, r.Regime, r.Kind, r.HighImportance, r.Policy)).ToHashSet();
        (DeadlineStage, LegalRegime?, AppealKind?, bool?, string)[] defaults =
        [
            (DeadlineStage.Moderation, null, null, null, "hours:48"),
            (DeadlineStage.Moderation, LegalRegime.SocialIncident, null, null, "hours:1"),
            (DeadlineStage.Registration, LegalRegime.Obrashchenie59, null, null, "calendar-days:3"),
            (DeadlineStage.Clarification, null, null, null, "calendar-days:3"),
            (DeadlineStage.Redirect, LegalRegime.Obrashchenie59, null, null, "calendar-days:7"),
            (DeadlineStage.Answer, LegalRegime.Obrashchenie59, null, null, "calendar-days:30"),
            (DeadlineStage.Answer, LegalRegime.PlatformMessage, null, null, "calendar-days:10"),
            (DeadlineStage.Answer, LegalRegime.SocialIncident, null, null, "hours:24"),
            (DeadlineStage.Answer, LegalRegime.SocialIncident, null, true, "hours:4"),
            (DeadlineStage.Answer, LegalRegime.BusinessConsultation, AppealKind.SimpleConsultation, null, "working-days:1"),
            (DeadlineStage.Contact, LegalRegime.BusinessConsultation, AppealKind.ComplexConsultation, null, "same-day-cutoff:16:00"),
            (DeadlineStage.Answer, LegalRegime.BusinessConsultation, AppealKind.ComplexConsultation, null, "working-days:2"),
        ];
        var missing = defaults.Where(d => !table.Contains(d)).ToList();
        Assert.True(missing.Count == 0, "Missing defaults: " + string.Join(", ", missing));
        Assert.All(rules, r => Assert.False(string.IsNullOrWhiteSpace(r.Note)));
        // Every listed policy is one the calculator understands.
        Assert.All(rules, r => Assert.True(DeadlinePolicy.TryParse(r.Policy, out _, out _), r.Policy));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_topic_rule_applies_to_new_appeals_of_the_topic_and_recounts_the_open_ones(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        var open = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        var pothole = await app.AppealInAsync(AppealStatus.InWork);
        Assert.Equal(("working-days:2", new DateOnly(2026, 11, 25)), (open.AnswerPolicy, open.AnswerDueDate!.Value));

        var created = await admin.PostJsonAsync(Api, new
        {
            stage = "answer", regime = "businessConsultation", topicId = r.SubsidyTopic, policy = " Working-Days:3 ",
            note = "Субсидия «Модернизация»: 3 рабочих дня — нужна проверка документов",
        }).Expect(HttpStatusCode.Created);
        var rule = await created.ReadAsync<CalendarApi.DeadlineRuleView>();
        Assert.Equal(("working-days:3", r.SubsidyTopic, DeadlineStage.Answer), (rule.Policy, rule.TopicId, rule.Stage));   // written the canonical way
        Assert.Equal($"/api/v1/deadline-rules/{rule.Id}", created.Headers.Location?.OriginalString);
        Assert.Contains(await app.Anonymous().GetListAsync<CalendarApi.DeadlineRuleView>(Api), x => x.Id == rule.Id && x.Policy == "working-days:3");

        // The open consultation is counted again: Tuesday, Wednesday, Thursday 26 November.
        var recounted = await app.GetAsync(open.Id);
        Assert.Equal(("working-days:3", new DateOnly(2026, 11, 26), Utc(2026, 11, 26, 18, 59, 59)),
            (recounted.AnswerPolicy, recounted.AnswerDueDate!.Value, recounted.DueAtUtc));
        var untouched = await app.GetAsync(pothole.Id);
        Assert.Equal((pothole.AnswerPolicy, pothole.DueAtUtc), (untouched.AnswerPolicy, untouched.DueAtUtc));

        // A new appeal of the topic gets it once registered (the answer's clock starts at registration).
        var fresh = await app.SubmitAsync(Samples.Subsidy(r));
        Assert.Null(fresh.AnswerPolicy);
        fresh = await app.ActAsync(Persona.CentreModerator, fresh, "register");
        Assert.Equal(("working-days:3", new DateOnly(2026, 11, 26)), (fresh.AnswerPolicy, fresh.AnswerDueDate!.Value));
        Assert.Equal("working-days:3", (await app.StoredAsync(fresh.Id)).AnswerPolicy);

        // Changing the rule recounts again; deleting it returns the appeals to the rule of their kind.
        await admin.PutJsonAsync($"{Api}/{rule.Id}", new { stage = "answer", regime = "businessConsultation", topicId = r.SubsidyTopic, policy = "working-days:4" })
            .Expect(HttpStatusCode.OK);
        Assert.Equal(("working-days:4", new DateOnly(2026, 11, 27)), ((await app.StoredAsync(open.Id)).AnswerPolicy, (await app.StoredAsync(open.Id)).AnswerDueDate!.Value));
        await admin.DeleteAsync($"{Api}/{rule.Id}").Expect(HttpStatusCode.NoContent);
        var back = await app.StoredAsync(open.Id);
        Assert.Equal(("working-days:2", new DateOnly(2026, 11, 25), open.DueAtUtc), (back.AnswerPolicy, back.AnswerDueDate!.Value, back.DueAtUtc));
        await admin.DeleteAsync($"{Api}/{rule.Id}").ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await admin.PutJsonAsync($"{Api}/{rule.Id}", new { stage = "answer", policy = "working-days:4" }).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_bad_or_duplicate_rule_is_a_422_and_only_a_region_administrator_may_change_rules(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        var count = await app.WithDbAsync(db => db.DeadlineRules.CountAsync());

        (object Body, string Field, string Code)[] bad =
        [
            (new { stage = "answer", topicId = r.SubsidyTopic, policy = "fortnight:1" }, "policy", "deadline.policy"),
            (new { stage = "answer", topicId = r.SubsidyTopic, policy = "working-days:0" }, "policy", "deadline.policy"),
            (new { stage = "answer", topicId = r.SubsidyTopic, policy = "" }, "policy", "field.required"),
            (new { topicId = r.SubsidyTopic, policy = "working-days:3" }, "stage", "field.required"),
            (new { stage = "answer", topicId = Guid.NewGuid(), policy = "working-days:3" }, "topicId", "catalogue.unknown_topic"),
            // The same conditions as a default: change that one instead.
            (new { stage = "moderation", policy = "hours:24" }, "stage", "deadline.duplicate_rule"),
            (new { stage = "answer", regime = "socialIncident", highImportance = true, policy = "hours:2" }, "stage", "deadline.duplicate_rule"),
        ];
        foreach (var (body, field, code) in bad)
        {
            var problem = await admin.PostJsonAsync(Api, body).ExpectProblem(HttpStatusCode.UnprocessableEntity, code);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{code}: no error on {field}: {problem}");
        }

        // A rule of its own may not be edited into a duplicate of another either.
        var own = await (await admin.PostJsonAsync(Api, new { stage = "answer", topicId = r.SubsidyTopic, policy = "working-days:3" })
            .Expect(HttpStatusCode.Created)).ReadAsync<CalendarApi.DeadlineRuleView>();
        await admin.PostJsonAsync(Api, new { stage = "answer", topicId = r.SubsidyTopic, policy = "working-days:4" })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "deadline.duplicate_rule");
        await admin.PutJsonAsync($"{Api}/{own.Id}", new { stage = "moderation", policy = "hours:24" })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "deadline.duplicate_rule");

        var housing = new { stage = "answer", topicId = r.HousingTopic, policy = "calendar-days:15" };
        await app.Anonymous().PostJsonAsync(Api, housing).Expect(HttpStatusCode.Unauthorized);
        foreach (var who in new[] { Persona.MunBAdmin, Persona.CentreModerator, Persona.MunAController, Persona.Applicant })
        {
            await app.ClientAs(who).PostJsonAsync(Api, housing).ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
            await app.ClientAs(who).PutJsonAsync($"{Api}/{own.Id}", housing).ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
            await app.ClientAs(who).DeleteAsync($"{Api}/{own.Id}").ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        }
        Assert.Equal(count + 1, await app.WithDbAsync(db => db.DeadlineRules.CountAsync()));
        var stored = await app.WithDbAsync(db => db.DeadlineRules.AsNoTracking().SingleAsync(x => x.Id == own.Id));
        Assert.Equal((DeadlineStage.Answer, "working-days:3"), (stored.Stage, stored.Policy));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_social_incident_of_high_importance_gets_4_hours_instead_of_24(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var normal = await app.SubmitAsync(DeadlineWatchTests.SocialIncident(r), Persona.CentreOperator);
        var urgent = await app.SubmitAsync(DeadlineWatchTests.SocialIncident(r, priority: "high"), Persona.CentreOperator);
        Assert.Equal((AppealPriority.Normal, AppealPriority.High), (normal.Priority, urgent.Priority));
        Assert.Equal((ApplicantKind.Anonymous, LegalRegime.SocialIncident, Channel.SocialNetwork), (urgent.Applicant!.Kind, urgent.Regime, urgent.Channel));

        normal = await app.ActAsync(Persona.CentreModerator, normal, "register");
        urgent = await app.ActAsync(Persona.CentreModerator, urgent, "register");

        Assert.Equal(("hours:24", Start.AddHours(24), Start.AddHours(24)), (normal.AnswerPolicy, normal.AnswerDueAtUtc!.Value, normal.DueAtUtc));
        Assert.Equal(("hours:4", Start.AddHours(4), Start.AddHours(4)), (urgent.AnswerPolicy, urgent.AnswerDueAtUtc!.Value, urgent.DueAtUtc));
        Assert.Equal(Start.AddHours(3), urgent.AtRiskFromUtc);   // three quarters of the four hours
        var stored = await app.StoredAsync(urgent.Id);
        Assert.Equal(("hours:4", Start.AddHours(4), (DateTime?)Start.AddHours(3)), (stored.AnswerPolicy, stored.DueAtUtc, stored.NextWatchAtUtc));

        // The watch sees the urgent one at risk after three hours, overdue after four; the normal one is still on track.
        await app.SweepAsync(Start.AddHours(4).AddSeconds(1));
        Assert.Equal(["atRisk", "overdue"], (await app.NoticesAsync(urgent.Id)).Select(n => n.Level));
        Assert.Empty(await app.NoticesAsync(normal.Id));
        var overdue = await (await app.ClientAs(Persona.MunADispatcher).GetAsync("/api/v1/appeals?overdue=true&regime=socialIncident").Expect(HttpStatusCode.OK))
            .ReadAsync<JsonElement>();
        Assert.Equal([urgent.Id], overdue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
    }
}
