using Microsoft.EntityFrameworkCore;
using MimeKit;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Mail;

/// <summary>
/// Delivers the outbox as e-mail, one letter at a time (issue 21 item 5). Each letter is claimed on its own
/// (PostgreSQL: FOR UPDATE SKIP LOCKED, so another node takes another row; both engines: a conditional update that only
/// one claimer wins) with a lease of <see cref="MailSettings.LeaseSeconds"/>; the claim raises Attempts, and that number
/// is the claim's token. Just before the letter goes to the relay the claim is checked and renewed in one conditional
/// update on the token: a claimer whose lease ran out and was taken over by another node stops there and sends nothing.
/// The send itself is cut off at half the lease, so a renewed claim always outlives the send it covers. A failure keeps
/// the message with its error and a later retry time that doubles with each attempt; a message with nobody to write to
/// is marked processed with a note. What remains is the relay accepting a letter whose acknowledgement is lost: it is
/// sent again with the same Message-Id (the outbox id), which receiving servers and people recognise (ADR 0030).
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, TimeProvider clock, MailSettings settings, IMailSender sender, ILogger<OutboxDispatcher> log,
    ClusterSignals? signals = null)
{
    /// <summary>How long a claimed message is reserved for its claimer: long enough to send it, short enough to recover from a crash.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(2, settings.LeaseSeconds));

    /// <summary>A send that takes longer is abandoned (and retried later): half the lease, so the claim is still held when it ends.</summary>
    public TimeSpan SendTimeout => Lease / 2;

    readonly SemaphoreSlim _nudge = new(0, 1);

    public sealed record Result(int Sent, int Skipped, int Failed);

    /// <summary>
    /// Wakes the background loop (after a request wrote a letter that should not wait for the next tick) — on every node,
    /// since the node that took the request may run no dispatcher (Otklik:Workers off).
    /// </summary>
    public void Nudge()
    {
        if (signals is null) WakeHere(); else signals.Publish(ClusterSignals.Outbox);
    }

    /// <summary>Wakes this node's loop (a nudge signalled by any node).</summary>
    public void WakeHere()
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

    /// <summary>Sends everything that is due now, letter after letter, until nothing due is left to claim.</summary>
    public async Task<Result> RunOnceAsync(CancellationToken ct = default)
    {
        int sent = 0, skipped = 0, failed = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            if (await ClaimAsync(db, ct) is not { } message) break;
            var composer = new MailComposer(db, settings, scope.ServiceProvider.GetRequiredService<PublicUrl>(), scope.ServiceProvider.GetService<Attachments.IFileStore>());
            var relays = scope.ServiceProvider.GetServices<IOutboxRelay>().ToList();
            var outcome = await DeliverAsync(db, composer, relays, message, ct);
            if (outcome == Outcome.Sent) sent++; else if (outcome == Outcome.Skipped) skipped++; else if (outcome == Outcome.Failed) failed++;
        }
        return new(sent, skipped, failed);
    }

    enum Outcome { Sent, Skipped, Failed, Lost }

    async Task<Outcome> DeliverAsync(AppDbContext db, MailComposer composer, IReadOnlyList<IOutboxRelay> relays, OutboxMessage message, CancellationToken ct)
    {
        Outcome outcome;
        string? note = null;
        try
        {
            // Every relay writes its own rows for the message (ADR 0047): a messenger's or network's appeal is also told where it
            // came from, the applicant's subscribed browsers get a push (ADR 0040), an outside platform's callback hears each
            // status in order (ADR 0043) — each a row of its own, retried on its own.
            foreach (var r in relays) await r.FanOutAsync(message, ct);
            // Staff learn of it in the office first: the notices are written once, even when the letter is retried.
            var notices = await Notifications.NoticeWriter.WriteAsync(db, message, clock.GetUtcNow().UtcDateTime, ct);
            // A relayed message is no letter: its relay sends it (or throws, and it is retried) and says what it did. It leaves
            // at once, like a letter, so the claim must still be ours (and is renewed) before it goes.
            var relay = relays.FirstOrDefault(r => r.Sends.Any(t => t.Name == message.Type));
            if (relay is not null && !await RenewAsync(db, message, ct))
            {
                log.LogInformation("Outbox message {Id}: the claim was taken over by another dispatcher; not sent here", message.Id);
                return Outcome.Lost;
            }
            var composed = relay is not null ? Composed.Skip(await relay.SendAsync(message, ct)) : await composer.ComposeAsync(message, ct);
            if (composed.Letter is { } letter)
            {
                var mime = ToMime(letter, message);
                // The last moment before the letter leaves: is the claim still ours? Renewed in the same statement, so the
                // lease now runs a full term from here, longer than the send may take.
                if (!await RenewAsync(db, message, ct))
                {
                    log.LogInformation("Outbox message {Id}: the claim was taken over by another dispatcher; not sent here", message.Id);
                    return Outcome.Lost;
                }
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
                limit.CancelAfter(SendTimeout);
                try { await sender.SendAsync(mime, limit.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"Почтовый сервер не принял письмо за {SendTimeout.TotalSeconds:0} с.");
                }
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
        // Only the claimer's own claim (its attempt number) is settled: a claimer that lost it does not overwrite another's work.
        var attempt = message.Attempts;
        await db.Outbox.Where(m => m.Id == message.Id && m.Attempts == attempt && m.ProcessedAtUtc == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.ProcessedAtUtc, done ? now : null)
                .SetProperty(m => m.LockedUntilUtc, retryAt)
                .SetProperty(m => m.LastError, lastError)
                .SetProperty(m => m.Payload, m => erase ? "{}" : m.Payload), ct);
        return outcome;
    }

    /// <summary>
    /// Checks and renews the claim in one conditional update: true when the row is still unprocessed and carries this
    /// claim's attempt number (nobody claimed it since), and its lease now runs a full term from now.
    /// </summary>
    async Task<bool> RenewAsync(AppDbContext db, OutboxMessage message, CancellationToken ct)
    {
        var until = clock.GetUtcNow().UtcDateTime + Lease;
        var attempt = message.Attempts;
        return await db.Outbox.Where(m => m.Id == message.Id && m.Attempts == attempt && m.ProcessedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntilUtc, until), ct) == 1;
    }

    /// <summary>1, 2, 4 … minutes after each failed attempt, at most an hour.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Max(0, attempts - 1))));

    /// <summary>
    /// Claims the oldest due message: unprocessed, not leased (or the lease has run out, or the retry time has come).
    /// The claim raises Attempts (the claim's token) and sets a lease; only one claimer's update of a row can succeed.
    /// </summary>
    async Task<OutboxMessage?> ClaimAsync(AppDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + Lease;
        if (db.IsPostgres)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var ids = await db.Database.SqlQuery<Guid>($"""
                SELECT "Id" AS "Value" FROM "Outbox"
                WHERE "ProcessedAtUtc" IS NULL AND ("LockedUntilUtc" IS NULL OR "LockedUntilUtc" <= {now})
                ORDER BY "CreatedAtUtc" LIMIT 1 FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
            if (ids.Count == 0) return null;
            var id = ids[0];
            await db.Outbox.Where(m => m.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntilUtc, until).SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
            await tx.CommitAsync(ct);
            return await db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id, ct);
        }
        // SQLite has one writer: each conditional update sees the row as the previous writer left it. A claim lost to
        // another dispatcher moves on to the next candidate.
        while (true)
        {
            var candidates = await db.Outbox.AsNoTracking()
                .Where(m => m.ProcessedAtUtc == null && (m.LockedUntilUtc == null || m.LockedUntilUtc <= now))
                .OrderBy(m => m.CreatedAtUtc).Select(m => m.Id).Take(8).ToListAsync(ct);
            if (candidates.Count == 0) return null;
            foreach (var id in candidates)
                if (await db.Outbox.Where(m => m.Id == id && m.ProcessedAtUtc == null && (m.LockedUntilUtc == null || m.LockedUntilUtc <= now))
                        .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntilUtc, until).SetProperty(m => m.Attempts, m => m.Attempts + 1), ct) == 1)
                    return await db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id, ct);
        }
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
        if (letter.Unsubscribe is { } unsubscribe)
        {
            // RFC 8058: an https (here: the configured public) URL, and the POST body the mail program sends to it.
            mime.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
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
                using var activity = Infrastructure.Telemetry.Source.StartActivity("outbox dispatch");
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
