using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Analytics;

public enum SpikeMark { Announced, Confirmed, Dismissed }

/// <summary>
/// What was done about a spike of one series and window, ending on <see cref="LastDay"/>: announced to the analysts,
/// confirmed as a root cause, or dismissed. It never touches the detector's counts or baselines, so a dismissal teaches
/// the detector nothing; it only keeps the same spike from being shown (or announced) again while its window lasts.
/// </summary>
public sealed class SpikeDecision
{
    public Guid Id { get; set; }
    /// <summary>Whose page it concerns: "region" for everyone who sees the region, else "person:{id}" (as the cache's audience).</summary>
    public string Audience { get; set; } = "";
    public string Series { get; set; } = "";
    public SpikeWindow Window { get; set; }
    public DateOnly LastDay { get; set; }
    public SpikeMark Mark { get; set; }
    public Guid? RootCauseId { get; set; }
    public Guid? PersonId { get; set; }
    public DateTime AtUtc { get; set; }

    /// <summary>Does this decision cover the spike of the same series and window ending on <paramref name="lastDay"/>? A day's spike is that day; a week's overlaps the week decided.</summary>
    public bool Covers(string series, SpikeWindow window, DateOnly lastDay) =>
        Series == series && Window == window && (window == SpikeWindow.Day ? LastDay == lastDay : LastDay <= lastDay && lastDay < LastDay.AddDays(7));
}

sealed class SpikeDecisionConfiguration : IEntityTypeConfiguration<SpikeDecision>
{
    public void Configure(EntityTypeBuilder<SpikeDecision> b)
    {
        b.ToTable("SpikeDecisions");
        b.Property(x => x.Audience).HasMaxLength(60);
        b.Property(x => x.Series).HasMaxLength(200);
        b.HasIndex(x => new { x.Audience, x.LastDay });
    }
}
