using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Business;

/// <summary>The portal's own desks (seed 000): feedback about the portal (the administrator) and technical support (the curator).</summary>
public enum PortalDeskKind { Feedback, Support }

/// <summary>
/// Where a desk's requests go: the topic they are taken on (whose deadline rule is the desk's clock — 2 working days
/// for feedback, 1 for technical support, kept as rules, not in code) and the organisation that answers them.
/// </summary>
public sealed class PortalDesk
{
    public PortalDeskKind Kind { get; set; }
    public Guid TopicId { get; set; }
    public Guid OrganisationId { get; set; }

    public static string Title(PortalDeskKind kind) => kind == PortalDeskKind.Feedback ? "Отзыв о портале" : "Техническая поддержка";
}

sealed class PortalDeskConfiguration : IEntityTypeConfiguration<PortalDesk>
{
    public void Configure(EntityTypeBuilder<PortalDesk> b)
    {
        b.ToTable("PortalDesks");
        b.HasKey(d => d.Kind);
        b.HasOne<Directory.Topic>().WithMany().HasForeignKey(d => d.TopicId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(d => d.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
