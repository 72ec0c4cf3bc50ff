using Otklik.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;

namespace Otklik.Features.Portal.My;

/// <summary>
/// Closes answered appeals the applicant has not rated within <see cref="PublicRoute.RatingDays"/> days of the answer.
/// Several nodes may sweep at once: a batch is claimed with a row lock that others skip (PostgreSQL) or under SQLite's
/// single writer, and each appeal is re-checked after the claim, so an appeal closes once and a rating given at the
/// same moment wins or loses cleanly at the version check.
/// </summary>
public sealed class RatingSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RatingSweep> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(5), "Rating sweep")
{
    public const int BatchSize = 200;
    public const string Reason = "Заявитель не оценил ответ в течение 10 дней.";

    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var closed = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), nowUtc, ct);
        if (closed > 0) Log.LogInformation("Rating sweep closed {Count} unrated appeals", closed);
    }

    /// <summary>One pass: batch after batch until nothing is due.</summary>
    public static async Task<int> RunOnceAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var cutoff = nowUtc.AddDays(-PublicRoute.RatingDays);
        var total = 0;
        var skipped = new List<Guid>();
        while (true)
        {
            var (closed, claimed) = await CloseBatchAsync(db, cutoff, skipped, nowUtc, ct);
            total += closed;
            if (claimed == 0) return total;
        }
    }

    static async Task<(int Closed, int Claimed)> CloseBatchAsync(AppDbContext db, DateTime cutoff, List<Guid> skipped, DateTime nowUtc, CancellationToken ct)
    {
        var sent = AppealStatus.AnswerSent.ToString();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        List<Guid> ids;
        if (db.IsPostgres)
        {
            var skip = skipped.ToArray();
            ids = await db.Database.SqlQuery<Guid>($"""
                SELECT "Id" AS "Value" FROM "Appeals"
                WHERE "Status" = {sent} AND "AnsweredAtUtc" <= {cutoff} AND NOT ("Id" = ANY({skip}))
                ORDER BY "AnsweredAtUtc" LIMIT {BatchSize} FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
        }
        else
            ids = await db.Appeals.Where(a => a.Status == AppealStatus.AnswerSent && a.AnsweredAtUtc <= cutoff && !skipped.Contains(a.Id))
                .OrderBy(a => a.AnsweredAtUtc).Select(a => a.Id).Take(BatchSize).ToListAsync(ct);
        if (ids.Count == 0) return (0, 0);

        var batch = await db.Appeals.Where(a => ids.Contains(a.Id)).ToListAsync(ct);
        var closed = 0;
        foreach (var appeal in batch)
        {
            // Re-checked after the claim: another sweep or the applicant's rating may have got there first.
            if (appeal.Status != AppealStatus.AnswerSent || appeal.AnsweredAtUtc is not { } answered || answered > cutoff)
            {
                skipped.Add(appeal.Id);
                continue;
            }
            appeal.Close(null, Reason, nowUtc);
            db.Outbox.Add(OutboxMessage.Create(MessageTypes.Closed, new { appeal.Id, appeal.Number, appeal.Applicant.Email, unrated = true }, appeal.Id, nowUtc));
            closed++;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (closed, ids.Count);
    }
}
