using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Intake;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Channels;

/// <summary>
/// Reads one mailbox over IMAP and turns each new letter into an appeal in moderation (through <see cref="SubmitAppeal"/>
/// as the mailbox's <see cref="IntakeActor.ChannelWorker"/>), the applicant's reply to an appeal, an ignored machine
/// letter, or a quarantined one (ADR 0020). The mailbox is opened read-only: nothing is deleted or flagged on the
/// server; how far it was read is the last UID taken, saved after each letter, so a failure part-way resumes with the
/// next letter, and a letter read twice is recognised by its Message-ID (the appeal's channel message id, and the
/// unique letter row) — never lost, never doubled.
/// </summary>
public sealed class MailboxReader(AppDbContext db, SubmitAppeal intake, MailIntakeSettings settings, TimeProvider clock,
    Deadlines.DeadlineClocks clocks, IFileStore files, OutboxDispatcher outbox, ILogger<MailboxReader> log)
{
    public sealed record Pass(int Appeals, int Replies, int Ignored, int Quarantined, string? Error);

    /// <summary>Test hook: runs before each letter is taken (a connection dropped mid-pass, a slow server).</summary>
    internal static Func<MailboxSettings, long, Task>? BeforeLetter;

    public async Task<Pass> PollAsync(MailboxSettings box, CancellationToken ct)
    {
        var state = await db.MailboxStates.SingleOrDefaultAsync(s => s.Name == box.Name, ct);
        if (state is null)
        {
            state = new MailboxState { Name = box.Name };
            db.MailboxStates.Add(state);
            await db.SaveChangesAsync(ct);
        }
        if (!state.Enabled) return new(0, 0, 0, 0, null);
        int appeals = 0, replies = 0, ignored = 0, quarantined = 0;
        try
        {
            using var imap = new ImapClient { Timeout = 30_000 };
            await imap.ConnectAsync(box.Host, box.Port, box.Socket, ct);
            await imap.AuthenticateAsync(box.User, box.Password, ct);
            var inbox = imap.Inbox;
            await inbox.OpenAsync(FolderAccess.ReadOnly, ct);
            if (inbox.UidValidity != state.UidValidity)
            {
                // The server renumbered the mailbox: read it again from the start; the Message-IDs keep it from doubling.
                state.UidValidity = inbox.UidValidity;
                state.LastUid = 0;
            }

            // Letters the administrator released from the quarantine: taken again, the size limit lifted.
            var released = await db.IncomingLetters.Where(l => l.Mailbox == box.Name && l.ReleaseRequested && l.UidValidity == state.UidValidity)
                .OrderBy(l => l.Uid).ToListAsync(ct);
            foreach (var letter in released)
            {
                var summary = (await inbox.FetchAsync([new UniqueId((uint)letter.Uid)], Items, ct)).FirstOrDefault();
                LetterOutcome? outcome;
                if (summary is not null) outcome = await TakeAsync(box, inbox, summary, letter, ct);
                else
                {
                    outcome = Quarantine(letter, "Письмо больше не найдено в почтовом ящике.");
                    await db.SaveChangesAsync(ct);
                }
                Count(outcome, ref appeals, ref replies, ref ignored, ref quarantined);
            }

            var range = new UniqueIdRange(new UniqueId((uint)Math.Min(uint.MaxValue - 1, state.LastUid + 1)), UniqueId.MaxValue);
            var found = await inbox.SearchAsync(SearchQuery.Uids(range), ct);
            // "n:*" always names the last letter, even one taken before: only UIDs above the last taken are new.
            var fresh = found.Where(u => u.Id > state.LastUid).OrderBy(u => u.Id).ToList();
            foreach (var chunk in fresh.Chunk(200))
            {
                var summaries = (await inbox.FetchAsync(chunk, Items, ct)).OrderBy(s => s.UniqueId.Id);
                foreach (var summary in summaries)
                {
                    if (BeforeLetter is { } hook) await hook(box, summary.UniqueId.Id);
                    var outcome = await TakeAsync(box, inbox, summary, null, ct);
                    Count(outcome, ref appeals, ref replies, ref ignored, ref quarantined);
                    state.LastUid = summary.UniqueId.Id;
                    state.LastLetterAtUtc = Now;
                    await db.SaveChangesAsync(ct);
                    // The letter is written (its row, its files): the context lets go of it. A pass over a backlog of
                    // thousands of letters would otherwise hold every one, and each save re-checks all it holds.
                    db.ChangeTracker.Clear();
                    db.MailboxStates.Attach(state);
                }
            }
            await imap.DisconnectAsync(true, ct);
            state.LastPolledAtUtc = Now;
            state.FailingSinceUtc = null;
            await db.SaveChangesAsync(ct);
            if (appeals + replies > 0) outbox.Nudge();
            return new(appeals, replies, ignored, quarantined, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A server down, a refused password, a dropped connection or a database error: nothing after the last
            // letter taken is marked read, so the next poll starts from there.
            db.ChangeTracker.Clear();
            var message = Letters.Cut(Describe(e, box), IncomingLetter.MaxReason);
            log.LogWarning("Mailbox {Mailbox} failed: {Error}", box.Name, message);
            await RecordFailureAsync(box, message, ct);
            return new(appeals, replies, ignored, quarantined, message);
        }
    }

    const MessageSummaryItems Items = MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.Envelope | MessageSummaryItems.InternalDate;

    DateTime Now
    {
        get
        {
            var now = clock.GetUtcNow().UtcDateTime;
            return now.AddTicks(-(now.Ticks % 10));
        }
    }

    // The administrator reads this on the channels page: the socket's own message is English ("Connection refused"), so the
    // common cases are said in Russian with the address to check.
    static string Describe(Exception e, MailboxSettings box) => e switch
    {
        MailKit.Security.AuthenticationException => "Сервер отказал во входе: проверьте имя пользователя и пароль почтового ящика.",
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } =>
            $"Почтовый сервер недоступен: {box.Host}:{box.Port} отклоняет соединение (сервер не запущен или порт указан неверно).",
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.TimedOut } =>
            $"Почтовый сервер недоступен: {box.Host}:{box.Port} не ответил вовремя.",
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData } =>
            $"Почтовый сервер недоступен: адрес «{box.Host}» не найден.",
        System.Net.Sockets.SocketException s => $"Почтовый сервер недоступен ({box.Host}:{box.Port}): {s.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    /// <summary>The outage's first failure tells the administrators (once); every failure is kept for the channels page.</summary>
    async Task RecordFailureAsync(MailboxSettings box, string message, CancellationToken ct)
    {
        var state = await db.MailboxStates.SingleAsync(s => s.Name == box.Name, ct);
        var now = Now;
        state.LastError = message;
        state.LastErrorAtUtc = now;
        state.LastPolledAtUtc = now;
        if (state.FailingSinceUtc is null)
        {
            state.FailingSinceUtc = now;
            var root = await db.Organisations.AsNoTracking().Where(o => o.ParentId == null).OrderBy(o => o.Path).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
            db.Outbox.Add(OutboxMessage.Create(MessageTypes.ChannelFailed, new
            {
                title = Letters.Cut($"Почтовый ящик «{box.Name}» не читается: {message}", Notifications.Notification.MaxTitle),
                role = Directory.Role.Administrator.ToString(), organisationId = root, mailbox = box.Name,
            }, null, now));
        }
        state.Version++;
        await db.SaveChangesAsync(ct);
        outbox.Nudge();
    }

    static void Count(LetterOutcome? o, ref int appeals, ref int replies, ref int ignored, ref int quarantined)
    {
        switch (o)
        {
            case LetterOutcome.Appeal: appeals++; break;
            case LetterOutcome.Reply: replies++; break;
            case LetterOutcome.Ignored: ignored++; break;
            case LetterOutcome.Quarantined: quarantined++; break;
        }
    }

    static LetterOutcome Quarantine(IncomingLetter letter, string reason)
    {
        letter.Outcome = LetterOutcome.Quarantined;
        letter.Reason = Letters.Cut(reason, IncomingLetter.MaxReason);
        letter.ReleaseRequested = false;
        return LetterOutcome.Quarantined;
    }

    /// <summary>
    /// Takes one letter. <paramref name="released"/> is the quarantined row the administrator released (the size limit is
    /// lifted for it). A letter that cannot be an appeal is quarantined with the reason; an infrastructure failure
    /// (the database, the connection) is thrown, so the letter is taken again by the next poll.
    /// </summary>
    async Task<LetterOutcome?> TakeAsync(MailboxSettings box, IMailFolder inbox, IMessageSummary summary, IncomingLetter? released, CancellationToken ct)
    {
        var (outcome, letter) = await TakeLetterAsync(box, inbox, summary, released, ct);
        // The row is added last: a crash before it leaves the letter untaken, and the next poll takes it again
        // (intake finds the appeal by its channel message id).
        if (letter is not null && db.Entry(letter).State == EntityState.Detached) db.IncomingLetters.Add(letter);
        await db.SaveChangesAsync(ct);
        return outcome;
    }

    async Task<(LetterOutcome?, IncomingLetter?)> TakeLetterAsync(MailboxSettings box, IMailFolder inbox, IMessageSummary summary, IncomingLetter? released, CancellationToken ct)
    {
        var uid = summary.UniqueId.Id;
        var envelopeId = summary.Envelope?.MessageId is { Length: > 0 } eid ? eid.Trim('<', '>', ' ') : null;
        var messageId = Letters.Cut(envelopeId ?? $"{inbox.UidValidity}.{uid}.{box.Name}@otklik-mail", 300);
        var letter = released ?? await db.IncomingLetters.SingleOrDefaultAsync(l => l.Mailbox == box.Name && l.MessageId == messageId, ct);
        if (letter is not null && released is null) return (null, null); // read again: already taken, counted nowhere
        if (letter is null)
        {
            letter = new IncomingLetter
            {
                Id = Guid.CreateVersion7(), Mailbox = box.Name, MessageId = messageId, UidValidity = inbox.UidValidity, Uid = uid,
                From = Letters.Cut(summary.Envelope?.From.Mailboxes.FirstOrDefault()?.ToString() ?? "", 300),
                Subject = Letters.Cut(summary.Envelope?.Subject ?? "", 1000), Size = summary.Size ?? 0, MailboxFrom = box.From,
            };
        }
        letter.TakenAtUtc = Now;
        letter.ReleaseRequested = false;

        if (released is null && letter.Size > settings.MaxLetterBytes)
            return (Quarantine(letter, $"Письмо размером {letter.Size / 1024.0 / 1024.0:0.#} МБ больше предела {settings.MaxLetterMegabytes} МБ; "
                + "после выпуска из карантина будет принято без файлов, превышающих предел."), letter);

        MimeMessage message;
        try { message = await inbox.GetMessageAsync(summary.UniqueId, ct); }
        catch (ParseException e) { return (Quarantine(letter, $"Письмо не удалось разобрать: {e.Message}"), letter); }
        catch (FormatException e) { return (Quarantine(letter, $"Письмо не удалось разобрать: {e.Message}"), letter); }

        if (Letters.MachineLetter(message) is { } machine)
        {
            letter.Outcome = LetterOutcome.Ignored;
            letter.Reason = machine;
            return (LetterOutcome.Ignored, letter);
        }
        if (message.From.Mailboxes.FirstOrDefault() is not { } from || !System.Net.Mail.MailAddress.TryCreate(from.Address, out _))
            return (Quarantine(letter, "В письме нет адреса отправителя (заголовок From): ответить некому."), letter);

        var body = Letters.BodyText(message);
        var (accepted, refused) = CheckFiles(message);
        if (await ThreadAppealAsync(message, from.Address, ct) is { } appealId)
            return (await ReplyAsync(letter, appealId, Letters.WithoutQuote(body), accepted, refused, ct), letter);

        var subject = message.Subject?.Trim();
        var text = new StringBuilder();
        if (!string.IsNullOrEmpty(subject)) text.Append("Тема письма: ").Append(subject).Append("\n\n");
        text.Append(body.Trim());
        if (string.IsNullOrWhiteSpace(body) && accepted.Count == 0)
            return (Quarantine(letter, "Пустое письмо: нет ни текста, ни файлов."), letter);
        if (string.IsNullOrWhiteSpace(body)) text.Append("Письмо без текста, суть — в приложенных файлах.");
        if (refused.Count > 0) text.Append("\n\nНе приняты файлы письма: ").Append(string.Join("; ", refused));
        var clean = Letters.Neutralise(text.ToString().Trim());
        if (clean.Length > SubmitRules.MaxTextLength)
            clean = clean[..(SubmitRules.MaxTextLength - 60)] + "\n\n[Текст письма сокращён: полностью — в почтовом ящике.]";

        var ids = new List<Guid>();
        try
        {
            foreach (var file in accepted) ids.Add((await AttachmentsApi.StoreAsync(file, db, files, null, Now, null, AttachmentPurpose.Appeal, ct)).Id);
            var request = new IntakeApi.SubmitRequest(box.Type, box.Kind, box.Regime, box.Channel, messageId, Letters.Applicant(from),
                box.CategoryId ?? await DefaultCategoryAsync(ct), null, null, null, null, null, clean, false, false, ids.Count > 0 ? [.. ids] : null,
                box.Priority, null, Received(summary));
            // The files are saved first: intake binds them to the appeal in its own transaction.
            await db.SaveChangesAsync(ct);
            var submitted = await intake.RunAsync(request, IntakeActor.ChannelWorker(box.Channel, $"mailbox {box.Name}"), null, ct);
            letter.Outcome = LetterOutcome.Appeal;
            letter.AppealId = submitted.AppealId;
            letter.Reason = submitted.IsNew ? null : "Обращение по этому письму уже было зарегистрировано.";
            return (LetterOutcome.Appeal, letter);
        }
        catch (Exception e) when (e is InputException or RuleException)
        {
            var why = e is InputException input ? string.Join(" ", input.Errors.SelectMany(x => x.Value.Select(v => $"{x.Key}: {v}"))) : e.Message;
            return (Quarantine(letter, $"Обращение не принято: {(why.Length > 0 ? why : e.Message)}"), letter);
        }
    }

    /// <summary>The server's arrival time of the letter, if it lies in the window intake accepts; else now.</summary>
    DateTime? Received(IMessageSummary summary)
    {
        if (summary.InternalDate is not { } at) return null;
        var utc = at.UtcDateTime;
        var now = Now;
        return utc < now && utc > now - SubmitAppeal.MaxReceivedAge ? utc : null;
    }

    async Task<Guid> DefaultCategoryAsync(CancellationToken ct) =>
        await db.Categories.AsNoTracking().Where(c => c.IsActive).OrderBy(c => c.SortOrder).ThenBy(c => c.Name).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct)
        ?? throw new RuleException("mail.no_category", "В каталоге нет ни одной категории: письму не назначить категорию.");

    /// <summary>
    /// The files of a letter that pass the portal's own checks (type by content, size by type, at most ten); the others
    /// are named in the appeal's text with the reason.
    /// </summary>
    static (List<AttachmentsApi.CheckedFile> Accepted, List<string> Refused) CheckFiles(MimeMessage message)
    {
        var accepted = new List<AttachmentsApi.CheckedFile>();
        var refused = new List<string>();
        foreach (var part in message.Attachments.OfType<MimePart>())
        {
            var name = Path.GetFileName(part.FileName ?? "файл");
            if (name.Length is 0 or > 255 || SubmitRules.ContainsMarkup(name)) name = "файл";
            using var buffer = new MemoryStream();
            part.Content?.DecodeTo(buffer);
            var bytes = buffer.ToArray();
            var detected = ContentSniffer.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, 64)), name);
            if (detected is null) { refused.Add($"«{Letters.Neutralise(name)}» — тип файла не поддерживается"); continue; }
            var limit = detected.Value.Kind == AttachmentKind.Photo ? ContentSniffer.MaxPhotoBytes : ContentSniffer.MaxDocumentBytes;
            if (bytes.Length > limit) { refused.Add($"«{Letters.Neutralise(name)}» — больше {limit / 1024 / 1024} МБ"); continue; }
            if (accepted.Count >= ContentSniffer.MaxPerAppeal) { refused.Add($"«{Letters.Neutralise(name)}» — больше {ContentSniffer.MaxPerAppeal} файлов"); continue; }
            accepted.Add(new(name, bytes, detected.Value.ContentType, detected.Value.Kind));
        }
        return (accepted, refused);
    }

    static readonly Channel[] MailChannels = [Channel.Email, Channel.GovernorMail, Channel.BusinessOmbudsman];

    /// <summary>
    /// The appeal a letter answers: by its In-Reply-To/References (the original letter's Message-ID, or one of our letters
    /// about the appeal), else by the appeal's number in the subject when the sender is the appeal's applicant.
    /// </summary>
    async Task<Guid?> ThreadAppealAsync(MimeMessage message, string sender, CancellationToken ct)
    {
        var thread = Letters.Thread(message);
        if (thread.Count > 0)
        {
            var byOriginal = await db.Appeals.AsNoTracking().Where(a => MailChannels.Contains(a.Channel) && a.ChannelMessageId != null && thread.Contains(a.ChannelMessageId))
                .Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
            if (byOriginal is not null) return byOriginal;
            var ours = thread.Where(id => id.EndsWith("@otklik", StringComparison.Ordinal)).Select(id => Guid.TryParseExact(id[..^7], "N", out var g) ? g : Guid.Empty)
                .Where(g => g != Guid.Empty).ToList();
            if (ours.Count > 0 && await db.Outbox.AsNoTracking().Where(m => ours.Contains(m.Id) && m.AppealId != null).Select(m => m.AppealId).FirstOrDefaultAsync(ct) is { } byOurs)
                return byOurs;
        }
        if (Letters.NumberIn(message.Subject) is { } number)
        {
            var lower = sender.ToLowerInvariant();
#pragma warning disable CA1862 // ToLower() is translated to SQL lower() on both engines
            return await db.Appeals.AsNoTracking().Where(a => a.Number == number && a.Applicant.Email != null && a.Applicant.Email.ToLower() == lower)
                .Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
#pragma warning restore CA1862
        }
        return null;
    }

    /// <summary>
    /// The applicant's reply: attached to the appeal in one transaction with the letter's row. An appeal waiting for a
    /// clarification takes it as the clarification (moderation starts again); an appeal whose clock the executor paused
    /// for the applicant resumes it; otherwise the reply and its files are kept with the appeal for the staff.
    /// </summary>
    async Task<LetterOutcome> ReplyAsync(IncomingLetter letter, Guid appealId, string body, List<AttachmentsApi.CheckedFile> accepted, List<string> refused, CancellationToken ct)
    {
        var text = Letters.Neutralise(body);
        if (refused.Count > 0) text += "\n\nНе приняты файлы письма: " + string.Join("; ", refused);
        if (text.Length > 5000) text = text[..4990] + " […]";
        if (string.IsNullOrWhiteSpace(text)) text = accepted.Count > 0 ? "Ответ письмом, суть — в приложенных файлах." : "Пустой ответ письмом.";
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres) await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM \"Appeals\" WHERE \"Id\" = {appealId} FOR UPDATE", ct);
        var appeal = await db.Appeals.Include(a => a.Parts).Include(a => a.Roadmap!).ThenInclude(r => r.Steps).AsSplitQuery().SingleAsync(a => a.Id == appealId, ct);
        var now = Now;
        string note;
        try
        {
            if (appeal.Allows(Transition.GiveClarification))
            {
                appeal.GiveClarification(text, null, now);
                note = "Ответ на запрос уточнения: обращение вернулось на модерацию.";
            }
            else if (appeal.PausedAtUtc is not null && appeal.Allows(Transition.ResumeClock))
            {
                appeal.ResumeClock(text, null, now, await clocks.ForAsync(db, appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId, ct));
                note = "Ответ на запрос сведений: срок рассмотрения возобновлён.";
            }
            else note = "Письмо заявителя по обращению; обращение не ждало ответа, текст сохранён здесь: " + Letters.Cut(text, 1500);
            appeal.ApplyDeadlines(await clocks.ForAsync(db, appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId, ct), now);
        }
        catch (Exception e) when (e is InputException or RuleException)
        {
            note = $"Письмо заявителя по обращению не применено ({e.Message}); текст: " + Letters.Cut(text, 1500);
        }
        foreach (var file in accepted) await AttachmentsApi.StoreAsync(file, db, files, null, now, appeal.Id, AttachmentPurpose.Appeal, ct);
        letter.Outcome = LetterOutcome.Reply;
        letter.AppealId = appeal.Id;
        letter.Reason = Letters.Cut(note, IncomingLetter.MaxReason);
        if (db.Entry(letter).State == EntityState.Detached) db.IncomingLetters.Add(letter);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return LetterOutcome.Reply;
    }
}

/// <summary>
/// The background job: every <see cref="MailIntakeSettings.PollSeconds"/> each configured mailbox is read in turn, each in
/// a scope of its own, so one failing mailbox never stops the others. Runs on worker nodes (Otklik:Workers).
/// </summary>
public sealed class MailboxPoller(IServiceScopeFactory scopes, MailIntakeSettings settings, TimeProvider clock, ILogger<MailboxPoller> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(5, settings.PollSeconds)), clock);
        do
        {
            foreach (var box in settings.Mailboxes)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var pass = await scope.ServiceProvider.GetRequiredService<MailboxReader>().PollAsync(box, stop);
                    if (pass.Appeals + pass.Replies + pass.Quarantined > 0)
                        log.LogInformation("Mailbox {Mailbox}: {Appeals} appeals, {Replies} replies, {Ignored} ignored, {Quarantined} quarantined",
                            box.Name, pass.Appeals, pass.Replies, pass.Ignored, pass.Quarantined);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Mailbox {Mailbox} poll failed; it will run again", box.Name);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stop));
    }
}
