using Otklik.Features.Surveys;

namespace Otklik.Tests.Surveys;

/// <summary>The survey text and its rules as plain unit tests: the seed 002 form, conditions, required answers, errors by line.</summary>
public sealed class SurveyFormTests
{
    static readonly IReadOnlySet<string> Municipality = new HashSet<string> { "m1" };
    static readonly IReadOnlySet<string> Organisation = new HashSet<string> { "o1" };
    static SurveyForm Seed => SurveyForm.Parse(DemoSurveys.InformationForm, out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));

    static Dictionary<string, string[]> Filled(string rating231) => new()
    {
        ["11"] = ["o1"], ["12"] = ["m1"], ["13"] = ["2026-11-20T10:30"], ["21"] = ["1"],
        ["22.1"] = ["1"], ["22.2"] = ["2"], ["22.3"] = ["3"], ["22.4"] = ["3"],
        ["23.1"] = [rating231], ["23.2"] = ["5"], ["23.3"] = ["4"], ["23.4"] = ["5"],
        ["24"] = ["Не нашёл график приёма на сайте"],
    };

    [Fact]
    public void The_seed_002_form_keeps_the_paper_numbering_in_paper_order()
    {
        var form = Seed;
        Assert.Equal(["11", "12", "13", "21", "22.1", "22.2", "22.3", "22.4", "23.1", "23.2", "23.3", "23.4", "24"], form.Keys);
        Assert.Equal(2, form.Blocks.Count);
        Assert.Equal("21", form.IndexQuestion?.Paper);
        var matrix = form.Questions.Single(q => q.Paper == "23");
        Assert.Equal(QuestionKind.Matrix, matrix.Kind);
        Assert.True(matrix.IsNumeric);
        Assert.Equal(["1", "2", "3", "4", "5"], matrix.Options.Select(o => o.Value));
        // Written back and read again, it is the same form.
        Assert.Equal(form.Keys, SurveyForm.Parse(form.ToText(), out _)!.Keys);
        Assert.Equal(form.ToText(), SurveyForm.Parse(form.ToText(), out _)!.ToText());
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("2", true)]
    [InlineData("3", true)]
    [InlineData("4", false)]
    [InlineData("5", false)]
    public void The_follow_up_is_asked_only_when_a_rating_is_1_2_or_3(string rating, bool asked)
    {
        var (answers, errors) = Seed.Check(Filled(rating), Municipality, Organisation);
        Assert.Empty(errors);
        Assert.Equal(asked, answers.Any(a => a.Key == "24"));
    }

    [Fact]
    public void Required_answers_and_wrong_values_are_named_by_their_paper_number()
    {
        var given = Filled("2");
        given.Remove("12");
        given["22.3"] = ["7"];
        given["21"] = ["1", "2"];
        given["13"] = ["вчера"];
        var (_, errors) = Seed.Check(given, Municipality, Organisation);
        Assert.Equal(["12", "13", "21", "22.3"], errors.Keys.Order());
        Assert.Equal("Ответьте на этот вопрос.", errors["12"][0]);
        Assert.Equal("Выберите один из предложенных вариантов.", errors["22.3"][0]);
        Assert.Equal("Выберите один ответ.", errors["21"][0]);
    }

    [Fact]
    public void Mistakes_in_the_text_are_reported_with_their_line()
    {
        const string text = "## Блок\n[1] Оценка | шкала 1-5\n[2] Почему? | текст | если 3 = 1, 2\n[1] Повтор | текст\n[4] Без типа\n    что-то\n";
        Assert.Null(SurveyForm.Parse(text, out var errors));
        Assert.Contains(errors, e => e.Line == 3 && e.Message.Contains("ссылается на 3", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 4 && e.Message.Contains("уже занят", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 5 && e.Message.Contains("не указан тип", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 6);
    }

    [Fact]
    public void Follow_up_texts_are_grouped_by_their_frequent_words_across_word_forms()
    {
        var groups = SurveyAnalysis.Group(["Не нашёл на сайте график приёма", "На сайте нет телефона", "Сайт долго грузится",
            "В телеграме нет новостей", "Телеграм-канал не обновляется"]);
        Assert.Equal(3, groups[0].Count);
        Assert.StartsWith("сайт", groups[0].Word, StringComparison.Ordinal);
    }
}
