using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>
/// Bad input gets a clear error and changes nothing: every refusal is a ProblemDetails with a stable code, a Russian
/// title and detail and the field at fault, and the database holds exactly what it held before the request.
/// </summary>
public sealed partial class BadInputTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Submit = "/api/v1/appeals";
    const string Upload = "/api/v1/attachments";

    // ---- Submitting: the body itself ----

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_oversized_body_is_refused_with_413(Engine engine)
    {
        var app = await pool.For(engine);
        var client = app.ClientAs(Persona.Applicant);
        // Just over the limit: a body far over it would be refused before the client finished sending it, and a
        // client that does not ask first would see its connection closed instead of the answer.
        var bare = Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(Samples.Pothole(app.Region, text: ""), HttpExtensions.Options));
        var huge = JsonSerializer.Serialize(Samples.Pothole(app.Region, text: new string('я', (1024 * 1024 + 2000 - bare) / 2)), HttpExtensions.Options);
        Assert.InRange(Encoding.UTF8.GetByteCount(huge), 1024 * 1024 + 1, 1024 * 1024 + 2000);
        var before = await StateAsync(app);

        // With a Content-Length Kestrel knows before reading; a client that asks first ("Expect: 100-continue") never
        // sends the body. Streamed in chunks, Kestrel finds out while reading.
        var request = new HttpRequestMessage(HttpMethod.Post, Submit) { Content = Json(huge) };
        request.Headers.ExpectContinue = true;
        await RefusedAsync(await client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "request.too_large");
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request = new HttpRequestMessage(HttpMethod.Post, Submit) { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await RefusedAsync(await client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "request.too_large");

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Malformed_json_is_refused_with_400(Engine engine)
    {
        var app = await pool.For(engine);
        var client = app.ClientAs(Persona.Applicant);
        var valid = JsonSerializer.Serialize(Samples.Pothole(app.Region), HttpExtensions.Options);
        var before = await StateAsync(app);

        foreach (var raw in new[] { valid[..(valid.Length / 2)], "это не JSON", "{\"type\":\"problem\",}", "{\"type\":\"problem\"} {}", "{\"text\":\"Яма\u0000\"", "[1,2,3]" })
        {
            var problem = await RefusedAsync(await client.PostAsync(Submit, Json(raw)), HttpStatusCode.BadRequest, "request.malformed_json", ["body"], because: raw);
            Assert.Equal("Тело запроса не является корректным JSON.", problem.GetProperty("detail").GetString());
        }
        await RefusedAsync(await client.PostAsync(Submit, Json("")), HttpStatusCode.BadRequest, "request.malformed_json", ["body"], because: "an empty body");
        await RefusedAsync(await client.PostAsync(Submit, Json("null")), HttpStatusCode.BadRequest, "request.malformed_json", ["body"], because: "null");
        await RefusedAsync(await client.PostAsync(Submit, new StringContent(valid, Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type", because: "text/plain");

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_unknown_enum_value_is_refused_naming_the_field(Engine engine)
    {
        var app = await pool.For(engine);
        var client = app.ClientAs(Persona.Applicant);
        var pothole = Samples.Pothole(app.Region);
        var before = await StateAsync(app);

        (Dictionary<string, object?> Body, string Field)[] cases =
        [
            (pothole.With("type", "bogus"), "type"),
            (pothole.With("channel", "fax"), "channel"),
            (pothole.With("type", 1), "type"),
            (pothole.With("kind", "urgent"), "kind"),
            (pothole.With("regime", ""), "regime"),
            (pothole.With("applicant", new Dictionary<string, object?> { ["kind"] = "robot", ["firstName"] = "Робот" }), "applicant.kind"),
        ];
        foreach (var (body, field) in cases)
            await RefusedAsync(await client.PostJsonAsync(Submit, body), HttpStatusCode.BadRequest, "field.invalid_value", [field],
                because: JsonSerializer.Serialize(body[field.Split('.')[0]]));

        // The message names the values that would do.
        var problem = await RefusedAsync(await client.PostJsonAsync(Submit, pothole.With("type", "bogus")), HttpStatusCode.BadRequest, "field.invalid_value", ["type"]);
        Assert.Equal("Недопустимое значение поля «type»: допустимы problem, proposal, gratitude, question.", problem.GetProperty("detail").GetString());
        problem = await RefusedAsync(await client.PostJsonAsync(Submit, cases[^1].Body), HttpStatusCode.BadRequest, "field.invalid_value", ["applicant.kind"]);
        Assert.EndsWith("допустимы person, organisation, anonymous.", problem.GetProperty("detail").GetString());

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_value_of_the_wrong_json_type_is_refused_naming_the_field(Engine engine)
    {
        var app = await pool.For(engine);
        var client = app.ClientAs(Persona.Applicant);
        var pothole = Samples.Pothole(app.Region);
        var before = await StateAsync(app);

        (Dictionary<string, object?> Body, string Field)[] cases =
        [
            (pothole.With("text", 12345), "text"),
            (pothole.With("latitude", "56.85"), "latitude"),
            (pothole.With("longitude", "восток"), "longitude"),
            (pothole.With("isPublic", "да"), "isPublic"),
            (pothole.With("categoryId", "не-guid"), "categoryId"),
            (pothole.With("attachmentIds", "one"), "attachmentIds"),
            (pothole.With("applicant", "Иванова"), "applicant"),
        ];
        foreach (var (body, field) in cases)
            await RefusedAsync(await client.PostJsonAsync(Submit, body), HttpStatusCode.BadRequest, "field.invalid_value", [field],
                because: JsonSerializer.Serialize(body[field]));

        await NothingChangedAsync(app, before);
    }

    // ---- Submitting: the content ----

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_missing_required_field_is_listed_at_once(Engine engine)
    {
        var app = await pool.For(engine);
        var before = await StateAsync(app);
        var body = Samples.Pothole(app.Region).Without("text").Without("categoryId").Without("type").Without("topicId");

        var problem = await RefusedAsync(await app.ClientAs(Persona.Applicant).PostJsonAsync(Submit, body),
            HttpStatusCode.UnprocessableEntity, "field.required", ["text", "categoryId", "type"]);
        // Without a topic the kind and the legal regime are not known either.
        Assert.True(problem.GetProperty("errors").TryGetProperty("kind", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("regime", out _));

        await RefusedAsync(await app.ClientAs(Persona.Applicant).PostJsonAsync(Submit, new Dictionary<string, object?>()),
            HttpStatusCode.UnprocessableEntity, "field.required", ["text", "categoryId", "type"], because: "an empty object");
        await RefusedAsync(await app.ClientAs(Persona.Applicant).PostJsonAsync(Submit, Samples.Pothole(app.Region).With("text", "   ")),
            HttpStatusCode.UnprocessableEntity, "field.required", ["text"], because: "blank text");
        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Text_too_long_or_too_short_is_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var client = app.ClientAs(Persona.Applicant);
        var before = await StateAsync(app);

        await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(app.Region, text: new string('ы', 10_001))),
            HttpStatusCode.UnprocessableEntity, "text.too_long", ["text"]);
        await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(app.Region, text: "Яма")),
            HttpStatusCode.UnprocessableEntity, "text.too_short", ["text"]);
        await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(app.Region).With("address", new string('д', 501))),
            HttpStatusCode.UnprocessableEntity, "text.too_long", ["address"]);
        await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(app.Region).With("channelMessageId", new string('1', 201))),
            HttpStatusCode.UnprocessableEntity, "text.too_long", ["channelMessageId"]);

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Html_or_script_in_text_or_address_is_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var client = app.ClientAs(Persona.Applicant);
        var before = await StateAsync(app);

        string[] markup =
        [
            "<script>alert(1)</script>",
            "Яма на дороге <img src=x onerror=alert(document.cookie)>",
            "Посмотрите <a href=\"javascript:alert(1)\">сюда</a>, там яма",
            "Яма у дома <svg/onload=alert(1)>",
            "Ссылка javascript:alert(1) на яму",
        ];
        foreach (var m in markup)
        {
            await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(app.Region, text: m)),
                HttpStatusCode.UnprocessableEntity, "text.markup", ["text"], because: m);
            await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(app.Region).With("address", m)),
                HttpStatusCode.UnprocessableEntity, "text.markup", ["address"], because: m);
        }
        var applicant = new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "<b>Иванова</b>", ["firstName"] = "Мария", ["email"] = "maria@example.ru" };
        await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(app.Region).With("applicant", applicant)),
            HttpStatusCode.UnprocessableEntity, "text.markup", ["applicant.lastName"]);

        await NothingChangedAsync(app, before);

        // Arithmetic and quotes are not markup: a text with "<" and "=" in it is a text.
        var a = await app.SubmitAsync(Samples.Pothole(app.Region, text: "Глубина ямы > 20 см, ширина < 1 м, итого x = 3 ямы подряд."));
        Assert.Equal(AppealStatus.Moderation, a.Status);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_point_outside_every_territory_is_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var before = await StateAsync(app);

        var problem = await RefusedAsync(await app.ClientAs(Persona.Applicant).PostJsonAsync(Submit, Samples.Pothole(app.Region, at: TestRegion.Outside)),
            HttpStatusCode.UnprocessableEntity, "location.outside_territories", ["latitude"]);
        Assert.Contains("территори", problem.GetProperty("detail").GetString());

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Half_a_point_or_impossible_coordinates_are_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var client = app.ClientAs(Persona.Applicant);
        var pothole = Samples.Pothole(app.Region);
        var before = await StateAsync(app);

        await RefusedAsync(await client.PostJsonAsync(Submit, pothole.Without("longitude")), HttpStatusCode.UnprocessableEntity, "location.pair", ["longitude"]);
        await RefusedAsync(await client.PostJsonAsync(Submit, pothole.With("latitude", null)), HttpStatusCode.UnprocessableEntity, "location.pair", ["latitude"]);
        await RefusedAsync(await client.PostJsonAsync(Submit, pothole.With("latitude", 91.0)), HttpStatusCode.UnprocessableEntity, "location.range", ["latitude"]);
        await RefusedAsync(await client.PostJsonAsync(Submit, pothole.With("latitude", -90.5)), HttpStatusCode.UnprocessableEntity, "location.range", ["latitude"]);
        await RefusedAsync(await client.PostJsonAsync(Submit, pothole.With("longitude", 180.01)), HttpStatusCode.UnprocessableEntity, "location.range", ["longitude"]);
        await RefusedAsync(await client.PostJsonAsync(Submit, pothole.With("latitude", 1e300).With("longitude", -1e300)),
            HttpStatusCode.UnprocessableEntity, "location.range", ["latitude", "longitude"]);
        await RefusedAsync(await client.PostJsonAsync(Submit, pothole.With("latitude", "NaN")), HttpStatusCode.BadRequest, "field.invalid_value", ["latitude"],
            because: "\"NaN\"");
        await RefusedAsync(await client.PostAsync(Submit, Json(JsonSerializer.Serialize(pothole, HttpExtensions.Options).Replace("56.85", "NaN"))),
            HttpStatusCode.BadRequest, "request.malformed_json", ["body"], because: "NaN");
        await RefusedAsync(await client.PostJsonAsync(Submit, pothole.Without("latitude").Without("longitude").With("territoryId", Guid.NewGuid())),
            HttpStatusCode.UnprocessableEntity, "catalogue.unknown_territory", ["territoryId"]);

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_unknown_category_or_a_topic_of_another_category_is_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var client = app.ClientAs(Persona.Applicant);
        var before = await StateAsync(app);

        await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(r).With("categoryId", Guid.NewGuid())),
            HttpStatusCode.UnprocessableEntity, "catalogue.unknown_category", ["categoryId"]);
        await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(r).With("categoryId", r.BusinessCategory)),
            HttpStatusCode.UnprocessableEntity, "catalogue.unknown_topic", ["topicId"]);
        await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(r).With("topicId", Guid.NewGuid())),
            HttpStatusCode.UnprocessableEntity, "catalogue.unknown_topic", ["topicId"]);

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Invalid_email_phone_inn_or_ogrn_is_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var client = app.ClientAs(Persona.Applicant);
        var before = await StateAsync(app);

        Dictionary<string, object?> Person(string key, object value) =>
            new() { ["kind"] = "person", ["lastName"] = "Иванова", ["firstName"] = "Мария", ["email"] = "maria@example.ru", [key] = value };
        Dictionary<string, object?> Firm(string key, object value) => new()
        {
            ["kind"] = "organisation", ["organisationName"] = "ООО «Уралстанок»", ["inn"] = "7707083893", ["representativeName"] = "Петров Пётр",
            ["email"] = "info@uralstanok.ru", [key] = value,
        };

        (Dictionary<string, object?> Body, string Code, string Field)[] cases =
        [
            (Samples.Pothole(app.Region).With("applicant", Person("email", "maria@")), "applicant.email", "applicant.email"),
            (Samples.Pothole(app.Region).With("applicant", Person("email", "Мария <maria@example.ru>")), "applicant.email", "applicant.email"),
            (Samples.Pothole(app.Region).With("applicant", Person("phone", "12")), "applicant.phone", "applicant.phone"),
            (Samples.Pothole(app.Region).With("applicant", Person("phone", "позвоните мне")), "applicant.phone", "applicant.phone"),
            (Samples.Subsidy(app.Region).With("applicant", Firm("inn", "7707083894")), "applicant.inn", "applicant.inn"),
            (Samples.Subsidy(app.Region).With("applicant", Firm("inn", "77070838")), "applicant.inn", "applicant.inn"),
            (Samples.Subsidy(app.Region).With("applicant", Firm("inn", "500100732258")), "applicant.inn", "applicant.inn"),
            (Samples.Subsidy(app.Region).With("applicant", Firm("ogrn", "1027700132196")), "applicant.ogrn", "applicant.ogrn"),
        ];
        foreach (var (body, code, field) in cases)
            await RefusedAsync(await client.PostJsonAsync(Submit, body), HttpStatusCode.UnprocessableEntity, code, [field],
                because: JsonSerializer.Serialize(body["applicant"], HttpExtensions.Options));

        await NothingChangedAsync(app, before);

        // The checksums themselves are right: the real ИНН of a person (12 digits) and ОГРН pass.
        await app.SubmitAsync(Samples.Subsidy(app.Region).With("applicant", Firm("inn", "500100732259")));
        await app.SubmitAsync(Samples.Subsidy(app.Region).With("applicant", Firm("ogrn", "1027700132195")));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_anonymous_applicant_is_refused_where_the_regime_needs_a_name(Engine engine)
    {
        var app = await pool.For(engine);
        var before = await StateAsync(app);
        var anonymous = new Dictionary<string, object?> { ["kind"] = "anonymous" };

        var problem = await RefusedAsync(await app.ClientAs(Persona.Applicant).PostJsonAsync(Submit, Samples.Housing(app.Region).With("applicant", anonymous)),
            HttpStatusCode.UnprocessableEntity, "applicant.anonymous", ["applicant.kind"]);
        Assert.Contains("59-ФЗ", problem.GetProperty("detail").GetString());
        await RefusedAsync(await app.ClientAs(Persona.Applicant).PostJsonAsync(Submit, Samples.Housing(app.Region).Without("applicant")),
            HttpStatusCode.UnprocessableEntity, "field.required", ["applicant"]);
        // A 59-ФЗ appeal needs a surname and an address for the answer.
        await RefusedAsync(await app.ClientAs(Persona.Applicant).PostJsonAsync(Submit,
                Samples.Housing(app.Region).With("applicant", new Dictionary<string, object?> { ["kind"] = "person", ["firstName"] = "Иван" })),
            HttpStatusCode.UnprocessableEntity, "field.required", ["applicant.lastName", "applicant.email"]);
        // An electronic appeal under 59-ФЗ or to the federal platform comes only from an identified applicant.
        await RefusedAsync(await app.Anonymous().PostJsonAsync(Submit, Samples.Housing(app.Region)),
            HttpStatusCode.UnprocessableEntity, "intake.identification_required", ["applicant"]);
        await RefusedAsync(await app.Anonymous().PostJsonAsync(Submit, Samples.Pothole(app.Region)),
            HttpStatusCode.UnprocessableEntity, "intake.identification_required", ["applicant"]);

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Publication_without_consent_is_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var before = await StateAsync(app);

        await RefusedAsync(await app.ClientAs(Persona.Applicant).PostJsonAsync(Submit, Samples.Pothole(app.Region).With("publicationConsent", false)),
            HttpStatusCode.UnprocessableEntity, "appeal.consent_required", ["publicationConsent"]);

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_channel_for_operators_is_refused_to_an_applicant(Engine engine)
    {
        var app = await pool.For(engine);
        var before = await StateAsync(app);

        var problem = await RefusedAsync(await app.ClientAs(Persona.Applicant).PostJsonAsync(Submit, Samples.Pothole(app.Region).With("channel", "hotline")),
            HttpStatusCode.Conflict, "intake.channel_forbidden");
        Assert.Contains("оператор", problem.GetProperty("detail").GetString());

        await NothingChangedAsync(app, before);
    }

    // ---- Attachments ----

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_attachment_that_lies_about_its_type_is_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var client = app.ClientAs(Persona.Applicant);
        var before = await StateAsync(app);

        (byte[] Bytes, string Name, string Type)[] liars =
        [
            ("Это просто текст, а не фотография ямы."u8.ToArray(), "photo.jpg", "image/jpeg"),
            ([(byte)'M', (byte)'Z', 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, .. new byte[4096]], "doc.pdf", "application/pdf"),
            ("<html><script>alert(1)</script></html>"u8.ToArray(), "scan.png", "image/png"),
            ([0x50, 0x4B, 0x03, 0x04, .. new byte[100]], "archive.zip", "application/zip"),
            ([0x50, 0x4B, 0x03, 0x04, .. new byte[100]], "report.docx.exe", "application/octet-stream"),
        ];
        foreach (var (bytes, name, type) in liars)
            await RefusedAsync(await client.PostAsync(Upload, File(bytes, name, type)), HttpStatusCode.UnsupportedMediaType, "attachment.type", ["file"],
                because: name);

        await RefusedAsync(await client.PostAsync(Upload, File([], "empty.jpg", "image/jpeg")), HttpStatusCode.BadRequest, "attachment.missing", ["file"]);
        await RefusedAsync(await client.PostAsync(Upload, new MultipartFormDataContent { { new StringContent("яма"), "comment" } }),
            HttpStatusCode.BadRequest, "attachment.missing", ["file"], because: "a form without a file");
        await RefusedAsync(await client.PostAsync(Upload, new MultipartFormDataContent()), HttpStatusCode.BadRequest, "request.malformed_form", ["body"],
            because: "a form without any part");
        await RefusedAsync(await client.PostJsonAsync(Upload, new { file = "eW1h" }), HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type",
            because: "JSON instead of a form");
        await RefusedAsync(await client.PostAsync(Upload, File(Jpeg(1024), "<script>.jpg", "image/jpeg")), HttpStatusCode.BadRequest, "attachment.name", ["file"]);

        await NothingChangedAsync(app, before);

        // The name and the claimed type do not matter either way: a real JPEG called "document.pdf" is a photo.
        var response = await client.PostAsync(Upload, File(Jpeg(2048), "document.pdf", "application/pdf")).Expect(HttpStatusCode.Created);
        var view = await response.ReadAsync<JsonElement>();
        Assert.Equal("image/jpeg", view.GetProperty("contentType").GetString());
        Assert.Equal("photo", view.GetProperty("kind").GetString());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_attachment_over_the_limit_is_refused_with_413(Engine engine)
    {
        var app = await pool.For(engine);
        var client = app.ClientAs(Persona.Applicant);
        var before = await StateAsync(app);

        // A photo may be 10 MB; the request itself 20 MB (a document), so 11 MB is refused by our check and 25 MB by Kestrel.
        await RefusedAsync(await client.PostAsync(Upload, File(Jpeg(11 * 1024 * 1024), "big.jpg", "image/jpeg")),
            HttpStatusCode.RequestEntityTooLarge, "attachment.too_large", ["file"]);
        // Kestrel refuses a body over its limit before reading it; a client that asks first ("Expect: 100-continue", as
        // curl does for big files) gets the 413 instead of a connection closed under its feet.
        var request = new HttpRequestMessage(HttpMethod.Post, Upload) { Content = File(Jpeg(25 * 1024 * 1024), "huge.jpg", "image/jpeg") };
        request.Headers.ExpectContinue = true;
        await RefusedAsync(await client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "request.too_large");

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Attachment_ids_that_are_unknown_or_someone_elses_bind_nothing(Engine engine)
    {
        var app = await pool.For(engine);
        var mine = await UploadAsync(app, Persona.Applicant);
        var theirs = await UploadAsync(app, Persona.OtherApplicant);
        var client = app.ClientAs(Persona.Applicant);
        var before = await StateAsync(app);

        Guid[][] cases = [[Guid.NewGuid()], [theirs], [mine, Guid.NewGuid()], [mine, theirs], [mine, mine]];
        foreach (var ids in cases)
            await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(app.Region).With("attachmentIds", ids)),
                HttpStatusCode.UnprocessableEntity, "attachments.unknown", ["attachmentIds"], because: string.Join(", ", ids));
        await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(app.Region).With("attachmentIds", Enumerable.Range(0, 11).Select(_ => mine).ToArray())),
            HttpStatusCode.UnprocessableEntity, "attachments.too_many", ["attachmentIds"]);

        await NothingChangedAsync(app, before);
        Assert.Null(await app.WithDbAsync(db => db.Attachments.Where(a => a.Id == mine).Select(a => a.AppealId).SingleAsync()));
        Assert.Null(await app.WithDbAsync(db => db.Attachments.Where(a => a.Id == theirs).Select(a => a.AppealId).SingleAsync()));

        // Once bound to an appeal, a file cannot be bound to a second one.
        var a = await app.SubmitAsync(Samples.Pothole(app.Region).With("attachmentIds", new[] { mine }));
        Assert.Equal(mine, Assert.Single(a.Attachments).Id);
        before = await StateAsync(app);
        await RefusedAsync(await client.PostJsonAsync(Submit, Samples.Pothole(app.Region).With("attachmentIds", new[] { mine })),
            HttpStatusCode.UnprocessableEntity, "attachments.unknown", ["attachmentIds"], because: "an attachment already bound");
        await NothingChangedAsync(app, before);
        Assert.Equal(a.Id, await app.WithDbAsync(db => db.Attachments.Where(x => x.Id == mine).Select(x => x.AppealId).SingleAsync()));
    }

    // ---- Transitions ----

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_transition_on_a_stale_version_is_refused_with_409(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Moderation);
        var seen = a;
        a = await app.ActAsync(Persona.CentreModerator, a, "reclassify", new { address = "ул. Ленина, 12" });
        var before = await StateAsync(app, a.Id);

        var problem = await RefusedAsync(await app.ClientAs(Persona.CentreModerator).PostJsonAsync($"{Submit}/{a.Id}/register", new { version = seen.Version }),
            HttpStatusCode.Conflict, "concurrency.stale_version");
        Assert.Contains($"версия {a.Version}", problem.GetProperty("detail").GetString());
        await RefusedAsync(await app.ClientAs(Persona.CentreModerator).PostJsonAsync($"{Submit}/{a.Id}/register", new { version = a.Version + 5 }),
            HttpStatusCode.Conflict, "concurrency.stale_version", because: "a version from the future");

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_transition_without_a_version_is_refused_with_422(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Moderation);
        var before = await StateAsync(app, a.Id);

        await RefusedAsync(await app.ClientAs(Persona.CentreModerator).PostJsonAsync($"{Submit}/{a.Id}/register", new { }),
            HttpStatusCode.UnprocessableEntity, "field.required", ["version"]);
        await RefusedAsync(await app.ClientAs(Persona.CentreModerator).PostJsonAsync($"{Submit}/{a.Id}/reject", new { ground = "spamOrAds", version = (int?)null }),
            HttpStatusCode.UnprocessableEntity, "field.required", ["version"]);
        await RefusedAsync(await app.ClientAs(Persona.CentreModerator).PostJsonAsync($"{Submit}/{a.Id}/register", new { version = "первая" }),
            HttpStatusCode.BadRequest, "field.invalid_value", ["version"]);
        await RefusedAsync(await app.ClientAs(Persona.CentreModerator).PostJsonAsync($"{Submit}/{a.Id}/register", new { version = "1" }),
            HttpStatusCode.BadRequest, "field.invalid_value", ["version"]);

        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_illegal_transition_is_refused_with_409_that_says_why(Engine engine)
    {
        var app = await pool.For(engine);

        var inWork = await app.AppealInAsync(AppealStatus.InWork);
        var before = await StateAsync(app, inWork.Id);
        var problem = await RefusedAsync(await app.ClientAs(Persona.MunAController).PostJsonAsync($"{Submit}/{inWork.Id}/answer/approve", new { version = inWork.Version }),
            HttpStatusCode.Conflict, "transition.answer.approve");
        Assert.Contains("«В работе»", problem.GetProperty("detail").GetString());
        await NothingChangedAsync(app, before);

        var registered = await app.AppealInAsync(AppealStatus.Registered);
        before = await StateAsync(app, registered.Id);
        problem = await RefusedAsync(await app.ClientAs(Persona.CentreModerator).PostJsonAsync($"{Submit}/{registered.Id}/reject", new { version = registered.Version, ground = "spamOrAds" }),
            HttpStatusCode.Conflict, "transition.moderation.reject");
        Assert.Contains("«Зарегистрировано»", problem.GetProperty("detail").GetString());
        problem = await RefusedAsync(await app.ClientAs(Persona.CentreModerator).PostJsonAsync($"{Submit}/{registered.Id}/register", new { version = registered.Version }),
            HttpStatusCode.Conflict, "transition.moderation.register");
        Assert.Contains("«Зарегистрировано»", problem.GetProperty("detail").GetString());
        await NothingChangedAsync(app, before);

        var rejected = await app.AppealInAsync(AppealStatus.Rejected);
        before = await StateAsync(app, rejected.Id);
        problem = await RefusedAsync(await app.ClientAs(Persona.CentreModerator).PostJsonAsync($"{Submit}/{rejected.Id}/register", new { version = rejected.Version }),
            HttpStatusCode.Conflict, "transition.moderation.register");
        Assert.Contains("«Отклонено модератором»", problem.GetProperty("detail").GetString());
        await NothingChangedAsync(app, before);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_reject_with_an_unknown_or_unsuitable_ground_is_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.Moderation);
        var moderator = app.ClientAs(Persona.CentreModerator);
        var before = await StateAsync(app, a.Id);

        var problem = await RefusedAsync(await moderator.PostJsonAsync($"{Submit}/{a.Id}/reject", new { version = a.Version, ground = "bogus" }),
            HttpStatusCode.BadRequest, "field.invalid_value", ["ground"]);
        Assert.Contains("spamOrAds", problem.GetProperty("detail").GetString());
        await RefusedAsync(await moderator.PostJsonAsync($"{Submit}/{a.Id}/reject", new { version = a.Version, ground = 5 }),
            HttpStatusCode.BadRequest, "field.invalid_value", ["ground"]);
        problem = await RefusedAsync(await moderator.PostJsonAsync($"{Submit}/{a.Id}/reject", new { version = a.Version, ground = "repeatedQuestion" }),
            HttpStatusCode.UnprocessableEntity, "outcome.ground", ["ground"]);
        Assert.Contains("Повторный вопрос", problem.GetProperty("detail").GetString());
        await RefusedAsync(await moderator.PostJsonAsync($"{Submit}/{a.Id}/reject", new { version = a.Version }),
            HttpStatusCode.UnprocessableEntity, "field.required", ["ground"]);
        await RefusedAsync(await moderator.PostJsonAsync($"{Submit}/{a.Id}/reject", new { version = a.Version, ground = "spamOrAds", comment = "<script>alert(1)</script>" }),
            HttpStatusCode.UnprocessableEntity, "text.markup", ["comment"]);

        await NothingChangedAsync(app, before);
    }

    // ---- Idempotency, reading, paging ----

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_idempotency_key_reused_with_another_body_is_refused(Engine engine)
    {
        var app = await pool.For(engine);
        var key = $"bad-input-{Guid.NewGuid():N}";
        var first = await app.SubmitAsync(key: key);
        var before = await StateAsync(app);

        var request = new HttpRequestMessage(HttpMethod.Post, Submit)
        {
            Content = Json(JsonSerializer.Serialize(Samples.Pothole(app.Region, text: "Другая яма, у дома 12: провал асфальта."), HttpExtensions.Options)),
        };
        request.Headers.Add("Idempotency-Key", key);
        await RefusedAsync(await app.ClientAs(Persona.Applicant).SendAsync(request), HttpStatusCode.UnprocessableEntity, "idempotency.key_reused", ["Idempotency-Key"]);

        // The same body from another person is another request too.
        request = new HttpRequestMessage(HttpMethod.Post, Submit) { Content = Json(JsonSerializer.Serialize(Samples.Pothole(app.Region), HttpExtensions.Options)) };
        request.Headers.Add("Idempotency-Key", key);
        await RefusedAsync(await app.ClientAs(Persona.OtherApplicant).SendAsync(request), HttpStatusCode.UnprocessableEntity, "idempotency.key_reused", ["Idempotency-Key"]);

        request = new HttpRequestMessage(HttpMethod.Post, Submit) { Content = Json(JsonSerializer.Serialize(Samples.Pothole(app.Region), HttpExtensions.Options)) };
        request.Headers.Add("Idempotency-Key", new string('k', 101));
        await RefusedAsync(await app.ClientAs(Persona.Applicant).SendAsync(request), HttpStatusCode.BadRequest, "idempotency.key_format", ["Idempotency-Key"]);

        await NothingChangedAsync(app, before);
        Assert.Equal(1, await app.WithDbAsync(db => db.Appeals.CountAsync(x => x.IdempotencyKey == key)));
        Assert.Equal(first.Id, await app.WithDbAsync(db => db.Appeals.Where(x => x.IdempotencyKey == key).Select(x => x.Id).SingleAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Bad_paging_or_filter_parameters_are_refused_with_400(Engine engine)
    {
        var app = await pool.For(engine);
        var moderator = app.ClientAs(Persona.CentreModerator);

        (string Query, string Code, string Field)[] cases =
        [
            ("cursor=not-a-cursor!", "paging.cursor", "cursor"),
            ("cursor=" + Convert.ToBase64String("abc|2026-000001"u8.ToArray()), "paging.cursor", "cursor"),
            ("cursor=" + Convert.ToBase64String("-5|x"u8.ToArray()), "paging.cursor", "cursor"),
            ("limit=0", "paging.limit", "limit"),
            ("limit=1000", "paging.limit", "limit"),
            ("limit=-1", "paging.limit", "limit"),
            ("sort=bogus", "paging.sort", "sort"),
            ("q=" + new string('я', 201), "search.too_long", "q"),
            ("limit=много", "request.invalid_parameter", "limit"),
            ("status=bogus", "request.invalid_parameter", "status"),
            ("organisationId=123", "request.invalid_parameter", "organisationId"),
            ("overdue=maybe", "request.invalid_parameter", "overdue"),
        ];
        foreach (var (query, code, field) in cases)
            await RefusedAsync(await moderator.GetAsync($"{Submit}?{query}"), HttpStatusCode.BadRequest, code, [field], because: query);
        var appeal = await app.SubmitAsync();
        await RefusedAsync(await moderator.GetAsync($"{Submit}/{appeal.Id}?include=journals"), HttpStatusCode.BadRequest, "query.include", ["include"]);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_unknown_appeal_is_a_404_problem(Engine engine)
    {
        var app = await pool.For(engine);
        var moderator = app.ClientAs(Persona.CentreModerator);
        var before = await StateAsync(app);

        await RefusedAsync(await moderator.GetAsync($"{Submit}/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "appeal.not_found");
        await RefusedAsync(await moderator.GetAsync($"{Submit}/{Guid.NewGuid()}/history"), HttpStatusCode.NotFound, "appeal.not_found");
        await RefusedAsync(await moderator.GetAsync($"{Submit}/{Guid.NewGuid()}?include=history"), HttpStatusCode.NotFound, "appeal.not_found");
        await RefusedAsync(await moderator.GetAsync($"{Submit}/by-number/2026-999999"), HttpStatusCode.NotFound, "appeal.not_found");
        await RefusedAsync(await moderator.PostJsonAsync($"{Submit}/{Guid.NewGuid()}/register", new { version = 1 }), HttpStatusCode.NotFound, "appeal.not_found");
        await RefusedAsync(await moderator.GetAsync($"{Submit}/not-a-guid"), HttpStatusCode.NotFound, "not_found");

        await NothingChangedAsync(app, before);
    }

    // ---- No half appeal ----

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_submission_refused_half_way_leaves_nothing_behind(Engine engine)
    {
        var app = await pool.For(engine);
        var valid = await UploadAsync(app, Persona.Applicant);
        var before = await StateAsync(app);

        // Everything is right except one of the two files: the valid one must not end up bound to anything.
        await RefusedAsync(await app.ClientAs(Persona.Applicant).PostJsonAsync(Submit,
                Samples.Pothole(app.Region).With("attachmentIds", new[] { valid, Guid.NewGuid() })),
            HttpStatusCode.UnprocessableEntity, "attachments.unknown", ["attachmentIds"]);
        // The point is checked last of all, after the catalogue: a refusal there leaves nothing either.
        await RefusedAsync(await app.ClientAs(Persona.Applicant).PostJsonAsync(Submit,
                Samples.Pothole(app.Region, at: TestRegion.Outside).With("attachmentIds", new[] { valid })),
            HttpStatusCode.UnprocessableEntity, "location.outside_territories", ["latitude"]);

        await NothingChangedAsync(app, before);
        Assert.Null(await app.WithDbAsync(db => db.Attachments.Where(a => a.Id == valid).Select(a => a.AppealId).SingleAsync()));
        // And no number was spent: the next appeal takes the next number in a row.
        var next = await app.SubmitAsync(Samples.Pothole(app.Region).With("attachmentIds", new[] { valid }));
        Assert.Equal(before.NumbersIssued + 1, int.Parse(next.Number[5..]));
    }

    // ---- Helpers ----

    /// <summary>What the database holds: every table a submission or a transition writes to, and the appeal's own state.</summary>
    sealed record State(int Appeals, int Events, int Outbox, int Attachments, int BoundAttachments, int NumbersIssued, int ServerWarnings,
        Guid? AppealId, int? Version, AppealStatus? Status);

    static Task<State> StateAsync(TestApp app, Guid? appealId = null) => app.WithDbAsync(async db =>
    {
        var appeal = appealId is null ? null : await db.Appeals.AsNoTracking().SingleAsync(a => a.Id == appealId);
        return new State(await db.Appeals.CountAsync(), await db.AppealEvents.CountAsync(), await db.Outbox.CountAsync(),
            await db.Attachments.CountAsync(), await db.Attachments.CountAsync(a => a.AppealId != null),
            await db.AppealCounters.SumAsync(c => (int?)c.Last) ?? 0, app.ServerLog.Entries.Count, appealId, appeal?.Version, appeal?.Status);
    });

    static async Task NothingChangedAsync(TestApp app, State before)
    {
        var after = await StateAsync(app, before.AppealId);
        Assert.True(app.ServerLog.Entries.Count == before.ServerWarnings,
            "The server logged warnings or errors:\n" + string.Join("\n", app.ServerLog.Entries.Skip(before.ServerWarnings)));
        Assert.Equal(before, after);
    }

    static readonly Regex Cyrillic = CyrillicPattern();

    [GeneratedRegex(@"\p{IsCyrillic}")]
    private static partial Regex CyrillicPattern();

    /// <summary>
    /// Asserts a refusal: the status, a ProblemDetails body with the stable code, Russian title and detail, and an
    /// errors entry (with Russian messages) for each named field.
    /// </summary>
    static async Task<JsonElement> RefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code, string[]? fields = null, string? because = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        var what = $"{(because is null ? "" : $"[{Shorten(because)}] ")}got {(int)response.StatusCode}: {Shorten(body)}";
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {status}, {what}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"Expected application/problem+json, got {response.Content.Headers.ContentType}; {what}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.True(problem.TryGetProperty("code", out var c) && c.GetString() == code, $"Expected code {code}; {what}");
        Assert.True(problem.TryGetProperty("status", out var s) && s.GetInt32() == (int)status, $"Expected status {(int)status} in the body; {what}");
        Assert.True(problem.TryGetProperty("title", out var t) && Cyrillic.IsMatch(t.GetString() ?? ""), $"Expected a Russian title; {what}");
        Assert.True(problem.TryGetProperty("detail", out var d) && Cyrillic.IsMatch(d.GetString() ?? ""), $"Expected a Russian detail; {what}");
        foreach (var field in fields ?? [])
        {
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object, $"Expected errors; {what}");
            Assert.True(errors.TryGetProperty(field, out var messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0,
                $"Expected errors.{field}; {what}");
            Assert.True(messages.EnumerateArray().All(m => Cyrillic.IsMatch(m.GetString() ?? "")), $"Expected Russian messages for {field}; {what}");
        }
        return problem;
    }

    static string Shorten(string s) => s.Length <= 600 ? s : s[..600] + "…";

    static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");

    static MultipartFormDataContent File(byte[] bytes, string name, string contentType)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", name } };
    }

    /// <summary>The bytes of a "JPEG": the signature, then zeros up to <paramref name="size"/>.</summary>
    static byte[] Jpeg(int size)
    {
        var bytes = new byte[size];
        bytes[0] = 0xFF; bytes[1] = 0xD8; bytes[2] = 0xFF; bytes[3] = 0xE0;
        return bytes;
    }

    static async Task<Guid> UploadAsync(TestApp app, Persona who)
    {
        var response = await app.ClientAs(who).PostAsync(Upload, File(Jpeg(4096), "яма.jpg", "image/jpeg")).Expect(HttpStatusCode.Created);
        return (await response.ReadAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
