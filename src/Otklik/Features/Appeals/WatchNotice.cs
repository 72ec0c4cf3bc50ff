using Otklik.Features.Directory;

namespace Otklik.Features.Appeals;

/// <summary>
/// Who the deadline watch tells, and what: the executor (or the moderators while in moderation) when the deadline is
/// near and when it is missed; then the organisation's dispatcher, its controller, and the centre of management.
/// Delivered through the outbox; the notifications feature turns a role at an organisation into people.
/// </summary>
public sealed record WatchNotice(WatchLevel Level, Role Role, Guid OrganisationId, Guid? PersonId, string Title)
{
    public static WatchNotice For(Appeal a, WatchLevel level)
    {
        var moderation = a.Status == AppealStatus.Moderation;
        var executorOrg = a.ExecutorOrganisationId ?? a.OwnerOrganisationId;
        return level switch
        {
            WatchLevel.AtRisk when moderation => new(level, Role.Moderator, a.OwnerOrganisationId, null, $"Срок модерации обращения {a.Number} истекает"),
            WatchLevel.Overdue when moderation => new(level, Role.Moderator, a.OwnerOrganisationId, null, $"Срок модерации обращения {a.Number} истёк"),
            WatchLevel.AtRisk => new(level, a.AssigneeId is null ? Role.Dispatcher : Role.Executor, executorOrg, a.AssigneeId, $"Срок по обращению {a.Number} истекает"),
            WatchLevel.Overdue => new(level, a.AssigneeId is null ? Role.Dispatcher : Role.Executor, executorOrg, a.AssigneeId, $"Срок по обращению {a.Number} истёк"),
            WatchLevel.EscalatedToDispatcher => new(level, Role.Dispatcher, executorOrg, null, $"Просрочено обращение {a.Number}: эскалация ответственному"),
            WatchLevel.EscalatedToController => new(level, Role.Controller, executorOrg, null, $"Просрочено обращение {a.Number}: эскалация контролёру"),
            _ => new(level, Role.Analyst, a.OwnerOrganisationId, null, $"Просрочено обращение {a.Number}: эскалация в центр управления"),
        };
    }
}
