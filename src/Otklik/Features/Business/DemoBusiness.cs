using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.DemoRegion;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;

namespace Otklik.Features.Business;

/// <summary>The demo region's business portal: a dozen support measures, the portal's desks with their clocks, and the sections' clocks.</summary>
static class DemoBusiness
{
    public static void Add(AppDbContext db, DemoDirectory d, DateTime now)
    {
        const BusinessKinds All = BusinessKinds.SoleTrader | BusinessKinds.Small | BusinessKinds.Medium, Micro = BusinessKinds.SoleTrader | BusinessKinds.Small;
        var docs = "Заявление по форме фонда\nВыписка из ЕГРЮЛ/ЕГРИП не старше 30 дней\nСправка об отсутствии задолженности по налогам\nБухгалтерская отчётность за последний год";
        SupportMeasure M(string key, string title, string summary, SupportForm form, long? max, string? amount, BusinessKinds kinds, string okved, Territory? where,
            string conditions, Organisation org, string? topic, string? deadlines = null, DateOnly? until = null) =>
            SupportMeasure.Create(new SupportMeasure.Content(title, summary, form, max, amount, kinds, okved, where?.Id, conditions, docs, deadlines, until, org.Id,
                "https://mybusiness-uo.example.ru/apply", topic is null ? null : d.Topic(topic).Id, true), now, DemoIds.Of("measure:" + key));
        db.SupportMeasures.AddRange(
            M("microloan-start", "Микрозаём «Старт»", "Заём для начинающих предпринимателей на покупку оборудования и пополнение оборотных средств.", SupportForm.Loan,
                1_000_000, "до 1 млн ₽ под 3 % годовых на 3 года", Micro, "", null, "Бизнес зарегистрирован не более 1 года назад\nНет просроченной задолженности по налогам\nЗалог или поручительство", d.Fund, "microloans"),
            M("microloan-industry", "Микрозаём «Производство»", "Заём производственным предприятиям на модернизацию и покупку оборудования.", SupportForm.Loan,
                5_000_000, "до 5 млн ₽ под 1–5 % годовых на 5 лет", All, "10, 13, 16, 22, 25, 28", null, "Основной ОКВЭД — обрабатывающие производства\nЗалог оборудования или недвижимости", d.Fund, "microloans"),
            M("microloan-agro", "Микрозаём «Агро»", "Заём фермерам и переработчикам сельхозпродукции с отсрочкой платежей на сезон.", SupportForm.Loan,
                3_000_000, "до 3 млн ₽ под 4 % годовых", Micro, "01, 10", d.KamnegorskTerritory, "Деятельность в Камнегорском округе\nОтсрочка основного долга до 6 месяцев", d.Fund, "microloans"),
            M("guarantee", "Поручительство перед банком", "Фонд поручается за предпринимателя, когда ему не хватает залога для кредита.", SupportForm.Guarantee,
                25_000_000, "до 70 % суммы кредита, до 25 млн ₽", All, "", null, "Кредит в банке — партнёре фонда\nВознаграждение фонду — 0,5–1 % годовых", d.Fund, "microloans"),
            M("modernisation", "Субсидия «Модернизация»", "Возмещение части затрат на покупку нового оборудования для производства.", SupportForm.Subsidy,
                10_000_000, "до 50 % затрат, не более 10 млн ₽", BusinessKinds.Small | BusinessKinds.Medium, "10, 13, 16, 22, 25, 28, 31", null,
                "Оборудование не старше 3 лет\nСохранение численности работников\nОтбор раз в год", d.SmeDepartment, "modernisation", "Приём заявок с 1 февраля по 1 апреля", new DateOnly(2027, 4, 1)),
            M("leasing", "Субсидия на первый взнос по лизингу", "Возмещение первого взноса по договору лизинга оборудования.", SupportForm.Subsidy,
                3_000_000, "до 3 млн ₽", All, "", null, "Договор лизинга заключён не ранее 1 января текущего года\nОборудование российского производства", d.SmeDepartment, "modernisation"),
            M("rent", "Субсидия на аренду помещений", "Частичное возмещение арендной платы начинающим предпринимателям.", SupportForm.Subsidy,
                300_000, "до 50 % аренды, не более 300 тыс. ₽ в год", BusinessKinds.SoleTrader | BusinessKinds.Small, "", d.UralgradTerritory,
                "Помещение в Уралграде\nБизнес зарегистрирован не более 2 лет назад", d.SmeDepartment, null),
            M("social-grant", "Грант социальному предпринимателю", "Грант на открытие или развитие социального бизнеса.", SupportForm.Grant,
                500_000, "от 100 до 500 тыс. ₽", Micro, "", null, "Статус социального предприятия\nСофинансирование не менее 25 %\nОбучение по программе «Социальное предпринимательство»", d.SmeDepartment, "social-grant", "Отбор — весной"),
            M("young-grant", "Грант молодым предпринимателям", "Грант для предпринимателей до 25 лет на старт своего дела.", SupportForm.Grant,
                500_000, "от 100 до 500 тыс. ₽", Micro, "", null, "Возраст до 25 лет включительно\nСофинансирование не менее 25 %", d.SmeDepartment, "social-grant"),
            M("incubator", "Место в бизнес-инкубаторе", "Офис или производственное помещение на льготных условиях на время становления бизнеса.", SupportForm.Property,
                null, "аренда от 40 % рыночной ставки, до 3 лет", Micro, "", d.UralgradTerritory, "Бизнес зарегистрирован не более 3 лет назад\nБизнес-план на защите у комиссии", d.Fund, "microloans"),
            M("consulting", "Бесплатные консультации центра «Мой бизнес»", "Консультации по налогам, бухгалтерии, праву, маркетингу и бизнес-плану.", SupportForm.Consulting,
                null, "бесплатно", All, "", null, "Запись по телефону или через форму связи", d.Fund, "microloans"),
            M("export", "Выход на экспорт: сертификация и выставки", "Центр поддержки экспорта оплачивает сертификацию продукции и участие в зарубежных выставках.", SupportForm.Consulting,
                2_000_000, "оплата услуг до 2 млн ₽", BusinessKinds.Small | BusinessKinds.Medium, "", null, "Производство в области\nЭкспортный контракт или намерение его заключить", d.InvestmentDepartment, null),
            M("training", "Школа предпринимательства", "Бесплатное обучение основам бизнеса: бизнес-план, налоги, продажи.", SupportForm.Training,
                null, "бесплатно", All, "", null, "Курс 2 недели, сертификат", d.Fund, "microloans", "Набор раз в квартал"));

        // The portal's own desks (seed 000): feedback answered by the administrator in 2 working days, technical support by the curator in 1.
        var category = new Category { Id = DemoIds.Of("category:portal"), Name = "Работа портала", Audience = ApplicantAudience.Business, SortOrder = 99 };
        Topic T(string key, string name) => new()
        {
            Id = DemoIds.Of("topic:" + key), CategoryId = category.Id, Name = name, DefaultKind = AppealKind.SimpleConsultation, DefaultRegime = LegalRegime.BusinessConsultation,
            Routes = [new TopicRoute { Id = DemoIds.Of("route:" + key), TopicId = DemoIds.Of("topic:" + key), OrganisationId = d.Centre.Id }],
        };
        var feedback = T("portal-feedback", "Отзыв о портале");
        var support = T("portal-support", "Техническая поддержка портала");
        category.Topics.AddRange([feedback, support]);
        db.Categories.Add(category);
        db.DeadlineRules.Add(new DeadlineRule { Id = DemoIds.Of("rule:portal-feedback"), Stage = DeadlineStage.Answer, TopicId = feedback.Id, Policy = "working-days:2", Note = "Отзыв о портале — 2 рабочих дня (регламент портала МСБ)" });
        db.DeadlineRules.Add(new DeadlineRule { Id = DemoIds.Of("rule:portal-support"), Stage = DeadlineStage.Answer, TopicId = support.Id, Policy = "working-days:1", Note = "Техническая поддержка — 1 рабочий день (регламент портала МСБ)" });
        db.PortalDesks.Add(new PortalDesk { Kind = PortalDeskKind.Feedback, TopicId = feedback.Id, OrganisationId = d.Centre.Id });
        db.PortalDesks.Add(new PortalDesk { Kind = PortalDeskKind.Support, TopicId = support.Id, OrganisationId = d.Centre.Id });

        // The sections' clocks: the measures kept by their owners, the fund's register and news; the fund's register a little overdue.
        SectionClock C(PortalSection s, Organisation o, int daysAgo) => new()
        {
            Id = DemoIds.Of($"clock:{s}:{o.Id}"), Section = s, OrganisationId = o.Id, PeriodDays = SectionClock.DefaultPeriod(s), LastUpdatedAtUtc = now.AddDays(-daysAgo),
        };
        db.SectionClocks.AddRange(C(PortalSection.Measures, d.Fund, 0), C(PortalSection.Measures, d.SmeDepartment, 0), C(PortalSection.Measures, d.InvestmentDepartment, 0),
            C(PortalSection.Recipients, d.Fund, 35), C(PortalSection.News, d.Fund, 6), C(PortalSection.Events, d.Fund, 20), C(PortalSection.SuccessStories, d.Centre, 40),
            C(PortalSection.Official, d.MinInvest, 60), C(PortalSection.Analytics, d.MinInvest, 80), C(PortalSection.Incubators, d.Fund, 10),
            C(PortalSection.Sites, d.Fund, 12), C(PortalSection.Institutions, d.Centre, 30));

        // The sections' items: the fund's news, events, places; the ministry's official information and analytics.
        PortalItem I(string key, PortalSection section, Organisation org, int daysAgo, string title, string summary, string body, DateTime? starts = null,
            int? capacity = null, string? address = null, double? lat = null, double? lon = null, string? phone = null, string? hours = null)
        {
            var at = now.AddDays(-daysAgo);
            return PortalItem.Create(new PortalItem.Content(section, org.Id, title, summary, body, null, null, true, starts, starts?.AddHours(3), capacity, address, lat, lon,
                phone, section is PortalSection.Events or PortalSection.News ? null : "info@mybusiness-uo.example.ru", hours), at, DemoIds.Of("item:" + key));
        }
        var morning = now.Date.AddHours(5); // 10:00 in Yekaterinburg
        db.PortalItems.AddRange(
            I("news-1", PortalSection.News, d.Fund, 6, "Фонд снизил ставку по микрозаймам для производства", "С 1 декабря ставка по микрозайму «Производство» — от 1 % годовых.",
                "Фонд поддержки предпринимательства снизил ставку по микрозайму «Производство» для предприятий обрабатывающей промышленности.\nЗаявки принимаются в офисе фонда и через портал."),
            I("news-2", PortalSection.News, d.Fund, 20, "Открыт набор в Школу предпринимательства", "Бесплатное обучение основам бизнеса: две недели, сертификат.",
                "Занятия проходят в центре «Мой бизнес» по вечерам. Записаться можно по телефону или через форму связи фонда."),
            I("news-3", PortalSection.News, d.SmeDepartment, 3, "Итоги отбора на субсидию «Модернизация»", "Поддержку получат 14 предприятий области.",
                "Департамент подвёл итоги отбора: 14 предприятий получат возмещение части затрат на новое оборудование."),
            I("event-1", PortalSection.Events, d.Fund, 5, "Семинар «Как получить микрозаём»", "Условия, документы, типичные ошибки в заявке.",
                "Специалисты фонда расскажут о микрозаймах и ответят на вопросы.", morning.AddDays(9), 40, "г. Уралград, ул. Ленина, 24, центр «Мой бизнес»"),
            I("event-2", PortalSection.Events, d.Fund, 12, "День открытых дверей бизнес-инкубатора", "Экскурсия по инкубатору и встреча с резидентами.",
                "Покажем офисы и мастерские, расскажем об условиях размещения.", morning.AddDays(16), 25, "г. Уралград, ул. Малышева, 101"),
            I("event-3", PortalSection.Events, d.InvestmentDepartment, 30, "Форум экспортёров области", "Меры поддержки экспорта и встречи с закупщиками.",
                "Пленарное заседание и деловые встречи.", morning.AddDays(-10), null, "г. Уралград, пр-кт Мира, 5"),
            I("story-1", PortalSection.SuccessStories, d.Fund, 25, "Пекарня «Колос»: от микрозайма до трёх магазинов", "Как семейная пекарня выросла с поддержкой фонда.",
                "В 2024 году пекарня взяла микрозаём «Старт» на печь. Сегодня у неё три магазина и 18 сотрудников."),
            I("story-2", PortalSection.SuccessStories, d.Fund, 70, "Столярная мастерская в инкубаторе", "Мастерская начала с 30 м² в бизнес-инкубаторе.",
                "За два года мастерская вышла на поставки мебели в соседние регионы."),
            I("official-1", PortalSection.Official, d.MinInvest, 60, "Порядок предоставления субсидий субъектам МСП на 2027 год", "Постановление правительства области.",
                "Утверждён порядок предоставления субсидий на модернизацию, лизинг и аренду."),
            I("analytics-1", PortalSection.Analytics, d.MinInvest, 80, "Малый и средний бизнес области: итоги III квартала", "Число субъектов МСП выросло на 2,1 %.",
                "Число субъектов МСП — 128 тыс., занятых — 412 тыс. человек. Поддержку получили 3 200 предпринимателей."),
            I("institution-1", PortalSection.Institutions, d.Centre, 30, "Центр «Мой бизнес»", "Все меры поддержки в одном окне.",
                "Консультации, обучение, микрозаймы, поручительства, поддержка экспорта.", address: "г. Уралград, ул. Ленина, 24", lat: 56.8395, lon: 60.6050,
                phone: "+7 343 200-00-00", hours: "пн–пт 9:00–18:00"),
            I("incubator-1", PortalSection.Incubators, d.Fund, 10, "Бизнес-инкубатор «Уралград»", "Офисы и мастерские для начинающих, аренда от 40 % рыночной ставки.",
                "42 офиса от 12 м², 6 производственных помещений, переговорные, юридическое и бухгалтерское сопровождение.",
                address: "г. Уралград, ул. Малышева, 101", lat: 56.8372, lon: 60.6300, phone: "+7 343 200-00-10", hours: "пн–пт 9:00–20:00"),
            I("site-1", PortalSection.Sites, d.Fund, 12, "Промышленная площадка «Северная», 4,5 га", "Земельный участок с подведённым электричеством 2 МВт и газом.",
                "Категория — земли промышленности. Аренда или выкуп. Рядом железнодорожная ветка.", address: "г. Уралград, Северный промрайон, 12",
                lat: 56.8700, lon: 60.6200, phone: "+7 343 200-00-20"),
            I("site-2", PortalSection.Sites, d.Fund, 12, "Производственное здание 2 400 м²", "Отапливаемый цех с кран-балкой, офисы.",
                "Аренда от 250 ₽/м² в месяц. Возможна аренда части площади.", address: "г. Камнегорск, ул. Мира, 40", lat: 56.4120, lon: 61.9300),
            I("site-3", PortalSection.Sites, d.Fund, 12, "Торговое помещение 180 м² на первом этаже", "Отдельный вход, витрины на улицу.",
                "Подходит для магазина, кафе, салона услуг.", address: "г. Уралград, ул. Вайнера, 15", lat: 56.8360, lon: 60.5983));

        // The fortnightly report of the portal (issue 23.5), to the ministry and the curator.
        db.ReportSubscriptions.Add(new Analytics.ReportSubscription
        {
            Id = DemoIds.Of("report:business-portal"), Kind = Analytics.ReportKind.BusinessPortal, Recipients = "minin@demo.otklik.ru\nadmin@66msp.example.ru",
            NextRunOn = DateOnly.FromDateTime(now).AddDays(7), CreatedAtUtc = now,
        });
    }
}
