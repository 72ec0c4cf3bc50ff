using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Audit;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;

public static class AppealsApi
{
    public static RouteGroupBuilder MapAppealsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/appeals").WithTags("Appeals").RequireAuthorization();
        group.MapGet("", List).WithName("ListAppeals").Produces<Page<AppealListItem>>();
        group.MapGet("/{id:guid}", Get).WithName("GetAppeal").Produces<AppealView>();
        group.MapGet("/by-number/{number}", GetByNumber).Produces<AppealView>();
        group.MapGet("/{id:guid}/history", History).Produces<List<EventView>>();

        group.MapPost("/{id:guid}/rate", Rate).Produces<AppealView>();
        group.MapPost("/{id:guid}/close", Close).Produces<AppealView>();
        return group;
    }

    // ---- Reads ----

    /// <summary>One appeal; with <c>?include=history</c> its history too, in the same answer (a card needs both).</summary>
    static async Task<IResult> Get(Guid id, [FromQuery] string? include, AppDbContext db, CurrentUser user, TimeProvider clock,
        HttpContext http, AuditTrail audit, CancellationToken ct)
    {
        var withHistory = include switch
        {
            null or "" => false,
            "history" => true,
            _ => throw new InputException("include", "query.include", "Можно добавить к обращению только его историю: include=history."),
        };
        // Visibility is decided from the row the card is made of: no query of its own (issue 24).
        if (await AppealViews.LoadVisibleAsync(db, user, id, clock.GetUtcNow().UtcDateTime, ct) is not { } view) return AppealChanges.NotFound();
        var answer = withHistory ? view with { History = await HistoryAsync(db, id, ct) } : view;
        await AuditReadAsync(http, user, audit, id, withHistory ? "api include=history" : "api", ct);
        return TypedResults.Ok(answer);
    }

    static async Task<IResult> GetByNumber(string number, AppDbContext db, CurrentUser user, TimeProvider clock, HttpContext http, AuditTrail audit,
        CancellationToken ct)
    {
        var id = await (await AppealAccess.VisibleAsync(db, user, ct)).Where(a => a.Number == number).Select(a => a.Id).FirstOrDefaultAsync(ct);
        if (id == Guid.Empty) return AppealChanges.NotFound();
        var view = await AppealViews.LoadForAsync(db, user, id, clock.GetUtcNow().UtcDateTime, ct);
        await AuditReadAsync(http, user, audit, id, "api by-number", ct);
        return TypedResults.Ok(view);
    }

    static async Task<IResult> History(Guid id, AppDbContext db, CurrentUser user, HttpContext http, AuditTrail audit, CancellationToken ct)
    {
        if (!await AppealAccess.CanSeeAsync(db, user, id, ct)) return AppealChanges.NotFound();
        var history = await HistoryAsync(db, id, ct);
        await AuditReadAsync(http, user, audit, id, "api history", ct);
        return TypedResults.Ok(history);
    }

    /// <summary>A member of staff read the appeal (152-ФЗ audit); an applicant reading their own appeal is not recorded.</summary>
    static async Task AuditReadAsync(HttpContext http, CurrentUser user, AuditTrail audit, Guid id, string how, CancellationToken ct)
    {
        if (await user.IsStaffAsync(ct)) audit.Record(http, user, AuditKind.AppealRead, id, how);
    }

    static Task<List<EventView>> HistoryAsync(AppDbContext db, Guid id, CancellationToken ct) =>
        db.AppealEvents.AsNoTracking().Where(e => e.AppealId == id)
            .OrderBy(e => e.Sequence)
            .Select(e => new EventView(e.Id, e.Sequence, e.Kind, e.AtUtc, e.ActorId,
                db.Users.Where(u => u.Id == e.ActorId).Select(u => u.LastName + " " + u.FirstName).FirstOrDefault(),
                e.FromStatus, e.ToStatus, e.Note, e.Data))
            .ToListAsync(ct);

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
        var query = AppealKeyset.Page(filter.Apply((await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking(), now, db), sort, q.Cursor);

        // Two steps: the page's ids first (the filter and the order, answered from indexes), then only those rows — the
        // filter may match hundreds of rows scattered over as many pages, of which the page needs 25 (ADR 0013).
        var ids = await query.Take(limit + 1).Select(a => a.Id).ToListAsync(ct);
        var found = await db.Appeals.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new
        {
            a.Id, a.Number, a.Version, a.Status, a.Type, a.Kind, a.Regime, a.Channel, a.CategoryId, a.TopicId, a.TerritoryId,
            a.OwnerOrganisationId, a.ExecutorOrganisationId, a.AssigneeId, Excerpt = a.Text.Substring(0, 200), a.ReceivedAtUtc, a.DueAtUtc,
            a.PausedAtUtc,
        }).ToDictionaryAsync(a => a.Id, ct);
        var rows = ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
        var items = rows.Take(limit).Select(a => new AppealListItem(a.Id, a.Number, a.Version, a.Status, a.Type, a.Kind, a.Regime, a.Channel,
            a.CategoryId, a.TopicId, a.TerritoryId, a.OwnerOrganisationId, a.ExecutorOrganisationId, a.AssigneeId, a.Excerpt, a.ReceivedAtUtc,
            a.DueAtUtc, !Appeal.Terminal.Contains(a.Status) && a.Status != AppealStatus.AnswerSent && a.PausedAtUtc is null && now > a.DueAtUtc)).ToList();
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
    public sealed record AnswerRequest(int? Version, string? Text, FederalResult? Result, Guid[]? AttachmentIds = null);
    public sealed record ReturnAnswerRequest(int? Version, ReworkReason[]? Reasons, string? Comment);
    public sealed record RateRequest(int? Version, int? Score, string? Comment);
    public sealed record OutcomeRequest(int? Version, Ground? Ground, string? Comment);
    public sealed record CommentRequest(int? Version, string? Comment);
    public sealed record PauseRequest(int? Version, string? Request);
    public sealed record ReasonRequest(int? Version, string? Reason);

    static Task<IResult> Rate(Guid id, RateRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Transition.Rate, Rating(changes, r.Score, r.Comment), ct);

    /// <summary>The applicant rates the answer (the API and the portal's page alike).</summary>
    public static Func<Appeal, DateTime, Task> Rating(AppealChanges changes, int? score, string? comment) => (appeal, now) =>
    {
        if (comment is not null) CheckText("comment", comment, 2000, required: false);
        appeal.Rate(score ?? throw new InputException("score", "field.required", "Поставьте оценку от 1 до 5.", 422), comment,
            changes.User.RequiredId, now);
        // A low score reopens the appeal with a new answer date, told after the deadlines are recomputed; a good one closes it.
        changes.NotifyWithDeadlines(appeal.Status == AppealStatus.Closed ? MessageTypes.Closed : MessageTypes.Reopened,
            a => new { a.Id, a.Number, a.Applicant.Email, score, a.AnswerDueDate });
        return Task.CompletedTask;
    };

    static Task<IResult> Close(Guid id, NoteRequest r, AppealChanges changes, CancellationToken ct) =>
        changes.RunAsync(id, r.Version, Duty.CloseAnswered, (appeal, now) =>
        {
            if (r.Note is not null) CheckText("note", r.Note, 2000, required: false);
            appeal.Close(changes.User.RequiredId, r.Note, now);
            changes.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.Closed, new { appeal.Id, appeal.Number, appeal.Applicant.Email }, appeal.Id, now));
            return Task.CompletedTask;
        }, ct);

    // ---- Helpers ----

    internal static void Notify(AppealChanges changes, Appeal appeal, MessageType type, string? comment, DateTime now) =>
        changes.Db.Outbox.Add(OutboxMessage.Create(type, new { appeal.Id, appeal.Number, appeal.Applicant.Email, ground = appeal.OutcomeGround, comment }, appeal.Id, now));

    internal static void CheckText(string field, string? value, int max, bool required = true)
    {
        var errors = new InputErrors();
        if (required || value is not null) TextRules.CheckText(errors, field, value, min: 1, max: max);
        errors.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
    }

    internal static async Task<Organisation> FindOrganisationAsync(AppDbContext db, Guid? id, CancellationToken ct) =>
        id is { } orgId && await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orgId, ct) is { } org
            ? org
            : throw new InputException("organisationId", "directory.unknown_organisation", "Такой организации нет в справочнике.", 422);
}
