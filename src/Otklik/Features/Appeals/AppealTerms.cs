namespace Otklik.Features.Appeals;

public enum AppealType { Problem, Proposal, Gratitude, Question }

public enum AppealKind { SimpleConsultation, ComplexConsultation, Task, Complaint }

/// <summary>The law an appeal is handled under; each regime has its own clocks.</summary>
public enum LegalRegime
{
    /// <summary>Обращение under 59-ФЗ: registered in 3 days, answered in 30, extendable once.</summary>
    Obrashchenie59,
    /// <summary>Сообщение of the federal feedback platform (ПОС): 10 calendar days.</summary>
    PlatformMessage,
    /// <summary>A business consultation (seed 001): clocks by appeal kind.</summary>
    BusinessConsultation,
    /// <summary>A social-network incident (ЦУР): hours, may be anonymous; 59-ФЗ does not apply.</summary>
    SocialIncident,
}

/// <summary>Where an appeal came from. Stored by name: new members go anywhere. BusinessOmbudsman: passed on by the
/// business ombudsman (уполномоченный по защите прав предпринимателей); DocumentSystem: from the document system (МСЭД).</summary>
public enum Channel { Portal, Mobile, Hotline, Meeting, Email, Telegram, SocialNetwork, FederalPlatform, Open311, InvestPortal, GovernorMail, Paper, RedmineImport,
    BusinessOmbudsman, DocumentSystem,
    /// <summary>A question raised at a meeting with business (issue 18.5), linked to its <see cref="Meetings.Meeting"/>.</summary>
    BusinessMeeting }

public enum ApplicantKind { Person, Organisation, Anonymous }

/// <summary>High importance shortens the clock of a social-network incident (4 hours instead of 24).</summary>
public enum AppealPriority { Normal, High }

/// <summary>How far the deadline watch has gone for the current stage deadline; each level notifies once.</summary>
public enum WatchLevel { OnTrack, AtRisk, Overdue, EscalatedToDispatcher, EscalatedToController, EscalatedToCentre }

public enum AppealStatus
{
    Moderation,
    Clarification,
    Registered,
    Assigned,
    InWork,
    AnswerDraft,
    AnswerReview,
    AnswerSent,
    Closed,
    // Terminal outcomes other than Closed:
    Rejected,
    LeftWithoutAnswer,
    Returned,
    CorrespondenceStopped,
    Redirected,
    Merged,
}

/// <summary>The result values of federal reporting (ССТУ.РФ, Указ № 171).</summary>
public enum FederalResult
{
    NotRegistered,
    UnderConsideration,
    ExtensionInProgress,
    Explained,
    Supported,
    SupportedMeasuresTaken,
    NotSupported,
    RedirectedByCompetence,
    AnswerGiven,
    LeftWithoutAnswer,
}

/// <summary>Coded grounds for ending an appeal without an answer on the merits (rules-ru.md item 5).</summary>
public enum Ground
{
    NoNameOrAddress,
    ObsceneOrThreats,
    Unreadable,
    NoEssence,
    CourtDecision,
    RepeatedQuestion,
    AnswerPublished,
    StateSecret,
    HatePropaganda,
    ThirdPartyPersonalData,
    SpamOrAds,
    NoLocation,
    OffTopic,
    Duplicate,
    NoVerifiableFacts,
    ClarificationNotReceived,
}

/// <summary>Criteria for returning an answer to the executor for rework (rules-ru.md 5.2).</summary>
public enum ReworkReason
{
    FormalAnswer,
    NoDeadline,
    NoEvidence,
    ExcessiveLegalReferences,
    Contradictions,
    NotAllQuestionsAnswered,
    WrongAddressee,
}

public enum AppealOutcome { Reject, LeaveWithoutAnswer, Return, StopCorrespondence }

public sealed record GroundInfo(Ground Ground, string Title, AppealOutcome[] Outcomes, int? NoticeWithinDays, string Notice);

public static class Grounds
{
    static readonly AppealOutcome[] RejectOrLeave = [AppealOutcome.Reject, AppealOutcome.LeaveWithoutAnswer];
    static readonly AppealOutcome[] RejectOnly = [AppealOutcome.Reject];

    public static readonly IReadOnlyDictionary<Ground, GroundInfo> All = new GroundInfo[]
    {
        new(Ground.NoNameOrAddress, "Не указаны фамилия или адрес для ответа", RejectOrLeave, null,
            "Ответ не даётся; сведения о преступлении направляются в правоохранительный орган."),
        new(Ground.ObsceneOrThreats, "Нецензурные или оскорбительные выражения, угрозы", RejectOrLeave, null,
            "Заявителю сообщается о недопустимости злоупотребления правом."),
        new(Ground.Unreadable, "Текст не поддаётся прочтению", RejectOrLeave, 7,
            "Заявителю сообщается в течение 7 дней, если его фамилия и адрес читаемы."),
        new(Ground.NoEssence, "Из текста невозможно понять суть", RejectOrLeave, 7,
            "Заявителю сообщается в течение 7 дней."),
        new(Ground.CourtDecision, "Обжалуется судебное решение", [AppealOutcome.Return, AppealOutcome.Reject], 7,
            "Обращение возвращается в течение 7 дней с разъяснением порядка обжалования."),
        new(Ground.RepeatedQuestion, "Повторный вопрос, на который неоднократно даны ответы", [AppealOutcome.StopCorrespondence], null,
            "Руководитель принимает решение о прекращении переписки; заявитель уведомляется."),
        new(Ground.AnswerPublished, "Ответ уже размещён на официальном сайте", [AppealOutcome.LeaveWithoutAnswer], 7,
            "Заявителю в течение 7 дней сообщается адрес страницы с ответом."),
        new(Ground.StateSecret, "Ответ раскрыл бы охраняемую законом тайну", [AppealOutcome.LeaveWithoutAnswer], null,
            "Заявителю сообщается о невозможности дать ответ."),
        new(Ground.HatePropaganda, "Пропаганда или агитация, возбуждающая ненависть", RejectOnly, null, "Заявителю сообщается причина отказа."),
        new(Ground.ThirdPartyPersonalData, "Персональные данные третьих лиц без правовых оснований", RejectOnly, null, "Заявителю сообщается причина отказа."),
        new(Ground.SpamOrAds, "Реклама, спам или сведения, не относящиеся к делу", RejectOnly, null, "Заявителю сообщается причина отказа."),
        new(Ground.NoLocation, "Не указано место проблемы", RejectOnly, null, "Заявителю сообщается причина отказа."),
        new(Ground.OffTopic, "Не относится к тематике платформы", RejectOnly, null, "Заявителю сообщается причина отказа."),
        new(Ground.Duplicate, "Дубликат обращения, которое уже рассматривается или рассмотрено", RejectOnly, null, "Заявителю сообщается номер исходного обращения."),
        new(Ground.NoVerifiableFacts, "Нет конкретных фактов, позволяющих провести проверку", RejectOnly, null, "Заявителю сообщается причина отказа."),
        new(Ground.ClarificationNotReceived, "Заявитель не дал уточнение в течение 3 дней", RejectOnly, null, "Заявителю сообщается об отклонении."),
    }.ToDictionary(g => g.Ground);

    public static bool Allows(this Ground ground, AppealOutcome outcome) => All[ground].Outcomes.Contains(outcome);
}

public static class Labels
{
    public static string Of(AppealStatus s) => s switch
    {
        AppealStatus.Moderation => "На модерации",
        AppealStatus.Clarification => "Уточнение у заявителя",
        AppealStatus.Registered => "Зарегистрировано",
        AppealStatus.Assigned => "Назначено исполнителю",
        AppealStatus.InWork => "В работе",
        AppealStatus.AnswerDraft => "Ответ подготовлен",
        AppealStatus.AnswerReview => "Ответ на проверке",
        AppealStatus.AnswerSent => "Ответ направлен",
        AppealStatus.Closed => "Закрыто",
        AppealStatus.Rejected => "Отклонено модератором",
        AppealStatus.LeftWithoutAnswer => "Оставлено без ответа",
        AppealStatus.Returned => "Возвращено",
        AppealStatus.CorrespondenceStopped => "Переписка прекращена",
        AppealStatus.Redirected => "Направлено по компетенции",
        AppealStatus.Merged => "Объединено с другим обращением",
        _ => s.ToString(),
    };

    public static string Of(FederalResult r) => r switch
    {
        FederalResult.NotRegistered => "Не зарегистрировано",
        FederalResult.UnderConsideration => "Находится на рассмотрении",
        FederalResult.ExtensionInProgress => "Рассмотрение продлено",
        FederalResult.Explained => "Рассмотрено. Разъяснено",
        FederalResult.Supported => "Рассмотрено. Поддержано",
        FederalResult.SupportedMeasuresTaken => "Рассмотрено. Поддержано. Меры приняты",
        FederalResult.NotSupported => "Рассмотрено. Не поддержано",
        FederalResult.RedirectedByCompetence => "Направлено по компетенции",
        FederalResult.AnswerGiven => "Дан ответ автору",
        FederalResult.LeftWithoutAnswer => "Оставлено без ответа автору",
        _ => r.ToString(),
    };

    public static string Of(ReworkReason r) => r switch
    {
        ReworkReason.FormalAnswer => "Формальный ответ, не по существу",
        ReworkReason.NoDeadline => "Не указаны сроки устранения",
        ReworkReason.NoEvidence => "Нет подтверждения (фото, акты)",
        ReworkReason.ExcessiveLegalReferences => "Ссылки на нормы без разъяснения",
        ReworkReason.Contradictions => "Противоречивые сведения",
        ReworkReason.NotAllQuestionsAnswered => "Даны ответы не на все вопросы",
        ReworkReason.WrongAddressee => "Ответ адресован не заявителю",
        _ => r.ToString(),
    };

    public static string Of(LegalRegime r) => r switch
    {
        LegalRegime.Obrashchenie59 => "Обращение (59-ФЗ)",
        LegalRegime.PlatformMessage => "Сообщение ПОС",
        LegalRegime.BusinessConsultation => "Консультация бизнеса",
        LegalRegime.SocialIncident => "Инцидент в соцсетях",
        _ => r.ToString(),
    };

    public static string Of(AppealKind k) => k switch
    {
        AppealKind.SimpleConsultation => "Простая консультация",
        AppealKind.ComplexConsultation => "Сложная консультация",
        AppealKind.Task => "Задача",
        AppealKind.Complaint => "Проблема/жалоба",
        _ => k.ToString(),
    };

    public static string Of(Channel c) => c switch
    {
        Channel.Portal => "Портал",
        Channel.Mobile => "Мобильное приложение",
        Channel.Hotline => "Горячая линия",
        Channel.Meeting => "Личный приём",
        Channel.Email => "Электронная почта",
        Channel.Telegram => "Телеграм",
        Channel.SocialNetwork => "Социальные сети",
        Channel.FederalPlatform => "Платформа обратной связи",
        Channel.Open311 => "Open311",
        Channel.InvestPortal => "Инвестиционный портал",
        Channel.GovernorMail => "Письмо губернатору",
        Channel.Paper => "Письмо на бумаге",
        Channel.RedmineImport => "Импорт из Redmine",
        Channel.BusinessOmbudsman => "Бизнес-омбудсмен",
        Channel.DocumentSystem => "Система документооборота (МСЭД)",
        Channel.BusinessMeeting => "Встреча с бизнесом",
        _ => c.ToString(),
    };

    /// <summary>The names of history events on a timeline.</summary>
    public static string Of(EventKind kind) => kind switch
    {
        EventKind.Received => "Обращение поступило",
        EventKind.ClarificationRequested => "Запрошено уточнение",
        EventKind.ClarificationGiven => "Заявитель дал уточнение",
        EventKind.ClarificationDelivered => "Вопрос передан заявителю",
        EventKind.Rejected => "Отклонено",
        EventKind.Reclassified => "Исправлена классификация",
        EventKind.Routed => "Выбрана организация-исполнитель",
        EventKind.Registered => "Зарегистрировано",
        EventKind.Merged => "Объединено с другим обращением",
        EventKind.DuplicateMerged => "Присоединён дубликат",
        EventKind.Assigned => "Назначен исполнитель",
        EventKind.WorkStarted => "Взято в работу",
        EventKind.Redirected => "Направлено по компетенции",
        EventKind.Extended => "Срок продлён",
        EventKind.ExtensionRequested => "Исполнитель запросил продление срока",
        EventKind.ExtensionDeclined => "В продлении срока отказано",
        EventKind.CoExecutorAdded => "Часть передана соисполнителю",
        EventKind.CoExecutorPartCompleted => "Соисполнитель выполнил часть",
        EventKind.AnswerDrafted => "Подготовлен ответ",
        EventKind.AnswerSubmitted => "Ответ отправлен на утверждение",
        EventKind.AnswerReturned => "Ответ возвращён на доработку",
        EventKind.AnswerApproved => "Ответ утверждён",
        EventKind.AnswerSent => "Ответ направлен заявителю",
        EventKind.Rated => "Заявитель оценил ответ",
        EventKind.Reopened => "Повторное рассмотрение",
        EventKind.Closed => "Закрыто",
        EventKind.LeftWithoutAnswer => "Оставлено без ответа",
        EventKind.Returned => "Возвращено заявителю",
        EventKind.CorrespondenceStopped => "Переписка прекращена",
        EventKind.AttachmentAdded => "Добавлен файл",
        EventKind.StepRecorded => "Записан шаг",
        EventKind.ClockPaused => "Срок приостановлен: запрос заявителю",
        EventKind.ClockResumed => "Срок возобновлён",
        EventKind.DeadlineAtRisk => "Срок истекает",
        EventKind.DeadlineMissed => "Срок нарушен",
        EventKind.Escalated => "Эскалация",
        EventKind.RuleApplied => "Сработало автоправило",
        EventKind.RouteRefused => "Маршрут отклонён",
        EventKind.RouteOpened => "Открыт маршрут с соисполнителями",
        EventKind.PartOpened => "Открыта часть следующего этапа",
        EventKind.PartOverdue => "Часть соисполнителя просрочена: эскалация контролёру",
        EventKind.RoadmapStepAdded => "Добавлен шаг дорожной карты",
        EventKind.RoadmapTemplateApplied => "Дорожная карта заполнена по шаблону",
        EventKind.RoadmapStepChanged => "Изменён шаг дорожной карты",
        EventKind.RoadmapReordered => "Изменён порядок шагов дорожной карты",
        EventKind.RoadmapStepCancelled => "Шаг дорожной карты отменён",
        EventKind.RoadmapApproved => "Дорожная карта утверждена",
        EventKind.RoadmapReopened => "Дорожная карта открыта для изменений",
        EventKind.RoadmapStepReported => "Отчёт по шагу дорожной карты",
        EventKind.RoadmapStepAtRisk => "Срок шага дорожной карты истекает",
        EventKind.RoadmapStepOverdue => "Срок шага дорожной карты нарушен",
        EventKind.RoadmapStepEscalated => "Эскалация по шагу дорожной карты",
        EventKind.HqEscalated => "Жалоба вынесена на Штаб по защите бизнеса",
        EventKind.HqDecisionRecorded => "Записано решение Штаба по защите бизнеса",
        EventKind.PublicTextEdited => "Изменён текст для публикации",
        EventKind.KindChanged => "Изменён вид обращения",
        EventKind.Tagged => "Добавлена метка",
        EventKind.AnsweredInNetwork => "Ответ опубликован в сети",
        EventKind.Exchanged => "Обмен с внешней системой",
        _ => kind.ToString(),
    };

    public static string Of(PartStatus s) => s switch
    {
        PartStatus.Open => "в работе",
        PartStatus.Done => "выполнена",
        PartStatus.Waiting => "ждёт своей очереди",
        _ => s.ToString(),
    };

    public static string Of(Routing.RouteKind k) => k switch
    {
        Routing.RouteKind.Single => "Одна организация",
        Routing.RouteKind.Several => "Несколько организаций",
        Routing.RouteKind.WithMunicipality => "С участием муниципалитета",
        _ => k.ToString(),
    };

    public static string Of(ApplicantKind k) => k switch
    {
        ApplicantKind.Person => "Гражданин",
        ApplicantKind.Organisation => "Бизнес (организация)",
        ApplicantKind.Anonymous => "Аноним",
        _ => k.ToString(),
    };

    public static string Of(AppealType t) => t switch
    {
        AppealType.Problem => "Проблема",
        AppealType.Proposal => "Предложение",
        AppealType.Gratitude => "Благодарность",
        AppealType.Question => "Вопрос",
        _ => t.ToString(),
    };
}
