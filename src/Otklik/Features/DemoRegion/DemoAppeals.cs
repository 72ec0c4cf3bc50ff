using Otklik.Features.Appeals;
using Otklik.Features.Directory;

namespace Otklik.Features.DemoRegion;

/// <summary>An applicant as a demo appeal states them; <c>Account</c> is the login of their demo account, if they have one.</summary>
sealed record Who(ApplicantKind Kind, string? LastName = null, string? FirstName = null, string? MiddleName = null, string? Email = null,
    string? Phone = null, string? PostalAddress = null, string? OrganisationName = null, string? Inn = null, string? Ogrn = null,
    string? Representative = null, string? Account = null)
{
    public static Who Person(string lastName, string firstName, string? middleName, string? email = null, string? phone = null,
        string? postal = null, string? account = null) =>
        new(ApplicantKind.Person, lastName, firstName, middleName, email, phone, postal, Account: account);

    public static Who Organisation(string name, string inn, string? ogrn, string representative, string? email = null, string? phone = null,
        string? postal = null, string? account = null) =>
        new(ApplicantKind.Organisation, Email: email, Phone: phone, PostalAddress: postal, OrganisationName: name, Inn: inn, Ogrn: ogrn,
            Representative: representative, Account: account);

    public static readonly Who Anonymous = new(ApplicantKind.Anonymous);

    /// <summary>A fresh copy for each appeal: the applicant is owned by its appeal and cannot be shared.</summary>
    public ApplicantInfo ToInfo(int coSigners) => new()
    {
        Kind = Kind, LastName = LastName, FirstName = FirstName, MiddleName = MiddleName, Email = Email, Phone = Phone,
        PostalAddress = PostalAddress, OrganisationName = OrganisationName, Inn = Inn, Ogrn = Ogrn, RepresentativeName = Representative,
        CoSignerCount = coSigners,
    };
}

/// <summary>Where the problem is: the municipality, the address and, when the applicant put it on the map, the point.</summary>
sealed record DemoPlace(Territory Territory, string? Address, double? Latitude = null, double? Longitude = null);

/// <summary>One demo appeal: what was submitted, when, and what has happened to it since.</summary>
sealed class DemoStory(string key, double daysAgo, string topic, AppealType type, Channel channel, Who from, string text)
{
    public string Key => key;
    public double DaysAgo => daysAgo;
    public string Topic => topic;
    public AppealType Type => type;
    public Channel Channel => channel;
    public Who From => from;
    public string Text => text;
    public DemoPlace? Place { get; init; }
    public LegalRegime? Regime { get; init; }
    public bool IsPublic { get; init; }
    public string? MessageId { get; init; }
    public int CoSigners { get; init; }
    public Action<DemoLife> Life { get; init; } = _ => { };
}

/// <summary>About fifty appeals of the demo region, in every status, each with the life that brought it there.</summary>
static class DemoAppeals
{
    // Applicants with demo accounts (they submit on the portal, in the app and on the investment portal).
    static readonly Who Smirnova = Who.Person("Смирнова", "Анна", "Викторовна", "applicant@demo.otklik.ru", "+7 (912) 604-18-27", account: "applicant");
    static readonly Who Belova = Who.Person("Белова", "Ксения", "Игоревна", "belova@demo.otklik.ru", "+7 (922) 118-40-53", account: "belova");
    static readonly Who Morozov = Who.Person("Морозов", "Евгений", "Павлович", "morozov@demo.otklik.ru", account: "morozov");
    static readonly Who Khasanova = Who.Person("Хасанова", "Лилия", "Ринатовна", "khasanova@demo.otklik.ru",
        postal: "620137, г. Уралград, ул. Шефская, 14, кв. 52", account: "khasanova");
    static readonly Who Lebedev = Who.Person("Лебедев", "Николай", "Аркадьевич", "lebedev@demo.otklik.ru",
        postal: "623400, г. Камнегорск, ул. Мира, 14, кв. 7", account: "lebedev");
    static readonly Who Nikiforova = Who.Person("Никифорова", "Галина", "Степановна", "nikiforova@demo.otklik.ru", "+7 (950) 631-22-09", account: "nikiforova");
    static readonly Who Uralmehprom = Who.Organisation("ООО «Уралмехпром»", "6652601816", "1166684656324", "Гончаров Дмитрий Сергеевич",
        "business@demo.otklik.ru", "+7 (343) 287-40-15", account: "business");

    public static IEnumerable<DemoStory> All(DemoDirectory d)
    {
        DemoPlace Uralgrad(string? address, double? lat = null, double? lon = null) => new(d.UralgradTerritory, address, lat, lon);
        DemoPlace Kamnegorsk(string? address, double? lat = null, double? lon = null) => new(d.KamnegorskTerritory, address, lat, lon);

        // ---- On moderation ----

        yield return new("pothole-shchorsa", 0.2, "potholes", AppealType.Problem, Channel.Mobile, Belova,
            "На перекрёстке ул. Щорса и ул. Белинского провал асфальта глубиной сантиметров пятнадцать. Вчера вечером там пробили колёса две машины. Прошу срочно огородить яму и заделать.")
        { Place = Uralgrad("ул. Щорса, 7", 56.8213, 60.6202), IsPublic = true };

        yield return new("kindergarten-queue", 0.8, "kindergarten", AppealType.Question, Channel.Portal,
            Nikiforova with { PostalAddress = "623400, г. Камнегорск, ул. Садовая, 11, кв. 4" },
            "Внучка стоит в очереди в детский сад с марта, ей уже исполнилось три года, а место так и не предложили. Подскажите, какой у нас номер в очереди и когда ждать направления в сад № 12 или № 15.")
        { Place = Kamnegorsk("ул. Садовая, 11"), Life = l => l.Route(d.Kamnegorsk) };

        yield return new("sidewalk-gagarina", 1.1, "street-cleaning", AppealType.Problem, Channel.SocialNetwork, Who.Anonymous,
            "Группа «Уралград онлайн»: жители пишут, что тротуар на ул. Гагарина от остановки «Политехническая» до школы № 45 не чистят третий день, дети идут в школу по проезжей части.")
        { Place = Uralgrad("ул. Гагарина, 28", 56.8449, 60.6530), Regime = LegalRegime.SocialIncident, MessageId = "vk:-58812_33017" };

        yield return new("mfc-lenina", 2.6, "mfc-service", AppealType.Problem, Channel.Email,
            Who.Person("Кузнецова", "Людмила", "Петровна", "kuznetsova.lp@example.com"),
            "Обращаюсь с жалобой на работу МФЦ на ул. Ленина, 24 в Камнегорске. Была записана на 10:30, прождала в очереди больше двух часов: из шести окон работало одно. Прошу разобраться и сообщить, какие меры будут приняты.")
        { Place = Kamnegorsk("ул. Ленина, 24"), MessageId = "CAF3k9x2.1187@mail.example.com" };

        yield return new("alcohol-licence", 0.4, "alcohol", AppealType.Question, Channel.InvestPortal,
            Who.Organisation("ООО «Камнегорская пивоварня»", "6666131864", "1166692440265", "Лаврентьев Марк Олегович", "info@kpivo.example.com", "+7 (3439) 37-12-80"),
            "Планируем открыть при пивоварне кафе на 40 мест. Какие документы нужны для лицензии на розничную продажу алкогольной продукции при оказании услуг общественного питания и какая госпошлина?");

        // ---- Waiting for the applicant's clarification ----

        yield return new("street-trade-market", 2, "street-trade", AppealType.Problem, Channel.Portal, Morozov,
            "Возле рынка каждые выходные торгуют овощами прямо с машин, после них на газоне остаются ящики и гнилые овощи. Прошу навести порядок.")
        { Place = Uralgrad(null), Life = l => l.AskClarification("Уточните, пожалуйста, адрес или ориентир: у какого рынка и у какого дома ведётся торговля?", after: 5) };

        yield return new("utility-bill-kovaleva", 1.5, "utility-bills", AppealType.Question, Channel.Hotline,
            Who.Person("Ковалёва", "Наталья", "Андреевна", phone: "+7 (965) 540-77-13", postal: "620100, г. Уралград, ул. Восточная, 68, кв. 104"),
            "Звонила на горячую линию: в квитанции за октябрь начисление за отопление выросло почти вдвое по сравнению с прошлым годом. Просит проверить правильность расчёта.")
        { Place = Uralgrad("ул. Восточная, 68"), Life = l => l.AskClarification("Сообщите номер лицевого счёта и название управляющей компании: без них мы не сможем запросить расчёт.") };

        yield return new("no-signal-klyuchi", 1, "no-signal", AppealType.Problem, Channel.Telegram,
            Who.Person("Гусев", "Олег", "Романович", phone: "+7 (904) 381-55-60"),
            "В посёлке нет мобильного интернета уже неделю, звонки проходят через раз. Работаем удалённо, дети не могут учиться онлайн.")
        { Place = Kamnegorsk(null), MessageId = "tg:481552907:1187",
          Life = l => l.AskClarification("Уточните, пожалуйста, название посёлка и оператора связи, у которого пропал интернет.", after: 3) };

        // ---- Registered, waiting for the dispatcher ----

        yield return new("bus-50", 3, "public-transport", AppealType.Problem, Channel.FederalPlatform,
            Who.Person("Алексеев", "Дмитрий", "Юрьевич", "alekseev.dy@example.com"),
            "Автобус № 50 по утрам ходит с интервалом 40 минут вместо 15 по расписанию. На остановке «Уралмаш» люди не помещаются в салон и опаздывают на работу. Прошу вернуть машины на маршрут.")
        { Place = Uralgrad("пр. Космонавтов, ост. «Уралмаш»", 56.8921, 60.6105), IsPublic = true, MessageId = "pos-2026-004512", Life = l => l.Register() };

        yield return new("roof-mira-14", 5, "capital-repair", AppealType.Problem, Channel.Portal, Lebedev,
            "Подрядчик капитального ремонта разобрал кровлю в сентябре и до сих пор не закончил. После дождей в квартирах верхнего этажа течёт с потолка, в подъезде сырость и плесень.")
        { Place = Kamnegorsk(null),
          Life = l => l.AskClarification("Укажите, пожалуйста, адрес дома, в котором ведётся капитальный ремонт.")
                       .Clarify("Дом № 14 по ул. Мира в Камнегорске, подрядчик — ООО «РемСтройУрал».")
                       .Register() };

        yield return new("lighting-kluchi-road", 6, "street-lighting", AppealType.Problem, Channel.Mobile, Nikiforova,
            "На выезде из города к посёлку Ключи не горят фонари на протяжении километра. Вечером идти к остановке страшно, обочины нет.")
        { Place = Kamnegorsk("автодорога Камнегорск — Уралград, 3-й км", 56.4352, 61.8903), IsPublic = true,
          Life = l => l.Register().Work()
                       .Redirect(d.MinTransport, "Участок относится к региональной автодороге Камнегорск — Уралград; освещение содержит ГКУ «Управление автодорог» Минтранса.") };

        yield return new("contract-payment", 1.5, "contract-payments", AppealType.Problem, Channel.GovernorMail,
            Who.Organisation("ООО «СтройДорСервис»", "6682199355", "1166661760319", "Третьякова Алла Борисовна", "office@sds.example.com",
                postal: "620014, г. Уралград, ул. Радищева, 6, оф. 410"),
            "По государственному контракту на ремонт подъездной дороги к школе в с. Покровское работы приняты 12 сентября, акты подписаны, но оплата не поступила до сих пор. Просим содействия в получении оплаты.")
        { Life = l => l.Register() };

        // ---- Assigned to an executor ----

        yield return new("lighting-vostochnaya", 4, "street-lighting", AppealType.Problem, Channel.Open311,
            Who.Person("Миронов", "Артём", "Олегович", "mironov.ao@example.com"),
            "Не работают четыре фонаря вдоль дома 80 по ул. Восточной, двор и пешеходный переход в темноте.")
        { Place = Uralgrad("ул. Восточная, 80", 56.8305, 60.6402), IsPublic = true, MessageId = "open311:req-20417", Life = l => l.Register().Assign() };

        yield return new("modernisation-lathes", 3, "modernisation", AppealType.Question, Channel.InvestPortal, Uralmehprom,
            "Планируем купить два токарных станка с ЧПУ в лизинг. Можно ли получить субсидию «Модернизация» на первый взнос по договору лизинга и в какие сроки принимаются заявки?")
        { Life = l => l.Register().Assign() };

        yield return new("heating-stroiteley", 2, "heating", AppealType.Problem, Channel.Hotline,
            Who.Person("Лаптева", "Зинаида", "Михайловна", phone: "+7 (3439) 34-61-02", postal: "623400, г. Камнегорск, ул. Строителей, 5, кв. 31"),
            "В квартире батареи еле тёплые, в комнатах +16. Управляющая компания на звонки не отвечает. В доме живут пожилые люди.")
        { Place = Kamnegorsk("ул. Строителей, 5"), Life = l => l.Register().Assign() };

        // ---- In work ----

        yield return new("pothole-kamn-lenina", 12, "potholes", AppealType.Problem, Channel.Mobile, Nikiforova,
            "Напротив дома 36 по ул. Ленина большая яма на всю полосу, в ней стоит вода. Машины объезжают по встречной, рядом пешеходный переход.")
        { Place = Kamnegorsk("ул. Ленина, 36", 56.4182, 61.9205), IsPublic = true,
          Life = l => l.Register().Work()
                       .Step("Подана заявка подрядчику МБУ «Камнегорскавтодор» на ямочный ремонт; яма огорожена. Работы — после установления сухой погоды.") };

        yield return new("school-meals-45", 18, "school-meals", AppealType.Problem, Channel.Portal, Smirnova,
            "В школе № 45 детям в начальных классах дают холодный завтрак, порции маленькие, дети приходят голодными. Родительский комитет обращался к директору, изменений нет. Прошу провести проверку организации питания.")
        { IsPublic = true, Place = Uralgrad("ул. Фрунзе, 20, школа № 45", 56.8198, 60.5941),
          Life = l => l.Register().Work()
                       .Extend(20, "Назначена выездная проверка комбината школьного питания с участием родительского комитета; результаты будут к концу месяца.")
                       .Step("Проведена проверка 14 ноября: подтверждено нарушение температурного режима при доставке; комбинату выдано предписание.") };

        yield return new("grid-technopark", 9, "grid-connection", AppealType.Problem, Channel.Email,
            Who.Organisation("ООО «ТехноПарк Исеть»", "6659083017", "1166612233072", "Калинин Андрей Петрович", "kalinin@technopark-iset.example.com", "+7 (343) 311-09-44"),
            "Третий месяц не можем получить технические условия на подключение производственного корпуса к водоснабжению и канализации. МУП «Водоканал» дважды возвращал заявку без объяснения причин.")
        { Place = Uralgrad("ул. Монтажников, 4", 56.8640, 60.5452), MessageId = "20261102.4471@technopark-iset.example.com",
          Life = l => l.Register().Work()
                       .CoExecutor(d.Uralgrad, "Запросить у МУП «Водоканал» причины возврата заявки и срок выдачи технических условий.") };

        yield return new("dump-shefskaya", 16, "dump", AppealType.Problem, Channel.Portal, Belova,
            "В лесопарке за домом 3 по ул. Шефской свалка: строительный мусор, покрышки, старая мебель. Растёт с каждой неделей, мусор вываливают по ночам с грузовиков.")
        { Place = Uralgrad("ул. Шефская, 3, лесопарк", 56.8934, 60.6012), IsPublic = true,
          Life = l => l.Register().Work()
                       .Answered("Свалка ликвидирована 12 ноября силами МБУ «Уралградблагоустройство», вывезено 14 м³ отходов. Место включено в график патрулирования.",
                           FederalResult.SupportedMeasuresTaken)
                       .Rate(2, "Вывезли только мебель, покрышки так и лежат, рядом уже новая куча.") };

        yield return new("street-cleaning-kamenskaya", 3, "street-cleaning", AppealType.Problem, Channel.SocialNetwork, Who.Anonymous,
            "Комментарий в Telegram-канале «Камнегорск сегодня»: на ул. Каменской у дома 90 с утра не убран снег, автобусы не могут подъехать к остановке.")
        { Place = Kamnegorsk("ул. Каменская, 90", 56.4050, 61.9402), Regime = LegalRegime.SocialIncident, MessageId = "tg:-1001733:9921",
          Life = l => l.Register().Work() };

        yield return new("self-employed-meeting", 7, "self-employed", AppealType.Question, Channel.Meeting,
            Who.Person("Шарипов", "Ильдар", "Маратович", phone: "+7 (912) 277-30-81", postal: "620085, г. Уралград, ул. Титова, 19, кв. 40"),
            "На приёме граждан: самозанятый мастер по ремонту мебели спрашивает, может ли он получить грант или льготный заём на покупку оборудования и аренду мастерской и куда подавать документы.")
        { Life = l => l.Register().Work()
                       .Answer("Самозанятые могут получить микрозаём фонда до 500 тыс. рублей под 5 % годовых.", FederalResult.Explained)
                       .Submit()
                       .ReturnForRework(ReworkReason.NotAllQuestionsAnswered, "Не ответили про аренду мастерской и про то, куда подавать документы.") };

        // ---- Answer drafted ----

        yield return new("post-office-klyuchi", 6, "post-offices", AppealType.Problem, Channel.Hotline,
            Who.Person("Ефимова", "Тамара", "Григорьевна", phone: "+7 (3439) 35-20-18", postal: "623411, Камнегорский р-н, пос. Ключи, ул. Школьная, 2"),
            "Почтовое отделение в посёлке Ключи открыто только два дня в неделю по три часа, пенсию и посылки получить невозможно, очереди на улице.")
        { IsPublic = true, Place = Kamnegorsk("пос. Ключи, ул. Школьная, 2"),
          Life = l => l.Register().Work()
                       .Answer("УФПС «Почта России» по Уральской области сообщило, что с 1 декабря отделение в пос. Ключи будет работать пять дней в неделю с 10:00 до 16:00.",
                           FederalResult.SupportedMeasuresTaken) };

        yield return new("social-grant-chernova", 2.5, "social-grant", AppealType.Question, Channel.InvestPortal,
            Who.Organisation("ИП Чернова Алёна Викторовна", "667601895561", "321665838528082", "Чернова Алёна Викторовна", "chernova.av@example.com"),
            "У меня студия творческих занятий для детей с ОВЗ, статус социального предприятия получен в этом году. Могу ли я получить грант на оборудование второго кабинета?")
        { Life = l => l.Register().Assign()
                       .Answer("Да, социальные предприятия могут получить грант до 500 тыс. рублей на оборудование при софинансировании не менее 25 %. Приём заявок — до 15 декабря на инвестиционном портале.",
                           FederalResult.Explained) };

        yield return new("playground-bardina", 8, "playgrounds", AppealType.Problem, Channel.Portal, Morozov,
            "На детской площадке во дворе дома 40 по ул. Бардина сломана горка: торчит металлический угол, качели держатся на одной цепи. Дети продолжают там играть.")
        { Place = Uralgrad("ул. Бардина, 40", 56.7905, 60.5412), IsPublic = true,
          Life = l => l.Register().Work()
                       .Step("Площадка осмотрена; опасное оборудование огорожено, управляющей компании выдано требование о замене горки.")
                       .Answer("Горка демонтирована, новая будет установлена управляющей компанией до 10 декабря; цепи качелей заменены.", FederalResult.SupportedMeasuresTaken) };

        // ---- Answer on review ----

        yield return new("air-cherkasskaya", 20, "pollution", AppealType.Problem, Channel.Portal, Khasanova,
            "По вечерам в районе ул. Черкасской сильный запах гари и химии, особенно при северном ветре. Дышать невозможно, окна не открываем. Просим проверить предприятия промзоны.")
        { IsPublic = true, Place = Uralgrad("ул. Черкасская, промзона", 56.8702, 60.5350),
          Life = l => l.Register().Work()
                       .Step("Проведены замеры атмосферного воздуха 6 и 9 ноября передвижной лабораторией; превышения по взвешенным веществам в 1,3 раза.")
                       .Answer("В ходе замеров выявлено превышение ПДК взвешенных веществ. Предприятию ООО «УралЛит» выдано предписание, назначена внеплановая проверка.",
                           FederalResult.SupportedMeasuresTaken)
                       .Submit() };

        yield return new("cadastral-sever", 3, "cadastral-value", AppealType.Question, Channel.Email,
            Who.Organisation("ООО «Север-Инвест»", "6609139095", "1166685995288", "Бортникова Ирина Олеговна", "buh@sever-invest.example.com"),
            "Кадастровая стоимость нашего складского здания после переоценки выросла в 2,4 раза и превышает рыночную. Как оспорить её в комиссии и какие документы приложить?")
        { MessageId = "sever.2026.1177@sever-invest.example.com",
          Life = l => l.Register().Work()
                       .Answer("Заявление об установлении кадастровой стоимости в размере рыночной подаётся в ГБУ «Уралоценка» с отчётом об оценке; срок рассмотрения — 30 рабочих дней.",
                           FederalResult.Explained)
                       .Submit() };

        yield return new("roof-oktyabrskaya", 25, "capital-repair", AppealType.Problem, Channel.Paper,
            Who.Person("Захарова", "Валентина", "Фёдоровна", postal: "623400, г. Камнегорск, ул. Октябрьская, 3, кв. 12"),
            "Коллективное обращение жителей дома № 3 по ул. Октябрьской. Капитальный ремонт фасада и подвала по региональной программе должен был закончиться в августе. Подрядчик ушёл с объекта, подвал затоплен, фасад в лесах.")
        { IsPublic = true, Place = Kamnegorsk("ул. Октябрьская, 3"), CoSigners = 37,
          Life = l => l.Register().Work()
                       .Extend(15, "Назначено комиссионное обследование дома с участием подрядчика и Фонда капитального ремонта.")
                       .Step("Обследование 10 ноября: подвал осушен, подрядчику направлена претензия, срок окончания работ по фасаду — 20 декабря.")
                       .Answer("Подвал осушен, подрядчику ООО «РемСтройУрал» начислена неустойка; работы по фасаду будут завершены до 20 декабря под контролем Фонда капремонта.",
                           FederalResult.SupportedMeasuresTaken)
                       .Submit() };

        // ---- Answer sent, waiting for the rating ----

        yield return new("square-krasnolesya", 9, "street-cleaning", AppealType.Proposal, Channel.Portal, Smirnova,
            "Предлагаю благоустроить пустырь у дома 12 по ул. Краснолесья: там можно сделать сквер с дорожками, скамейками и площадкой для выгула собак. Жители готовы участвовать в субботниках.")
        { Place = Uralgrad("ул. Краснолесья, 12", 56.7815, 60.5530), IsPublic = true,
          Life = l => l.Reclassify("parks").Register().Work()
                       .Answered("Предложение поддержано: территория включена в список для голосования по программе «Формирование комфортной городской среды» на 2027 год.",
                           FederalResult.Supported) };

        yield return new("no-signal-sadovaya", 7, "no-signal", AppealType.Problem, Channel.Mobile, Nikiforova,
            "На ул. Садовой в посёлке Ключи с октября нет сигнала ни одного оператора. Позвонить в скорую можно только с пригорка у школы.")
        { IsPublic = true, Place = Kamnegorsk("пос. Ключи, ул. Садовая", 56.4301, 61.8850),
          Life = l => l.Register().Work()
                       .Answered("Оператор ПАО «МТС» восстановил работу базовой станции в пос. Ключи 18 ноября; до конца года в посёлке будет установлена вторая станция по программе устранения цифрового неравенства.",
                           FederalResult.SupportedMeasuresTaken) };

        yield return new("microloan-frolov", 2, "microloans", AppealType.Question, Channel.InvestPortal,
            Who.Organisation("ИП Фролов Кирилл Андреевич", "665979711457", "321665841485258", "Фролов Кирилл Андреевич", phone: "+7 (922) 205-64-90"),
            "Какие условия микрозайма фонда для ИП на пополнение оборотных средств? Нужен ли залог при сумме до 1 млн рублей?")
        { Life = l => l.Register().Assign()
                       .Answered("Микрозаём на пополнение оборотных средств — до 5 млн рублей на 3 года под 7 % годовых; при сумме до 1 млн рублей достаточно поручительства.",
                           FederalResult.Explained) };

        yield return new("regional-road-r351", 11, "regional-roads", AppealType.Problem, Channel.FederalPlatform,
            Who.Person("Кузьмин", "Сергей", "Валерьевич", "kuzmin.sv@example.com"),
            "На региональной дороге Камнегорск — Уралград между 12 и 18 км колея глубиной до 10 см и выбоины. Зимой здесь постоянно аварии.")
        { IsPublic = true, MessageId = "pos-2026-003988",
          Life = l => l.Register().Work()
                       .Answered("Ремонт участка 12–18 км включён в план работ на 2027 год; до этого подрядчик устранит выбоины литым асфальтом до 5 декабря.",
                           FederalResult.SupportedMeasuresTaken) };

        // ---- Closed ----

        yield return new("pothole-malysheva", 30, "potholes", AppealType.Problem, Channel.Mobile, Smirnova,
            "Глубокая яма на проезжей части у дома 51 по ул. Малышева, у остановки. Автобусы объезжают её, перекрывая соседнюю полосу.")
        { Place = Uralgrad("ул. Малышева, 51", 56.8372, 60.6151), IsPublic = true,
          Life = l => l.Register().Work()
                       .Step("Выезд на место: яма 1,2 × 0,8 м, глубина 12 см. Включена в заявку подрядчику.")
                       .Answer("Яма заделана подрядчиком.", FederalResult.SupportedMeasuresTaken).Submit()
                       .ReturnForRework(ReworkReason.NoEvidence, "Приложите фото до и после ремонта и укажите дату.")
                       .Answer("Яма заделана 28 октября литым асфальтом, фотографии до и после ремонта приложены.", FederalResult.SupportedMeasuresTaken).Submit()
                       .Approve()
                       .Rate(5, "Спасибо, сделали быстро и аккуратно.") };

        yield return new("lighting-syromolotova", 25, "street-lighting", AppealType.Problem, Channel.Portal, Belova,
            "Во дворе и на пешеходной дорожке у дома 28 по ул. Сыромолотова не горит ни одного фонаря уже месяц.")
        { Place = Uralgrad("ул. Сыромолотова, 28", 56.8601, 60.6790), IsPublic = true,
          Life = l => l.Register().Work()
                       .Answered("Заменены две лампы на опорах у дома 28.", FederalResult.SupportedMeasuresTaken)
                       .Rate(1, "Заменили две лампы, остальные пять фонарей как не горели, так и не горят.")
                       .Answer("Заменён повреждённый кабель линии освещения и семь светильников; освещение двора и дорожки восстановлено полностью 9 ноября.",
                           FederalResult.SupportedMeasuresTaken)
                       .Submit().Approve()
                       .Rate(4) };

        yield return new("heating-tarasov", 35, "heating", AppealType.Problem, Channel.Hotline,
            Who.Person("Тарасов", "Виктор", "Ильич", phone: "+7 (953) 002-17-48", postal: "623400, г. Камнегорск, ул. Строителей, 9, кв. 18"),
            "С начала отопительного сезона в доме 9 по ул. Строителей не прогреваются стояки в угловых квартирах, температура +15.")
        { IsPublic = true, Place = Kamnegorsk("ул. Строителей, 9"),
          Life = l => l.Register().Work()
                       .Answered("Управляющей компании ООО «УК Камнегорье» выдано предписание; стояки промыты 14 октября, температура в квартирах +22.",
                           FederalResult.SupportedMeasuresTaken)
                       .Close("Заявитель не оценил ответ в течение 10 дней.") };

        yield return new("modernisation-press", 28, "modernisation", AppealType.Question, Channel.InvestPortal, Uralmehprom,
            "Хотим получить субсидию «Модернизация» на гидравлический пресс, купленный в лизинг в прошлом месяце. Какую часть затрат возместят и нужен ли отчёт о создании рабочих мест?")
        { Life = l => l.Register().Work()
                       .CoExecutor(d.Fund, "Рассчитать размер возмещения по договору лизинга ООО «Уралмехпром».",
                           "По договору лизинга № 17-Л возмещение составит 1,2 млн рублей (50 % первого взноса).")
                       .Answered("Субсидия возмещает 50 % первого взноса по лизингу, по вашему договору — 1,2 млн рублей. Отчёт о создании рабочих мест не нужен, нужен отчёт о загрузке оборудования через год.",
                           FederalResult.Explained)
                       .Rate(5, "Всё понятно, подаём заявку.") };

        yield return new("signage-vainera", 21, "signage", AppealType.Question, Channel.Email,
            Who.Organisation("ООО «Кофейня на Вайнера»", "6696030824", "1166690786668", "Гладких Марина Юрьевна", "coffee.vainera@example.com"),
            "Открываем кофейню в историческом здании на ул. Вайнера, 9. Как согласовать вывеску над входом и нужен ли отдельный дизайн-проект?")
        { Place = Uralgrad("ул. Вайнера, 9", 56.8338, 60.5983), MessageId = "8821.vainera@example.com",
          Life = l => l.Register().Work()
                       .Answered("Для объекта культурного наследия дизайн-проект вывески согласуется с архитектурой города через портал госуслуг; срок — 15 рабочих дней.",
                           FederalResult.Explained)
                       .Rate(3, "Ответили, но форму заявления пришлось искать самим.") };

        yield return new("kindergarten-orlova", 40, "kindergarten", AppealType.Question, Channel.GovernorMail,
            Who.Person("Орлова", "Екатерина", "Дмитриевна", "orlova.ed@example.com"),
            "Прошу помочь с переводом сына в детский сад ближе к дому: мы переехали в микрорайон Академический, а сад остался на другом конце города, дорога занимает час.")
        { IsPublic = true, Place = Uralgrad("микрорайон Академический"),
          Life = l => l.Register().Work()
                       .Answered("Ребёнок поставлен в очередь на перевод в детский сад № 587 (микрорайон Академический); место будет предоставлено с 1 декабря.",
                           FederalResult.SupportedMeasuresTaken)
                       .Close("Заявитель не оценил ответ в течение 10 дней.") };

        yield return new("parking-mira-14", 22, "yard-parking", AppealType.Problem, Channel.Portal, Lebedev,
            "Во дворе дома 14 по ул. Мира машины паркуются на газоне и перекрывают проезд, мусоровоз и скорая не могут подъехать.")
        { IsPublic = true, Place = Kamnegorsk("ул. Мира, 14", 56.4105, 61.9330),
          Life = l => l.Register().Work()
                       .Answered("Расширение парковки за счёт газона не поддержано; во дворе будут установлены ограничительные столбики, информация о нарушителях передана в ГИБДД.",
                           FederalResult.NotSupported)
                       .Rate(3, "Понятно, хотя парковаться всё равно негде.") };

        yield return new("intercity-bus-kamn", 19, "intercity-buses", AppealType.Problem, Channel.Telegram,
            Who.Person("Сидоренко", "Павел", "Игоревич", phone: "+7 (908) 915-02-66"),
            "Отменили утренний рейс автобуса Камнегорск — Уралград в 6:10, следующий только в 8:30. Люди опаздывают на работу.")
        { IsPublic = true, MessageId = "tg:390441871:552",
          Life = l => l.Register().Work()
                       .Answered("Рейс в 6:10 восстановлен с 1 ноября; перевозчику направлено требование соблюдать расписание.", FederalResult.SupportedMeasuresTaken)
                       .Close("Заявитель не оценил ответ в течение 10 дней.") };

        // ---- Published on the portal: gratitude, proposals and problems with answers and ratings ----

        yield return new("gratitude-square-shevchenko", 26, "parks", AppealType.Gratitude, Channel.Portal, Belova,
            "Хочу поблагодарить МБУ «Уралградблагоустройство» за новый сквер у дома 18 по ул. Шевченко: дорожки, скамейки, освещение, даже площадку для собак сделали. Гуляем всей семьёй каждый вечер.")
        { Place = Uralgrad("ул. Шевченко, 18", 56.8290, 60.6050), IsPublic = true,
          Life = l => l.Register().Work()
                       .Answered("Благодарим за добрые слова! Отзыв передан коллективу МБУ «Уралградблагоустройство»; весной в сквере высадят ещё 40 деревьев.",
                           FederalResult.Explained)
                       .Rate(5, "Спасибо за ответ!") };

        yield return new("gratitude-bus-driver", 15, "public-transport", AppealType.Gratitude, Channel.Email,
            Who.Person("Воронина", "Елена", "Павловна", "voronina.ep@example.com", "+7 (912) 455-80-31"),
            "Благодарю водителя автобуса № 27 Ткаченко Игоря Сергеевича: 3 ноября он дождался мою маму с тростью на остановке «Площадь 1905 года», помог подняться в салон и выйти. Побольше бы таких людей.")
        { Place = Uralgrad("ост. «Площадь 1905 года»", 56.8380, 60.5980), IsPublic = true, MessageId = "voronina.1103@example.com",
          Life = l => l.Mask("Благодарю водителя автобуса № 27 (имя скрыто модератором): 3 ноября он дождался мою маму с тростью на остановке «Площадь 1905 года», помог подняться в салон и выйти. Побольше бы таких людей.")
                       .Register().Work()
                       .Answered("Спасибо! Благодарность объявлена водителю приказом по МУП «Уралгорэлектротранс», он поощрён премией.", FederalResult.Explained)
                       .Close("Заявитель не оценил ответ в течение 10 дней.") };

        yield return new("proposal-bike-lane", 24, "road-signs", AppealType.Proposal, Channel.Portal, Morozov,
            "Предлагаю нанести разметку велополосы по ул. Малышева от ул. Восточной до пр. Ленина и поставить знаки: велосипедистов много, а ехать им приходится между машинами.")
        { Place = Uralgrad("ул. Малышева, 80", 56.8400, 60.6200), IsPublic = true,
          Life = l => l.Register().Work()
                       .Answered("Предложение поддержано: велополоса на участке ул. Малышева от ул. Восточной до пр. Ленина включена в проект организации дорожного движения на 2027 год.",
                           FederalResult.Supported)
                       .Rate(4, "Хорошо, ждём.") };

        yield return new("proposal-bus-shelter", 13, "bus-stops", AppealType.Proposal, Channel.Mobile, Nikiforova,
            "На остановке «Рынок» по ул. Ленина нет павильона: пожилые люди ждут автобус под дождём и снегом. Предлагаю установить павильон со скамейкой.")
        { Place = Kamnegorsk("ул. Ленина, 50, ост. «Рынок»", 56.4150, 61.9250), IsPublic = true,
          Life = l => l.Register().Work()
                       .Answered("Павильон с навесом и скамейкой будет установлен на остановке «Рынок» до 15 декабря.", FederalResult.SupportedMeasuresTaken) };

        yield return new("kiosk-noise-bazhova", 20, "kiosks", AppealType.Problem, Channel.Portal, Khasanova,
            "Киоск у дома 12 по ул. Бажова работает круглосуточно, продавец Гасанов Рустам ночью включает громкую музыку, у киоска собираются компании. Жильцы квартиры 5 и 7 не спят. Прошу проверить законность размещения киоска.")
        { Place = Uralgrad("ул. Бажова, 12", 56.8500, 60.6300), IsPublic = true,
          Life = l => l.Mask("Киоск у дома 12 по ул. Бажова работает круглосуточно, продавец *** ночью включает громкую музыку, у киоска собираются компании. Жильцы квартир *** не спят. Прошу проверить законность размещения киоска.")
                       .Register().Work()
                       .Step("Выезд 10 ноября: киоск размещён с нарушением схемы, владельцу выдано предписание.")
                       .Answered("Договор на размещение киоска расторгнут, киоск демонтирован 17 ноября.", FederalResult.SupportedMeasuresTaken)
                       .Rate(5, "Стало тихо, спасибо.") };

        yield return new("tree-felling-mira", 17, "tree-felling", AppealType.Problem, Channel.Portal, Lebedev,
            "Во дворе дома 20 по ул. Мира пилят здоровые берёзы. Председатель ТСЖ Сергеев Антон Викторович (тел. +7 (912) 000-11-22) говорит, что есть разрешение, но показать его отказывается.")
        { Place = Kamnegorsk("ул. Мира, 20", 56.4120, 61.9300), IsPublic = true,
          Life = l => l.Mask("Во дворе дома 20 по ул. Мира пилят здоровые берёзы. Председатель ТСЖ (имя и телефон скрыты модератором) говорит, что есть разрешение, но показать его отказывается.")
                       .Register().Work()
                       .Answered("Порубочный билет ТСЖ выдан на три аварийных дерева; остальные деревья рубить запрещено, ТСЖ предупреждено.", FederalResult.NotSupported)
                       .Rate(3, "Три берёзы всё равно спилили.") };

        yield return new("pothole-shevchenko", 14, "potholes", AppealType.Problem, Channel.Mobile, Smirnova,
            "У дома 9 по ул. Шевченко во дворе провал асфальта у въезда на парковку, машины цепляют днищем. Яма растёт после каждого дождя.")
        { Place = Uralgrad("ул. Шевченко, 9", 56.8250, 60.6100), IsPublic = true,
          Life = l => l.Register().Work()
                       .Step("Осмотр: провал над колодцем ливневой канализации; передано в МУП «Водоканал» для ремонта колодца.") };

        yield return new("yard-snow-frunze", 4, "yard-snow", AppealType.Problem, Channel.Portal, Belova,
            "Во дворе дома 35 по ул. Фрунзе не вывозят снег, тротуар к детскому саду превратился в каток.")
        { Place = Uralgrad("ул. Фрунзе, 35", 56.8150, 60.5900), IsPublic = true, Life = l => l.Register().Assign() };

        yield return new("gratitude-playground-kamn", 30, "playgrounds", AppealType.Gratitude, Channel.Telegram,
            Who.Person("Юсупова", "Алсу", "Ринатовна", phone: "+7 (950) 201-44-17"),
            "Спасибо администрации Камнегорска за новую детскую площадку у дома 12 по ул. Строителей! Дети в восторге, мамы тоже.")
        { Place = Kamnegorsk("ул. Строителей, 12"), IsPublic = true, MessageId = "tg:502118734:41",
          Life = l => l.Register().Work()
                       .Answered("Спасибо за отзыв! В 2027 году по программе благоустройства дворов обновим ещё пять площадок.", FederalResult.Explained)
                       .Close("Заявитель не оценил ответ в течение 10 дней.") };

        // ---- Rejected ----

        yield return new("park-complaint-vague", 10, "parks", AppealType.Problem, Channel.Portal, Morozov,
            "Когда уже в городе сделают нормальные парки? Везде грязь и разруха, ничего не меняется годами.")
        { Place = Uralgrad(null), Life = l => l.Reject(Ground.NoVerifiableFacts, "Не указаны конкретный парк или место и что именно требуется сделать.") };

        yield return new("garage-ad", 6, "street-trade", AppealType.Problem, Channel.SocialNetwork, Who.Anonymous,
            "Продам гараж в ГСК «Северный», 24 м², есть смотровая яма и погреб. Недорого, звоните.")
        { Place = Uralgrad(null), Regime = LegalRegime.SocialIncident, MessageId = "vk:-58812_32954", Life = l => l.Reject(Ground.SpamOrAds) };

        yield return new("yard-snow-expired", 14, "yard-snow", AppealType.Problem, Channel.Portal, Khasanova,
            "Во дворе не убирают снег, машины застревают, у подъездов наледь. Управляющая компания не реагирует.")
        { Place = Uralgrad(null),
          Life = l => l.AskClarification("Уточните, пожалуйста, адрес дома и название управляющей компании.").ClarificationExpires() };

        // ---- Left without answer, returned, correspondence stopped ----

        yield return new("municipal-site", 20, "municipal-media", AppealType.Question, Channel.Email,
            Who.Person("Кравец", "Игорь", "Леонидович", "kravets.il@example.com"),
            "Почему на сайте администрации Уралграда не публикуются протоколы публичных слушаний по генплану? Прошу разместить их.")
        { Place = Uralgrad(null), MessageId = "kravets.0311@example.com",
          Life = l => l.Register().Assign()
                       .LeaveWithoutAnswer(Ground.AnswerPublished, "Протоколы публичных слушаний опубликованы 2 ноября в разделе «Градостроительство» официального сайта; заявителю сообщён адрес страницы.") };

        yield return new("vague-complaint", 12, "utility-bills", AppealType.Problem, Channel.GovernorMail,
            Who.Person("Рыбаков", "Аркадий", "Семёнович", postal: "620078, г. Уралград, ул. Гагарина, 35, кв. 9"),
            "Сколько можно терпеть! Я уже писал вам и в прокуратуру, а воз и ныне там. Примите наконец меры к виновным, вы сами знаете о ком я говорю.")
        { Life = l => l.Register().Assign()
                       .LeaveWithoutAnswer(Ground.NoEssence, "Из текста невозможно понять, о чём и о ком идёт речь; заявителю предложено изложить суть обращения.") };

        yield return new("land-court", 18, "land-plot", AppealType.Problem, Channel.Paper,
            Who.Organisation("ИП Вахрушев Пётр Ильич", "667104974679", "321665838885399", "Вахрушев Пётр Ильич", postal: "623400, г. Камнегорск, ул. Заводская, 21"),
            "Прошу отменить решение Камнегорского районного суда от 5 сентября по спору о границах моего земельного участка под магазином и вернуть участок в прежних границах.")
        { Place = Kamnegorsk("ул. Заводская, 21"), Regime = LegalRegime.Obrashchenie59,
          Life = l => l.Register().Assign()
                       .ReturnToApplicant("Обжалуется решение суда: администрация не вправе его пересматривать. Разъяснён порядок апелляционного обжалования в Уральский областной суд.") };

        yield return new("heating-recalc-repeat", 16, "utility-bills", AppealType.Problem, Channel.Email,
            Who.Person("Пестов", "Геннадий", "Иванович", "pestov.gi@example.net"),
            "В восьмой раз требую пересчитать плату за отопление за 2019 год и вернуть переплату. Все ваши прежние ответы считаю отписками.")
        { MessageId = "pestov.gi.2026.08@example.net",
          Life = l => l.Register().Work()
                       .Step("Проверено: по вопросу перерасчёта за 2019 год заявителю семь раз даны ответы по существу, новых доводов нет.")
                       .StopCorrespondence("Решением заместителя министра переписка с заявителем по вопросу перерасчёта платы за отопление за 2019 год прекращена; заявитель уведомлён.") };

        // ---- Redirected to a federal body ----

        yield return new("tax-inspections", 10, "pressure", AppealType.Problem, Channel.Email,
            Who.Organisation("ООО «Уралснаб»", "6646281942", "1166637215909", "Ветров Денис Аркадьевич", "vetrov@uralsnab.example.com"),
            "За полгода налоговая инспекция провела у нас три выездные проверки по одним и тем же вопросам, счета блокировались дважды. Считаем это давлением на бизнес и просим рассмотреть на Штабе.")
        { MessageId = "uralsnab.2026.17@uralsnab.example.com",
          Life = l => l.Register().Assign()
                       .Redirect(d.Fns, "Проверки и блокировка счетов — компетенция УФНС; вопрос будет рассмотрен на заседании Штаба по защите бизнеса с участием УФНС.") };

        yield return new("expired-food", 8, "shop-quality", AppealType.Problem, Channel.Hotline,
            Who.Person("Данилова", "Ольга", "Сергеевна", phone: "+7 (996) 170-33-28", postal: "620050, г. Уралград, ул. Техническая, 16, кв. 71"),
            "В магазине на ул. Технической, 14 второй раз продали просроченный творог и колбасу, продавцы отказываются менять товар.")
        { Place = Uralgrad("ул. Техническая, 14"),
          Life = l => l.Register().Assign()
                       .Redirect(d.Rospotrebnadzor, "Контроль за качеством пищевых продуктов в торговле — компетенция Роспотребнадзора.") };

        // ---- Merged into an earlier appeal ----

        yield return new("pothole-kamn-lenina-again", 2, "potholes", AppealType.Problem, Channel.Mobile, Lebedev,
            "Огромная яма на ул. Ленина у дома 36, вода стоит, объехать невозможно. Когда заделают?")
        { Place = Kamnegorsk("ул. Ленина, 36", 56.4184, 61.9209), IsPublic = true, Life = l => l.MergeInto("pothole-kamn-lenina") };

        yield return new("bus-50-again", 1, "public-transport", AppealType.Problem, Channel.Telegram,
            Who.Person("Фаттахова", "Регина", "Ильдаровна", phone: "+7 (919) 388-41-07"),
            "Пятидесятый автобус утром не дождаться, на Уралмаше толпа. Верните нормальный интервал!")
        { Place = Uralgrad("ост. «Уралмаш»"), MessageId = "tg:557190032:88", Life = l => l.MergeInto("bus-50") };
    }
}
