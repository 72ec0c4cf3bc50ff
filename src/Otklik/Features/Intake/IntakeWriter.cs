using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Deadlines;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Intake;

/// <summary>
/// Group commit for intake (ADR 0014). A submission is validated and planned by its own request, concurrently; only the
/// writing is serial, because the year's numbers have no gaps (ADR 0002): the counter row is locked from the number's
/// taking to the commit. So the submissions that are waiting when the writer comes round are written together: one
/// counter update for all of them, one transaction, one commit (one fsync). Each request is answered after that commit,
/// never before: an accepted appeal is durable.
/// <para>
/// If a batch fails (a twin committed by another node in the meantime, a file taken by a concurrent submission), it is
/// rolled back — numbers and all — and each of its submissions is written again on its own, so a failure reaches only the
/// submission that caused it. The writing runs on a task of its own, not on any request's thread or cancellation.
/// </para>
/// </summary>
public sealed class IntakeWriter(IServiceScopeFactory scopes, ILogger<IntakeWriter> log)
{
    /// <summary>More waiting submissions than this are written by the next batch: one batch stays a short transaction.</summary>
    public const int MaxBatch = 64;

    /// <summary>A submission ready to be written: validated, its deadlines and its routing planned.</summary>
    /// <param name="ReceivedAtUtc">When the channel received it, if earlier than now (a letter keyed in the next day).</param>
    public sealed record Prepared(Appeal.Draft Draft, int Year, DateTime NowUtc, DeadlineClock Deadlines, Routing.AutoRouting.Plan Plan,
        Guid? ActorId, Guid[]? AttachmentIds, Action<Appeal, DateTime, AppDbContext>? OnCreated, DateTime? ReceivedAtUtc = null);

    sealed class Pending(Prepared submission)
    {
        public Prepared Submission { get; } = submission;
        public TaskCompletionSource<IntakeApi.Submitted> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    readonly ConcurrentQueue<Pending> queue = new();
    int writing;

    /// <summary>Counts the batches written (and the submissions in them), for the performance notes and the tests.</summary>
    public long Batches, Written;

    /// <summary>Test hooks: told how many submissions wait after each one queues; awaited before each batch is written.</summary>
    internal Action<int>? Queued;
    internal Func<Task>? BeforeBatch;

    /// <summary>
    /// Queues the submission and waits for its commit. Cancelling the wait does not cancel the write: the appeal may still
    /// be accepted, and the same idempotency key then finds it.
    /// </summary>
    public Task<IntakeApi.Submitted> WriteAsync(Prepared submission, CancellationToken ct)
    {
        var pending = new Pending(submission);
        queue.Enqueue(pending);
        Queued?.Invoke(queue.Count);
        if (Interlocked.CompareExchange(ref writing, 1, 0) == 0) _ = Task.Run(DrainAsync, CancellationToken.None);
        return pending.Done.Task.WaitAsync(ct);
    }

    async Task DrainAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (true)
        {
            while (batch.Count < MaxBatch && queue.TryDequeue(out var next)) batch.Add(next);
            if (batch.Count == 0)
            {
                Volatile.Write(ref writing, 0);
                // A submission queued between the last look and the release would wait for nobody: look once more.
                if (queue.IsEmpty || Interlocked.CompareExchange(ref writing, 1, 0) != 0) return;
                continue;
            }
            if (BeforeBatch is { } hook) await hook();
            await WriteBatchAsync(batch);
            batch.Clear();
        }
    }

    async Task WriteBatchAsync(List<Pending> batch)
    {
        try
        {
            var results = await TryWriteAsync(batch);
            Interlocked.Increment(ref Batches);
            Interlocked.Add(ref Written, batch.Count);
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
        }
        catch (Exception e) when (batch.Count > 1)
        {
            log.LogInformation(e, "An intake batch of {Count} failed; writing its submissions one by one", batch.Count);
            foreach (var one in batch) await WriteBatchAsync([one]);
        }
        catch (Exception e)
        {
            batch[0].Done.TrySetException(e);
        }
    }

    async Task<IntakeApi.Submitted[]> TryWriteAsync(List<Pending> batch)
    {
        var ct = CancellationToken.None;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var results = new IntakeApi.Submitted[batch.Count];
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Twins: an earlier request with the same idempotency key or channel message, in this batch or already written.
            // A key reused for another request fails the batch, and then that submission alone.
            var keys = new Dictionary<string, (Guid Id, string? RequestHash)>(StringComparer.Ordinal);
            var messages = new Dictionary<(Channel, string), Guid>();
            var fresh = new List<int>();
            for (var i = 0; i < batch.Count; i++)
            {
                var d = batch[i].Submission.Draft;
                Guid? twin;
                if (d.IdempotencyKey is { } key && keys.TryGetValue(key, out var first))
                    twin = first.RequestHash == d.RequestHash ? first.Id : throw SubmitAppeal.KeyReused();
                else if (d.ChannelMessageId is { } message && messages.TryGetValue((d.Channel, message), out var same))
                    twin = same;
                else
                    twin = await SubmitAppeal.EarlierTwinAsync(db, d, ct);
                if (twin is { } earlier)
                {
                    results[i] = new(earlier, false);
                    continue;
                }
                var id = Guid.CreateVersion7(new DateTimeOffset(batch[i].Submission.NowUtc, TimeSpan.Zero));
                if (d.IdempotencyKey is { } k) keys[k] = (id, d.RequestHash);
                if (d.ChannelMessageId is { } m) messages[(d.Channel, m)] = id;
                results[i] = new(id, true);
                fresh.Add(i);
            }

            foreach (var year in fresh.GroupBy(i => batch[i].Submission.Year))
            {
                var sequence = await IntakeApi.NextSequenceAsync(db, year.Key, ct, count: year.Count()) - year.Count();
                foreach (var i in year)
                    results[i] = results[i] with { Written = Create(db, batch[i].Submission, results[i].AppealId, year.Key, ++sequence) };
            }
            await db.SaveChangesAsync(ct);
            foreach (var i in fresh)
            {
                // Bound after the appeal rows exist (the foreign key), and only if still unbound: a file taken by a
                // concurrent submission in the meantime fails the batch, and then this submission alone.
                if (batch[i].Submission.AttachmentIds is not { Length: > 0 } ids) continue;
                var appealId = results[i].AppealId;
                var uploader = batch[i].Submission.ActorId;
                var bound = await db.Attachments.Where(a => ids.Contains(a.Id) && a.AppealId == null && a.UploadedById == uploader && a.Purpose == AttachmentPurpose.Appeal)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.AppealId, appealId), ct);
                if (bound != ids.Distinct().Count())
                    throw new InputException("attachmentIds", "attachments.unknown", "Некоторые файлы не найдены или уже прикреплены к другому обращению.",
                        StatusCodes.Status422UnprocessableEntity);
            }
            await tx.CommitAsync(ct);
            return results;
        }
        catch (DbUpdateException) when (batch.Count == 1)
        {
            // The unique indexes are the last guard (a twin written by another node since the look above): answer with
            // the winner's appeal. The rollback gave the number back.
            db.ChangeTracker.Clear();
            if (await SubmitAppeal.EarlierTwinAsync(db, batch[0].Submission.Draft, ct) is { } winner) return [new(winner, false)];
            throw;
        }
    }

    static Appeal Create(AppDbContext db, Prepared s, Guid id, int year, int sequence)
    {
        var (plan, now) = (s.Plan, s.NowUtc);
        // Received (and so moderated and due) from the channel's own date; numbered and written now.
        var appeal = Appeal.Submit(s.Draft, year, sequence, s.ReceivedAtUtc ?? now, s.Deadlines, id);
        Routing.AutoRouting.Apply(plan, appeal, s.ActorId, now);
        db.Appeals.Add(appeal);
        db.Outbox.Add(OutboxMessage.Create(MessageTypes.Received, new { appeal.Id, appeal.Number, appeal.Applicant.Email }, appeal.Id, now));
        if (plan.Decision.Matched)
        {
            appeal.ApplyDeadlines(appeal.ExecutorOrganisationId is { } executor && appeal.Status == AppealStatus.Registered ? plan.Clocks[executor] : s.Deadlines, now);
            if (appeal.Status == AppealStatus.Registered)
                db.Outbox.Add(OutboxMessage.Create(MessageTypes.Registered, new { appeal.Id, appeal.Number, appeal.Applicant.Email, appeal.DueAtUtc,
                    appeal.AnswerDueDate, appeal.AnswerDueAtUtc, organisation = appeal.ExecutorOrganisationId }, appeal.Id, now));
        }
        s.OnCreated?.Invoke(appeal, now, db);
        return appeal;
    }
}
