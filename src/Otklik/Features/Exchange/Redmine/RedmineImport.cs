using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Intake;
using Otklik.Infrastructure;
using static Otklik.Features.Exchange.Redmine.RedmineClient;

namespace Otklik.Features.Exchange.Redmine;

/// <summary>
/// Brings a Redmine project's issues in as appeals (ADR 0026), one issue at a time, through the one intake
/// (<see cref="SubmitAppeal"/>, actor <see cref="IntakeActor.System"/>): the issue's creation date is the appeal's
/// received date, its journals become history lines at their own dates and authors, its attachments the appeal's files,
/// and its status (mapped) the appeal's state, all in the intake's one transaction. The issue's id is the appeal's
/// channel message id ("redmine:host/path#id"): an issue already brought in is never brought in twice. After each issue
/// the checkpoint file holds the last id done, so a run that stopped (a crash, Ctrl+C, the network) goes on from there.
/// </summary>
public sealed class RedmineImport(IServiceProvider services, RedmineClient redmine, RedmineMapping mapping, TimeProvider clock)
{
    /// <param name="Fetchers">How many issues of a page are fetched from Redmine at once while the earlier ones are imported
    /// (in id order, one intake transaction each): the HTTP round trip, not the intake, dominates against a live Redmine.</param>
    public sealed record Options(string Project, string CheckpointPath, int PageSize = 100, bool FromStart = false, int Fetchers = 4);

    /// <summary>What a run did: counts and every issue or value it could not map, with the reason.</summary>
    public sealed class Report
    {
        public int Seen { get; set; }
        public int Imported { get; set; }
        public int AlreadyThere { get; set; }
        /// <summary>Issues at or before the checkpoint of an earlier run: not looked at again.</summary>
        public int BeforeCheckpoint { get; set; }
        public int Skipped => NotImported.Count;
        public int Attachments { get; set; }
        public int HistoryLines { get; set; }
        public List<string> NotImported { get; } = [];
        /// <summary>Values imported with a loss (a person not found by e-mail, an unmapped custom field, a file refused): one line per distinct value.</summary>
        public SortedSet<string> Unmapped { get; } = new(StringComparer.Ordinal);

        public string Text()
        {
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Redmine import: {Seen} issues seen, {Imported} imported, {AlreadyThere} already imported, {BeforeCheckpoint} done by an earlier run (checkpoint), {Skipped} not imported; {HistoryLines} history lines, {Attachments} files.");
            if (NotImported.Count > 0) sb.AppendLine("Not imported:");
            foreach (var line in NotImported) sb.AppendLine("  " + line);
            if (Unmapped.Count > 0) sb.AppendLine("Imported with values that could not be mapped:");
            foreach (var line in Unmapped) sb.AppendLine("  " + line);
            return sb.ToString();
        }
    }

    /// <summary>The checkpoint: the last issue id finished (imported, found already there, or reported) in this project.</summary>
    public sealed record Checkpoint(string Source, string Project, int LastIssueId, DateTime AtUtc);

    readonly Dictionary<int, Guid?> _people = [];

    public string SourceKey => $"redmine:{redmine.BaseUrl.Authority}{redmine.BaseUrl.AbsolutePath.TrimEnd('/')}";

    public async Task<Report> RunAsync(Options options, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        var report = new Report();
        var project = (await redmine.ProjectAsync(options.Project, ct)).Project;
        var statuses = (await redmine.StatusesAsync(ct)).IssueStatuses.ToDictionary(s => s.Id, s => s.Name);
        var checkpoint = options.FromStart ? null : ReadCheckpoint(options.CheckpointPath, project);
        var catalogue = await ReadCatalogueAsync(ct);

        for (var offset = 0; ; offset += options.PageSize)
        {
            var page = await redmine.IssuesAsync(project.Id, offset, options.PageSize, ct);
            var todo = page.Issues.Select(i => i.Id).Where(id => checkpoint is null || id > checkpoint.LastIssueId).ToList();
            var there = await AlreadyImportedAsync(todo, ct);
            // The page's new issues are fetched a few at a time ahead of the import, which still takes them in id order:
            // the checkpoint only ever names an issue whose predecessors are all done.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var gate = new SemaphoreSlim(Math.Max(1, options.Fetchers));
            var fetches = todo.Where(id => !there.Contains(id)).ToDictionary(id => id, id => FetchAsync(id, gate, stop.Token));
            try
            {
                foreach (var listed in page.Issues)
                {
                    report.Seen++;
                    if (checkpoint is not null && listed.Id <= checkpoint.LastIssueId) report.BeforeCheckpoint++;
                    else
                    {
                        if (there.Contains(listed.Id)) report.AlreadyThere++;
                        else await ImportOneAsync(await fetches[listed.Id], statuses, catalogue, report, ct);
                        WriteCheckpoint(options.CheckpointPath, new(SourceKey, project.Identifier, listed.Id, clock.GetUtcNow().UtcDateTime));
                    }
                    progress?.Report((report.Seen, page.TotalCount));
                }
            }
            finally
            {
                // A failure mid-page: the fetches still under way are stopped and their outcome observed before leaving.
                await stop.CancelAsync();
                try { await Task.WhenAll(fetches.Values); } catch (Exception) when (ct.IsCancellationRequested || fetches.Values.Any(f => f.IsFaulted || f.IsCanceled)) { }
            }
            if (page.Issues.Count == 0 || offset + page.Issues.Count >= page.TotalCount) break;
        }
        return report;
    }

    async Task<Issue> FetchAsync(int id, SemaphoreSlim gate, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try { return await redmine.IssueAsync(id, ct); }
        finally { gate.Release(); }
    }

    /// <summary>Of these issue ids, those whose appeal exists already (in any channel: the mapped channel may change between runs).</summary>
    async Task<HashSet<int>> AlreadyImportedAsync(List<int> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var keys = ids.ToDictionary(id => $"{SourceKey}#{id.ToString(CultureInfo.InvariantCulture)}", id => id);
        var list = keys.Keys.ToList();
        var channels = Enum.GetValues<Channel>();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var found = await db.Appeals.AsNoTracking().Where(a => channels.Contains(a.Channel) && list.Contains(a.ChannelMessageId!)).Select(a => a.ChannelMessageId!).ToListAsync(ct);
        return [.. found.Select(k => keys[k])];
    }

    sealed record Catalogue(Dictionary<string, Guid> Categories, Dictionary<string, Guid> Organisations);

    async Task<Catalogue> ReadCatalogueAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var categories = await db.Categories.AsNoTracking().Where(c => c.IsActive).Select(c => new { c.Name, c.Id }).ToListAsync(ct);
        var organisations = await db.Organisations.AsNoTracking().Select(o => new { o.Name, o.ShortName, o.Id }).ToListAsync(ct);
        var byName = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        foreach (var o in organisations) { byName.TryAdd(o.Name, o.Id); byName.TryAdd(o.ShortName, o.Id); }
        return new(categories.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.OrdinalIgnoreCase), byName);
    }

    async Task ImportOneAsync(Issue issue, Dictionary<int, string> statuses, Catalogue catalogue, Report report, CancellationToken ct)
    {
        var key = $"{SourceKey}#{issue.Id.ToString(CultureInfo.InvariantCulture)}";
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // The channel is the mapped one and may differ between runs (a mapping changed): look in every channel, through
        // the (channel, message id) index.
        var channels = Enum.GetValues<Channel>();
        if (await db.Appeals.AnyAsync(a => channels.Contains(a.Channel) && a.ChannelMessageId == key, ct)) { report.AlreadyThere++; return; }

        var label = $"#{issue.Id} «{issue.Subject}»";
        if (!mapping.Trackers.TryGetValue(issue.Tracker.Name, out var tracker)) { report.NotImported.Add($"{label}: трекер «{issue.Tracker.Name}» не сопоставлен"); return; }
        var statusName = statuses.GetValueOrDefault(issue.Status.Id, issue.Status.Name);
        if (!mapping.Statuses.TryGetValue(statusName, out var status)) { report.NotImported.Add($"{label}: статус «{statusName}» не сопоставлен"); return; }
        if (!Appeal.ImportableStatuses.Contains(status)) { report.NotImported.Add($"{label}: статус «{statusName}» → {status} не переносится"); return; }
        var categoryName = issue.Category?.Name is { } c ? mapping.Categories.GetValueOrDefault(c, c) : null;
        if (!(categoryName is not null && catalogue.Categories.TryGetValue(categoryName, out var categoryId))
            && !(mapping.DefaultCategory is { } fallback && catalogue.Categories.TryGetValue(fallback, out categoryId)))
        {
            report.NotImported.Add($"{label}: категория «{issue.Category?.Name ?? "(нет)"}» не сопоставлена");
            return;
        }

        var fields = (issue.CustomFields ?? []).ToDictionary(f => f.Name, f => f.Text, StringComparer.Ordinal);
        var used = new HashSet<string?>(StringComparer.Ordinal)
            { mapping.ChannelField, mapping.Applicant.Name, mapping.Applicant.Email, mapping.Applicant.Phone, mapping.Applicant.Organisation, mapping.Applicant.PostalAddress };
        foreach (var f in fields.Where(f => !used.Contains(f.Key) && !string.IsNullOrWhiteSpace(f.Value)))
            report.Unmapped.Add($"поле «{f.Key}»: не сопоставлено, значение сохранено в истории");
        var channel = mapping.DefaultChannel;
        if (mapping.ChannelField is { } cf && fields.GetValueOrDefault(cf) is { Length: > 0 } channelValue)
        {
            if (mapping.Channels.TryGetValue(channelValue, out var mapped)) channel = mapped;
            else report.Unmapped.Add($"канал «{channelValue}»: не сопоставлен, принят как {mapping.DefaultChannel}");
        }

        var assignee = issue.AssignedTo is { } a ? await PersonAsync(a, report, ct) : null;
        var executor = assignee is { } assigneeId ? await ExecutorOrganisationAsync(db, assigneeId, ct) : null;
        executor ??= mapping.DefaultExecutorOrganisation is { } orgName && catalogue.Organisations.TryGetValue(orgName, out var org) ? org : null;
        if (status is AppealStatus.Assigned or AppealStatus.InWork && assignee is null)
        {
            report.Unmapped.Add($"{label}: исполнитель «{issue.AssignedTo?.Name ?? "(нет)"}» не найден — перенесено как зарегистрированное");
            status = AppealStatus.Registered;
        }

        // History: every journal at its own date and author; what it changed, in words.
        var history = new List<Appeal.ImportedEntry>();
        foreach (var journal in issue.Journals ?? [])
        {
            var actor = journal.User is { } u ? await PersonAsync(u, report, ct) : null;
            var note = JournalNote(journal, statuses);
            history.Add(new(Utc(journal.CreatedOn), actor, note, new { redmine = new { journal = journal.Id, user = journal.User?.Name, journal.PrivateNotes } }));
        }
        var stateAt = StateSince(issue, statuses, statusName);
        var answer = status is AppealStatus.AnswerSent or AppealStatus.Closed ? AnswerNote(issue, statuses, statusName) : null;

        // Files: fetched and checked as an upload is; stored before the appeal, recorded in its transaction.
        var files = new List<Attachments.Attachment>();
        var store = scope.ServiceProvider.GetRequiredService<IFileStore>();
        foreach (var attachment in (issue.Attachments ?? []).Take(ContentSniffer.MaxPerAppeal))
        {
            var bytes = await redmine.ContentAsync(attachment, ct);
            var detected = ContentSniffer.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, 64)), attachment.Filename);
            if (detected is not { } d) { report.Unmapped.Add($"{label}: файл «{attachment.Filename}» — тип не принимается"); continue; }
            if (bytes.Length > (d.Kind == AttachmentKind.Photo ? ContentSniffer.MaxPhotoBytes : ContentSniffer.MaxDocumentBytes))
            { report.Unmapped.Add($"{label}: файл «{attachment.Filename}» — больше допустимого размера"); continue; }
            var id = Guid.CreateVersion7();
            await using (var content = new MemoryStream(bytes, writable: false)) await store.SaveAsync(id.ToString("N"), content, ct);
            files.Add(new Attachments.Attachment
            {
                Id = id, FileName = Path.GetFileName(attachment.Filename), ContentType = d.ContentType, Kind = d.Kind, Purpose = AttachmentPurpose.Appeal,
                Size = bytes.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), StorageKey = id.ToString("N"),
                UploadedAtUtc = Utc(attachment.CreatedOn),
            });
        }
        if (issue.Attachments is { Count: > ContentSniffer.MaxPerAppeal } many)
            report.Unmapped.Add($"{label}: {many.Count - ContentSniffer.MaxPerAppeal} файлов сверх {ContentSniffer.MaxPerAppeal} не перенесены");

        var request = new IntakeApi.SubmitRequest(tracker.Type, tracker.Kind, tracker.Regime, channel, key, Applicant(fields),
            categoryId, null, null, null, null, null, Text(issue), false, false, null, ReceivedAtUtc: Utc(issue.CreatedOn));
        var deadlines = scope.ServiceProvider.GetRequiredService<DeadlineClocks>();
        var executorClock = await deadlines.ForAsync(db, executor, ct);
        var state = new Appeal.ImportedState(status, stateAt, executor, assignee, answer, $"{mapping.Source} (задача #{issue.Id}, статус «{statusName}»)",
            new { redmine = new { issue = issue.Id, status = statusName, tracker = issue.Tracker.Name, category = issue.Category?.Name, author = issue.Author?.Name,
                assignee = issue.AssignedTo?.Name, fields = fields.Where(f => !used.Contains(f.Key)).ToDictionary(f => f.Key, f => f.Value) } });
        try
        {
            var submitted = await scope.ServiceProvider.GetRequiredService<SubmitAppeal>().RunAsync(request, IntakeActor.System($"import {SourceKey}"), null, ct,
                (appeal, now, writerDb) =>
                {
                    // The old system told its applicants long ago: the intake's letters of this appeal are not sent.
                    foreach (var entry in writerDb.ChangeTracker.Entries<OutboxMessage>().Where(e => e.State == EntityState.Added && e.Entity.AppealId == appeal.Id).ToList())
                        entry.State = EntityState.Detached;
                    foreach (var file in files) { file.AppealId = appeal.Id; writerDb.Attachments.Add(file); }
                    appeal.Import(history, state, executorClock, now);
                });
            if (submitted.IsNew) { report.Imported++; report.HistoryLines += history.Count; report.Attachments += files.Count; }
            else report.AlreadyThere++;
        }
        catch (InputException e)
        {
            foreach (var file in files) await store.DeleteAsync(file.StorageKey, ct);
            report.NotImported.Add($"{label}: {string.Join("; ", e.Errors.Select(x => $"{x.Key} — {string.Join(", ", x.Value)}"))}");
        }
        catch (RuleException e)
        {
            foreach (var file in files) await store.DeleteAsync(file.StorageKey, ct);
            report.NotImported.Add($"{label}: {e.Message}");
        }
    }

    /// <summary>A Redmine user as an Otklik person, matched by e-mail; null (and reported once) when nobody here has it.</summary>
    async Task<Guid?> PersonAsync(Named user, Report report, CancellationToken ct)
    {
        if (_people.TryGetValue(user.Id, out var known)) return known;
        var found = await redmine.UserAsync(user.Id, ct);
        Guid? person = null;
        if (found?.Mail is { Length: > 0 } mail)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var normalized = mail.Trim().ToUpperInvariant();
            person = await db.Users.AsNoTracking().Where(p => p.NormalizedEmail == normalized).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(ct);
        }
        if (person is null)
            report.Unmapped.Add(found?.Mail is { Length: > 0 } m
                ? $"пользователь «{user.Name}» <{m}>: нет сотрудника с таким адресом — в истории по имени"
                : $"пользователь «{user.Name}»: адрес не виден этому ключу API — в истории по имени");
        _people[user.Id] = person;
        return person;
    }

    static async Task<Guid?> ExecutorOrganisationAsync(AppDbContext db, Guid personId, CancellationToken ct) =>
        await db.Set<RoleAssignment>().AsNoTracking()
            .Where(r => r.PersonId == personId && r.OrganisationId != null && (r.Role == Role.Executor || r.Role == Role.Dispatcher || r.Role == Role.Controller))
            .OrderBy(r => r.Role).Select(r => r.OrganisationId).FirstOrDefaultAsync(ct);

    static string Text(Issue issue)
    {
        var description = issue.Description?.Trim();
        return string.IsNullOrEmpty(description) ? issue.Subject.Trim() : $"{issue.Subject.Trim()}\n\n{description}";
    }

    /// <summary>The applicant from the mapped custom fields: an organisation when its name is given, else a person; nobody when no field is filled.</summary>
    ApplicantInfo? Applicant(Dictionary<string, string?> fields)
    {
        string? Field(string? name) => name is not null && fields.GetValueOrDefault(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var (name, email, phone, organisation, postal) = (Field(mapping.Applicant.Name), Field(mapping.Applicant.Email), Field(mapping.Applicant.Phone),
            Field(mapping.Applicant.Organisation), Field(mapping.Applicant.PostalAddress));
        if (name is null && organisation is null && email is null && phone is null && postal is null) return null;
        var parts = (name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return organisation is not null
            ? new ApplicantInfo { Kind = ApplicantKind.Organisation, OrganisationName = organisation, RepresentativeName = name, Email = email, Phone = phone, PostalAddress = postal }
            : new ApplicantInfo
            {
                Kind = ApplicantKind.Person, LastName = parts.ElementAtOrDefault(0), FirstName = parts.ElementAtOrDefault(1),
                MiddleName = parts.Length > 2 ? string.Join(' ', parts.Skip(2)) : null, Email = email, Phone = phone, PostalAddress = postal,
            };
    }

    /// <summary>A journal in words: its notes and what it changed ("Статус: Новое → В работе").</summary>
    static string JournalNote(Journal journal, Dictionary<int, string> statuses)
    {
        var lines = new List<string>();
        foreach (var d in journal.Details ?? [])
        {
            if (d is { Property: "attr", Name: "status_id" })
                lines.Add($"Статус: {StatusName(d.OldValue, statuses)} → {StatusName(d.NewValue, statuses)}");
            else if (d.Property == "attachment") lines.Add($"Файл: {d.NewValue ?? d.OldValue}");
            else lines.Add($"{d.Name}: {d.OldValue ?? "—"} → {d.NewValue ?? "—"}");
        }
        if (!string.IsNullOrWhiteSpace(journal.Notes)) lines.Add((journal.PrivateNotes ? "(внутренняя заметка) " : "") + journal.Notes.Trim());
        return lines.Count == 0 ? "Изменение в Redmine" : string.Join("\n", lines);
    }

    static string StatusName(string? id, Dictionary<int, string> statuses) =>
        int.TryParse(id, CultureInfo.InvariantCulture, out var n) && statuses.TryGetValue(n, out var name) ? name : id ?? "—";

    /// <summary>Since when the issue is in its status: the last journal that set it, else its closing, else its creation.</summary>
    static DateTime StateSince(Issue issue, Dictionary<int, string> statuses, string statusName)
    {
        var set = (issue.Journals ?? []).Where(j => (j.Details ?? []).Any(d => d is { Property: "attr", Name: "status_id" } && StatusName(d.NewValue, statuses) == statusName))
            .Select(j => (DateTime?)Utc(j.CreatedOn)).LastOrDefault();
        return set ?? (issue.ClosedOn is { } closed ? Utc(closed) : Utc(issue.CreatedOn));
    }

    /// <summary>
    /// The answer: the notes of the last journal that moved the issue into a status mapped to "answer sent" (the answer a
    /// Redmine operator writes when resolving), else into the issue's own status, else the last public notes.
    /// </summary>
    string? AnswerNote(Issue issue, Dictionary<int, string> statuses, string statusName)
    {
        var journals = (issue.Journals ?? []).Where(j => !string.IsNullOrWhiteSpace(j.Notes) && !j.PrivateNotes).ToList();
        bool Sets(Journal j, Func<string, bool> status) =>
            (j.Details ?? []).Any(d => d is { Property: "attr", Name: "status_id" } && status(StatusName(d.NewValue, statuses)));
        var answer = journals.LastOrDefault(j => Sets(j, s => mapping.Statuses.GetValueOrDefault(s, AppealStatus.Moderation) == AppealStatus.AnswerSent))
                     ?? journals.LastOrDefault(j => Sets(j, s => s == statusName)) ?? journals.LastOrDefault();
        return answer?.Notes?.Trim();
    }

    static DateTime Utc(DateTime at) => at.Kind switch
    {
        DateTimeKind.Utc => at,
        DateTimeKind.Local => at.ToUniversalTime(),
        _ => DateTime.SpecifyKind(at, DateTimeKind.Utc),
    };

    Checkpoint? ReadCheckpoint(string path, Project project)
    {
        if (!File.Exists(path)) return null;
        var checkpoint = JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(path), Json.Options);
        // A checkpoint of another Redmine or project says nothing about this one.
        return checkpoint is not null && checkpoint.Source == SourceKey && checkpoint.Project == project.Identifier ? checkpoint : null;
    }

    /// <summary>Written to a side file and renamed over the old one: a crash mid-write leaves the previous checkpoint whole.</summary>
    static void WriteCheckpoint(string path, Checkpoint checkpoint)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(checkpoint, Json.Options));
        File.Move(temp, path, overwrite: true);
    }
}
