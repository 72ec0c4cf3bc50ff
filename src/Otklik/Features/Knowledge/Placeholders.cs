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

    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Pattern().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

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
