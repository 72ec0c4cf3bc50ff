using System.Security.Cryptography;
using System.Text;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;

namespace Otklik.Features.DemoRegion;

/// <summary>Stable ids: the demo region has the same ids on every machine, so examples and curl commands can use them.</summary>
static class DemoIds
{
    public static Guid Of(string key)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("otklik-demo:" + key))[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: a name-based id of our own
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}

/// <summary>A demo login: one person with one or more roles, each at an organisation (none for an applicant).</summary>
sealed class DemoAccount(string email, string lastName, string firstName, string middleName, string? position, params (Role Role, Organisation? At)[] roles)
{
    public Guid Id { get; } = DemoIds.Of("person:" + email);
    public string Email => email;
    public string LastName => lastName;
    public string FirstName => firstName;
    public string MiddleName => middleName;
    public string? Position => position;
    public IReadOnlyList<(Role Role, Organisation? At)> Roles => roles;
}

/// <summary>
/// The fictional «Уральская область»: the government with its centre of management, ministries and their departments,
/// two municipalities with their boundaries, a business-support fund, the federal bodies of the Business Protection HQ,
/// the catalogue of seeds 001 (business) and 003 (citizens), and one person for every role.
/// </summary>
sealed class DemoDirectory
{
    public const string Zone = "Asia/Yekaterinburg";
    public const string Password = "Otklik-2026";
    public const string AdminApiKey = "otk_demo-administrator-2026";
    /// <summary>The key of the demo's Open311 client system (README): <c>POST /open311/v2/requests.xml</c> with <c>api_key</c>.</summary>
    public const string Open311Key = "otk_demo-open311-2026";

    public List<Organisation> Organisations { get; } = [];
    public Organisation Region { get; }
    public Organisation Centre { get; }
    public Organisation MinInvest { get; }
    public Organisation SmeDepartment { get; }
    public Organisation ConsumerMarketDepartment { get; }
    public Organisation InvestmentDepartment { get; }
    public Organisation MinHousing { get; }
    public Organisation HousingInspection { get; }
    public Organisation CapitalRepairDepartment { get; }
    public Organisation MinTransport { get; }
    public Organisation MinDigital { get; }
    public Organisation MinNature { get; }
    public Organisation MinHealth { get; }
    public Organisation MinSport { get; }
    public Organisation Uralgrad { get; }
    public Organisation Kamnegorsk { get; }
    public Organisation Fund { get; }
    public Organisation Fns { get; }
    public Organisation Mvd { get; }
    public Organisation Rosreestr { get; }
    public Organisation Rospotrebnadzor { get; }

    public Territory UralgradTerritory { get; }
    public Territory KamnegorskTerritory { get; }
    public IReadOnlyList<Territory> Territories => [UralgradTerritory, KamnegorskTerritory];

    public List<Category> Categories { get; } = [];
    readonly Dictionary<string, Topic> _topics = [];

    public List<DemoAccount> Accounts { get; } = [];

    public DemoDirectory()
    {
        Region = Org("region", "Правительство Уральской области", "Правительство УО", OrganisationKind.Region, null);
        Centre = Org("centre", "Центр управления регионом Уральской области", "ЦУР", OrganisationKind.CentreOfManagement, Region);
        // The ministry of investment sits on the Business Protection HQ: its secretary is one of the ministry's people.
        MinInvest = Org("mininvest", "Министерство инвестиций и развития Уральской области", "Мининвест", OrganisationKind.Ministry, Region, hq: true);
        SmeDepartment = Org("mininvest-sme", "Департамент поддержки малого и среднего предпринимательства", "Деп. МСП", OrganisationKind.Department, MinInvest);
        ConsumerMarketDepartment = Org("mininvest-consumer", "Департамент потребительского рынка и лицензирования", "Деп. потребрынка", OrganisationKind.Department, MinInvest);
        InvestmentDepartment = Org("mininvest-projects", "Департамент инвестиционных проектов и земельных отношений", "Деп. инвестпроектов", OrganisationKind.Department, MinInvest);
        MinHousing = Org("minhousing", "Министерство жилищно-коммунального хозяйства Уральской области", "Минжкх", OrganisationKind.Ministry, Region);
        HousingInspection = Org("minhousing-inspection", "Департамент государственного жилищного надзора", "Госжилнадзор", OrganisationKind.Department, MinHousing);
        CapitalRepairDepartment = Org("minhousing-repair", "Департамент капитального ремонта и коммунальной инфраструктуры", "Деп. капремонта", OrganisationKind.Department, MinHousing);
        MinTransport = Org("mintransport", "Министерство транспорта и дорожного хозяйства Уральской области", "Минтранс", OrganisationKind.Ministry, Region);
        MinDigital = Org("mindigital", "Министерство цифрового развития и связи Уральской области", "Минцифры", OrganisationKind.Ministry, Region);
        MinNature = Org("minnature", "Министерство природных ресурсов и экологии Уральской области", "Минприроды", OrganisationKind.Ministry, Region);
        MinHealth = Org("minhealth", "Министерство здравоохранения Уральской области", "Минздрав", OrganisationKind.Ministry, Region);
        MinSport = Org("minsport", "Министерство физической культуры и спорта Уральской области", "Минспорт", OrganisationKind.Ministry, Region);
        Uralgrad = Org("uralgrad", "Администрация городского округа Уралград", "Администрация Уралграда", OrganisationKind.Municipality, Region);
        Kamnegorsk = Org("kamnegorsk", "Администрация городского округа Камнегорск", "Администрация Камнегорска", OrganisationKind.Municipality, Region);
        Fund = Org("fund", "Фонд поддержки предпринимательства Уральской области", "Фонд поддержки МСП", OrganisationKind.Fund, Region);
        Fns = Org("fns", "Управление Федеральной налоговой службы по Уральской области", "УФНС", OrganisationKind.FederalBody, Region, connected: false, hq: true);
        Mvd = Org("mvd", "Главное управление МВД России по Уральской области", "ГУ МВД", OrganisationKind.FederalBody, Region, connected: false, hq: true);
        Rosreestr = Org("rosreestr", "Управление Росреестра по Уральской области", "Росреестр", OrganisationKind.FederalBody, Region, connected: false, hq: true);
        Rospotrebnadzor = Org("rospotrebnadzor", "Управление Роспотребнадзора по Уральской области", "Роспотребнадзор", OrganisationKind.FederalBody, Region, connected: false, hq: true);

        // The fund and the ministry of digital development answer consultations without a controller's approval.
        Fund.SetAnswersNeedApproval(false);
        MinDigital.SetAnswersNeedApproval(false);
        Fund.SetWorkingHours(new(10, 0), new(19, 0), new(14, 0), new(15, 0));
        // The public pages of the fund and the departments (seed 000: what they do, where, when, how to reach them).
        Fund.SetContacts("6670000010", "info@fond-uo.example.ru");
        Fund.SetPublicProfile(
            "Микрозаймы до 5 млн рублей под 1–7 % годовых, поручительства перед банками, бесплатные консультации по бизнес-плану " +
            "и сопровождение заявок на субсидии. Для субъектов МСП и самозанятых Уральской области.",
            "620014, г. Уралград, ул. Малышева, 51, офис 1201 (центр «Мой бизнес»)", "+7 (343) 200-10-10", "https://fond-uo.example.ru");
        SmeDepartment.SetContacts(null, "msp@mininvest-uo.example.ru");
        SmeDepartment.SetPublicProfile(
            "Региональные меры поддержки малого и среднего бизнеса: субсидии «Модернизация» и на аренду, гранты социальным " +
            "предпринимателям, отбор получателей и контроль условий.",
            "620031, г. Уралград, пл. Октябрьская, 1, кабинет 410", "+7 (343) 312-00-41", null);
        ConsumerMarketDepartment.SetContacts(null, "torg@mininvest-uo.example.ru");
        ConsumerMarketDepartment.SetPublicProfile(
            "Лицензии на розничную продажу алкоголя, схемы нестационарной торговли, ярмарки и защита прав потребителей.",
            "620031, г. Уралград, пл. Октябрьская, 1, кабинет 215", "+7 (343) 312-00-52", null);
        InvestmentDepartment.SetContacts(null, "invest@mininvest-uo.example.ru");
        InvestmentDepartment.SetPublicProfile(
            "Сопровождение инвестиционных проектов по принципу «одного окна», земельные участки для инвесторов без торгов, " +
            "пересмотр кадастровой стоимости.",
            "620031, г. Уралград, пл. Октябрьская, 1, кабинет 508", "+7 (343) 312-00-63", null);
        HousingInspection.SetPublicProfile(
            "Государственный жилищный надзор: управляющие компании, отопление и горячая вода, начисления за коммунальные услуги.",
            "620075, г. Уралград, ул. Бажова, 12", "+7 (343) 312-01-01", null);
        CapitalRepairDepartment.SetPublicProfile(
            "Региональная программа капитального ремонта многоквартирных домов и подключение к коммунальным сетям.",
            "620075, г. Уралград, ул. Бажова, 12", "+7 (343) 312-01-20", null);

        UralgradTerritory = new Territory
        {
            Id = DemoIds.Of("territory:uralgrad"), Name = "Городской округ Уралград", Code = "99701000", OrganisationId = Uralgrad.Id,
            BoundaryGeoJson = DemoBoundaries.Uralgrad, Version = 1,
        };
        KamnegorskTerritory = new Territory
        {
            Id = DemoIds.Of("territory:kamnegorsk"), Name = "Городской округ Камнегорск", Code = "99740000", OrganisationId = Kamnegorsk.Id,
            BoundaryGeoJson = DemoBoundaries.Kamnegorsk, Version = 1,
        };

        BuildCatalogue();
        BuildAccounts();
    }

    Organisation Org(string key, string name, string shortName, OrganisationKind kind, Organisation? parent, bool connected = true, bool hq = false)
    {
        var org = Organisation.Create(DemoIds.Of("org:" + key), name, shortName, kind, parent, Zone, connected, hq);
        Organisations.Add(org);
        return org;
    }

    public Organisation OrganisationOf(Guid id) => Organisations.Single(o => o.Id == id);

    public Topic Topic(string key) => _topics.TryGetValue(key, out var t) ? t : throw new InvalidOperationException($"Demo topic «{key}» is not in the catalogue.");

    // ---- Catalogue ----

    /// <summary>A topic of the catalogue: <c>to</c> is the competent organisation for the whole region; without it the topic is local and goes to each municipality.</summary>
    sealed record TopicSpec(string Key, string Name, AppealKind Kind, LegalRegime Regime, Organisation? To = null);

    void BuildCatalogue()
    {
        const AppealKind Simple = AppealKind.SimpleConsultation, Complex = AppealKind.ComplexConsultation, Work = AppealKind.Task, Complaint = AppealKind.Complaint;
        const LegalRegime Business = LegalRegime.BusinessConsultation, Pos = LegalRegime.PlatformMessage, Fz59 = LegalRegime.Obrashchenie59;

        // Seed 001: the business categories of the investment portal.
        Category(ApplicantAudience.Business, "Меры поддержки: субсидии, гранты, займы и кредиты",
            new("modernisation", "Субсидия «Модернизация»", Complex, Business, SmeDepartment),
            new("social-grant", "Гранты социальным предпринимателям", Simple, Business, SmeDepartment),
            new("microloans", "Микрозаймы и поручительства фонда", Simple, Business, Fund));
        Category(ApplicantAudience.Business, "Стройка",
            new("gpzu", "Внести изменения в ГПЗУ", Work, Business),
            new("building-permit", "Разрешение на строительство и ввод объекта в эксплуатацию", Work, Business),
            new("grid-connection", "Подключение к сетям (технологическое присоединение)", Complaint, Business, CapitalRepairDepartment));
        Category(ApplicantAudience.Business, "Лицензии/разрешения",
            new("signage", "Согласование размещения информационных конструкций (вывески)", Work, Business),
            new("taxi", "Разрешение на деятельность легкового такси", Work, Business, MinTransport),
            new("alcohol", "Лицензия на розничную продажу алкогольной продукции", Complex, Business, ConsumerMarketDepartment));
        Category(ApplicantAudience.Business, "Земля и недвижимость",
            new("land-plot", "Предоставление земельного участка без торгов", Work, Business),
            new("cadastral-value", "Оспаривание кадастровой стоимости", Complex, Business, InvestmentDepartment));

        // Seed 003: the citizen categories of the regional portal.
        Category(ApplicantAudience.Citizens, "Образование",
            new("kindergarten", "Очередь и зачисление в детский сад", Complex, Pos),
            new("school-repair", "Ремонт и содержание школ", Work, Pos),
            new("school-meals", "Организация школьного питания", Complaint, Fz59),
            new("school-transport", "Подвоз детей в школу", Complaint, Fz59));
        Category(ApplicantAudience.Citizens, "Природа, экология",
            new("dump", "Несанкционированная свалка", Work, Pos),
            new("tree-felling", "Вырубка деревьев и зелёных насаждений", Complaint, Pos),
            new("pollution", "Загрязнение воздуха и водоёмов", Complaint, Fz59, MinNature));
        Category(ApplicantAudience.Citizens, "Экономика и бизнес",
            new("self-employed", "Поддержка самозанятых и малого бизнеса", Complex, Fz59, SmeDepartment),
            new("investment-projects", "Инвестиционные проекты и новые производства", Complex, Fz59, InvestmentDepartment),
            // Seed 003 keeps a section of its own on the high cadastral value of land plots.
            new("citizen-cadastral-value", "Высокая кадастровая стоимость земельного участка", Complex, Fz59, InvestmentDepartment));
        Category(ApplicantAudience.Citizens, "Связь, интернет",
            new("no-signal", "Нет мобильной связи или интернета", Work, Pos, MinDigital),
            new("post-offices", "Работа почтовых отделений", Complaint, Pos, MinDigital));
        Category(ApplicantAudience.Citizens, "СМИ",
            new("regional-media", "Публикации региональных СМИ", Complex, Fz59, MinDigital),
            new("municipal-media", "Работа муниципальных СМИ и официальных сайтов", Complaint, Fz59));
        Category(ApplicantAudience.Citizens, "Транспорт",
            new("public-transport", "Работа общественного транспорта", Complaint, Pos),
            new("intercity-buses", "Пригородные и междугородные автобусы", Complaint, Pos, MinTransport),
            new("bus-stops", "Остановки общественного транспорта", Work, Pos));
        Category(ApplicantAudience.Citizens, "Работа МФЦ",
            new("mfc-queues", "Очереди и запись в МФЦ", Complaint, Pos, MinDigital),
            new("mfc-service", "Качество обслуживания в МФЦ", Complaint, Fz59, MinDigital));
        Category(ApplicantAudience.Citizens, "Проблемы бизнеса",
            new("pressure", "Административное давление на бизнес", Complaint, Fz59, MinInvest),
            new("contract-payments", "Задержка оплаты по государственным контрактам", Complaint, Fz59, MinInvest));
        Category(ApplicantAudience.Citizens, "Торговля",
            new("street-trade", "Незаконная уличная торговля", Work, Pos),
            new("kiosks", "Нестационарные торговые объекты (киоски, павильоны)", Complex, Pos),
            new("shop-quality", "Качество товаров и обслуживания в магазинах", Complaint, Fz59, ConsumerMarketDepartment),
            new("crafts-fairs", "Народные промыслы и ярмарки", Complex, Pos));
        Category(ApplicantAudience.Citizens, "Городское благоустройство",
            new("potholes", "Ямы на дорогах", Work, Pos),
            new("street-lighting", "Уличное освещение", Work, Pos),
            new("parks", "Благоустройство парков и скверов", Work, Pos),
            new("street-cleaning", "Уборка улиц от снега и мусора", Work, Pos));
        Category(ApplicantAudience.Citizens, "Двор, придомовые территории",
            new("yard-snow", "Уборка снега и наледи во дворе", Work, Pos, HousingInspection),
            new("playgrounds", "Детские и спортивные площадки", Work, Pos),
            new("yard-parking", "Парковка и проезд во дворе", Complaint, Pos));
        Category(ApplicantAudience.Citizens, "Дом, ЖКХ",
            new("heating", "Отопление и горячая вода", Work, Pos, HousingInspection),
            new("capital-repair", "Капитальный ремонт", Complaint, Fz59, CapitalRepairDepartment),
            new("utility-bills", "Начисления за жилищно-коммунальные услуги", Complex, Fz59, HousingInspection));
        Category(ApplicantAudience.Citizens, "Автомобильные дороги",
            new("regional-roads", "Ремонт региональных дорог", Work, Pos, MinTransport),
            new("local-roads", "Ремонт дорог местного значения", Work, Pos),
            new("road-signs", "Дорожные знаки, разметка и светофоры", Work, Pos),
            new("road-winter", "Содержание дорог зимой (снег, наледь, обочины)", Work, Pos),
            new("road-construction", "Строительство и реконструкция дорог", Complex, Fz59, MinTransport));
        Category(ApplicantAudience.Citizens, "Медицина",
            new("doctor-appointment", "Запись к врачу и работа регистратуры", Complaint, Pos, MinHealth),
            new("medicines", "Льготное лекарственное обеспечение", Complaint, Fz59, MinHealth),
            new("ambulance", "Работа скорой медицинской помощи", Complaint, Fz59, MinHealth),
            new("clinics", "Ремонт и строительство поликлиник и ФАПов", Complex, Pos, MinHealth));
        Category(ApplicantAudience.Citizens, "Физическая культура и спорт",
            new("sport-sections", "Спортивные секции и занятия для детей", Complex, Pos, MinSport),
            new("sport-grounds", "Строительство и ремонт спортивных площадок и стадионов", Work, Pos),
            new("sport-events", "Спортивные соревнования и массовые мероприятия", Complex, Fz59, MinSport));
    }

    /// <summary>
    /// The catalogue's categories in the ТОТК classifier (the ССТУ summary), at its first level — the five sections:
    /// 0001 государство, общество, политика; 0002 социальная сфера; 0003 экономика; 0004 оборона, безопасность,
    /// законность; 0005 жилищно-коммунальная сфера. The finer codes (topic, question) are for the region's editors to set
    /// per topic from the current edition of the classifier; the seed does not guess them.
    /// </summary>
    static readonly Dictionary<string, string> TotkSections = new()
    {
        ["Меры поддержки: субсидии, гранты, займы и кредиты"] = "0003", ["Стройка"] = "0003", ["Лицензии/разрешения"] = "0003",
        ["Земля и недвижимость"] = "0003", ["Образование"] = "0002", ["Природа, экология"] = "0003", ["Экономика и бизнес"] = "0003",
        ["Связь, интернет"] = "0003", ["СМИ"] = "0001", ["Транспорт"] = "0003", ["Работа МФЦ"] = "0001", ["Проблемы бизнеса"] = "0003",
        ["Торговля"] = "0003", ["Городское благоустройство"] = "0005", ["Двор, придомовые территории"] = "0005", ["Дом, ЖКХ"] = "0005",
        ["Автомобильные дороги"] = "0003", ["Медицина"] = "0002", ["Физическая культура и спорт"] = "0002",
    };

    void Category(ApplicantAudience audience, string name, params TopicSpec[] topics)
    {
        var category = new Category { Id = DemoIds.Of("category:" + name), Name = name, Audience = audience, SortOrder = Categories.Count(c => c.Audience == audience) + 1 };
        foreach (var spec in topics)
        {
            var topic = new Topic
            {
                Id = DemoIds.Of("topic:" + spec.Key), CategoryId = category.Id, Name = spec.Name, DefaultKind = spec.Kind, DefaultRegime = spec.Regime,
                TotkCode = TotkSections.GetValueOrDefault(name),
            };
            if (spec.To is { } org) topic.Routes.Add(Route(topic, null, org));
            else foreach (var territory in Territories) topic.Routes.Add(Route(topic, territory, OrganisationOf(territory.OrganisationId!.Value)));
            category.Topics.Add(topic);
            _topics.Add(spec.Key, topic);
        }
        Categories.Add(category);
    }

    static TopicRoute Route(Topic topic, Territory? territory, Organisation org) => new()
    {
        Id = DemoIds.Of($"route:{topic.Id}:{territory?.Id}"), TopicId = topic.Id, TerritoryId = territory?.Id, OrganisationId = org.Id,
    };

    // ---- People ----

    void BuildAccounts()
    {
        Account("administrator", "Воронцов", "Андрей", "Николаевич", "Начальник отдела информационных систем", (Role.Administrator, Region));
        Account("operator", "Ершова", "Марина", "Олеговна", "Оператор горячей линии", (Role.Operator, Centre));
        Account("moderator", "Сафина", "Гульнара", "Рашидовна", "Ведущий специалист по модерации", (Role.Moderator, Centre));
        Account("editor", "Третьяков", "Илья", "Валерьевич", "Редактор портала", (Role.ContentEditor, Centre));
        Account("analyst", "Полякова", "Ксения", "Андреевна", "Аналитик", (Role.Analyst, Region));
        Account("security", "Лаврентьева", "Ольга", "Борисовна", "Администратор информационной безопасности", (Role.SecurityOfficer, Region));
        Account("hq", "Шестаков", "Роман", "Игоревич", "Секретарь Штаба по защите бизнеса", (Role.HqMember, MinInvest));
        Account("hq.fns", "Зуева", "Татьяна", "Михайловна", "Заместитель руководителя УФНС", (Role.HqMember, Fns));

        Account("dispatcher", "Колесникова", "Елена", "Юрьевна", "Начальник отдела по работе с обращениями", (Role.Dispatcher, MinInvest));
        Account("executor", "Рябов", "Артём", "Денисович", "Главный специалист", (Role.Executor, SmeDepartment));
        Account("executor.invest", "Мельникова", "Ольга", "Сергеевна", "Консультант", (Role.Executor, MinInvest));
        Account("controller", "Гордеев", "Павел", "Алексеевич", "Заместитель министра", (Role.Controller, MinInvest));

        Account("dispatcher.gkh", "Сорокина", "Ирина", "Владимировна", "Начальник отдела обращений граждан", (Role.Dispatcher, MinHousing));
        Account("executor.gkh", "Пахомов", "Денис", "Викторович", "Главный специалист", (Role.Executor, MinHousing));
        Account("controller.gkh", "Баранов", "Сергей", "Петрович", "Заместитель министра", (Role.Controller, MinHousing));

        Account("dispatcher.transport", "Исаев", "Константин", "Михайлович", "Заместитель министра", (Role.Dispatcher, MinTransport), (Role.Controller, MinTransport));
        Account("executor.transport", "Голубева", "Анастасия", "Романовна", "Ведущий специалист", (Role.Executor, MinTransport));
        Account("dispatcher.digital", "Тихонов", "Максим", "Евгеньевич", "Заместитель министра", (Role.Dispatcher, MinDigital), (Role.Controller, MinDigital));
        Account("executor.digital", "Антонова", "Дарья", "Игоревна", "Ведущий специалист", (Role.Executor, MinDigital));
        Account("dispatcher.eco", "Фомина", "Светлана", "Александровна", "Заместитель министра", (Role.Dispatcher, MinNature), (Role.Controller, MinNature));
        Account("executor.eco", "Яковлев", "Никита", "Олегович", "Главный специалист-эксперт", (Role.Executor, MinNature));
        Account("dispatcher.health", "Карпова", "Людмила", "Геннадьевна", "Начальник отдела обращений граждан", (Role.Dispatcher, MinHealth), (Role.Controller, MinHealth));
        Account("executor.health", "Нестеров", "Вадим", "Олегович", "Главный специалист", (Role.Executor, MinHealth));
        Account("dispatcher.sport", "Ширяева", "Алла", "Викторовна", "Заместитель министра", (Role.Dispatcher, MinSport), (Role.Controller, MinSport));
        Account("executor.sport", "Горбунов", "Артур", "Ильич", "Ведущий специалист", (Role.Executor, MinSport));

        Account("dispatcher.uralgrad", "Кириллова", "Наталья", "Геннадьевна", "Начальник общего отдела", (Role.Dispatcher, Uralgrad));
        Account("executor.uralgrad", "Зайцев", "Олег", "Владимирович", "Специалист комитета благоустройства", (Role.Executor, Uralgrad));
        Account("controller.uralgrad", "Власов", "Игорь", "Анатольевич", "Заместитель главы", (Role.Controller, Uralgrad));
        Account("dispatcher.kamnegorsk", "Медведева", "Юлия", "Сергеевна", "Специалист по работе с обращениями", (Role.Dispatcher, Kamnegorsk));
        Account("executor.kamnegorsk", "Крылов", "Алексей", "Николаевич", "Специалист отдела ЖКХ", (Role.Executor, Kamnegorsk));
        Account("controller.kamnegorsk", "Кудрявцев", "Виктор", "Павлович", "Заместитель главы", (Role.Controller, Kamnegorsk));
        Account("admin.kamnegorsk", "Осипова", "Вера", "Николаевна", "Администратор муниципальной системы", (Role.Administrator, Kamnegorsk));

        Account("fund", "Дьячков", "Станислав", "Юрьевич", "Менеджер по работе с клиентами", (Role.Dispatcher, Fund), (Role.Executor, Fund));

        Account("applicant", "Смирнова", "Анна", "Викторовна", null, (Role.Applicant, null));
        Account("business", "Гончаров", "Дмитрий", "Сергеевич", "Директор ООО «Уралмехпром»", (Role.Applicant, null));
        Account("belova", "Белова", "Ксения", "Игоревна", null, (Role.Applicant, null));
        Account("morozov", "Морозов", "Евгений", "Павлович", null, (Role.Applicant, null));
        Account("khasanova", "Хасанова", "Лилия", "Ринатовна", null, (Role.Applicant, null));
        Account("lebedev", "Лебедев", "Николай", "Аркадьевич", null, (Role.Applicant, null));
        Account("nikiforova", "Никифорова", "Галина", "Степановна", null, (Role.Applicant, null));
    }

    void Account(string login, string lastName, string firstName, string middleName, string? position, params (Role, Organisation?)[] roles) =>
        Accounts.Add(new DemoAccount($"{login}@demo.otklik.ru", lastName, firstName, middleName, position, roles));

    public DemoAccount AccountOf(string login) =>
        Accounts.SingleOrDefault(a => a.Email == $"{login}@demo.otklik.ru") ?? throw new InvalidOperationException($"No demo account «{login}».");

    /// <summary>Who holds <paramref name="role"/> for <paramref name="org"/>: the nearest holder at the organisation or above it.</summary>
    public Guid PersonFor(Role role, Organisation org)
    {
        for (var level = org; level is not null; level = level.ParentId is { } parent ? OrganisationOf(parent) : null)
            if (Accounts.FirstOrDefault(a => a.Roles.Any(r => r.Role == role && r.At == level)) is { } holder)
                return holder.Id;
        throw new InvalidOperationException($"No demo {role} reaches «{org.ShortName}».");
    }
}
