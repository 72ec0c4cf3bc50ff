using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Notifications;

/// <summary>
/// Turns an outbox message into notices in the office: one <see cref="Notification"/> per person who must act on it
/// (the assignee, the staff who hold the role at the organisation, the step's owner, the HQ's members…). Called by the
/// outbox dispatcher for each message it has claimed, so a message is turned into notices by one node; a message
/// retried after a failed letter finds its notices written and adds none (the unique message × person index is the
/// last guard). A person who chose e-mail "at once" for the kind gets a <c>notice.email</c> outbox message in the same
/// save, delivered by the same dispatcher.
/// </summary>
public static partial class NoticeWriter
{
    /// <summary>The outbox types that become notices, with their kind (the registry of message types connects to this).</summary>
    public static readonly IReadOnlyDictionary<string, NoticeKind> Kinds = new Dictionary<string, NoticeKind>
    {
        ["appeal.assigned"] = NoticeKind.Assignment,
        ["appeal.co_executor_added"] = NoticeKind.CoExecutorPart,
        ["appeal.registered"] = NoticeKind.CoExecutorPart,
        ["roadmap.approved"] = NoticeKind.RoadmapStep,
        ["hq.escalated"] = NoticeKind.HqEscalation,
        ["hq.decision_recorded"] = NoticeKind.HqDecision,
        ["appeal.returned_for_rework"] = NoticeKind.Rework,
        ["appeal.extension_requested"] = NoticeKind.ExtensionRequest,
        ["appeal.extended"] = NoticeKind.ExtensionDecided,
        ["appeal.extension_declined"] = NoticeKind.ExtensionDecided,
        ["deadline.at_risk"] = NoticeKind.Deadline,
        ["deadline.overdue"] = NoticeKind.Deadline,
        ["deadline.escalated"] = NoticeKind.Deadline,
        ["deadline.part_escalated"] = NoticeKind.Deadline,
        ["roadmap.step_at_risk"] = NoticeKind.Deadline,
        ["roadmap.step_overdue"] = NoticeKind.Deadline,
        ["roadmap.step_escalated"] = NoticeKind.Deadline,
        ["appeal.mentioned"] = NoticeKind.Mention,
        ["knowledge.article_stale"] = NoticeKind.ArticleReview,
        ["rootcause.measure_assigned"] = NoticeKind.RootCauseMeasure,
        ["rootcause.measure_at_risk"] = NoticeKind.Deadline,
        ["rootcause.measure_overdue"] = NoticeKind.Deadline,
        ["analytics.spike_started"] = NoticeKind.Spike,
        ["business.section_stale"] = NoticeKind.SectionStale,
        ["business.section_escalated"] = NoticeKind.SectionStale,
        ["channel.failed"] = NoticeKind.ChannelFailure,
        ["team.announcement"] = NoticeKind.Announcement,
        ["team.announcement_reminder"] = NoticeKind.Announcement,
        ["team.mentioned"] = NoticeKind.Mention,
        ["team.task_assigned"] = NoticeKind.TeamTask,
        ["team.task_overdue"] = NoticeKind.Deadline,
    };

    /// <summary>The letters of notices, composed by the mail composer: one notice at once, or a person's digest of the day.</summary>
    public const string EmailType = "notice.email";
    public const string DigestType = "notice.digest";

    sealed record Draft(Guid PersonId, string Title, string? Text, string? Link = null);

    /// <summary>Writes the notices of <paramref name="message"/> (none for a type that has none); returns how many were written now.</summary>
    public static async Task<int> WriteAsync(AppDbContext db, OutboxMessage message, DateTime nowUtc, CancellationToken ct)
    {
        if (!Kinds.TryGetValue(message.Type, out var kind)) return 0;
        using var doc = JsonDocument.Parse(message.Payload);
        var p = doc.RootElement;
        var appeal = message.AppealId is { } appealId
            ? await db.Appeals.AsNoTracking().Include(a => a.Parts).Include(a => a.Roadmap!).ThenInclude(r => r.Steps).AsSplitQuery()
                .SingleOrDefaultAsync(a => a.Id == appealId, ct)
            : null;
        var number = appeal?.Number ?? Text(p, "number");
        var drafts = await DraftsAsync(db, message.Type, p, appeal, number, ct);
        if (drafts.Count == 0) return 0;

        var already = await db.Notifications.Where(n => n.SourceMessageId == message.Id).Select(n => n.PersonId).ToListAsync(ct);
        var people = drafts.Select(d => d.PersonId).Except(already).ToList();
        if (people.Count == 0) return 0;
        var chosen = await db.NoticePreferences.AsNoTracking().Where(x => people.Contains(x.PersonId) && x.Kind == kind)
            .ToDictionaryAsync(x => x.PersonId, x => x.Delivery, ct);
        var written = 0;
        foreach (var d in drafts.Where(d => people.Contains(d.PersonId)).DistinctBy(d => d.PersonId))
        {
            var delivery = chosen.TryGetValue(d.PersonId, out var c) ? c : NoticeKinds.DefaultDelivery(kind);
            var notice = Notification.Create(d.PersonId, kind, d.Title, d.Text, appeal?.Id ?? message.AppealId, number, message.Id, message.Type, delivery, nowUtc, d.Link);
            if (delivery == NoticeDelivery.Immediate)
            {
                var letter = OutboxMessage.Create(Mail.MessageTypes.NoticeEmail, new { personId = d.PersonId, source = message.Id }, notice.AppealId, nowUtc);
                db.Outbox.Add(letter);
                notice.MailWith(letter.Id);
            }
            db.Notifications.Add(notice);
            written++;
        }
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // Another claimer wrote them in the meantime (a lease that ran out): the retry finds them written.
            db.ChangeTracker.Clear();
            throw;
        }
        db.ChangeTracker.Clear();
        // The people's open office pages learn of it at once, on whichever node they are connected to.
        LiveNotices.Tell(db, people);
        return written;
    }

    static async Task<List<Draft>> DraftsAsync(AppDbContext db, string type, JsonElement p, Appeal? appeal, string? n, CancellationToken ct)
    {
        List<Draft> To(IEnumerable<Guid> people, string title, string? text = null, string? link = null) => [.. people.Distinct().Select(id => new Draft(id, title, text, link))];
        if (type.StartsWith("team.", StringComparison.Ordinal))
            return [.. (await Teamwork.TeamNotices.DraftsAsync(db, type, p, ct)).Select(d => new Draft(d.PersonId, d.Title, d.Text, d.Link))];
        switch (type)
        {
            case "appeal.assigned":
                return Guid(p, "personId") is { } assignee ? To([assignee], $"Вам назначено обращение № {n}") : [];

            case "appeal.co_executor_added":
                return Guid(p, "organisation") is { } org
                    ? To(await PartPeopleAsync(db, org, ct), $"Часть обращения № {n} передана вашей организации", Text(p, "task"))
                    : [];

            case "appeal.registered":
            {
                // A route of several organisations opens its first parts at registration: each part's organisation is told.
                // The parts are the ones the route opened (its history event), not whatever is open by the time this runs:
                // a part added or opened later has a message of its own.
                if (appeal is null) return [];
                var routed = await db.AppealEvents.AsNoTracking().Where(e => e.AppealId == appeal.Id && e.Kind == EventKind.RouteOpened)
                    .Select(e => e.Data).ToListAsync(ct);
                var opened = routed.SelectMany(OpenedParts).ToHashSet();
                var drafts = new List<Draft>();
                foreach (var part in appeal.Parts.Where(x => opened.Contains(x.Id)))
                    drafts.AddRange(To(await PartPeopleAsync(db, part.OrganisationId, ct), $"Часть обращения № {n} передана вашей организации", part.Task));
                return drafts;
            }

            case "roadmap.approved":
            {
                var steps = appeal?.Roadmap?.Steps.Where(s => s.IsOpen && s.IsApproved).OrderBy(s => s.Order).ToList() ?? [];
                var owners = new Dictionary<Guid, List<string>>();
                foreach (var step in steps)
                    foreach (var person in await StepOwnersAsync(db, step.PersonId, step.OwnerOrganisationId, ct))
                        (owners.TryGetValue(person, out var list) ? list : owners[person] = []).Add($"{step.Order}. {step.Title}");
                return [.. owners.Select(o => new Draft(o.Key, $"Дорожная карта по жалобе № {n} утверждена: за вами шаги ({o.Value.Count})",
                    string.Join("\n", o.Value)))];
            }

            case "hq.escalated":
            {
                var members = await db.RoleAssignments.AsNoTracking().Where(r => r.Role == Role.HqMember).Select(r => r.PersonId).ToListAsync(ct);
                return To(members, $"Жалоба № {n} вынесена на Штаб по защите бизнеса", Text(p, "reason"));
            }

            case "hq.decision_recorded":
            {
                var text = Guid(p, "decision") is { } decisionId
                    ? await db.HqDecisions.AsNoTracking().Where(d => d.Id == decisionId).Select(d => d.Text).SingleOrDefaultAsync(ct)
                    : null;
                var people = new List<Guid>();
                foreach (var bound in Guids(p, "organisations")) people.AddRange(await HoldersAsync(db, bound, Role.Dispatcher, ct));
                if (appeal?.AssigneeId is { } worker) people.Add(worker);
                return To(people, $"Решение Штаба по жалобе № {n}: шаг дорожной карты для вашей организации", text);
            }

            case "appeal.returned_for_rework":
                return To(await WorkerAsync(db, appeal, ct), $"Ответ по обращению № {n} возвращён на доработку", Text(p, "comment") ?? Text(p, "reasons"));

            case "appeal.extension_requested":
            {
                var days = p.TryGetProperty("days", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : (int?)null;
                return To(await HoldersAsync(db, Guid(p, "organisationId") ?? appeal?.ExecutorOrganisationId, Role.Controller, ct),
                    $"Запрос на продление срока по обращению № {n}", $"{(days is { } x ? $"На {x} дн. " : "")}{Text(p, "reason")}".Trim());
            }

            case "appeal.extended":
                return To(await WorkerAsync(db, appeal, ct), $"Срок по обращению № {n} продлён", Text(p, "reason"));

            case "appeal.extension_declined":
                return To(await WorkerAsync(db, appeal, ct), $"В продлении срока по обращению № {n} отказано", Text(p, "reason"));

            case "appeal.mentioned":
            {
                var author = Guid(p, "authorId");
                var mentioned = await MentionedAsync(db, appeal, Text(p, "note") ?? "", ct);
                return To(mentioned.Where(id => id != author), $"Вас упомянули в заметке по обращению № {n}", Text(p, "note"));
            }

            case "knowledge.article_stale":
            {
                // The owner organisation's content editors (the nearest up the tree), as the stale-article letters meant to.
                var reviewOn = Text(p, "reviewOn");
                return To(await HoldersAsync(db, Guid(p, "organisationId"), Role.ContentEditor, ct),
                    $"Статью «{Text(p, "title")}» пора пересмотреть", reviewOn is null ? null : $"Срок пересмотра: {reviewOn}. Откройте статью в разделе «База знаний» → «Пора пересмотреть».");
            }

            case "rootcause.measure_assigned":
            {
                // The owner organisation's heads and dispatchers (the nearest up the tree): they answer for the measure.
                var owner = Guid(p, "organisationId");
                return To([.. await HoldersAsync(db, owner, Role.Controller, ct), .. await HoldersAsync(db, owner, Role.Dispatcher, ct)],
                    $"Мера по первопричине «{Text(p, "rootCause")}» поручена вашей организации, срок {Text(p, "dueOn")}",
                    $"{Text(p, "measure")}\nОткройте: {Text(p, "path")}");
            }

            case "rootcause.measure_at_risk":
            case "rootcause.measure_overdue":
            {
                var owner = Guid(p, "organisationId");
                var what = type == "rootcause.measure_overdue" ? "пропущен" : "истекает";
                return To([.. await HoldersAsync(db, owner, Role.Controller, ct), .. await HoldersAsync(db, owner, Role.Dispatcher, ct)],
                    $"Срок меры по первопричине «{Text(p, "rootCause")}» {what}: {Text(p, "dueOn")}",
                    $"{Text(p, "measure")}\nОткройте: {Text(p, "path")}");
            }

            case "analytics.spike_started":
                return To(await db.RoleAssignments.AsNoTracking().Where(r => r.Role == Role.Analyst).Select(r => r.PersonId).ToListAsync(ct),
                    $"Всплеск: {Text(p, "name")} — {Text(p, "count")} обращ. при обычных {Text(p, "baseline")}", $"Откройте: {Text(p, "path")}");
            case "business.section_stale":
                // The owner organisation's own people who keep its pages: its dispatchers (a fund's specialists) and content editors.
                return To([.. await HoldersAsync(db, Guid(p, "organisationId"), Role.Dispatcher, ct), .. await HoldersAsync(db, Guid(p, "organisationId"), Role.ContentEditor, ct)],
                    Text(p, "title") ?? "Раздел портала пора обновить", Text(p, "text") ?? "Обновите раздел или отметьте его проверенным: «Портал МСБ» → «Свежесть разделов».",
                    Text(p, "link"));

            case "business.section_escalated":
                // The portal's administrator: the nearest administrator up from the owner organisation.
                return To(await HoldersAsync(db, Guid(p, "organisationId"), Role.Administrator, ct), Text(p, "title") ?? "Владелец не обновил раздел портала",
                    Text(p, "text"), Text(p, "link"));

            default: // the deadline watches: a named person, or whoever holds the role at the organisation
            {
                var title = Text(p, "title") ?? $"Срок по обращению № {n}";
                if (Guid(p, "personId") is { } person) return To([person], title);
                return Enum.TryParse<Role>(Text(p, "role"), true, out var role) ? To(await HoldersAsync(db, Guid(p, "organisationId"), role, ct), title) : [];
            }
        }
    }

    /// <summary>The part of a co-executor: its organisation's dispatchers (who distribute) and executors (who do it).</summary>
    static async Task<List<Guid>> PartPeopleAsync(AppDbContext db, Guid organisationId, CancellationToken ct) =>
        [.. await HoldersAsync(db, organisationId, Role.Dispatcher, ct), .. await HoldersAsync(db, organisationId, Role.Executor, ct)];

    /// <summary>The step's named person, or else the dispatchers of its owner organisation (who the watch tells too).</summary>
    static async Task<List<Guid>> StepOwnersAsync(AppDbContext db, Guid? personId, Guid organisationId, CancellationToken ct) =>
        personId is { } id ? [id] : await HoldersAsync(db, organisationId, Role.Dispatcher, ct);

    /// <summary>Who works on the appeal: its assignee, or, while nobody is assigned, the executor organisation's dispatchers.</summary>
    static async Task<List<Guid>> WorkerAsync(AppDbContext db, Appeal? appeal, CancellationToken ct) =>
        appeal is null ? [] : appeal.AssigneeId is { } id ? [id] : await HoldersAsync(db, appeal.ExecutorOrganisationId, Role.Dispatcher, ct);

    /// <summary>Whoever holds the role at the organisation — the nearest holders up the tree, as the deadline letters always did.</summary>
    public static async Task<List<Guid>> HoldersAsync(AppDbContext db, Guid? organisationId, Role role, CancellationToken ct)
    {
        if (organisationId is null) return [];
        var path = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.Path).SingleOrDefaultAsync(ct);
        if (path is null) return [];
        // The path lists the organisation's ancestors from the root: walk it from the organisation upwards.
        foreach (var level in path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            var orgId = System.Guid.ParseExact(level, "N");
            var people = await db.RoleAssignments.AsNoTracking().Where(a => a.Role == role && a.OrganisationId == orgId)
                .Select(a => a.PersonId).Distinct().ToListAsync(ct);
            if (people.Count > 0) return people;
        }
        return [];
    }

    // ---- Mentions ----

    [GeneratedRegex(@"(?<![\p{L}\p{N}_])@([\p{L}\p{N}][\p{L}\p{N}._-]*)")]
    private static partial Regex MentionPattern();

    /// <summary>The words after an @ in a note, without a trailing full stop or dash.</summary>
    public static IReadOnlyList<string> Mentions(string note) =>
        [.. MentionPattern().Matches(note).Select(m => m.Groups[1].Value.TrimEnd('.', '-', '_')).Where(s => s.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// The staff a note mentions: "@Фамилия" or "@login" (the part of the e-mail before @), matched among those who see
    /// the appeal through their duty (its organisations, its parts, its steps, its assignee) — a mention never shows an
    /// appeal to someone who could not open it.
    /// </summary>
    static async Task<List<Guid>> MentionedAsync(AppDbContext db, Appeal? appeal, string note, CancellationToken ct)
    {
        var words = Mentions(note);
        if (appeal is null || words.Count == 0) return [];
        var orgIds = new HashSet<Guid> { appeal.OwnerOrganisationId };
        if (appeal.ExecutorOrganisationId is { } e) orgIds.Add(e);
        foreach (var part in appeal.Parts) orgIds.Add(part.OrganisationId);
        foreach (var step in appeal.Roadmap?.Steps ?? []) orgIds.Add(step.OwnerOrganisationId);
        var paths = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).Select(o => o.Path).ToListAsync(ct);
        var viewers = AppealAccess.Viewers;
        var staff = await db.RoleAssignments.AsNoTracking().Where(r => r.OrganisationId != null && viewers.Contains(r.Role))
            .Join(db.Organisations, r => r.OrganisationId, o => o.Id, (r, o) => new { r.PersonId, o.Path })
            .ToListAsync(ct);
        var candidates = staff.Where(s => paths.Any(target => target.StartsWith(s.Path, StringComparison.Ordinal))).Select(s => s.PersonId).ToHashSet();
        if (appeal.AssigneeId is { } assignee) candidates.Add(assignee);
        var ids = candidates.ToList();
        var people = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.LastName, u.Email }).ToListAsync(ct);
        return [.. people.Where(u => words.Any(w => string.Equals(w, u.LastName, StringComparison.OrdinalIgnoreCase)
                || (u.Email is { } mail && (string.Equals(w, mail, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(w, mail.Split('@')[0], StringComparison.OrdinalIgnoreCase)))))
            .Select(u => u.Id)];
    }

    /// <summary>The parts a route opened at once (the RouteOpened event's data: parts with their status then).</summary>
    static IEnumerable<Guid> OpenedParts(string? data)
    {
        if (data is null) return [];
        using var doc = JsonDocument.Parse(data);
        if (!doc.RootElement.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array) return [];
        return [.. parts.EnumerateArray()
            .Where(x => Text(x, "status") is { } status && status.Equals(nameof(PartStatus.Open), StringComparison.OrdinalIgnoreCase))
            .Select(x => Guid(x, "part")).OfType<Guid>()];
    }

    // ---- Payload ----

    static string? Text(JsonElement p, string name) => p.TryGetProperty(name, out var v) switch
    {
        true when v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()) => v.GetString(),
        true when v.ValueKind == JsonValueKind.Array => string.Join("; ", v.EnumerateArray().Select(x => x.ToString())),
        _ => null,
    };

    static Guid? Guid(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && System.Guid.TryParse(v.GetString(), out var g) ? g : null;

    static IEnumerable<Guid> Guids(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String && System.Guid.TryParse(x.GetString(), out _)).Select(x => System.Guid.Parse(x.GetString()!))
            : [];
}
