using System.Text.RegularExpressions;
using Otklik.Features.Appeals;

namespace Otklik.Features.Execution;

/// <summary>A warning about an answer before it is sent. <see cref="Blocking"/> ones are refused on sending as well.</summary>
public sealed record AnswerHint(string Code, string Message, bool Blocking = false);

/// <summary>
/// Automatic hints on an answer before it is sent (issue 20, item 5): the usual marks of an «отписка» that a controller
/// would return it for. They are warnings, not rules: the executor sees them next to the answer and may send anyway,
/// except for a template placeholder left in the text, which the appeal refuses as before (answer.placeholders).
/// A pure function, so each hint is tested on plain strings.
/// </summary>
public static partial class AnswerHints
{
    public const string Placeholders = "placeholders", NoTerm = "no-term", KeyWords = "key-words", Short = "short";

    /// <summary>An answer this many times shorter than the organisation's median is "much shorter".</summary>
    public const double ShortFactor = 3;
    /// <summary>The median needs this many answers in the last 90 days to mean anything.</summary>
    public const int MinAnswersForUsual = 5;

    /// <param name="answer">The answer as written.</param>
    /// <param name="question">The appeal's text.</param>
    /// <param name="result">The result chosen, if any.</param>
    /// <param name="usualLength">The median length of the organisation's answers over the last 90 days, null when too few.</param>
    public static IReadOnlyList<AnswerHint> For(string? answer, string? question, FederalResult? result, int? usualLength)
    {
        var hints = new List<AnswerHint>();
        if (string.IsNullOrWhiteSpace(answer)) return hints;
        var left = Knowledge.Placeholders.Unfilled(answer);
        if (left.Count > 0)
            hints.Add(new(Placeholders, $"Остались незаполненные поля шаблона: {string.Join(", ", left)}. С ними ответ не отправится.", Blocking: true));
        if (!HasTerm(answer) && (Vague().IsMatch(answer) || result is FederalResult.Supported or FederalResult.SupportedMeasuresTaken))
            hints.Add(new(NoTerm, "Не указаны срок или конкретная мера: «будет рассмотрено» без даты заявитель сочтёт отпиской. Напишите, что и когда будет сделано."));
        var missing = MissingKeyWords(answer, question ?? "");
        if (missing.Count > 0)
            hints.Add(new(KeyWords, $"Ответ, похоже, не касается вопроса: в нём нет слов из обращения — {string.Join(", ", missing.Take(5))}."));
        var length = answer.Trim().Length;
        if (usualLength is { } usual && length * ShortFactor < usual)
            hints.Add(new(Short, $"Ответ намного короче обычного для вашей организации: {length} знаков, обычно около {usual}."));
        return hints;
    }

    /// <summary>The median of lengths (the organisation's usual answer), null when there are fewer than <see cref="MinAnswersForUsual"/>.</summary>
    public static int? Usual(IReadOnlyCollection<int> lengths)
    {
        if (lengths.Count < MinAnswersForUsual) return null;
        var sorted = lengths.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>A date, a term or a period: 15.05.2026, «до 15 мая», «в течение 10 дней», «во II квартале», «в 2027 году».</summary>
    public static bool HasTerm(string text) => Term().IsMatch(text);

    [GeneratedRegex(@"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|\b\d{1,2}\s+(январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)|\b(январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*\s+20\d\d|\b20\d\d\s*(г\.|год)|в\s+течение\s+\S+\s+(дн|недел|месяц|рабоч)|квартал|до\s+конца\s+(недели|месяца|года)|(завтра|сегодня)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Term();

    /// <summary>The phrases of a promise without substance.</summary>
    [GeneratedRegex(@"будет\s+(рассмотрен|учтен|учтён|изучен|проработан|включен|включён)|будут\s+(рассмотрен|учтен|учтён|приняты)|рассмотрим|примем\s+меры|при\s+наличии\s+(финансирования|средств|возможности)|по\s+мере\s+(финансирования|возможности)|в\s+плановом\s+порядке|принят[оа]?\s+к\s+сведению|по\s+возможности",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Vague();

    [GeneratedRegex(@"[\p{L}]+")]
    private static partial Regex Word();

    /// <summary>Words too common in appeals to say what the question is about.</summary>
    static readonly HashSet<string> Stop = new(StringComparer.Ordinal)
    {
        "это", "как", "что", "для", "при", "все", "всё", "его", "она", "они", "оно", "мне", "нас", "вас", "уже", "нет", "так", "под",
        "над", "или", "без", "год", "лет", "где", "кто", "чем", "тут", "там", "еще", "ещё", "был", "мой", "моя", "мои", "наш", "ваш",
        "дом", "дома", "доме", "улица", "улице", "город", "года", "этот", "эта", "эти", "того", "тоже", "также", "просто", "очень",
        "прошу", "просим", "пожалуйста", "здравствуйте", "уважаемые", "уважаемый", "спасибо", "который", "которая", "которые",
        "будет", "можно", "нужно", "чтобы", "этого", "этому", "когда", "потому", "после", "более", "только", "сейчас", "нашем", "нашей",
        "наших", "вашей", "ваших", "такой", "такие", "всего", "почему", "сделать", "обращение", "обращаюсь", "ответ", "есть", "была",
        "были", "было", "время", "просьба",
    };

    /// <summary>
    /// The question's key words the answer does not touch, by a crude stem (the first five letters, fewer for a short word,
    /// matched as a prefix — enough of Russian endings for a hint): the eight most frequent words of three letters or more.
    /// Empty when the appeal has fewer than three such words or the answer uses any of them: the hint is for an answer
    /// that does not touch the question at all, not a test of style.
    /// </summary>
    public static IReadOnlyList<string> MissingKeyWords(string answer, string question)
    {
        var words = Word().Matches(question).Select(m => Normal(m.Value)).Where(w => w.Length >= 3 && !Stop.Contains(w)).ToList();
        var keys = words.Select((w, i) => (Word: w, Stem: Stem(w), At: i)).GroupBy(x => x.Stem)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.First().At).Take(8).Select(g => g.First()).ToList();
        if (keys.Count < 3) return [];
        var used = Word().Matches(answer).Select(m => Normal(m.Value)).ToList();
        var touched = keys.Any(k => used.Any(u => u.StartsWith(k.Stem, StringComparison.Ordinal)));
        return touched ? [] : [.. keys.OrderBy(k => k.At).Select(k => k.Word)];
    }

    static string Normal(string w) => w.ToLowerInvariant().Replace('ё', 'е');

    /// <summary>Five letters of a long word, one fewer than the word for a short one (яма → ям, to match ямы, ямой).</summary>
    static string Stem(string w) => w.Length > 5 ? w[..5] : w[..Math.Max(2, w.Length - 1)];
}
