using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Search;

namespace Otklik.Features.Surveys;

/// <summary>
/// The analysis of a survey's answers: per question the distribution, the mean (of a scale) and the share satisfied;
/// the follow-up texts grouped by their frequent words. Counted in the database (one GROUP BY over the answers of the
/// filtered questionnaires), so 100 000 questionnaires are read as a few hundred rows.
/// </summary>
public static class SurveyAnalysis
{
    /// <summary>An anonymous survey never shows a group smaller than this: a single answer in a small municipality names its author.</summary>
    public const int MinGroup = 5;

    public sealed record Filter(Guid? OrganisationId = null, Guid? TerritoryId = null, SurveyChannel? Channel = null, DateOnly? From = null, DateOnly? To = null, int? Version = null);

    public sealed record Row(string Value, string Text, int Count, double Share);
    public sealed record KeyResult(string Key, string Label, int Answered, IReadOnlyList<Row> Rows, double? Mean, double? Satisfied, bool Suppressed);
    public sealed record QuestionResult(Question Question, IReadOnlyList<KeyResult> Keys);
    public sealed record TextGroup(string Word, int Count, IReadOnlyList<string> Examples);
    public sealed record Result(int Responses, bool Suppressed, IReadOnlyList<QuestionResult> Questions, IReadOnlyDictionary<string, IReadOnlyList<TextGroup>> Texts);

    public static IQueryable<SurveyResponse> Responses(AppDbContext db, Guid surveyId, Filter f)
    {
        var q = db.SurveyResponses.AsNoTracking().Where(r => r.SurveyId == surveyId);
        if (f.OrganisationId is { } o) q = q.Where(r => r.OrganisationId == o);
        if (f.TerritoryId is { } t) q = q.Where(r => r.TerritoryId == t);
        if (f.Channel is { } c) q = q.Where(r => r.Channel == c);
        if (f.From is { } from) q = q.Where(r => r.SubmittedOn >= from);
        if (f.To is { } to) q = q.Where(r => r.SubmittedOn <= to);
        if (f.Version is { } v) q = q.Where(r => r.VersionNumber == v);
        return q;
    }

    public static async Task<Result> RunAsync(AppDbContext db, Survey survey, SurveyForm form, Filter filter, IReadOnlyDictionary<string, string> directoryNames, CancellationToken ct)
    {
        var responses = Responses(db, survey.Id, filter);
        var total = await responses.CountAsync(ct);
        var anonymous = survey.IsAnonymous;
        if (anonymous && total < MinGroup) return new Result(total, true, [], new Dictionary<string, IReadOnlyList<TextGroup>>());

        var counted = form.Questions.Where(q => q.HasChoices || q.Kind is QuestionKind.Municipality or QuestionKind.Organisation).SelectMany(q => q.Keys).ToList();
        var ids = responses.Select(r => r.Id);
        var counts = await db.SurveyAnswers.AsNoTracking()
            .Where(a => a.SurveyId == survey.Id && counted.Contains(a.Key) && ids.Contains(a.ResponseId))
            .GroupBy(a => new { a.Key, a.Value }).Select(g => new { g.Key.Key, g.Key.Value, N = g.Count() }).ToListAsync(ct);
        // A multiple choice's shares are of the people who answered it, not of the ticks.
        var multiple = form.Questions.Where(q => q.Kind == QuestionKind.Multiple).Select(q => q.Paper).ToList();
        var people = multiple.Count == 0 ? [] : await db.SurveyAnswers.AsNoTracking()
            .Where(a => a.SurveyId == survey.Id && multiple.Contains(a.Key) && ids.Contains(a.ResponseId))
            .GroupBy(a => a.Key).Select(g => new { g.Key, N = g.Select(a => a.ResponseId).Distinct().Count() }).ToDictionaryAsync(g => g.Key, g => g.N, ct);

        var questions = new List<QuestionResult>();
        foreach (var q in form.Questions)
        {
            var keys = new List<KeyResult>();
            foreach (var key in q.HasChoices || q.Kind is QuestionKind.Municipality or QuestionKind.Organisation ? q.Keys : [])
            {
                var mine = counts.Where(c => c.Key == key).ToList();
                var answered = q.Kind == QuestionKind.Multiple ? people.GetValueOrDefault(key) : mine.Sum(c => c.N);
                var label = q.Kind == QuestionKind.Matrix ? q.Rows.First(r => r.Paper == key).Text : q.Text;
                if (anonymous && answered < MinGroup) { keys.Add(new KeyResult(key, label, answered, [], null, null, true)); continue; }
                var rows = q.HasChoices
                    ? q.Options.Select(o => MakeRow(o.Value, o.Text, mine.Where(c => c.Value == o.Value).Sum(c => c.N), answered)).ToList()
                    : mine.OrderByDescending(c => c.N).Select(c => MakeRow(c.Value, directoryNames.GetValueOrDefault(c.Value) ?? c.Value, c.N, answered)).ToList();
                double? mean = q.IsNumeric && answered > 0
                    ? mine.Sum(c => double.Parse(c.Value, CultureInfo.InvariantCulture) * c.N) / answered : null;
                double? satisfied = q.Satisfied.Count > 0 && answered > 0 ? (double)mine.Where(c => q.Satisfied.Contains(c.Value)).Sum(c => c.N) / answered : null;
                // In an anonymous survey a directory answer (a municipality) with fewer than 5 answers is left out.
                if (anonymous && !q.HasChoices) rows = [.. rows.Where(r => r.Count >= MinGroup)];
                keys.Add(new KeyResult(key, label, answered, rows, mean, satisfied, false));
            }
            questions.Add(new QuestionResult(q, keys));
        }

        var texts = new Dictionary<string, IReadOnlyList<TextGroup>>();
        foreach (var q in form.Questions.Where(q => q.Kind == QuestionKind.Text))
        {
            var values = await db.SurveyAnswers.AsNoTracking().Where(a => a.SurveyId == survey.Id && a.Key == q.Paper && ids.Contains(a.ResponseId))
                .OrderByDescending(a => a.Id).Select(a => a.Value).Take(5000).ToListAsync(ct);
            texts[q.Paper] = anonymous && values.Count < MinGroup ? [] : Group(values, anonymous ? MinGroup : 1);
        }
        return new Result(total, false, questions, texts);
    }

    static Row MakeRow(string value, string text, int count, int answered) => new(value, text, count, answered == 0 ? 0 : (double)count / answered);

    /// <summary>
    /// The texts grouped by their most frequent words (Russian stems: «сайте», «сайт», «сайта» are one word): each group
    /// is a word, how many texts use it and a few of them. A text falls in the group of its most frequent word.
    /// </summary>
    public static IReadOnlyList<TextGroup> Group(IReadOnlyList<string> texts, int minCount = 1, int groups = 10)
    {
        var tokens = texts.Select(t => (Text: t, Tokens: RussianText.Tokens(t).Where(x => x.Stem.Length >= 3).ToList())).ToList();
        var frequency = tokens.SelectMany(t => t.Tokens.Select(x => x.Stem).Distinct()).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        var surface = new Dictionary<string, Dictionary<string, int>>();
        foreach (var (text, list) in tokens)
            foreach (var x in list)
            {
                var word = text[x.Start..x.End].ToLowerInvariant();
                if (!surface.TryGetValue(x.Stem, out var forms)) surface[x.Stem] = forms = [];
                forms[word] = forms.GetValueOrDefault(word) + 1;
            }
        var assigned = tokens.Where(t => t.Tokens.Count > 0)
            .GroupBy(t => t.Tokens.Select(x => x.Stem).OrderByDescending(s => frequency[s]).ThenBy(s => s, StringComparer.Ordinal).First())
            .Select(g => new TextGroup(surface[g.Key].OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).First().Key, g.Count(), [.. g.Take(3).Select(t => t.Text)]))
            .Where(g => g.Count >= minCount)
            .OrderByDescending(g => g.Count).ThenBy(g => g.Word, StringComparer.Ordinal).Take(groups).ToList();
        return assigned;
    }

    /// <summary>A horizontal bar chart as SVG (server-rendered: no script, prints as it shows), one bar per answer with its share.</summary>
    public static string Chart(IReadOnlyList<Row> rows, IReadOnlyList<Row>? compare = null)
    {
        const int width = 560, label = 230, bar = 260, step = 24;
        var lines = compare is null ? 1 : 2;
        var height = rows.Count * step * lines + 8;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"survey-chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Распределение ответов\">");
        var y = 4;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var text = r.Text.Length > 34 ? r.Text[..33] + "…" : r.Text;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 15}\" font-size=\"13\" fill=\"#222\">{WebUtility.HtmlEncode(text)}</text>");
            Bar(sb, label, y, bar, r, "#1a5fb4");
            y += step;
            if (compare is not null)
            {
                var c = compare.FirstOrDefault(x => x.Value == r.Value) ?? new Row(r.Value, r.Text, 0, 0);
                Bar(sb, label, y, bar, c, "#9a9996");
                y += step;
            }
        }
        return sb.Append("</svg>").ToString();
    }

    static void Bar(StringBuilder sb, int x, int y, int bar, Row r, string colour)
    {
        var w = Math.Max(1, (int)Math.Round(bar * r.Share));
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y + 3}\" width=\"{w}\" height=\"16\" fill=\"{colour}\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + w + 6}\" y=\"{y + 15}\" font-size=\"12\" fill=\"#222\">{r.Share * 100:0.0}% ({r.Count})</text>");
    }
}
