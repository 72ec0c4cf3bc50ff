namespace Otklik.Features.Mail;

/// <summary>Who a message is for.</summary>
public enum Recipient
{
    /// <summary>The appeal's applicant: the e-mail given with the appeal, else their portal account's.</summary>
    Applicant,
    /// <summary>The holder of a portal account (a confirmation or reset link).</summary>
    AccountHolder,
    /// <summary>Staff who hold the role named in the payload at the organisation named there (the nearest holder up the tree), or the person named there.</summary>
    StaffRole,
    /// <summary>The staff of the organisation(s) named in the payload: a co-executor, a roadmap step's owner, a body bound by an HQ decision.</summary>
    Organisation,
    /// <summary>The portal's administrator and curator (seed 000), and the organisation written to.</summary>
    PortalAdministration,
    /// <summary>The post, chat or comment thread an appeal came from (a collector's callback, a bot's chat), told by its channel's <see cref="IOutboxRelay"/>.</summary>
    ChannelPeer,
    /// <summary>A browser the applicant subscribed for web push (ADR 0040), told by the push <see cref="IOutboxRelay"/>.</summary>
    Browser,
    /// <summary>
    /// Who follows an appeal, a territory or a place (<see cref="Alerts.AlertSubscription"/>): the account's e-mail, or the
    /// visitor's confirmed address. Every letter to them carries a one-click unsubscribe (RFC 8058).
    /// </summary>
    Follower,
    /// <summary>The address a person gave in a portal form that is not an appeal: a registration for an event (issue 23.1).</summary>
    Visitor,
}

/// <summary>How a message reaches its recipient.</summary>
[Flags]
public enum Delivery
{
    /// <summary>Nobody is told, by design: the type must say why.</summary>
    None = 0,
    /// <summary>An e-mail composed by <see cref="MailComposer"/>.</summary>
    Letter = 1,
    /// <summary>A notice in the office's notification list (staff only).</summary>
    Notice = 2,
    /// <summary>Sent back where the appeal came from by an <see cref="IOutboxRelay"/> (not a letter).</summary>
    Channel = 4,
    /// <summary>A web push notification to one subscribed browser, sent by an <see cref="IOutboxRelay"/> (not a letter).</summary>
    Push = 8,
}

/// <summary>One recipient of a message type and the way they are told.</summary>
public sealed record Audience(Recipient Who, Delivery How, string? Why = null);

/// <summary>
/// A kind of outbox message. Only the instances of <see cref="MessageTypes"/> exist, and the outbox takes nothing else
/// (<see cref="Infrastructure.OutboxMessage.Create"/>), so no code can write a message nobody has decided how to deliver.
/// </summary>
public sealed class MessageType
{
    public string Name { get; }
    /// <summary>What the applicant (or the staff person) was told, as the portal's timeline names it.</summary>
    public string Title { get; }
    public IReadOnlyList<Audience> To { get; }

    internal MessageType(string name, string title, params Audience[] to)
    {
        if (to.Length == 0) throw new ArgumentException($"Message type {name} names nobody: say who, or Delivery.None with the reason.", nameof(to));
        if (to.FirstOrDefault(a => a.How == Delivery.None && string.IsNullOrWhiteSpace(a.Why)) is not null)
            throw new ArgumentException($"Message type {name} is delivered to nobody without a reason.", nameof(to));
        (Name, Title, To) = (name, title, to);
    }

    /// <summary>Does anyone get an e-mail of it (so <see cref="MailComposer"/> must compose one)?</summary>
    public bool IsLetter => To.Any(a => a.How.HasFlag(Delivery.Letter));
    public bool IsForApplicant => To.Any(a => a.Who == Recipient.Applicant && a.How != Delivery.None);

    public override string ToString() => Name;
}

/// <summary>
/// The registry of every outbox message type: who receives it and how. The applicant's letters are composed by
/// <see cref="MailComposer"/>; the staff's in-office notices by <see cref="Notifications.NoticeWriter"/>, whose letters
/// (<see cref="NoticeEmail"/>, <see cref="NoticeDigest"/>) go to those who chose e-mail for the kind.
/// </summary>
public static class MessageTypes
{
    static Audience[] ApplicantLetter => [new(Recipient.Applicant, Delivery.Letter)];
    static Audience[] StaffNotice => [new(Recipient.StaffRole, Delivery.Notice)];

    // ---- Accounts and the contact form ----
    public static readonly MessageType AccountConfirm = new("account.confirm", "Подтверждение адреса электронной почты", new Audience(Recipient.AccountHolder, Delivery.Letter));
    public static readonly MessageType AccountReset = new("account.reset", "Восстановление пароля", new Audience(Recipient.AccountHolder, Delivery.Letter));
    public static readonly MessageType AccountExists = new("account.exists", "Попытка регистрации с вашим адресом", new Audience(Recipient.AccountHolder, Delivery.Letter));
    /// <summary>Report first, sign in after: the link that confirms the address and sends the appeal kept for it.</summary>
    public static readonly MessageType PendingAppealConfirm = new("appeal.pending_confirm", "Подтверждение адреса и отправка обращения", new Audience(Recipient.AccountHolder, Delivery.Letter));
    public static readonly MessageType ContactCopy = new("contact.copy", "Запрос через форму связи", new Audience(Recipient.PortalAdministration, Delivery.Letter));

    // ---- The applicant, at every step that concerns them ----
    public static readonly MessageType Received = new("appeal.received", "Обращение принято", ApplicantLetter);
    public static readonly MessageType Registered = new("appeal.registered", "Обращение зарегистрировано, назначен срок ответа",
        new Audience(Recipient.Applicant, Delivery.Letter), new Audience(Recipient.Organisation, Delivery.Notice));
    public static readonly MessageType ClarificationRequested = new("appeal.clarification_requested", "Вопрос для уточнения", ApplicantLetter);
    public static readonly MessageType InformationRequested = new("appeal.information_requested", "Исполнитель запросил сведения", ApplicantLetter);
    public static readonly MessageType Rejected = new("appeal.rejected", "Обращение отклонено", ApplicantLetter);
    public static readonly MessageType Merged = new("appeal.merged", "Обращение объединено с другим", ApplicantLetter);
    public static readonly MessageType Redirected = new("appeal.redirected", "Обращение переадресовано по компетенции", ApplicantLetter);
    public static readonly MessageType Extended = new("appeal.extended", "Срок ответа продлён",
        new Audience(Recipient.Applicant, Delivery.Letter), new Audience(Recipient.StaffRole, Delivery.Notice));
    public static readonly MessageType Answered = new("appeal.answered", "Дан ответ", ApplicantLetter);
    public static readonly MessageType Reopened = new("appeal.reopened", "Обращение направлено на повторное рассмотрение", ApplicantLetter);
    public static readonly MessageType Closed = new("appeal.closed", "Рассмотрение обращения завершено", ApplicantLetter);
    public static readonly MessageType LeftWithoutAnswer = new("appeal.left_without_answer", "Обращение оставлено без ответа", ApplicantLetter);
    public static readonly MessageType Returned = new("appeal.returned", "Обращение возвращено", ApplicantLetter);
    public static readonly MessageType CorrespondenceStopped = new("appeal.correspondence_stopped", "Переписка прекращена", ApplicantLetter);
    public static readonly MessageType RoadmapApproved = new("roadmap.approved", "Утверждена дорожная карта",
        new Audience(Recipient.Applicant, Delivery.Letter), new Audience(Recipient.Organisation, Delivery.Notice));
    public static readonly MessageType HqDecisionRecorded = new("hq.decision_recorded", "Штаб принял решение",
        new Audience(Recipient.Applicant, Delivery.Letter), new Audience(Recipient.Organisation, Delivery.Notice));

    // ---- Staff: letters as before, and notices in the office ----
    public static readonly MessageType DeadlineAtRisk = new("deadline.at_risk", "Срок под угрозой", StaffNotice);
    public static readonly MessageType DeadlineOverdue = new("deadline.overdue", "Срок пропущен", StaffNotice);
    public static readonly MessageType DeadlineEscalated = new("deadline.escalated", "Пропущенный срок передан руководителю", StaffNotice);
    public static readonly MessageType ExtensionRequested = new("appeal.extension_requested", "Запрос на продление срока", StaffNotice);
    public static readonly MessageType CoExecutorAdded = new("appeal.co_executor_added", "Поручена часть обращения", new Audience(Recipient.Organisation, Delivery.Notice));
    public static readonly MessageType PartEscalated = new("deadline.part_escalated", "Срок части соисполнителя пропущен", StaffNotice);
    public static readonly MessageType StepAtRisk = new("roadmap.step_at_risk", "Срок шага дорожной карты под угрозой", StaffNotice);
    public static readonly MessageType StepOverdue = new("roadmap.step_overdue", "Срок шага дорожной карты пропущен", StaffNotice);
    public static readonly MessageType StepEscalated = new("roadmap.step_escalated", "Пропущенный шаг дорожной карты передан руководителю", StaffNotice);
    public static readonly MessageType HqEscalated = new("hq.escalated", "Жалоба передана в Штаб", StaffNotice);
    public static readonly MessageType Assigned = new("appeal.assigned", "Назначено исполнение обращения", StaffNotice);
    public static readonly MessageType ExtensionDeclined = new("appeal.extension_declined", "В продлении срока отказано", StaffNotice);
    public static readonly MessageType ReturnedForRework = new("appeal.returned_for_rework", "Ответ возвращён на доработку", StaffNotice);
    public static readonly MessageType Mentioned = new("appeal.mentioned", "Вас упомянули в ходе исполнения", StaffNotice);

    // ---- The staff's own letters of their notices, by the delivery each person chose ----
    public static readonly MessageType NoticeEmail = new(Notifications.NoticeWriter.EmailType, "Уведомление по почте", new Audience(Recipient.StaffRole, Delivery.Letter));
    public static readonly MessageType NoticeDigest = new(Notifications.NoticeWriter.DigestType, "Сводка уведомлений за день", new Audience(Recipient.StaffRole, Delivery.Letter));
    // ---- Messengers and social networks: what the applicant is told, relayed to the chat or post the appeal came from ----
    /// <summary>Written by the dispatcher beside an applicant's message of an appeal with a <see cref="Social.ChannelThread"/>; retried on its own.</summary>
    public static readonly MessageType ChannelReply = new("channel.reply", "Ответ в канале обращения", new Audience(Recipient.ChannelPeer, Delivery.Channel));
    /// <summary>The survey invitation of an answered appeal (the letter's personal link) sent to the applicant's Telegram chat (issue 22.2).</summary>
    public static readonly MessageType SurveyTelegram = new("survey.telegram", "Приглашение в опрос в Telegram", new Audience(Recipient.ChannelPeer, Delivery.Channel));
    /// <summary>A targeted message (Analytics/Informing, ADR 0045) to a consenting person's Telegram chat linked on /my/telegram; settles its recipient row.</summary>
    public static readonly MessageType InformingTelegram = new("informing.telegram", "Адресное информирование в Telegram", new Audience(Recipient.ChannelPeer, Delivery.Channel));

    /// <summary>
    /// Web push (ADR 0040): written by the dispatcher beside each message the applicant is told of, one per browser the
    /// applicant subscribed with «Уведомления в браузере» on; retried on its own; a 404/410 removes the subscription.
    /// </summary>
    public static readonly MessageType PushNotification = new("push.notification", "Уведомление в браузере", new Audience(Recipient.Browser, Delivery.Push));
    /// <summary>Written beside an applicant's message of an appeal that came from an outside platform; sent to its callback by the platform relay.</summary>
    public static readonly MessageType PlatformStatus = new("platform.status", "Статус передан платформе", new Audience(Recipient.ChannelPeer, Delivery.Channel));
    /// <summary>An appeal's document package for the document system (МСЭД, ADR 0044): sent by the МСЭД relay, not a letter.</summary>
    public static readonly MessageType DocumentPackage = new("msed.package", "Пакет документов направлен в МСЭД",
        new Audience(Recipient.ChannelPeer, Delivery.None, "Пакет уходит в систему документооборота через её шлюз, не письмом и не уведомлением."));

    public static readonly MessageType ArticleStale = new("knowledge.article_stale", "Статью базы знаний пора пересмотреть", StaffNotice);
    /// <summary>A measure against a root cause was given to an organisation (to its heads and dispatchers).</summary>
    public static readonly MessageType RootCauseMeasureAssigned = new("rootcause.measure_assigned", "Поручена мера по первопричине",
        new Audience(Recipient.Organisation, Delivery.Notice));
    /// <summary>A measure's due day is tomorrow, or has passed (RootCauseWatch; to the owner's heads and dispatchers).</summary>
    public static readonly MessageType RootCauseMeasureAtRisk = new("rootcause.measure_at_risk", "Срок меры по первопричине истекает",
        new Audience(Recipient.Organisation, Delivery.Notice));
    public static readonly MessageType RootCauseMeasureOverdue = new("rootcause.measure_overdue", "Срок меры по первопричине пропущен",
        new Audience(Recipient.Organisation, Delivery.Notice));
    /// <summary>A known problem (a public root cause) was resolved: the applicant of each appeal linked to it is told.</summary>
    public static readonly MessageType RootCauseResolved = new("rootcause.resolved", "Проблема, к которой относится обращение, устранена", ApplicantLetter);
    /// <summary>A scheduled report, its XLSX and PDF attached, to the addresses of its subscription (ReportSchedule).</summary>
    public static readonly MessageType ReportScheduled = new("report.scheduled", "Отчёт по расписанию", new Audience(Recipient.StaffRole, Delivery.Letter));
    /// <summary>A spike began (to the centre's analysts).</summary>
    public static readonly MessageType SpikeStarted = new("analytics.spike_started", "Всплеск обращений", StaffNotice);
    /// <summary>A business-portal section is past its update period: to its owner organisation, then to the portal's administrator.</summary>
    public static readonly MessageType SectionStale = new("business.section_stale", "Раздел портала пора обновить", new Audience(Recipient.Organisation, Delivery.Notice));
    public static readonly MessageType SectionEscalated = new("business.section_escalated", "Владелец не обновил раздел портала", StaffNotice);
    /// <summary>A mailbox of the mail intake stopped being read (server down, password refused): once per outage, to the region's administrators.</summary>
    public static readonly MessageType ChannelFailed = new("channel.failed", "Канал приёма обращений не работает", StaffNotice);

    /// <summary>A support measure published that fits an entrepreneur's subscription (issue 23.2): a letter to the account, and a web push if they turned it on.</summary>
    public static readonly MessageType NewMeasure = new("business.new_measure", "Новая мера поддержки по подписке", new Audience(Recipient.AccountHolder, Delivery.Letter | Delivery.Push));
    /// <summary>A registration for an event of the business portal, confirmed to the address given (issue 23.1).</summary>
    public static readonly MessageType EventRegistered = new("business.event_registered", "Регистрация на мероприятие", new Audience(Recipient.Visitor, Delivery.Letter));
    // ---- The support network's workspace (Features/Teamwork, ADR 0051) ----
    /// <summary>An announcement was posted: a notice to each of its recipients (fixed when it was posted).</summary>
    public static readonly MessageType TeamAnnouncement = new("team.announcement", "Объявление в рабочем месте", new Audience(Recipient.Organisation, Delivery.Notice));
    /// <summary>A reminder to the recipients who have not confirmed reading (by the author, or by the watch a day after an important one).</summary>
    public static readonly MessageType TeamAnnouncementReminder = new("team.announcement_reminder", "Напоминание прочитать объявление", StaffNotice);
    /// <summary>Someone @mentioned members of a chat: a notice to each of them.</summary>
    public static readonly MessageType TeamMentioned = new("team.mentioned", "Вас упомянули в обсуждении", StaffNotice);
    public static readonly MessageType TeamTaskAssigned = new("team.task_assigned", "Поручена задача", StaffNotice);
    /// <summary>A task's due day passed with its checklist open (TeamWatch): to its owner and its author, once.</summary>
    public static readonly MessageType TeamTaskOverdue = new("team.task_overdue", "Срок задачи пропущен", StaffNotice);
    /// <summary>Once a day, to staff who have not opened the workspace since the last one and have something unread or due there.</summary>
    public static readonly MessageType TeamDigest = new(Teamwork.TeamDigest.Type, "Сводка рабочего места за день", new Audience(Recipient.StaffRole, Delivery.Letter));

    // ---- Citizens' alerts (Features/Alerts, ADR 0039) ----
    /// <summary>What happened in one batch window where an alert looks: answers, closings, known problems (AlertSweep).</summary>
    public static readonly MessageType AlertNews = new("alert.news", "Новости по подписке", new Audience(Recipient.Follower, Delivery.Letter | Delivery.Push));
    /// <summary>A visitor's alert by e-mail: the link that confirms the address before any news is sent.</summary>
    public static readonly MessageType AlertConfirm = new("alert.confirm", "Подтверждение подписки", new Audience(Recipient.Follower, Delivery.Letter));

    public static readonly IReadOnlyList<MessageType> All =
    [
        AccountConfirm, AccountReset, AccountExists, PendingAppealConfirm, ContactCopy,
        Received, Registered, ClarificationRequested, InformationRequested, Rejected, Merged, Redirected, Extended, Answered, Reopened, Closed,
        LeftWithoutAnswer, Returned, CorrespondenceStopped, RoadmapApproved, HqDecisionRecorded,
        DeadlineAtRisk, DeadlineOverdue, DeadlineEscalated, ExtensionRequested, CoExecutorAdded, PartEscalated, StepAtRisk, StepOverdue, StepEscalated,
        HqEscalated, ArticleStale, SectionStale, SectionEscalated, Assigned, ExtensionDeclined, ReturnedForRework, Mentioned, NoticeEmail, NoticeDigest,
        ChannelReply, PushNotification, SurveyTelegram, InformingTelegram, PlatformStatus,
        DocumentPackage,
        RootCauseMeasureAssigned, SpikeStarted, RootCauseMeasureAtRisk, RootCauseMeasureOverdue, RootCauseResolved, ReportScheduled, ChannelFailed,
        AlertNews, AlertConfirm, NewMeasure, EventRegistered,
        TeamAnnouncement, TeamAnnouncementReminder, TeamMentioned, TeamTaskAssigned, TeamTaskOverdue, TeamDigest,
    ];

    static readonly Dictionary<string, MessageType> ByName = All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The registered type of a stored message (null for a row written before the type was retired).</summary>
    public static MessageType? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The names of the types the applicant is told by, for the portal's timeline.</summary>
    public static readonly IReadOnlyList<string> ToApplicant = [.. All.Where(t => t.IsForApplicant).Select(t => t.Name)];
}
