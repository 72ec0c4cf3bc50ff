using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>
/// Every operation of the API description (/openapi/v1.json) gets bad input of every kind an attacker or a broken
/// client sends — malformed JSON, values of the wrong type, nulls inside arrays, numbers that overflow, dates at the
/// ends of the calendar, control characters and NUL, huge strings, impossible route values — as an anonymous caller,
/// as the region's administrator (API key) and as an applicant (API key). No answer may be a 5xx, and a refused
/// request (4xx) must leave every table as it was (row counts and the sum of every Version column, read after each
/// request). Cases are chosen with a fixed seed, so a run is repeatable; the count goes to the test output and to
/// artifacts/fuzz-{engine}.txt.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    const int Seed = 20261206;

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_api_operation_answers_bad_input_without_a_server_error_or_a_stored_change(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var appeal = await app.SubmitAsync();
        var known = KnownIds(app, appeal.Id);
        using var document = JsonDocument.Parse(await app.Anonymous().GetStringAsync("/openapi/v1.json"));
        var operations = Operations(document.RootElement).ToList();
        Assert.True(operations.Count > 50, $"The API description lists only {operations.Count} operations.");

        (string Name, HttpClient Client)[] callers =
            [("anonymous", app.Anonymous()), ("region administrator", app.ClientAs(Persona.RegionAdmin)), ("applicant", app.ClientAs(Persona.Applicant))];
        var random = new Random(Seed);
        var failures = new List<string>();
        var snapshot = new Snapshot(app);
        var state = await snapshot.TakeAsync();
        var cases = 0;
        var refused = 0;
        var watch = Stopwatch.StartNew();
        foreach (var operation in operations)
        {
            var builder = new CaseBuilder(document.RootElement, operation, known, random);
            foreach (var @case in builder.Cases())
                foreach (var (name, client) in callers)
                {
                    using var request = @case.ToRequest();
                    HttpResponseMessage response;
                    try { response = await client.SendAsync(request); }
                    catch (HttpRequestException e) { failures.Add($"{name} {@case}: connection failed: {e.Message}"); continue; }
                    cases++;
                    var status = (int)response.StatusCode;
                    var body = await response.Content.ReadAsStringAsync();
                    if (status >= 500) failures.Add($"{name} {@case}: {status} {Shorten(body)}");
                    var after = await snapshot.TakeAsync();
                    if (status >= 400)
                    {
                        refused++;
                        if (after != state) failures.Add($"{name} {@case}: refused with {status} but stored a change: {Snapshot.Difference(state, after)}");
                        // Kestrel itself refuses a NUL in the path, before the application sees the request.
                        var kestrel = body.Length == 0 && request.RequestUri!.OriginalString.Contains("%00", StringComparison.Ordinal);
                        if (status == 400 && !kestrel && !IsFieldProblem(response, body))
                            failures.Add($"{name} {@case}: 400 without a ProblemDetails naming a field: {Shorten(body)}");
                    }
                    state = after;
                    response.Dispose();
                }
        }
        var report = $"{engine}: {cases} cases over {operations.Count} operations × {callers.Length} callers, {refused} refused, " +
                     $"{failures.Count} failures, {watch.Elapsed.TotalSeconds:0.0} s (seed {Seed})";
        output.WriteLine(report);
        WriteArtifact(engine, report, failures);
        Assert.True(failures.Count == 0, $"{report}\n" + string.Join("\n", failures.Take(60)));
    }

    static bool IsFieldProblem(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return false;
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
                && errors.EnumerateObject().Any();
        }
        catch (JsonException) { return false; }
    }

    static void WriteArtifact(Engine engine, string report, List<string> failures)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Otklik.slnx"))) dir = dir.Parent;
        if (dir is null) return;
        var artifacts = Path.Combine(dir.FullName, "artifacts");
        Directory.CreateDirectory(artifacts);
        File.WriteAllLines(Path.Combine(artifacts, $"fuzz-{engine.ToString().ToLowerInvariant()}.txt"), [report, .. failures]);
    }

    static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";

    // ---- What the API description says ----

    sealed record Parameter(string Name, string In, JsonElement Schema);

    sealed record Operation(string Method, string Path, IReadOnlyList<Parameter> Parameters, string? BodyType, JsonElement? BodySchema)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    static IEnumerable<Operation> Operations(JsonElement root)
    {
        foreach (var path in root.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/v1", StringComparison.Ordinal)).OrderBy(p => p.Name, StringComparer.Ordinal))
            foreach (var method in path.Value.EnumerateObject().Where(m => m.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var parameters = method.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Select(p => new Parameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                        p.TryGetProperty("schema", out var s) ? s : default)).ToList()
                    : [];
                string? bodyType = null;
                JsonElement? bodySchema = null;
                if (method.Value.TryGetProperty("requestBody", out var rb) && rb.TryGetProperty("content", out var content))
                {
                    var first = content.EnumerateObject().First();
                    bodyType = first.Name;
                    bodySchema = first.Value.TryGetProperty("schema", out var bs) ? bs : null;
                }
                yield return new Operation(method.Name.ToUpperInvariant(), path.Name, parameters, bodyType, bodySchema);
            }
    }

    /// <summary>Ids that exist, so that a request reaches its handler's checks instead of stopping at "not found".</summary>
    static Dictionary<string, string> KnownIds(TestApp app, Guid appeal)
    {
        var r = app.Region;
        return new()
        {
            ["/appeals/"] = appeal.ToString(), ["/organisations/"] = r.MunB.ToString(), ["/people/"] = r.IdOf(Persona.MunBExecutor).ToString(),
            ["/territories/"] = r.TerritoryA.ToString(), ["/categories/"] = r.CityCategory.ToString(), ["/topics/"] = r.PotholeTopic.ToString(),
        };
    }

    // ---- The cases of one operation ----

    sealed class Case(string method, string url, HttpContent? content, string what)
    {
        public HttpRequestMessage ToRequest()
        {
            var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (content is not null)
            {
                // The same content is sent by three callers: a fresh copy each time.
                var bytes = content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
                var copy = new ByteArrayContent(bytes);
                copy.Headers.ContentType = content.Headers.ContentType;
                request.Content = copy;
            }
            return request;
        }

        public override string ToString() => $"{method} {url} [{what}]";
    }

    static readonly string Huge = new('я', 100_000);

    /// <summary>Values that have broken servers, grouped by the kind of field they are sent to.</summary>
    static readonly JsonNode?[] NumberValues =
    [
        JsonNode.Parse("1e400"), JsonNode.Parse("-1e400"), JsonNode.Parse("9223372036854775808"), JsonNode.Parse("-9223372036854775809"),
        JsonNode.Parse("2147483648"), JsonNode.Parse("1.5"), JsonValue.Create(-1), JsonValue.Create(0),
    ];

    static readonly JsonNode?[] StringValues =
    [
        JsonValue.Create("\u0000"), JsonValue.Create("Яма\u0000на дороге"), JsonValue.Create("a\u0001\u0007\u001b\u007fb"), JsonValue.Create(Huge),
        JsonValue.Create("9999-12-31"), JsonValue.Create("0001-01-01"), JsonValue.Create("9999-12-31T23:59:59+05:00"), JsonValue.Create("0001-01-01T00:00:00Z"),
        JsonValue.Create(""), JsonValue.Create("   "), JsonValue.Create("not-a-guid"), JsonValue.Create("<script>alert(1)</script>"),
    ];

    static readonly string[] QueryValues =
    [
        "9999-12-31", "0001-01-01", "9999-12-31T23:59:59+05:00", "0001-01-01T00:00:00+14:00", "1e400", "9223372036854775808", "-1",
        "\u0000", "a\u0001b", new string('я', 3000), "not-a-guid", "", "true", "[]",
    ];

    static readonly string[] RouteValues =
    [
        "not-a-guid", "%00", "99999999999999999999", "-1", "00000000-0000-0000-0000-000000000000", new string('a', 300), "..%2F..", "9999-12-31", "0001-01-01", "%E0%A4%A",
    ];

    static readonly string[] RawBodies =
    [
        "{", "{\"a\":", "null", "[]", "[null]", "\"text\"", "{}", "1e400", "{\"text\":\"\\u0000\"}", "\u0000",
    ];

    sealed class CaseBuilder(JsonElement root, Operation operation, Dictionary<string, string> known, Random random)
    {
        readonly Dictionary<string, string> _baseQuery = operation.Parameters.Where(p => p.In == "query")
            .ToDictionary(p => p.Name, p => BaseQueryValue(p.Name, p.Schema));

        public IEnumerable<Case> Cases()
        {
            var path = BasePath();
            var body = operation.BodySchema is { } schema && IsJson ? BaseValue(Resolve(schema), "", 0) : null;

            // The operation as a client that knows it would call it (it may well succeed; that is allowed).
            yield return Make(path, _baseQuery, body, "base");

            // Route values.
            foreach (var p in operation.Parameters.Where(p => p.In == "path"))
                foreach (var value in Pick(RouteValues, 3))
                    yield return Make(FillOtherRouteValues(operation.Path, p.Name, value), _baseQuery, body, $"route {p.Name}={Shorten(value)}");

            // Query values, one wrong at a time, the others right.
            foreach (var p in operation.Parameters.Where(p => p.In == "query"))
                foreach (var value in Pick(QueryValues, 4))
                    yield return Make(path, new Dictionary<string, string>(_baseQuery) { [p.Name] = value }, body, $"query {p.Name}={Shorten(value)}");

            if (operation.Method is "GET" or "DELETE" && operation.BodyType is null) yield break;

            // The body as a whole.
            foreach (var raw in Pick(RawBodies, 5))
                yield return new Case(operation.Method, Url(path, _baseQuery), new StringContent(raw, Encoding.UTF8, "application/json"), $"body {Shorten(raw)}");
            if (operation.BodyType is null || !IsJson)
            {
                yield return new Case(operation.Method, Url(path, _baseQuery), new StringContent("title;answer\r\nЯма\u0000;текст\u0001", Encoding.UTF8, "text/plain"), "text/plain with NUL");
                yield return new Case(operation.Method, Url(path, _baseQuery), new ByteArrayContent([0xFF, 0xFE, 0x00, 0xC3, 0x28]) { Headers = { ContentType = new MediaTypeHeaderValue("application/xml") } }, "invalid UTF-8");
                var broken = new ByteArrayContent("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\u0000.jpg\"\r\n\r\n\u00ff\u00d8\u00ff"u8.ToArray());
                broken.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
                yield return new Case(operation.Method, Url(path, _baseQuery), broken, "broken multipart");
                var file = new MultipartFormDataContent { { new ByteArrayContent([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), "file", "фото\u0001.jpg" } };
                yield return new Case(operation.Method, Url(path, _baseQuery), file, "multipart with a control character in the file name");
                yield break;
            }

            // One field at a time.
            if (body is JsonObject obj)
                foreach (var (field, values) in FieldMutations(operation.BodySchema!.Value, "", 0))
                    foreach (var value in values)
                    {
                        var copy = (JsonObject)obj.DeepClone();
                        Set(copy, field, value?.DeepClone());
                        yield return Make(path, _baseQuery, copy, $"{field}={Shorten(value?.ToJsonString() ?? "null")}");
                    }
        }

        bool IsJson => operation.BodyType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;

        Case Make(string path, Dictionary<string, string> query, JsonNode? body, string what) =>
            new(operation.Method, Url(path, query), body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), what);

        static string Url(string path, Dictionary<string, string> query) =>
            query.Count == 0 ? path : path + "?" + string.Join("&", query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));

        string BasePath()
        {
            var path = operation.Path;
            foreach (var p in operation.Parameters.Where(p => p.In == "path"))
                path = path.Replace("{" + p.Name + "}", BaseRouteValue(p), StringComparison.Ordinal);
            return path;
        }

        string FillOtherRouteValues(string template, string name, string value)
        {
            var path = template.Replace("{" + name + "}", value, StringComparison.Ordinal);
            foreach (var p in operation.Parameters.Where(p => p.In == "path" && p.Name != name))
                path = path.Replace("{" + p.Name + "}", BaseRouteValue(p), StringComparison.Ordinal);
            return path;
        }

        string BaseRouteValue(Parameter p)
        {
            var before = operation.Path[..operation.Path.IndexOf("{" + p.Name + "}", StringComparison.Ordinal)];
            foreach (var (prefix, id) in known)
                if (before.EndsWith(prefix, StringComparison.Ordinal)) return id;
            return TypeOf(p.Schema) switch
            {
                "integer" or "number" => "2026",
                "string" when Format(p.Schema) == "uuid" => new Guid(Bytes(16)).ToString(),
                _ => p.Name.Contains("date", StringComparison.OrdinalIgnoreCase) ? "2026-12-31" : "x",
            };
        }

        static string BaseQueryValue(string name, JsonElement schema) => name switch
        {
            "policy" => "working-days:2",
            "from" => "2026-11-23T10:00:00+05:00",
            "to" => "2026-12-23T10:00:00+05:00",
            "timeZone" => "Asia/Yekaterinburg",
            "q" or "text" => "яма",
            _ => TypeOf(schema) switch
            {
                "integer" or "number" => "10",
                "boolean" => "true",
                _ => Format(schema) switch { "uuid" => "00000000-0000-0000-0000-000000000006", "date" => "2026-11-24", "date-time" => "2026-11-23T10:00:00Z", _ => "яма" },
            },
        };

        byte[] Bytes(int n)
        {
            var b = new byte[n];
            random.NextBytes(b);
            return b;
        }

        IEnumerable<T> Pick<T>(T[] values, int n) => values.OrderBy(_ => random.Next()).Take(n).ToList();

        // ---- Schemas ----

        JsonElement Resolve(JsonElement schema)
        {
            for (var i = 0; i < 10 && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var r); i++)
            {
                var name = r.GetString()!.Split('/')[^1];
                schema = root.GetProperty("components").GetProperty("schemas").GetProperty(name);
            }
            // nullable as oneOf/anyOf [null, X]: the X.
            foreach (var key in new[] { "oneOf", "anyOf", "allOf" })
                if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty(key, out var variants))
                    foreach (var v in variants.EnumerateArray())
                        if (TypeOf(Resolve(v)) != "null") return Resolve(v);
            return schema;
        }

        static string TypeOf(JsonElement schema)
        {
            if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type)) return schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out _) ? "object" : "";
            if (type.ValueKind == JsonValueKind.String) return type.GetString()!;
            return type.EnumerateArray().Select(t => t.GetString()!).FirstOrDefault(t => t != "null") ?? "null";
        }

        static string? Format(JsonElement schema) =>
            schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) ? f.GetString() : null;

        JsonNode? BaseValue(JsonElement schema, string name, int depth)
        {
            schema = Resolve(schema);
            if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("enum", out var values))
                return values.EnumerateArray().Where(v => v.ValueKind != JsonValueKind.Null).Select(v => JsonNode.Parse(v.GetRawText())).FirstOrDefault();
            switch (TypeOf(schema))
            {
                case "object":
                    if (depth > 3) return new JsonObject();
                    var obj = new JsonObject();
                    if (schema.TryGetProperty("properties", out var props))
                        foreach (var p in props.EnumerateObject()) obj[p.Name] = BaseValue(p.Value, p.Name, depth + 1);
                    return obj;
                case "array":
                    return depth > 3 || !schema.TryGetProperty("items", out var items) ? new JsonArray() : new JsonArray(BaseValue(items, name, depth + 1));
                case "integer": return name == "version" ? JsonValue.Create(1) : JsonValue.Create(1);
                case "number":
                    return name switch { "latitude" => JsonValue.Create(56.85), "longitude" => JsonValue.Create(60.25), _ => JsonValue.Create(1.5) };
                case "boolean": return JsonValue.Create(true);
                case "string":
                    return Format(schema) switch
                    {
                        "uuid" => JsonValue.Create(name.Contains("organisation", StringComparison.OrdinalIgnoreCase) ? "00000000-0000-0000-0000-000000000006" : new Guid(Bytes(16)).ToString()),
                        "date" => JsonValue.Create("2026-12-01"),
                        "date-time" => JsonValue.Create("2026-12-01T10:00:00+05:00"),
                        _ => JsonValue.Create(name switch
                        {
                            "email" => "fuzz@example.ru", "policy" => "working-days:2", "timeZone" => "Asia/Yekaterinburg",
                            _ => "Текст для проверки",
                        }),
                    };
                default: return null;
            }
        }

        /// <summary>For each field (and each field of a nested object): the wrong values for its kind, a few chosen by the seed.</summary>
        IEnumerable<(string Field, JsonNode?[] Values)> FieldMutations(JsonElement schema, string prefix, int depth)
        {
            schema = Resolve(schema);
            if (depth > 2 || !schema.TryGetProperty("properties", out var props)) yield break;
            foreach (var p in props.EnumerateObject())
            {
                var field = prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}";
                var s = Resolve(p.Value);
                var type = TypeOf(s);
                var wrong = new List<JsonNode?> { null };
                switch (type)
                {
                    case "integer" or "number":
                        wrong.AddRange(Pick(NumberValues, 3));
                        wrong.Add(JsonValue.Create("12"));
                        break;
                    case "string":
                        wrong.AddRange(Pick(StringValues, 4));
                        wrong.Add(JsonValue.Create(12345));
                        break;
                    case "boolean":
                        wrong.Add(JsonValue.Create("true"));
                        wrong.Add(JsonValue.Create(1));
                        break;
                    case "array":
                        wrong.Add(new JsonArray((JsonNode?)null));
                        wrong.Add(new JsonArray(null, null));
                        wrong.Add(new JsonArray(JsonValue.Create("\u0000")));
                        wrong.Add(JsonNode.Parse("[1e400]"));
                        wrong.Add(JsonValue.Create("one"));
                        wrong.Add(new JsonArray([.. Enumerable.Range(0, 2000).Select(i => (JsonNode?)JsonValue.Create(i))]));
                        break;
                    case "object":
                        wrong.Add(new JsonArray());
                        wrong.Add(JsonValue.Create("x"));
                        foreach (var nested in FieldMutations(s, field, depth + 1)) yield return nested;
                        break;
                    default:
                        wrong.Add(JsonValue.Create("\u0000"));
                        wrong.Add(JsonNode.Parse("1e400"));
                        break;
                }
                yield return (field, [.. wrong]);
            }
        }

        static void Set(JsonObject obj, string field, JsonNode? value)
        {
            var parts = field.Split('.');
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (obj[parts[i]] is not JsonObject next) obj[parts[i]] = next = new JsonObject();
                obj = next;
            }
            obj[parts[^1]] = value;
        }
    }

    // ---- What the database holds ----

    /// <summary>Row counts of every table of the model and the sum of every Version column, read in one statement.</summary>
    sealed class Snapshot
    {
        readonly TestApp _app;
        readonly string _sql;
        readonly string[] _names;

        public Snapshot(TestApp app)
        {
            _app = app;
            var parts = new List<(string Name, string Sql)>();
            app.WithDbAsync(db =>
            {
                foreach (var table in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && e.GetViewName() is null)
                             .GroupBy(e => e.GetTableName()!).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    // The keys of data protection are written the first time a cookie or token is issued, whatever the answer.
                    if (table.Key.Contains("DataProtection", StringComparison.Ordinal)) continue;
                    // The audit trail is written a second after the read that caused it (a batch), so a line may land
                    // during a later request; its own tests check that each audited read makes exactly one line.
                    if (table.Key == "AuditRecords") continue;
                    // A refused sign-in is counted by design: that count is what slows a password-guessing client (ADR 0015).
                    if (table.Key == "SignInThrottles") continue;
                    parts.Add((table.Key, $"(SELECT COUNT(*) FROM \"{table.Key}\")"));
                    var version = table.Select(e => e.FindProperty("Version")).FirstOrDefault(p => p is not null);
                    if (version is not null)
                        parts.Add((table.Key + ".Version", $"(SELECT COALESCE(SUM(\"{version.GetColumnName()}\"), 0) FROM \"{table.Key}\")"));
                }
                return Task.CompletedTask;
            }).GetAwaiter().GetResult();
            _names = [.. parts.Select(p => p.Name)];
            _sql = "SELECT " + string.Join(", ", parts.Select(p => p.Sql));
        }

        public async Task<string> TakeAsync() => await _app.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = _sql;
                await using var reader = await command.ExecuteReaderAsync();
                await reader.ReadAsync();
                return string.Join(";", Enumerable.Range(0, reader.FieldCount).Select(i => $"{_names[i]}={Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture)}"));
            }
            finally { await db.Database.CloseConnectionAsync(); }
        });

        public static string Difference(string before, string after) =>
            string.Join(", ", before.Split(';').Zip(after.Split(';')).Where(p => p.First != p.Second).Select(p => $"{p.First} → {p.Second.Split('=')[1]}"));
    }
}
