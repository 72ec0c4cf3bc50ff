using Otklik.Features.Appeals;

namespace Otklik.Features.Execution;

/// <summary>
/// Execution's endpoints under /api/v1/appeals (assign, work, pause, redirect, extend, co-executors, the answer), beside
/// the pages that take the same actions (<see cref="ExecutionActions"/>). Reads, rating, closing and the 59-ФЗ
/// outcomes stay with <see cref="AppealsApi"/>.
/// </summary>
public static class ExecutionApi
{
    public static RouteGroupBuilder MapExecutionApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/appeals").WithTags("Appeals").RequireAuthorization();
        group.MapPost("/{id:guid}/assign", Assign);
        group.MapPost("/{id:guid}/start", Start);
        group.MapPost("/{id:guid}/steps", Step);
        group.MapPost("/{id:guid}/pause", Pause);
        group.MapPost("/{id:guid}/resume", Resume);
        group.MapPost("/{id:guid}/redirect", Redirect);
        group.MapPost("/{id:guid}/extend", Extend);
        group.MapPost("/{id:guid}/extension-request", RequestExtension);
        group.MapPost("/{id:guid}/extension-request/decline", DeclineExtension);
        group.MapPost("/{id:guid}/co-executors", AddCoExecutor);
        group.MapPost("/{id:guid}/co-executors/{partId:guid}/complete", CompletePart);
        group.MapPost("/{id:guid}/answer", DraftAnswer);
        group.MapPost("/{id:guid}/answer/submit", SubmitAnswer);
        group.MapPost("/{id:guid}/answer/approve", ApproveAnswer);
        group.MapPost("/{id:guid}/answer/return", ReturnAnswer);
        return group;
    }

    static Task<IResult> Assign(Guid id, AppealsApi.AssignRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Assign(changes, r.PersonId, ct), ct);

    static Task<IResult> Start(Guid id, AppealsApi.VersionOnly r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Start(changes, ct), ct);

    static Task<IResult> Step(Guid id, AppealsApi.NoteRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Step(changes, r.Note, ct), ct);

    public sealed record PauseRequest(int? Version, string? Request);

    static Task<IResult> Pause(Guid id, PauseRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Pause(changes, r.Request, ct), ct);

    static Task<IResult> Resume(Guid id, AppealsApi.NoteRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Resume(changes, r.Note, ct), ct);

    static Task<IResult> Redirect(Guid id, AppealsApi.RedirectRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Redirect(changes, r.OrganisationId, r.Reason, ct), ct);

    static Task<IResult> Extend(Guid id, AppealsApi.ExtendRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Extend(changes, r.Days, r.Reason, ct), ct);

    public sealed record ReasonRequest(int? Version, string? Reason);

    static Task<IResult> RequestExtension(Guid id, AppealsApi.ExtendRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.RequestExtension(changes, r.Days, r.Reason, ct), ct);

    static Task<IResult> DeclineExtension(Guid id, ReasonRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.DeclineExtension(changes, r.Reason, ct), ct);

    static Task<IResult> AddCoExecutor(Guid id, AppealsApi.CoExecutorRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.AddCoExecutor(changes, r.OrganisationId, r.Task, ct), ct);

    static Task<IResult> CompletePart(Guid id, Guid partId, AppealsApi.PartResultRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.CompletePart(changes, partId, r.Result, ct), ct);

    static Task<IResult> DraftAnswer(Guid id, AppealsApi.AnswerRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.DraftAnswer(changes, r.Text, r.Result, r.AttachmentIds, ct), ct);

    static Task<IResult> SubmitAnswer(Guid id, AppealsApi.VersionOnly r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.SubmitAnswer(changes, ct), ct);

    static Task<IResult> ApproveAnswer(Guid id, AppealsApi.VersionOnly r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.ApproveAnswer(changes, ct), ct);

    static Task<IResult> ReturnAnswer(Guid id, AppealsApi.ReturnAnswerRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.ReturnAnswer(changes, r.Reasons, r.Comment, ct), ct);
}
