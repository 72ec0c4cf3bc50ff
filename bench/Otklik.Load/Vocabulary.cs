using Otklik.Features.Appeals;

namespace Otklik.Load;

/// <summary>A topic of the bench catalogue: how it is handled, who answers it, and the words its appeals are written in.</summary>
public sealed record TopicWords(string Name, AppealKind Kind, LegalRegime Regime, bool Local, string[] Phrases);

public sealed record CategoryWords(string Name, bool Business, string Ministry, string MinistryShort, TopicWords[] Topics);

/// <summary>
/// The Russian of the bench region: categories and topics as a regional centre of management sees them, phrases an
/// applicant writes for each topic, municipalities, streets and names. Deterministic with a seeded <see cref="Random"/>.
/// </summary>
public static class Vocabulary
{
    public static readonly CategoryWords[] Categories =
    [
        new("ЖКХ", false, "Министерство энергетики и ЖКХ", "Минэнерго ЖКХ",
        [
            new("Отопление", AppealKind.Task, LegalRegime.PlatformMessage, true,
                ["в квартире холодно, батареи еле тёплые", "отопление отключено уже третий день", "температура в комнатах не выше пятнадцати градусов", "управляющая компания не отвечает на заявки по отоплению"]),
            new("Протечка кровли", AppealKind.Task, LegalRegime.PlatformMessage, true,
                ["после дождя течёт с потолка на верхнем этаже", "кровля не ремонтировалась много лет", "протечка крыши испортила ремонт в квартире", "в подъезде на стенах плесень от протечки"]),
            new("Начисления за коммунальные услуги", AppealKind.Complaint, LegalRegime.Obrashchenie59, false,
                ["прошу сделать перерасчёт платы за отопление", "в квитанции начислено за услуги, которые не оказывались", "тариф на воду вырос без объяснений", "счётчик поверен, но начисляют по нормативу"]),
            new("Капитальный ремонт", AppealKind.Complaint, LegalRegime.Obrashchenie59, false,
                ["подрядчик сорвал сроки капитального ремонта", "после замены труб в подвале стоит вода", "лифт должны были заменить ещё в прошлом году", "качество ремонта фасада очень низкое"]),
        ]),
        new("Дороги и транспорт", false, "Министерство транспорта и дорожного хозяйства", "Минтранс",
        [
            new("Ямы на дорогах", AppealKind.Task, LegalRegime.PlatformMessage, true,
                ["глубокая яма на проезжей части у дома", "машины объезжают яму по встречной полосе", "после зимы асфальт разрушен на всём участке", "в яме уже повредили колёса несколько автомобилей"]),
            new("Общественный транспорт", AppealKind.Complaint, LegalRegime.Obrashchenie59, false,
                ["автобус по маршруту ходит реже, чем в расписании", "на остановке нет павильона и освещения", "водитель не останавливается на остановке по требованию", "прошу вернуть отменённый маршрут"]),
            new("Уборка снега", AppealKind.Task, LegalRegime.PlatformMessage, true,
                ["тротуар не чистят от снега, люди ходят по дороге", "снег сгребли на парковку во дворе", "наледь на тротуаре у школы", "трактор не приезжал во двор с начала зимы"]),
        ]),
        new("Благоустройство", false, "Министерство строительства и развития инфраструктуры", "Минстрой",
        [
            new("Вывоз мусора", AppealKind.Task, LegalRegime.PlatformMessage, true,
                ["контейнеры переполнены, мусор не вывозят неделю", "контейнерная площадка разрушена", "мусор разносит ветром по двору", "региональный оператор игнорирует заявки"]),
            new("Освещение во дворе", AppealKind.Task, LegalRegime.PlatformMessage, true,
                ["во дворе не горят фонари", "вечером на детской площадке темно", "фонарь у подъезда мигает и гаснет", "на пешеходной дорожке нет ни одного фонаря"]),
            new("Детская площадка", AppealKind.Task, LegalRegime.PlatformMessage, true,
                ["качели на детской площадке сломаны", "на площадке торчат острые края ограждения", "прошу установить детскую площадку во дворе", "покрытие площадки разрушено"]),
            new("Вырубка деревьев", AppealKind.Complaint, LegalRegime.Obrashchenie59, false,
                ["во дворе вырубают деревья без объявления", "прошу проверить разрешение на вырубку", "аварийное дерево нависает над детской площадкой", "после строительства не восстановили газон"]),
        ]),
        new("Здравоохранение", false, "Министерство здравоохранения", "Минздрав",
        [
            new("Запись к врачу", AppealKind.Complaint, LegalRegime.Obrashchenie59, false,
                ["невозможно записаться к терапевту, нет талонов", "в поликлинике очередь на две недели", "запись через портал не работает", "к узкому специалисту направляют в другой город"]),
            new("Лекарственное обеспечение", AppealKind.Complaint, LegalRegime.Obrashchenie59, false,
                ["льготное лекарство не выдают второй месяц", "в аптеке нет препарата по рецепту", "прошу обеспечить инсулином", "отказывают в выписке льготного рецепта"]),
        ]),
        new("Образование", false, "Министерство образования", "Минобр",
        [
            new("Место в детском саду", AppealKind.Complaint, LegalRegime.Obrashchenie59, false,
                ["ребёнку не дают место в детском саду рядом с домом", "очередь в детский сад не двигается", "предложили сад на другом конце города", "прошу открыть ясельную группу"]),
            new("Школьный транспорт", AppealKind.Task, LegalRegime.PlatformMessage, false,
                ["школьный автобус не приходит по утрам", "детям приходится идти до школы вдоль трассы", "прошу организовать подвоз детей", "автобус переполнен, дети стоят"]),
        ]),
        new("Социальная защита", false, "Министерство социальной политики", "Минсоцполитики",
        [
            new("Пособия и выплаты", AppealKind.SimpleConsultation, LegalRegime.Obrashchenie59, false,
                ["пособие на ребёнка перестали начислять", "прошу разъяснить порядок получения субсидии на оплату жилья", "выплату задерживают уже два месяца", "отказали в пособии без объяснения причин"]),
            new("Пенсии и льготы", AppealKind.SimpleConsultation, LegalRegime.Obrashchenie59, false,
                ["прошу разъяснить, положена ли льгота ветерану труда", "не пришла компенсация за проезд", "как оформить льготу на коммунальные услуги", "документы для льготы приняли, но ответа нет"]),
        ]),
        new("Экология", false, "Министерство природных ресурсов и экологии", "Минприроды",
        [
            new("Свалки", AppealKind.Task, LegalRegime.PlatformMessage, true,
                ["в лесу за посёлком стихийная свалка", "строительный мусор сбрасывают у реки", "свалку подожгли, дым идёт во дворы", "прошу ликвидировать несанкционированную свалку"]),
            new("Загрязнение воздуха", AppealKind.Complaint, LegalRegime.Obrashchenie59, false,
                ["по ночам в районе сильный запах гари", "завод выбрасывает дым без очистки", "прошу проверить качество воздуха", "после выбросов у детей кашель"]),
        ]),
        new("Меры поддержки бизнеса", true, "Министерство инвестиций и развития", "Мининвест",
        [
            new("Субсидии МСП", AppealKind.ComplexConsultation, LegalRegime.BusinessConsultation, false,
                ["как получить субсидию на модернизацию оборудования", "какие документы нужны для компенсации процентов по кредиту", "отказали в субсидии, прошу разъяснить причину", "есть ли поддержка для производства в моногороде"]),
            new("Аренда и земля", AppealKind.ComplexConsultation, LegalRegime.BusinessConsultation, false,
                ["прошу разъяснить порядок предоставления участка без торгов", "арендная плата выросла вдвое", "как выкупить арендуемое помещение", "затягивают оформление договора аренды"]),
            new("Проверки и разрешения", AppealKind.SimpleConsultation, LegalRegime.BusinessConsultation, false,
                ["внеплановая проверка без оснований", "разрешение на строительство не выдают третий месяц", "как подключиться к электросетям в короткий срок", "требуют документы, которых нет в регламенте"]),
        ]),
    ];

    public static readonly string[] Municipalities =
    [
        "Городской округ Северный", "Город Заречный", "Берёзовский городской округ", "Каменский район", "Город Лесной",
        "Озёрский городской округ", "Новоуральский район", "Город Верхняя Пышма", "Полевской городской округ", "Сысертский район",
        "Артёмовский городской округ", "Город Красноуфимск",
    ];

    public static readonly string[] Streets =
    [
        "ул. Ленина", "ул. Мира", "ул. Советская", "ул. Гагарина", "ул. Школьная", "ул. Садовая", "пр. Победы", "ул. Молодёжная",
        "ул. Заводская", "ул. Набережная", "ул. Пушкина", "ул. Строителей", "ул. Кирова", "ул. Лесная", "ул. Юбилейная",
    ];

    static readonly string[] LastNames = ["Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Козлов", "Новикова", "Морозов", "Волкова", "Фёдоров"];
    static readonly string[] FirstNames = ["Мария", "Иван", "Анна", "Сергей", "Елена", "Дмитрий", "Ольга", "Алексей", "Татьяна", "Андрей"];
    static readonly string[] Firms = ["ООО «Уралмаш-Сервис»", "ИП Сидоров А. В.", "ООО «Северная верфь»", "АО «Заречный хлеб»", "ООО «Техностройпроект»", "ООО «Лесной край»"];

    static readonly string[] Openings = ["Уважаемая администрация!", "Здравствуйте!", "Прошу принять меры.", "Обращаюсь повторно."];
    static readonly string[] Closings =
    [
        "Прошу разобраться и сообщить о принятых мерах.", "Прошу дать ответ в установленный срок.", "Жители неоднократно обращались, но ничего не изменилось.",
        "Фотографии прилагаю.", "Прошу взять на контроль.",
    ];

    public static readonly string[] AnswerPhrases =
    [
        "Ваше обращение рассмотрено.", "Работы включены в план на текущий месяц.", "Подрядчику выдано предписание.", "Проведена выездная проверка.",
        "Информация направлена в управляющую компанию.", "Нарушение устранено.", "Разъясняем порядок, установленный законодательством.",
    ];

    public static readonly string[] StepNotes = ["Выезд на место, нарушение подтверждено.", "Запрошена информация у подрядчика.", "Направлен запрос в управляющую компанию.", "Работы начаты."];

    /// <summary>Words that occur in many appeals (search workload): nouns of several topics, in the forms people type.</summary>
    public static readonly string[] SearchWords = ["отопление", "яма", "мусор", "лифт", "субсидия", "детский сад", "освещение", "перерасчёт", "поликлиника", "свалка"];

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>300–600 characters, as citizens write: an opening, the topic's phrases in some order, a closing.</summary>
    public static string Text(Random random, TopicWords topic, string? address)
    {
        var parts = new List<string> { random.Pick(Openings) };
        if (address is not null) parts.Add($"Адрес: {address}.");
        var target = random.Next(300, 600);
        var length = parts.Sum(p => p.Length + 1);
        while (length < target)
        {
            var phrase = random.Pick(topic.Phrases);
            var sentence = char.ToUpperInvariant(phrase[0]) + phrase[1..] + ".";
            parts.Add(sentence);
            length += sentence.Length + 1;
        }
        parts.Add(random.Pick(Closings));
        return string.Join(' ', parts);
    }

    public static ApplicantInfo Applicant(Random random, bool business) => business
        ? new ApplicantInfo { Kind = ApplicantKind.Organisation, OrganisationName = random.Pick(Firms), LastName = random.Pick(LastNames), FirstName = random.Pick(FirstNames),
            Email = $"firm{random.Next(1, 5000)}@example.ru", Inn = "66" + random.Next(10000000, 99999999).ToString(System.Globalization.CultureInfo.InvariantCulture) }
        : new ApplicantInfo { Kind = ApplicantKind.Person, LastName = random.Pick(LastNames), FirstName = random.Pick(FirstNames),
            Email = $"user{random.Next(1, 100000)}@example.ru", PostalAddress = $"620000, {random.Pick(Streets)}, {random.Next(1, 120)}" };

    public static string Address(Random random) => $"{random.Pick(Streets)}, {random.Next(1, 150)}";
}
