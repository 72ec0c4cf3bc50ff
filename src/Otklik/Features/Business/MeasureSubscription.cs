using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Business;

/// <summary>
/// An entrepreneur's subscription to new support measures that fit their profile (issue 23.2): the business kind,
/// the ОКВЭД code, the municipality and, optionally, the form of support. One per portal account; a measure published
/// for the first time writes one <c>business.new_measure</c> letter (and a web push, if the person turned «Уведомления
/// в браузере» on) per subscription it fits, in the same save as the measure.
/// </summary>
public sealed class MeasureSubscription
{
    public Guid Id { get; set; }
    public Guid PersonId { get; set; }
    public BusinessKinds Kinds { get; set; }
    public string? Okved { get; set; }
    public Guid? TerritoryId { get; set; }
    public SupportForm? Form { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime UpdatedAtUtc { get; set; }

    /// <summary>Does <paramref name="m"/> fit this profile? The same rules as the catalogue's filters.</summary>
    public bool Fits(SupportMeasure m) =>
        (Kinds == BusinessKinds.None || m.Kinds == BusinessKinds.None || (m.Kinds & Kinds) != 0)
        && SupportMeasure.FitsOkved(m.Okved, Okved)
        && (TerritoryId is null || m.TerritoryId is null || m.TerritoryId == TerritoryId)
        && (Form is null || m.Form == Form);
}

public static class MeasureSubscriptions
{
    /// <summary>
    /// Writes the letters about a measure published just now to every subscription it fits (the caller saves them with
    /// the measure). Returns how many.
    /// </summary>
    public static async Task<int> NotifyAsync(AppDbContext db, SupportMeasure measure, DateTime nowUtc, CancellationToken ct)
    {
        var subscriptions = await db.MeasureSubscriptions.AsNoTracking().ToListAsync(ct);
        var n = 0;
        foreach (var s in subscriptions.Where(s => s.Fits(measure)))
        {
            db.Outbox.Add(OutboxMessage.Create(MessageTypes.NewMeasure, new { personId = s.PersonId, measureId = measure.Id, title = measure.Title }, null, nowUtc));
            n++;
        }
        return n;
    }
}

sealed class MeasureSubscriptionConfiguration : IEntityTypeConfiguration<MeasureSubscription>
{
    public void Configure(EntityTypeBuilder<MeasureSubscription> b)
    {
        b.ToTable("MeasureSubscriptions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Kinds).HasConversion<int>();
        b.Property(s => s.Okved).HasMaxLength(10);
        b.HasIndex(s => s.PersonId).IsUnique();
        b.HasOne<Directory.Territory>().WithMany().HasForeignKey(s => s.TerritoryId).OnDelete(DeleteBehavior.SetNull);
    }
}
