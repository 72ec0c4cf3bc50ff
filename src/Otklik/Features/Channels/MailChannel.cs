using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Channels;

/// <summary>
/// What the poller knows of one configured mailbox: switched on or off in the office, how far it has read (the IMAP
/// UIDVALIDITY and the last UID taken), and its health. <see cref="FailingSinceUtc"/> marks an outage: the
/// administrator is told when it begins, not at every failed poll.
/// </summary>
public sealed class MailboxState
{
    public string Name { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public long UidValidity { get; set; }
    public long LastUid { get; set; }
    public DateTime? LastPolledAtUtc { get; set; }
    public DateTime? LastLetterAtUtc { get; set; }
    public string? LastError { get; set; }
    public DateTime? LastErrorAtUtc { get; set; }
    public DateTime? FailingSinceUtc { get; set; }
    public int Version { get; set; }
}

public enum LetterOutcome
{
    /// <summary>Became an appeal in moderation.</summary>
    Appeal,
    /// <summary>The applicant's reply, attached to the appeal it answers.</summary>
    Reply,
    /// <summary>An auto-reply, a bounce or a mailing list: never an appeal.</summary>
    Ignored,
    /// <summary>Too large, malformed or refused by intake: waits for the administrator (release or drop).</summary>
    Quarantined,
    /// <summary>Dropped by the administrator from the quarantine.</summary>
    Dropped,
}

/// <summary>
/// One letter a mailbox delivered and what became of it. Unique by mailbox and Message-ID: a letter read again (a
/// retry after a failure, a reset of the mailbox's UIDs) is recognised and not taken twice.
/// </summary>
public sealed class IncomingLetter
{
    public const int MaxReason = 2000;

    public Guid Id { get; set; }
    public string Mailbox { get; set; } = "";
    public string MessageId { get; set; } = "";
    public long UidValidity { get; set; }
    public long Uid { get; set; }
    public string? From { get; set; }
    public string? Subject { get; set; }
    public long Size { get; set; }
    public DateTime TakenAtUtc { get; set; }
    public LetterOutcome Outcome { get; set; }
    public string? Reason { get; set; }
    public Guid? AppealId { get; set; }
    /// <summary>The mailbox's own address when the letter was taken: replies about its appeal go from it.</summary>
    public string? MailboxFrom { get; set; }
    /// <summary>The administrator released it from the quarantine: the next poll takes it again with the size limit lifted.</summary>
    public bool ReleaseRequested { get; set; }
}

public sealed class MailboxStateConfiguration : IEntityTypeConfiguration<MailboxState>
{
    public void Configure(EntityTypeBuilder<MailboxState> b)
    {
        b.ToTable("MailboxStates");
        b.HasKey(m => m.Name);
        b.Property(m => m.Name).HasMaxLength(100);
        b.Property(m => m.LastError).HasMaxLength(IncomingLetter.MaxReason);
        b.Property(m => m.Version).IsConcurrencyToken();
    }
}

public sealed class IncomingLetterConfiguration : IEntityTypeConfiguration<IncomingLetter>
{
    public void Configure(EntityTypeBuilder<IncomingLetter> b)
    {
        b.ToTable("IncomingLetters");
        b.HasKey(l => l.Id);
        b.Property(l => l.Mailbox).HasMaxLength(100);
        b.Property(l => l.MessageId).HasMaxLength(300);
        b.Property(l => l.From).HasMaxLength(300);
        b.Property(l => l.Subject).HasMaxLength(1000);
        b.Property(l => l.Reason).HasMaxLength(IncomingLetter.MaxReason);
        b.Property(l => l.MailboxFrom).HasMaxLength(300);
        b.Property(l => l.Outcome).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(l => new { l.Mailbox, l.MessageId }).IsUnique();
        b.HasIndex(l => new { l.Mailbox, l.Outcome });
        b.HasIndex(l => l.AppealId);
    }
}
