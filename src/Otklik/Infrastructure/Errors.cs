using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
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
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, code, title, detail, errors) = Describe(exception);
        if (status >= 500) log.LogError(exception, "Unhandled error on {Path}", http.Request.Path);
        return await Problems.WriteAsync(problems, http, status, code, title, detail, errors);
    }

    static (int, string, string, string, IReadOnlyDictionary<string, string[]>?) Describe(Exception e) => e switch
    {
        InputException i => (i.Status, i.Code, "Запрос содержит ошибки", i.Message, i.Errors),
        RuleException r => (StatusCodes.Status409Conflict, r.Code, "Действие невозможно", r.Message, null),
        DbUpdateConcurrencyException => (StatusCodes.Status409Conflict, "concurrency.stale_version",
            "Данные изменились", "Обращение уже изменил другой сотрудник. Обновите страницу и повторите действие.", null),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (StatusCodes.Status413PayloadTooLarge, "request.too_large", "Слишком большой запрос", "Размер запроса превышает допустимый.", null),
        BadHttpRequestException { InnerException: JsonException j } =>
            (StatusCodes.Status400BadRequest, "request.malformed_json", "Запрос содержит ошибки",
                JsonFieldMessage(j), new Dictionary<string, string[]> { [JsonField(j)] = [JsonFieldMessage(j)] }),
        BadHttpRequestException b when b.Message.Contains("body", StringComparison.OrdinalIgnoreCase) && b.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase) =>
            (StatusCodes.Status400BadRequest, "request.malformed_json", "Запрос содержит ошибки", "Тело запроса не является корректным JSON.", null),
        BadHttpRequestException b => (b.StatusCode, "request.bad", "Некорректный запрос", b.Message, null),
        _ => (StatusCodes.Status500InternalServerError, "server.error", "Внутренняя ошибка", "Произошла ошибка на сервере. Попробуйте позже.", null),
    };

    static string JsonField(JsonException j)
    {
        var path = j.Path ?? "$";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path == "$" ? "body" : path.TrimStart('$');
        return string.IsNullOrEmpty(field) ? "body" : field;
    }

    static string JsonFieldMessage(JsonException j) =>
        j.Path is null or "$" ? "Тело запроса не является корректным JSON."
        : $"Недопустимое значение поля «{JsonField(j)}».";
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
