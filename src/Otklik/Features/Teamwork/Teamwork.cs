using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Teamwork;

// The support network's workspace in the office (issue 23.6, ADR 0051): what seed 000's staff did on Bitrix24 —
// announcements with read receipts, group chats with @mentions, tasks with checklists, shared folders — next to the
// appeals they already work on. Every row is scoped by organisations: an announcement's recipients are fixed when it is
// posted (from the organisations and roles chosen, within the author's own), a chat belongs to an organisation, a task
// and a folder too.

/// <summary>An announcement to chosen organisations (and, optionally, only some roles there); «важное» ones ask for a receipt.</summary>
public sealed class Announcement
{
    public const int MaxTitle = 200;
    public const int MaxText = 4000;

    public Guid Id { get; set; }
    public string Title { get; set; } = "";
    public string Text { get; set; } = "";
    public bool Important { get; set; }
    public Guid AuthorId { get; set; }
    /// <summary>Who it went to, as the author chose it («Фонд поддержки предпринимательства; роли: диспетчер»), for the list.</summary>
    public string AudienceText { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
    /// <summary>When those who had not read it were last reminded (by the author, or by the watch a day after an important one).</summary>
    public DateTime? RemindedAtUtc { get; set; }
    public List<AnnouncementRecipient> Recipients { get; set; } = [];
}

/// <summary>One person an announcement was sent to, and when they confirmed reading it (the receipt).</summary>
public sealed class AnnouncementRecipient
{
    public Guid AnnouncementId { get; set; }
    public Guid PersonId { get; set; }
    public DateTime? ReadAtUtc { get; set; }
}

public enum ChatKind
{
    /// <summary>Everyone who works at the organisation (or below it) takes part.</summary>
    Organisation,
    /// <summary>A project team: the people chosen when it was opened (and added later).</summary>
    Project,
}

/// <summary>A group chat of an organisation or of a project team.</summary>
public sealed class Chat
{
    public const int MaxTitle = 200;

    public Guid Id { get; set; }
    public string Title { get; set; } = "";
    public ChatKind Kind { get; set; }
    /// <summary>The organisation whose people take part (an organisation's chat), or who owns the project.</summary>
    public Guid OrganisationId { get; set; }
    public Guid CreatedById { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>A member of a project chat (organisation chats have none: their people are the organisation's).</summary>
public sealed class ChatMember
{
    public Guid ChatId { get; set; }
    public Guid PersonId { get; set; }
}

/// <summary>One message; the id is the order of writing and the cursor of the live updates.</summary>
public sealed class ChatMessage
{
    public const int MaxText = 4000;

    public long Id { get; set; }
    public Guid ChatId { get; set; }
    public Guid AuthorId { get; set; }
    public string Text { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>How far a person has read a chat (the last message id they were shown).</summary>
public sealed class ChatRead
{
    public Guid ChatId { get; set; }
    public Guid PersonId { get; set; }
    public long LastReadId { get; set; }
}

/// <summary>A task with an owner, a due day and a checklist; done when its checklist is done (or by the owner), watched for its due day.</summary>
public sealed class TeamTask
{
    public const int MaxTitle = 200;
    public const int MaxText = 4000;
    public const int MaxItems = 30;

    public Guid Id { get; set; }
    public string Title { get; set; } = "";
    public string? Text { get; set; }
    public Guid OrganisationId { get; set; }
    public Guid OwnerId { get; set; }
    public Guid CreatedById { get; set; }
    /// <summary>The project chat it belongs to, if any.</summary>
    public Guid? ChatId { get; set; }
    public DateOnly DueOn { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? DoneAtUtc { get; set; }
    /// <summary>When the watch told the owner the due day had passed (once).</summary>
    public DateTime? OverdueNoticedAtUtc { get; set; }
    public int Version { get; set; }
    public List<TaskItem> Items { get; set; } = [];

    public bool IsDone => DoneAtUtc is not null;

    public bool IsOverdue(DateOnly today) => !IsDone && DueOn < today;

    /// <summary>Ticks or unticks an item; the task is done when the last item is ticked, and open again when one is unticked.</summary>
    public void Tick(Guid itemId, bool done, Guid by, DateTime nowUtc)
    {
        var item = Items.SingleOrDefault(i => i.Id == itemId) ?? throw new InputException("itemId", "teamwork.item_unknown", "В чек-листе задачи нет такого пункта.", StatusCodes.Status404NotFound);
        if (done == item.IsDone) return;
        item.DoneAtUtc = done ? nowUtc : null;
        item.DoneById = done ? by : null;
        DoneAtUtc = Items.All(i => i.IsDone) ? nowUtc : null;
        Version++;
    }

    /// <summary>The owner closes the task: only with every item of its checklist ticked.</summary>
    public void Finish(DateTime nowUtc)
    {
        if (IsDone) return;
        var left = Items.Count(i => !i.IsDone);
        if (left > 0) throw new RuleException("teamwork.checklist_open", $"Сначала отметьте все пункты чек-листа: не выполнено {left}.");
        DoneAtUtc = nowUtc;
        Version++;
    }
}

public sealed class TaskItem
{
    public const int MaxText = 300;

    public Guid Id { get; set; }
    public Guid TaskId { get; set; }
    public int Order { get; set; }
    public string Text { get; set; } = "";
    public DateTime? DoneAtUtc { get; set; }
    public Guid? DoneById { get; set; }
    public bool IsDone => DoneAtUtc is not null;
}

/// <summary>A shared folder of an organisation: open to the organisations chosen (and below them) and, if chosen, only to some roles.</summary>
public sealed class SharedFolder
{
    public const int MaxName = 200;

    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public Guid OrganisationId { get; set; }
    /// <summary>The organisations whose people may open it, as ids separated by commas (their subtrees too).</summary>
    public string AccessOrganisations { get; set; } = "";
    /// <summary>The roles that may open it, as names separated by commas; empty for any staff role there.</summary>
    public string AccessRoles { get; set; } = "";
    public Guid CreatedById { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    public IReadOnlyList<Guid> Organisations => [.. AccessOrganisations.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse)];
    public IReadOnlyList<Role> Roles => [.. AccessRoles.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<Role>)];
}

/// <summary>A file in a shared folder: an attachment (stored by <see cref="Attachments.IFileStore"/>, its content checked on upload).</summary>
public sealed class SharedFile
{
    public Guid Id { get; set; }
    public Guid FolderId { get; set; }
    public Guid AttachmentId { get; set; }
    public Guid UploadedById { get; set; }
    public DateTime UploadedAtUtc { get; set; }
}

/// <summary>When a person last opened the workspace, and the digest moment they were last written to about it.</summary>
public sealed class TeamVisit
{
    public Guid PersonId { get; set; }
    public DateTime SeenAtUtc { get; set; }
    public DateTime? DigestCutoffUtc { get; set; }
}

sealed class TeamworkConfiguration :
    IEntityTypeConfiguration<Announcement>, IEntityTypeConfiguration<AnnouncementRecipient>, IEntityTypeConfiguration<Chat>,
    IEntityTypeConfiguration<ChatMember>, IEntityTypeConfiguration<ChatMessage>, IEntityTypeConfiguration<ChatRead>,
    IEntityTypeConfiguration<TeamTask>, IEntityTypeConfiguration<TaskItem>, IEntityTypeConfiguration<SharedFolder>,
    IEntityTypeConfiguration<SharedFile>, IEntityTypeConfiguration<TeamVisit>
{
    public void Configure(EntityTypeBuilder<Announcement> b)
    {
        b.ToTable("TeamAnnouncements");
        b.Property(a => a.Title).HasMaxLength(Announcement.MaxTitle);
        b.Property(a => a.Text).HasMaxLength(Announcement.MaxText);
        b.Property(a => a.AudienceText).HasMaxLength(2000);
        b.HasMany(a => a.Recipients).WithOne().HasForeignKey(r => r.AnnouncementId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => a.CreatedAtUtc);
    }

    public void Configure(EntityTypeBuilder<AnnouncementRecipient> b)
    {
        b.ToTable("TeamAnnouncementRecipients");
        b.HasKey(r => new { r.AnnouncementId, r.PersonId });
        b.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.PersonId, r.ReadAtUtc });
    }

    public void Configure(EntityTypeBuilder<Chat> b)
    {
        b.ToTable("TeamChats");
        b.Property(c => c.Title).HasMaxLength(Chat.MaxTitle);
        b.HasIndex(c => c.OrganisationId);
    }

    public void Configure(EntityTypeBuilder<ChatMember> b)
    {
        b.ToTable("TeamChatMembers");
        b.HasKey(m => new { m.ChatId, m.PersonId });
        b.HasOne<Chat>().WithMany().HasForeignKey(m => m.ChatId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(m => m.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => m.PersonId);
    }

    public void Configure(EntityTypeBuilder<ChatMessage> b)
    {
        b.ToTable("TeamChatMessages");
        b.Property(m => m.Id).ValueGeneratedOnAdd();
        b.Property(m => m.Text).HasMaxLength(ChatMessage.MaxText);
        b.HasOne<Chat>().WithMany().HasForeignKey(m => m.ChatId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => new { m.ChatId, m.Id });
    }

    public void Configure(EntityTypeBuilder<ChatRead> b)
    {
        b.ToTable("TeamChatReads");
        b.HasKey(r => new { r.ChatId, r.PersonId });
        b.HasOne<Chat>().WithMany().HasForeignKey(r => r.ChatId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<TeamTask> b)
    {
        b.ToTable("TeamTasks");
        b.Property(t => t.Title).HasMaxLength(TeamTask.MaxTitle);
        b.Property(t => t.Text).HasMaxLength(TeamTask.MaxText);
        b.Property(t => t.Version).IsConcurrencyToken();
        b.Ignore(t => t.IsDone);
        b.HasMany(t => t.Items).WithOne().HasForeignKey(i => i.TaskId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => new { t.OwnerId, t.DoneAtUtc });
        b.HasIndex(t => new { t.DoneAtUtc, t.OverdueNoticedAtUtc, t.DueOn });
    }

    public void Configure(EntityTypeBuilder<TaskItem> b)
    {
        b.ToTable("TeamTaskItems");
        b.Property(i => i.Text).HasMaxLength(TaskItem.MaxText);
        b.Ignore(i => i.IsDone);
    }

    public void Configure(EntityTypeBuilder<SharedFolder> b)
    {
        b.ToTable("TeamFolders");
        b.Property(f => f.Name).HasMaxLength(SharedFolder.MaxName);
        b.Property(f => f.AccessOrganisations).HasMaxLength(2000);
        b.Property(f => f.AccessRoles).HasMaxLength(500);
        b.Ignore(f => f.Organisations);
        b.Ignore(f => f.Roles);
    }

    public void Configure(EntityTypeBuilder<SharedFile> b)
    {
        b.ToTable("TeamFiles");
        b.HasOne<SharedFolder>().WithMany().HasForeignKey(f => f.FolderId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(f => f.FolderId);
    }

    public void Configure(EntityTypeBuilder<TeamVisit> b)
    {
        b.ToTable("TeamVisits");
        b.HasKey(v => v.PersonId);
    }
}
