using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Business;

/// <summary>What a request through the portal's forms is about (seed 000's «Ответы на запросы пользователей»).</summary>
public enum PortalRequestKind { Fund, Site, Incubator, Measure, Feedback, Support }

/// <summary>
/// A request made through a contact form of the business portal: the appeal it became (answered and watched like any
/// appeal, on its topic's clock), what it was about and to whom. The fortnightly report counts these by kind with their
/// timeliness. Written in the intake's own transaction.
/// </summary>
public sealed class PortalRequest
{
    public Guid AppealId { get; set; }
    public PortalRequestKind Kind { get; set; }
    public Guid OrganisationId { get; set; }
    /// <summary>The business site or incubator the request is about.</summary>
    public Guid? ItemId { get; set; }
    public DateTime CreatedAtUtc { get; set; }

    public static string KindName(PortalRequestKind k) => k switch
    {
        PortalRequestKind.Fund => "Вопросы через формы связи фондов",
        PortalRequestKind.Site => "Запросы по бизнес-площадкам",
        PortalRequestKind.Incubator => "Запросы на размещение в бизнес-инкубаторе",
        PortalRequestKind.Measure => "Вопросы по мерам поддержки",
        PortalRequestKind.Feedback => "Отзывы о портале",
        _ => "Запросы в техническую поддержку",
    };
}

sealed class PortalRequestConfiguration : IEntityTypeConfiguration<PortalRequest>
{
    public void Configure(EntityTypeBuilder<PortalRequest> b)
    {
        b.ToTable("PortalRequests");
        b.HasKey(r => r.AppealId);
        b.HasIndex(r => r.CreatedAtUtc);
        b.HasOne<Appeals.Appeal>().WithMany().HasForeignKey(r => r.AppealId).OnDelete(DeleteBehavior.Cascade);
    }
}
