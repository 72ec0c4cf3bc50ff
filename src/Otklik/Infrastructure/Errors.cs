using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Otklik.Infrastructure;

/// <summary>A broken business rule: the request was understood but the state does not allow it (409).</summary>
public sealed class RuleException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>Bad input: one or more fields are wrong (400 or 422). Nothing has been changed.</summary>
public sealed class InputException : Exception
{
    public InputException(string field, string code, string message, int status = StatusCodes.Status400BadRequest)
        : this(new Dictionary<string, string[]> { [field] = [message] }, code, message, status) { }

    public InputException(IDictionary<string, string[]> errors, string code, string message, int status = StatusCodes.Status400BadRequest)
        : base(message)
    {
        Errors = new Dictionary<string, string[]>(errors);
        Code = code;
        Status = status;
    }

    public IReadOnlyDictionary<string, string[]> Errors { get; }
    public string Code { get; }
    public int Status { get; }
}

/// <summary>Collects field errors, then throws one <see cref="InputException"/> with all of them.</summary>
public sealed class InputErrors
{
    readonly Dictionary<string, List<string>> _errors = [];
    string? _firstCode;

    public bool Any => _errors.Count > 0;

    public InputErrors Add(string field, string code, string message)
    {
        _firstCode ??= code;
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public void ThrowIfAny(int status = StatusCodes.Status400BadRequest)
    {
        if (!Any) return;
        var first = _errors.First();
        throw new InputException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), _firstCode!,
            first.Value[0], status);
    }
}

/// <summary>Turns every failure into a ProblemDetails: Russian title and detail for people, a stable code for machines.</summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, code, title, detail, errors) = Describe(exception, http);
        if (status >= 500) log.LogError(exception, "Unhandled error on {Path}", http.Request.Path);
        // A browser asking for a page gets one: the exception handler re-executes to the error page (ErrorPages).
        if (ErrorPages.WantsPage(http)) return false;
        return await Problems.WriteAsync(problems, http, status, code, title, detail, errors);
    }

    const string BadRequest = "Запрос содержит ошибки";

    internal static (int, string, string, string, IReadOnlyDictionary<string, string[]>?) Describe(Exception e, HttpContext http) => e switch
    {
        InputException i => (i.Status, i.Code, BadRequest, i.Message, i.Errors),
        RuleException r => (StatusCodes.Status409Conflict, r.Code, "Действие невозможно", r.Message, null),
        DbUpdateConcurrencyException => (StatusCodes.Status409Conflict, "concurrency.stale_version",
            "Данные изменились", "Обращение уже изменил другой сотрудник. Обновите страницу и повторите действие.", null),
        BadHttpRequestException b => DescribeBadRequest(b, http),
        _ => (StatusCodes.Status500InternalServerError, "server.error", "Внутренняя ошибка", "Произошла ошибка на сервере. Попробуйте позже.", null),
    };

    /// <summary>
    /// Kestrel and the minimal-API binder refuse a request with a BadHttpRequestException whose message is English and
    /// meant for logs; the people get a Russian reason and the field, recognised from the status and the framework's
    /// message templates (RequestDelegateFactory's log messages, stable across releases).
    /// </summary>
    static (int, string, string, string, IReadOnlyDictionary<string, string[]>?) DescribeBadRequest(BadHttpRequestException b, HttpContext http)
    {
        if (b.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return (413, "request.too_large", "Слишком большой запрос", "Размер запроса превышает допустимый.", null);
        if (b.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            return (415, "request.unsupported_media_type", "Неподдерживаемый тип содержимого",
                b.Message.Contains("form media type", StringComparison.Ordinal)
                    ? "Файл отправляется формой: Content-Type multipart/form-data."
                    : "Тело запроса отправляется в формате JSON: Content-Type application/json.", null);
        if (b.InnerException is JsonException j) return DescribeJson(j, http);
        if (b.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || b.Message.EndsWith("was not provided from body.", StringComparison.Ordinal))
            return Field(400, "request.malformed_json", "body", "Тело запроса пустое: ожидается объект JSON.");
        if (FailedToBind().Match(b.Message) is { Success: true } bind)
        {
            var name = CamelCase(bind.Groups["name"].Value);
            return Field(400, "request.invalid_parameter", name, $"Недопустимое значение параметра «{name}»: «{Shorten(bind.Groups["value"].Value)}».");
        }
        if (NotProvided().Match(b.Message) is { Success: true } missing)
        {
            var name = CamelCase(missing.Groups["name"].Value);
            return Field(400, "request.missing_parameter", name, $"Не указан обязательный параметр «{name}».");
        }
        if (b.Message.Contains("request body as form", StringComparison.Ordinal) || b.Message.Contains("request form", StringComparison.Ordinal)
            || b.InnerException is InvalidDataException)
            return Field(400, "request.malformed_form", "body", "Тело запроса не является корректной формой multipart/form-data.");
        // Whatever else the framework refuses concerns the request as a whole: the body is the field at fault.
        return b.StatusCode == StatusCodes.Status400BadRequest
            ? Field(400, "request.bad", "body", "Некорректный запрос.")
            : (b.StatusCode, "request.bad", Problems.TitleFor(b.StatusCode), "Некорректный запрос.", null);
    }

    /// <summary>
    /// Broken JSON (a syntax error: the serializer wraps the reader's exception, itself a JsonException) concerns the
    /// whole body; a well-formed value of the wrong type or an unknown enum member concerns its field, and for an enum
    /// the allowed values are named.
    /// </summary>
    static (int, string, string, string, IReadOnlyDictionary<string, string[]>?) DescribeJson(JsonException j, HttpContext http)
    {
        var path = j.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : null;
        if (j.InnerException is JsonException || path is null)
            return Field(400, "request.malformed_json", "body", "Тело запроса не является корректным JSON.");
        var allowed = EnumValuesAt(http, path);
        var message = allowed is null
            ? $"Недопустимое значение поля «{path}»."
            : $"Недопустимое значение поля «{path}»: допустимы {string.Join(", ", allowed)}.";
        return Field(400, "field.invalid_value", path, message);
    }

    /// <summary>The camelCase members of the enum at <paramref name="path"/> in the endpoint's JSON body type, if it is an enum.</summary>
    static string[]? EnumValuesAt(HttpContext http, string path)
    {
        var type = http.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        foreach (var segment in path.Split('.'))
        {
            var property = type?.GetProperty(segment.Split('[')[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            type = property is null ? null : ValueTypeOf(property.PropertyType);
        }
        return type is { IsEnum: true } ? [.. Enum.GetNames(type).Select(CamelCase)] : null;
    }

    /// <summary>What one value of a property is: the element of an array, the type under a Nullable.</summary>
    static Type ValueTypeOf(Type type)
    {
        if (type.IsArray) type = type.GetElementType()!;
        return Nullable.GetUnderlyingType(type) ?? type;
    }

    static (int, string, string, string, IReadOnlyDictionary<string, string[]>?) Field(int status, string code, string field, string message) =>
        (status, code, BadRequest, message, new Dictionary<string, string[]> { [field] = [message] });

    static string CamelCase(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "…";

    [GeneratedRegex("^Failed to bind parameter \"(?<type>.+) (?<name>[^ ]+)\" from \"(?<value>.*)\"\\.$", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex("^Required parameter \"(?<type>.+) (?<name>[^ ]+)\" was not provided from (?<source>.+)\\.$", RegexOptions.Singleline)]
    private static partial Regex NotProvided();
}

public static class Problems
{
    public static async ValueTask<bool> WriteAsync(IProblemDetailsService problems, HttpContext http, int status, string code,
        string title, string detail, IReadOnlyDictionary<string, string[]>? errors)
    {
        http.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://otklik.local/problems/{code}" };
        problem.Extensions["code"] = code;
        if (errors is not null) problem.Extensions["errors"] = errors;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }

    /// <summary>Status codes produced without an exception (401, 403, 404, 405, 415) still get a Russian ProblemDetails.</summary>
    public static string TitleFor(int status) => status switch
    {
        401 => "Требуется вход",
        403 => "Недостаточно прав",
        404 => "Не найдено",
        405 => "Метод не поддерживается",
        413 => "Слишком большой запрос",
        415 => "Неподдерживаемый тип содержимого",
        _ => "Ошибка запроса",
    };

    public static string CodeFor(int status) => status switch
    {
        401 => "auth.required",
        403 => "auth.forbidden",
        404 => "not_found",
        405 => "request.method_not_allowed",
        413 => "request.too_large",
        415 => "request.unsupported_media_type",
        _ => "request.bad",
    };
}
