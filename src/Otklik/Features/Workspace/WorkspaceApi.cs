using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Workspace;

/// <summary>
/// The live counters of the queues. Polled by the page (every 20 s): each node reads the database, so two web nodes
/// answer alike with no backplane; a push channel (SignalR with Redis) can replace the poll behind this endpoint.
/// </summary>
public static class WorkspaceApi
{
    public static void MapWorkspaceEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/office/counters", async (AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
                TypedResults.Ok((await Queues.CountsAsync(db, user, clock.GetUtcNow().UtcDateTime, ct)).ToDictionary(c => c.Key.ToString(), c => c.Value)))
            .RequireAuthorization().ExcludeFromDescription();

    /// <summary>GET /api/v1/queues/counters: the same counters for an integration or a desktop client, each queue
    /// counted within the caller's organisations exactly as the office page counts it.</summary>
    public static RouteHandlerBuilder MapQueueCountersApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/queues/counters", async (AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
                TypedResults.Ok((await Queues.CountsAsync(db, user, clock.GetUtcNow().UtcDateTime, ct)).ToDictionary(c => c.Key.ToString(), c => c.Value)))
            .RequireAuthorization().WithTags("Workspace").WithName("QueueCounters")
            .WithSummary("The caller's queue counters (moderation, assignment, in work, overdue…), as the office shows them.");
}
