namespace Otklik.Features.Surveys;

/// <summary>What <c>_SurveyQuestions</c> renders: the form, what was entered so far, the errors by paper number, the directory's choices.</summary>
public sealed record SurveyFormView(SurveyForm Form, IReadOnlyDictionary<string, string[]> Values, IReadOnlyDictionary<string, string[]> Errors,
    IReadOnlyList<(Guid Id, string Name)> Municipalities, IReadOnlyList<(Guid Id, string Name)> Organisations, string? AutoOrganisation)
{
    public string Value(string key) => Values.TryGetValue(key, out var v) && v.Length > 0 ? v[0] : "";
    public bool Has(string key, string value) => Values.TryGetValue(key, out var v) && v.Contains(value);
    public string? ErrorFor(string key) => Errors.TryGetValue(key, out var e) ? string.Join(" ", e) : null;
    public bool Visible(Question q) => q.ShowIf is not { } c || c.Holds(Values);

    /// <summary>A paper number as an HTML id: "23.1" → "q-23-1".</summary>
    public static string IdOf(string key) => "q-" + key.Replace('.', '-');

    /// <summary>The form's fields read back from a posted form: every field named "q[KEY]".</summary>
    public static Dictionary<string, string[]> Read(Microsoft.AspNetCore.Http.IFormCollection form) =>
        form.Keys.Where(k => k.StartsWith("q[", StringComparison.Ordinal) && k.EndsWith(']'))
            .ToDictionary(k => k[2..^1], k => form[k].Where(v => v is not null).Select(v => v!).ToArray(), StringComparer.Ordinal);
}
