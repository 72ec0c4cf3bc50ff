using Microsoft.EntityFrameworkCore;
using MimeKit;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Mail;

/// <summary>
/// Delivers the outbox as e-mail. Each pass claims a batch of due messages (PostgreSQL: FOR UPDATE SKIP LOCKED, so
/// another node takes other rows; both engines: a conditional update that only one claimer wins), leases them for a
/// while, sends each and marks it processed. A failure keeps the message with its error and a later retry time that
/// doubles with each attempt; a message with nobody to write to is marked processed with a note.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, TimeProvider clock, MailSettings settings, IMailSender sender, ILogger<OutboxDispatcher> log)
{
    /// <summary>How long a claimed message is reserved for the claimer: long enough to send it, short enough to recover from a crash.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    readonly SemaphoreSlim _nudge = new(0, 1);

    public sealed record Result(int Sent, int Skipped, int Failed);

    /// <summary>Wakes the background loop (after a request wrote a letter that should not wait for the next tick).</summary>
    public void Nudge()
    {
        if (_nudge.CurrentCount == 0) try { _nudge.Release(); } catch (SemaphoreFullException) { }
    }

    internal async Task WaitForWorkAsync(PeriodicTimer timer, CancellationToken stop)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var tick = timer.WaitForNextTickAsync(either.Token).AsTask();
        var nudged = _nudge.WaitAsync(either.Token);
        await Task.WhenAny(tick, nudged);
        await either.CancelAsync();
        stop.ThrowIfCancellationRequested();
    }

    /// <summary>Sends everything that is due now, batch after batch, until nothing due is left to claim.</summary>
    public async Task<Result> RunOnceAsync(CancellationToken ct = default)
    {
        int sent = 0, skipped = 0, failed = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var claimed = await ClaimAsync(db, ct);
            if (claimed.Count == 0) break;
            var composer = new MailComposer(db, settings, scope.ServiceProvider.GetRequiredService<PublicUrl>(), scope.ServiceProvider.GetService<Intake.IFileStore>());
            foreach (var message in claimed)
            {
                var outcome = await DeliverAsync(db, composer, message, ct);
                if (outcome == Outcome.Sent) sent++; else if (outcome == Outcome.Skipped) skipped++; else failed++;
            }
        }
        return new(sent, skipped, failed);
    }

    enum Outcome { Sent, Skipped, Failed }

    async Task<Outcome> DeliverAsync(AppDbContext db, MailComposer composer, OutboxMessage message, CancellationToken ct)
    {
        Outcome outcome;
        string? note = null;
        try
        {
            // Staff learn of it in the office first: the notices are written once, even when the letter is retried.
            var notices = await Notifications.NoticeWriter.WriteAsync(db, message, clock.GetUtcNow().UtcDateTime, ct);
            var composed = await composer.ComposeAsync(message, ct);
            if (composed.Letter is { } letter)
            {
                await sender.SendAsync(ToMime(letter, message), ct);
                outcome = Outcome.Sent;
            }
            else
            {
                note = notices > 0 ? $"Уведомлений в рабочем месте: {notices}. {composed.Note}" : composed.Note;
                outcome = Outcome.Skipped;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning("Outbox message {Id} ({Type}), attempt {Attempt}: {Error}", message.Id, message.Type, message.Attempts, e.Message);
            note = $"{e.GetType().Name}: {e.Message}";
            outcome = Outcome.Failed;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var done = outcome != Outcome.Failed || message.Attempts >= settings.MaxAttempts;
        var lastError = outcome == Outcome.Failed && done ? $"Отправка прекращена после {message.Attempts} попыток. {note}" : note;
        var retryAt = done ? (DateTime?)null : now + Backoff(message.Attempts);
        var erase = done && MailComposer.CarriesSecret(message.Type);
        // Only the claimer's own lease is settled: a claimer that outlived its lease does not overwrite another's work.
        var lease = message.LockedUntilUtc;
        await db.Outbox.Where(m => m.Id == message.Id && m.LockedUntilUtc == lease && m.ProcessedAtUtc == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.ProcessedAtUtc, done ? now : null)
                .SetProperty(m => m.LockedUntilUtc, retryAt)
                .SetProperty(m => m.LastError, lastError)
                .SetProperty(m => m.Payload, m => erase ? "{}" : m.Payload), ct);
        return outcome;
    }

    /// <summary>1, 2, 4 … minutes after each failed attempt, at most an hour.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Max(0, attempts - 1))));

    /// <summary>
    /// Claims up to a batch of due messages: unprocessed, not leased (or the lease has run out, or the retry time has come).
    /// Each claim raises Attempts and sets a lease; only one claimer's update of a row can succeed.
    /// </summary>
    async Task<List<OutboxMessage>> ClaimAsync(AppDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + Lease;
        var size = Math.Max(1, settings.BatchSize);
        List<Guid> ids;
        if (db.IsPostgres)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            ids = await db.Database.SqlQuery<Guid>($"""
                SELECT "Id" AS "Value" FROM "Outbox"
                WHERE "ProcessedAtUtc" IS NULL AND ("LockedUntilUtc" IS NULL OR "LockedUntilUtc" <= {now})
                ORDER BY "CreatedAtUtc" LIMIT {size} FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
            if (ids.Count > 0)
                await db.Outbox.Where(m => ids.Contains(m.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntilUtc, until).SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
            await tx.CommitAsync(ct);
        }
        else
        {
            var candidates = await db.Outbox.AsNoTracking()
                .Where(m => m.ProcessedAtUtc == null && (m.LockedUntilUtc == null || m.LockedUntilUtc <= now))
                .OrderBy(m => m.CreatedAtUtc).Select(m => m.Id).Take(size).ToListAsync(ct);
            ids = [];
            // SQLite has one writer: each conditional update sees the row as the previous writer left it.
            foreach (var id in candidates)
                if (await db.Outbox.Where(m => m.Id == id && m.ProcessedAtUtc == null && (m.LockedUntilUtc == null || m.LockedUntilUtc <= now))
                        .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntilUtc, until).SetProperty(m => m.Attempts, m => m.Attempts + 1), ct) == 1)
                    ids.Add(id);
        }
        if (ids.Count == 0) return [];
        return await db.Outbox.AsNoTracking().Where(m => ids.Contains(m.Id)).OrderBy(m => m.CreatedAtUtc).ToListAsync(ct);
    }

    MimeMessage ToMime(Letter letter, OutboxMessage message)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(letter.From ?? settings.From));
        foreach (var to in letter.To) mime.To.Add(MailboxAddress.Parse(to));
        mime.Subject = letter.Subject;
        // The outbox id makes the Message-Id: a letter re-sent after a lost acknowledgement is recognisably the same.
        mime.MessageId = $"{message.Id:N}@otklik";
        // Dated as the letter is signed: the organisation's wall clock, with its offset.
        mime.Date = letter.Date ?? new DateTimeOffset(message.CreatedAtUtc, TimeSpan.Zero);
        mime.Headers.Add("X-Otklik-Type", message.Type);
        if (letter.InReplyTo is { } original)
        {
            mime.InReplyTo = original;
            mime.References.Add(original);
        }
        var text = new TextPart("plain") { Text = letter.Body };
        if (letter.Files.Count == 0)
        {
            mime.Body = text;
            return mime;
        }
        var mixed = new Multipart("mixed") { text };
        foreach (var file in letter.Files)
            mixed.Add(new MimePart(ContentType.Parse(file.ContentType))
            {
                Content = new MimeContent(new MemoryStream(file.Content)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = file.Name,
            });
        mime.Body = mixed;
        return mime;
    }
}

/// <summary>The background loop: a pass every 30 seconds, or at once when a request nudges it.</summary>
public sealed class OutboxDispatchService(OutboxDispatcher dispatcher, TimeProvider clock, ILogger<OutboxDispatchService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30), clock);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var result = await dispatcher.RunOnceAsync(stop);
                if (result.Sent + result.Failed > 0) log.LogInformation("Outbox: {Sent} sent, {Skipped} without a letter, {Failed} to retry", result.Sent, result.Skipped, result.Failed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Outbox dispatch failed; it will run again");
            }
            try { await dispatcher.WaitForWorkAsync(timer, stop); }
            catch (OperationCanceledException) { return; }
        }
    }
}
