using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Appeals;

namespace Otklik.Features.Roadmaps;

sealed class RoadmapConfiguration : IEntityTypeConfiguration<Roadmap>
{
    public void Configure(EntityTypeBuilder<Roadmap> b)
    {
        b.HasKey(r => r.AppealId);
        b.Property(r => r.AppealId).ValueGeneratedNever();
        b.Property(r => r.ChangeReason).HasMaxLength(2000);
        b.HasOne<Appeal>().WithOne(a => a.Roadmap).HasForeignKey<Roadmap>(r => r.AppealId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(r => r.Steps).WithOne().HasForeignKey(s => s.AppealId).OnDelete(DeleteBehavior.Restrict);
        b.Ignore(r => r.IsEditable);
        b.Ignore(r => r.Ordered);
    }
}

sealed class RoadmapStepConfiguration : IEntityTypeConfiguration<RoadmapStep>
{
    public void Configure(EntityTypeBuilder<RoadmapStep> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Title).HasMaxLength(RoadmapStep.MaxTitle);
        b.Property(s => s.Result).HasMaxLength(RoadmapStep.MaxResult);
        b.Property(s => s.Policy).HasMaxLength(50);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(s => s.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<HqDecision>().WithMany().HasForeignKey(s => s.HqDecisionId).OnDelete(DeleteBehavior.Restrict);
        b.Ignore(s => s.IsOpen);
        b.Ignore(s => s.IsApproved);
        // The roadmap watch reads only the steps whose moment has come; staff lists find the steps of their organisation.
        b.HasIndex(s => s.NextWatchAtUtc);
        b.HasIndex(s => new { s.OwnerOrganisationId, s.Status });
        b.HasIndex(s => new { s.AppealId, s.Order });
    }
}

sealed class HqDecisionConfiguration : IEntityTypeConfiguration<HqDecision>
{
    public void Configure(EntityTypeBuilder<HqDecision> b)
    {
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).ValueGeneratedNever();
        b.Property(d => d.Text).HasMaxLength(HqDecision.MaxText);
        b.HasOne<Appeal>().WithMany(a => a.HqDecisions).HasForeignKey(d => d.AppealId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(d => d.AppealId);
    }
}

sealed class RoadmapTemplateConfiguration : IEntityTypeConfiguration<RoadmapTemplate>
{
    public void Configure(EntityTypeBuilder<RoadmapTemplate> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).ValueGeneratedNever();
        b.Property(t => t.Name).HasMaxLength(RoadmapTemplate.MaxName);
        b.Property(t => t.Version).IsConcurrencyToken();
        b.HasOne<Directory.Topic>().WithMany().HasForeignKey(t => t.TopicId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(t => t.Steps).WithOne().HasForeignKey(s => s.TemplateId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => t.TopicId);
    }
}

sealed class RoadmapTemplateStepConfiguration : IEntityTypeConfiguration<RoadmapTemplateStep>
{
    public void Configure(EntityTypeBuilder<RoadmapTemplateStep> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Title).HasMaxLength(RoadmapStep.MaxTitle);
        b.Property(s => s.Policy).HasMaxLength(50);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(s => s.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>The HQ columns of an appeal (the rest of the appeal is configured in AppealConfiguration).</summary>
sealed class AppealHqConfiguration : IEntityTypeConfiguration<Appeal>
{
    public void Configure(EntityTypeBuilder<Appeal> b)
    {
        b.Property(a => a.HqEscalationReason).HasMaxLength(2000);
        b.Ignore(a => a.IsEscalatedToHq);
        // The HQ's list: the escalated complaints, newest first.
        b.HasIndex(a => a.HqEscalatedAtUtc);
    }
}
