using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Execution;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Workspace;

/// <summary>The automatic hints on an answer before sending (issue 20, item 5), as a pure function.</summary>
public sealed class AnswerHintsTests
{
    const string Pothole = "Глубокая яма на проезжей части у дома 10, машины объезжают по встречной полосе.";

    static string[] Codes(string answer, FederalResult? result = null, int? usual = null, string question = Pothole) =>
        [.. AnswerHints.For(answer, question, result, usual).Select(h => h.Code)];

    [Fact]
    public void A_concrete_answer_on_the_question_draws_no_hint() =>
        Assert.Empty(Codes("Яма будет заделана до 1 декабря, работы включены в план ремонта.", FederalResult.SupportedMeasuresTaken, usual: 80));

    [Theory]
    [InlineData("Ваше обращение по яме будет рассмотрено.")]
    [InlineData("Яму заделаем по мере финансирования.")]
    [InlineData("Информация по яме принята к сведению.")]
    public void A_promise_without_a_date_is_hinted(string answer) => Assert.Equal([AnswerHints.NoTerm], Codes(answer));

    [Theory]
    [InlineData("Вопрос по яме будет рассмотрен до 15.12.2026.")]
    [InlineData("Ремонт ямы будет включён в план на 2027 год.")]
    [InlineData("Яма будет заделана в течение 10 рабочих дней.")]
    [InlineData("Яма будет учтена при ремонте во II квартале.")]
    public void A_date_or_a_term_answers_the_promise(string answer) => Assert.Empty(Codes(answer));

    [Fact]
    public void Measures_taken_without_any_date_is_hinted_even_without_a_vague_phrase() =>
        Assert.Equal([AnswerHints.NoTerm], Codes("Яму заделали щебнем, подрядчику выдано предписание.", FederalResult.SupportedMeasuresTaken));

    [Fact]
    public void An_explanation_needs_no_date() =>
        Assert.Empty(Codes("Яма на этом участке относится к дороге области, ремонт ведёт областное управление.", FederalResult.Explained));

    [Fact]
    public void An_answer_that_touches_none_of_the_questions_words_is_hinted_with_them()
    {
        var hints = AnswerHints.For("Благодарим за активную гражданскую позицию.", Pothole, FederalResult.Explained, null);
        var hint = Assert.Single(hints);
        Assert.Equal(AnswerHints.KeyWords, hint.Code);
        Assert.Contains("глубокая, яма, проезжей, части, машины", hint.Message);
        // Another form of a key word (ямы for яма) is enough.
        Assert.Empty(AnswerHints.MissingKeyWords("Ремонт ямы запланирован.", Pothole));
        // A two-word question is too little to judge by.
        Assert.Empty(AnswerHints.MissingKeyWords("Благодарим.", "Спасибо большое!"));
    }

    [Fact]
    public void A_placeholder_left_is_a_blocking_hint()
    {
        var hint = AnswerHints.For("Яма будет заделана до 1 декабря. Основание: {ПравовоеОснование}", Pothole, null, null).Single();
        Assert.Equal((AnswerHints.Placeholders, true), (hint.Code, hint.Blocking));
        Assert.Contains("{ПравовоеОснование}", hint.Message);
    }

    [Fact]
    public void An_answer_much_shorter_than_the_organisations_median_is_hinted()
    {
        Assert.Equal(300, AnswerHints.Usual([100, 300, 900, 250, 400]));
        Assert.Equal(275, AnswerHints.Usual([100, 300, 900, 250, 400, 250]));
        Assert.Null(AnswerHints.Usual([100, 300, 900, 250]));
        const string answer = "Яма заделана 1 декабря."; // 23 characters
        Assert.Equal([AnswerHints.Short], Codes(answer, usual: 70));
        Assert.Empty(Codes(answer, usual: 69));
        Assert.Empty(Codes(answer, usual: null));
    }

    [Fact]
    public void An_empty_answer_has_no_hints_the_required_field_speaks_for_it() => Assert.Empty(Codes("  "));
}

/// <summary>The hints on the card: shown next to the answer, stopping the first sending once, never the second.</summary>
public sealed class AnswerHintsPageTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_vague_answer_is_held_once_with_the_hints_shown_and_sent_as_it_is_the_second_time(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        using var executor = await FormSession.SignInAsync(app, Persona.MunAExecutor);
        await executor.GetAsync($"/office/appeals/{a.Id}");
        const string vague = "Ваше обращение будет рассмотрено.";

        var first = await executor.PostAsync($"/office/appeals/{a.Id}?handler=SubmitAnswer", new Dictionary<string, string>
        {
            ["Version"] = a.Version.ToString(), ["AnswerText"] = vague, ["AnswerResult"] = "Explained", ["HintsSeen"] = "",
        });
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal($"/office/appeals/{a.Id}?done=hints", first.Headers.Location?.OriginalString);
        var held = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal((AppealStatus.AnswerDraft, vague), (held.Status, held.AnswerText));

        var card = await executor.GetAsync($"/office/appeals/{a.Id}?done=hints");
        Assert.Contains("Ответ не отправлен: проверьте замечания к нему.", card);
        Assert.Contains("<div id=\"answer-hints\" class=\"answer-hints\">", card);
        Assert.Contains("<li data-hint=\"no-term\">Не указаны срок или конкретная мера: «будет рассмотрено» без даты заявитель сочтёт отпиской.", card);
        Assert.Contains("<li data-hint=\"key-words\">Ответ, похоже, не касается вопроса: в нём нет слов из обращения — глубокая, яма, проезжей, части, машины.</li>", card);
        Assert.Contains("<input type=\"hidden\" name=\"HintsSeen\" value=\"no-term,key-words\" />", card);

        var second = await executor.PostAsync($"/office/appeals/{a.Id}?handler=SubmitAnswer", new Dictionary<string, string>
        {
            ["Version"] = held.Version.ToString(), ["AnswerText"] = vague, ["AnswerResult"] = "Explained", ["HintsSeen"] = "no-term,key-words",
        });
        Assert.Equal($"/office/appeals/{a.Id}?done=submitted", second.Headers.Location?.OriginalString);
        var sent = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal(AppealStatus.AnswerReview, sent.Status);
    }
}
