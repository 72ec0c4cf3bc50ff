using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Directory;
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
    public DbSet<Features.Channels.MailboxState> MailboxStates => Set<Features.Channels.MailboxState>();
    public DbSet<Features.Channels.IncomingLetter> IncomingLetters => Set<Features.Channels.IncomingLetter>();
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
    public DbSet<Features.Surveys.Survey> Surveys => Set<Features.Surveys.Survey>();
    public DbSet<Features.Surveys.SurveyVersion> SurveyVersions => Set<Features.Surveys.SurveyVersion>();
    public DbSet<Features.Surveys.SurveyResponse> SurveyResponses => Set<Features.Surveys.SurveyResponse>();
    public DbSet<Features.Surveys.SurveyAnswer> SurveyAnswers => Set<Features.Surveys.SurveyAnswer>();
    public DbSet<Features.Surveys.SurveyInvitation> SurveyInvitations => Set<Features.Surveys.SurveyInvitation>();
    public DbSet<Features.Surveys.SurveyLink> SurveyLinks => Set<Features.Surveys.SurveyLink>();
    public DbSet<Features.Surveys.SurveyParticipation> SurveyParticipations => Set<Features.Surveys.SurveyParticipation>();
    public DbSet<Features.Surveys.Poll> Polls => Set<Features.Surveys.Poll>();
    public DbSet<Features.Surveys.PollVote> PollVotes => Set<Features.Surveys.PollVote>();
    public DbSet<Features.Surveys.PollResidence> PollResidences => Set<Features.Surveys.PollResidence>();
    public DbSet<Features.Discussions.Discussion> Discussions => Set<Features.Discussions.Discussion>();
    public DbSet<Features.Discussions.DiscussionFile> DiscussionFiles => Set<Features.Discussions.DiscussionFile>();
    public DbSet<Features.Discussions.DiscussionComment> DiscussionComments => Set<Features.Discussions.DiscussionComment>();
    public DbSet<Features.Portal.Submit.PendingAppeal> PendingAppeals => Set<Features.Portal.Submit.PendingAppeal>();
    public DbSet<Features.Search.SynonymGroup> SynonymGroups => Set<Features.Search.SynonymGroup>();
    public DbSet<Features.Social.ChannelThread> ChannelThreads => Set<Features.Social.ChannelThread>();
    public DbSet<Features.Social.ChannelState> ChannelStates => Set<Features.Social.ChannelState>();
    public DbSet<Features.Meetings.Meeting> Meetings => Set<Features.Meetings.Meeting>();
    public DbSet<Features.Meetings.MeetingParticipant> MeetingParticipants => Set<Features.Meetings.MeetingParticipant>();
    public DbSet<Features.Meetings.MeetingQuestion> MeetingQuestions => Set<Features.Meetings.MeetingQuestion>();
    public DbSet<Features.Moderation.SamePersonLink> SamePersonLinks => Set<Features.Moderation.SamePersonLink>();
    public DbSet<Features.Social.TelegramChat> TelegramChats => Set<Features.Social.TelegramChat>();
    public DbSet<Features.Social.ChannelLinkCode> ChannelLinkCodes => Set<Features.Social.ChannelLinkCode>();
    public DbSet<TopicQuestion> TopicQuestions => Set<TopicQuestion>();
    public DbSet<Features.Open311.Open311Key> Open311Keys => Set<Features.Open311.Open311Key>();
    public DbSet<Features.Webhooks.WebhookSubscription> WebhookSubscriptions => Set<Features.Webhooks.WebhookSubscription>();
    public DbSet<Features.Webhooks.WebhookDelivery> WebhookDeliveries => Set<Features.Webhooks.WebhookDelivery>();
    public DbSet<Features.Partners.PartnerSite> PartnerSites => Set<Features.Partners.PartnerSite>();
    public DbSet<Features.Partners.PartnerSiteAppeal> PartnerSiteAppeals => Set<Features.Partners.PartnerSiteAppeal>();
    public DbSet<Features.Platforms.PlatformMessage> PlatformMessages => Set<Features.Platforms.PlatformMessage>();
    public DbSet<Features.Exchange.Msed.DocumentPackage> DocumentPackages => Set<Features.Exchange.Msed.DocumentPackage>();
    public DbSet<Features.Analytics.RootCause> RootCauses => Set<Features.Analytics.RootCause>();
    public DbSet<Features.Analytics.RootCauseMeasure> RootCauseMeasures => Set<Features.Analytics.RootCauseMeasure>();
    public DbSet<Features.Analytics.SpikeDecision> SpikeDecisions => Set<Features.Analytics.SpikeDecision>();
    public DbSet<Features.Analytics.ReportSubscription> ReportSubscriptions => Set<Features.Analytics.ReportSubscription>();
    public DbSet<Features.Analytics.ArchivedReport> ArchivedReports => Set<Features.Analytics.ArchivedReport>();
    public DbSet<Features.Analytics.InformingCampaign> InformingCampaigns => Set<Features.Analytics.InformingCampaign>();
    public DbSet<Features.Analytics.InformingRecipient> InformingRecipients => Set<Features.Analytics.InformingRecipient>();
    public DbSet<Features.Analytics.ReviewSample> ReviewSamples => Set<Features.Analytics.ReviewSample>();
    public DbSet<Features.Analytics.AnswerReview> AnswerReviews => Set<Features.Analytics.AnswerReview>();
    public DbSet<Features.Business.SupportMeasure> SupportMeasures => Set<Features.Business.SupportMeasure>();
    public DbSet<Features.Business.RecipientUpload> RecipientUploads => Set<Features.Business.RecipientUpload>();
    public DbSet<Features.Business.SupportRecipient> SupportRecipients => Set<Features.Business.SupportRecipient>();
    public DbSet<Features.Business.SectionClock> SectionClocks => Set<Features.Business.SectionClock>();
    public DbSet<Features.Business.PortalDesk> PortalDesks => Set<Features.Business.PortalDesk>();
    public DbSet<Features.Business.PortalItem> PortalItems => Set<Features.Business.PortalItem>();
    public DbSet<Features.Business.EventRegistration> EventRegistrations => Set<Features.Business.EventRegistration>();
    public DbSet<Features.Business.MeasureSubscription> MeasureSubscriptions => Set<Features.Business.MeasureSubscription>();
    public DbSet<Features.Business.PortalRequest> PortalRequests => Set<Features.Business.PortalRequest>();
    public DbSet<Features.Business.PortalTrafficDay> PortalTraffic => Set<Features.Business.PortalTrafficDay>();
    public DbSet<Features.WebPush.WebPushSubscription> WebPushSubscriptions => Set<Features.WebPush.WebPushSubscription>();
    public DbSet<Features.WebPush.PushPreference> PushPreferences => Set<Features.WebPush.PushPreference>();
    public DbSet<Features.WebPush.WebPushDemoKey> WebPushDemoKeys => Set<Features.WebPush.WebPushDemoKey>();
    public DbSet<Features.Alerts.AlertSubscription> AlertSubscriptions => Set<Features.Alerts.AlertSubscription>();
    public DbSet<Features.Alerts.AlertWindow> AlertWindows => Set<Features.Alerts.AlertWindow>();
    public DbSet<Features.Teamwork.Announcement> TeamAnnouncements => Set<Features.Teamwork.Announcement>();
    public DbSet<Features.Teamwork.AnnouncementRecipient> TeamAnnouncementRecipients => Set<Features.Teamwork.AnnouncementRecipient>();
    public DbSet<Features.Teamwork.Chat> TeamChats => Set<Features.Teamwork.Chat>();
    public DbSet<Features.Teamwork.ChatMember> TeamChatMembers => Set<Features.Teamwork.ChatMember>();
    public DbSet<Features.Teamwork.ChatMessage> TeamChatMessages => Set<Features.Teamwork.ChatMessage>();
    public DbSet<Features.Teamwork.ChatRead> TeamChatReads => Set<Features.Teamwork.ChatRead>();
    public DbSet<Features.Teamwork.TeamTask> TeamTasks => Set<Features.Teamwork.TeamTask>();
    public DbSet<Features.Teamwork.SharedFolder> TeamFolders => Set<Features.Teamwork.SharedFolder>();
    public DbSet<Features.Teamwork.SharedFile> TeamFiles => Set<Features.Teamwork.SharedFile>();
    public DbSet<Features.Teamwork.TeamVisit> TeamVisits => Set<Features.Teamwork.TeamVisit>();

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

    // ---- The save pipeline: every writer (staff changes, intake and its group commit, sweeps, seed, import) saves
    // through here, so derived data never depends on the path. Search entries go into the same save (same transaction);
    // the public portal's cached pages of the changed published appeals are evicted once the change is committed. ----

    /// <summary>Numbers of published appeals changed by saves whose transaction has not committed yet.</summary>
    readonly HashSet<string> _stalePublicPages = [];

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardAppendOnly();
        Features.Search.SearchIndexer.Index(this);
        Features.Webhooks.WebhookFanOut.Collect(this);
        CollectStalePublicPages();
        var saved = base.SaveChanges(acceptAllChangesOnSuccess);
        if (Database.CurrentTransaction is null) EvictStalePublicPagesAsync(CancellationToken.None).GetAwaiter().GetResult();
        return saved;
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
        // Integrators' webhook deliveries of the history lines this save adds: same save, same transaction (ADR 0025).
        await Features.Webhooks.WebhookFanOut.CollectAsync(this, ct);
        CollectStalePublicPages();
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
        // Without an explicit transaction the save has committed; inside one, PublicPagesAfterCommit evicts on commit.
        if (Database.CurrentTransaction is null) await EvictStalePublicPagesAsync(ct);
        return saved;
    }

    /// <summary>A published appeal added, changed, unpublished or removed: its page and the public lists go stale.</summary>
    void CollectStalePublicPages()
    {
        foreach (var e in ChangeTracker.Entries<Appeal>())
            if (e.State switch
                {
                    EntityState.Added or EntityState.Deleted => e.Entity.IsPublic,
                    EntityState.Modified => e.Entity.IsPublic || e.Property(a => a.IsPublic).IsModified,
                    _ => false,
                })
                _stalePublicPages.Add(e.Entity.Number);
    }

    /// <summary>After a commit (or a save outside a transaction): the portal's cache forgets the changed appeals' pages.</summary>
    internal async Task EvictStalePublicPagesAsync(CancellationToken ct)
    {
        if (_stalePublicPages.Count == 0) return;
        var numbers = _stalePublicPages.ToList();
        _stalePublicPages.Clear();
        // The application's cache store; a context made outside the app (design time, the benchmark's loader) has none.
        var app = this.GetService<IDbContextOptions>().FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>()?.ApplicationServiceProvider;
        // Every node's cache (ClusterSignals: LISTEN/NOTIFY on PostgreSQL), this node's at once.
        if (app?.GetService(typeof(Infrastructure.ClusterSignals)) is Infrastructure.ClusterSignals signals)
        {
            foreach (var number in numbers) signals.Publish(Infrastructure.ClusterSignals.PublicPage, number);
            return;
        }
        if (app?.GetService(typeof(Microsoft.AspNetCore.OutputCaching.IOutputCacheStore)) is not Microsoft.AspNetCore.OutputCaching.IOutputCacheStore store) return;
        foreach (var number in numbers) await Features.Portal.Public.PublicCache.AppealChangedAsync(store, number, ct);
    }

    /// <summary>A rolled-back transaction changed nothing the public sees.</summary>
    internal void ForgetStalePublicPages() => _stalePublicPages.Clear();

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

/// <summary>The commit end of the save pipeline (<see cref="AppDbContext"/>): derived work that must wait for the commit.</summary>
public sealed class PublicPagesAfterCommit : Microsoft.EntityFrameworkCore.Diagnostics.DbTransactionInterceptor
{
    public static readonly PublicPagesAfterCommit Instance = new();

    public override void TransactionCommitted(System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData) =>
        (eventData.Context as AppDbContext)?.EvictStalePublicPagesAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override async Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction,
        Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, CancellationToken ct = default)
    {
        if (eventData.Context is AppDbContext db) await db.EvictStalePublicPagesAsync(ct);
    }

    public override void TransactionRolledBack(System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData) =>
        (eventData.Context as AppDbContext)?.ForgetStalePublicPages();

    public override Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction,
        Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, CancellationToken ct = default)
    {
        (eventData.Context as AppDbContext)?.ForgetStalePublicPages();
        return Task.CompletedTask;
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
