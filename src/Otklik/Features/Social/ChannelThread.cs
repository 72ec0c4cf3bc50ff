using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Features.Appeals;

namespace Otklik.Features.Social;

/// <summary>
/// Where an appeal that came from a messenger or a social network is answered: the post or chat it came from, and
/// whether the answer reached it (ADR 0022). One per appeal; (Network, ExternalId) is unique, which makes a post or a
/// message delivered twice find the appeal it already made. It holds the author's public id and nothing else about them.
/// </summary>
public sealed class ChannelThread
{
    public Guid Id { get; set; }
    public Guid AppealId { get; set; }
    public Channel Channel { get; set; }
    /// <summary>"vk", "ok", "telegram" (an incident collector's network), or the bot's own: "tg-bot", "vk-message", "vk-wall".</summary>
    public string Network { get; set; } = "";
    /// <summary>The post's or message's id in its network.</summary>
    public string ExternalId { get; set; } = "";
    public string? Url { get; set; }
    /// <summary>The author's public id in the network (a profile id or a public nickname): never a name or a phone.</summary>
    public string? AuthorPublicId { get; set; }
    /// <summary>Where the answer goes: the collector's callback URL, the Telegram chat id, the VK peer or "owner_post_comment".</summary>
    public string ReplyTo { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
    /// <summary>When the answer was accepted by the network (the collector's callback, the bot API): "answered in the network".</summary>
    public DateTime? AnsweredInNetworkAtUtc { get; set; }
    public DateTime? LastAttemptAtUtc { get; set; }
    public string? LastError { get; set; }

    public static ChannelThread Of(Guid appealId, Channel channel, string network, string externalId, string replyTo, DateTime nowUtc,
        string? url = null, string? authorPublicId = null) => new()
    {
        Id = Guid.CreateVersion7(), AppealId = appealId, Channel = channel, Network = network, ExternalId = externalId, ReplyTo = replyTo,
        CreatedAtUtc = nowUtc, Url = url, AuthorPublicId = authorPublicId,
    };
}

/// <summary>
/// Each channel's own state for the office's channels page (issue 18.6): when it last received and sent, its last error.
/// One row per channel name ("incidents", "telegram", "vk", "telephony"); written by <see cref="ChannelStates.NoteAsync"/>.
/// </summary>
public sealed class ChannelState
{
    public string Name { get; set; } = "";
    /// <summary>Switched off by the administrator: the channel's endpoint answers 503 and the sender (Telegram, VK, the collector, the PBX) keeps what it sent and tries again later.</summary>
    public bool SwitchedOff { get; set; }
    /// <summary>The outage's start: the first failed delivery back to the channel, cleared by the next one that goes through. The administrator is told once per outage.</summary>
    public DateTime? FailingSinceUtc { get; set; }
    public DateTime? LastReceivedAtUtc { get; set; }
    public DateTime? LastSentAtUtc { get; set; }
    public DateTime? LastErrorAtUtc { get; set; }
    public string? LastError { get; set; }
    public long Received { get; set; }
    public long Refused { get; set; }
}

public static class ChannelStates
{
    public const string Incidents = "incidents", Telegram = "telegram", Vk = "vk", Telephony = "telephony";
    public static readonly string[] All = [Incidents, Telegram, Vk, Telephony];

    /// <summary>The channel's name as the office says it.</summary>
    public static string Label(string name) => name switch
    {
        Telegram => "Telegram", Vk => "ВКонтакте", Incidents => "Сборщики инцидентов из соцсетей", Telephony => "Телефон горячей линии (АТС)", _ => name,
    };

    /// <summary>False when the administrator switched the channel off on the channels page.</summary>
    public static async Task<bool> IsOnAsync(AppDbContext db, string name, CancellationToken ct) =>
        await db.ChannelStates.AsNoTracking().Where(s => s.Name == name).Select(s => (bool?)!s.SwitchedOff).SingleOrDefaultAsync(ct) ?? true;

    /// <summary>The answer of a switched-off channel's endpoint: 503, so the sender keeps the message and tries again later.</summary>
    public static IResult Off(string name) => TypedResults.Problem(title: $"Канал «{name}» выключен администратором; повторите позже.",
        statusCode: StatusCodes.Status503ServiceUnavailable, extensions: new Dictionary<string, object?> { ["code"] = "channel.disabled" });

    /// <summary>
    /// A delivery back to the channel failed: the error is kept, and the first failure of an outage (the conditional
    /// update only one caller wins) tells the region's administrators with a <c>channel.failed</c> notice, in a save of
    /// its own. True when this call began the outage.
    /// </summary>
    public static async Task<bool> FailAsync(AppDbContext db, IServiceProvider services, string name, string label, DateTime nowUtc, string error, CancellationToken ct)
    {
        await NoteAsync(db, name, What.Failed, nowUtc, error, ct);
        if (await db.ChannelStates.Where(s => s.Name == name && s.FailingSinceUtc == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.FailingSinceUtc, nowUtc), ct) == 0)
            return false;
        // The caller's context may hold the very change that failed: the notice is written through a context of its own.
        await using var scope = services.CreateAsyncScope();
        var own = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var root = await own.Organisations.AsNoTracking().Where(o => o.ParentId == null).OrderBy(o => o.Path).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
        var title = $"Канал «{label}» не работает: {error}";
        own.Outbox.Add(Infrastructure.OutboxMessage.Create(Mail.MessageTypes.ChannelFailed, new
        {
            title = title.Length > Notifications.Notification.MaxTitle ? title[..Notifications.Notification.MaxTitle] : title,
            role = Directory.Role.Administrator.ToString(), organisationId = root, channel = name,
        }, null, nowUtc));
        await own.SaveChangesAsync(ct);
        return true;
    }

    public enum What { Received, Sent, Refused, Failed }

    /// <summary>Notes what a channel just did, in a save of its own (the state is a monitor, not part of the caller's change).</summary>
    public static async Task NoteAsync(AppDbContext db, string name, What what, DateTime nowUtc, string? error, CancellationToken ct)
    {
        if (error is { Length: > 1000 }) error = error[..1000];
        var updated = what switch
        {
            What.Received => await db.ChannelStates.Where(s => s.Name == name)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastReceivedAtUtc, nowUtc).SetProperty(x => x.Received, x => x.Received + 1), ct),
            What.Sent => await db.ChannelStates.Where(s => s.Name == name)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSentAtUtc, nowUtc).SetProperty(x => x.FailingSinceUtc, (DateTime?)null), ct),
            What.Refused => await db.ChannelStates.Where(s => s.Name == name).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Refused, x => x.Refused + 1).SetProperty(x => x.LastErrorAtUtc, nowUtc).SetProperty(x => x.LastError, error), ct),
            _ => await db.ChannelStates.Where(s => s.Name == name).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.LastErrorAtUtc, nowUtc).SetProperty(x => x.LastError, error), ct),
        };
        if (updated > 0) return;
        var row = new ChannelState { Name = name };
        switch (what)
        {
            case What.Received: row.LastReceivedAtUtc = nowUtc; row.Received = 1; break;
            case What.Sent: row.LastSentAtUtc = nowUtc; break;
            case What.Refused: row.Refused = 1; row.LastErrorAtUtc = nowUtc; row.LastError = error; break;
            default: row.LastErrorAtUtc = nowUtc; row.LastError = error; break;
        }
        db.ChannelStates.Add(row);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // Another request made the row first: count this one on it.
            db.Entry(row).State = EntityState.Detached;
            await NoteAsync(db, name, what, nowUtc, error, ct);
        }
    }
}

sealed class ChannelThreadConfiguration : IEntityTypeConfiguration<ChannelThread>
{
    public void Configure(EntityTypeBuilder<ChannelThread> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Network).HasMaxLength(20);
        b.Property(t => t.ExternalId).HasMaxLength(200);
        b.Property(t => t.Url).HasMaxLength(1000);
        b.Property(t => t.AuthorPublicId).HasMaxLength(200);
        b.Property(t => t.ReplyTo).HasMaxLength(1000);
        b.Property(t => t.LastError).HasMaxLength(1000);
        b.HasIndex(t => new { t.Network, t.ExternalId }).IsUnique();
        b.HasIndex(t => t.AppealId).IsUnique();
        b.HasOne<Appeal>().WithMany().HasForeignKey(t => t.AppealId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class ChannelStateConfiguration : IEntityTypeConfiguration<ChannelState>
{
    public void Configure(EntityTypeBuilder<ChannelState> b)
    {
        b.HasKey(s => s.Name);
        b.Property(s => s.Name).HasMaxLength(40);
        b.Property(s => s.LastError).HasMaxLength(1000);
    }
}
