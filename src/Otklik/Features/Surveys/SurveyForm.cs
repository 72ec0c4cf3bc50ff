using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Otklik.Features.Surveys;

public enum QuestionKind { Single, Multiple, Scale, Matrix, Text, DateTime, Municipality, Organisation }

/// <summary>One answer option: the value keyed in from paper (1, 2, 3 …) and its wording.</summary>
public sealed record Choice(string Value, string Text);

/// <summary>A row of a matrix, with its own paper number (22.1, 22.2 …): each row is answered on the matrix's scale.</summary>
public sealed record MatrixRow(string Paper, string Text);

/// <summary>"Show this question when any of these earlier answers is one of these values" — the "1, 2 or 3 → ask why" rule.</summary>
public sealed record Condition(IReadOnlyList<string> Keys, IReadOnlyList<string> Values)
{
    public bool Holds(IReadOnlyDictionary<string, string[]> answers) =>
        Keys.Any(k => answers.TryGetValue(k, out var given) && given.Any(v => Values.Contains(v)));
}

public sealed record Question(string Paper, string Text, QuestionKind Kind, bool Required, IReadOnlyList<Choice> Options,
    IReadOnlyList<MatrixRow> Rows, Condition? ShowIf, bool AutoFilled, IReadOnlyList<string> Satisfied, bool IsIndex)
{
    /// <summary>The keys this question's answers are stored under: its own paper number, or each row's.</summary>
    public IEnumerable<string> Keys => Kind == QuestionKind.Matrix ? Rows.Select(r => r.Paper) : [Paper];

    public bool HasChoices => Kind is QuestionKind.Single or QuestionKind.Multiple or QuestionKind.Scale or QuestionKind.Matrix;

    /// <summary>
    /// Numeric answers (a scale, or a matrix on a scale 1-5) have a mean. A matrix of labelled options (1 = "use it
    /// constantly") is categorical although keyed in by number: its mean would mean nothing.
    /// </summary>
    public bool IsNumeric => Kind is QuestionKind.Scale or QuestionKind.Matrix && Options.Count > 0
        && Options.All(o => o.Value == o.Text && int.TryParse(o.Value, NumberStyles.None, CultureInfo.InvariantCulture, out _));

    public string? TextOf(string value) => Options.FirstOrDefault(o => o.Value == value)?.Text;
}

public sealed record SurveyBlock(string Title, IReadOnlyList<Question> Questions);

/// <summary>
/// A survey's content: blocks of questions with their paper numbers. It is written as plain text (<see cref="Parse"/>),
/// which is what an editor types and what a published version keeps unchanged; a form built of buttons would need the
/// same rules and give a slower editor for a 30-question paper form.
/// </summary>
public sealed partial record SurveyForm(IReadOnlyList<SurveyBlock> Blocks)
{
    public IEnumerable<Question> Questions => Blocks.SelectMany(b => b.Questions);

    /// <summary>Every answer key in paper order: the CSV/XLSX columns and the order of keying in from paper.</summary>
    public IReadOnlyList<string> Keys => [.. Questions.SelectMany(q => q.Keys)];

    public Question? IndexQuestion => Questions.FirstOrDefault(q => q.IsIndex);

    public sealed record ParseError(int Line, string Message);

    static readonly ConcurrentDictionary<string, SurveyForm> Cache = new(StringComparer.Ordinal);

    /// <summary>The form of a published text, parsed once per node (published texts never change).</summary>
    public static SurveyForm Of(string source) => Cache.GetOrAdd(source, s =>
        Parse(s, out var errors) is { } form && errors.Count == 0 ? form : throw new InvalidOperationException("A stored survey text does not parse: " + errors[0].Message));

    [GeneratedRegex(@"^\[(?<paper>\d+(\.\d+)*)\.?\]\s*(?<rest>.+)$")]
    private static partial Regex QuestionLine();
    [GeneratedRegex(@"^(?<value>\d{1,3})\s*=\s*(?<text>.+)$")]
    private static partial Regex OptionLine();
    [GeneratedRegex(@"^(?<min>\d)\s*-\s*(?<max>\d{1,2})$")]
    private static partial Regex Range();

    /// <summary>
    /// Reads the survey text. Lines:
    /// <c>## Блок</c> starts a block; <c>[21] Текст | один | обязательный | индекс 1 | если 23.1, 23.2 = 1, 2, 3</c> a question
    /// (kinds: один, несколько, шкала 1-5, матрица, матрица 1-5, текст, дата, муниципалитет, организация; flags: обязательный,
    /// авто, индекс VALUES, если KEYS = VALUES); an indented <c>1 = Текст</c> an option; an indented <c>[22.1] Текст</c> a matrix row.
    /// </summary>
    public static SurveyForm? Parse(string? source, out List<ParseError> errorsFound)
    {
        var errors = errorsFound = [];
        var blocks = new List<(string Title, List<Question> Questions)>();
        Builder? current = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = (source ?? "").Replace("\r", "", StringComparison.Ordinal).Split('\n');
        void Close()
        {
            if (current is null) return;
            var q = current.Build(errors);
            if (q is not null)
            {
                if (blocks.Count == 0) blocks.Add(("", []));
                blocks[^1].Questions.Add(q);
            }
            current = null;
        }
        for (var i = 0; i < lines.Length; i++)
        {
            var n = i + 1;
            var raw = lines[i];
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal)) continue;
            var indented = raw.Length > 0 && char.IsWhiteSpace(raw[0]);
            if (line.StartsWith('#'))
            {
                Close();
                blocks.Add((line.TrimStart('#').Trim(), []));
                continue;
            }
            if (indented && current is not null)
            {
                if (QuestionLine().Match(line) is { Success: true } row)
                {
                    var key = row.Groups["paper"].Value;
                    if (!seen.Add(key)) errors.Add(new(n, $"Номер {key} уже занят другим вопросом."));
                    current.Rows.Add(new MatrixRow(key, row.Groups["rest"].Value.Trim()));
                }
                else if (OptionLine().Match(line) is { Success: true } option)
                {
                    if (current.Options.Any(o => o.Value == option.Groups["value"].Value))
                        errors.Add(new(n, $"Вариант {option.Groups["value"].Value} уже есть у этого вопроса."));
                    current.Options.Add(new Choice(option.Groups["value"].Value, option.Groups["text"].Value.Trim()));
                }
                else errors.Add(new(n, "Строка с отступом должна быть вариантом («1 = Текст») или строкой матрицы («[22.1] Текст»)."));
                continue;
            }
            if (QuestionLine().Match(line) is not { Success: true } m)
            {
                errors.Add(new(n, "Строка должна начинаться с «##» (блок) или с номера вопроса в скобках, например «[21] Текст | один»."));
                continue;
            }
            Close();
            var paper = m.Groups["paper"].Value;
            if (!seen.Add(paper)) errors.Add(new(n, $"Номер {paper} уже занят другим вопросом."));
            var parts = m.Groups["rest"].Value.Split('|', StringSplitOptions.TrimEntries);
            current = new Builder(n, paper, parts[0]);
            foreach (var part in parts.Skip(1)) current.Apply(part, errors);
        }
        Close();
        var form = new SurveyForm([.. blocks.Select(b => new SurveyBlock(b.Title, b.Questions))]);
        if (!form.Questions.Any()) errors.Add(new(1, "В опросе нет ни одного вопроса."));
        // A condition looks back: it names answers given earlier in the form, so that the paper order is the asking order.
        var earlier = new HashSet<string>(StringComparer.Ordinal);
        foreach (var q in form.Questions)
        {
            if (q.ShowIf is { } c)
                foreach (var k in c.Keys.Where(k => !earlier.Contains(k)))
                    errors.Add(new(LineOf(lines, q.Paper), $"Условие вопроса {q.Paper} ссылается на {k}: такого вопроса нет выше."));
            foreach (var k in q.Keys) earlier.Add(k);
        }
        if (form.Questions.Count(q => q.IsIndex) > 1) errors.Add(new(1, "Индекс удовлетворённости задаётся только одному вопросу."));
        return errors.Count == 0 ? form : null;
    }

    static int LineOf(string[] lines, string paper) =>
        Array.FindIndex(lines, l => l.TrimStart().StartsWith("[" + paper + "]", StringComparison.Ordinal) || l.TrimStart().StartsWith("[" + paper + ".]", StringComparison.Ordinal)) + 1;

    sealed class Builder(int line, string paper, string text)
    {
        public QuestionKind? Kind;
        public bool Required, Auto, Index;
        public List<Choice> Options = [];
        public List<MatrixRow> Rows = [];
        public Condition? ShowIf;
        public List<string> Satisfied = [];
        (int Min, int Max)? _scale;

        public void Apply(string part, List<ParseError> errors)
        {
            var lower = part.ToLowerInvariant();
            var word = lower.Split(' ', 2)[0];
            var arg = lower.Length > word.Length ? part[word.Length..].Trim() : "";
            switch (word)
            {
                case "один": Kind = QuestionKind.Single; break;
                case "несколько": Kind = QuestionKind.Multiple; break;
                case "текст": Kind = QuestionKind.Text; break;
                case "дата": Kind = QuestionKind.DateTime; break;
                case "муниципалитет": Kind = QuestionKind.Municipality; break;
                case "организация": Kind = QuestionKind.Organisation; break;
                case "шкала" or "матрица":
                    Kind = word == "шкала" ? QuestionKind.Scale : QuestionKind.Matrix;
                    if (arg.Length > 0)
                    {
                        if (Range().Match(arg) is { Success: true } r && int.Parse(r.Groups["min"].Value, CultureInfo.InvariantCulture) is var min
                            && int.Parse(r.Groups["max"].Value, CultureInfo.InvariantCulture) is var max && min < max && max - min <= 10)
                            _scale = (min, max);
                        else errors.Add(new(line, $"Шкала задаётся как «{word} 1-5»."));
                    }
                    else if (Kind == QuestionKind.Scale) _scale = (1, 5);
                    break;
                case "обязательный": Required = true; break;
                case "авто": Auto = true; break;
                case "индекс":
                    Index = true;
                    Satisfied = [.. List(arg)];
                    break;
                case "если":
                    var sides = arg.Split('=', 2, StringSplitOptions.TrimEntries);
                    if (sides.Length != 2 || List(sides[0]).Count == 0 || List(sides[1]).Count == 0)
                        errors.Add(new(line, "Условие задаётся как «если 23.1, 23.2 = 1, 2, 3»."));
                    else ShowIf = new Condition(List(sides[0]), List(sides[1]));
                    break;
                default:
                    errors.Add(new(line, $"Неизвестное слово «{part}»: тип (один, несколько, шкала 1-5, матрица, текст, дата, муниципалитет, организация) или признак (обязательный, авто, индекс, если)."));
                    break;
            }
        }

        static List<string> List(string s) => [.. s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => v.TrimEnd('.'))];

        public Question? Build(List<ParseError> errors)
        {
            if (Kind is not { } kind) { errors.Add(new(line, $"У вопроса {paper} не указан тип (один, несколько, шкала 1-5, матрица, текст, дата, муниципалитет, организация).")); return null; }
            if (string.IsNullOrWhiteSpace(text)) errors.Add(new(line, $"У вопроса {paper} нет текста."));
            if (_scale is { } s && Options.Count == 0)
                Options = [.. Enumerable.Range(s.Min, s.Max - s.Min + 1).Select(v => new Choice(v.ToString(CultureInfo.InvariantCulture), v.ToString(CultureInfo.InvariantCulture)))];
            if (kind is QuestionKind.Single or QuestionKind.Multiple or QuestionKind.Matrix && Options.Count < 2)
                errors.Add(new(line, $"У вопроса {paper} должно быть не меньше двух вариантов («1 = Текст» с отступом) или шкала."));
            if (kind == QuestionKind.Matrix && Rows.Count == 0) errors.Add(new(line, $"У матрицы {paper} нет строк («[{paper}.1] Текст» с отступом)."));
            if (kind != QuestionKind.Matrix && Rows.Count > 0) errors.Add(new(line, $"Строки с номерами бывают только у матрицы; вопрос {paper} — не матрица."));
            if (Satisfied.Any(v => Options.All(o => o.Value != v))) errors.Add(new(line, $"Индекс вопроса {paper} называет вариант, которого у него нет."));
            if (Index && !(kind is QuestionKind.Single or QuestionKind.Scale)) errors.Add(new(line, "Индекс удовлетворённости считается по вопросу с одним ответом или по шкале."));
            // A scale is "satisfied" in its top two points unless the text says otherwise (4 and 5 of 1–5).
            var satisfied = Satisfied.Count > 0 ? Satisfied
                : _scale is { } sc ? [sc.Max.ToString(CultureInfo.InvariantCulture), (sc.Max - 1).ToString(CultureInfo.InvariantCulture)] : [];
            return new Question(paper, text.Trim(), kind, Required, Options, Rows, ShowIf, Auto, satisfied, Index);
        }
    }

    /// <summary>
    /// What a person gave, checked against the form: answers to questions hidden by their condition are dropped (a person
    /// may have typed a reason, then changed the rating to 5); a required visible question must be answered; a value must
    /// be one of the options, a known municipality or organisation, a date. Errors are keyed by paper number.
    /// </summary>
    public (List<KeyValuePair<string, string>> Answers, Dictionary<string, string[]> Errors) Check(
        IReadOnlyDictionary<string, string[]> given, IReadOnlySet<string> municipalities, IReadOnlySet<string> organisations)
    {
        var answers = new List<KeyValuePair<string, string>>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var kept = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var q in Questions)
        {
            if (q.ShowIf is { } c && !c.Holds(kept)) continue;
            foreach (var key in q.Keys)
            {
                var values = given.TryGetValue(key, out var v) ? v.Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x.Trim()).Distinct().ToArray() : [];
                if (q.Kind != QuestionKind.Multiple && values.Length > 1) { errors[key] = ["Выберите один ответ."]; continue; }
                if (values.Length == 0)
                {
                    if (q.Required) errors[key] = [q.Kind == QuestionKind.Matrix ? "Оцените эту строку." : "Ответьте на этот вопрос."];
                    continue;
                }
                string? bad = q.Kind switch
                {
                    _ when q.HasChoices => values.Any(x => q.Options.All(o => o.Value != x)) ? "Выберите один из предложенных вариантов." : null,
                    QuestionKind.Text => values[0].Length > 2000 ? "Не больше 2000 знаков." : null,
                    QuestionKind.DateTime => ParseDate(values[0]) is null ? "Укажите дату и время в виде ДД.ММ.ГГГГ ЧЧ:ММ." : null,
                    QuestionKind.Municipality => municipalities.Contains(values[0]) ? null : "Выберите муниципальное образование из списка.",
                    QuestionKind.Organisation => organisations.Contains(values[0]) ? null : "Выберите организацию из списка.",
                    _ => null,
                };
                if (bad is not null) { errors[key] = [bad]; continue; }
                if (q.Kind == QuestionKind.DateTime) values = [ParseDate(values[0])!.Value.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture)];
                kept[key] = values;
                answers.AddRange(values.Select(x => new KeyValuePair<string, string>(key, x)));
            }
        }
        return (answers, errors);
    }

    /// <summary>The browser's datetime-local value, or what an operator types from paper (ДД.ММ.ГГГГ ЧЧ:ММ, or a bare date).</summary>
    public static DateTime? ParseDate(string value) =>
        DateTime.TryParseExact(value.Trim(), ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "dd.MM.yyyy HH:mm", "dd.MM.yyyy", "yyyy-MM-dd"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>The form written back as its text (the seed and tests build forms in code and store the text).</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var b in Blocks)
        {
            if (b.Title.Length > 0) sb.Append("## ").AppendLine(b.Title);
            foreach (var q in b.Questions)
            {
                sb.Append('[').Append(q.Paper).Append("] ").Append(q.Text).Append(" | ").Append(KindWord(q));
                if (q.Required) sb.Append(" | обязательный");
                if (q.AutoFilled) sb.Append(" | авто");
                if (q.IsIndex) sb.Append(" | индекс ").Append(string.Join(", ", q.Satisfied));
                if (q.ShowIf is { } c) sb.Append(" | если ").Append(string.Join(", ", c.Keys)).Append(" = ").Append(string.Join(", ", c.Values));
                sb.AppendLine();
                foreach (var r in q.Rows) sb.Append("    [").Append(r.Paper).Append("] ").AppendLine(r.Text);
                if (!IsPlainScale(q)) foreach (var o in q.Options) sb.Append("    ").Append(o.Value).Append(" = ").AppendLine(o.Text);
            }
        }
        return sb.ToString();
    }

    static bool IsPlainScale(Question q) => q.Kind is QuestionKind.Scale or QuestionKind.Matrix && q.Options.Count > 0 && q.Options.All(o => o.Value == o.Text);

    static string KindWord(Question q) => q.Kind switch
    {
        QuestionKind.Single => "один",
        QuestionKind.Multiple => "несколько",
        QuestionKind.Scale => $"шкала {q.Options[0].Value}-{q.Options[^1].Value}",
        QuestionKind.Matrix => IsPlainScale(q) ? $"матрица {q.Options[0].Value}-{q.Options[^1].Value}" : "матрица",
        QuestionKind.Text => "текст",
        QuestionKind.DateTime => "дата",
        QuestionKind.Municipality => "муниципалитет",
        _ => "организация",
    };
}
