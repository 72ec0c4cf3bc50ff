using System.Text.Json;
using Otklik.Features.Appeals;

namespace Otklik.Features.Portal.My;

/// <summary>
/// What the applicant sees of an appeal's life: the stages a person outside the office recognises, and the public
/// steps of its history. Staff names, internal steps (assignment, drafts, approvals, the deadline watch) stay inside.
/// </summary>
public static class PublicRoute
{
    /// <summary>How many days after the answer the applicant may rate it; then the appeal closes by itself.</summary>
    public const int RatingDays = 10;

    public static string Stage(AppealStatus status) => status switch
    {
        AppealStatus.Moderation => "На модерации",
        AppealStatus.Clarification => "Нужно ваше уточнение",
        AppealStatus.Registered => "Зарегистрировано",
        AppealStatus.Assigned or AppealStatus.InWork or AppealStatus.AnswerDraft or AppealStatus.AnswerReview => "На рассмотрении",
        AppealStatus.AnswerSent => "Дан ответ — оцените его",
        _ => Labels.Of(status),
    };

    public sealed record Step(DateTime AtUtc, string Title, string? Detail);

    /// <summary>The public steps, oldest first; <paramref name="organisationName"/> names the executors routed to.</summary>
    public static List<Step> Steps(IEnumerable<AppealEvent> history, Func<Guid, string?> organisationName)
    {
        var steps = new List<Step>();
        foreach (var e in history.OrderBy(e => e.Sequence))
        {
            Step? step = e.Kind switch
            {
                EventKind.Received => new(e.AtUtc, "Обращение поступило", null),
                EventKind.ClarificationRequested => new(e.AtUtc, "Модератор запросил уточнение", e.Note),
                EventKind.ClarificationGiven => new(e.AtUtc, "Вы дали уточнение", e.Note),
                EventKind.Rejected => new(e.AtUtc, "Отклонено на модерации", e.Note),
                EventKind.Registered => new(e.AtUtc, "Прошло модерацию и зарегистрировано", null),
                EventKind.Routed when Organisation(e.Data, "to") is { } to => new(e.AtUtc, "Определён исполнитель", organisationName(to)),
                EventKind.Redirected => new(e.AtUtc, "Направлено по компетенции", e.Note),
                EventKind.Extended => new(e.AtUtc, "Срок ответа продлён", e.Note),
                EventKind.ClockPaused => new(e.AtUtc, "Исполнитель запросил у вас сведения", e.Note),
                EventKind.ClockResumed => new(e.AtUtc, "Рассмотрение продолжено", e.Note),
                EventKind.AnswerSent => new(e.AtUtc, "Дан ответ", null),
                EventKind.Rated => new(e.AtUtc, $"Вы оценили ответ: {Score(e.Data)} из 5", e.Note),
                EventKind.Reopened => new(e.AtUtc, "Повторное рассмотрение", e.Note),
                EventKind.Closed => new(e.AtUtc, "Обращение закрыто", e.Note),
                EventKind.LeftWithoutAnswer or EventKind.Returned or EventKind.CorrespondenceStopped or EventKind.Merged =>
                    new(e.AtUtc, Labels.Of(e.Kind), e.Note),
                _ => null,
            };
            if (step is not null) steps.Add(step);
        }
        return steps;
    }

    static Guid? Organisation(string? data, string property)
    {
        if (data is null) return null;
        using var json = JsonDocument.Parse(data);
        return json.RootElement.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetGuid(out var id) ? id : null;
    }

    static string Score(string? data)
    {
        if (data is null) return "?";
        using var json = JsonDocument.Parse(data);
        return json.RootElement.TryGetProperty("score", out var v) ? v.ToString() : "?";
    }
}
