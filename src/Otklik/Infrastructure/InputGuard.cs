using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Otklik.Infrastructure;

/// <summary>
/// The boundary's checks of what the binder accepted but no handler should see, in one place for every API operation
/// (an endpoint filter on /api/v1) and one for every form (<see cref="UseFormCleaning"/>):
/// control characters in text (PostgreSQL refuses NUL, and no person types the others), nulls inside arrays, and
/// numbers that overflowed to infinity. The API refuses them naming the field; forms have their control characters
/// stripped, as a person's browser may paste them and the page has no way to show which field held them.
/// </summary>
public static class InputGuard
{
    /// <summary>Tab, line feed and carriage return are text; every other C0 control character and DEL are not.</summary>
    public static bool IsForbidden(char c) => c < ' ' ? c is not ('\t' or '\n' or '\r') : c == '\u007f';

    public static bool HasForbidden(string text)
    {
        foreach (var c in text) if (IsForbidden(c)) return true;
        return false;
    }

    public static string Strip(string text) => HasForbidden(text) ? string.Concat(text.Where(c => !IsForbidden(c))) : text;

    // ---- The API: an endpoint filter over the bound arguments ----

    /// <summary>Checks each bound argument of every operation (body, route, query and header values) before the handler runs.</summary>
    public static EndpointFilterDelegate Factory(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var names = context.MethodInfo.GetParameters().Select(p => p.Name ?? "").ToArray();
        var types = context.MethodInfo.GetParameters().Select(p => p.ParameterType).ToArray();
        // Handlers with no argument the filter could look at (services only) skip it entirely.
        if (!types.Any(Inspectable)) return next;
        return invocation =>
        {
            var errors = new InputErrors();
            for (var i = 0; i < invocation.Arguments.Count && i < names.Length; i++)
                if (Inspectable(types[i]))
                    Check(invocation.Arguments[i], IsBody(types[i]) ? "" : CamelCase(names[i]), errors, depth: 0);
            errors.ThrowIfAny();
            return next(invocation);
        };
    }

    /// <summary>Text, numbers, arrays and our own request records; services, HttpContext and the like are not input.</summary>
    static bool Inspectable(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type == typeof(double) || type == typeof(JsonElement) || type == typeof(float) || type.IsArray
            || (type.Namespace?.StartsWith("Otklik.", StringComparison.Ordinal) == true && !type.IsEnum && IsRecordLike(type));
    }

    /// <summary>A request body: a class of our own whose public properties are its fields (not a service: no constructor dependencies to check).</summary>
    static bool IsRecordLike(Type type) => type.IsClass && !typeof(Delegate).IsAssignableFrom(type)
        && type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Length > 0
        && type.GetMethod("<Clone>$") is not null;

    static bool IsBody(Type type) => type == typeof(JsonElement) || IsRecordLike(Nullable.GetUnderlyingType(type) ?? type);

    const int MaxDepth = 8;

    static void Check(object? value, string path, InputErrors errors, int depth)
    {
        if (value is null || depth > MaxDepth) return;
        switch (value)
        {
            case string s:
                if (HasForbidden(s))
                    errors.Add(Field(path), "field.control_characters",
                        $"Поле «{Field(path)}» содержит недопустимые управляющие символы (например, NUL).");
                return;
            case double d when !double.IsFinite(d):
                errors.Add(Field(path), "field.invalid_value", $"Недопустимое значение поля «{Field(path)}»: число вне допустимого диапазона.");
                return;
            case float f when !float.IsFinite(f):
                errors.Add(Field(path), "field.invalid_value", $"Недопустимое значение поля «{Field(path)}»: число вне допустимого диапазона.");
                return;
            case JsonElement json:
                CheckJson(json, path, errors, depth);
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = $"{path}.{entry.Key}";
                    if (entry.Key is string k && HasForbidden(k))
                        errors.Add(Field(path), "field.control_characters", $"Поле «{Field(path)}» содержит недопустимые управляющие символы (например, NUL).");
                    Check(entry.Value, key, errors, depth + 1);
                }
                return;
            case IEnumerable items when value is not string:
                var i = 0;
                foreach (var item in items)
                {
                    var at = $"{path}[{i++}]";
                    if (item is null)
                        errors.Add(Field(at), "field.null_item", $"Поле «{Field(at)}»: пустое значение (null) внутри списка недопустимо.");
                    else Check(item, at, errors, depth + 1);
                }
                return;
        }
        var type = value.GetType();
        if (type.Namespace?.StartsWith("Otklik.", StringComparison.Ordinal) != true || type.IsEnum) return;
        foreach (var (property, required) in PropertiesOf(type))
        {
            var field = path.Length == 0 ? CamelCase(property.Name) : $"{path}.{CamelCase(property.Name)}";
            var item = property.GetValue(value);
            // A list or a nested object declared non-nullable has a default of its own ("[]"); an explicit null in the
            // JSON would replace it and reach code that never expects it.
            if (item is null && required)
                errors.Add(field, "field.null", $"Поле «{field}» не может быть null: укажите значение или не передавайте поле.");
            else Check(item, field, errors, depth + 1);
        }
    }

    /// <summary>A body taken as raw JSON (a GeoJSON import): its strings and its arrays, the same as a typed body's.</summary>
    static void CheckJson(JsonElement json, string path, InputErrors errors, int depth)
    {
        if (depth > MaxDepth * 4) return;
        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                Check(json.GetString(), path, errors, depth);
                break;
            case JsonValueKind.Object:
                foreach (var p in json.EnumerateObject())
                {
                    if (HasForbidden(p.Name)) Check(p.Name, path, errors, depth);
                    CheckJson(p.Value, path.Length == 0 ? p.Name : $"{path}.{p.Name}", errors, depth + 1);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in json.EnumerateArray()) CheckJson(item, $"{path}[{i++}]", errors, depth + 1);
                break;
        }
    }

    static readonly ConcurrentDictionary<Type, (PropertyInfo Property, bool Required)[]> Properties = new();

    /// <summary>The readable properties of a request type, and whether each is a list or an object declared non-nullable.</summary>
    static (PropertyInfo, bool)[] PropertiesOf(Type type) => Properties.GetOrAdd(type, t =>
    {
        var nullability = new NullabilityInfoContext();
        return [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead && p.Name != "EqualityContract")
            .Select(p => (p, !p.PropertyType.IsValueType && p.PropertyType != typeof(string)
                && (p.PropertyType.IsArray || typeof(IEnumerable).IsAssignableFrom(p.PropertyType) || p.PropertyType.Namespace?.StartsWith("Otklik.", StringComparison.Ordinal) == true)
                && nullability.Create(p).ReadState == NullabilityState.NotNull))];
    });

    static string Field(string path) => path.Length == 0 ? "body" : path;

    static string CamelCase(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    // ---- Forms: control characters stripped before any page binds them ----

    /// <summary>
    /// Replaces a form's values by the same values without control characters (except tab and line breaks), so that no
    /// page stores a NUL whatever it binds. Files are passed through untouched. A form that cannot be read is refused
    /// with a 400 naming the body; one over a size limit is refused by the limit's own handler.
    /// </summary>
    public static IApplicationBuilder UseFormCleaning(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.HasFormContentType && !HttpMethods.IsGet(http.Request.Method))
        {
            IFormCollection form;
            var urlEncoded = http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;
            if (urlEncoded) http.Request.EnableBuffering();
            try { form = await http.Request.ReadFormAsync(http.RequestAborted); }
            catch (InvalidDataException) when (urlEncoded)
            {
                // ASP.NET Core's form reader refuses an encoded NUL ("%00") outright; read the buffered body again
                // without it, so that the NUL is stripped like every other control character.
                http.Request.Body.Position = 0;
                using var reader = new StreamReader(http.Request.Body, leaveOpen: true);
                var raw = (await reader.ReadToEndAsync(http.RequestAborted)).Replace("%00", "", StringComparison.Ordinal);
                form = new FormCollection(await new Microsoft.AspNetCore.WebUtilities.FormReader(raw).ReadFormAsync(http.RequestAborted));
                http.Features.Set<IFormFeature>(new FormFeature(form));
            }
            // BadHttpRequestException (a body over its limit: 413) is an IOException too, and stays the framework's.
            catch (Exception e) when (e is InvalidDataException or IOException && e is not BadHttpRequestException)
            {
                // A broken multipart body (no closing boundary, a cut-off stream) is the client's, not a server error.
                await Problems.WriteAsync(http.RequestServices.GetRequiredService<IProblemDetailsService>(), http, StatusCodes.Status400BadRequest,
                    "request.malformed_form", "Запрос содержит ошибки", "Тело запроса не является корректной формой.",
                    new Dictionary<string, string[]> { ["body"] = ["Тело запроса не является корректной формой."] });
                return;
            }
            if (form.Any(f => f.Value.Any(v => v is not null && HasForbidden(v))))
            {
                var clean = form.ToDictionary(f => f.Key, f => new StringValues([.. f.Value.Select(v => v is null ? v : Strip(v))]));
                http.Features.Set<IFormFeature>(new FormFeature(new FormCollection(clean, form.Files)));
            }
        }
        await next(http);
    });
}
