using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Roadmaps;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Roadmaps;

/// <summary>Complaints with roadmaps, driven over HTTP as the people of the test region would.</summary>
public static class RoadmapScenario
{
    /// <summary>A housing complaint (59-ФЗ) routed by the centre to municipality A and taken into work by its executor.</summary>
    public static async Task<AppealView> ComplaintInWorkAsync(this TestApp app, Persona applicant = Applicant)
    {
        var a = await app.SubmitAsync(Samples.Housing(app.Region), applicant);
        a = await app.ActAsync(CentreModerator, a, "route", new { organisationId = app.Region.MunA });
        a = await app.ActAsync(CentreModerator, a, "register");
        a = await app.ActAsync(MunADispatcher, a, "assign", new { personId = app.Region.IdOf(MunAExecutor) });
        return await app.ActAsync(MunAExecutor, a, "start");
    }

    public static async Task<HttpResponseMessage> RoadmapCallAsync(this TestApp app, Persona who, Guid appealId, string path, object body, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Post, $"/api/v1/appeals/{appealId}/{path}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(body, options: HttpExtensions.Options),
        };
        return await app.ClientAs(who).SendAsync(request);
    }

    /// <summary>A roadmap change that must succeed; the appeal's current version is filled in.</summary>
    public static async Task<RoadmapView> RoadmapAsync(this TestApp app, Persona who, Guid appealId, string path, object? fields = null, HttpMethod? method = null)
    {
        var body = await WithVersionAsync(app, appealId, fields);
        var response = await app.RoadmapCallAsync(who, appealId, path, body, method);
        if (response.StatusCode != HttpStatusCode.OK)
            Assert.Fail($"{who} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<RoadmapView>();
    }

    public static async Task<Dictionary<string, object?>> WithVersionAsync(TestApp app, Guid appealId, object? fields)
    {
        var version = await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == appealId).Select(a => a.Version).SingleAsync());
        var body = new Dictionary<string, object?> { ["version"] = version };
        foreach (var p in fields?.GetType().GetProperties() ?? []) body[char.ToLowerInvariant(p.Name[0]) + p.Name[1..]] = p.GetValue(fields);
        return body;
    }

    /// <summary>A complaint in work with an approved roadmap of one step owned by municipality A, due in two working days.</summary>
    public static async Task<(AppealView Complaint, StepView Step)> ApprovedRoadmapAsync(this TestApp app, string policy = "working-days:2")
    {
        var a = await app.ComplaintInWorkAsync();
        var map = await app.RoadmapAsync(MunAExecutor, a.Id, "roadmap/steps",
            new { title = "Выйти на объект с подрядчиком и составить акт", ownerOrganisationId = app.Region.MunA, policy });
        map = await app.RoadmapAsync(MunAController, a.Id, "roadmap/approve");
        return (a, map.Steps.Single());
    }

    public static readonly string[] NoticeTypes = ["roadmap.step_at_risk", "roadmap.step_overdue", "roadmap.step_escalated"];

    public sealed record StepNoticeRow(Guid AppealId, Guid StepId, string Type, string Level, string Role, Guid OrganisationId);

    public static async Task<List<StepNoticeRow>> StepNoticesAsync(this TestApp app, Guid? appealId = null)
    {
        var rows = await app.WithDbAsync(db => db.Outbox.AsNoTracking()
            .Where(m => NoticeTypes.Contains(m.Type) && (appealId == null || m.AppealId == appealId)).OrderBy(m => m.CreatedAtUtc).ToListAsync());
        return [.. rows.Select(m =>
        {
            var p = JsonDocument.Parse(m.Payload).RootElement;
            return new StepNoticeRow(m.AppealId!.Value, p.GetProperty("stepId").GetGuid(), m.Type, p.GetProperty("level").GetString()!,
                p.GetProperty("role").GetString()!, p.GetProperty("organisationId").GetGuid());
        })];
    }

    public static async Task<RoadmapWatch.Result> RoadmapSweepAsync(this TestApp app, DateTime at)
    {
        if (app.Clock.GetUtcNow().UtcDateTime < at) app.Clock.SetUtcNow(new DateTimeOffset(at));
        await using var scope = app.Services.CreateAsyncScope();
        return await RoadmapWatch.RunOnceAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(),
            scope.ServiceProvider.GetRequiredService<DeadlineClocks>(), at, TestContext.Current.CancellationToken);
    }
}
