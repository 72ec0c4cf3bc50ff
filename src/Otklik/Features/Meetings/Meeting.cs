using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Appeals;

namespace Otklik.Features.Meetings;

/// <summary>
/// A meeting with business (issue 18.5, seed 001): when and where, which organisation organised it, who took part.
/// Each question raised there becomes an appeal of the «Встреча с бизнесом» channel through intake, linked to the
/// meeting by a <see cref="MeetingQuestion"/>; the meeting's page follows them to their answers.
/// </summary>
public sealed class Meeting
{
    public const int MaxTitle = 300, MaxPlace = 500;

    public Guid Id { get; set; }
    public string Title { get; set; } = "";
    public DateTime HeldAtUtc { get; set; }
    public string Place { get; set; } = "";
    public Guid OrganiserOrganisationId { get; set; }
    public Guid CreatedById { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}

public enum ParticipantSide { Official, Business }

/// <summary>One participant: an official (name, position, organisation) or an entrepreneur (name, company, INN, contacts).</summary>
public sealed class MeetingParticipant
{
    public Guid Id { get; set; }
    public Guid MeetingId { get; set; }
    public ParticipantSide Side { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The official's position, or the entrepreneur's role in the company.</summary>
    public string? Position { get; set; }
    public string? OrganisationName { get; set; }
    public string? Inn { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
}

/// <summary>A question raised at the meeting: the appeal it became, and who raised it.</summary>
public sealed class MeetingQuestion
{
    public Guid AppealId { get; set; }
    public Guid MeetingId { get; set; }
    public Guid? ParticipantId { get; set; }
    public DateTime AddedAtUtc { get; set; }
}

sealed class MeetingConfiguration : IEntityTypeConfiguration<Meeting>
{
    public void Configure(EntityTypeBuilder<Meeting> b)
    {
        b.HasKey(m => m.Id);
        b.Property(m => m.Title).HasMaxLength(Meeting.MaxTitle);
        b.Property(m => m.Place).HasMaxLength(Meeting.MaxPlace);
        b.HasIndex(m => new { m.OrganiserOrganisationId, m.HeldAtUtc });
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(m => m.OrganiserOrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class MeetingParticipantConfiguration : IEntityTypeConfiguration<MeetingParticipant>
{
    public void Configure(EntityTypeBuilder<MeetingParticipant> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.Side).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.Position).HasMaxLength(200);
        b.Property(p => p.OrganisationName).HasMaxLength(300);
        b.Property(p => p.Inn).HasMaxLength(12);
        b.Property(p => p.Phone).HasMaxLength(50);
        b.Property(p => p.Email).HasMaxLength(254);
        b.HasIndex(p => p.MeetingId);
        b.HasOne<Meeting>().WithMany().HasForeignKey(p => p.MeetingId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class MeetingQuestionConfiguration : IEntityTypeConfiguration<MeetingQuestion>
{
    public void Configure(EntityTypeBuilder<MeetingQuestion> b)
    {
        b.HasKey(q => q.AppealId);
        b.HasIndex(q => q.MeetingId);
        b.HasOne<Meeting>().WithMany().HasForeignKey(q => q.MeetingId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Appeal>().WithMany().HasForeignKey(q => q.AppealId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<MeetingParticipant>().WithMany().HasForeignKey(q => q.ParticipantId).OnDelete(DeleteBehavior.SetNull);
    }
}
