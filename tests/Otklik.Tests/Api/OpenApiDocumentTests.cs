using System.Net;
using System.Text.Json;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>
/// Issue 16 item 7: the OpenAPI document as an integrator's generator reads it — distinct request schemas, the ways to
/// authenticate, the ProblemDetails answers, the Idempotency-Key header, an id and a summary on every operation, and
/// nullable fields not required.
/// </summary>
public sealed class OpenApiDocumentTests(AppPool pool) : IClassFixture<AppPool>
{
    static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    static async Task<JsonElement> DocumentAsync(TestApp app)
    {
        var response = await app.Anonymous().GetAsync("/openapi/v1.json").Expect(HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    static JsonElement Operation(JsonElement doc, string method, string path) => doc.GetProperty("paths").GetProperty(path).GetProperty(method);

    static JsonElement BodySchema(JsonElement doc, JsonElement operation)
    {
        var schema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var id = schema.GetProperty("$ref").GetString()!.Split('/')[^1];
        return doc.GetProperty("components").GetProperty("schemas").GetProperty(id);
    }

    static HashSet<string> Required(JsonElement schema) =>
        schema.TryGetProperty("required", out var r) ? [.. r.EnumerateArray().Select(x => x.GetString()!)] : [];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Routing_and_deadline_rules_have_their_own_request_schemas(Engine engine)
    {
        var doc = await DocumentAsync(await pool.For(engine));
        var routing = BodySchema(doc, Operation(doc, "post", "/api/v1/routing/rules"));
        var routingUpdate = BodySchema(doc, Operation(doc, "put", "/api/v1/routing/rules/{id}"));
        var deadline = BodySchema(doc, Operation(doc, "post", "/api/v1/deadline-rules"));
        Assert.True(routing.GetProperty("properties").TryGetProperty("conditions", out _));
        Assert.True(routingUpdate.GetProperty("properties").TryGetProperty("actions", out _));
        Assert.False(routing.GetProperty("properties").TryGetProperty("policy", out _));
        Assert.True(deadline.GetProperty("properties").TryGetProperty("policy", out _));
        // Every field of these requests may be left out (the API says which it needs, as a 422 naming the field).
        Assert.Empty(Required(routing));
        Assert.Empty(Required(deadline));
    }

    /// <summary>
    /// The API reads enums as strings only; a schema listing the values with no type made NSwag's client send numbers
    /// (a routing rule's «arrival»: 0), refused with 400 field.invalid_value.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_enum_is_a_string_schema(Engine engine)
    {
        var doc = await DocumentAsync(await pool.For(engine));
        var enums = doc.GetProperty("components").GetProperty("schemas").EnumerateObject().Where(s => s.Value.TryGetProperty("enum", out _)).ToList();
        Assert.Contains(enums, s => s.Name == "ArrivalWindow");
        Assert.All(enums, s => Assert.True(s.Value.TryGetProperty("type", out var type) && type.GetString() == "string", $"{s.Name} has no \"type\": \"string\""));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Security_problems_idempotency_and_names_are_declared(Engine engine)
    {
        var doc = await DocumentAsync(await pool.For(engine));
        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal(("apiKey", "cookie"), (schemes.GetProperty("cookie").GetProperty("type").GetString(), schemes.GetProperty("cookie").GetProperty("in").GetString()));
        Assert.Equal(("http", "bearer"), (schemes.GetProperty("apiKey").GetProperty("type").GetString(), schemes.GetProperty("apiKey").GetProperty("scheme").GetString()));

        // An administrator's change: both ways in, and every refusal it can give, as ProblemDetails.
        var update = Operation(doc, "put", "/api/v1/organisations/{id}");
        Assert.Equal(2, update.GetProperty("security").GetArrayLength());
        foreach (var status in new[] { "400", "401", "403", "404", "409", "422" })
        {
            var content = update.GetProperty("responses").GetProperty(status).GetProperty("content");
            Assert.EndsWith("/ProblemDetails", content.GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
        }
        // A public read needs no credentials and cannot be refused for them.
        var categories = Operation(doc, "get", "/api/v1/categories");
        Assert.False(categories.TryGetProperty("security", out _));
        Assert.False(categories.GetProperty("responses").TryGetProperty("401", out _));

        var submit = Operation(doc, "post", "/api/v1/appeals");
        var header = submit.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Idempotency-Key");
        // Optional: the writer leaves "required": false out.
        Assert.Equal(("header", false), (header.GetProperty("in").GetString(), header.TryGetProperty("required", out var required) && required.GetBoolean()));

        var ids = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                Assert.True(op.Value.TryGetProperty("operationId", out var id), $"{op.Name} {path.Name} has no operationId");
                Assert.True(op.Value.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 3, $"{op.Name} {path.Name} has no summary");
                ids.Add(id.GetString()!);
            }
        Assert.True(ids.Count > 100, $"{ids.Count} operations");
        Assert.Empty(ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    /// <summary>
    /// Every operation that answers with a body says what the body is: a success answer other than 204 must carry a
    /// content type with a schema (a JSON type, or a binary string for a file). An «OK» with no content is what an
    /// untyped <c>IResult</c> handler leaves in the document, and a generated client then returns nothing.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_operation_that_returns_a_body_has_a_response_schema(Engine engine)
    {
        var doc = await DocumentAsync(await pool.For(engine));
        var missing = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
                foreach (var response in op.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2') && r.Name != "204"))
                {
                    var typed = response.Value.TryGetProperty("content", out var content) && content.EnumerateObject().Any()
                        && content.EnumerateObject().All(c => c.Value.TryGetProperty("schema", out _))
                        // A webhook whose protocol wants a bare 200 (Telegram's) says in its description that there is no body.
                        || response.Value.TryGetProperty("description", out var said) && said.GetString()!.Contains("no body", StringComparison.Ordinal);
                    if (!typed) missing.Add($"{op.Name.ToUpperInvariant()} {path.Name} {response.Name} ({op.Value.GetProperty("operationId").GetString()})");
                }
        Assert.True(missing.Count == 0, $"{missing.Count} operations answer a body with no schema:\n" + string.Join("\n", missing));
        // A file is a binary string of its own content type; a former anonymous object is a named schema.
        var csv = Operation(doc, "get", "/api/v1/knowledge/export.csv").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("text/csv").GetProperty("schema");
        if (csv.TryGetProperty("$ref", out var file)) csv = doc.GetProperty("components").GetProperty("schemas").GetProperty(file.GetString()!.Split('/')[^1]);
        Assert.Equal(("string", "binary"), (csv.GetProperty("type").GetString(), csv.GetProperty("format").GetString()));
        var unread = Operation(doc, "get", "/api/v1/notifications/unread").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.EndsWith("/UnreadCount", unread.GetProperty("$ref").GetString());
    }
}
