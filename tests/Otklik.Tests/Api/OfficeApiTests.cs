using System.Net;
using System.Text.Json;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>The office screens' lookups as /api/v1 operations: likely duplicates and the queue counters, scoped as the pages are.</summary>
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
}
