using System.Globalization;
using System.Text.RegularExpressions;
using Otklik.Features.Appeals;

namespace Otklik.Features.Knowledge;

/// <summary>The placeholders of answer templates, filled from the appeal, the person answering and the article.</summary>
public static partial class Placeholders
{
    public const string ApplicantName = "ИмяЗаявителя", Number = "Номер", DueDate = "СрокОтвета", Executor = "Исполнитель", Date = "Дата",
        ReceivedDate = "ДатаПоступления", ArticleAnswer = "ОтветСтатьи", LegalBasis = "ПравовоеОснование", Question = "Вопрос";

    public static readonly IReadOnlyDictionary<string, string> Described = new Dictionary<string, string>
    {
        [ApplicantName] = "как обратиться к заявителю: имя и отчество или название организации",
        [Number] = "номер обращения",
        [DueDate] = "срок ответа",
        [Executor] = "кто отвечает: фамилия, имя, отчество",
        [Date] = "сегодняшняя дата",
        [ReceivedDate] = "дата поступления обращения",
        [ArticleAnswer] = "ответ из статьи базы знаний",
        [LegalBasis] = "правовое основание из статьи",
        [Question] = "вопрос статьи",
    };

    [GeneratedRegex(@"\{([^{}\s]{1,40})\}")]
    private static partial Regex Pattern();

    /// <summary>The placeholders in a template that nobody can fill (a typo such as {Имязаявителя}).</summary>
    public static IReadOnlyList<string> Unknown(string template) =>
        [.. Pattern().Matches(template).Select(m => m.Groups[1].Value).Where(n => !Described.ContainsKey(n)).Distinct()];

    /// <summary>
    /// Fills what has a value. A placeholder without one stays as it is, visible in the draft, so the person writes the
    /// missing text in (and the answer cannot be sent while it is there): an empty value would leave a dangling line
    /// such as «Нормативная база:». With <paramref name="dropLonelyEmpty"/>, a line that is nothing but such a
    /// placeholder is dropped instead (an article without a legal basis leaves no gap and nothing to fill).
    /// </summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values, bool dropLonelyEmpty = false)
    {
        if (dropLonelyEmpty)
            template = LonelyPlaceholderLine().Replace(template, m => HasValue(values, m.Groups[1].Value) ? m.Value : "");
        return Pattern().Replace(template, m => HasValue(values, m.Groups[1].Value) ? values[m.Groups[1].Value] : m.Value);
    }

    static bool HasValue(IReadOnlyDictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v);

    [GeneratedRegex(@"^[ \t]*\{([^{}\s]{1,40})\}[ \t]*(\r?\n|$)", RegexOptions.Multiline)]
    private static partial Regex LonelyPlaceholderLine();

    /// <summary>The placeholders still in a text (each once, in order): an answer with any of them is not sent.</summary>
    public static IReadOnlyList<string> Unfilled(string? text) =>
        text is null ? [] : [.. Pattern().Matches(text).Select(m => m.Value).Distinct()];

    /// <summary>Refuses a text that still holds placeholders, naming them, next to <paramref name="field"/>.</summary>
    public static void RequireFilled(string? text, string field)
    {
        var left = Unfilled(text);
        if (left.Count == 0) return;
        throw new Infrastructure.InputException(field, "answer.placeholders",
            $"В ответе остались незаполненные поля шаблона: {string.Join(", ", left)}. Впишите вместо них нужный текст или удалите их.",
            StatusCodes.Status422UnprocessableEntity);
    }

    static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>The values for an appeal answered today by <paramref name="executorName"/>, from <paramref name="article"/> if there is one.</summary>
    public static Dictionary<string, string> For(Appeal appeal, string executorName, DateOnly today, Article? article)
    {
        var a = appeal.Applicant;
        var name = a.Kind switch
        {
            ApplicantKind.Organisation => a.RepresentativeName is { Length: > 0 } rep ? rep : a.OrganisationName ?? "",
            ApplicantKind.Anonymous => "заявитель",
            _ => string.Join(' ', new[] { a.FirstName, a.MiddleName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } n ? n : a.DisplayName,
        };
        return new Dictionary<string, string>
        {
            [ApplicantName] = name,
            [Number] = appeal.Number,
            [DueDate] = appeal.AnswerDueDate?.ToString("dd.MM.yyyy", Russian) ?? "в установленный срок",
            [Executor] = executorName,
            [Date] = today.ToString("dd.MM.yyyy", Russian),
            [ReceivedDate] = DateOnly.FromDateTime(appeal.ReceivedAtUtc).ToString("dd.MM.yyyy", Russian),
            [ArticleAnswer] = article?.Answer ?? "",
            [LegalBasis] = article?.LegalBasis ?? "",
            [Question] = article?.Title ?? "",
        };
    }
}
