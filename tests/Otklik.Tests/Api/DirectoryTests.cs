using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Identity;
using Otklik.Features.Moderation;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>The directory (organisations, people, territories) and the catalogue (categories, topics, routes) as administrators keep them.</summary>
public sealed class DirectoryTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_organisation_tree_is_listed_and_the_region_administrator_adds_a_ministry(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;

        var tree = await app.Anonymous().GetListAsync<DirectoryApi.OrganisationView>("/api/v1/organisations");
        var byId = tree.ToDictionary(o => o.Id);
        Assert.Null(byId[r.Region].ParentId);
        Assert.Equal(r.MinInvest, byId[r.MinInvestDepartment].ParentId);
        Assert.Equal(r.Region, byId[r.MunB].ParentId);
        Assert.False(byId[r.Fns].IsConnected);
        Assert.True(byId[r.Fns].SitsOnBusinessProtectionHq);
        Assert.Equal(OrganisationKind.CentreOfManagement, byId[r.Centre].Kind);
        // Listed as a tree: every organisation comes after its parent.
        Assert.All(tree.Where(o => o.ParentId is not null), o => Assert.True(tree.FindIndex(p => p.Id == o.ParentId) < tree.IndexOf(o)));
        var before = tree.Count;

        var created = await (await app.ClientAs(Persona.RegionAdmin).PostJsonAsync("/api/v1/organisations", new
        {
            name = "Министерство цифрового развития и связи", shortName = "Минцифры", kind = "ministry", parentId = r.Region,
            workdayStart = "08:30", workdayEnd = "17:30", breakStart = "12:30", breakEnd = "13:15", answersNeedApproval = false,
        }).Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.OrganisationView>();
        Assert.Equal(("Минцифры", r.Region, "Asia/Yekaterinburg", new TimeOnly(8, 30), false),
            (created.ShortName, created.ParentId!.Value, created.TimeZone, created.WorkdayStart, created.AnswersNeedApproval));

        var stored = await app.WithDbAsync(db => db.Organisations.AsNoTracking().SingleAsync(o => o.Id == created.Id));
        var regionPath = await app.WithDbAsync(db => db.Organisations.Where(o => o.Id == r.Region).Select(o => o.Path).SingleAsync());
        Assert.Equal($"{regionPath}{created.Id:N}/", stored.Path);
        Assert.Equal((new TimeOnly(17, 30), (TimeOnly?)new TimeOnly(12, 30), true), (stored.WorkdayEnd, stored.BreakStart, stored.IsConnected));

        var after = await app.Anonymous().GetListAsync<DirectoryApi.OrganisationView>("/api/v1/organisations");
        Assert.Equal(before + 1, after.Count);
        await app.Anonymous().GetAsync($"/api/v1/organisations/{created.Id}").Expect(HttpStatusCode.OK);

        // The new ministry is reachable by the region's administrator at once: a person can get a role there.
        var person = await (await app.ClientAs(Persona.RegionAdmin).PostJsonAsync("/api/v1/people", new
        {
            email = $"disp-{Guid.NewGuid():N}@mincifry.example", lastName = "Орлов", firstName = "Олег",
            roles = new[] { new { role = "dispatcher", organisationId = created.Id } },
        }).Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.PersonView>();
        Assert.Equal(created.Id, Assert.Single(person.Roles).OrganisationId);

        // A municipality's administrator cannot add to the region.
        await app.ClientAs(Persona.MunBAdmin).PostJsonAsync("/api/v1/organisations", new { name = "Ещё одно министерство", kind = "ministry", parentId = r.Region })
            .ExpectProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        Assert.Equal(before + 1, await app.WithDbAsync(db => db.Organisations.CountAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_administrator_adds_a_person_changes_the_roles_and_issues_an_api_key(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        var email = $"petrova-{Guid.NewGuid():N}@gorod-a.example";

        var person = await (await admin.PostJsonAsync("/api/v1/people", new
        {
            email, lastName = "Петрова", firstName = "Елена", middleName = "Викторовна", position = "Начальник отдела",
            roles = new[] { new { role = "dispatcher", organisationId = (Guid?)r.MunA }, new { role = "executor", organisationId = (Guid?)r.MunA } },
        }).Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.PersonView>();
        Assert.Equal("Петрова Елена Викторовна", person.FullName);
        var roles = await app.WithDbAsync(db => db.RoleAssignments.AsNoTracking().Where(x => x.PersonId == person.Id).Select(x => new { x.Role, x.OrganisationId }).ToListAsync());
        Assert.Equal([(Role.Dispatcher, r.MunA), (Role.Executor, r.MunA)], roles.Select(x => (x.Role, x.OrganisationId!.Value)).Order());

        var changed = await (await admin.PutJsonAsync($"/api/v1/people/{person.Id}/roles", new[] { new { role = "controller", organisationId = r.MunB } })
            .Expect(HttpStatusCode.OK)).ReadAsync<DirectoryApi.PersonView>();
        Assert.Equal(new DirectoryApi.RoleRequest(Role.Controller, r.MunB), Assert.Single(changed.Roles));
        var stored = await app.WithDbAsync(db => db.RoleAssignments.AsNoTracking().Where(x => x.PersonId == person.Id).ToListAsync());
        Assert.Equal((Role.Controller, (Guid?)r.MunB), (Assert.Single(stored).Role, stored[0].OrganisationId));

        var response = await admin.PostJsonAsync($"/api/v1/people/{person.Id}/api-keys", new { name = "Интеграция с системой 112" }).Expect(HttpStatusCode.Created);
        var key = await response.ReadAsync<DirectoryApi.ApiKeyView>();
        Assert.StartsWith("otk_", key.Secret);
        Assert.True(key.Secret.Length >= 30);
        Assert.Equal(key.Secret[..8], key.Prefix);
        // Only the hash is stored: the secret is shown this once and cannot be read back.
        var row = await app.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == key.Id));
        Assert.Equal((person.Id, "Интеграция с системой 112", ApiKeys.Hash(key.Secret)), (row.PersonId, row.Name, row.Hash));
        Assert.DoesNotContain(key.Secret, JsonSerializer.Serialize(row));

        var withKey = app.ClientWithKey(key.Secret);
        var me = await (await withKey.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK)).ReadAsync<AuthApi.MeView>();
        Assert.Equal((person.Id, email), (me.Id, me.Email));
        Assert.Equal((Role.Controller, (Guid?)r.MunB, "Город Б"), (Assert.Single(me.Roles).Role, me.Roles[0].OrganisationId, me.Roles[0].OrganisationName));

        // The key acts with the new roles: the controller of municipality B extends an appeal there.
        var a = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(r, TestRegion.InsideB));
        a = await withKey.ActAsync(a, "extend", new { days = 2, reason = "Нужен выезд комиссии" });
        Assert.Equal(1, a.ExtensionCount);
        Assert.Equal(person.Id, (await app.EventsAsync(a.Id))[^1].ActorId);
        // ...and no longer with the old ones.
        var munA = await app.AppealInAsync(AppealStatus.Registered);
        await withKey.TryActAsync(munA, "assign", new { personId = r.IdOf(Persona.MunAExecutor) }).Expect(HttpStatusCode.NotFound);

        // The key's person and roles are kept between requests (AccessCache), but a change of roles is seen at once:
        // taken back to municipality A, the key no longer reaches the appeal it just extended in B.
        await admin.PutJsonAsync($"/api/v1/people/{person.Id}/roles", new[] { new { role = "dispatcher", organisationId = r.MunA } }).Expect(HttpStatusCode.OK);
        await withKey.TryActAsync(a, "extend", new { days = 2, reason = "Нужен ещё один выезд" }).Expect(HttpStatusCode.NotFound);

        await app.ClientWithKey(key.Secret + "x").GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Territories_are_imported_from_GeoJSON_upserted_by_code_and_a_broken_polygon_imports_nothing(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);
        var countBefore = await app.WithDbAsync(db => db.Territories.CountAsync());

        var import = FeatureCollection(
            Feature("65401000", "Город Лесной", Square(62.0, 56.7, 62.5, 57.0), r.MunA),
            Feature("65402000", "Посёлок Горный", Square(63.0, 56.7, 63.5, 57.0), null));
        var result = await (await admin.PostJsonAsync("/api/v1/territories/import", import).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("imported").GetInt32());
        Assert.Equal(countBefore + 2, await app.WithDbAsync(db => db.Territories.CountAsync()));

        var forest = await LocateAsync(app, 56.85, 62.25);
        Assert.Equal(("65401000", "Город Лесной", (Guid?)r.MunA), (forest.Code, forest.Name, forest.OrganisationId));
        var mountain = await LocateAsync(app, 56.85, 63.25);
        Assert.Equal(("65402000", (Guid?)null), (mountain.Code, mountain.OrganisationId));
        Assert.Equal(r.TerritoryA, (await LocateAsync(app, TestRegion.InsideA.Lat, TestRegion.InsideA.Lon)).Id);
        await app.Anonymous().GetAsync(Url(56.85, 64.25)).Expect(HttpStatusCode.NotFound);

        // The same code again updates the territory in place: a new name, a larger boundary, another administration.
        import = FeatureCollection(Feature("65401000", "Лесной городской округ", Square(62.0, 56.7, 62.8, 57.0), r.MunB));
        await admin.PostJsonAsync("/api/v1/territories/import", import).Expect(HttpStatusCode.OK);
        Assert.Equal(countBefore + 2, await app.WithDbAsync(db => db.Territories.CountAsync()));
        var updated = await LocateAsync(app, 56.85, 62.7);
        Assert.Equal((forest.Id, "Лесной городской округ", (Guid?)r.MunB), (updated.Id, updated.Name, updated.OrganisationId));
        var stored = await app.WithDbAsync(db => db.Territories.AsNoTracking().SingleAsync(t => t.Code == "65401000"));
        Assert.Equal(2, stored.Version);
        Assert.Contains("62.8", stored.BoundaryGeoJson);

        // An appeal at a point of the new territory gets it.
        var a = await app.SubmitAsync(Samples.Pothole(r, (56.85, 62.7)));
        Assert.Equal(forest.Id, a.TerritoryId);

        // A self-intersecting "bow-tie" next to a valid polygon: the whole import is refused.
        const string bowTie = """{"type":"Polygon","coordinates":[[[64.0,56.7],[64.5,57.0],[64.5,56.7],[64.0,57.0],[64.0,56.7]]]}""";
        import = FeatureCollection(
            Feature("65403000", "Село Речное", Square(65.0, 56.7, 65.5, 57.0), null),
            Feature("65404000", "Бантик", bowTie, null));
        var problem = await admin.PostJsonAsync("/api/v1/territories/import", import)
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "territory.boundary_invalid");
        Assert.True(problem.GetProperty("errors").TryGetProperty("features[1].geometry", out _));
        Assert.Equal(countBefore + 2, await app.WithDbAsync(db => db.Territories.CountAsync()));
        Assert.False(await app.WithDbAsync(db => db.Territories.AnyAsync(t => t.Code == "65403000" || t.Code == "65404000")));
        await app.Anonymous().GetAsync(Url(56.85, 65.25)).Expect(HttpStatusCode.NotFound);
    }

    static string Url(double lat, double lon) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/v1/territories/locate?latitude={lat}&longitude={lon}");

    static async Task<DirectoryApi.TerritoryView> LocateAsync(TestApp app, double lat, double lon) =>
        await (await app.Anonymous().GetAsync(Url(lat, lon)).Expect(HttpStatusCode.OK)).ReadAsync<DirectoryApi.TerritoryView>();

    static JsonElement FeatureCollection(params string[] features) =>
        JsonDocument.Parse($$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""").RootElement;

    static string Feature(string code, string name, string geometry, Guid? organisationId) =>
        $$"""{"type":"Feature","properties":{"code":"{{code}}","name":"{{name}}","organisationId":{{(organisationId is { } o ? $"\"{o}\"" : "null")}}},"geometry":{{geometry}}}""";

    static string Square(double minLon, double minLat, double maxLon, double maxLat) =>
        FormattableString.Invariant($$"""{"type":"Polygon","coordinates":[[[{{minLon}},{{minLat}}],[{{maxLon}},{{minLat}}],[{{maxLon}},{{maxLat}}],[{{minLon}},{{maxLat}}],[{{minLon}},{{minLat}}]]]}""");

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task New_categories_and_topics_with_routes_decide_where_registration_sends_the_appeal(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var admin = app.ClientAs(Persona.RegionAdmin);

        var category = await (await admin.PostJsonAsync("/api/v1/categories", new { name = "Экология", audience = "citizens", sortOrder = 5 })
            .Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.CategoryView>();
        var topic = await (await admin.PostJsonAsync("/api/v1/topics", new
        {
            categoryId = category.Id, name = "Несанкционированные свалки", defaultKind = "task", defaultRegime = "platformMessage",
        }).Expect(HttpStatusCode.Created)).ReadAsync<DirectoryApi.TopicView>();
        Assert.Empty(topic.Routes);

        await admin.PutJsonAsync($"/api/v1/topics/{topic.Id}/routes", new object[]
        {
            new { territoryId = (Guid?)r.TerritoryA, organisationId = r.MunB },
            new { territoryId = (Guid?)null, organisationId = r.MinHousing },
        }).Expect(HttpStatusCode.OK);
        var routes = await app.WithDbAsync(db => db.TopicRoutes.AsNoTracking().Where(x => x.TopicId == topic.Id).ToListAsync());
        Assert.Equal(2, routes.Count);
        Assert.Equal(r.MunB, routes.Single(x => x.TerritoryId == r.TerritoryA).OrganisationId);
        Assert.Equal(r.MinHousing, routes.Single(x => x.TerritoryId == null).OrganisationId);

        var listed = (await app.Anonymous().GetListAsync<DirectoryApi.CategoryView>("/api/v1/categories?audience=citizens")).Single(c => c.Id == category.Id);
        var listedTopic = Assert.Single(listed.Topics);
        Assert.Equal(("Несанкционированные свалки", AppealKind.Task, LegalRegime.PlatformMessage, 2),
            (listedTopic.Name, listedTopic.DefaultKind, listedTopic.DefaultRegime, listedTopic.Routes.Count));
        Assert.DoesNotContain(await app.Anonymous().GetListAsync<DirectoryApi.CategoryView>("/api/v1/categories?audience=business"), c => c.Id == category.Id);

        Dictionary<string, object?> Dump((double Lat, double Lon) at) => Samples.Pothole(r, at, "Свалка строительного мусора на пустыре за гаражами.")
            .With("categoryId", category.Id).With("topicId", topic.Id);
        var inA = await app.SubmitAsync(Dump(TestRegion.InsideA));
        var inB = await app.SubmitAsync(Dump(TestRegion.InsideB));
        Assert.Equal((AppealKind.Task, LegalRegime.PlatformMessage), (inA.Kind, inA.Regime));

        inA = await app.ActAsync(Persona.CentreModerator, inA, "register");
        inB = await app.ActAsync(Persona.CentreModerator, inB, "register");
        Assert.Equal((r.MunB, r.MinHousing), (inA.ExecutorOrganisationId!.Value, inB.ExecutorOrganisationId!.Value));
        Assert.Equal(r.MunB, (await app.StoredAsync(inA.Id)).ExecutorOrganisationId);
        Assert.Equal("Маршрут темы для территории", (await app.EventsAsync(inA.Id)).Single(e => e.Kind == EventKind.Routed).Note);
        Assert.Equal("Маршрут темы по умолчанию", (await app.EventsAsync(inB.Id)).Single(e => e.Kind == EventKind.Routed).Note);

        // Routes replaced: from now on the default goes to municipality A; registered appeals keep their executor.
        await admin.PutJsonAsync($"/api/v1/topics/{topic.Id}/routes", new[] { new { territoryId = (Guid?)null, organisationId = r.MunA } })
            .Expect(HttpStatusCode.OK);
        Assert.Single(await app.WithDbAsync(db => db.TopicRoutes.AsNoTracking().Where(x => x.TopicId == topic.Id).ToListAsync()));
        var later = await app.SubmitAsync(Dump(TestRegion.InsideB));
        var proposal = await (await app.ClientAs(Persona.CentreModerator).GetAsync($"/api/v1/appeals/{later.Id}/proposed-route").Expect(HttpStatusCode.OK))
            .ReadAsync<ModerationApi.RouteProposal>();
        Assert.Equal(r.MunA, proposal.OrganisationId);
        Assert.Equal(r.MinHousing, (await app.StoredAsync(inB.Id)).ExecutorOrganisationId);

        // A route to a body outside the platform is refused.
        await admin.PutJsonAsync($"/api/v1/topics/{topic.Id}/routes", new[] { new { territoryId = (Guid?)null, organisationId = r.Fns } })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "directory.unknown_organisation");
        Assert.Equal(r.MunA, (await app.WithDbAsync(db => db.TopicRoutes.AsNoTracking().SingleAsync(x => x.TopicId == topic.Id))).OrganisationId);
    }
}
