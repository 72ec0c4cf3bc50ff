using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;

/// <summary>
/// The one path every change of an appeal takes, in one transaction: lock and load, check that the caller sees it
/// (else 404) and holds the duty (else 403), check the version the caller saw (else 409), apply the entity's method, save.
/// </summary>
public sealed class AppealChanges(AppDbContext db, CurrentUser user, TimeProvider clock, Deadlines.DeadlineClocks clocks, Routing.AutoRouting routing,
    Mail.OutboxDispatcher outbox)
{
    public AppDbContext Db => db;
    public CurrentUser User => user;
    public Routing.AutoRouting Routing => routing;
    public DateTime NowUtc => clock.GetUtcNow().UtcDateTime;

    readonly List<(MessageType Type, Func<Appeal, object> Payload)> _notices = [];

    /// <summary>
    /// An outbox message whose payload names a deadline: written after the change's deadlines are recomputed, since a
    /// payload taken inside the change would carry the deadline of the stage the appeal has just left.
    /// </summary>
    /// <summary>The deadline clock of the organisation that holds the appeal now.</summary>
    public Task<Deadlines.DeadlineClock> ClockForAsync(Appeal appeal, CancellationToken ct) =>
        clocks.ForAsync(db, appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId, ct);

    /// <summary>The deadline clock of any organisation (a co-executor's part counts in its own time zone and hours).</summary>
    public Task<Deadlines.DeadlineClock> ClockOfAsync(Guid organisationId, CancellationToken ct) => clocks.ForAsync(db, organisationId, ct);

    public void NotifyWithDeadlines(MessageType type, Func<Appeal, object> payload) => _notices.Add((type, payload));

    public Task<IResult> RunAsync(Guid id, int? version, Duty duty, Func<Appeal, DateTime, Task> change, CancellationToken ct) =>
        RunAsync(id, version, [duty], change, ct);

    public Task<IResult> RunAsync(Guid id, int? version, Duty[] duties, Func<Appeal, DateTime, Task> change, CancellationToken ct) =>
        RunAsync(id, version, async appeal =>
        {
            foreach (var duty in duties)
                if (await user.HoldsAsync(duty, appeal, ct)) return true;
            return false;
        }, change, ct);

    /// <summary>A change whose duties are its row's in the lifecycle table (<see cref="AppealLifecycle"/>).</summary>
    public Task<IResult> RunAsync(Guid id, int? version, Transition transition, Func<Appeal, DateTime, Task> change, CancellationToken ct) =>
        RunAsync(id, version, [.. AppealLifecycle.Row(transition).Duties], change, ct);

    public Task<IResult> RunAsync(Guid id, int? version, AppealAction action, CancellationToken ct) =>
        RunAsync(id, version, action.May, action.Change, ct);

    public async Task<IResult> RunAsync(Guid id, int? version, Func<Appeal, Task<bool>> may, Func<Appeal, DateTime, Task> change, CancellationToken ct)
    {
        if (version is null)
            throw new InputException("version", "field.required", "Укажите версию обращения, которую вы видели (поле version).", StatusCodes.Status422UnprocessableEntity);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await LockAsync(id, ct);
        // The roadmap's steps are part of what the rules and the visibility of a complaint look at.
        // One statement (an appeal has a few parts and rarely a roadmap: the joined rows stay few).
        var appeal = await db.Appeals.Include(a => a.Parts).Include(a => a.Roadmap!).ThenInclude(r => r.Steps)
            .AsSingleQuery().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (appeal is null || !await AppealAccess.CanSeeAsync(user, appeal, ct)) return NotFound();
        if (!await may(appeal)) return Forbidden();
        if (appeal.Version != version)
            throw new RuleException("concurrency.stale_version",
                $"Обращение изменилось (версия {appeal.Version}, у вас {version}). Обновите данные и повторите действие.");
        var now = NowUtc;
        await change(appeal, now);
        await ApplyDeadlinesAsync(appeal, now, ct);
        foreach (var (type, payload) in _notices) db.Outbox.Add(OutboxMessage.Create(type, payload(appeal), appeal.Id, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        // The messages of the change (letters, office notices) go out now rather than at the dispatcher's next tick.
        outbox.Nudge();
        // The public portal's cached pages were evicted at the commit by the save pipeline (AppDbContext), as for every writer.
        // The answer is made from the appeal just saved (its version included), not read back: only its files are read.
        return TypedResults.Ok(await AppealViews.ViewForAsync(db, user, appeal, now, ct));
    }

    /// <summary>
    /// Recomputes the deadlines after a change. <see cref="RunAsync(Guid, int?, Func{Appeal, Task{bool}}, Func{Appeal, DateTime, Task}, CancellationToken)"/>
    /// does it after every change; a change that tells someone the new deadline calls it first.
    /// </summary>
    public async Task ApplyDeadlinesAsync(Appeal appeal, DateTime now, CancellationToken ct) =>
        appeal.ApplyDeadlines(await clocks.ForAsync(db, appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId, ct), now);

    /// <summary>
    /// Two changes of one appeal at once must meet at the version check, not in the database: without the lock both
    /// would load the same version and the loser would fail on the history's unique (appeal, sequence) with a 500.
    /// PostgreSQL locks the appeal's row; SQLite's transaction is already BEGIN IMMEDIATE, the database's write lock.
    /// The entity's concurrency token stays as the safety net.
    /// </summary>
    async Task LockAsync(Guid id, CancellationToken ct)
    {
        if (db.IsPostgres)
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM \"Appeals\" WHERE \"Id\" = {id} FOR UPDATE", ct);
    }

    /// <summary>What a page needs to know after it ran a change: success, or the errors to show next to the fields.</summary>
    public sealed record Outcome(bool Succeeded, int Status, string? Message, IReadOnlyDictionary<string, string[]> Errors)
    {
        public static readonly Outcome Ok = new(true, 200, null, new Dictionary<string, string[]>());
        public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;
    }

    /// <summary>
    /// The same path for the staff pages: the change runs exactly as through the API, and a refusal comes back as a
    /// Russian message (and field errors) instead of a ProblemDetails response.
    /// </summary>
    public Task<Outcome> TryRunAsync(Guid id, int? version, Duty[] duties, Func<Appeal, DateTime, Task> change, CancellationToken ct) =>
        TryRunAsync(() => RunAsync(id, version, duties, change, ct));

    public Task<Outcome> TryRunAsync(Guid id, int? version, Transition transition, Func<Appeal, DateTime, Task> change, CancellationToken ct) =>
        TryRunAsync(() => RunAsync(id, version, transition, change, ct));

    public Task<Outcome> TryRunAsync(Guid id, int? version, AppealAction action, CancellationToken ct) =>
        TryRunAsync(() => RunAsync(id, version, action, ct));

    async Task<Outcome> TryRunAsync(Func<Task<IResult>> run)
    {
        try
        {
            var result = await run();
            return result switch
            {
                IStatusCodeHttpResult { StatusCode: 404 } => new(false, 404, "Обращение не найдено.", new Dictionary<string, string[]>()),
                IStatusCodeHttpResult { StatusCode: 403 } => new(false, 403, "У вас нет полномочий на это действие с обращением.", new Dictionary<string, string[]>()),
                _ => Outcome.Ok,
            };
        }
        catch (InputException e)
        {
            db.ChangeTracker.Clear();
            return new(false, e.Status, e.Message, e.Errors);
        }
        catch (RuleException e)
        {
            db.ChangeTracker.Clear();
            return new(false, 409, e.Message, new Dictionary<string, string[]>());
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new(false, 409, "Обращение уже изменил другой сотрудник. Обновите страницу и повторите действие.", new Dictionary<string, string[]>());
        }
    }

    public static IResult NotFound() => TypedResults.Problem(title: "Не найдено", detail: "Обращение не найдено.",
        statusCode: StatusCodes.Status404NotFound, extensions: new Dictionary<string, object?> { ["code"] = "appeal.not_found" });

    public static IResult Forbidden() => TypedResults.Problem(title: "Недостаточно прав", detail: "У вас нет полномочий на это действие с обращением.",
        statusCode: StatusCodes.Status403Forbidden, extensions: new Dictionary<string, object?> { ["code"] = "auth.forbidden" });
}

/// <summary>One action on an appeal: who may take it, and the change with its checks and side effects (outbox).</summary>
public sealed record AppealAction(Func<Appeal, Task<bool>> May, Func<Appeal, DateTime, Task> Change)
{
    /// <summary>Two actions in one transaction (write the answer and send it on at once); both must be allowed.</summary>
    public AppealAction Then(AppealAction next) => new(
        async appeal => await May(appeal) && await next.May(appeal),
        async (appeal, now) => { await Change(appeal, now); await next.Change(appeal, now); });
}
