using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Business;

/// <summary>The sections of the business portal (seed 000's table of sections, owners and periods).</summary>
public enum PortalSection { Measures, Recipients, Institutions, Sites, News, Events, SuccessStories, Official, Analytics, Incubators }

/// <summary>How far the watch has gone for a stale clock: each level is told once per staleness.</summary>
public enum FreshnessLevel { Fresh, Stale, OwnerTold, AdministratorTold }

/// <summary>
/// A section's clock for one owner organisation: it must be updated at least every <see cref="PeriodDays"/> days
/// (the recipients register monthly by each fund, news twice a month, success stories quarterly…). Any update in the
/// section by the owner resets it; the watch (<see cref="SectionWatch"/>) marks it stale, tells the owner, then the
/// portal's administrator.
/// </summary>
public sealed class SectionClock
{
    public Guid Id { get; set; }
    public PortalSection Section { get; set; }
    public Guid OrganisationId { get; set; }
    public int PeriodDays { get; set; }
    public DateTime LastUpdatedAtUtc { get; set; }
    public FreshnessLevel Level { get; set; }
    public DateTime? StaleSinceUtc { get; set; }
    public int Version { get; set; }

    public DateTime DueAtUtc => LastUpdatedAtUtc.AddDays(PeriodDays);

    /// <summary>The owner updated the section: the clock starts again and the staleness ends.</summary>
    public void Touch(DateTime nowUtc)
    {
        LastUpdatedAtUtc = nowUtc;
        Level = FreshnessLevel.Fresh;
        StaleSinceUtc = null;
        Version++;
    }

    /// <summary>
    /// The watch's decision, a pure function of the clock: the next level to record at <paramref name="nowUtc"/>, or null.
    /// Stale once the period has passed, the owner told at once; the administrator told when the owner has left it stale
    /// for <paramref name="grace"/> more.
    /// </summary>
    public FreshnessLevel? NextLevel(DateTime nowUtc, TimeSpan grace) => Level switch
    {
        FreshnessLevel.Fresh when nowUtc >= DueAtUtc => FreshnessLevel.OwnerTold,
        FreshnessLevel.Stale => FreshnessLevel.OwnerTold,
        FreshnessLevel.OwnerTold when nowUtc >= (StaleSinceUtc ?? DueAtUtc) + grace => FreshnessLevel.AdministratorTold,
        _ => null,
    };

    /// <summary>The seed 000 regulation's periods, in days.</summary>
    public static int DefaultPeriod(PortalSection section) => section switch
    {
        PortalSection.News => 15,
        PortalSection.SuccessStories or PortalSection.Official or PortalSection.Analytics => 92,
        PortalSection.Institutions => 92,
        _ => 31,
    };

    public static string Name(PortalSection section) => section switch
    {
        PortalSection.Measures => "Инструменты поддержки",
        PortalSection.Recipients => "Реестр получателей поддержки",
        PortalSection.Institutions => "Институты развития",
        PortalSection.Sites => "Бизнес-площадки",
        PortalSection.News => "Новости",
        PortalSection.Events => "Мероприятия",
        PortalSection.SuccessStories => "Истории успеха",
        PortalSection.Official => "Официальная информация",
        PortalSection.Analytics => "Рынок / аналитика",
        PortalSection.Incubators => "Бизнес-инкубаторы",
        _ => section.ToString(),
    };
}

sealed class SectionClockConfiguration : IEntityTypeConfiguration<SectionClock>
{
    public void Configure(EntityTypeBuilder<SectionClock> b)
    {
        b.ToTable("SectionClocks");
        b.HasKey(c => c.Id);
        b.Ignore(c => c.DueAtUtc);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasIndex(c => new { c.Section, c.OrganisationId }).IsUnique();
        b.HasIndex(c => new { c.Level, c.LastUpdatedAtUtc });
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
