using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Partners;

/// <summary>
/// A partner site that embeds the appeal form (issue 19, item 4): the investment portal, a fund's site, a
/// municipality's site. The region administrator registers it; the form it embeds (/embed/{Key}) routes every appeal
/// to <see cref="OrganisationId"/> on one of <see cref="TopicIds"/>, may be framed only by <see cref="AllowedOrigins"/>,
/// and takes at most <see cref="HourlyLimit"/> appeals an hour.
/// </summary>
public sealed class PartnerSite
{
    public Guid Id { get; set; }
    /// <summary>The public key in the embed address and the script tag: lower-case latin letters, digits and dashes.</summary>
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public Guid OrganisationId { get; set; }
    /// <summary>The topics offered on the form, comma-separated ids; the first is preselected.</summary>
    public string TopicIds { get; set; } = "";
    /// <summary>The origins allowed to frame the form, space-separated (<c>https://invest.example.ru</c>).</summary>
    public string AllowedOrigins { get; set; } = "";
    public int HourlyLimit { get; set; } = 30;
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAtUtc { get; set; }

    public IReadOnlyList<Guid> Topics => [.. TopicIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse)];
    public IReadOnlyList<string> Origins => AllowedOrigins.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>An origin as the browser writes it (scheme://host[:port], no path), or null when the text is not one.</summary>
    public static string? NormaliseOrigin(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(uri.UserInfo) || uri.PathAndQuery is not ("/" or "") || !string.IsNullOrEmpty(uri.Fragment)) return null;
        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }
}

/// <summary>
/// Which partner site an appeal came from: a row of its own rather than a column of the appeal, written in the same
/// transaction as the appeal (intake's onCreated). Also the per-site rate limit's count.
/// </summary>
public sealed class PartnerSiteAppeal
{
    public Guid AppealId { get; set; }
    public Guid SiteId { get; set; }
    public DateTime ReceivedAtUtc { get; set; }
}

sealed class PartnerSiteConfiguration : IEntityTypeConfiguration<PartnerSite>
{
    public void Configure(EntityTypeBuilder<PartnerSite> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Key).HasMaxLength(60);
        b.HasIndex(s => s.Key).IsUnique();
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.TopicIds).HasMaxLength(2000);
        b.Property(s => s.AllowedOrigins).HasMaxLength(2000);
        b.Ignore(s => s.Topics);
        b.Ignore(s => s.Origins);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class PartnerSiteAppealConfiguration : IEntityTypeConfiguration<PartnerSiteAppeal>
{
    public void Configure(EntityTypeBuilder<PartnerSiteAppeal> b)
    {
        b.HasKey(s => s.AppealId);
        b.HasIndex(s => new { s.SiteId, s.ReceivedAtUtc });
        b.HasOne<Appeals.Appeal>().WithOne().HasForeignKey<PartnerSiteAppeal>(s => s.AppealId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<PartnerSite>().WithMany().HasForeignKey(s => s.SiteId).OnDelete(DeleteBehavior.Restrict);
    }
}
