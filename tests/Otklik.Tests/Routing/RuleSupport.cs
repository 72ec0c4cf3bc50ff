using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Routing;

static class RuleSupport
{
    public const string Rules = "/api/v1/routing/rules";

    /// <summary>Writes a rule as the region's administrator; returns its id.</summary>
    public static async Task<Guid> CreateRuleAsync(this TestApp app, object body)
    {
        var response = await app.ClientAs(Persona.RegionAdmin).PostJsonAsync(Rules, body);
        if (response.StatusCode != HttpStatusCode.Created)
            Assert.Fail($"Rule not created: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static Task<List<AppealEvent>> EventsAsync(this TestApp app, Guid appealId) =>
        app.WithDbAsync(db => db.AppealEvents.AsNoTracking().Where(e => e.AppealId == appealId).OrderBy(e => e.Sequence).ToListAsync());

    public static Task<List<AppealPart>> PartsAsync(this TestApp app, Guid appealId) =>
        app.WithDbAsync(db => db.AppealParts.AsNoTracking().Where(p => p.AppealId == appealId).OrderBy(p => p.Stage).ThenBy(p => p.CreatedAtUtc).ToListAsync());

    public static Task<Appeal> AppealAsync(this TestApp app, Guid id) =>
        app.WithDbAsync(db => db.Appeals.AsNoTracking().Include(a => a.Parts).SingleAsync(a => a.Id == id));

    /// <summary>Completes the part of <paramref name="organisation"/> as <paramref name="who"/>.</summary>
    public static async Task<AppealView> CompletePartAsync(this TestApp app, Persona who, AppealView a, Guid organisation, string result)
    {
        var part = a.Parts.Single(p => p.OrganisationId == organisation);
        return await app.ActAsync(who, a, $"co-executors/{part.Id}/complete", new { result });
    }

    public static Guid RuleIdOf(AppealEvent e) =>
        JsonDocument.Parse(e.Data!).RootElement.GetProperty("rule").GetProperty("id").GetGuid();
}
