using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>What the database holds after a request, and requests that are expected to fail.</summary>
public static class FlowChecks
{
    public static Task<Appeal> StoredAsync(this TestApp app, Guid id) =>
        app.WithDbAsync(db => db.Appeals.AsNoTracking().Include(a => a.Parts).SingleAsync(a => a.Id == id));

    public static Task<List<AppealEvent>> EventsAsync(this TestApp app, Guid id) =>
        app.WithDbAsync(db => db.AppealEvents.AsNoTracking().Where(e => e.AppealId == id).OrderBy(e => e.Sequence).ToListAsync());

    public static async Task<List<EventKind>> EventKindsAsync(this TestApp app, Guid id) =>
        [.. (await app.EventsAsync(id)).Select(e => e.Kind)];

    /// <summary>The outbox messages written for an appeal: type and parsed payload.</summary>
    public static async Task<List<(string Type, JsonElement Payload)>> OutboxAsync(this TestApp app, Guid appealId)
    {
        var rows = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.AppealId == appealId).ToListAsync());
        return [.. rows.OrderBy(m => m.CreatedAtUtc).Select(m => (m.Type, JsonDocument.Parse(m.Payload).RootElement.Clone()))];
    }

    /// <summary>The one outbox message of this type for the appeal (fails when there is none or more than one).</summary>
    public static async Task<JsonElement> SingleOutboxAsync(this TestApp app, Guid appealId, string type)
    {
        var all = await app.OutboxAsync(appealId);
        var matching = all.Where(m => m.Type == type).ToList();
        Assert.True(matching.Count == 1, $"Expected one outbox message '{type}', found {matching.Count}; all: {string.Join(", ", all.Select(m => m.Type))}");
        return matching[0].Payload;
    }

    public static JsonElement DataOf(AppealEvent e) =>
        JsonDocument.Parse(e.Data ?? throw new InvalidOperationException($"Event {e.Kind} has no data.")).RootElement.Clone();

    /// <summary>Posts an action on the appeal with the version the caller saw; the response is returned as is.</summary>
    public static Task<HttpResponseMessage> TryActAsync(this TestApp app, Persona who, AppealView appeal, string action, object? body = null) =>
        app.ClientAs(who).TryActAsync(appeal, action, body);

    public static Task<HttpResponseMessage> TryActAsync(this HttpClient client, AppealView appeal, string action, object? body = null)
    {
        var payload = new Dictionary<string, object?> { ["version"] = appeal.Version };
        if (body is not null)
            foreach (var p in body.GetType().GetProperties()) payload[char.ToLowerInvariant(p.Name[0]) + p.Name[1..]] = p.GetValue(body);
        return client.PostJsonAsync($"/api/v1/appeals/{appeal.Id}/{action}", payload);
    }

    /// <summary>Like <see cref="Scenario.ActAsync"/>, for a client that is not one of the personas (a new key, a cookie).</summary>
    public static async Task<AppealView> ActAsync(this HttpClient client, AppealView appeal, string action, object? body = null)
    {
        var response = await client.TryActAsync(appeal, action, body).Expect(HttpStatusCode.OK);
        return await response.ReadAsync<AppealView>();
    }

    /// <summary>Asserts the status and the machine code of the ProblemDetails, and returns the problem.</summary>
    public static async Task<JsonElement> ExpectProblem(this Task<HttpResponseMessage> call, HttpStatusCode status, string code)
    {
        var response = await call.Expect(status);
        var problem = await response.ProblemAsync();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    public static async Task<List<T>> GetListAsync<T>(this HttpClient client, string url) =>
        await (await client.GetAsync(url).Expect(HttpStatusCode.OK)).ReadAsync<List<T>>();
}
