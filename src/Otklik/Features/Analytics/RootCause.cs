using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

public enum RootCauseStatus { Open, InProgress, Resolved }

/// <summary>
/// A root cause («первопричина»): a problem many appeals share, with the appeals linked to it and the measures that fix
/// it. It belongs to an organisation (<see cref="OrganisationId"/>): those whose roles reach that organisation see it,
/// and so do those who reach the owner of one of its measures (they must carry the measure out).
/// </summary>
public sealed class RootCause
{
    public const int MaxTitle = 300;
    public const int MaxDescription = 4000;

    public Guid Id { get; private set; }
    public string Title { get; private set; } = "";
    public string? Description { get; private set; }
    public Guid? TopicId { get; private set; }
    public Guid? TerritoryId { get; private set; }
    public Guid OrganisationId { get; private set; }
    public RootCauseStatus Status { get; private set; }
    /// <summary>The spike it was made from (its series key and window), when it was.</summary>
    public string? SpikeSeries { get; private set; }
    public Guid CreatedById { get; private set; }
    public DateTime CreatedAtUtc { get; private set; }
    /// <summary>Shown on the portal as a known problem («известная проблема»); new appeals on its topic and territory are linked to it.</summary>
    public bool IsPublic { get; private set; }
    public DateTime? PublishedAtUtc { get; private set; }
    public DateTime? ResolvedAtUtc { get; private set; }
    public List<RootCauseAppeal> Appeals { get; private set; } = [];
    public List<RootCauseMeasure> Measures { get; private set; } = [];

    RootCause() { }

    public static RootCause Create(string title, string? description, Guid? topicId, Guid? territoryId, Guid organisationId, string? spikeSeries,
        Guid personId, DateTime nowUtc)
    {
        var errors = new InputErrors();
        title = title.Trim();
        if (title.Length == 0) errors.Add("title", "request.required", "Укажите, в чём проблема.");
        else if (title.Length > MaxTitle) errors.Add("title", "request.too_long", $"Не длиннее {MaxTitle} знаков.");
        if (description?.Length > MaxDescription) errors.Add("description", "request.too_long", $"Не длиннее {MaxDescription} знаков.");
        errors.ThrowIfAny();
        return new RootCause
        {
            Id = Guid.CreateVersion7(), Title = title, Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
            TopicId = topicId, TerritoryId = territoryId, OrganisationId = organisationId, Status = RootCauseStatus.Open,
            SpikeSeries = spikeSeries, CreatedById = personId, CreatedAtUtc = nowUtc,
        };
    }

    /// <summary>Links an appeal; false when it is linked already.</summary>
    public bool Link(Guid appealId, bool fromSpike, DateTime nowUtc, bool automatic = false, bool suggested = false)
    {
        if (Appeals.Any(a => a.AppealId == appealId)) return false;
        Appeals.Add(new RootCauseAppeal { RootCauseId = Id, AppealId = appealId, FromSpike = fromSpike, Automatic = automatic, Suggested = suggested, LinkedAtUtc = nowUtc });
        return true;
    }

    /// <summary>
    /// Shows the record on the portal. Only a record with a topic and a territory: that pair is what new appeals are
    /// linked by, and a card with neither would draw every appeal of the region.
    /// </summary>
    public void Publish(DateTime nowUtc)
    {
        if (TopicId is null || TerritoryId is null)
            throw new InputException("publish", "request.invalid", "На портале показывается только первопричина с темой и территорией.");
        if (Status == RootCauseStatus.Resolved) throw new InputException("publish", "request.invalid", "Проблема уже устранена.");
        if (IsPublic) return;
        IsPublic = true;
        PublishedAtUtc = nowUtc;
    }

    public void Unpublish() => IsPublic = false;

    /// <summary>Changes the status; true when the record has just become resolved (its followers are then told).</summary>
    public bool SetStatus(RootCauseStatus status, DateTime nowUtc)
    {
        var resolvedNow = status == RootCauseStatus.Resolved && Status != RootCauseStatus.Resolved;
        Status = status;
        ResolvedAtUtc = status == RootCauseStatus.Resolved ? ResolvedAtUtc ?? nowUtc : null;
        return resolvedNow;
    }

    public RootCauseMeasure AddMeasure(string text, Guid ownerOrganisationId, DateOnly? dueOn, DateOnly today, DateTime nowUtc)
    {
        var errors = new InputErrors();
        text = text.Trim();
        if (text.Length == 0) errors.Add("measureText", "request.required", "Опишите меру.");
        else if (text.Length > RootCauseMeasure.MaxText) errors.Add("measureText", "request.too_long", $"Не длиннее {RootCauseMeasure.MaxText} знаков.");
        if (dueOn is null) errors.Add("dueOn", "request.required", "Укажите срок.");
        else if (dueOn < today) errors.Add("dueOn", "request.in_past", "Срок не может быть в прошлом.");
        errors.ThrowIfAny();
        var measure = new RootCauseMeasure
        {
            Id = Guid.CreateVersion7(), RootCauseId = Id, Text = text, OwnerOrganisationId = ownerOrganisationId, DueOn = dueOn!.Value, CreatedAtUtc = nowUtc,
        };
        Measures.Add(measure);
        // Measures being taken: the record says so until someone marks it resolved.
        if (Status == RootCauseStatus.Open) Status = RootCauseStatus.InProgress;
        return measure;
    }

}

/// <summary>An appeal linked to a root cause, by hand or from the spike it was made from.</summary>
public sealed class RootCauseAppeal
{
    public Guid RootCauseId { get; set; }
    public Guid AppealId { get; set; }
    public bool FromSpike { get; set; }
    /// <summary>Linked by the watch because it came on the public card's topic and territory (<see cref="RootCauseWatch"/>).</summary>
    public bool Automatic { get; set; }
    /// <summary>Linked by a person accepting a suggestion of similar text and place (<see cref="CauseSuggestions"/>).</summary>
    public bool Suggested { get; set; }
    public DateTime LinkedAtUtc { get; set; }
}

/// <summary>A measure against a root cause: what, which organisation answers for it, by when.</summary>
public sealed class RootCauseMeasure
{
    public const int MaxText = 1000;

    public Guid Id { get; set; }
    public Guid RootCauseId { get; set; }
    public string Text { get; set; } = "";
    public Guid OwnerOrganisationId { get; set; }
    public DateOnly DueOn { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? DoneAtUtc { get; set; }
    /// <summary>How far the watch has told the owner: at risk (the day before), overdue (the day after) — each once.</summary>
    public WatchLevel NotifiedLevel { get; set; }

    /// <summary>Late: not done and its due day is over (in the viewer's local calendar).</summary>
    public bool IsOverdue(DateOnly today) => DoneAtUtc is null && DueOn < today;
}

sealed class RootCauseConfiguration : IEntityTypeConfiguration<RootCause>
{
    public void Configure(EntityTypeBuilder<RootCause> b)
    {
        b.ToTable("RootCauses");
        b.Property(x => x.Title).HasMaxLength(RootCause.MaxTitle);
        b.Property(x => x.Description).HasMaxLength(RootCause.MaxDescription);
        b.Property(x => x.SpikeSeries).HasMaxLength(200);
        b.HasIndex(x => x.OrganisationId);
        b.HasIndex(x => new { x.IsPublic, x.TopicId, x.TerritoryId });
        b.HasMany(x => x.Appeals).WithOne().HasForeignKey(x => x.RootCauseId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Measures).WithOne().HasForeignKey(x => x.RootCauseId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class RootCauseAppealConfiguration : IEntityTypeConfiguration<RootCauseAppeal>
{
    public void Configure(EntityTypeBuilder<RootCauseAppeal> b)
    {
        b.ToTable("RootCauseAppeals");
        b.HasKey(x => new { x.RootCauseId, x.AppealId });
        b.HasIndex(x => x.AppealId);
        b.HasOne<Appeal>().WithMany().HasForeignKey(x => x.AppealId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class RootCauseMeasureConfiguration : IEntityTypeConfiguration<RootCauseMeasure>
{
    public void Configure(EntityTypeBuilder<RootCauseMeasure> b)
    {
        b.ToTable("RootCauseMeasures");
        b.Property(x => x.Text).HasMaxLength(RootCauseMeasure.MaxText);
        b.HasIndex(x => x.OwnerOrganisationId);
        b.HasIndex(x => new { x.DoneAtUtc, x.DueOn });
        b.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>Who sees and who manages root causes.</summary>
public static class RootCauseAccess
{
    /// <summary>Those who record root causes and measures: the analyst, an organisation's head (controller), its administrator.</summary>
    public static readonly Role[] Managers = [Role.Analyst, Role.Controller, Role.Administrator];

    /// <summary>The records the person sees: of an organisation they reach, or with a measure owned by one.</summary>
    public static async Task<IQueryable<RootCause>> VisibleAsync(AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        var scope = (await user.ScopeAsync(ct, AppealAccess.Viewers)).ToList();
        return db.RootCauses.Where(c => scope.Contains(c.OrganisationId) || c.Measures.Any(m => scope.Contains(m.OwnerOrganisationId)));
    }

    /// <summary>The organisations the person may record a root cause for or give a measure to.</summary>
    public static Task<HashSet<Guid>> ManagedAsync(CurrentUser user, CancellationToken ct) => user.ScopeAsync(ct, Managers);
}
