using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Audit;

/// <summary>What a member of staff did with personal data (152-ФЗ): each kind is one way to see or take it out.</summary>
public enum AuditKind
{
    /// <summary>One appeal read: the API (by id, by number, its history) or the office card.</summary>
    AppealRead,
    /// <summary>A list of appeals taken out as a file (CSV, XLSX): the filter and how many rows.</summary>
    AppealExport,
    /// <summary>An applicant looked up by phone or e-mail when registering a call: what was looked for, never the value.</summary>
    ApplicantLookup,
    /// <summary>An applicant's file downloaded by staff.</summary>
    FileDownload,
    /// <summary>The trail itself taken out as CSV.</summary>
    AuditExport,
    /// <summary>An area drawn on the map for informing and polls (ADR 0049): its name and code; who drew it is the actor.</summary>
    AreaDrawn,
    /// <summary>A moderator confirmed two appeals to be of the same person across channels (ADR 0052): the other appeal in the detail.</summary>
    SamePersonLinked,
    /// <summary>A moderator took an appeal out of its person's group (a mistaken confirmation).</summary>
    SamePersonUnlinked,
}

/// <summary>
/// One line of the personal-data audit trail: who, when, what and from which address. Append-only: the app never
/// updates one, and deletes only lines older than the retention period (<see cref="AuditSweep"/>); see ADR 0016.
/// </summary>
public sealed class AuditRecord
{
    AuditRecord() { }

    public long Id { get; private set; }
    public DateTime AtUtc { get; private set; }
    /// <summary>The person (for an API key, the key's owner).</summary>
    public Guid? ActorId { get; private set; }
    public AuditKind Kind { get; private set; }
    public Guid? AppealId { get; private set; }
    /// <summary>How it was done: "api", "api include=history", "office card", an export's filter, a lookup's shape ("phone").</summary>
    public string? Detail { get; private set; }
    /// <summary>Rows exported, or applicants found by a lookup.</summary>
    public int? Rows { get; private set; }
    /// <summary>The client's address as the app sees it (behind a proxy: from the forwarded headers of known proxies).</summary>
    public string? Address { get; private set; }

    public const int DetailLength = 1000;

    public static AuditRecord Of(DateTime atUtc, Guid? actorId, AuditKind kind, Guid? appealId, string? detail, int? rows, string? address) => new()
    {
        AtUtc = atUtc, ActorId = actorId, Kind = kind, AppealId = appealId,
        Detail = detail is { Length: > DetailLength } ? detail[..DetailLength] : detail, Rows = rows,
        Address = address is { Length: > 64 } ? address[..64] : address,
    };
}

sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> b)
    {
        b.ToTable("AuditRecords");
        b.HasKey(r => r.Id);
        b.Property(r => r.Detail).HasMaxLength(AuditRecord.DetailLength);
        b.Property(r => r.Address).HasMaxLength(64);
        // Newest first, alone or for one person or one appeal: the three ways the trail is read.
        b.HasIndex(r => new { r.AtUtc, r.Id });
        b.HasIndex(r => new { r.ActorId, r.AtUtc });
        b.HasIndex(r => new { r.AppealId, r.AtUtc });
    }
}
