using System.Text.Json;

namespace Otklik.Infrastructure;

/// <summary>
/// Enum values in query strings, read as JSON bodies read them: by name in any letter case ("?status=moderation", the
/// spelling of the OpenAPI document), never as numbers. ASP.NET Core's own binding of enums is case-sensitive and
/// answers a mismatch with an English 400, so list filters take strings and parse them here.
/// </summary>
public static class QueryValues
{
    public static T? Enum<T>(string field, string? value) where T : struct, System.Enum
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var name = value.Trim();
        foreach (var candidate in System.Enum.GetValues<T>())
            if (string.Equals(candidate.ToString(), name, StringComparison.OrdinalIgnoreCase))
                return candidate;
        throw new InputException(field, "request.invalid_parameter",
            $"Недопустимое значение «{value}» параметра «{field}». Допустимые значения: {string.Join(", ", System.Enum.GetNames<T>().Select(JsonNamingPolicy.CamelCase.ConvertName))}.");
    }

    public static T[] Enums<T>(string field, string[]? values) where T : struct, System.Enum =>
        values is null ? [] : [.. values.Select(v => Enum<T>(field, v)).OfType<T>()];
}
