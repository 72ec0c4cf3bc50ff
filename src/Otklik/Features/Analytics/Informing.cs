using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MimeKit;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>Pending — the sweep has not reached it; Queued — handed to the outbox (Telegram, push), whose relay settles it.</summary>
public enum InformingState { Pending, Sent, Failed, Queued }

/// <summary>How a recipient of a campaign is told: a letter, a web push to their browsers, or a message from the bot.</summary>
public enum InformingChannel { Email, Push, Telegram }

/// <summary>
/// A targeted message («адресное информирование»): a letter to the applicants of a territory, a topic, a period of
/// receipt, or the followers of a root cause (any combination, at least one), chosen among the appeals the sender sees.
/// Consent: only applicants with a portal account that keeps e-mail news on (<c>NotifyByEmail</c>); an applicant
/// without an account never agreed to news and is counted, not written to.
/// </summary>
public sealed class InformingCampaign
{
    public const int MaxSubject = 200;
    public const int MaxText = 4000;

    public Guid Id { get; set; }
    public string Subject { get; set; } = "";
    public string Text { get; set; } = "";
    public Guid? TerritoryId { get; set; }
    public Guid? TopicId { get; set; }
    public DateOnly? FromOn { get; set; }
    public DateOnly? ToOn { get; set; }
    public Guid? RootCauseId { get; set; }
    public Guid CreatedById { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    /// <summary>Applicants matched who gave no consent (no account, or e-mail news off): counted, not written to.</summary>
    public int WithoutConsent { get; set; }
    /// <summary>
    /// The message is also shown on the portal's map (<c>/map</c>, «Сообщения для жителей») by its territory, to everyone,
    /// through this local date of the region inclusive; null — letters only. Needs <see cref="TerritoryId"/>: the map
    /// tells people of a place, and a public notice asks no consent.
    /// </summary>
    public DateOnly? OnMapUntil { get; set; }
    public DateTime? FinishedAtUtc { get; set; }
    public List<InformingRecipient> Recipients { get; set; } = [];
}

/// <summary>One address of a campaign on one channel and what became of its message.</summary>
public sealed class InformingRecipient
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public InformingChannel Channel { get; set; }
    /// <summary>The letter's address (empty for a push or a Telegram message).</summary>
    public string Email { get; set; } = "";
    /// <summary>The portal account told by push or Telegram.</summary>
    public Guid? PersonId { get; set; }
    /// <summary>The Telegram chat linked to that account on /my/telegram.</summary>
    public long? ChatId { get; set; }
    public InformingState State { get; set; }
    public string? Error { get; set; }
    public DateTime? AtUtc { get; set; }
}

sealed class InformingCampaignConfiguration : IEntityTypeConfiguration<InformingCampaign>
{
    public void Configure(EntityTypeBuilder<InformingCampaign> b)
    {
        b.ToTable("InformingCampaigns");
        b.Property(x => x.Subject).HasMaxLength(InformingCampaign.MaxSubject);
        b.Property(x => x.Text).HasMaxLength(InformingCampaign.MaxText);
        b.HasMany(x => x.Recipients).WithOne().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class InformingRecipientConfiguration : IEntityTypeConfiguration<InformingRecipient>
{
    public void Configure(EntityTypeBuilder<InformingRecipient> b)
    {
        b.ToTable("InformingRecipients");
        b.Property(x => x.Email).HasMaxLength(320);
        b.Property(x => x.Error).HasMaxLength(500);
        // The letters written before the other channels were letters.
        b.Property(x => x.Channel).HasDefaultValue(InformingChannel.Email);
        b.HasIndex(x => new { x.State, x.CampaignId });
    }
}

public static class Informing
{
    public sealed record Target(Guid? TerritoryId, Guid? TopicId, DateOnly? FromOn, DateOnly? ToOn, Guid? RootCauseId);
    /// <summary>
    /// Who a target reaches: the consenting addresses for letters, the consenting accounts with browsers subscribed and
    /// push on (<see cref="Push"/>), and those with a linked Telegram chat (<see cref="Telegram"/>: person and chat).
    /// </summary>
    public sealed record Preview(int Appeals, IReadOnlyList<string> Consented, int WithoutConsent, IReadOnlyList<Guid> Push, IReadOnlyList<(Guid Person, long Chat)> Telegram);
    public sealed record MapNotice(string Territory, string Subject, string Text, DateOnly Until, DateTime CreatedAtUtc);

    /// <summary>The longest a message stays on the portal's map: a notice, not a permanent page.</summary>
    public const int MaxDaysOnMap = 90;

    /// <summary>The messages the portal's map shows on <paramref name="today"/> (the region's local date), newest first.</summary>
    public static Task<List<MapNotice>> OnMapAsync(AppDbContext db, DateOnly today, CancellationToken ct) =>
        (from c in db.InformingCampaigns.AsNoTracking()
         where c.OnMapUntil != null && c.OnMapUntil >= today && c.TerritoryId != null
         join t in db.Territories on c.TerritoryId equals t.Id
         orderby c.CreatedAtUtc descending
         select new MapNotice(t.Name, c.Subject, c.Text, c.OnMapUntil!.Value, c.CreatedAtUtc)).Take(20).ToListAsync(ct);

    /// <summary>
    /// Settles a push recipient of a campaign from what became of one of its browsers' notifications (<paramref name="source"/>
    /// is the recipient's id; any other source is no campaign's and changes nothing): delivered to any browser — sent;
    /// refused or failed — failed with the reason, unless another browser of the person already got it. The campaign is
    /// finished when nothing of it is pending or queued any more.
    /// </summary>
    public static async Task SettlePushAsync(AppDbContext db, Guid source, string? error, DateTime nowUtc, CancellationToken ct)
    {
        var recipient = db.InformingRecipients.Where(r => r.Id == source && r.Channel == InformingChannel.Push);
        if (error is null)
            await recipient.ExecuteUpdateAsync(s => s.SetProperty(r => r.State, InformingState.Sent).SetProperty(r => r.Error, (string?)null).SetProperty(r => r.AtUtc, nowUtc), ct);
        else
        {
            error = error.Length > 500 ? error[..500] : error;
            await recipient.Where(r => r.State != InformingState.Sent)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, InformingState.Failed).SetProperty(r => r.Error, error).SetProperty(r => r.AtUtc, nowUtc), ct);
        }
        await db.InformingCampaigns.Where(c => c.FinishedAtUtc == null && c.Recipients.Any(r => r.Id == source)
                && !c.Recipients.Any(x => x.State == InformingState.Pending || x.State == InformingState.Queued))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.FinishedAtUtc, nowUtc), ct);
    }

    sealed record Row(string? Email, string? AccountEmail, Guid? PersonId, bool Consent);

    /// <summary>Who a target reaches among the appeals the person sees: distinct addresses with consent, and the rest counted.</summary>
    public static async Task<Preview> PreviewAsync(AppDbContext db, IQueryable<Appeal> visible, Target t, TimeSpan offset, CancellationToken ct)
    {
        if (t.TerritoryId is null && t.TopicId is null && t.FromOn is null && t.ToOn is null && t.RootCauseId is null)
            throw new InputException("territoryId", "request.required", "Выберите территорию, тему, период или первопричину.");
        if (t.FromOn > t.ToOn) throw new InputException("fromOn", "analytics.period", "Начало периода позже его конца.");
        var q = visible.AsNoTracking().Where(a => a.Status != AppealStatus.Merged);
        if (t.TerritoryId is { } p) q = await DrawnTerritories.AppealsInAsync(db, q, p, ct);
        if (t.TopicId is { } topic) q = q.Where(a => a.TopicId == topic);
        if (t.FromOn is { } from) { var f = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - offset; q = q.Where(a => a.ReceivedAtUtc >= f); }
        if (t.ToOn is { } to) { var e = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - offset; q = q.Where(a => a.ReceivedAtUtc < e); }
        if (t.RootCauseId is { } cause) q = q.Where(a => db.Set<RootCauseAppeal>().Any(x => x.RootCauseId == cause && x.AppealId == a.Id));
        var rows = await (from a in q
                          join u in db.Users on a.ApplicantUserId equals (Guid?)u.Id into accounts
                          from u in accounts.DefaultIfEmpty()
                          select new Row(a.Applicant.Email, u == null ? null : u.Email, u == null ? null : u.Id, u != null && u.NotifyByEmail))
            .ToListAsync(ct);
        var appeals = rows.Count;
        if (t.RootCauseId is not null)
        {
            // The followers of a known problem: who follows («подписка») one of its appeals, besides their applicants.
            // A visitor's alert by e-mail agreed to that appeal's news only, not to informing: counted, not written to.
            var ids = q.Select(a => a.Id);
            rows.AddRange(await (from s in db.AlertSubscriptions.AsNoTracking()
                                 where s.AppealId != null && ids.Contains(s.AppealId.Value) && s.ConfirmedAtUtc != null
                                 join u in db.Users on s.PersonId equals (Guid?)u.Id into accounts
                                 from u in accounts.DefaultIfEmpty()
                                 select new Row(s.Email, u == null ? null : u.Email, u == null ? null : u.Id, u != null && u.NotifyByEmail)).ToListAsync(ct));
        }
        var consented = rows.Where(r => r.Consent).Select(r => (r.Email ?? r.AccountEmail ?? "").Trim().ToLowerInvariant())
            .Where(e => e.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        var without = rows.Where(r => !r.Consent).Select(r => (r.Email ?? r.AccountEmail ?? "").Trim().ToLowerInvariant()).Distinct().Count();
        // Push and Telegram ask the same consent as the letter (news not turned off), and push its own switch besides.
        var people = rows.Where(r => r.Consent && r.PersonId is not null).Select(r => r.PersonId!.Value).Distinct().ToList();
        var push = people.Count == 0 ? [] : await db.PushPreferences.AsNoTracking()
            .Where(p => people.Contains(p.PersonId) && p.Enabled && db.WebPushSubscriptions.Any(w => w.PersonId == p.PersonId))
            .Select(p => p.PersonId).Distinct().ToListAsync(ct);
        var chats = people.Count == 0 ? [] : await db.TelegramChats.AsNoTracking().Where(c => c.PersonId != null && people.Contains(c.PersonId.Value))
            .Select(c => new { Person = c.PersonId!.Value, c.ChatId, c.UpdatedAtUtc }).ToListAsync(ct);
        // One chat a person: the latest linked, as the survey invitation does.
        var telegram = chats.GroupBy(c => c.Person).Select(g => g.OrderByDescending(c => c.UpdatedAtUtc).First()).OrderBy(c => c.Person)
            .Select(c => (c.Person, c.ChatId)).ToList();
        return new Preview(appeals, consented, without, [.. push.Order()], telegram);
    }
}

/// <summary>
/// Sends the campaigns' letters in the background: claims pending recipients in batches (FOR UPDATE SKIP LOCKED on
/// PostgreSQL; SQLite has one writer), sends each through the mail sender and records it sent or failed with the error;
/// a campaign is finished when none of its recipients is pending. The page shows the progress from these rows.
/// </summary>
public sealed class InformingSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<InformingSweep> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromSeconds(30), "Informing")
{
    public const int BatchSize = 50;

    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var sent = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), services.GetRequiredService<IMailSender>(),
            services.GetRequiredService<MailSettings>(), services.GetRequiredService<PublicUrl>(), nowUtc, ct, services.GetRequiredService<WebPush.PushRelay>());
        if (sent > 0) Log.LogInformation("Informing: {Count} letters", sent);
    }

    /// <summary>
    /// One pass: letters are sent here; a push is queued through <see cref="WebPush.PushRelay.QueueAsync"/> (which checks the
    /// person's own switch again; queued when at least one browser got a row, settled by <see cref="SettlePushAsync"/> when
    /// the push service answers); a Telegram message becomes an
    /// <c>informing.telegram</c> outbox row that <see cref="Social.ChannelRelay"/> sends and settles.
    /// </summary>
    public static async Task<int> RunOnceAsync(AppDbContext db, IMailSender sender, MailSettings settings, PublicUrl site, DateTime nowUtc, CancellationToken ct,
        WebPush.PushRelay? push = null)
    {
        var done = 0;
        while (true)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            List<InformingRecipient> batch = db.IsPostgres
                ? await db.InformingRecipients.FromSqlInterpolated($"""
                    SELECT * FROM "InformingRecipients" WHERE "State" = {InformingState.Pending.ToString()} LIMIT {BatchSize} FOR UPDATE SKIP LOCKED
                    """).ToListAsync(ct)
                : await db.InformingRecipients.Where(r => r.State == InformingState.Pending).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0) break;
            var ids = batch.Select(r => r.CampaignId).Distinct().ToList();
            var campaigns = await db.InformingCampaigns.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
            foreach (var r in batch)
            {
                var c = campaigns[r.CampaignId];
                if (r.Channel == InformingChannel.Telegram)
                {
                    // Its id is the recipient's own: a pass repeated after a crash never writes it twice.
                    if (!await db.Outbox.AnyAsync(m => m.Id == r.Id, ct))
                    {
                        var row = OutboxMessage.Create(MessageTypes.InformingTelegram, new { recipient = r.Id }, null, nowUtc);
                        row.Id = r.Id;
                        db.Outbox.Add(row);
                    }
                    r.State = InformingState.Queued;
                    r.AtUtc = nowUtc;
                    done++;
                    continue;
                }
                if (r.Channel == InformingChannel.Push)
                {
                    var queued = push is null || r.PersonId is not { } person ? 0
                        : await push.QueueAsync(person, new WebPush.PushRelay.Content(c.Subject, Shorten(c.Text), "/", $"informing-{c.Id:N}"), r.Id, null, ct);
                    // Queued: the outbox sends each browser's notification, and the relay settles this row from what the push service said.
                    (r.State, r.Error) = queued > 0 ? (InformingState.Queued, null)
                        : (InformingState.Failed, "Уведомления в браузере выключены или браузер отписался.");
                    r.AtUtc = nowUtc;
                    done++;
                    continue;
                }
                try
                {
                    var mime = new MimeMessage();
                    mime.From.Add(MailboxAddress.Parse(settings.From));
                    mime.To.Add(MailboxAddress.Parse(r.Email));
                    mime.Subject = c.Subject;
                    mime.Headers.Add("X-Otklik-Type", "informing.letter");
                    mime.Body = new TextPart("plain")
                    {
                        Text = $"Здравствуйте!\n\n{c.Text}\n\n—\nПортал «Отклик»: {site.Link("/")}\nВы получили это письмо, потому что не отказались от новостей по электронной почте. "
                            + $"Отказаться: {site.Link("/account/profile")}",
                    };
                    await sender.SendAsync(mime, ct);
                    r.State = InformingState.Sent;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    r.State = InformingState.Failed;
                    r.Error = e.Message.Length > 500 ? e.Message[..500] : e.Message;
                }
                r.AtUtc = nowUtc;
                done++;
            }
            await db.SaveChangesAsync(ct);
            await db.InformingCampaigns.Where(c => ids.Contains(c.Id) && c.FinishedAtUtc == null && !c.Recipients.Any(x => x.State == InformingState.Pending || x.State == InformingState.Queued))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.FinishedAtUtc, nowUtc), ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        return done;
    }

    /// <summary>A notification shows a line or two: the start of the text, the rest on the portal.</summary>
    public static string Shorten(string text) => text.Length <= 180 ? text : text[..179] + "…";
}
