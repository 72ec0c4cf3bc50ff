using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Roadmaps;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

public enum Queue { Moderation, Clarification, Dispatch, Mine, Parts, Steps, Review, Overdue, ExtensionRequests }

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
        Queue.Parts => "Части соисполнителя",
        Queue.Steps => "Шаги дорожных карт",
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
        Queue.Parts => "/office/parts",
        Queue.Steps => "/office/steps",
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
        // Work owed by the organisation as a co-executor or a roadmap step's owner: its dispatchers and executors.
        if (roles.Contains(Role.Dispatcher) || roles.Contains(Role.Executor)) queues.AddRange([Queue.Parts, Queue.Steps]);
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
            case Queue.Parts:
            {
                var parts = await PartsAsync(db, user, ct);
                return visible.Where(a => parts.Any(p => p.AppealId == a.Id));
            }
            case Queue.Steps:
            {
                var steps = await StepsAsync(db, user, ct);
                return visible.Where(a => steps.Any(s => s.AppealId == a.Id));
            }
            default:
            {
                // Overdue: the appeal's own deadline, or an open part or an approved open roadmap step of an organisation
                // the controller controls (a complaint's roadmap runs on after the answer is sent, until it is closed).
                var orgs = Scope(await user.ScopeAsync(ct, Role.Controller));
                var open = DeadlineStates.Finished;
                var terminal = Appeal.Terminal;
                return visible.Where(a =>
                    (!open.Contains(a.Status) && a.PausedAtUtc == null && a.DueAtUtc < nowUtc
                        && a.ExecutorOrganisationId != null && orgs.Contains(a.ExecutorOrganisationId.Value))
                    || (!open.Contains(a.Status) && a.Parts.Any(p => p.Status == PartStatus.Open && p.DueAtUtc < nowUtc && orgs.Contains(p.OrganisationId)))
                    || (!terminal.Contains(a.Status) && a.Roadmap != null && a.Roadmap.Steps.Any(s =>
                        (s.Status == StepStatus.Planned || s.Status == StepStatus.InWork) && s.ApprovedAtUtc != null && s.DueAtUtc < nowUtc
                        && orgs.Contains(s.OwnerOrganisationId))));
            }
        }
    }

    /// <summary>The counters of a person's queues, read fresh from the database, so any web node answers the same.</summary>
    public static async Task<Dictionary<Queue, int>> CountsAsync(AppDbContext db, CurrentUser user, DateTime nowUtc, CancellationToken ct)
    {
        var counts = new Dictionary<Queue, int>();
        foreach (var q in await OfAsync(user, ct))
            counts[q] = q switch
            {
                // These two count the parts and the steps themselves: one appeal may owe several.
                Queue.Parts => await (await PartsAsync(db, user, ct)).CountAsync(ct),
                Queue.Steps => await (await StepsAsync(db, user, ct)).CountAsync(ct),
                _ => await (await QueryAsync(q, db, user, nowUtc, ct)).CountAsync(ct),
            };
        return counts;
    }

    /// <summary>
    /// The open co-executors' parts given to organisations where the person is a dispatcher or an executor (the people who
    /// may complete a part), of appeals still being answered and visible to them.
    /// </summary>
    public static async Task<IQueryable<AppealPart>> PartsAsync(AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        List<Guid> orgs = [.. await user.ScopeAsync(ct, Role.Dispatcher, Role.Executor)];
        var finished = DeadlineStates.Finished;
        return db.AppealParts.AsNoTracking().Where(p => p.Status == PartStatus.Open && orgs.Contains(p.OrganisationId)
            && visible.Any(a => a.Id == p.AppealId && !finished.Contains(a.Status)));
    }

    /// <summary>
    /// The approved open roadmap steps the person owes: the ones that name them, every step of an organisation where they
    /// are a dispatcher, and the steps naming nobody of an organisation where they are an executor; complaints not closed.
    /// </summary>
    public static async Task<IQueryable<RoadmapStep>> StepsAsync(AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        var me = user.RequiredId;
        List<Guid> dispatch = [.. await user.ScopeAsync(ct, Role.Dispatcher)];
        List<Guid> execute = [.. await user.ScopeAsync(ct, Role.Executor)];
        var terminal = Appeal.Terminal;
        return db.RoadmapSteps.AsNoTracking().Where(s => (s.Status == StepStatus.Planned || s.Status == StepStatus.InWork) && s.ApprovedAtUtc != null
            && (s.PersonId == me || dispatch.Contains(s.OwnerOrganisationId) || (s.PersonId == null && execute.Contains(s.OwnerOrganisationId)))
            && visible.Any(a => a.Id == s.AppealId && !terminal.Contains(a.Status)));
    }
}
