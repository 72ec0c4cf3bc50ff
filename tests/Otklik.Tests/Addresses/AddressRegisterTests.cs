using System.Net;
using System.Text;
using System.Text.Json;
using Otklik.Features.Addresses;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Addresses;

/// <summary>
/// The address register through its API on both engines: an import (CSV and OpenStreetMap points), the search with word
/// forms and abbreviations, the nearest address of a point, and bad input. The expectations are worked out by hand from
/// the small register below (territory A spans 60.0–60.5° E, territory B 61.0–61.5° E, both 56.7–57.0° N).
/// </summary>
public sealed class AddressRegisterTests(AppPool pool) : IClassFixture<AppPool>
{
    public const string Csv = """
        region;municipality;settlement;street_type;street;house;postcode;lat;lon;fias_house_id
        Тестовая область;Город А;г. Тестоград;ул.;Ленина;5;620000;56.8000;60.2000;0c5b2444-70a0-4932-980c-b4dc0d3f02b5
        Тестовая область;Город А;г. Тестоград;ул;Ленина;5А;;56.8001;60.2003;
        Тестовая область;Город А;г. Тестоград;улица;Ленина;7;;56.8000;60.2010;
        Тестовая область;Город А;г. Тестоград;ул.;Ленина;12 корп. 1;;56.7995;60.2020;
        Тестовая область;Город А;г. Тестоград;пр-кт;Мира;10;;56.8100;60.2100;
        Тестовая область;Город А;г. Тестоград;проспект;Мира;2;;56.8100;60.2050;
        Тестовая область;Город А;г. Тестоград;ул.;8 Марта;3;;56.8200;60.2200;
        Тестовая область;Город А;г. Тестоград;;улица Садовая;14;;56.8300;60.2300;
        Тестовая область;Город Б;г. Бэтаград;ул.;Мира;10;;56.8000;61.2000;
        """;

    static async Task<TestApp> WithRegisterAsync(AppPool pool, Engine engine)
    {
        var app = await pool.For(engine);
        // The import updates what is there: every test may load the same register.
        var result = await (await app.ClientAs(Persona.RegionAdmin).PostAsync("/api/v1/addresses/import", new StringContent(Csv, Encoding.UTF8, "text/csv"))
            .Expect(HttpStatusCode.OK)).ReadAsync<AddressImport.Result>();
        Assert.Equal(9, result.Rows);
        return app;
    }

    static async Task<List<AddressView>> SearchAsync(TestApp app, string q) =>
        await (await app.Anonymous().GetAsync("/api/v1/addresses/search?q=" + Uri.EscapeDataString(q)).Expect(HttpStatusCode.OK)).ReadAsync<List<AddressView>>();

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_search_reads_abbreviations_word_forms_and_house_numbers(Engine engine)
    {
        var app = await WithRegisterAsync(pool, engine);

        Assert.Equal("г. Тестоград, ул. Ленина, 5", (await SearchAsync(app, "ул. Ленина 5"))[0].Label);
        Assert.Equal("г. Тестоград, ул. Ленина, 5", (await SearchAsync(app, "Ленина, 5"))[0].Label);
        Assert.Equal("г. Тестоград, ул. Ленина, 5", (await SearchAsync(app, "улица ленина д. 5"))[0].Label);
        // «5» also begins «5А»: the exact number first, then the others.
        Assert.Equal(["5", "5А"], (await SearchAsync(app, "Ленина 5")).Select(a => a.House));
        // Another word form of the name, the letter apart and in another case.
        Assert.Equal("г. Тестоград, ул. Ленина, 5А", Assert.Single(await SearchAsync(app, "на ленину 5 а")).Label);
        Assert.Equal("12 корп. 1", Assert.Single(await SearchAsync(app, "Ленина 12к1")).House);
        Assert.Equal("12 корп. 1", Assert.Single(await SearchAsync(app, "ул Ленина, д 12, корпус 1")).House);
        // Without a number: the street's houses in their order (2 before 10).
        Assert.Equal(["г. Тестоград, пр-кт Мира, 2", "г. Тестоград, пр-кт Мира, 10"], (await SearchAsync(app, "пр-т Мира")).Select(a => a.Label));
        Assert.Equal("г. Тестоград, пр-кт Мира, 10", Assert.Single(await SearchAsync(app, "проспект Мира 10")).Label);
        Assert.Equal("г. Тестоград, пр-кт Мира, 10", Assert.Single(await SearchAsync(app, "просп. мира, 10")).Label);
        // «Мира 10» is in both towns; the town's name picks one; a typed «ул.» picks the улица.
        Assert.Equal(["г. Бэтаград, ул. Мира, 10", "г. Тестоград, пр-кт Мира, 10"], (await SearchAsync(app, "Мира 10")).Select(a => a.Label).Order());
        Assert.Equal("г. Бэтаград, ул. Мира, 10", Assert.Single(await SearchAsync(app, "Бэтаград, Мира 10")).Label);
        Assert.Equal("г. Бэтаград, ул. Мира, 10", Assert.Single(await SearchAsync(app, "ул. Мира 10")).Label);
        // A number that is part of the name; a street whose type came inside its name («улица Садовая»); a flat is ignored.
        Assert.Equal("г. Тестоград, ул. 8 Марта, 3", Assert.Single(await SearchAsync(app, "8 Марта 3")).Label);
        Assert.Equal("г. Тестоград, ул. Садовая, 14", Assert.Single(await SearchAsync(app, "Садовой 14, кв. 5")).Label);
        // Typing: a beginning of the name already finds it.
        Assert.Contains(await SearchAsync(app, "Лени"), a => a.Label == "г. Тестоград, ул. Ленина, 7");
        Assert.Empty(await SearchAsync(app, "Ленина 99"));
        Assert.Empty(await SearchAsync(app, "Несуществующая 1"));

        var found = (await SearchAsync(app, "Ленина 5"))[0];
        Assert.Equal((56.8, 60.2, app.Region.TerritoryA), (found.Latitude, found.Longitude, found.TerritoryId));
        Assert.Equal(Guid.Parse("0c5b2444-70a0-4932-980c-b4dc0d3f02b5"), found.FiasId);
        Assert.Equal(app.Region.TerritoryB, Assert.Single(await SearchAsync(app, "Бэтаград Мира 10")).TerritoryId);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_nearest_address_of_a_point(Engine engine)
    {
        var app = await WithRegisterAsync(pool, engine);
        async Task<AddressView> Nearest(string lat, string lon) =>
            await (await app.Anonymous().GetAsync($"/api/v1/addresses/nearest?lat={lat}&lon={lon}").Expect(HttpStatusCode.OK)).ReadAsync<AddressView>();

        var exact = await Nearest("56.8", "60.2");
        Assert.Equal(("г. Тестоград, ул. Ленина, 5", 0.0), (exact.Label, exact.DistanceMetres));
        // 0.0009° east of Ленина 5 (55 m from it): Ленина 7 is 6 m away, 5А 38 m; a comma as the decimal sign is fine too.
        Assert.Equal("г. Тестоград, ул. Ленина, 7", (await Nearest("56.80002", "60.2009")).Label);
        Assert.Equal("г. Тестоград, ул. Ленина, 5А", (await Nearest("56,80012", "60,20028")).Label);
        // 400 m from пр-кт Мира 10 and farther from anything else: the wider grid finds it.
        var far = await Nearest("56.8136", "60.2100");
        Assert.Equal("г. Тестоград, пр-кт Мира, 10", far.Label);
        Assert.InRange(far.DistanceMetres!.Value, 395, 405);

        var none = await app.Anonymous().GetAsync("/api/v1/addresses/nearest?lat=56.95&lon=60.45").Expect(HttpStatusCode.NotFound);
        Assert.Equal("address.none_near", (await none.ProblemAsync()).GetProperty("code").GetString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Bad_input_is_a_problem_naming_the_field(Engine engine)
    {
        var app = await pool.For(engine);
        async Task<JsonElement> Bad(string url)
        {
            var response = await app.Anonymous().GetAsync(url).Expect(HttpStatusCode.BadRequest);
            return (await response.ProblemAsync()).GetProperty("errors");
        }
        Assert.True((await Bad("/api/v1/addresses/search?q=")).TryGetProperty("q", out _));
        Assert.True((await Bad("/api/v1/addresses/search?q=" + new string('а', 201))).TryGetProperty("q", out _));
        Assert.True((await Bad("/api/v1/addresses/search?q=Ленина&limit=0")).TryGetProperty("limit", out _));
        var both = await Bad("/api/v1/addresses/nearest?lat=north&lon=200");
        Assert.Contains("Широта", both.GetProperty("lat")[0].GetString());
        Assert.Contains("Долгота", both.GetProperty("lon")[0].GetString());
        Assert.True((await Bad("/api/v1/addresses/nearest?lon=60")).TryGetProperty("lat", out _));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_import_with_a_bad_row_names_the_row_and_writes_nothing(Engine engine)
    {
        var app = await pool.For(engine);
        const string csv = """
            settlement,street,house,lat,lon
            г. Отказоград,улица Пушкина,1,56.75,60.1
            г. Отказоград,улица Пушкина,дом,56.75,60.1
            г. Отказоград,улица Пушкина,3,север,60.1
            г. Отказоград,улица Пушкина,1,56.75,60.1
            """;
        var response = await app.ClientAs(Persona.RegionAdmin).PostAsync("/api/v1/addresses/import", new StringContent(csv, Encoding.UTF8, "text/csv"))
            .Expect(HttpStatusCode.UnprocessableEntity);
        var errors = (await response.ProblemAsync()).GetProperty("errors");
        Assert.StartsWith("Строка 3:", errors.GetProperty("rows[3].house")[0].GetString());
        Assert.StartsWith("Строка 4:", errors.GetProperty("rows[4].lat")[0].GetString());
        Assert.Contains("строке 2", errors.GetProperty("rows[5].house")[0].GetString());
        Assert.Empty(await SearchAsync(app, "Отказоград Пушкина"));

        // A header without the point's columns is refused as a whole.
        var header = await app.ClientAs(Persona.RegionAdmin).PostAsync("/api/v1/addresses/import", new StringContent("settlement;street;house\nг. А;Мира;1", Encoding.UTF8, "text/csv"))
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.True((await header.ProblemAsync()).GetProperty("errors").TryGetProperty("file", out _));
        await app.ClientAs(Persona.RegionAdmin).PostAsync("/api/v1/addresses/import", new StringContent("x", Encoding.UTF8, "text/plain"))
            .Expect(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task OpenStreetMap_address_points_are_imported_with_their_street_type(Engine engine)
    {
        var app = await pool.For(engine);
        const string osm = """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","properties":{"addr:street":"улица Гоголя","addr:housenumber":"3","addr:city":"Осмоград","addr:postcode":"620001"},
              "geometry":{"type":"Point","coordinates":[60.3,56.9]}},
             {"type":"Feature","properties":{"addr:street":"Гоголя улица","addr:housenumber":"4","addr:city":"Осмоград"},
              "geometry":{"type":"Polygon","coordinates":[[[60.3010,56.9000],[60.3012,56.9000],[60.3012,56.9002],[60.3010,56.9002]]]}}
            ]}
            """;
        var result = await (await app.ClientAs(Persona.RegionAdmin).PostAsync("/api/v1/addresses/import?region=Тестовая%20область",
            new StringContent(osm, Encoding.UTF8, "application/geo+json")).Expect(HttpStatusCode.OK)).ReadAsync<AddressImport.Result>();
        Assert.Equal((2, 1, 2), (result.Rows, result.StreetsAdded, result.HousesAdded + result.HousesUpdated));
        var found = await SearchAsync(app, "ул Гоголя");
        Assert.Equal(["Осмоград, ул. Гоголя, 3", "Осмоград, ул. Гоголя, 4"], found.Select(a => a.Label));
        Assert.Equal("620001", found[0].Postcode);
        // The outline counts by its centre.
        Assert.Equal(56.9001, found[1].Latitude, 4);
        Assert.Equal(60.3011, found[1].Longitude, 4);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_public_reads_are_rate_limited_per_address(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:RateLimits:PublicReadPerMinute"] = "3" });
        for (var i = 0; i < 3; i++) await app.Anonymous().GetAsync("/api/v1/addresses/search?q=Ленина").Expect(HttpStatusCode.OK);
        var refused = await app.Anonymous().GetAsync("/api/v1/addresses/nearest?lat=56.8&lon=60.2").Expect(HttpStatusCode.TooManyRequests);
        Assert.Equal("rate_limited", (await refused.ProblemAsync()).GetProperty("code").GetString());
    }
}
