using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Routing;

/// <summary>
/// The co-executors' parts: an open part past its own deadline goes to the controller of its own organisation, once.
/// Runs with the deadline watch. Each appeal is changed under its lock (PostgreSQL: the row; SQLite: the single writer)
/// and re-checked after it, so two sweeps at once send each notice once.
/// </summary>
public static class PartWatch
{
    static readonly AppealStatus[] Done = [.. Appeal.Terminal, AppealStatus.AnswerSent];

    public static async Task<int> RunOnceAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var ids = await db.Appeals.AsNoTracking()
            .Where(a => !Done.Contains(a.Status)
                        && a.Parts.Any(p => p.Status == PartStatus.Open && p.EscalatedAtUtc == null && p.DueAtUtc != null && p.DueAtUtc < nowUtc))
            .Select(a => a.Id).ToListAsync(ct);
        var sent = 0;
        foreach (var id in ids)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (db.IsPostgres) await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM \"Appeals\" WHERE \"Id\" = {id} FOR UPDATE", ct);
            var appeal = await db.Appeals.Include(a => a.Parts).SingleAsync(a => a.Id == id, ct);
            var notices = appeal.EscalateOverdueParts(nowUtc);
            foreach (var n in notices)
                db.Outbox.Add(OutboxMessage.Create(MessageTypes.PartEscalated,
                    new { appealId = appeal.Id, appeal.Number, n.Level, n.Role, n.OrganisationId, n.PersonId, n.Title }, appeal.Id, nowUtc));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            sent += notices.Count;
        }
        return sent;
    }
}
