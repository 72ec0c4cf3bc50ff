using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Notifications;

/// <summary>
/// The daily digest: once the day's moment (<see cref="NoticeSettings.DigestAtUtc"/>) has come, each person who chose
/// the digest for some kind gets one letter with every such notice written before that moment and not mailed yet. The
/// notices are claimed by a conditional update that stamps them with the letter's id (only one node's update of a row
/// can succeed: PostgreSQL re-checks the row after the other's lock, SQLite has one writer), and the letter is written
/// to the outbox in the same transaction, so a notice is mailed once.
/// </summary>
public sealed class NoticeDigest(IServiceScopeFactory scopes, TimeProvider clock, NoticeSettings settings, ILogger<NoticeDigest> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(10), "Notice digest")
{
    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var letters = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), settings, nowUtc, ct);
        if (letters > 0)
        {
            Log.LogInformation("Notice digest: {Letters} letters", letters);
            services.GetRequiredService<OutboxDispatcher>().Nudge();
        }
    }

    /// <summary>The last digest moment at or before <paramref name="nowUtc"/>: today's, or yesterday's before today's has come.</summary>
    public static DateTime CutoffUtc(NoticeSettings settings, DateTime nowUtc)
    {
        var today = DateOnly.FromDateTime(nowUtc).ToDateTime(settings.DigestAtUtc, DateTimeKind.Utc);
        return today <= nowUtc ? today : today.AddDays(-1);
    }

    /// <summary>Writes the digest letters due at <paramref name="nowUtc"/>; returns how many.</summary>
    public static async Task<int> RunOnceAsync(AppDbContext db, NoticeSettings settings, DateTime nowUtc, CancellationToken ct)
    {
        var cutoff = CutoffUtc(settings, nowUtc);
        var people = await db.Notifications.AsNoTracking()
            .Where(n => n.Delivery == NoticeDelivery.Digest && n.LetterId == null && n.CreatedAtUtc < cutoff)
            .Select(n => n.PersonId).Distinct().ToListAsync(ct);
        var letters = 0;
        foreach (var person in people)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var letter = OutboxMessage.Create(Mail.MessageTypes.NoticeDigest, new { personId = person, cutoffUtc = cutoff }, null, nowUtc);
            var claimed = await db.Notifications
                .Where(n => n.PersonId == person && n.Delivery == NoticeDelivery.Digest && n.LetterId == null && n.CreatedAtUtc < cutoff)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.LetterId, letter.Id), ct);
            if (claimed > 0)
            {
                db.Outbox.Add(letter);
                await db.SaveChangesAsync(ct);
                letters++;
            }
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        return letters;
    }
}
