using Lucene.Net.Analysis.Ru;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Otklik.Features.Search;

/// <summary>
/// Russian word forms reduced to their stems by Lucene.Net's <see cref="RussianAnalyzer"/> (Snowball, stop words removed):
/// «субсидии», «субсидию», «субсидия» → «субсид». SQLite's FTS5 has no Russian stemmer, so its index holds these stems
/// and queries are stemmed the same way; both engines use it to decide which words of a fragment to highlight.
/// </summary>
public static class RussianText
{
    static readonly RussianAnalyzer Analyzer = new(LuceneVersion.LUCENE_48);

    public readonly record struct Token(string Stem, int Start, int End);

    public static List<Token> Tokens(string? text)
    {
        var tokens = new List<Token>();
        if (string.IsNullOrWhiteSpace(text)) return tokens;
        using var stream = Analyzer.GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken()) tokens.Add(new Token(term.ToString(), offset.StartOffset, offset.EndOffset));
        stream.End();
        return tokens;
    }

    public static string Stems(string? text) => string.Join(' ', Tokens(text).Select(t => t.Stem));
}
