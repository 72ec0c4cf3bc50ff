using Otklik.Data;

namespace Otklik.Features.Surveys;

/// <summary>
/// The ready satisfaction survey of seed 002 (the Novosibirsk ministry's form of client-centred work): block 1 filled
/// automatically where possible, block 2 on the information about the body, with the paper numbering in brackets.
/// </summary>
public static class DemoSurveys
{
    public static readonly Guid InformationSurveyId = Guid.Parse("5e000000-0000-0000-0000-000000000002");

    /// <summary>
    /// The form's text. The form gives the follow-up question no paper number of its own; 24 is the next free one.
    /// The sources of question 22 are "specified by the body" (the form says so): these are the form's own four.
    /// </summary>
    public const string InformationForm = """
        ## Блок 1. Статистический
        [11] Организация | организация | авто
        [12] Муниципальный район или городской округ | муниципалитет | обязательный
        [13] Дата и время получения услуги / заполнения анкеты | дата | авто
        ## Блок 2. Оценка доступности, состава и качества информации
        [21] Вы скорее удовлетворены или скорее не удовлетворены доступностью, составом и качеством информации в целом о деятельности ведомства? | один | обязательный | индекс 1
            1 = Скорее удовлетворен
            2 = Скорее не удовлетворен
        [22] Какими источниками вы пользуетесь для получения информации о деятельности ведомства и как часто? | матрица | обязательный
            [22.1] Официальный сайт ведомства
            [22.2] Телеграм-канал ведомства
            [22.3] Страница ведомства в социальной сети «ВКонтакте»
            [22.4] Страница ведомства в социальной сети «Одноклассники»
            1 = Пользуюсь постоянно
            2 = Пользуюсь время от времени
            3 = Вообще не пользуюсь
        [23] Оцените, насколько просто или сложно найти необходимую информацию о ведомстве на этих ресурсах: 1 — очень сложно, вообще нет нужной информации; 5 — очень легко найти нужную информацию | матрица 1-5 | обязательный
            [23.1] Официальный сайт ведомства
            [23.2] Телеграм-канал ведомства
            [23.3] Страница ведомства в социальной сети «ВКонтакте»
            [23.4] Страница ведомства в социальной сети «Одноклассники»
        [24] Уточните, пожалуйста, какую конкретно информацию вы не нашли или в чём именно состояло неудобство поиска информации | текст | если 23.1, 23.2, 23.3, 23.4 = 1, 2, 3
        """;

    public static Survey InformationSurvey(Guid owner, DateTime nowUtc, Guid? id = null, bool afterAppeal = true)
    {
        var survey = new Survey
        {
            Id = id ?? InformationSurveyId, Title = "Удовлетворённость доступностью, составом и качеством информации о деятельности ведомства",
            OwnerOrganisationId = owner, IsAnonymous = true, AfterAppeal = afterAppeal, RepeatDays = 90, CreatedAtUtc = nowUtc,
        };
        survey.SaveDraft(InformationForm, null, nowUtc);
        survey.Publish(nowUtc);
        return survey;
    }

    /// <summary>Called by the demo seed: the survey, published, owned by the ministry of investment (the demo's ministry of economic development).</summary>
    internal static void Add(AppDbContext db, Guid owner, DateTime nowUtc) => db.Surveys.Add(InformationSurvey(owner, nowUtc));
}
