using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>
/// The escalation paths of the directory that a penetration test found (issue 14, items 2, 3 and 17): an administrator
/// widens its own scope by changing what its organisation is, grants a role it cannot hold, or the region is left with no
/// administrator. Each refusal is checked for its status, its ProblemDetails and for having stored nothing.
/// </summary>
public sealed class DirectoryEscalationTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Api = "/api/v1";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_municipal_administrator_cannot_make_its_organisation_the_centre_of_management(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var munBAdmin = app.ClientAs(Persona.MunBAdmin);
        var before = await OrganisationRowAsync(app, r.MunB);
        var munB = await ViewAsync(app, r.MunB);

        var problem = await munBAdmin.PutJsonAsync($"{Api}/organisations/{r.MunB}", Body(munB, kind: "centreOfManagement"))
            .ExpectProblem(HttpStatusCode.Forbidden, "directory.scope_change");
        Assert.True(problem.GetProperty("errors").TryGetProperty("kind", out _), problem.ToString());
        await munBAdmin.PutJsonAsync($"{Api}/organisations/{r.MunB}", Body(munB, sitsOnHq: true))
            .ExpectProblem(HttpStatusCode.Forbidden, "directory.scope_change");
        Assert.Equal(before, await OrganisationRowAsync(app, r.MunB));

        // New appeals of other territories still belong to the real centre.
        var a = await app.SubmitAsync(Samples.Pothole(r));
        Assert.Equal(r.Centre, (await app.StoredAsync(a.Id)).OwnerOrganisationId);

        // Nor can it make a centre (or a region) under itself.
        foreach (var kind in new[] { "centreOfManagement", "region" })
            await munBAdmin.PostJsonAsync($"{Api}/organisations", new { name = "Ещё один центр", kind, parentId = r.MunB })
                .ExpectProblem(HttpStatusCode.Forbidden, "directory.scope_change");
        await munBAdmin.PostJsonAsync($"{Api}/organisations", new { name = "Отдел в Штабе", kind = "department", parentId = r.MunB, sitsOnBusinessProtectionHq = true })
            .ExpectProblem(HttpStatusCode.Forbidden, "directory.scope_change");
        Assert.False(await app.WithDbAsync(db => db.Organisations.AnyAsync(o => o.Name == "Ещё один центр" || o.Name == "Отдел в Штабе")));

        // The harmless fields stay its own to edit.
        var renamed = await (await munBAdmin.PutJsonAsync($"{Api}/organisations/{r.MunB}", Body(munB, name: "Администрация городского округа Б"))
            .Expect(HttpStatusCode.OK)).ReadAsync<DirectoryApi.OrganisationView>();
        Assert.Equal(("Администрация городского округа Б", OrganisationKind.Municipality, false),
            (renamed.Name, renamed.Kind, renamed.SitsOnBusinessProtectionHq));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_region_has_one_centre_of_management_unless_its_administrator_says_otherwise(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        var office = await (await admin.PostJsonAsync($"{Api}/organisations", new { name = "Приёмная Правительства", kind = "department", parentId = r.Region })
            .Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.OrganisationView>();
        var before = await OrganisationRowAsync(app, office.Id);

        var problem = await admin.PutJsonAsync($"{Api}/organisations/{office.Id}", Body(office, kind: "centreOfManagement"))
            .ExpectProblem(HttpStatusCode.Conflict, "directory.second_centre");
        Assert.Contains("ЦУР", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await OrganisationRowAsync(app, office.Id));
        await admin.PostJsonAsync($"{Api}/organisations", new { name = "Второй центр", kind = "centreOfManagement", parentId = r.Region })
            .ExpectProblem(HttpStatusCode.Conflict, "directory.second_centre");
        Assert.False(await app.WithDbAsync(db => db.Organisations.AnyAsync(o => o.Name == "Второй центр")));

        // Said explicitly, a second (local) centre is the region administrator's decision.
        var centre = await (await admin.PutJsonAsync($"{Api}/organisations/{office.Id}", Body(office, kind: "centreOfManagement", additionalCentre: true))
            .Expect(HttpStatusCode.OK)).ReadAsync<DirectoryApi.OrganisationView>();
        Assert.Equal(OrganisationKind.CentreOfManagement, centre.Kind);
        // The region's own centre is still the one that owns new appeals (the nearest the root, then the first).
        var a = await app.SubmitAsync(Samples.Pothole(r));
        Assert.Equal(r.Centre, (await app.StoredAsync(a.Id)).OwnerOrganisationId);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Hq_membership_is_granted_only_by_the_region_administrator_to_people_of_organisations_on_the_hq(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        var munBAdmin = app.ClientAs(Persona.MunBAdmin);
        // An HQ body inside МО Б, so that the municipal administrator's scope reaches it: the refusal is about the role.
        var hqBody = await (await admin.PostJsonAsync($"{Api}/organisations", new
        {
            name = "Уполномоченный по защите бизнеса в городе Б", kind = "department", parentId = r.MunB, sitsOnBusinessProtectionHq = true,
        }).Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.OrganisationView>();
        var (people, roles) = await CountsAsync(app);

        // The exploit: a municipal administrator makes an HQ member, at its own organisation or at an HQ body in its scope.
        foreach (var at in new[] { r.MunB, hqBody.Id })
        {
            var problem = await munBAdmin.PostJsonAsync($"{Api}/people", Person(("hqMember", at))).ExpectProblem(HttpStatusCode.Forbidden, "directory.role_above_scope");
            Assert.True(problem.GetProperty("errors").TryGetProperty("roles[0].role", out _), problem.ToString());
        }
        var executor = await (await munBAdmin.PostJsonAsync($"{Api}/people", Person(("executor", r.MunB))).Expect(HttpStatusCode.Created))
            .ReadAsync<DirectoryApi.PersonView>();
        (people, roles) = (people + 1, roles + 1);
        await munBAdmin.PutJsonAsync($"{Api}/people/{executor.Id}/roles", Roles(("executor", r.MunB), ("hqMember", hqBody.Id)))
            .ExpectProblem(HttpStatusCode.Forbidden, "directory.role_above_scope");
        Assert.Equal((people, roles), await CountsAsync(app));

        // Even the region administrator gives it only at an organisation that sits on the HQ.
        var notOnHq = await admin.PostJsonAsync($"{Api}/people", Person(("hqMember", r.MunB))).ExpectProblem(HttpStatusCode.UnprocessableEntity, "directory.not_on_hq");
        Assert.True(notOnHq.GetProperty("errors").TryGetProperty("roles[0].organisationId", out _), notOnHq.ToString());
        await admin.PutJsonAsync($"{Api}/people/{executor.Id}/roles", Roles(("hqMember", r.MinInvest)))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "directory.not_on_hq");
        Assert.Equal((people, roles), await CountsAsync(app));

        await admin.PostJsonAsync($"{Api}/people", Person(("hqMember", r.Fns))).Expect(HttpStatusCode.Created);
        await admin.PutJsonAsync($"{Api}/people/{executor.Id}/roles", Roles(("executor", r.MunB), ("hqMember", hqBody.Id))).Expect(HttpStatusCode.OK);
        // Taking the membership back is the region administrator's too; the rest of the person stays the municipality's.
        await munBAdmin.PutJsonAsync($"{Api}/people/{executor.Id}/roles", Roles(("executor", r.MunB)))
            .ExpectProblem(HttpStatusCode.Forbidden, "directory.role_above_scope");
        await munBAdmin.PutJsonAsync($"{Api}/people/{executor.Id}/roles", Roles(("dispatcher", r.MunB), ("hqMember", hqBody.Id))).Expect(HttpStatusCode.OK);
        // Nor does it issue an API key that would act as the HQ member.
        var keys = await app.WithDbAsync(db => db.ApiKeys.CountAsync());
        await munBAdmin.PostJsonAsync($"{Api}/people/{executor.Id}/api-keys", new { name = "Интеграция" })
            .ExpectProblem(HttpStatusCode.Forbidden, "directory.role_above_scope");
        Assert.Equal(keys, await app.WithDbAsync(db => db.ApiKeys.CountAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_municipal_administrator_grants_roles_only_inside_its_own_scope(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var munBAdmin = app.ClientAs(Persona.MunBAdmin);
        var (people, roles) = await CountsAsync(app);

        foreach (var at in new[] { r.Region, r.Centre, r.MunA })
            await munBAdmin.PostJsonAsync($"{Api}/people", Person(("administrator", at))).ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        await munBAdmin.PutJsonAsync($"{Api}/people/{r.IdOf(Persona.MunBExecutor)}/roles", Roles(("executor", r.MunB), ("analyst", r.Region)))
            .ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        Assert.Equal((people, roles), await CountsAsync(app));

        var deputy = await (await munBAdmin.PostJsonAsync($"{Api}/people", Person(("administrator", r.MunB), ("analyst", r.MunB))).Expect(HttpStatusCode.Created))
            .ReadAsync<DirectoryApi.PersonView>();
        Assert.Equal(2, deputy.Roles.Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_last_region_administrator_keeps_the_role(Engine engine)
    {
        // Its own app: the test takes the seeded region administrator's role away in the end.
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        var self = r.IdOf(Persona.RegionAdmin);

        foreach (var roles in new[] { Roles(), Roles(("administrator", r.Centre)), Roles(("analyst", r.Region)) })
        {
            var problem = await admin.PutJsonAsync($"{Api}/people/{self}/roles", roles).ExpectProblem(HttpStatusCode.Conflict, "directory.last_region_administrator");
            Assert.Contains("последн", problem.GetProperty("detail").GetString());
        }
        await app.ClientAs(Persona.MunBAdmin).PutJsonAsync($"{Api}/people/{self}/roles", Roles()).ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        Assert.Equal([(Role.Administrator, (Guid?)r.Region)], await RolesOfAsync(app, self));
        // Keeping the role while taking another is fine.
        await admin.PutJsonAsync($"{Api}/people/{self}/roles", Roles(("administrator", r.Region), ("analyst", r.Region))).Expect(HttpStatusCode.OK);

        // With a second region administrator, either may step down; then the other is the last one again.
        var second = await (await admin.PostJsonAsync($"{Api}/people", Person(("administrator", r.Region))).Expect(HttpStatusCode.Created))
            .ReadAsync<DirectoryApi.PersonView>();
        var key = (await (await admin.PostJsonAsync($"{Api}/people/{second.Id}/api-keys", new { name = "Второй администратор" })
            .Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.ApiKeyView>()).Secret;
        await admin.PutJsonAsync($"{Api}/people/{self}/roles", Roles(("analyst", r.Region))).Expect(HttpStatusCode.OK);
        Assert.Equal([(Role.Analyst, (Guid?)r.Region)], await RolesOfAsync(app, self));
        await app.ClientWithKey(key).PutJsonAsync($"{Api}/people/{second.Id}/roles", Roles(("administrator", r.Centre)))
            .ExpectProblem(HttpStatusCode.Conflict, "directory.last_region_administrator");
        Assert.Equal([(Role.Administrator, (Guid?)r.Region)], await RolesOfAsync(app, second.Id));
    }

    // ---- Helpers ----

    static object Body(DirectoryApi.OrganisationView o, string? kind = null, string? name = null, bool? sitsOnHq = null, bool? additionalCentre = null) => new
    {
        version = o.Version, name = name ?? o.Name, shortName = o.ShortName, kind = kind ?? JsonNamingPolicy.CamelCase.ConvertName(o.Kind.ToString()),
        parentId = o.ParentId, timeZone = o.TimeZone, sitsOnBusinessProtectionHq = sitsOnHq, additionalCentre,
    };

    static async Task<DirectoryApi.OrganisationView> ViewAsync(TestApp app, Guid id) =>
        await (await app.Anonymous().GetAsync($"{Api}/organisations/{id}").Expect(HttpStatusCode.OK)).ReadAsync<DirectoryApi.OrganisationView>();

    static Task<string> OrganisationRowAsync(TestApp app, Guid id) => app.WithDbAsync(db => db.Organisations.AsNoTracking().Where(o => o.Id == id)
        .Select(o => new { o.Name, o.Kind, o.ParentId, o.Path, o.SitsOnBusinessProtectionHq, o.IsConnected, o.Version }).SingleAsync())
        .ContinueWith(t => t.Result.ToString()!, TaskScheduler.Default);

    static Task<(int People, int Roles)> CountsAsync(TestApp app) =>
        app.WithDbAsync(async db => (await db.Users.CountAsync(), await db.RoleAssignments.CountAsync()));

    static async Task<List<(Role, Guid?)>> RolesOfAsync(TestApp app, Guid person) =>
        [.. (await app.WithDbAsync(db => db.RoleAssignments.AsNoTracking().Where(x => x.PersonId == person).ToListAsync())).Select(x => (x.Role, x.OrganisationId))];

    static object Person(params (string Role, Guid Organisation)[] roles) => new
    {
        email = $"p{Guid.NewGuid():N}@test.example", lastName = "Захаров", firstName = "Илья", roles = Roles(roles),
    };

    static object[] Roles(params (string Role, Guid Organisation)[] roles) => [.. roles.Select(x => new { role = x.Role, organisationId = x.Organisation })];
}
