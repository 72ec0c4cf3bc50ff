using System.Text.RegularExpressions;

namespace Otklik.Infrastructure;

/// <summary>
/// The checks of free text a person types anywhere (an appeal, a note, an answer, a file's name): present, not too short or
/// long, no markup. Intake's <c>SubmitRules</c>, the staff actions and the attachments share them, so none of these
/// features has to name another for a text rule.
/// </summary>
public static partial class TextRules
{
    // A tag opens as HTML parsers read it: "<" followed at once by a letter, "/" and a letter, "!" or "?". So "a < b" and "<5 м" stay text.
    [GeneratedRegex(@"</?[a-zA-Z]|<[!?]|javascript\s*:|\bon[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex Markup();

    public static bool ContainsMarkup(string text) => Markup().IsMatch(text);

    public static void CheckText(InputErrors errors, string field, string? text, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(text)) { errors.Add(field, "field.required", "Поле обязательно для заполнения."); return; }
        var t = text.Trim();
        if (t.Length < min) errors.Add(field, "text.too_short", $"Опишите суть подробнее: не меньше {min} символов.");
        if (t.Length > max) errors.Add(field, "text.too_long", $"Текст длиннее {max} символов.");
        if (ContainsMarkup(t)) errors.Add(field, "text.markup", "Текст не должен содержать HTML-разметку или скрипты.");
    }

    public static void CheckOptional(InputErrors errors, string field, string? value, int max)
    {
        if (value is null) return;
        if (value.Length > max) errors.Add(field, "text.too_long", $"Не длиннее {max} символов.");
        if (ContainsMarkup(value)) errors.Add(field, "text.markup", "Поле не должно содержать HTML-разметку или скрипты.");
    }
}
