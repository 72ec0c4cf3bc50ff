using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Open311;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Open311;

/// <summary>
/// Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) as its text says: the element names of each answer, XML and
/// JSON by the extension, the error list with 403 for a missing or wrong api_key and 400 for bad fields, tokens for a
/// request that goes to moderation first, the 90-day default window of GET requests, W3C dates with the region's offset.
/// No Open311 client library is served for .NET (nuget.tsv has none), so the tests speak the protocol with HttpClient.
/// </summary>
public sealed class Open311Tests(AppPool pool) : IClassFixture<AppPool>
{
    const string Key = "otk_test-open311-key";

    static async Task<TestApp> AppAsync(AppPool pool, Engine engine) => await PrepareAsync(await pool.For(engine));

    /// <summary>The system's key, and the pothole topic with keywords and a required extra question.</summary>
    static async Task<TestApp> PrepareAsync(TestApp app)
    {
        await app.WithDbAsync(async db =>
        {
            if (await db.Open311Keys.AnyAsync()) return;
            db.Open311Keys.Add(Open311Key.Create("Тестовое приложение «Город»", app.Clock.GetUtcNow().UtcDateTime, Key).Entity);
            var pothole = await db.Topics.SingleAsync(t => t.Id == app.Region.PotholeTopic);
            pothole.Keywords = "яма, выбоина";
            db.TopicQuestions.Add(new TopicQuestion
            {
                Id = Guid.NewGuid(), TopicId = pothole.Id, Code = "SIZE", Text = "Какого размера яма?", Type = QuestionType.SingleValueList,
                Required = true, Order = 1, Options = "small=Меньше колеса\nlarge=Больше колеса",
            });
            await db.SaveChangesAsync();
        });
        return app;
    }

    static FormUrlEncodedContent Report(TestApp app, string? key = Key, params (string, string)[] overrides)
    {
        var fields = new Dictionary<string, string>
        {
            ["service_code"] = app.Region.PotholeTopic.ToString(),
            ["lat"] = "56.85", ["long"] = "60.25", ["address_string"] = "ул. Ленина, 10",
            ["description"] = "Глубокая яма на проезжей части у дома 10, машины объезжают по встречной.",
            ["first_name"] = "Мария", ["last_name"] = "Иванова", ["email"] = "maria.open311@example.ru",
            ["attribute[SIZE]"] = "large", ["account_id"] = "acc-42",
        };
        if (key is not null) fields["api_key"] = key;
        foreach (var (k, v) in overrides) fields[k] = v;
        return new FormUrlEncodedContent(fields);
    }

    static async Task<XElement> XmlAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.StartsWith("text/xml", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text, StringComparison.OrdinalIgnoreCase);
        return XElement.Parse(text);
    }

    static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Discovery_services_and_a_service_definition_use_the_specs_element_names(Engine engine)
    {
        var app = await AppAsync(pool, engine);
        var client = app.Anonymous();

        var discovery = await XmlAsync(await client.GetAsync("/open311/v2/discovery.xml"), HttpStatusCode.OK);
        Assert.Equal("discovery", discovery.Name.LocalName);
        var endpoint = discovery.Element("endpoints")!.Element("endpoint")!;
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", endpoint.Element("specification")!.Value);
        Assert.EndsWith("/open311/v2", endpoint.Element("url")!.Value, StringComparison.Ordinal);
        Assert.Equal(["text/xml", "application/json"], endpoint.Element("formats")!.Elements("format").Select(f => f.Value));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:00$", discovery.Element("changeset")!.Value);

        var services = await XmlAsync(await client.GetAsync("/open311/v2/services.xml"), HttpStatusCode.OK);
        Assert.Equal("services", services.Name.LocalName);
        var pothole = services.Elements("service").Single(s => s.Element("service_code")!.Value == app.Region.PotholeTopic.ToString());
        Assert.Equal(["service_code", "service_name", "description", "metadata", "type", "keywords", "group"], pothole.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("Ямы на дорогах", pothole.Element("service_name")!.Value);
        Assert.Equal("true", pothole.Element("metadata")!.Value);
        Assert.Equal("realtime", pothole.Element("type")!.Value);
        Assert.Equal("яма, выбоина", pothole.Element("keywords")!.Value);
        Assert.False(string.IsNullOrEmpty(pothole.Element("group")!.Value));

        var json = await JsonAsync(await client.GetAsync("/open311/v2/services.json"), HttpStatusCode.OK);
        var jsonPothole = json.EnumerateArray().Single(s => s.GetProperty("service_code").GetString() == app.Region.PotholeTopic.ToString());
        Assert.True(jsonPothole.GetProperty("metadata").GetBoolean());

        var definition = await XmlAsync(await client.GetAsync($"/open311/v2/services/{app.Region.PotholeTopic}.xml"), HttpStatusCode.OK);
        Assert.Equal("service_definition", definition.Name.LocalName);
        var attribute = definition.Element("attributes")!.Element("attribute")!;
        Assert.Equal(["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"],
            attribute.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("SIZE", attribute.Element("code")!.Value);
        Assert.Equal("singlevaluelist", attribute.Element("datatype")!.Value);
        Assert.Equal("true", attribute.Element("required")!.Value);
        Assert.Equal(["small", "large"], attribute.Element("values")!.Elements("value").Select(v => v.Element("key")!.Value));

        var unknown = await XmlAsync(await client.GetAsync($"/open311/v2/services/{Guid.NewGuid()}.xml"), HttpStatusCode.NotFound);
        Assert.Equal("404", unknown.Element("error")!.Element("code")!.Value);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_missing_or_wrong_api_key_gets_403_with_the_error_list_and_stores_nothing(Engine engine)
    {
        var app = await AppAsync(pool, engine);
        var client = app.Anonymous();
        var before = await app.WithDbAsync(db => db.Appeals.CountAsync());

        var missing = await XmlAsync(await client.PostAsync("/open311/v2/requests.xml", Report(app, key: null)), HttpStatusCode.Forbidden);
        Assert.Equal("errors", missing.Name.LocalName);
        var error = Assert.Single(missing.Elements("error"));
        Assert.Equal("403", error.Element("code")!.Value);
        Assert.Contains("api_key", error.Element("description")!.Value, StringComparison.Ordinal);

        var wrong = await JsonAsync(await client.PostAsync("/open311/v2/requests.json", Report(app, key: "otk_not-a-key")), HttpStatusCode.Forbidden);
        Assert.Equal(403, Assert.Single(wrong.EnumerateArray()).GetProperty("code").GetInt32());

        // A staff member's REST API key is not an Open311 key.
        var staff = await XmlAsync(await client.PostAsync("/open311/v2/requests.xml", Report(app, key: app.Region.KeyOf(Persona.CentreOperator))),
            HttpStatusCode.Forbidden);
        Assert.Equal("403", staff.Element("error")!.Element("code")!.Value);

        Assert.Equal(before, await app.WithDbAsync(db => db.Appeals.CountAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Bad_fields_get_400_naming_each_parameter_and_store_nothing(Engine engine)
    {
        var app = await AppAsync(pool, engine);
        var before = await app.WithDbAsync(db => db.Appeals.CountAsync());

        var bad = await XmlAsync(await app.Anonymous().PostAsync("/open311/v2/requests.xml",
            Report(app, Key, ("lat", "north"), ("attribute[SIZE]", "huge"), ("description", " "))), HttpStatusCode.BadRequest);
        var descriptions = bad.Elements("error").Select(e => (Code: e.Element("code")!.Value, Text: e.Element("description")!.Value)).ToList();
        Assert.All(descriptions, d => Assert.Equal("400", d.Code));
        Assert.Contains(descriptions, d => d.Text.StartsWith("lat:", StringComparison.Ordinal));
        Assert.Contains(descriptions, d => d.Text.StartsWith("attribute[SIZE]:", StringComparison.Ordinal));
        Assert.Contains(descriptions, d => d.Text.StartsWith("description:", StringComparison.Ordinal));

        // Intake's own rules come back in the spec's names: a platform message needs a name to answer to.
        var anonymous = await JsonAsync(await app.Anonymous().PostAsync("/open311/v2/requests.json",
            Report(app, Key, ("first_name", ""), ("last_name", ""))), HttpStatusCode.BadRequest);
        Assert.Contains(anonymous.EnumerateArray(), e => e.GetProperty("description").GetString()!.StartsWith("first_name:", StringComparison.Ordinal));

        var unknownService = await XmlAsync(await app.Anonymous().PostAsync("/open311/v2/requests.xml",
            Report(app, Key, ("service_code", Guid.NewGuid().ToString()))), HttpStatusCode.BadRequest);
        Assert.StartsWith("service_code:", unknownService.Element("error")!.Element("description")!.Value, StringComparison.Ordinal);

        Assert.Equal(before, await app.WithDbAsync(db => db.Appeals.CountAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_report_in_moderation_gets_a_token_that_gives_its_number_once_registered_and_reads_back(Engine engine)
    {
        var app = await AppAsync(pool, engine);
        var client = app.Anonymous();

        var posted = await XmlAsync(await client.PostAsync("/open311/v2/requests.xml", Report(app)), HttpStatusCode.OK);
        Assert.Equal("service_requests", posted.Name.LocalName);
        var request = posted.Element("request")!;
        var token = request.Element("token")!.Value;
        Assert.Null(request.Element("service_request_id"));
        Assert.Equal("acc-42", request.Element("account_id")!.Value);
        Assert.False(string.IsNullOrEmpty(request.Element("service_notice")!.Value));

        var appeal = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == Guid.ParseExact(token, "N")));
        Assert.Equal(Channel.Open311, appeal.Channel);
        Assert.Equal(AppealStatus.Moderation, appeal.Status);
        Assert.Contains("Какого размера яма?: Больше колеса", appeal.Text, StringComparison.Ordinal);
        Assert.Equal(app.Region.TerritoryA, appeal.TerritoryId);

        var pending = await XmlAsync(await client.GetAsync($"/open311/v2/tokens/{token}.xml"), HttpStatusCode.OK);
        Assert.Equal("", pending.Element("request")!.Element("service_request_id")!.Value);
        Assert.Equal(token, pending.Element("request")!.Element("token")!.Value);

        var view = await app.GetAsync(appeal.Id);
        await app.ActAsync(Persona.CentreModerator, view, "register");
        var exchanged = await JsonAsync(await client.GetAsync($"/open311/v2/tokens/{token}.json"), HttpStatusCode.OK);
        Assert.Equal(appeal.Number, exchanged[0].GetProperty("service_request_id").GetString());

        // Read back by id: the spec's elements, the region's offset, and the text only for a system holding a key.
        var read = await XmlAsync(await client.GetAsync($"/open311/v2/requests/{appeal.Number}.xml?api_key={Key}"), HttpStatusCode.OK);
        var r = read.Element("request")!;
        Assert.Equal(["service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
            "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"],
            r.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("open", r.Element("status")!.Value);
        Assert.Equal(app.Region.PotholeTopic.ToString(), r.Element("service_code")!.Value);
        Assert.StartsWith("Глубокая яма", r.Element("description")!.Value, StringComparison.Ordinal);
        Assert.Equal(Open311Document.W3c(appeal.ReceivedAtUtc, TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg")), r.Element("requested_datetime")!.Value);
        Assert.EndsWith("+05:00", r.Element("requested_datetime")!.Value, StringComparison.Ordinal);
        Assert.Equal("56.85", r.Element("lat")!.Value);
        var withoutKey = await XmlAsync(await client.GetAsync($"/open311/v2/requests/{appeal.Number}.xml"), HttpStatusCode.OK);
        Assert.Equal("", withoutKey.Element("request")!.Element("description")!.Value);

        await XmlAsync(await client.GetAsync("/open311/v2/requests/2026-999999.xml"), HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Get_requests_looks_back_90_days_by_default_and_filters_by_ids_dates_services_and_status(Engine engine)
    {
        // An app of its own: this test moves the clock three months on.
        await using var app = await PrepareAsync(await TestApp.StartAsync(engine));
        var client = app.Anonymous();
        var posted = await XmlAsync(await client.PostAsync("/open311/v2/requests.xml", Report(app)), HttpStatusCode.OK);
        var id = Guid.ParseExact(posted.Element("request")!.Element("token")!.Value, "N");
        var appeal = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == id));
        await app.ActAsync(Persona.CentreModerator, await app.GetAsync(id), "register");
        static IEnumerable<string> Numbers(XElement x) => x.Elements("request").Select(r => r.Element("service_request_id")!.Value);

        Assert.Contains(appeal.Number, Numbers(await XmlAsync(await client.GetAsync("/open311/v2/requests.xml"), HttpStatusCode.OK)));
        Assert.Contains(appeal.Number, Numbers(await XmlAsync(await client.GetAsync(
            $"/open311/v2/requests.xml?service_code={app.Region.PotholeTopic}&status=open"), HttpStatusCode.OK)));
        Assert.DoesNotContain(appeal.Number, Numbers(await XmlAsync(await client.GetAsync("/open311/v2/requests.xml?status=closed"), HttpStatusCode.OK)));
        Assert.DoesNotContain(appeal.Number, Numbers(await XmlAsync(await client.GetAsync(
            $"/open311/v2/requests.xml?service_code={app.Region.SubsidyTopic}"), HttpStatusCode.OK)));

        // 91 days later the report has left the default window; dates (with the offset, '+' as %2B) bring it back; ids override the rest.
        app.Clock.Advance(TimeSpan.FromDays(91));
        Assert.DoesNotContain(appeal.Number, Numbers(await XmlAsync(await client.GetAsync("/open311/v2/requests.xml"), HttpStatusCode.OK)));
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg");
        var start = Uri.EscapeDataString(Open311Document.W3c(appeal.ReceivedAtUtc.AddHours(-1), zone));
        var end = Uri.EscapeDataString(Open311Document.W3c(appeal.ReceivedAtUtc.AddHours(1), zone));
        Assert.Contains(appeal.Number, Numbers(await XmlAsync(await client.GetAsync($"/open311/v2/requests.xml?start_date={start}&end_date={end}"), HttpStatusCode.OK)));
        Assert.Contains(appeal.Number, Numbers(await XmlAsync(await client.GetAsync(
            $"/open311/v2/requests.xml?service_request_id={appeal.Number},2026-999999&status=closed"), HttpStatusCode.OK)));
        var json = await JsonAsync(await client.GetAsync($"/open311/v2/requests.json?service_request_id={appeal.Number}"), HttpStatusCode.OK);
        Assert.Equal("open", json[0].GetProperty("status").GetString());

        var bad = await XmlAsync(await client.GetAsync("/open311/v2/requests.xml?start_date=yesterday&status=lost"), HttpStatusCode.BadRequest);
        Assert.Equal(2, bad.Elements("error").Count());
        // A date without its time zone is not a W3C date-time of the spec.
        await XmlAsync(await client.GetAsync("/open311/v2/requests.xml?start_date=2026-11-23T10:00:00"), HttpStatusCode.BadRequest);
    }
}
