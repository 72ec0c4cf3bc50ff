using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Workspace;

/// <summary>
/// Bulk actions over <c>POST /api/v1/appeals/bulk</c> on both engines: each appeal goes through its own rules, duty and
/// version check in its own transaction; the result names every refused appeal and why; a wrong request changes nothing.
/// </summary>
public sealed class BulkActionsTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Bulk = "/api/v1/appeals/bulk";

    static object Item(AppealView a) => new { id = a.Id, version = a.Version };

    sealed record Result(string Action, string? TargetNumber, List<Done> Done, List<Refusal> Refused);
    sealed record Done(Guid Id, string Number);
    sealed record Refusal(Guid Id, string? Number, int Status, string Reason);

    static async Task<Result> RunAsync(TestApp app, Persona who, object body) =>
        await (await app.ClientAs(who).PostJsonAsync(Bulk, body).Expect(HttpStatusCode.OK)).ReadAsync<Result>();

    static Task<Appeal> StoredAsync(TestApp app, Guid id) => app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == id));

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_dispatcher_assigns_a_selection_and_a_stale_or_foreign_appeal_is_refused_with_its_reason(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var one = await app.AppealInAsync(AppealStatus.Registered);
        var two = await app.AppealInAsync(AppealStatus.Registered);
        var stale = await app.AppealInAsync(AppealStatus.Registered);
        var foreign = await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideB));
        // Someone else changes it after the list was read: the version the dispatcher saw is old.
        await app.ActAsync(MunADispatcher, stale, "assign", new { personId = r.IdOf(MunAExecutor) });

        var result = await RunAsync(app, MunADispatcher, new
        {
            action = "assign", personId = r.IdOf(MunAExecutor), items = new[] { Item(one), Item(two), Item(stale), Item(foreign) },
        });

        Assert.Equal([one.Number, two.Number], result.Done.Select(d => d.Number));
        var refusedStale = Assert.Single(result.Refused, f => f.Id == stale.Id);
        Assert.Equal((409, stale.Number), (refusedStale.Status, refusedStale.Number));
        Assert.Contains("изменилось", refusedStale.Reason);
        // Municipality A does not see B's appeal: refused as not found, its number not revealed.
        var refusedForeign = Assert.Single(result.Refused, f => f.Id == foreign.Id);
        Assert.Equal((404, (string?)null), (refusedForeign.Status, refusedForeign.Number));

        foreach (var a in new[] { one, two })
        {
            var stored = await StoredAsync(app, a.Id);
            Assert.Equal((AppealStatus.Assigned, r.IdOf(MunAExecutor), a.Version + 1), (stored.Status, stored.AssigneeId, stored.Version));
        }
        Assert.Equal(AppealStatus.Registered, (await StoredAsync(app, foreign.Id)).Status);
        Assert.Equal(2, await app.WithDbAsync(db => db.Outbox.CountAsync(m => (m.AppealId == one.Id || m.AppealId == two.Id) && m.Type == "appeal.assigned")));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_moderator_merges_duplicates_into_the_earliest_and_tags_and_routes_each_by_its_own_rules(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var first = await app.AppealInAsync(AppealStatus.Moderation);
        var second = await app.AppealInAsync(AppealStatus.Moderation);
        var third = await app.AppealInAsync(AppealStatus.Moderation);
        var registered = await app.AppealInAsync(AppealStatus.Registered);

        // Tag: the registered one too (any appeal still handled); the same tag twice is refused.
        var tagged = await RunAsync(app, CentreModerator, new { action = "tag", tag = "ливень 5 декабря", items = new[] { Item(first), Item(registered) } });
        Assert.Equal(2, tagged.Done.Count);
        first = await app.GetAsync(first.Id);
        var again = await RunAsync(app, CentreModerator, new { action = "tag", tag = "ливень 5 декабря", items = new[] { Item(first) } });
        Assert.Contains("уже есть метка", Assert.Single(again.Refused).Reason);
        Assert.True((await StoredAsync(app, first.Id)).HasTag("ливень 5 декабря"));
        Assert.Equal(EventKind.Tagged, await app.WithDbAsync(db => db.AppealEvents.Where(e => e.AppealId == first.Id).OrderByDescending(e => e.Sequence).Select(e => e.Kind).FirstAsync()));

        // The executor organisation, set by the moderator before registration.
        second = await app.GetAsync(second.Id);
        var routed = await RunAsync(app, CentreModerator, new { action = "setExecutor", organisationId = r.MunB, items = new[] { Item(second) } });
        Assert.Single(routed.Done);
        Assert.Equal(r.MunB, (await StoredAsync(app, second.Id)).ExecutorOrganisationId);

        // Merge: the earliest received is the main one; a registered appeal cannot be merged.
        first = await app.GetAsync(first.Id);
        second = await app.GetAsync(second.Id);
        registered = await app.GetAsync(registered.Id);
        var merged = await RunAsync(app, CentreModerator, new { action = "merge", items = new[] { Item(third), Item(second), Item(first), Item(registered) } });
        Assert.Equal(first.Number, merged.TargetNumber);
        Assert.Equal([third.Number, second.Number], merged.Done.Select(d => d.Number));
        var refused = Assert.Single(merged.Refused);
        Assert.Equal((registered.Id, 409), (refused.Id, refused.Status));
        Assert.Contains("Объединить можно только обращение на модерации", refused.Reason);
        foreach (var dup in new[] { second, third })
            Assert.Equal((AppealStatus.Merged, (Guid?)first.Id), ((await StoredAsync(app, dup.Id)).Status, (await StoredAsync(app, dup.Id)).MergedIntoId));
        Assert.Equal(AppealStatus.Moderation, (await StoredAsync(app, first.Id)).Status);
        Assert.Equal(2, await app.WithDbAsync(db => db.AppealEvents.CountAsync(e => e.AppealId == first.Id && e.Kind == EventKind.DuplicateMerged)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_wrong_request_is_refused_whole_and_changes_nothing_and_the_export_holds_only_what_the_caller_sees(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.AppealInAsync(AppealStatus.Moderation);
        var foreign = await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideB));
        var moderator = app.ClientAs(CentreModerator);

        var noTarget = await moderator.PostJsonAsync(Bulk, new { action = "closeAsDuplicate", items = new[] { Item(a) } })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "field.required");
        Assert.True(noTarget.GetProperty("errors").TryGetProperty("targetNumber", out _));
        await moderator.PostJsonAsync(Bulk, new { action = "closeAsDuplicate", targetNumber = "2026-999999", items = new[] { Item(a) } })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "moderation.unknown_target");
        var empty = await moderator.PostJsonAsync(Bulk, new { action = "tag", tag = "x", items = Array.Empty<object>() })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "bulk.empty");
        Assert.True(empty.GetProperty("errors").TryGetProperty("items", out _));
        var noVersion = await moderator.PostJsonAsync(Bulk, new { action = "tag", tag = "x", items = new[] { new { id = a.Id } } })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "bulk.item");
        Assert.Equal(a.Version, (await StoredAsync(app, a.Id)).Version);
        await app.ClientAs(Applicant).PostJsonAsync(Bulk, new { action = "tag", tag = "x", items = new[] { Item(a) } }).Expect(HttpStatusCode.Forbidden);

        // The export: a CSV of the selection, without the appeal municipality A cannot see.
        var mine = await app.AppealInAsync(AppealStatus.InWork);
        var csv = await app.ClientAs(MunADispatcher).PostJsonAsync(Bulk, new { action = "export", items = new[] { Item(mine), Item(foreign) } })
            .Expect(HttpStatusCode.OK);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(mine.Number + ";", lines[1]);
    }
}
