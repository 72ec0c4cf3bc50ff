using Otklik.Features.Appeals;

namespace Otklik.Features.Execution;

/// <summary>
/// Execution's endpoints under /api/v1/appeals (assign, work, pause, redirect, extend, co-executors, the answer and the
/// 59-ФЗ outcomes), beside the pages that take the same actions (<see cref="ExecutionActions"/>). Reads, rating and
/// closing stay with <see cref="AppealsApi"/>; the request records stay there too, so their names do not change.
/// </summary>
public static class ExecutionApi
{
    public static RouteGroupBuilder MapExecutionApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/appeals").WithTags("Appeals").RequireAuthorization();
        group.MapPost("/{id:guid}/assign", Assign).Produces<AppealView>();
        group.MapPost("/{id:guid}/start", Start).Produces<AppealView>();
        group.MapPost("/{id:guid}/steps", Step).Produces<AppealView>();
        group.MapPost("/{id:guid}/pause", Pause).Produces<AppealView>();
        group.MapPost("/{id:guid}/resume", Resume).Produces<AppealView>();
        group.MapPost("/{id:guid}/redirect", Redirect).Produces<AppealView>();
        group.MapPost("/{id:guid}/extend", Extend).Produces<AppealView>();
        group.MapPost("/{id:guid}/extension-request", RequestExtension).Produces<AppealView>();
        group.MapPost("/{id:guid}/extension-request/decline", DeclineExtension).Produces<AppealView>();
        group.MapPost("/{id:guid}/co-executors", AddCoExecutor).Produces<AppealView>();
        group.MapPost("/{id:guid}/co-executors/{partId:guid}/complete", CompletePart).Produces<AppealView>();
        group.MapPost("/{id:guid}/answer", DraftAnswer).Produces<AppealView>();
        group.MapPost("/{id:guid}/answer/submit", SubmitAnswer).Produces<AppealView>();
        group.MapPost("/{id:guid}/answer/approve", ApproveAnswer).Produces<AppealView>();
        group.MapPost("/{id:guid}/answer/return", ReturnAnswer).Produces<AppealView>();
        group.MapPost("/{id:guid}/leave-without-answer", LeaveWithoutAnswer).Produces<AppealView>();
        group.MapPost("/{id:guid}/return", ReturnToApplicant).Produces<AppealView>();
        group.MapPost("/{id:guid}/stop-correspondence", StopCorrespondence).Produces<AppealView>();
        return group;
    }

    static Task<IResult> Assign(Guid id, AppealsApi.AssignRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Assign(changes, r.PersonId, ct), ct);

    static Task<IResult> Start(Guid id, AppealsApi.VersionOnly r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Start(changes, ct), ct);

    static Task<IResult> Step(Guid id, AppealsApi.NoteRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Step(changes, r.Note, ct), ct);

    static Task<IResult> Pause(Guid id, AppealsApi.PauseRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Pause(changes, r.Request, ct), ct);

    static Task<IResult> Resume(Guid id, AppealsApi.NoteRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Resume(changes, r.Note, ct), ct);

    static Task<IResult> Redirect(Guid id, AppealsApi.RedirectRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Redirect(changes, r.OrganisationId, r.Reason, ct), ct);

    static Task<IResult> Extend(Guid id, AppealsApi.ExtendRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.Extend(changes, r.Days, r.Reason, ct), ct);

    static Task<IResult> RequestExtension(Guid id, AppealsApi.ExtendRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.RequestExtension(changes, r.Days, r.Reason, ct), ct);

    static Task<IResult> DeclineExtension(Guid id, AppealsApi.ReasonRequest r, AppealChanges changes, CancellationToken ct) =>
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

    static Task<IResult> LeaveWithoutAnswer(Guid id, AppealsApi.OutcomeRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.LeaveWithoutAnswer(changes, r.Ground, r.Comment, ct), ct);

    static Task<IResult> ReturnToApplicant(Guid id, AppealsApi.CommentRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.ReturnToApplicant(changes, r.Comment, ct), ct);

    static Task<IResult> StopCorrespondence(Guid id, AppealsApi.CommentRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, ExecutionActions.StopCorrespondence(changes, r.Comment, ct), ct);
}
