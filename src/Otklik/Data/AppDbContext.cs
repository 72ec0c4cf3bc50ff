using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Intake;
using Otklik.Infrastructure;

namespace Otklik.Data;

/// <summary>The one context. Each provider has a subclass only so that each keeps its own migration set.</summary>
public abstract class AppDbContext(DbContextOptions options) : IdentityUserContext<Person, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<RoleAssignment> RoleAssignments => Set<RoleAssignment>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Territory> Territories => Set<Territory>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Topic> Topics => Set<Topic>();
    public DbSet<TopicRoute> TopicRoutes => Set<TopicRoute>();
    public DbSet<Appeal> Appeals => Set<Appeal>();
    public DbSet<AppealEvent> AppealEvents => Set<AppealEvent>();
    public DbSet<AppealPart> AppealParts => Set<AppealPart>();
    public DbSet<AppealCounter> AppealCounters => Set<AppealCounter>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<Features.Deadlines.CalendarYear> CalendarYears => Set<Features.Deadlines.CalendarYear>();
    public DbSet<Features.Deadlines.CalendarDay> CalendarDays => Set<Features.Deadlines.CalendarDay>();
    public DbSet<Features.Deadlines.DeadlineRule> DeadlineRules => Set<Features.Deadlines.DeadlineRule>();
    public DbSet<Features.Routing.RoutingRule> RoutingRules => Set<Features.Routing.RoutingRule>();
    public DbSet<Features.Routing.RoutingRuleSet> RoutingRuleSets => Set<Features.Routing.RoutingRuleSet>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Features.Roadmaps.Roadmap> Roadmaps => Set<Features.Roadmaps.Roadmap>();
    public DbSet<Features.Roadmaps.RoadmapStep> RoadmapSteps => Set<Features.Roadmaps.RoadmapStep>();
    public DbSet<Features.Roadmaps.HqDecision> HqDecisions => Set<Features.Roadmaps.HqDecision>();
    public DbSet<Features.Roadmaps.RoadmapTemplate> RoadmapTemplates => Set<Features.Roadmaps.RoadmapTemplate>();
    public DbSet<Features.Search.SearchEntry> SearchEntries => Set<Features.Search.SearchEntry>();
    public DbSet<Features.Knowledge.Article> Articles => Set<Features.Knowledge.Article>();
    public DbSet<Features.Knowledge.ArticleVersion> ArticleVersions => Set<Features.Knowledge.ArticleVersion>();
    public DbSet<Features.Knowledge.AnswerTemplate> AnswerTemplates => Set<Features.Knowledge.AnswerTemplate>();
    public DbSet<Features.Audit.AuditRecord> AuditRecords => Set<Features.Audit.AuditRecord>();
    public DbSet<Features.Notifications.Notification> Notifications => Set<Features.Notifications.Notification>();
    public DbSet<Features.Notifications.NoticePreference> NoticePreferences => Set<Features.Notifications.NoticePreference>();
    public DbSet<Features.Portal.Submit.PendingAppeal> PendingAppeals => Set<Features.Portal.Submit.PendingAppeal>();
    public DbSet<Features.Search.SynonymGroup> SynonymGroups => Set<Features.Search.SynonymGroup>();

    public abstract bool IsPostgres { get; }

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        b.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly, t => t.Namespace?.StartsWith("Otklik", StringComparison.Ordinal) == true);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder c)
    {
        // Enums are stored by name: readable in the database and safe when members are added.
        c.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
        c.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        c.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardAppendOnly();
        Features.Search.SearchIndexer.Index(this);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
    {
        GuardAppendOnly();
        return SaveIndexedAsync(acceptAllChangesOnSuccess, ct);
    }

    /// <summary>The search entries of the changed appeals and articles go into the same save, hence the same transaction.</summary>
    async Task<int> SaveIndexedAsync(bool acceptAllChangesOnSuccess, CancellationToken ct)
    {
        await Features.Search.SearchIndexer.IndexAsync(this, ct);
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
    }

    /// <summary>History is append-only: an update or delete of an event is a bug, refused before it reaches the database.</summary>
    void GuardAppendOnly()
    {
        ChangeTracker.DetectChanges();
        foreach (var entry in ChangeTracker.Entries<AppealEvent>())
            if (entry.State is EntityState.Modified or EntityState.Deleted)
                throw new InvalidOperationException("Appeal history is append-only.");
        // So is the personal-data audit trail; its retention sweep deletes old lines with one set-based DELETE (ADR 0016).
        foreach (var entry in ChangeTracker.Entries<Features.Audit.AuditRecord>())
            if (entry.State is EntityState.Modified or EntityState.Deleted)
                throw new InvalidOperationException("The audit trail is append-only.");
    }
}

public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> o) : AppDbContext(o)
{
    public override bool IsPostgres => false;
}

public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> o) : AppDbContext(o)
{
    public override bool IsPostgres => true;
}

/// <summary>Every instant is UTC; values read back are marked so, whatever the provider returns.</summary>
sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

/// <summary>The last appeal number issued in a year.</summary>
public sealed class AppealCounter
{
    public int Year { get; set; }
    public int Last { get; set; }
}
