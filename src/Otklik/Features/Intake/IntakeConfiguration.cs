using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Infrastructure;

namespace Otklik.Features.Intake;

sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.FileName).HasMaxLength(255);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.Property(a => a.Sha256).HasMaxLength(64);
        b.Property(a => a.StorageKey).HasMaxLength(100);
        b.HasIndex(a => a.AppealId);
        b.Property(a => a.UploadedFrom).HasMaxLength(45);
        // The daily upload quota per address and per account (UploadLimits).
        b.HasIndex(a => new { a.UploadedFrom, a.UploadedAtUtc });
        b.HasIndex(a => new { a.UploadedById, a.UploadedAtUtc });
        b.HasOne<Appeal>().WithMany().HasForeignKey(a => a.AppealId).OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class OutboxConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("Outbox");
        b.HasKey(m => m.Id);
        b.Property(m => m.Type).HasMaxLength(100);
        b.Property(m => m.LastError).HasMaxLength(2000);
        b.HasIndex(m => new { m.ProcessedAtUtc, m.CreatedAtUtc });
        // What one appeal's applicant was told (the portal's timeline, the clarification sweep's delivery check).
        b.HasIndex(m => new { m.AppealId, m.CreatedAtUtc });
    }
}
