using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Features.Notifications;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Teamwork;

/// <summary>
/// The workspace's rules in one place, used by its pages and its API alike: who sees what (by the person's
/// organisations), posting an announcement and its receipts, chats and their mentions, tasks and their checklists,
/// shared folders. Each change and its outbox message are saved together.
/// </summary>
public sealed class TeamService(AppDbContext db, CurrentUser user, OrganisationTree tree, TimeProvider clock)
{
    /// <summary>Who may post announcements and open shared folders: heads, administrators and the portal's editors.</summary>
    public static readonly Role[] Authors = [Role.Administrator, Role.Controller, Role.ContentEditor];

    /// <summary>The roles an announcement or a folder may be limited to (the staff's).</summary>
    public static readonly Role[] StaffRoles = [.. Enum.GetValues<Role>().Where(r => r != Role.Applicant)];

    public DateTime Now => clock.GetUtcNow().UtcDateTime;
    public Guid Me => user.RequiredId;

    public Task<bool> IsStaffAsync(CancellationToken ct) => user.IsStaffAsync(ct);

    /// <summary>The time zone of the person's (first) organisation, for the times on the pages.</summary>
    public async Task<TimeZoneInfo> ZoneAsync(CancellationToken ct)
    {
        var org = (await user.RolesAsync(ct)).Select(r => r.OrganisationId).FirstOrDefault(o => o is not null);
        return (await Execution.LocalTimes.LoadAsync(db, ct)).ZoneOf(org);
    }

    public static string Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone)
        .ToString("dd.MM.yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<bool> MayAuthorAsync(CancellationToken ct) => (await user.RolesAsync(ct)).Any(r => Authors.Contains(r.Role));

    /// <summary>The organisations the person works at and below (any staff role): where they open chats, tasks and see people.</summary>
    public Task<HashSet<Guid>> ScopeAsync(CancellationToken ct) => user.ScopeAsync(ct);

    /// <summary>The organisations the person may address an announcement or a folder to.</summary>
    public Task<HashSet<Guid>> AuthorScopeAsync(CancellationToken ct) => user.ScopeAsync(ct, Authors);

    public async Task<List<(Guid Id, string Name)>> OrganisationsAsync(IReadOnlySet<Guid> ids, CancellationToken ct) =>
        [.. (await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id) && o.IsConnected).OrderBy(o => o.Path).Select(o => new { o.Id, o.Name }).ToListAsync(ct))
            .Select(o => (o.Id, o.Name))];

    /// <summary>The staff who hold a role at one of <paramref name="organisations"/> or below (only <paramref name="roles"/> when given).</summary>
    public async Task<List<Guid>> PeopleOfAsync(IEnumerable<Guid> organisations, IReadOnlyCollection<Role> roles, CancellationToken ct)
    {
        var paths = await tree.PathsAsync(ct);
        var roots = organisations.Select(o => paths.GetValueOrDefault(o)).OfType<string>().ToList();
        var within = paths.Where(p => roots.Any(r => p.Value.StartsWith(r, StringComparison.Ordinal))).Select(p => p.Key).ToList();
        var staff = StaffRoles;
        return await db.RoleAssignments.AsNoTracking()
            .Where(r => r.OrganisationId != null && within.Contains(r.OrganisationId.Value) && staff.Contains(r.Role) && (roles.Count == 0 || roles.Contains(r.Role)))
            .Join(db.Users.Where(u => u.DisabledAtUtc == null), r => r.PersonId, u => u.Id, (r, u) => u.Id)
            .Distinct().ToListAsync(ct);
    }

    public async Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return await db.Users.AsNoTracking().Where(u => list.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => (u.LastName + " " + u.FirstName).Trim(), ct);
    }

    /// <summary>The people the person may choose for a project chat or a task: staff of their own organisations.</summary>
    public async Task<List<(Guid Id, string Name, string? Email)>> ColleaguesAsync(CancellationToken ct)
    {
        var people = await PeopleOfAsync(await ScopeAsync(ct), [], ct);
        var rows = await db.Users.AsNoTracking().Where(u => people.Contains(u.Id)).OrderBy(u => u.LastName).ThenBy(u => u.FirstName)
            .Select(u => new { u.Id, u.LastName, u.FirstName, u.Email }).ToListAsync(ct);
        return [.. rows.Select(u => (u.Id, $"{u.LastName} {u.FirstName}".Trim(), u.Email))];
    }

    // ---- Announcements ----

    public sealed record AnnouncementInput(string? Title, string? Text, bool Important, IReadOnlyList<Guid>? OrganisationIds, IReadOnlyList<Role>? Roles);

    /// <summary>Posts an announcement to everyone with a (chosen) role at the chosen organisations; the recipients are fixed now.</summary>
    public async Task<Announcement> PostAnnouncementAsync(AnnouncementInput input, CancellationToken ct)
    {
        if (!await MayAuthorAsync(ct)) throw new RuleException("teamwork.not_author", "Объявления публикуют руководители, администраторы и редакторы портала.");
        var errors = new InputErrors();
        TextRules.CheckText(errors, "title", input.Title, 3, Announcement.MaxTitle);
        TextRules.CheckText(errors, "text", input.Text, 3, Announcement.MaxText);
        var orgs = input.OrganisationIds?.Distinct().ToList() ?? [];
        var roles = input.Roles?.Distinct().ToList() ?? [];
        var scope = await AuthorScopeAsync(ct);
        if (orgs.Count == 0) errors.Add("organisationIds", "teamwork.audience_required", "Выберите хотя бы одну организацию.");
        else if (orgs.FirstOrDefault(o => !scope.Contains(o)) is var foreign && foreign != Guid.Empty)
            errors.Add("organisationIds", "teamwork.audience_outside", "Объявление можно адресовать только своим организациям и подведомственным им.");
        if (roles.Any(r => r == Role.Applicant || !Enum.IsDefined(r))) errors.Add("roles", "teamwork.role_unknown", "Выберите роли сотрудников из списка.");
        errors.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);

        var people = (await PeopleOfAsync(orgs, roles, ct)).Where(p => p != Me).ToList();
        if (people.Count == 0)
            throw new InputException("organisationIds", "teamwork.audience_empty", "В выбранных организациях нет сотрудников с выбранными ролями.", StatusCodes.Status422UnprocessableEntity);
        var names = (await OrganisationsAsync(orgs.ToHashSet(), ct)).Select(o => o.Name);
        var a = new Announcement
        {
            Id = Guid.CreateVersion7(), Title = input.Title!.Trim(), Text = input.Text!.Trim(), Important = input.Important, AuthorId = Me, CreatedAtUtc = Now,
            AudienceText = string.Join("; ", names) + (roles.Count > 0 ? "; роли: " + string.Join(", ", roles.Select(RoleNames.Of)) : ""),
            Recipients = [.. people.Select(p => new AnnouncementRecipient { PersonId = p })],
        };
        a.Recipients.ForEach(r => r.AnnouncementId = a.Id);
        db.TeamAnnouncements.Add(a);
        db.Outbox.Add(OutboxMessage.Create(MessageTypes.TeamAnnouncement, new { announcementId = a.Id, title = a.Title, important = a.Important }, null, Now));
        await db.SaveChangesAsync(ct);
        return a;
    }

    /// <summary>The announcement if the person is its author or one of its recipients (or may author for every recipient… no: only those two).</summary>
    public async Task<Announcement?> AnnouncementAsync(Guid id, CancellationToken ct)
    {
        var a = await db.TeamAnnouncements.AsNoTracking().Include(x => x.Recipients).SingleOrDefaultAsync(x => x.Id == id, ct);
        return a is not null && (a.AuthorId == Me || a.Recipients.Any(r => r.PersonId == Me)) ? a : null;
    }

    /// <summary>The receipt: the person confirms reading. Returns false if it is not theirs; reading twice keeps the first time.</summary>
    public async Task<bool> ReadAnnouncementAsync(Guid id, CancellationToken ct)
    {
        var me = Me;
        var row = await db.TeamAnnouncementRecipients.SingleOrDefaultAsync(r => r.AnnouncementId == id && r.PersonId == me, ct);
        if (row is null) return false;
        if (row.ReadAtUtc is null)
        {
            row.ReadAtUtc = Now;
            await db.SaveChangesAsync(ct);
        }
        // Its notices (the announcement, the reminders) are read with it: the bell does not keep asking.
        var link = $"/office/teamwork/announcements/{id}";
        var now = Now;
        await db.Notifications.Where(n => n.PersonId == me && n.Link == link && n.ReadAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAtUtc, now), ct);
        return true;
    }

    /// <summary>Reminds those who have not read it (the author only); returns how many were reminded.</summary>
    public async Task<int> RemindAsync(Guid id, CancellationToken ct)
    {
        var a = await db.TeamAnnouncements.Include(x => x.Recipients).SingleOrDefaultAsync(x => x.Id == id, ct);
        if (a is null || a.AuthorId != Me) throw new RuleException("teamwork.not_yours", "Напомнить может только автор объявления.");
        return await RemindUnreadAsync(db, a, Now, ct);
    }

    internal static async Task<int> RemindUnreadAsync(AppDbContext db, Announcement a, DateTime nowUtc, CancellationToken ct)
    {
        var unread = a.Recipients.Where(r => r.ReadAtUtc is null).Select(r => r.PersonId).ToList();
        if (unread.Count == 0) return 0;
        a.RemindedAtUtc = nowUtc;
        db.Outbox.Add(OutboxMessage.Create(MessageTypes.TeamAnnouncementReminder,
            new { announcementId = a.Id, title = a.Title, people = unread, remindedAtUtc = nowUtc }, null, nowUtc));
        await db.SaveChangesAsync(ct);
        return unread.Count;
    }

    // ---- Chats ----

    /// <summary>The chats the person takes part in: their organisations' chats (at or above where they work) and the projects they were added to.</summary>
    public async Task<List<Chat>> ChatsAsync(CancellationToken ct)
    {
        var mine = await OwnOrganisationsUpwardsAsync(ct);
        var me = Me;
        var projects = db.TeamChatMembers.Where(m => m.PersonId == me).Select(m => m.ChatId);
        return await db.TeamChats.AsNoTracking()
            .Where(c => (c.Kind == ChatKind.Organisation && mine.Contains(c.OrganisationId)) || (c.Kind == ChatKind.Project && projects.Contains(c.Id)))
            .OrderBy(c => c.Title).ToListAsync(ct);
    }

    /// <summary>The organisations where the person holds a staff role, and every one above them (whose chats include them).</summary>
    async Task<List<Guid>> OwnOrganisationsUpwardsAsync(CancellationToken ct)
    {
        var paths = await tree.PathsAsync(ct);
        return [.. (await user.RolesAsync(ct)).Where(r => r.Role != Role.Applicant && r.OrganisationId is not null)
            .Select(r => paths.GetValueOrDefault(r.OrganisationId!.Value)).OfType<string>()
            .SelectMany(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries)).Select(s => Guid.ParseExact(s, "N")).Distinct()];
    }

    public async Task<Chat?> ChatAsync(Guid id, CancellationToken ct) => (await ChatsAsync(ct)).SingleOrDefault(c => c.Id == id);

    /// <summary>Everyone who takes part in the chat (who may be mentioned and who reads it).</summary>
    public async Task<List<Guid>> MembersAsync(Chat chat, CancellationToken ct) => chat.Kind == ChatKind.Organisation
        ? await PeopleOfAsync([chat.OrganisationId], [], ct)
        : await db.TeamChatMembers.AsNoTracking().Where(m => m.ChatId == chat.Id).Select(m => m.PersonId).ToListAsync(ct);

    public sealed record ChatInput(string? Title, ChatKind Kind, Guid? OrganisationId, IReadOnlyList<Guid>? MemberIds);

    public async Task<Chat> OpenChatAsync(ChatInput input, CancellationToken ct)
    {
        var errors = new InputErrors();
        TextRules.CheckText(errors, "title", input.Title, 3, Chat.MaxTitle);
        var scope = await ScopeAsync(ct);
        if (input.OrganisationId is not { } org || !scope.Contains(org))
            errors.Add("organisationId", "teamwork.organisation", "Выберите свою организацию.");
        var members = input.MemberIds?.Distinct().ToList() ?? [];
        if (input.Kind == ChatKind.Project)
        {
            var allowed = (await PeopleOfAsync(scope, [], ct)).ToHashSet();
            if (members.Any(m => !allowed.Contains(m))) errors.Add("memberIds", "teamwork.member_outside", "Участников выбирают среди сотрудников своих организаций.");
            if (!members.Any(m => m != Me)) errors.Add("memberIds", "teamwork.members_required", "Выберите участников проекта.");
        }
        errors.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        var chat = new Chat { Id = Guid.CreateVersion7(), Title = input.Title!.Trim(), Kind = input.Kind, OrganisationId = input.OrganisationId!.Value, CreatedById = Me, CreatedAtUtc = Now };
        db.TeamChats.Add(chat);
        if (chat.Kind == ChatKind.Project)
            foreach (var m in members.Append(Me).Distinct()) db.TeamChatMembers.Add(new ChatMember { ChatId = chat.Id, PersonId = m });
        await db.SaveChangesAsync(ct);
        return chat;
    }

    public sealed record MessageView(long Id, Guid AuthorId, string Author, string Text, DateTime CreatedAtUtc, bool Mine);

    /// <summary>The chat's messages after <paramref name="after"/> (the live cursor), oldest first, at most <paramref name="limit"/>; marks them read.</summary>
    public async Task<List<MessageView>> MessagesAsync(Chat chat, long after, int limit, CancellationToken ct)
    {
        var rows = after == 0
            ? (await db.TeamChatMessages.AsNoTracking().Where(m => m.ChatId == chat.Id).OrderByDescending(m => m.Id).Take(limit).ToListAsync(ct)).AsEnumerable().Reverse().ToList()
            : await db.TeamChatMessages.AsNoTracking().Where(m => m.ChatId == chat.Id && m.Id > after).OrderBy(m => m.Id).Take(limit).ToListAsync(ct);
        var names = await NamesAsync(rows.Select(r => r.AuthorId), ct);
        if (rows.Count > 0) await MarkReadAsync(chat.Id, rows[^1].Id, ct);
        return [.. rows.Select(r => new MessageView(r.Id, r.AuthorId, names.GetValueOrDefault(r.AuthorId, "—"), r.Text, r.CreatedAtUtc, r.AuthorId == Me))];
    }

    async Task MarkReadAsync(Guid chatId, long lastId, CancellationToken ct)
    {
        var me = Me;
        var read = await db.TeamChatReads.SingleOrDefaultAsync(r => r.ChatId == chatId && r.PersonId == me, ct);
        if (read is null) db.TeamChatReads.Add(new ChatRead { ChatId = chatId, PersonId = me, LastReadId = lastId });
        else if (read.LastReadId < lastId) read.LastReadId = lastId;
        else return;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { db.ChangeTracker.Clear(); } // the same person's other tab wrote it first
    }

    /// <summary>Writes a message; the members it @mentions are told by a notice (through the outbox, saved with it).</summary>
    public async Task<ChatMessage> PostAsync(Chat chat, string? text, CancellationToken ct)
    {
        var errors = new InputErrors();
        TextRules.CheckText(errors, "text", text, 1, ChatMessage.MaxText);
        errors.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        var message = new ChatMessage { ChatId = chat.Id, AuthorId = Me, Text = text!.Trim(), CreatedAtUtc = Now };
        db.TeamChatMessages.Add(message);
        var mentioned = await MentionedAsync(chat, message.Text, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        if (mentioned.Count > 0)
        {
            db.Outbox.Add(OutboxMessage.Create(MessageTypes.TeamMentioned,
                new { chatId = chat.Id, chat = chat.Title, messageId = message.Id, authorId = Me, people = mentioned, text = message.Text }, null, Now));
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        await MarkReadAsync(chat.Id, message.Id, ct);
        return message;
    }

    /// <summary>The members a text mentions: "@Фамилия" or "@login" (the e-mail before @); never the author, never an outsider.</summary>
    public async Task<List<Guid>> MentionedAsync(Chat chat, string text, CancellationToken ct)
    {
        var words = NoticeWriter.Mentions(text);
        if (words.Count == 0) return [];
        var members = await MembersAsync(chat, ct);
        var people = await db.Users.AsNoTracking().Where(u => members.Contains(u.Id)).Select(u => new { u.Id, u.LastName, u.Email }).ToListAsync(ct);
        return [.. people.Where(u => u.Id != Me && words.Any(w => string.Equals(w, u.LastName, StringComparison.OrdinalIgnoreCase)
                || (u.Email is { } mail && (string.Equals(w, mail, StringComparison.OrdinalIgnoreCase) || string.Equals(w, mail.Split('@')[0], StringComparison.OrdinalIgnoreCase)))))
            .Select(u => u.Id)];
    }

    /// <summary>How many messages of each of the person's chats they have not been shown.</summary>
    public async Task<Dictionary<Guid, int>> UnreadByChatAsync(IReadOnlyCollection<Guid> chatIds, CancellationToken ct)
    {
        var me = Me;
        var ids = chatIds.ToList();
        var reads = await db.TeamChatReads.AsNoTracking().Where(r => r.PersonId == me && ids.Contains(r.ChatId)).ToDictionaryAsync(r => r.ChatId, r => r.LastReadId, ct);
        var result = new Dictionary<Guid, int>();
        foreach (var id in ids)
        {
            var last = reads.GetValueOrDefault(id);
            result[id] = await db.TeamChatMessages.CountAsync(m => m.ChatId == id && m.Id > last && m.AuthorId != me, ct);
        }
        return result;
    }

    // ---- Tasks ----

    public sealed record TaskInput(string? Title, string? Text, Guid? OwnerId, DateOnly? DueOn, IReadOnlyList<string>? Checklist, Guid? ChatId);

    public async Task<TeamTask> CreateTaskAsync(TaskInput input, CancellationToken ct)
    {
        var errors = new InputErrors();
        TextRules.CheckText(errors, "title", input.Title, 3, TeamTask.MaxTitle);
        TextRules.CheckOptional(errors, "text", input.Text, TeamTask.MaxText);
        var colleagues = (await ColleaguesAsync(ct)).Select(c => c.Id).ToHashSet();
        if (input.OwnerId is not { } owner || !colleagues.Contains(owner))
            errors.Add("ownerId", "teamwork.owner", "Выберите ответственного среди сотрудников своих организаций.");
        var today = DateOnly.FromDateTime(Now);
        if (input.DueOn is not { } due) errors.Add("dueOn", "teamwork.due_required", "Укажите срок.");
        else if (due < today) errors.Add("dueOn", "teamwork.due_past", "Срок не может быть в прошлом.");
        var items = (input.Checklist ?? []).Select(s => s?.Trim()).Where(s => !string.IsNullOrEmpty(s)).Cast<string>().ToList();
        if (items.Count == 0) errors.Add("checklist", "teamwork.checklist_required", "Добавьте хотя бы один пункт чек-листа.");
        if (items.Count > TeamTask.MaxItems) errors.Add("checklist", "teamwork.checklist_long", $"Не больше {TeamTask.MaxItems} пунктов.");
        if (items.Any(i => i.Length > TaskItem.MaxText || TextRules.ContainsMarkup(i))) errors.Add("checklist", "teamwork.checklist_item", $"Пункт — до {TaskItem.MaxText} символов, без разметки.");
        Chat? chat = null;
        if (input.ChatId is { } chatId && (chat = await ChatAsync(chatId, ct)) is null) errors.Add("chatId", "teamwork.chat", "Нет такого обсуждения.");
        errors.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);

        var ownerOrg = await db.RoleAssignments.AsNoTracking().Where(r => r.PersonId == input.OwnerId && r.OrganisationId != null)
            .Select(r => r.OrganisationId!.Value).FirstAsync(ct);
        var task = new TeamTask
        {
            Id = Guid.CreateVersion7(), Title = input.Title!.Trim(), Text = string.IsNullOrWhiteSpace(input.Text) ? null : input.Text.Trim(),
            OwnerId = input.OwnerId!.Value, CreatedById = Me, OrganisationId = chat?.OrganisationId ?? ownerOrg, ChatId = chat?.Id, DueOn = input.DueOn!.Value, CreatedAtUtc = Now,
        };
        task.Items = [.. items.Select((t, i) => new TaskItem { Id = Guid.CreateVersion7(), TaskId = task.Id, Order = i + 1, Text = t })];
        db.TeamTasks.Add(task);
        if (task.OwnerId != Me)
            db.Outbox.Add(OutboxMessage.Create(MessageTypes.TeamTaskAssigned, new { taskId = task.Id, title = task.Title, personId = task.OwnerId, dueOn = task.DueOn.ToString("dd.MM.yyyy") }, null, Now));
        await db.SaveChangesAsync(ct);
        return task;
    }

    /// <summary>Tasks the person owns or gave, newest due first among the open ones.</summary>
    public async Task<List<TeamTask>> TasksAsync(bool includeDone, CancellationToken ct)
    {
        var me = Me;
        return await db.TeamTasks.AsNoTracking().Include(t => t.Items)
            .Where(t => (t.OwnerId == me || t.CreatedById == me) && (includeDone || t.DoneAtUtc == null))
            .OrderBy(t => t.DoneAtUtc != null).ThenBy(t => t.DueOn).ToListAsync(ct);
    }

    /// <summary>A task the person owns or gave, or of a chat they take part in (tracked, to change).</summary>
    public async Task<TeamTask?> TaskAsync(Guid id, CancellationToken ct)
    {
        var t = await db.TeamTasks.Include(x => x.Items).SingleOrDefaultAsync(x => x.Id == id, ct);
        if (t is null) return null;
        if (t.OwnerId == Me || t.CreatedById == Me) return t;
        return t.ChatId is { } chat && await ChatAsync(chat, ct) is not null ? t : null;
    }

    public async Task TickAsync(TeamTask task, Guid itemId, bool done, CancellationToken ct)
    {
        if (task.OwnerId != Me && task.CreatedById != Me) throw new RuleException("teamwork.not_owner", "Отмечать пункты может ответственный или автор задачи.");
        task.Tick(itemId, done, Me, Now);
        await db.SaveChangesAsync(ct);
    }

    public static DateOnly Today(DateTime nowUtc, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(nowUtc, zone));

    // ---- Visits ----

    /// <summary>The person opened the workspace: the daily digest is only for those who have not looked since the last one.</summary>
    public async Task SeenAsync(CancellationToken ct)
    {
        var me = Me;
        var visit = await db.TeamVisits.SingleOrDefaultAsync(v => v.PersonId == me, ct);
        if (visit is null) db.TeamVisits.Add(new TeamVisit { PersonId = me, SeenAtUtc = Now });
        else visit.SeenAtUtc = Now;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { db.ChangeTracker.Clear(); }
    }

    // ---- Shared folders ----

    public sealed record FolderInput(string? Name, Guid? OrganisationId, IReadOnlyList<Guid>? AccessOrganisationIds, IReadOnlyList<Role>? Roles);

    public async Task<SharedFolder> CreateFolderAsync(FolderInput input, CancellationToken ct)
    {
        if (!await MayAuthorAsync(ct)) throw new RuleException("teamwork.not_author", "Папки открывают руководители, администраторы и редакторы портала.");
        var errors = new InputErrors();
        TextRules.CheckText(errors, "name", input.Name, 2, SharedFolder.MaxName);
        var scope = await AuthorScopeAsync(ct);
        if (input.OrganisationId is not { } owner || !scope.Contains(owner)) errors.Add("organisationId", "teamwork.organisation", "Выберите свою организацию.");
        var access = input.AccessOrganisationIds?.Distinct().ToList() ?? [];
        if (access.Count == 0) errors.Add("accessOrganisationIds", "teamwork.access_required", "Выберите организации, которым открыта папка.");
        var known = await db.Organisations.AsNoTracking().Where(o => access.Contains(o.Id)).CountAsync(ct);
        if (known != access.Count) errors.Add("accessOrganisationIds", "teamwork.access_unknown", "Выберите организации из списка.");
        var roles = input.Roles?.Distinct().ToList() ?? [];
        if (roles.Any(r => r == Role.Applicant || !Enum.IsDefined(r))) errors.Add("roles", "teamwork.role_unknown", "Выберите роли сотрудников из списка.");
        errors.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        var folder = new SharedFolder
        {
            Id = Guid.CreateVersion7(), Name = input.Name!.Trim(), OrganisationId = input.OrganisationId!.Value,
            AccessOrganisations = string.Join(',', access), AccessRoles = string.Join(',', roles), CreatedById = Me, CreatedAtUtc = Now,
        };
        db.TeamFolders.Add(folder);
        await db.SaveChangesAsync(ct);
        return folder;
    }

    /// <summary>May the person open the folder: a staff role (of the folder's roles, if it names some) at one of its organisations or below; its owners always.</summary>
    public async Task<bool> MayOpenAsync(SharedFolder folder, CancellationToken ct)
    {
        if (await user.ReachesAsync(folder.OrganisationId, ct, Authors)) return true;
        var paths = await tree.PathsAsync(ct);
        var roots = folder.Organisations.Select(o => paths.GetValueOrDefault(o)).OfType<string>().ToList();
        var roles = folder.Roles;
        return (await user.RolesAsync(ct)).Any(r => r.Role != Role.Applicant && r.OrganisationId is { } o && (roles.Count == 0 || roles.Contains(r.Role))
            && paths.TryGetValue(o, out var path) && roots.Any(root => path.StartsWith(root, StringComparison.Ordinal)));
    }

    public async Task<List<SharedFolder>> FoldersAsync(CancellationToken ct)
    {
        var all = await db.TeamFolders.AsNoTracking().OrderBy(f => f.Name).ToListAsync(ct);
        var result = new List<SharedFolder>();
        foreach (var f in all) if (await MayOpenAsync(f, ct)) result.Add(f);
        return result;
    }

    public async Task<SharedFolder?> FolderAsync(Guid id, CancellationToken ct) =>
        await db.TeamFolders.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct) is { } f && await MayOpenAsync(f, ct) ? f : null;

    public static string Json(object value) => JsonSerializer.Serialize(value);
}
