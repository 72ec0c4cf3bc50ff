using System.Text;

namespace Otklik.Features.Search;

/// <summary>
/// A query as people type it, the syntax of PostgreSQL's <c>websearch_to_tsquery</c>: words (every one must occur, in
/// any form), "a quoted phrase" (these words in a row), and -word or -"phrase" to exclude. Each part is kept as its stems.
/// </summary>
public sealed record SearchQuery(string Text, IReadOnlyList<SearchQuery.Part> Parts)
{
    public sealed record Part(IReadOnlyList<string> Stems, bool Excluded);

    public const int MaxLength = 200;

    public IEnumerable<Part> Required => Parts.Where(p => !p.Excluded);

    /// <summary>Nothing to look for: empty, or only stop words («на», «и») or exclusions.</summary>
    public bool IsEmpty => !Required.Any();

    public HashSet<string> RequiredStems => [.. Required.SelectMany(p => p.Stems)];

    public static SearchQuery Parse(string? text)
    {
        text = (text ?? "").Trim();
        var parts = new List<Part>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            var excluded = text[i] == '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]);
            if (excluded) i++;
            string chunk;
            if (text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                if (end < 0) end = text.Length;
                chunk = text[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var end = i;
                while (end < text.Length && !char.IsWhiteSpace(text[end])) end++;
                chunk = text[i..end];
                i = end;
            }
            // A word that splits into several stems ("2026-000123") is a phrase of them, as in PostgreSQL.
            var stems = RussianText.Tokens(chunk).Select(t => t.Stem).ToList();
            if (stems.Count > 0) parts.Add(new Part(stems, excluded));
        }
        return new SearchQuery(text, parts);
    }

    /// <summary>The words of a long typed text, for suggestions: any of them may match, the more the better.</summary>
    public static SearchQuery AnyWords(string? text, int max = 30) =>
        new(text ?? "", [.. RussianText.Tokens(text).Select(t => t.Stem).Where(s => s.Length >= 3 && !s.All(char.IsDigit))
            .Distinct().Take(max).Select(s => new Part([s], false))]);

    /// <summary>The FTS5 MATCH expression over the stemmed columns.</summary>
    public string ToFts5(bool any)
    {
        static string Quote(Part p) => "\"" + string.Join(' ', p.Stems).Replace("\"", "\"\"") + "\"";
        var sb = new StringBuilder("(");
        sb.Append(string.Join(any ? " OR " : " AND ", Required.Select(Quote)));
        sb.Append(')');
        foreach (var p in Parts.Where(p => p.Excluded)) sb.Append(" NOT ").Append(Quote(p));
        return sb.ToString();
    }

    /// <summary>A PostgreSQL tsquery of plain lexemes joined by OR (suggestions); the words are letters and digits only.</summary>
    public string ToTsQueryAny() =>
        string.Join(" | ", System.Text.RegularExpressions.Regex.Matches(Text, @"\p{L}[\p{L}\p{N}]{2,}").Select(m => m.Value.ToLowerInvariant()).Distinct().Take(30));
}
