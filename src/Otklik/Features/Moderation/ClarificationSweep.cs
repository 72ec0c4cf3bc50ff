using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Moderation;

/// <summary>
/// Rejects appeals whose applicant has not answered a clarification request within 3 calendar days of receiving it.
/// Silence counts only after the question was delivered — its letter sent; a question that could not be sent (no
/// address, the mail server down) leaves the appeal with the moderator, who sees it waiting in «Ждут уточнения».
/// </summary>
public sealed class ClarificationSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ClarificationSweep> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(1), "Clarification sweep")
{
    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var rejected = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), nowUtc, ct);
        if (rejected > 0) Log.LogInformation("Clarification sweep rejected {Count} appeals", rejected);
    }

    /// <summary>One pass; each appeal is saved on its own so that a concurrent change of one does not stop the rest.</summary>
    public static async Task<int> RunOnceAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var due = await db.Appeals.Where(a => a.Status == AppealStatus.Clarification && a.ClarificationDueAtUtc <= nowUtc)
            .OrderBy(a => a.ClarificationDueAtUtc).Select(a => a.Id).Take(500).ToListAsync(ct);
        var count = 0;
        foreach (var id in due)
        {
            var appeal = await db.Appeals.SingleAsync(a => a.Id == id, ct);
            if (appeal.Status != AppealStatus.Clarification) continue;
            if (await DeliveredAtAsync(db, appeal, ct) is not { } delivered || delivered + (appeal.ClarificationDueAtUtc - appeal.ClarificationAskedAtUtc) > nowUtc)
            {
                db.ChangeTracker.Clear();
                continue;
            }
            appeal.ExpireClarification(nowUtc);
            db.Outbox.Add(OutboxMessage.Create(MessageTypes.Rejected, new { appeal.Id, appeal.Number, appeal.Applicant.Email, ground = appeal.OutcomeGround }, appeal.Id, nowUtc));
            try
            {
                await db.SaveChangesAsync(ct);
                count++;
            }
            catch (DbUpdateConcurrencyException)
            {
                // The applicant answered at the same moment: their answer wins.
            }
            db.ChangeTracker.Clear();
        }
        return count;
    }

    /// <summary>
    /// When the question of the current request reached the applicant: its letter's dispatch, processed without an
    /// error (a skipped letter — no address — or one given up after retries carries the reason in LastError), or the
    /// moderator's record that it was passed on another way (<see cref="Appeal.RecordClarificationDelivered"/>).
    /// </summary>
    public static async Task<DateTime?> DeliveredAtAsync(AppDbContext db, Appeal appeal, CancellationToken ct)
    {
        var asked = appeal.ClarificationAskedAtUtc;
        var type = MessageTypes.ClarificationRequested.Name;
        var letter = await db.Outbox.AsNoTracking()
            .Where(m => m.AppealId == appeal.Id && m.Type == type && m.CreatedAtUtc >= asked && m.ProcessedAtUtc != null && m.LastError == null)
            .OrderBy(m => m.ProcessedAtUtc).Select(m => m.ProcessedAtUtc).FirstOrDefaultAsync(ct);
        var other = await db.AppealEvents.AsNoTracking()
            .Where(e => e.AppealId == appeal.Id && e.Kind == EventKind.ClarificationDelivered && e.AtUtc >= asked)
            .OrderBy(e => e.AtUtc).Select(e => (DateTime?)e.AtUtc).FirstOrDefaultAsync(ct);
        return letter is null ? other : other is null ? letter : letter < other ? letter : other;
    }
}
