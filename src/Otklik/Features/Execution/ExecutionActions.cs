using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Execution;

/// <summary>
/// The actions of execution and control, shared by the API endpoints and the staff pages, so that both check the same
/// input, call the same entity method and write the same outbox messages. Run them with <see cref="AppealChanges"/>.
/// </summary>
public static class ExecutionActions
{
    /// <summary>
    /// Who may take the action: the duties of its row in <see cref="AppealLifecycle.Table"/>. The status is left to the
    /// entity, so that a wrong status is a 409 naming the rule, not a 403.
    /// </summary>
    static Func<Appeal, Task<bool>> Holds(AppealChanges c, Transition t, CancellationToken ct) => appeal =>
        c.User.HoldsAnyAsync(AppealLifecycle.Row(t).Duties, appeal, ct);

    public static AppealAction Assign(AppealChanges c, Guid? personId, CancellationToken ct) => new(Holds(c, Transition.Assign, ct), async (appeal, now) =>
    {
        var id = personId ?? throw new InputException("personId", "field.required", "Выберите специалиста.", 422);
        if (!await IsExecutorOfAsync(c.Db, id, appeal.ExecutorOrganisationId, ct))
            throw new InputException("personId", "execution.not_executor", "Этот сотрудник не исполнитель организации, которой поручено обращение.", 422);
        appeal.Assign(id, c.User.RequiredId, now);
        // The specialist learns it in the office (and by e-mail if they chose so).
        c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.Assigned, new { appeal.Id, appeal.Number, personId = id }, appeal.Id, now));
    });

    public static AppealAction Start(AppealChanges c, CancellationToken ct) => new(Holds(c, Transition.StartWork, ct), (appeal, now) =>
    {
        appeal.StartWork(c.User.RequiredId, now);
        return Task.CompletedTask;
    });

    public static AppealAction Step(AppealChanges c, string? note, CancellationToken ct) => new(Holds(c, Transition.RecordStep, ct), (appeal, now) =>
    {
        AppealsApi.CheckText("note", note, 4000);
        appeal.RecordStep(note!, c.User.RequiredId, now);
        // "@Фамилия" or "@login" in the note: the people it names are told (the notices resolve the names).
        if (Notifications.NoticeWriter.Mentions(note!).Count > 0)
            c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.Mentioned, new { appeal.Id, appeal.Number, authorId = c.User.RequiredId, note = note!.Trim() }, appeal.Id, now));
        return Task.CompletedTask;
    });

    /// <summary>The executor asks the applicant for details; the answer clock stops and the applicant is told what is needed.</summary>
    public static AppealAction Pause(AppealChanges c, string? request, CancellationToken ct) => new(Holds(c, Transition.PauseForApplicant, ct), (appeal, now) =>
    {
        AppealsApi.CheckText("request", request, 2000);
        appeal.PauseForApplicant(request!, c.User.RequiredId, now);
        c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.InformationRequested,
            new { appeal.Id, appeal.Number, appeal.Applicant.Email, request }, appeal.Id, now));
        return Task.CompletedTask;
    });

    /// <summary>The applicant answers (or the executor resumes without an answer): the deadline moves by the pause.</summary>
    public static AppealAction Resume(AppealChanges c, string? note, CancellationToken ct) => new(Holds(c, Transition.ResumeClock, ct), async (appeal, now) =>
    {
        if (note is not null) AppealsApi.CheckText("note", note, 5000, required: false);
        appeal.ResumeClock(note, c.User.RequiredId, now, await c.ClockForAsync(appeal, ct));
    });

    public static AppealAction Redirect(AppealChanges c, Guid? organisationId, string? reason, CancellationToken ct) =>
        new(Holds(c, Transition.Redirect, ct), async (appeal, now) =>
        {
            AppealsApi.CheckText("reason", reason, 2000);
            var target = await AppealsApi.FindOrganisationAsync(c.Db, organisationId, ct);
            appeal.Redirect(target.Id, target.IsConnected, reason!, c.User.RequiredId, now);
            c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.Redirected,
                new { appeal.Id, appeal.Number, appeal.Applicant.Email, organisation = target.Name, reason }, appeal.Id, now));
        });

    public static AppealAction Extend(AppealChanges c, int? days, string? reason, CancellationToken ct) => new(Holds(c, Transition.Extend, ct), (appeal, now) =>
    {
        AppealsApi.CheckText("reason", reason, 2000);
        appeal.Extend(days ?? throw new InputException("days", "field.required", "Укажите, на сколько дней продлить срок.", 422), reason!, c.User.RequiredId, now);
        // The applicant is told the new deadline: the notice is written after the deadlines are recomputed.
        c.NotifyWithDeadlines(MessageTypes.Extended, a => new { a.Id, a.Number, a.Applicant.Email, a.DueAtUtc, a.AnswerDueDate, reason });
        return Task.CompletedTask;
    });

    /// <summary>The executor asks the head for more time; the controllers of the executor organisation are told.</summary>
    public static AppealAction RequestExtension(AppealChanges c, int? days, string? reason, CancellationToken ct) => new(Holds(c, Transition.RequestExtension, ct), (appeal, now) =>
    {
        AppealsApi.CheckText("reason", reason, 2000);
        appeal.RequestExtension(days ?? throw new InputException("days", "field.required", "Укажите, на сколько дней продлить срок.", 422), reason!,
            c.User.RequiredId, now);
        c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.ExtensionRequested,
            new { appeal.Id, appeal.Number, role = Role.Controller, organisationId = appeal.ExecutorOrganisationId, days, reason, appeal.AnswerDueDate },
            appeal.Id, now));
        return Task.CompletedTask;
    });

    public static AppealAction DeclineExtension(AppealChanges c, string? reason, CancellationToken ct) => new(Holds(c, Transition.DeclineExtension, ct), (appeal, now) =>
    {
        AppealsApi.CheckText("reason", reason, 2000);
        appeal.DeclineExtension(reason!, c.User.RequiredId, now);
        c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.ExtensionDeclined, new { appeal.Id, appeal.Number, reason }, appeal.Id, now));
        return Task.CompletedTask;
    });

    public static AppealAction AddCoExecutor(AppealChanges c, Guid? organisationId, string? task, CancellationToken ct) =>
        new(Holds(c, Transition.AddCoExecutor, ct), async (appeal, now) =>
        {
            AppealsApi.CheckText("task", task, 4000);
            var org = await AppealsApi.FindOrganisationAsync(c.Db, organisationId, ct);
            if (!org.IsConnected) throw new RuleException("execution.co_executor_external", "Соисполнитель должен работать в системе.");
            appeal.AddCoExecutor(org.Id, task!, c.User.RequiredId, now);
            c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.CoExecutorAdded, new { appeal.Id, appeal.Number, organisation = org.Id, task = task!.Trim() }, appeal.Id, now));
        });

    /// <summary>The staff of the co-executor organisation complete its part.</summary>
    public static AppealAction CompletePart(AppealChanges c, Guid partId, string? result, CancellationToken ct) =>
        new(async appeal => await MayCompletePartAsync(c.User, appeal, partId, ct), async (appeal, now) =>
        {
            AppealsApi.CheckText("result", result, 20000);
            // A route in sequence opens the next stage's parts, each counted in its own organisation's clock.
            var clocks = new Dictionary<Guid, Deadlines.DeadlineClock>();
            foreach (var org in appeal.Parts.Where(p => p.Status == PartStatus.Waiting).Select(p => p.OrganisationId).Distinct())
                clocks[org] = await c.ClockOfAsync(org, ct);
            var waiting = appeal.Parts.Where(p => p.Status == PartStatus.Waiting).Select(p => p.Id).ToList();
            appeal.CompletePart(partId, result!, c.User.RequiredId, now, id => clocks[id]);
            // The next stage of a route in sequence has opened: its organisations are told, as when a part is added.
            foreach (var opened in appeal.Parts.Where(p => waiting.Contains(p.Id) && p.Status == PartStatus.Open))
                c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.CoExecutorAdded,
                    new { appeal.Id, appeal.Number, organisation = opened.OrganisationId, task = opened.Task, part = opened.Id }, appeal.Id, now));
        });

    public static Task<bool> MayCompletePartAsync(CurrentUser user, Appeal appeal, Guid partId, CancellationToken ct) =>
        user.ReachesAsync(appeal.Parts.FirstOrDefault(p => p.Id == partId)?.OrganisationId, ct, Role.Executor, Role.Dispatcher);

    /// <summary>
    /// Writes the answer; <paramref name="attachmentIds"/> (uploaded first by the same person, still unbound) go with it
    /// as the answer's files, all or none.
    /// </summary>
    public static AppealAction DraftAnswer(AppealChanges c, string? text, FederalResult? result, Guid[]? attachmentIds, CancellationToken ct) =>
        new(Holds(c, Transition.DraftAnswer, ct), async (appeal, now) =>
        {
            AppealsApi.CheckText("text", text, 20000);
            appeal.DraftAnswer(text!, result ?? throw new InputException("result", "field.required", "Укажите результат рассмотрения.", 422), c.User.RequiredId, now);
            if (attachmentIds is { Length: > 0 } ids) await BindAnswerFilesAsync(c, appeal, ids, ct);
        });

    const string UnknownFiles = "Некоторые файлы не найдены или уже прикреплены к обращению.";

    static async Task BindAnswerFilesAsync(AppealChanges c, Appeal appeal, Guid[] ids, CancellationToken ct)
    {
        await CheckAnswerFileCountAsync(c, appeal, ids.Length, "attachmentIds", ct);
        var distinct = ids.Distinct().ToArray();
        if (distinct.Length != ids.Length || c.User.Id is not { } uploader)
            throw new InputException("attachmentIds", "attachments.unknown", UnknownFiles, StatusCodes.Status422UnprocessableEntity);
        // Only if still unbound: a file taken by a concurrent request in the meantime rolls this change back.
        var bound = await c.Db.Attachments.Where(a => distinct.Contains(a.Id) && a.AppealId == null && a.UploadedById == uploader)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AppealId, appeal.Id).SetProperty(a => a.Purpose, AttachmentPurpose.Answer), ct);
        if (bound != distinct.Length)
            throw new InputException("attachmentIds", "attachments.unknown", UnknownFiles, StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>The answer form's files, already checked: stored and recorded as the answer's in the same change.</summary>
    public static AppealAction AttachAnswerFiles(AppealChanges c, IReadOnlyList<AttachmentsApi.CheckedFile> files, IFileStore store, CancellationToken ct) =>
        new(Holds(c, Transition.DraftAnswer, ct), async (appeal, now) =>
        {
            if (files.Count == 0) return;
            await CheckAnswerFileCountAsync(c, appeal, files.Count, "files", ct);
            foreach (var file in files)
                await AttachmentsApi.StoreAsync(file, c.Db, store, c.User.Id, now, appeal.Id, AttachmentPurpose.Answer, ct);
        });

    static async Task CheckAnswerFileCountAsync(AppealChanges c, Appeal appeal, int adding, string field, CancellationToken ct)
    {
        var already = await c.Db.Attachments.CountAsync(a => a.AppealId == appeal.Id && a.Purpose == AttachmentPurpose.Answer, ct);
        if (already + adding > ContentSniffer.MaxPerAppeal)
            throw new InputException(field, "attachments.too_many", $"К ответу можно приложить не больше {ContentSniffer.MaxPerAppeal} файлов.",
                StatusCodes.Status422UnprocessableEntity);
    }

    public static AppealAction SubmitAnswer(AppealChanges c, CancellationToken ct) => new(Holds(c, Transition.SubmitAnswer, ct), async (appeal, now) =>
    {
        var needsApproval = await c.Db.Organisations.Where(o => o.Id == appeal.ExecutorOrganisationId).Select(o => o.AnswersNeedApproval).SingleAsync(ct);
        appeal.SubmitAnswer(needsApproval, c.User.RequiredId, now);
        if (appeal.Status == AppealStatus.AnswerSent) AnswerSent(c, appeal, now);
    });

    public static AppealAction ApproveAnswer(AppealChanges c, CancellationToken ct) => new(Holds(c, Transition.ApproveAnswer, ct), (appeal, now) =>
    {
        appeal.ApproveAnswer(c.User.RequiredId, now);
        AnswerSent(c, appeal, now);
        return Task.CompletedTask;
    });

    static void AnswerSent(AppealChanges c, Appeal appeal, DateTime now) =>
        c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.Answered, new { appeal.Id, appeal.Number, appeal.Applicant.Email }, appeal.Id, now));

    public static AppealAction ReturnAnswer(AppealChanges c, ReworkReason[]? reasons, string? comment, CancellationToken ct) => new(Holds(c, Transition.ReturnForRework, ct), (appeal, now) =>
    {
        if (comment is not null) AppealsApi.CheckText("comment", comment, 2000);
        appeal.ReturnForRework(reasons?.Distinct().ToArray() ?? [], comment, c.User.RequiredId, now);
        // The executor is told why, in the words of the history ("Нет подтверждения (фото, акты). Приложите фото…").
        c.Db.Outbox.Add(OutboxMessage.Create(MessageTypes.ReturnedForRework,
            new { appeal.Id, appeal.Number, personId = appeal.AssigneeId, comment = appeal.History[^1].Note }, appeal.Id, now));
        return Task.CompletedTask;
    });

    /// <summary>The moderator corrects the kind; the history records from and to, the deadlines by kind follow.</summary>
    public static AppealAction ChangeKind(AppealChanges c, AppealKind? kind, string? reason, CancellationToken ct) => new(Holds(c, Transition.ChangeKind, ct), (appeal, now) =>
    {
        if (reason is not null) AppealsApi.CheckText("reason", reason, 2000, required: false);
        appeal.ChangeKind(kind ?? throw new InputException("kind", "field.required", "Выберите вид обращения.", 422), reason, c.User.RequiredId, now);
        return Task.CompletedTask;
    });

    public static AppealAction LeaveWithoutAnswer(AppealChanges c, Ground? ground, string? comment, CancellationToken ct) => new(Holds(c, Transition.LeaveWithoutAnswer, ct), (appeal, now) =>
    {
        if (comment is not null) AppealsApi.CheckText("comment", comment, 2000, required: false);
        appeal.LeaveWithoutAnswer(ground ?? throw new InputException("ground", "field.required", "Выберите основание.", 422), comment,
            c.User.RequiredId, now);
        AppealsApi.Notify(c, appeal, MessageTypes.LeftWithoutAnswer, comment, now);
        return Task.CompletedTask;
    });

    public static AppealAction ReturnToApplicant(AppealChanges c, string? comment, CancellationToken ct) => new(Holds(c, Transition.ReturnToApplicant, ct), (appeal, now) =>
    {
        AppealsApi.CheckText("comment", comment, 2000);
        appeal.ReturnToApplicant(comment!, c.User.RequiredId, now);
        AppealsApi.Notify(c, appeal, MessageTypes.Returned, comment, now);
        return Task.CompletedTask;
    });

    public static AppealAction StopCorrespondence(AppealChanges c, string? comment, CancellationToken ct) => new(Holds(c, Transition.StopCorrespondence, ct), (appeal, now) =>
    {
        AppealsApi.CheckText("comment", comment, 2000);
        appeal.StopCorrespondence(comment!, c.User.RequiredId, now);
        AppealsApi.Notify(c, appeal, MessageTypes.CorrespondenceStopped, comment, now);
        return Task.CompletedTask;
    });

    // ---- Who executes ----

    /// <summary>
    /// May the person be assigned an appeal of the organisation: an executor whose scope reaches it, or one in a unit
    /// under it (a department of the ministry).
    /// </summary>
    static bool ExecutesFor(string executorOrgPath, string organisationPath) =>
        organisationPath.StartsWith(executorOrgPath, StringComparison.Ordinal) || executorOrgPath.StartsWith(organisationPath, StringComparison.Ordinal);

    public static async Task<bool> IsExecutorOfAsync(AppDbContext db, Guid personId, Guid? organisationId, CancellationToken ct)
    {
        if (organisationId is null) return false;
        var orgPath = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Path).SingleAsync(ct);
        var paths = await db.RoleAssignments.Where(r => r.PersonId == personId && r.Role == Role.Executor)
            .Join(db.Organisations, r => r.OrganisationId, o => o.Id, (r, o) => o.Path).ToListAsync(ct);
        return paths.Any(p => ExecutesFor(p, orgPath));
    }

    public sealed record Executor(Guid Id, string Name, int Load);

    /// <summary>The specialists an appeal of each organisation may be assigned to, with their load: open appeals assigned to them.</summary>
    public static async Task<Dictionary<Guid, IReadOnlyList<Executor>>> ExecutorsOfAsync(AppDbContext db, IReadOnlyCollection<Guid> organisationIds, CancellationToken ct)
    {
        var result = new Dictionary<Guid, IReadOnlyList<Executor>>();
        if (organisationIds.Count == 0) return result;
        var ids = organisationIds.ToList();
        var orgPaths = await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Path, ct);
        var executors = await db.RoleAssignments.AsNoTracking().Where(r => r.Role == Role.Executor)
            .Join(db.Organisations, r => r.OrganisationId, o => o.Id, (r, o) => new { r.PersonId, o.Path })
            .Join(db.Users, x => x.PersonId, u => u.Id, (x, u) => new { x.PersonId, x.Path, u.LastName, u.FirstName, u.MiddleName })
            .ToListAsync(ct);
        var people = executors.Select(e => e.PersonId).Distinct().ToList();
        var done = Appeal.Terminal.Append(AppealStatus.AnswerSent).ToArray();
        var load = await db.Appeals.AsNoTracking()
            .Where(a => a.AssigneeId != null && people.Contains(a.AssigneeId.Value) && !done.Contains(a.Status))
            .GroupBy(a => a.AssigneeId!.Value).Select(g => new { Id = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Id, g => g.Count, ct);
        foreach (var (orgId, path) in orgPaths)
            result[orgId] = [.. executors.Where(e => ExecutesFor(e.Path, path)).DistinctBy(e => e.PersonId)
                .Select(e => new Executor(e.PersonId, string.Join(' ', new[] { e.LastName, e.FirstName, e.MiddleName }.Where(s => !string.IsNullOrWhiteSpace(s))),
                    load.GetValueOrDefault(e.PersonId)))
                .OrderBy(e => e.Load).ThenBy(e => e.Name, StringComparer.Ordinal)];
        return result;
    }
}
