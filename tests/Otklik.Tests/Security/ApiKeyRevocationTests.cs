using System.Net;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Security;

/// <summary>
/// Issue 21 item 6 and issue 16 item 13c: a revoked API key, and every key of a disabled person, is refused at once by
/// every node of the deployment — two app nodes on one database, the key used on the node that did not revoke it.
/// </summary>
public sealed class ApiKeyRevocationTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_key_revoked_on_one_node_is_refused_at_once_by_the_other(Engine engine)
    {
        await using var a = await TestApp.StartAsync(engine);
        await using var b = await a.SecondNodeAsync();
        var admin = a.ClientAs(Persona.MunBAdmin);
        var (person, _) = await Api.ExecutionTests.NewStaffAsync(a, Role.Executor, a.Region.MunB);
        var key = await (await admin.PostJsonAsync($"/api/v1/people/{person}/api-keys", new { name = "Интеграция с СЭД" })
            .Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.ApiKeyView>();
        var onB = b.ClientWithKey(key.Secret);
        // Node B has seen the key work (so a per-node cache would now hold it).
        await onB.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK);
        await onB.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK);

        // Another administrator's scope does not reach the key: refused, and the key still works.
        await a.ClientAs(Persona.MinInvestDispatcher).DeleteAsync($"/api/v1/people/{person}/api-keys/{key.Id}").Expect(HttpStatusCode.Forbidden);
        await onB.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK);

        await admin.DeleteAsync($"/api/v1/people/{person}/api-keys/{key.Id}").Expect(HttpStatusCode.NoContent);

        // No time passes on the clock: node B refuses the very next request.
        await onB.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.Unauthorized);
        await a.ClientWithKey(key.Secret).GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.Unauthorized);
        var listed = await (await admin.GetAsync($"/api/v1/people/{person}/api-keys").Expect(HttpStatusCode.OK)).ReadAsync<DirectoryApi.ApiKeyInfo[]>();
        Assert.NotNull(Assert.Single(listed, k => k.Id == key.Id).RevokedAtUtc);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_person_disabled_on_one_node_loses_keys_and_sign_in_everywhere(Engine engine)
    {
        await using var a = await TestApp.StartAsync(engine);
        await using var b = await a.SecondNodeAsync();
        var (person, keyClientOnA) = await Api.ExecutionTests.NewStaffAsync(a, Role.Dispatcher, a.Region.MunB);
        var secret = keyClientOnA.DefaultRequestHeaders.Authorization!.Parameter!;
        var onB = b.ClientWithKey(secret);
        await onB.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK);

        // The municipal administrator cannot disable the region's administrator (above its scope); nothing changes.
        await a.ClientAs(Persona.MunBAdmin).PostJsonAsync($"/api/v1/people/{a.Region.IdOf(Persona.RegionAdmin)}/disable", new { }).Expect(HttpStatusCode.Forbidden);
        await b.ClientAs(Persona.RegionAdmin).GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK);

        await a.ClientAs(Persona.MunBAdmin).PostJsonAsync($"/api/v1/people/{person}/disable", new { }).Expect(HttpStatusCode.NoContent);

        await onB.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.Unauthorized);
        var people = await (await a.ClientAs(Persona.MunBAdmin).GetAsync("/api/v1/people").Expect(HttpStatusCode.OK)).ReadAsync<DirectoryApi.PersonView[]>();
        Assert.True(Assert.Single(people, p => p.Id == person).Disabled);
        // A new key for a disabled person is no way back in.
        var key = await (await a.ClientAs(Persona.MunBAdmin).PostJsonAsync($"/api/v1/people/{person}/api-keys", new { name = "Ещё один" })
            .Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.ApiKeyView>();
        await b.ClientWithKey(key.Secret).GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.Unauthorized);

        // Enabled again, a new key works; the revoked one stays revoked.
        await a.ClientAs(Persona.MunBAdmin).PostJsonAsync($"/api/v1/people/{person}/enable", new { }).Expect(HttpStatusCode.NoContent);
        await b.ClientWithKey(key.Secret).GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK);
        await onB.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.Unauthorized);
    }
}
