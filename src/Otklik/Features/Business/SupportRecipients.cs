using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Business;

/// <summary>
/// One month of a fund's register of support recipients as uploaded (seed 000: each municipal fund posts its register
/// monthly). A new upload for the same fund and month replaces the old one whole.
/// </summary>
public sealed class RecipientUpload
{
    public Guid Id { get; set; }
    public Guid OrganisationId { get; set; }
    /// <summary>The first day of the month the register covers.</summary>
    public DateOnly Month { get; set; }
    public string FileName { get; set; } = "";
    public int RowCount { get; set; }
    public Guid? UploadedById { get; set; }
    public DateTime UploadedAtUtc { get; set; }
}

/// <summary>A row of the register, with the federal register's columns (209-ФЗ ст. 8): recipient, ИНН, form, kind, amount, date.</summary>
public sealed class SupportRecipient
{
    public Guid Id { get; set; }
    public Guid UploadId { get; set; }
    public Guid OrganisationId { get; set; }
    public DateOnly Month { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The name in lower case: the public search by a part of the name, the same on both engines.</summary>
    public string NameKey { get; set; } = "";
    public string Inn { get; set; } = "";
    public string Form { get; set; } = "";
    public string Kind { get; set; } = "";
    public long AmountKopecks { get; set; }
    public DateOnly DecidedOn { get; set; }
}

sealed class RecipientUploadConfiguration : IEntityTypeConfiguration<RecipientUpload>
{
    public void Configure(EntityTypeBuilder<RecipientUpload> b)
    {
        b.ToTable("RecipientUploads");
        b.HasKey(u => u.Id);
        b.Property(u => u.FileName).HasMaxLength(300);
        b.HasIndex(u => new { u.OrganisationId, u.Month }).IsUnique();
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(u => u.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class SupportRecipientConfiguration : IEntityTypeConfiguration<SupportRecipient>
{
    public void Configure(EntityTypeBuilder<SupportRecipient> b)
    {
        b.ToTable("SupportRecipients");
        b.HasKey(r => r.Id);
        b.Property(r => r.Name).HasMaxLength(500);
        b.Property(r => r.NameKey).HasMaxLength(500);
        b.Property(r => r.Inn).HasMaxLength(12);
        b.Property(r => r.Form).HasMaxLength(200);
        b.Property(r => r.Kind).HasMaxLength(300);
        b.HasIndex(r => r.Inn);
        b.HasIndex(r => r.NameKey);
        b.HasIndex(r => r.UploadId);
        b.HasOne<RecipientUpload>().WithMany().HasForeignKey(r => r.UploadId).OnDelete(DeleteBehavior.Cascade);
    }
}
