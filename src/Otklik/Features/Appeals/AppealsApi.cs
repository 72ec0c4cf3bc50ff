using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;

public static class AppealsApi
{
    public static RouteGroupBuilder MapAppealsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/appeals").WithTags("Appeals").RequireAuthorization();
        group.MapGet("", List).WithName("ListAppeals");
        group.MapGet("/{id:guid}", Get).WithName("GetAppeal");
        group.MapGet("/by-number/{number}", GetByNumber);
        group.MapGet("/{id:guid}/history", History);

        group.MapPost("/{id:guid}/assign", Assign);
        group.MapPost("/{id:guid}/start", Start);
        group.MapPost("/{id:guid}/steps", Step);
        group.MapPost("/{id:guid}/pause", Pause);
        group.MapPost("/{id:guid}/resume", Resume);
        group.MapPost("/{id:guid}/redirect", Redirect);
        group.MapPost("/{id:guid}/extend", Extend);
        group.MapPost("/{id:guid}/co-executors", AddCoExecutor);
        group.MapPost("/{id:guid}/co-executors/{partId:guid}/complete", CompletePart);
        group.MapPost("/{id:guid}/answer", DraftAnswer);
        group.MapPost("/{id:guid}/answer/submit", SubmitAnswer);
        group.MapPost("/{id:guid}/answer/approve", ApproveAnswer);
        group.MapPost("/{id:guid}/answer/return", ReturnAnswer);
        group.MapPost("/{id:guid}/rate", Rate);
        group.MapPost("/{id:guid}/close", Close);
        group.MapPost("/{id:guid}/leave-without-answer", LeaveWithoutAnswer);
        group.MapPost("/{id:guid}/return", ReturnToApplicant);
        group.MapPost("/{id:guid}/stop-correspondence", StopCorrespondence);
        return group;
    }

    // ---- Reads ----

    static async Task<IResult> Get(Guid id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        await AppealAccess.CanSeeAsync(db, user, id, ct)
            ? TypedResults.Ok(await AppealViews.LoadAsync(db, id, clock.GetUtcNow().UtcDateTime, ct))
            : AppealChanges.NotFound();

    static async Task<IResult> GetByNumber(string number, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var id = await (await AppealAccess.VisibleAsync(db, user, ct)).Where(a => a.Number == number).Select(a => a.Id).FirstOrDefaultAsync(ct);
        return id == Guid.Empty ? AppealChanges.NotFound() : TypedResults.Ok(await AppealViews.LoadAsync(db, id, clock.GetUtcNow().UtcDateTime, ct));
    }

    static async Task<IResult> History(Guid id, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        if (!await AppealAccess.CanSeeAsync(db, user, id, ct)) return AppealChanges.NotFound();
        var events = await db.AppealEvents.AsNoTracking().Where(e => e.AppealId == id)
            .OrderBy(e => e.Sequence)
            .Select(e => new EventView(e.Id, e.Sequence, e.Kind, e.AtUtc, e.ActorId,
                db.Users.Where(u => u.Id == e.ActorId).Select(u => u.LastName + " " + u.FirstName).FirstOrDefault(),
                e.FromStatus, e.ToStatus, e.Note, e.Data))
            .ToListAsync(ct);
        return TypedResults.Ok(events);
    }

    public sealed record ListQuery(
        [FromQuery] string[]? Status, [FromQuery] Guid? OrganisationId, [FromQuery] Guid? CategoryId, [FromQuery] Guid? TopicId,
        [FromQuery] Guid? TerritoryId, [FromQuery] string? Channel, [FromQuery] string? Kind, [FromQuery] string? Regime,
        [FromQuery] string? Deadline, [FromQuery] bool? Overdue, [FromQuery] Guid? AssigneeId, [FromQuery] string? Q, [FromQuery] string? Sort,
        [FromQuery] string? Cursor, [FromQuery] int? Limit);

    public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

    static async Task<IResult> List([AsParameters] ListQuery q, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var limit = q.Limit ?? 25;
        if (limit is < 1 or > 200) throw new InputException("limit", "paging.limit", "Размер страницы — от 1 до 200.");
        var sort = AppealKeyset.ParseSort(q.Sort);
        var now = clock.GetUtcNow().UtcDateTime;
        var filter = AppealFilter.Parse(q.Status, q.OrganisationId, q.CategoryId, q.TopicId, q.TerritoryId, q.Channel, q.Kind, q.Regime,
            q.Deadline, q.Overdue, q.AssigneeId, q.Q);
        var query = AppealKeyset.Page(filter.Apply((await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking(), now), sort, q.Cursor);

        var rows = await query.Take(limit + 1).Select(a => new
        {
            a.Id, a.Number, a.Version, a.Status, a.Type, a.Kind, a.Regime, a.Channel, a.CategoryId, a.TopicId, a.TerritoryId,
            a.OwnerOrganisationId, a.ExecutorOrganisationId, a.AssigneeId, Excerpt = a.Text.Substring(0, 200), a.ReceivedAtUtc, a.DueAtUtc,
        }).ToListAsync(ct);
        var items = rows.Take(limit).Select(a => new AppealListItem(a.Id, a.Number, a.Version, a.Status, a.Type, a.Kind, a.Regime, a.Channel,
            a.CategoryId, a.TopicId, a.TerritoryId, a.OwnerOrganisationId, a.ExecutorOrganisationId, a.AssigneeId, a.Excerpt, a.ReceivedAtUtc,
            a.DueAtUtc, !Appeal.Terminal.Contains(a.Status) && a.Status != AppealStatus.AnswerSent && now > a.DueAtUtc)).ToList();
        var next = rows.Count > limit ? AppealKeyset.Cursor(sort, items[^1].ReceivedAtUtc, items[^1].DueAtUtc, items[^1].Number) : null;
        return TypedResults.Ok(new Page<AppealListItem>(items, next));
    }

    // ---- Execution ----

    public sealed record VersionOnly(int? Version);
    public sealed record AssignRequest(int? Version, Guid? PersonId);
    public sealed record NoteRequest(int? Version, string? Note);
    public sealed record RedirectRequest(int? Version, Guid? OrganisationId, string? Reason);
    public sealed record ExtendRequest(int? Version, int? Days, string? Reason);
    public sealed record CoExecutorRequest(int? Version, Guid? OrganisationId, string? Task);
    public sealed record PartResultRequest(int? Version, string? Result);
    public sealed record AnswerRequest(int? Version, string? Text, FederalResult? Result);
    public sealed record ReturnAnswerRequest(int? Version, ReworkReason[]? Reasons, string? Comment);
    public sealed record RateRequest(int? Version, int? Score, string? Comment);
    public sealed record OutcomeRequest(int? Version, Ground? Ground, string? Comment);
    public sealed record CommentRequest(int? Version, string? Comment);

    static Task<IResult> Assign(Guid id, AssignRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Dispatch, async (appeal, now) =>
        {
            var personId = r.PersonId ?? throw new InputException("personId", "field.required", "Выберите специалиста.", 422);
            if (!await IsExecutorOfAsync(changes.Db, personId, appeal.ExecutorOrganisationId, ct))
                throw new InputException("personId", "execution.not_executor", "Этот сотрудник не исполнитель организации, которой поручено обращение.", 422);
            appeal.Assign(personId, changes.User.RequiredId, now);
        }, ct);

    static Task<IResult> Start(Guid id, VersionOnly r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Execute, (appeal, now) => { appeal.StartWork(changes.User.RequiredId, now); return Task.CompletedTask; }, ct);

    static Task<IResult> Step(Guid id, NoteRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Execute, (appeal, now) =>
        {
            CheckText("note", r.Note, 4000);
            appeal.RecordStep(r.Note!, changes.User.RequiredId, now);
            return Task.CompletedTask;
        }, ct);

    public sealed record PauseRequest(int? Version, string? Request);

    /// <summary>The executor asks the applicant for details; the answer clock stops and the applicant is told what is needed.</summary>
    static Task<IResult> Pause(Guid id, PauseRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Execute, (appeal, now) =>
        {
            CheckText("request", r.Request, 2000);
            appeal.PauseForApplicant(r.Request!, changes.User.RequiredId, now);
            changes.Db.Outbox.Add(OutboxMessage.Create("appeal.information_requested",
                new { appeal.Id, appeal.Number, appeal.Applicant.Email, request = r.Request }, appeal.Id, now));
            return Task.CompletedTask;
        }, ct);

    /// <summary>The applicant answers (or the executor resumes without an answer): the deadline moves by the pause.</summary>
    static Task<IResult> Resume(Guid id, NoteRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, [Duty.Applicant, Duty.Execute], (appeal, now) =>
        {
            if (r.Note is not null) CheckText("note", r.Note, 5000, required: false);
            appeal.ResumeClock(r.Note, changes.User.RequiredId, now);
            return Task.CompletedTask;
        }, ct);

    static Task<IResult> Redirect(Guid id, RedirectRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, [Duty.Execute, Duty.Moderate], async (appeal, now) =>
        {
            CheckText("reason", r.Reason, 2000);
            var target = await FindOrganisationAsync(changes.Db, r.OrganisationId, ct);
            appeal.Redirect(target.Id, target.IsConnected, r.Reason!, changes.User.RequiredId, now);
            changes.Db.Outbox.Add(OutboxMessage.Create("appeal.redirected",
                new { appeal.Id, appeal.Number, appeal.Applicant.Email, organisation = target.Name, reason = r.Reason }, appeal.Id, now));
        }, ct);

    static Task<IResult> Extend(Guid id, ExtendRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Control, (appeal, now) =>
        {
            CheckText("reason", r.Reason, 2000);
            appeal.Extend(r.Days ?? throw new InputException("days", "field.required", "Укажите, на сколько дней продлить срок.", 422), r.Reason!, changes.User.RequiredId, now);
            changes.Db.Outbox.Add(OutboxMessage.Create("appeal.extended",
                new { appeal.Id, appeal.Number, appeal.Applicant.Email, appeal.DueAtUtc, reason = r.Reason }, appeal.Id, now));
            return Task.CompletedTask;
        }, ct);

    static Task<IResult> AddCoExecutor(Guid id, CoExecutorRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Execute, async (appeal, now) =>
        {
            CheckText("task", r.Task, 4000);
            var org = await FindOrganisationAsync(changes.Db, r.OrganisationId, ct);
            if (!org.IsConnected) throw new RuleException("execution.co_executor_external", "Соисполнитель должен работать в системе.");
            appeal.AddCoExecutor(org.Id, r.Task!, changes.User.RequiredId, now);
            changes.Db.Outbox.Add(OutboxMessage.Create("appeal.co_executor_added", new { appeal.Id, appeal.Number, organisation = org.Id }, appeal.Id, now));
        }, ct);

    static Task<IResult> CompletePart(Guid id, Guid partId, PartResultRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version,
            async appeal => await changes.User.ReachesAsync(appeal.Parts.FirstOrDefault(p => p.Id == partId)?.OrganisationId, ct, Role.Executor, Role.Dispatcher),
            (appeal, now) =>
            {
                CheckText("result", r.Result, 20000);
                appeal.CompletePart(partId, r.Result!, changes.User.RequiredId, now);
                return Task.CompletedTask;
            }, ct);

    static Task<IResult> DraftAnswer(Guid id, AnswerRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Execute, (appeal, now) =>
        {
            CheckText("text", r.Text, 20000);
            appeal.DraftAnswer(r.Text!, r.Result ?? throw new InputException("result", "field.required", "Укажите результат рассмотрения.", 422),
                changes.User.RequiredId, now);
            return Task.CompletedTask;
        }, ct);

    static Task<IResult> SubmitAnswer(Guid id, VersionOnly r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Execute, async (appeal, now) =>
        {
            var needsApproval = await changes.Db.Organisations.Where(o => o.Id == appeal.ExecutorOrganisationId).Select(o => o.AnswersNeedApproval).SingleAsync(ct);
            appeal.SubmitAnswer(needsApproval, changes.User.RequiredId, now);
            if (appeal.Status == AppealStatus.AnswerSent) AnswerSent(changes, appeal, now);
        }, ct);

    static Task<IResult> ApproveAnswer(Guid id, VersionOnly r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Control, (appeal, now) =>
        {
            appeal.ApproveAnswer(changes.User.RequiredId, now);
            AnswerSent(changes, appeal, now);
            return Task.CompletedTask;
        }, ct);

    static void AnswerSent(AppealChanges changes, Appeal appeal, DateTime now) =>
        changes.Db.Outbox.Add(OutboxMessage.Create("appeal.answered", new { appeal.Id, appeal.Number, appeal.Applicant.Email }, appeal.Id, now));

    static Task<IResult> ReturnAnswer(Guid id, ReturnAnswerRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Control, (appeal, now) =>
        {
            if (r.Comment is not null) CheckText("comment", r.Comment, 2000);
            appeal.ReturnForRework(r.Reasons?.Distinct().ToArray() ?? [], r.Comment, changes.User.RequiredId, now);
            return Task.CompletedTask;
        }, ct);

    static Task<IResult> Rate(Guid id, RateRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Applicant, (appeal, now) =>
        {
            if (r.Comment is not null) CheckText("comment", r.Comment, 2000, required: false);
            appeal.Rate(r.Score ?? throw new InputException("score", "field.required", "Поставьте оценку от 1 до 5.", 422), r.Comment,
                changes.User.RequiredId, now);
            return Task.CompletedTask;
        }, ct);

    static Task<IResult> Close(Guid id, NoteRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.CloseAnswered, (appeal, now) =>
        {
            if (r.Note is not null) CheckText("note", r.Note, 2000, required: false);
            appeal.Close(changes.User.RequiredId, r.Note, now);
            return Task.CompletedTask;
        }, ct);

    static Task<IResult> LeaveWithoutAnswer(Guid id, OutcomeRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Control, (appeal, now) =>
        {
            if (r.Comment is not null) CheckText("comment", r.Comment, 2000, required: false);
            appeal.LeaveWithoutAnswer(r.Ground ?? throw new InputException("ground", "field.required", "Выберите основание.", 422), r.Comment,
                changes.User.RequiredId, now);
            Notify(changes, appeal, "appeal.left_without_answer", now);
            return Task.CompletedTask;
        }, ct);

    static Task<IResult> ReturnToApplicant(Guid id, CommentRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Control, (appeal, now) =>
        {
            CheckText("comment", r.Comment, 2000);
            appeal.ReturnToApplicant(r.Comment!, changes.User.RequiredId, now);
            Notify(changes, appeal, "appeal.returned", now);
            return Task.CompletedTask;
        }, ct);

    static Task<IResult> StopCorrespondence(Guid id, CommentRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.Control, (appeal, now) =>
        {
            CheckText("comment", r.Comment, 2000);
            appeal.StopCorrespondence(r.Comment!, changes.User.RequiredId, now);
            Notify(changes, appeal, "appeal.correspondence_stopped", now);
            return Task.CompletedTask;
        }, ct);

    // ---- Helpers ----

    internal static void Notify(AppealChanges changes, Appeal appeal, string type, DateTime now) =>
        changes.Db.Outbox.Add(OutboxMessage.Create(type, new { appeal.Id, appeal.Number, appeal.Applicant.Email, ground = appeal.OutcomeGround }, appeal.Id, now));

    internal static void CheckText(string field, string? value, int max, bool required = true)
    {
        var errors = new InputErrors();
        if (required || value is not null) Intake.SubmitRules.CheckText(errors, field, value, min: 1, max: max);
        errors.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
    }

    internal static async Task<Organisation> FindOrganisationAsync(AppDbContext db, Guid? id, CancellationToken ct) =>
        id is { } orgId && await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orgId, ct) is { } org
            ? org
            : throw new InputException("organisationId", "directory.unknown_organisation", "Такой организации нет в справочнике.", 422);

    static async Task<bool> IsExecutorOfAsync(AppDbContext db, Guid personId, Guid? organisationId, CancellationToken ct)
    {
        if (organisationId is null) return false;
        var orgPath = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Path).SingleAsync(ct);
        var paths = await db.RoleAssignments.Where(r => r.PersonId == personId && r.Role == Role.Executor)
            .Join(db.Organisations, r => r.OrganisationId, o => o.Id, (r, o) => o.Path).ToListAsync(ct);
        // An executor whose scope reaches the organisation, or one in a unit under it (a department of the ministry).
        return paths.Any(p => orgPath.StartsWith(p, StringComparison.Ordinal) || p.StartsWith(orgPath, StringComparison.Ordinal));
    }
}
