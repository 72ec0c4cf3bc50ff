using System.Net;
using System.Text.Json;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Api;

/// <summary>The office screens' lookups as /api/v1 operations: likely duplicates, the queue counters, the executor load and
/// the list export, scoped as the pages are.</summary>
public sealed class OfficeApiTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_moderator_gets_likely_duplicates_and_queue_counters_within_their_scope(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var first = await app.SubmitAsync(Samples.Pothole(r));
        var same = await app.SubmitAsync(Samples.Pothole(r, text: "Та же яма у дома 10 на Ленина, уже неделю никто не ремонтирует."));
        var elsewhere = await app.SubmitAsync(Samples.Pothole(r, at: TestRegion.InsideB, text: "Яма в городе Б у рынка, колёса бьются о края."));

        var moderator = app.ClientAs(Persona.CentreModerator);
        var found = await moderator.GetAsync($"/api/v1/appeals/{first.Id}/likely-duplicates");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var numbers = JsonDocument.Parse(await found.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
            .Select(d => d.GetProperty("number").GetString()).ToList();
        Assert.Contains(same.Number, numbers);
        Assert.DoesNotContain(elsewhere.Number, numbers);
        Assert.DoesNotContain(first.Number, numbers);
        // Municipality A does not see an appeal still in moderation: its existence is not revealed.
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientAs(Persona.MunADispatcher).GetAsync($"/api/v1/appeals/{first.Id}/likely-duplicates")).StatusCode);

        var counters = JsonDocument.Parse(await (await moderator.GetAsync("/api/v1/queues/counters")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, counters.GetProperty("Moderation").GetInt32());
        var munB = JsonDocument.Parse(await (await app.ClientAs(Persona.MunBDispatcher).GetAsync("/api/v1/queues/counters")).Content.ReadAsStringAsync()).RootElement;
        Assert.False(munB.TryGetProperty("Moderation", out var m) && m.GetInt32() > 0);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync("/api/v1/queues/counters")).StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_dispatcher_gets_the_executor_load_of_their_organisation_only(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var inWork = await app.AppealInAsync(Otklik.Features.Appeals.AppealStatus.InWork);
        await app.AppealInAsync(Otklik.Features.Appeals.AppealStatus.Registered);
        await app.AppealInAsync(Otklik.Features.Appeals.AppealStatus.Registered);
        Assert.Equal(r.MunA, inWork.ExecutorOrganisationId);

        var dispatcher = app.ClientAs(Persona.MunADispatcher);
        var load = JsonDocument.Parse(await (await dispatcher.GetAsync("/api/v1/executors/load").Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync()).RootElement;
        var org = Assert.Single(load.EnumerateArray());
        Assert.Equal(r.MunA, org.GetProperty("organisationId").GetGuid());
        Assert.Equal(2, org.GetProperty("waiting").GetInt32());
        // The page's select says «в работе: 1» beside the executor who took the appeal: the same figure.
        var executor = org.GetProperty("executors").EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == r.IdOf(Persona.MunAExecutor));
        Assert.Equal(1, executor.GetProperty("load").GetInt32());
        var page = await (await Office.SignInAsync(app, Persona.MunADispatcher)).HtmlAsync("/office/dispatch");
        Assert.Contains($"{executor.GetProperty("name").GetString()} — в работе: 1", page, StringComparison.Ordinal);

        // Another municipality's dispatcher sees only theirs; asking for municipality A is refused, and a non-dispatcher is refused.
        var munB = JsonDocument.Parse(await (await app.ClientAs(Persona.MunBDispatcher).GetAsync("/api/v1/executors/load").Expect(HttpStatusCode.OK))
            .Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(r.MunB, Assert.Single(munB.EnumerateArray()).GetProperty("organisationId").GetGuid());
        Assert.DoesNotContain(r.IdOf(Persona.MunAExecutor).ToString(), munB.GetRawText(), StringComparison.Ordinal);
        await app.ClientAs(Persona.MunBDispatcher).GetAsync($"/api/v1/executors/load?organisationId={r.MunA}").Expect(HttpStatusCode.Forbidden);
        await dispatcher.GetAsync($"/api/v1/executors/load?organisationId={r.MunA}").Expect(HttpStatusCode.OK);
        await app.ClientAs(Persona.MunAExecutor).GetAsync("/api/v1/executors/load").Expect(HttpStatusCode.Forbidden);
        await app.Anonymous().GetAsync("/api/v1/executors/load").Expect(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_list_export_answers_the_same_file_as_the_page_within_the_callers_scope(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var token = "метка" + Guid.NewGuid().ToString("N")[..8];
        var inA = await app.AppealInAsync(Otklik.Features.Appeals.AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideA, $"Яма во дворе ({token}), дом 3."));
        var inB = await app.AppealInAsync(Otklik.Features.Appeals.AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideB, $"Яма у рынка ({token}), дом 7."));
        var q = "q=" + Uri.EscapeDataString(token);

        var moderator = app.ClientAs(Persona.CentreModerator);
        var csv = await moderator.GetAsync($"/api/v1/appeals/export.csv?{q}").Expect(HttpStatusCode.OK);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".csv", csv.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.Equal(new[] { inA.Number, inB.Number }.ToHashSet(), Workspace.Csv.Numbers(await csv.Content.ReadAsByteArrayAsync()).ToHashSet());
        // The same filters as the page: a filter narrows the API's file exactly as it narrows the page's.
        var page = await Office.SignInAsync(app, Persona.CentreModerator);
        var narrowed = $"{q}&organisationId={r.MunB}&sort=due";
        Assert.Equal(Workspace.Csv.Numbers(await page.GetByteArrayAsync($"/office/appeals/export.csv?{narrowed}")),
            Workspace.Csv.Numbers(await moderator.GetByteArrayAsync($"/api/v1/appeals/export.csv?{narrowed}")));
        Assert.Equal([inB.Number], Workspace.Csv.Numbers(await moderator.GetByteArrayAsync($"/api/v1/appeals/export.csv?{narrowed}")));

        // Municipality B's executor gets only B's appeal, in the XLSX as in the CSV.
        var munB = app.ClientAs(Persona.MunBExecutor);
        var xlsx = await munB.GetAsync($"/api/v1/appeals/export.xlsx?{q}").Expect(HttpStatusCode.OK);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        Assert.Equal([inB.Number], Workspace.Xlsx.Read(await xlsx.Content.ReadAsByteArrayAsync()).Rows.Select(x => x[0]));

        // A wrong filter is a 400 naming it, before any file; an applicant and an anonymous caller are refused.
        var bad = await moderator.GetAsync("/api/v1/appeals/export.csv?rating=9").Expect(HttpStatusCode.BadRequest);
        Assert.Contains("rating", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await app.ClientAs(Persona.Applicant).GetAsync("/api/v1/appeals/export.csv").Expect(HttpStatusCode.Forbidden);
        await app.Anonymous().GetAsync("/api/v1/appeals/export.xlsx").Expect(HttpStatusCode.Unauthorized);
    }
}
