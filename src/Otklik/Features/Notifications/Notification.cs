using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Notifications;

/// <summary>What a notice is about; each person chooses per kind whether it also comes by e-mail.</summary>
public enum NoticeKind
{
    /// <summary>An appeal was assigned to the person.</summary>
    Assignment,
    /// <summary>A part of an appeal was given to the person's organisation as a co-executor.</summary>
    CoExecutorPart,
    /// <summary>The person (or their organisation) owns a step of an approved roadmap.</summary>
    RoadmapStep,
    /// <summary>A complaint was taken to the Business Protection HQ.</summary>
    HqEscalation,
    /// <summary>The HQ recorded a decision that binds the person's organisation.</summary>
    HqDecision,
    /// <summary>The controller returned the answer for rework.</summary>
    Rework,
    /// <summary>An executor asked for more time (to the controller).</summary>
    ExtensionRequest,
    /// <summary>The head granted or declined an extension.</summary>
    ExtensionDecided,
    /// <summary>A deadline (of an appeal, a co-executor's part or a roadmap step) is near, missed or escalated.</summary>
    Deadline,
    /// <summary>Someone mentioned the person with @ in a note on an appeal.</summary>
    Mention,
    /// <summary>A knowledge-base article the person's organisation owns is past its review date (to its content editors).</summary>
    ArticleReview,
    /// <summary>A measure against a root cause was given to the person's organisation.</summary>
    RootCauseMeasure,
    /// <summary>A spike of appeals began (to the centre's analysts).</summary>
    Spike,
    /// <summary>A business-portal section the person's organisation owns is past its update period (then to the administrator).</summary>
    SectionStale,
    /// <summary>A channel of intake (a mailbox) stopped working: to the region's administrators, once per outage.</summary>
    ChannelFailure,
    /// <summary>An announcement of the workspace reached the person, or they are reminded to read it.</summary>
    Announcement,
    /// <summary>A task of the workspace was given to the person.</summary>
    TeamTask,
}

/// <summary>How a notice reaches its person besides the office list.</summary>
public enum NoticeDelivery
{
    /// <summary>Only the bell and the list in the office.</summary>
    Office,
    /// <summary>Also a letter at once.</summary>
    Immediate,
    /// <summary>Also in one letter a day with the other notices of the day.</summary>
    Digest,
}

/// <summary>
/// One notice to one member of staff. Written once per person per outbox message (a unique index on the pair), by the
/// outbox dispatcher that claimed the message, so two nodes or a retried message never write it twice. The table is
/// the only truth of the bell: every web node reads it.
/// </summary>
public sealed class Notification
{
    public const int MaxTitle = 500;
    public const int MaxText = 2000;

    /// <summary>A database sequence: the order of writing, newest last, and the list's keyset cursor.</summary>
    public long Id { get; private set; }
    public Guid PersonId { get; private set; }
    public NoticeKind Kind { get; private set; }
    public string Title { get; private set; } = "";
    /// <summary>Details under the title (the note that mentions, the reason of a decision); may be null.</summary>
    public string? Text { get; private set; }
    public Guid? AppealId { get; private set; }
    public string? AppealNumber { get; private set; }
    /// <summary>The outbox message it was made from, and that message's type (the registry of message types keys on it).</summary>
    public Guid SourceMessageId { get; private set; }
    public string SourceType { get; private set; } = "";
    public DateTime CreatedAtUtc { get; private set; }
    public DateTime? ReadAtUtc { get; private set; }
    /// <summary>The person's choice for this kind when the notice was written.</summary>
    public NoticeDelivery Delivery { get; private set; }
    /// <summary>The outbox message that carries it by e-mail (at once, or the day's digest); null until one does.</summary>
    public Guid? LetterId { get; private set; }
    /// <summary>The office page it is about when it is not an appeal (an announcement, a chat, a task), as a path.</summary>
    public string? Link { get; private set; }

    Notification() { }

    public static Notification Create(Guid personId, NoticeKind kind, string title, string? text, Guid? appealId, string? appealNumber,
        Guid sourceMessageId, string sourceType, NoticeDelivery delivery, DateTime nowUtc, string? link = null) => new()
    {
        PersonId = personId, Kind = kind,
        Title = title.Length > MaxTitle ? title[..(MaxTitle - 1)] + "…" : title,
        Text = text is null ? null : text.Length > MaxText ? text[..(MaxText - 1)] + "…" : text,
        AppealId = appealId, AppealNumber = appealNumber, SourceMessageId = sourceMessageId, SourceType = sourceType,
        Delivery = delivery, CreatedAtUtc = nowUtc, Link = link,
    };

    public bool IsUnread => ReadAtUtc is null;

    internal void MailWith(Guid letterId) => LetterId = letterId;
}

/// <summary>A person's choice for one kind of notice; a kind without a row has its <see cref="NoticeKinds.DefaultDelivery"/>.</summary>
public sealed class NoticePreference
{
    public Guid PersonId { get; set; }
    public NoticeKind Kind { get; set; }
    public NoticeDelivery Delivery { get; set; }
}

public static class NoticeKinds
{
    public static readonly NoticeKind[] All = Enum.GetValues<NoticeKind>();

    /// <summary>
    /// Deadline notices and extension requests went out as letters before the office had notices: they keep doing so
    /// until the person chooses otherwise. Everything else stays in the office unless asked for.
    /// </summary>
    public static NoticeDelivery DefaultDelivery(NoticeKind kind) =>
        kind is NoticeKind.Deadline or NoticeKind.ExtensionRequest ? NoticeDelivery.Immediate : NoticeDelivery.Office;

    public static string Title(NoticeKind kind) => kind switch
    {
        NoticeKind.Assignment => "Назначение исполнителем",
        NoticeKind.CoExecutorPart => "Часть обращения для вашей организации (соисполнитель)",
        NoticeKind.RoadmapStep => "Шаг дорожной карты за вами",
        NoticeKind.HqEscalation => "Жалоба вынесена на Штаб",
        NoticeKind.HqDecision => "Решение Штаба",
        NoticeKind.Rework => "Ответ возвращён на доработку",
        NoticeKind.ExtensionRequest => "Запрос на продление срока",
        NoticeKind.ExtensionDecided => "Решение о продлении срока",
        NoticeKind.Deadline => "Срок истекает или истёк",
        NoticeKind.Mention => "Упоминание через @",
        NoticeKind.ArticleReview => "Статью базы знаний пора пересмотреть",
        NoticeKind.RootCauseMeasure => "Мера по первопричине для вашей организации",
        NoticeKind.Spike => "Всплеск обращений",
        NoticeKind.SectionStale => "Раздел портала МСБ пора обновить",
        NoticeKind.ChannelFailure => "Канал приёма обращений не работает",
        NoticeKind.Announcement => "Объявление для сотрудников",
        NoticeKind.TeamTask => "Задача в рабочем месте",
        _ => kind.ToString(),
    };

    public static string Title(NoticeDelivery delivery) => delivery switch
    {
        NoticeDelivery.Office => "Только в рабочем месте",
        NoticeDelivery.Immediate => "И письмом сразу",
        _ => "И письмом — сводкой раз в день",
    };
}

sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.HasKey(n => n.Id);
        b.Property(n => n.Id).ValueGeneratedOnAdd();
        b.Property(n => n.Title).HasMaxLength(Notification.MaxTitle);
        b.Property(n => n.Text).HasMaxLength(Notification.MaxText);
        b.Property(n => n.AppealNumber).HasMaxLength(20);
        b.Property(n => n.SourceType).HasMaxLength(100);
        b.Property(n => n.Link).HasMaxLength(300);
        b.Ignore(n => n.IsUnread);
        b.HasOne<Directory.Person>().WithMany().HasForeignKey(n => n.PersonId).OnDelete(DeleteBehavior.Cascade);
        // Once per person per message, whichever node or retry writes it.
        b.HasIndex(n => new { n.SourceMessageId, n.PersonId }).IsUnique();
        // The list (newest first) and the bell's unread count of one person.
        b.HasIndex(n => new { n.PersonId, n.Id });
        b.HasIndex(n => new { n.PersonId, n.ReadAtUtc });
        // The letters find their notices; the day's digest finds the ones still to mail.
        b.HasIndex(n => n.LetterId);
        b.HasIndex(n => new { n.Delivery, n.LetterId, n.CreatedAtUtc });
    }
}

sealed class NoticePreferenceConfiguration : IEntityTypeConfiguration<NoticePreference>
{
    public void Configure(EntityTypeBuilder<NoticePreference> b)
    {
        b.HasKey(p => new { p.PersonId, p.Kind });
        b.HasOne<Directory.Person>().WithMany().HasForeignKey(p => p.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
