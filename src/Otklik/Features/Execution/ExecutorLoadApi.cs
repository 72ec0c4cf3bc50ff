using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Execution;

/// <summary>
/// GET /api/v1/executors/load: what the dispatcher's page shows beside each specialist — their open appeals — for each
/// organisation where the caller is a dispatcher, with the new appeals waiting there to be assigned.
/// </summary>
public static class ExecutorLoadApi
{
    public sealed record ExecutorLoad(Guid Id, string Name, int Load);

    /// <summary>One organisation: <c>Waiting</c> counts its new appeals (the queue «Новые в организации»), <c>Executors</c>
    /// its specialists (and those of its departments), least loaded first, as the page's select lists them.</summary>
    public sealed record OrganisationLoad(Guid OrganisationId, string Organisation, int Waiting, IReadOnlyList<ExecutorLoad> Executors);

    public static RouteHandlerBuilder MapExecutorLoadApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/executors/load", LoadAsync).RequireRole(Role.Dispatcher).WithTags("Execution").WithName("ExecutorLoad")
            .WithSummary("The dispatcher's executor load: each specialist's open appeals, per organisation where the caller dispatches (or the one named).");

    static async Task<Results<Ok<IReadOnlyList<OrganisationLoad>>, ProblemHttpResult>> LoadAsync(Guid? organisationId, AppDbContext db, CurrentUser user,
        TimeProvider clock, CancellationToken ct)
    {
        List<Guid> ids;
        if (organisationId is { } one)
        {
            // A department under the dispatcher's organisation is within reach, as the appeals it executes are on the page.
            if (!(await user.ScopeAsync(ct, Role.Dispatcher)).Contains(one))
                return TypedResults.Problem(title: "Недостаточно прав", detail: "Вы не распределяете обращения этой организации.",
                    statusCode: StatusCodes.Status403Forbidden, extensions: new Dictionary<string, object?> { ["code"] = "auth.forbidden" });
            ids = [one];
        }
        else
            ids = [.. (await user.RolesAsync(ct)).Where(r => r.Role == Role.Dispatcher && r.OrganisationId is not null).Select(r => r.OrganisationId!.Value).Distinct()];

        var executors = await ExecutionActions.ExecutorsOfAsync(db, ids, ct);
        var names = await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        var queue = await Queues.QueryAsync(Queue.Dispatch, db, user, clock.GetUtcNow().UtcDateTime, ct);
        var waiting = await queue.Where(a => ids.Contains(a.ExecutorOrganisationId!.Value)).GroupBy(a => a.ExecutorOrganisationId!.Value)
            .Select(g => new { Id = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Id, g => g.Count, ct);
        IReadOnlyList<OrganisationLoad> result = [.. ids.Where(names.ContainsKey).OrderBy(id => names[id], StringComparer.Ordinal)
            .Select(id => new OrganisationLoad(id, names[id], waiting.GetValueOrDefault(id),
                [.. executors.GetValueOrDefault(id, []).Select(e => new ExecutorLoad(e.Id, e.Name, e.Load))]))];
        return TypedResults.Ok(result);
    }
}
