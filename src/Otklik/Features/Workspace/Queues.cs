using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

public enum Queue { Moderation, Clarification, Dispatch, Mine, Review, Overdue, ExtensionRequests }

/// <summary>
/// The staff queues: which appeals each role works on now. Built on <see cref="AppealAccess.VisibleAsync"/>, the same
/// visibility rule as the API, narrowed by the duty the queue serves.
/// </summary>
public static class Queues
{
    public static string Title(Queue q) => q switch
    {
        Queue.Moderation => "На модерации",
        Queue.Clarification => "Ждут уточнения",
        Queue.Dispatch => "Новые в организации",
        Queue.Mine => "Мои обращения",
        Queue.Review => "Ответы на утверждении",
        Queue.Overdue => "Просроченные",
        Queue.ExtensionRequests => "Запросы на продление",
        _ => q.ToString(),
    };

    public static string Link(Queue q) => q switch
    {
        Queue.Moderation => "/office/moderation",
        Queue.Clarification => "/office/moderation?clarification=true",
        Queue.Dispatch => "/office/dispatch",
        Queue.Mine => "/office/my",
        Queue.Review => "/office/control",
        Queue.ExtensionRequests => "/office/control?requests=true",
        _ => "/office/control?overdue=true",
    };

    /// <summary>The queues a person has, by their roles.</summary>
    public static async Task<IReadOnlyList<Queue>> OfAsync(CurrentUser user, CancellationToken ct)
    {
        var roles = (await user.RolesAsync(ct)).Select(r => r.Role).ToHashSet();
        var queues = new List<Queue>();
        if (roles.Contains(Role.Moderator)) queues.AddRange([Queue.Moderation, Queue.Clarification]);
        if (roles.Contains(Role.Dispatcher)) queues.Add(Queue.Dispatch);
        if (roles.Contains(Role.Executor)) queues.Add(Queue.Mine);
        if (roles.Contains(Role.Controller)) queues.AddRange([Queue.Review, Queue.Overdue, Queue.ExtensionRequests]);
        return queues;
    }

    public static async Task<IQueryable<Appeal>> QueryAsync(Queue queue, AppDbContext db, CurrentUser user, DateTime nowUtc, CancellationToken ct)
    {
        var visible = (await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking();
        var me = user.RequiredId;
        List<Guid> Scope(HashSet<Guid> s) => [.. s];
        switch (queue)
        {
            case Queue.Moderation:
            case Queue.Clarification:
            {
                var orgs = Scope(await user.ScopeAsync(ct, Role.Moderator));
                var status = queue == Queue.Moderation ? AppealStatus.Moderation : AppealStatus.Clarification;
                return visible.Where(a => a.Status == status && orgs.Contains(a.OwnerOrganisationId));
            }
            case Queue.Dispatch:
            {
                var orgs = Scope(await user.ScopeAsync(ct, Role.Dispatcher));
                return visible.Where(a => a.Status == AppealStatus.Registered && a.ExecutorOrganisationId != null && orgs.Contains(a.ExecutorOrganisationId.Value));
            }
            case Queue.Mine:
                return visible.Where(a => a.AssigneeId == me
                    && (a.Status == AppealStatus.Assigned || a.Status == AppealStatus.InWork || a.Status == AppealStatus.AnswerDraft));
            case Queue.Review:
            {
                var orgs = Scope(await user.ScopeAsync(ct, Role.Controller));
                return visible.Where(a => a.Status == AppealStatus.AnswerReview && a.ExecutorOrganisationId != null && orgs.Contains(a.ExecutorOrganisationId.Value));
            }
            case Queue.ExtensionRequests:
            {
                var orgs = Scope(await user.ScopeAsync(ct, Role.Controller));
                return visible.Where(a => a.ExtensionRequestedDays != null && a.ExecutorOrganisationId != null && orgs.Contains(a.ExecutorOrganisationId.Value));
            }
            default:
            {
                var orgs = Scope(await user.ScopeAsync(ct, Role.Controller));
                var open = Appeal.Terminal.Append(AppealStatus.AnswerSent).ToArray();
                return visible.Where(a => !open.Contains(a.Status) && a.PausedAtUtc == null && a.DueAtUtc < nowUtc
                    && a.ExecutorOrganisationId != null && orgs.Contains(a.ExecutorOrganisationId.Value));
            }
        }
    }

    /// <summary>The counters of a person's queues, read fresh from the database, so any web node answers the same.</summary>
    public static async Task<Dictionary<Queue, int>> CountsAsync(AppDbContext db, CurrentUser user, DateTime nowUtc, CancellationToken ct)
    {
        var counts = new Dictionary<Queue, int>();
        foreach (var q in await OfAsync(user, ct))
            counts[q] = await (await QueryAsync(q, db, user, nowUtc, ct)).CountAsync(ct);
        return counts;
    }
}
