using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Otklik.Infrastructure;

/// <summary>
/// What the minimal APIs do not tell the OpenAPI document by themselves, said once for every operation (issue 16 item 7):
/// how a caller authenticates, the ProblemDetails answers each kind of operation gives, the Idempotency-Key header of
/// intake, an operation id and a summary on each operation, and that a nullable field is not a required one.
/// </summary>
public static class OpenApiDescription
{
    public const string CookieScheme = "cookie";
    public const string ApiKeyScheme = "apiKey";
    const string Problem = "ProblemDetails";

    public static void Configure(OpenApiOptions o)
    {
        o.AddDocumentTransformer((document, _, _) => { DescribeDocument(document); return Task.CompletedTask; });
        o.AddOperationTransformer((operation, context, _) => { DescribeOperation(operation, context); return Task.CompletedTask; });
        o.AddSchemaTransformer((schema, context, _) => { NullableIsOptional(schema, context); EnumsAreStrings(schema); return Task.CompletedTask; });
    }

    static void DescribeDocument(OpenApiDocument document)
    {
        document.Info.Title = "Otklik API";
        // A generator's default (NSwag) makes an optional enum or number a plain value and sends its first member where
        // the caller set nothing; the API reads a missing field as "not set", so the document tells integrators.
        document.Info.Description ??= "Enums are camelCase strings. A field not listed as required may be left out and means «not set»: "
            + "generate optional properties as nullable (NSwag: generateOptionalPropertiesAsNullable) and do not send nulls.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = CrossSiteGuard.SessionCookie,
            Description = "The session cookie of POST /api/v1/auth/login. A request that changes something must carry the site's Origin header.",
        };
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "otk_…",
            Description = "An API key issued by an administrator, sent as «Authorization: Bearer otk_…»; it acts as its person, with their roles.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[Problem] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details: a Russian title and detail for people, a stable code for programs, and the fields at fault.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A stable code, e.g. field.required or concurrency.stale_version." },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object | JsonSchemaType.Null, Description = "The fields at fault, named as in the request, each with its reasons.",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            },
            Required = new HashSet<string> { "title", "status", "code" },
        };

        // OpenAPI 3.1 says "nullable" as oneOf [null, $ref] and puts null among an enum's values; generators (NSwag) make
        // wrapper classes of the first and cannot read the second. A nullable field is optional anyway (NullableIsOptional),
        // so the property names the referenced schema alone and the enum lists its values.
        foreach (var schema in document.Components.Schemas.Values.OfType<OpenApiSchema>())
        {
            if (schema.Enum is { Count: > 0 } values && values.Any(v => v is null))
            {
                schema.Enum = [.. values.Where(v => v is not null)];
                if ((schema.Type is null || schema.Type == (JsonSchemaType.String | JsonSchemaType.Null))
                    && schema.Enum.All(v => v is JsonValue value && value.GetValueKind() == JsonValueKind.String))
                    schema.Type = JsonSchemaType.String;
            }
            if (schema.Properties is { } properties)
                foreach (var (name, property) in properties.ToList())
                    if (property is OpenApiSchema { OneOf: { Count: 2 } one } && one.Any(x => x.Type == JsonSchemaType.Null)
                        && one.OfType<OpenApiSchemaReference>().FirstOrDefault() is { } reference)
                        properties[name] = reference;
        }

        // Operation ids must be unique: the same handler name in two features (ListRules) is told apart by its tag.
        var operations = (document.Paths ?? new OpenApiPaths()).Values.SelectMany(p => p.Operations ?? new Dictionary<HttpMethod, OpenApiOperation>())
            .Select(o => o.Value).ToList();
        foreach (var group in operations.GroupBy(o => o.OperationId).Where(g => g.Key is not null && g.Count() > 1))
            foreach (var op in group)
                op.OperationId = (op.Tags?.FirstOrDefault()?.Name ?? "Api") + op.OperationId;
    }

    static void DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var method = description.HttpMethod?.ToUpperInvariant() ?? "GET";
        var path = "/" + (description.RelativePath ?? "");
        var handler = metadata.OfType<MethodInfo>().FirstOrDefault(m => !m.Name.Contains('<', StringComparison.Ordinal));

        // A handler called just "Create" or "List" says what only with its feature: the tag joins it.
        var tag = operation.Tags?.FirstOrDefault()?.Name ?? "";
        var name = handler?.Name is { } n && n.EndsWith("Async", StringComparison.Ordinal) ? n[..^5] : handler?.Name;
        var single = name is not null && !System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Z][a-z0-9]+[A-Z]");
        operation.OperationId ??= name is null ? NameFromRoute(method, path) : single ? tag + name : name;
        operation.Summary ??= name is null ? $"{method} {path}" : Sentence(name) + (single && tag.Length > 0 ? $" ({tag})" : "");

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var authorized = !anonymous && (metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<CallerRequired>().Any());
        var hasBody = description.ParameterDescriptions.Any(p => p.Source.Id is "Body" or "Form") || method is "POST" or "PUT" or "PATCH";
        var changes = method is not ("GET" or "HEAD");

        if (authorized)
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] },
            ];
        }

        if (method == "POST" && path.Equals("/api/v1/appeals", StringComparison.OrdinalIgnoreCase))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "Idempotency-Key", In = ParameterLocation.Header, Required = false,
                Description = "Up to 100 printable characters. A retry with the same key and body returns the appeal already made; the same key with another body is refused (409, idempotency.key_reused).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100 },
            });
        }

        operation.Responses ??= new OpenApiResponses();
        if (description.ParameterDescriptions.Count > 0 || hasBody) AddProblem(operation, context, "400", "Bad input: the fields at fault are named in «errors».");
        if (authorized)
        {
            AddProblem(operation, context, "401", "Not signed in, or the API key is unknown or revoked.");
            AddProblem(operation, context, "403", "The caller's roles or organisations do not reach this.");
        }
        if (path.Contains('{', StringComparison.Ordinal)) AddProblem(operation, context, "404", "Not found (or not visible to the caller).");
        if (changes) AddProblem(operation, context, "409", "A rule of the domain forbids it now, or the data changed meanwhile (concurrency.stale_version).");
        if (hasBody) AddProblem(operation, context, "422", "The request is understood but its values are refused; the fields are named in «errors».");
    }

    static void AddProblem(OpenApiOperation operation, OpenApiOperationTransformerContext context, string status, string what)
    {
        if (operation.Responses!.ContainsKey(status)) return;
        operation.Responses[status] = new OpenApiResponse
        {
            Description = what,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(Problem, context.Document) },
            },
        };
    }

    /// <summary>
    /// The API reads and writes enums as camelCase strings only (Json.Configure), but the generated schema of an enum lists
    /// its values with no "type"; a generator then takes it for an integer enum and its client sends 0 for «any», which the
    /// API refuses (400 field.invalid_value). An enum whose values are strings says it is a string.
    /// </summary>
    static void EnumsAreStrings(OpenApiSchema schema)
    {
        if (schema.Type is null && schema.Enum is { Count: > 0 } values
            && values.All(v => v is null || v is JsonValue value && value.GetValueKind() == JsonValueKind.String))
            schema.Type = values.Any(v => v is null) ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
    }

    /// <summary>
    /// A record's constructor makes every parameter "required" in the generated schema; a nullable one may be left out
    /// (the API treats a missing field as null), so a generated client must not insist on it.
    /// </summary>
    static void NullableIsOptional(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        if (schema.Required is not { Count: > 0 } required || context.JsonTypeInfo.Properties.Count == 0) return;
        var nullability = new NullabilityInfoContext();
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            var nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null
                || property.AttributeProvider switch
                {
                    PropertyInfo p => nullability.Create(p).ReadState == NullabilityState.Nullable,
                    FieldInfo f => nullability.Create(f).ReadState == NullabilityState.Nullable,
                    _ => false,
                };
            if (nullable) required.Remove(property.Name);
        }
    }

    static string Sentence(string pascal)
    {
        var words = System.Text.RegularExpressions.Regex.Replace(pascal.EndsWith("Async", StringComparison.Ordinal) ? pascal[..^5] : pascal, "(?<=[a-z0-9])(?=[A-Z])", " ");
        return words.Length == 0 ? pascal : char.ToUpperInvariant(words[0]) + words[1..].ToLowerInvariant() + ".";
    }

    static string NameFromRoute(string method, string path)
    {
        var parts = path.Split(['/', '-', '{', '}', ':', '.'], StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p is not "api" and not "v1" and not "guid" and not "int").Select(p => char.ToUpperInvariant(p[0]) + p[1..]);
        return char.ToUpperInvariant(method[0]) + method[1..].ToLowerInvariant() + string.Concat(parts);
    }
}
