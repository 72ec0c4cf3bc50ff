using Otklik.Features.Appeals;

namespace Otklik.Features.Execution;

/// <summary>The Russian names of history events on the appeal card's timeline.</summary>
public static class EventTitles
{
    public static string Of(EventKind kind) => kind switch
    {
        EventKind.Received => "Обращение поступило",
        EventKind.ClarificationRequested => "Запрошено уточнение",
        EventKind.ClarificationGiven => "Заявитель дал уточнение",
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
        _ => kind.ToString(),
    };
}

public static class ChannelTitles
{
    public static string Of(Channel channel) => channel switch
    {
        Channel.Portal => "портал",
        Channel.Mobile => "мобильное приложение",
        Channel.Hotline => "горячая линия",
        Channel.Meeting => "личный приём",
        Channel.Email => "электронная почта",
        Channel.Telegram => "Telegram",
        Channel.SocialNetwork => "социальные сети",
        Channel.FederalPlatform => "ПОС",
        Channel.Open311 => "Open311",
        Channel.InvestPortal => "инвестпортал",
        Channel.GovernorMail => "почта губернатора",
        Channel.Paper => "бумажное письмо",
        Channel.RedmineImport => "импорт из Redmine",
        _ => channel.ToString(),
    };
}
