using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Channels;

namespace Otklik.Load;

/// <summary>
/// Issue 18's figures (bench/doors.sh): the doors an appeal comes in through, measured in one run of the published app
/// on one engine, beside the portal's own intake measured in the same run as the baseline.
/// <list type="number">
/// <item>E-mail backlog: N letters put into one IMAP mailbox (IMAP APPEND, batches of 100 — MULTIAPPEND on dovecot)
/// before the app starts; the app's own mailbox poller takes them in; letters/s from the first letter taken (the
/// earliest <c>IncomingLetters.TakenAtUtc</c>) until N letters are taken, then every one checked to be exactly one
/// appeal with its file.</item>
/// <item>E-mail arrival: with the app idle, letters sent one by one through postfix (SMTP → LMTP → dovecot) at a steady
/// pace; per letter the time from postfix's acceptance to its appeal in moderation. The app polls (no IDLE), so the
/// poll interval bounds the delay.</item>
/// <item>Telegram: whole conversations through the webhook (6 updates: /start, the shared phone, the topic button, the
/// text, the location, «Отправить») at concurrency 8 and 32, each a new chat; the bot's calls go to a fake Bot API
/// served here.</item>
/// <item>The portal: <c>POST /api/v1/appeals</c> (the <c>intake</c> workload of <c>run</c>) at concurrency 1, 8, 32.</item>
/// </list>
/// Between the steps the outbox (receipts to the applicants) is let drain, so each door is measured with the app
/// otherwise idle. Any error, any letter or update lost or doubled, fails the run.
/// </summary>
public static class Doors
{
    public const int UpdatesPerConversation = 6;

    public static async Task RunAsync(Args a)
    {
        var engine = a.Get("--engine", "postgres");
        var connection = a.Get("--connection", "");
        var letters = a.Int("--letters", 10_000);
        var imapPort = a.Int("--imap-port", 0);
        var smtpPort = a.Int("--smtp-port", 0);
        if (imapPort == 0 || smtpPort == 0) throw new ArgumentException("--imap-port and --smtp-port: the servers tests/mail-server/start.sh started");
        var appeals = a.Int("--appeals", 2000);
        var warmup = TimeSpan.FromSeconds(a.Double("--warmup", 3));
        var duration = TimeSpan.FromSeconds(a.Double("--duration", 20));
        var arrivals = a.Int("--latency-letters", 50);
        var pace = TimeSpan.FromMilliseconds(a.Int("--pace-ms", 2000));
        var pollSeconds = a.Int("--poll-seconds", 5);
        var label = engine == "postgres" ? "PostgreSQL" : "SQLite";
        var tag = Guid.NewGuid().ToString("N")[..8];
        var run = new DoorsRun(engine, tag, letters);

        await using var services = Cli.Services(engine, connection);
        await Cli.FillAsync(services, engine, appeals, TimeProvider.System.GetUtcNow().UtcDateTime);
        var directory = await BenchData.WithDbAsync(services, db => BenchData.LoadDirectoryAsync(db, CancellationToken.None));

        // 1. The backlog, in the mailbox before the app starts.
        var withFiles = await FillMailboxAsync(imapPort, run.User, run.Tag, run.Domain, letters, directory);

        await using var botApi = await FakeBotApi.StartAsync(Cli.FreePort());
        var port = Cli.FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var pickup = Path.Combine(Path.GetTempPath(), $"otklik-doors-mail-{tag}");
        var settings = new Dictionary<string, string>
        {
            // The background workers on, as a production node runs: the mailbox poller, the outbox (receipts), the sweeps.
            ["Otklik__Workers"] = "true",
            ["Otklik__MailIntake__PollSeconds"] = pollSeconds.ToString(CultureInfo.InvariantCulture),
            ["Otklik__MailIntake__Mailboxes__0__Name"] = run.Mailbox,
            ["Otklik__MailIntake__Mailboxes__0__Host"] = "127.0.0.1",
            ["Otklik__MailIntake__Mailboxes__0__Port"] = imapPort.ToString(CultureInfo.InvariantCulture),
            ["Otklik__MailIntake__Mailboxes__0__Security"] = "None",
            ["Otklik__MailIntake__Mailboxes__0__User"] = run.User,
            ["Otklik__MailIntake__Mailboxes__0__Password"] = "secret",
            ["Otklik__MailIntake__Mailboxes__0__From"] = "Приёмная обращений <obr@region.example>",
            // The app's own letters (receipts to the senders) are written as .eml files: nothing leaves the machine.
            ["Otklik__Mail__Pickup"] = pickup,
            ["Otklik__Telegram__Token"] = FakeBotApi.Token,
            ["Otklik__Telegram__WebhookSecret"] = FakeBotApi.Secret,
            ["Otklik__Telegram__ApiBaseUrl"] = botApi.BaseAddress,
            ["Otklik__Telegram__BotName"] = "otklik_bench_bot",
        };
        Console.WriteLine($"== {label}: the app with the mailbox {run.User} (poll every {pollSeconds} s), the workers on, the Bot API at {botApi.BaseAddress}");
        var appStarted = TimeProvider.System.GetUtcNow().UtcDateTime;
        using var server = Cli.StartApp(a.Get("--app", "out/app/Otklik.dll"), engine, connection, port, settings);
        var rows = new List<string>();
        var latencyRows = new List<string>();
        try
        {
            await Cli.WaitForAsync(baseAddress, "health", server);

            // 1. The backlog into appeals.
            var mail = await MeasureBacklogAsync(services, server, run, withFiles, appStarted);
            await DrainOutboxAsync(services, "after the mailbox");

            // 2. Arrival to moderation, letters through postfix one by one.
            var delays = await MeasureArrivalAsync(services, server, smtpPort, run, directory, arrivals, pace, pollSeconds);
            await DrainOutboxAsync(services, "after the arrivals");

            // 3. Telegram at 8 and 32.
            var telegram = new List<(LoadResult Result, int Appeals)>();
            foreach (var c in new[] { 8, 32 })
            {
                telegram.Add(await MeasureTelegramAsync(services, baseAddress, botApi, directory, c, warmup, duration));
                await DrainOutboxAsync(services, $"after Telegram c{c}");
            }

            // 4. The portal, the baseline.
            var portal = new Dictionary<int, LoadResult>();
            foreach (var c in new[] { 1, 8, 32 })
            {
                portal[c] = await MeasurePortalAsync(services, baseAddress, directory, c, warmup, duration);
                await DrainOutboxAsync(services, $"after the portal c{c}");
            }

            string Rate(double v) => v.ToString("N1", CultureInfo.InvariantCulture);
            string Ratio(double door, double baseline) => baseline > 0 ? (door / baseline).ToString("F2", CultureInfo.InvariantCulture) : "—";
            rows.Add($"| {label} | e-mail: a mailbox of {letters:N0} letters ({withFiles:N0} with a JPEG or PDF) into appeals, one reader | 1 | " +
                $"**{Rate(mail.Rate)} letters/s** ({mail.Seconds:F1} s; the first tenth {Rate(mail.FirstTenth)}/s, the last {Rate(mail.LastTenth)}/s; first letter taken {mail.FirstAfterStart:F1} s after the app's start) | {Rate(portal[1].Rate)} appeals/s | {Ratio(mail.Rate, portal[1].Rate)} |");
            foreach (var (r, made) in telegram)
                rows.Add($"| {label} | Telegram: webhook, whole conversations ({UpdatesPerConversation} updates an appeal), a new chat each | {r.Concurrency} | " +
                    $"**{Rate(r.Rate * UpdatesPerConversation)} updates/s** = {Rate(r.Rate)} appeals/s (p50 {r.P50:F0} ms, p95 {r.P95:F0} ms a conversation; {made:N0} appeals) | " +
                    $"{Rate(portal[r.Concurrency].Rate)} appeals/s | {Ratio(r.Rate, portal[r.Concurrency].Rate)} |");
            foreach (var (c, r) in portal)
                rows.Add($"| {label} | portal: `POST /api/v1/appeals` (the baseline) | {c} | {Rate(r.Rate)} appeals/s (p50 {r.P50:F0} ms, p95 {r.P95:F0} ms) | — | 1 |");
            latencyRows.Add($"| {label} | {delays.Count} letters, one every {pace.TotalSeconds:0.#} s | {pollSeconds} s (polling, no IDLE) | " +
                $"{Percentile(delays, 50):F0} ms | {Percentile(delays, 95):F0} ms | {delays.Max():F0} ms | {delays.Min():F0} ms |");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            try { System.IO.Directory.Delete(pickup, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        Console.WriteLine($"   the fake Bot API answered {botApi.Calls}");
        foreach (var line in rows.Concat(latencyRows)) Console.WriteLine(line);
        if (a.Get("--rows", "") is { Length: > 0 } rowsPath) await File.AppendAllLinesAsync(rowsPath, rows);
        if (a.Get("--latency-rows", "") is { Length: > 0 } latencyPath) await File.AppendAllLinesAsync(latencyPath, latencyRows);
    }

    /// <summary>What one engine's run calls things: the IMAP user (its own mailbox), the Message-ID domain of its letters.</summary>
    sealed record DoorsRun(string Engine, string Tag, int Letters)
    {
        public string User => $"doors-{Engine}-{Tag}@example.test";
        public string Mailbox => $"doors-{Tag}";
        public string Domain => $"doors-{Tag}.mail.example";
    }

    static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    // ---- E-mail ----

    static readonly string[] MailDomains = ["mail.example", "yandex.example", "inbox.example", "rambler.example", "gmail.example"];

    /// <summary>
    /// A letter as residents write them: "Имя Фамилия" &lt;address&gt;, the subject, 300–600 characters of an appeal; one in
    /// four sent as HTML with a plain-text part (as mail clients do); one in three with a JPEG photo or a PDF.
    /// </summary>
    public static MimeMessage Letter(Random r, BenchDirectory dir, string tag, string id, string to, int i, bool withFile)
    {
        var topic = r.Pick(dir.Topics.Where(t => !t.Business).ToList());
        var person = Vocabulary.Applicant(r, business: false);
        var address = Vocabulary.Address(r);
        var text = Vocabulary.Text(r, topic.Words, address) + $"\n\nС уважением, {person.FirstName} {person.LastName}";
        var m = new MimeMessage();
        m.From.Add(new MailboxAddress($"{person.FirstName} {person.LastName}", $"{Latin(person.LastName!)}.{i}.{tag}@{MailDomains[i % MailDomains.Length]}"));
        m.To.Add(MailboxAddress.Parse(to));
        m.Subject = $"{topic.Words.Name}: {address}";
        m.MessageId = id;
        m.Date = TimeProvider.System.GetUtcNow();
        var body = new BodyBuilder { TextBody = text };
        if (i % 4 == 1)
            body.HtmlBody = "<html><body>" + string.Join("", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>")) + "</body></html>";
        if (withFile)
        {
            if (i % 2 == 0) body.Attachments.Add($"фото-{i}.jpg", SampleFiles.Jpeg(r), new ContentType("image", "jpeg"));
            else body.Attachments.Add($"акт-осмотра-{i}.pdf", SampleFiles.Pdf(r, i), new ContentType("application", "pdf"));
        }
        m.Body = body.ToMessageBody();
        return m;
    }

    static readonly Dictionary<char, string> Translit = new()
    {
        ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['д'] = "d", ['е'] = "e", ['ё'] = "e", ['ж'] = "zh", ['з'] = "z", ['и'] = "i", ['й'] = "y",
        ['к'] = "k", ['л'] = "l", ['м'] = "m", ['н'] = "n", ['о'] = "o", ['п'] = "p", ['р'] = "r", ['с'] = "s", ['т'] = "t", ['у'] = "u", ['ф'] = "f",
        ['х'] = "kh", ['ц'] = "ts", ['ч'] = "ch", ['ш'] = "sh", ['щ'] = "sch", ['ъ'] = "", ['ы'] = "y", ['ь'] = "", ['э'] = "e", ['ю'] = "yu", ['я'] = "ya",
    };

    static string Latin(string name) => string.Concat(name.ToLowerInvariant().Select(c => Translit.TryGetValue(c, out var l) ? l : char.IsAsciiLetterOrDigit(c) ? c.ToString() : ""));

    /// <summary>
    /// The backlog: <paramref name="count"/> letters with Message-IDs "i.TAG@DOMAIN", appended to the user's INBOX over one IMAP
    /// connection in batches of 100 (MULTIAPPEND where the server has it). Returns how many carry a file.
    /// </summary>
    public static async Task<int> FillMailboxAsync(int imapPort, string user, string tag, string domain, int count, BenchDirectory dir)
    {
        var r = new Random(18);
        var progress = BenchData.ConsoleProgress("letters into the mailbox (IMAP APPEND)");
        using var imap = new ImapClient { Timeout = 120_000 };
        await imap.ConnectAsync("127.0.0.1", imapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, "secret");
        var withFiles = 0;
        for (var from = 0; from < count; from += 100)
        {
            var batch = new List<IAppendRequest>();
            for (var i = from; i < Math.Min(count, from + 100); i++)
            {
                var withFile = i % 3 == 0;
                if (withFile) withFiles++;
                batch.Add(new AppendRequest(Letter(r, dir, tag, $"{i}.{tag}@{domain}", user, i, withFile), MessageFlags.None));
            }
            await imap.Inbox.AppendAsync(batch);
            progress(Math.Min(count, from + 100), count);
        }
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        if (imap.Inbox.Count != count) throw new InvalidOperationException($"the mailbox holds {imap.Inbox.Count} letters, not {count}");
        await imap.DisconnectAsync(true);
        return withFiles;
    }

    sealed record Backlog(double Rate, double Seconds, double FirstAfterStart, double FirstTenth, double LastTenth);

    /// <summary>
    /// Waits until the app has taken every letter of the backlog (the letters' rows, by the (Mailbox, Outcome) index),
    /// with a progress line; then checks each letter became exactly one appeal of the e-mail channel, with its file.
    /// </summary>
    static async Task<Backlog> MeasureBacklogAsync(IServiceProvider services, Process server, DoorsRun run, int withFiles, DateTime appStarted)
    {
        var progress = BenchData.ConsoleProgress("letters taken into appeals");
        var last = -1;
        var lastChange = Stopwatch.StartNew();
        DateTime end;
        while (true)
        {
            if (server.HasExited) throw new InvalidOperationException($"the app exited with {server.ExitCode}:\n{Cli.Tail(server)}");
            var (taken, error) = await BenchData.WithDbAsync(services, async db => (
                await db.IncomingLetters.CountAsync(l => l.Mailbox == run.Mailbox),
                await db.MailboxStates.Where(s => s.Name == run.Mailbox).Select(s => s.LastError).SingleOrDefaultAsync()));
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            if (taken != last)
            {
                if (taken > 0) progress(taken, run.Letters);
                last = taken;
                lastChange.Restart();
            }
            if (taken >= run.Letters) { end = now; break; }
            if (lastChange.Elapsed > TimeSpan.FromMinutes(3))
                throw new TimeoutException($"no letter taken for 3 minutes ({taken} of {run.Letters}); the mailbox's last error: {error ?? "none"}\n{Cli.Tail(server)}");
            await Task.Delay(250);
        }

        return await BenchData.WithDbAsync(services, async db =>
        {
            var letters = db.IncomingLetters.Where(l => l.Mailbox == run.Mailbox);
            var outcomes = await letters.GroupBy(l => l.Outcome).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
            if (outcomes.Any(o => o.Key != LetterOutcome.Appeal))
            {
                var reasons = await letters.Where(l => l.Outcome != LetterOutcome.Appeal).Select(l => l.Reason).Distinct().Take(5).ToListAsync();
                throw new InvalidOperationException($"letters not taken as appeals: {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Count}"))}; reasons: {string.Join(" | ", reasons)}");
            }
            var suffix = "@" + run.Domain;
            var made = db.Appeals.Where(x => x.Channel == Channel.Email && x.ChannelMessageId != null && x.ChannelMessageId.EndsWith(suffix));
            var count = await made.CountAsync();
            var distinct = await made.Select(x => x.ChannelMessageId).Distinct().CountAsync();
            var files = await db.Attachments.CountAsync(f => made.Any(x => x.Id == f.AppealId));
            var moderation = await made.CountAsync(x => x.Status == AppealStatus.Moderation);
            if (count != run.Letters || distinct != run.Letters)
                throw new InvalidOperationException($"{run.Letters} letters made {count} appeals ({distinct} distinct letters): lost or doubled");
            if (files != withFiles) throw new InvalidOperationException($"{withFiles} letters carried a file, their appeals hold {files}");
            var taken = await letters.OrderBy(l => l.TakenAtUtc).Select(l => l.TakenAtUtc).ToListAsync();
            var first = taken[0];
            var seconds = (end - first).TotalSeconds;
            // Whether the pass slows as it goes: the rate over its first tenth of letters and over its last.
            var tenth = Math.Max(1, taken.Count / 10);
            var early = tenth / Math.Max(0.001, (taken[tenth] - taken[0]).TotalSeconds);
            var late = tenth / Math.Max(0.001, (taken[^1] - taken[^(tenth + 1)]).TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   e-mail: {run.Letters} letters → {count} appeals ({moderation} in moderation), {files} files, in {seconds:F1} s = {run.Letters / seconds:F1} letters/s; first tenth {early:F1}/s, last tenth {late:F1}/s"));
            return new Backlog(run.Letters / seconds, seconds, (first - appStarted).TotalSeconds, early, late);
        });
    }

    /// <summary>
    /// Letters sent through postfix one at a time at a steady pace while a watcher looks every 100 ms for their appeals in
    /// moderation; the delay of each runs from postfix's «250 queued» to the first look that finds its appeal.
    /// </summary>
    static async Task<List<double>> MeasureArrivalAsync(IServiceProvider services, Process server, int smtpPort, DoorsRun run, BenchDirectory dir,
        int count, TimeSpan pace, int pollSeconds)
    {
        Console.WriteLine($"   e-mail arrival: {count} letters through postfix, one every {pace.TotalSeconds:0.#} s (the app polls every {pollSeconds} s)");
        var r = new Random(19);
        var sentAt = new ConcurrentDictionary<string, long>();
        var delays = new ConcurrentDictionary<string, double>();
        var sending = true;
        var watcher = Task.Run(async () =>
        {
            while (Volatile.Read(ref sending) || delays.Count < sentAt.Count)
            {
                var waiting = sentAt.Keys.Where(k => !delays.ContainsKey(k)).ToList();
                if (waiting.Count > 0)
                {
                    var found = await BenchData.WithDbAsync(services, db => db.Appeals.AsNoTracking()
                        .Where(x => x.Channel == Channel.Email && x.Status == AppealStatus.Moderation && waiting.Contains(x.ChannelMessageId!))
                        .Select(x => x.ChannelMessageId!).ToListAsync());
                    var seen = Stopwatch.GetTimestamp();
                    foreach (var id in found) delays.TryAdd(id, Stopwatch.GetElapsedTime(sentAt[id], seen).TotalMilliseconds);
                    var late = waiting.Except(found).Where(id => Stopwatch.GetElapsedTime(sentAt[id]) > TimeSpan.FromSeconds(3 * pollSeconds + 60)).ToList();
                    if (late.Count > 0)
                        throw new TimeoutException($"{late.Count} letters not in moderation {3 * pollSeconds + 60} s after postfix took them (first: {late[0]})\n{Cli.Tail(server)}");
                }
                await Task.Delay(100);
            }
        });
        try
        {
            var next = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                var id = $"arrival-{i}.{run.Tag}@{run.Domain}";
                var letter = Letter(r, dir, run.Tag, id, run.User, run.Letters + i, withFile: i % 3 == 0);
                using (var smtp = new MailKit.Net.Smtp.SmtpClient { Timeout = 30_000 })
                {
                    await smtp.ConnectAsync("127.0.0.1", smtpPort, SecureSocketOptions.None);
                    await smtp.SendAsync(letter, letter.From.Mailboxes.First(), [MailboxAddress.Parse(run.User)]);
                    sentAt[id] = Stopwatch.GetTimestamp();
                    await smtp.DisconnectAsync(true);
                }
                if (watcher.IsFaulted) break;
                var wait = pace * (i + 1) - next.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
            }
        }
        finally { Volatile.Write(ref sending, false); }
        await watcher;
        var all = delays.Values.ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   e-mail arrival → moderation: p50 {Percentile(all, 50):F0} ms, p95 {Percentile(all, 95):F0} ms, max {all.Max():F0} ms, min {all.Min():F0} ms"));
        return all;
    }

    /// <summary>Waits until the outbox holds nothing the dispatcher still means to send (receipts of the step just measured).</summary>
    static async Task DrainOutboxAsync(IServiceProvider services, string when)
    {
        var watch = Stopwatch.StartNew();
        var (pending, failing) = (0, 0);
        while (watch.Elapsed < TimeSpan.FromMinutes(20))
        {
            (pending, failing) = await BenchData.WithDbAsync(services, async db => (
                await db.Outbox.CountAsync(m => m.ProcessedAtUtc == null && m.LastError == null),
                await db.Outbox.CountAsync(m => m.ProcessedAtUtc == null && m.LastError != null)));
            if (pending == 0) break;
            Console.Error.Write($"\r  outbox {when}: {pending:N0} to send   ");
            await Task.Delay(500);
        }
        if (watch.Elapsed > TimeSpan.FromSeconds(1)) Console.Error.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   outbox drained {when} in {watch.Elapsed.TotalSeconds:F1} s"));
        if (pending > 0) throw new TimeoutException($"the outbox still holds {pending} messages 20 minutes {when}");
        if (failing > 0)
        {
            var errors = await BenchData.WithDbAsync(services, db => db.Outbox.Where(m => m.ProcessedAtUtc == null && m.LastError != null)
                .Select(m => m.Type + ": " + m.LastError).Distinct().Take(3).ToListAsync());
            throw new InvalidOperationException($"{failing} outbox messages fail {when}: {string.Join(" | ", errors)}");
        }
    }

    // ---- Telegram ----

    static int _update = 100_000_000 + Random.Shared.Next(0, 1_000_000_000);
    static long _chat = 5_000_000_000 + Random.Shared.NextInt64(0, 1_000_000_000);
    static long _message = 1;

    /// <summary>
    /// One person's conversation with the bot, as the tests' walk has it: /start, the phone shared by the button, the
    /// topic's button, the text, the location, «Отправить». Each update a fresh update_id; each conversation a new chat.
    /// </summary>
    static async Task ConversationAsync(Worker w, BenchDirectory dir, IReadOnlyList<BenchTopic> topics)
    {
        var chat = Interlocked.Increment(ref _chat);
        var r = w.Random;
        var person = Vocabulary.Applicant(r, business: false);
        var from = $$"""{"id":{{chat}},"is_bot":false,"first_name":{{JsonSerializer.Serialize(person.FirstName)}},"last_name":{{JsonSerializer.Serialize(person.LastName)}},"language_code":"ru"}""";
        var topic = r.Pick(topics);
        var territory = r.Pick(dir.Territories);
        var date = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        string Message(string body) =>
            $$"""{"update_id":{{Interlocked.Increment(ref _update)}},"message":{"message_id":{{Interlocked.Increment(ref _message)}},"date":{{date}},"chat":{"id":{{chat}},"type":"private"},"from":{{from}},{{body}} } }""";
        string Button(string data) =>
            $$"""{"update_id":{{Interlocked.Increment(ref _update)}},"callback_query":{"id":"{{Guid.NewGuid():N}}","from":{{from}},"chat_instance":"{{chat}}","data":"{{data}}","message":{"message_id":{{Interlocked.Increment(ref _message)}},"date":{{date}},"chat":{"id":{{chat}},"type":"private"},"text":"…"} } }""";
        Task Post(string update) => w.PostAsync("/api/v1/telegram/webhook", null, update, HttpStatusCode.OK, header: ("X-Telegram-Bot-Api-Secret-Token", FakeBotApi.Secret));

        await Post(Message("\"text\":\"/start\""));
        await Post(Message(FormattableString.Invariant($$"""
            "contact":{"phone_number":"79{{r.Next(100_000_000, 999_999_999)}}","first_name":{{JsonSerializer.Serialize(person.FirstName)}},"user_id":{{chat}} }
            """)));
        await Post(Button($"topic:{topic.Id:N}"));
        await Post(Message($"\"text\":{JsonSerializer.Serialize(Vocabulary.Text(r, topic.Words, Vocabulary.Address(r)))}"));
        var (lat, lon) = (territory.MinLat + 0.05 + r.NextDouble() * 0.3, territory.MinLon + 0.05 + r.NextDouble() * 0.3);
        await Post(Message(string.Create(CultureInfo.InvariantCulture, $$"""
            "location":{"latitude":{{lat:F6}},"longitude":{{lon:F6}} }
            """)));
        await Post(Button("send"));
    }

    /// <summary>The Telegram door as a workload: each operation one person's whole conversation, ending in an appeal.</summary>
    public static Workload Telegram(BenchDirectory dir, int concurrency)
    {
        // A topic of the messenger's kind: a platform message (a phone is enough to answer it), with a place.
        var topics = dir.Topics.Where(t => !t.Business && t.Words.Regime == LegalRegime.PlatformMessage).ToList();
        return new Workload($"telegram c{concurrency}", $"POST /api/v1/telegram/webhook ×{UpdatesPerConversation} (a conversation)", concurrency,
            w => ConversationAsync(w, dir, topics));
    }

    /// <summary>The appeals the bot made: Telegram appeals with the bot's thread (the bench fill's Telegram appeals have none).</summary>
    public static Task<int> TelegramAppealsAsync(AppDbContext db) => db.ChannelThreads.CountAsync(t => t.Network == Otklik.Features.Social.TelegramBot.Network
        && db.Appeals.Any(x => x.Id == t.AppealId && x.Channel == Channel.Telegram));

    static async Task<(LoadResult, int)> MeasureTelegramAsync(IServiceProvider services, Uri baseAddress, FakeBotApi botApi, BenchDirectory dir, int concurrency,
        TimeSpan warmup, TimeSpan duration)
    {
        Task<int> Made() => BenchData.WithDbAsync(services, TelegramAppealsAsync);
        var before = await Made();
        var refusedBefore = botApi.Refused;
        var r = await LoadRunner.RunAsync(Telegram(dir, concurrency), baseAddress, warmup, duration);
        Console.WriteLine(Cli.Line(r));
        var made = await Made() - before;
        if (r.Errors > 0) throw new InvalidOperationException($"Telegram c{concurrency}: {r.Errors} conversations failed; first: {r.FirstError}");
        if (botApi.Refused != refusedBefore) throw new InvalidOperationException($"Telegram c{concurrency}: the bot refused {botApi.Refused - refusedBefore} appeals: {botApi.LastRefusal}");
        if (made != r.AllOperations) throw new InvalidOperationException($"Telegram c{concurrency}: {r.AllOperations} conversations sent, {made} appeals made: lost or doubled");
        return (r, made);
    }

    // ---- The portal ----

    static async Task<LoadResult> MeasurePortalAsync(IServiceProvider services, Uri baseAddress, BenchDirectory dir, int concurrency, TimeSpan warmup, TimeSpan duration)
    {
        var targets = new BenchTargets { Directory = dir, ReadIds = [], PublicNumbers = [], Slots = [], ListFilters = [] };
        var intake = Workloads.All(targets).First(w => w.Name == "intake c8") with { Name = $"portal intake c{concurrency}", Concurrency = concurrency };
        Task<int> Made() => BenchData.WithDbAsync(services, db => db.Appeals.CountAsync(x => x.Channel == Channel.Portal));
        var before = await Made();
        var r = await LoadRunner.RunAsync(intake, baseAddress, warmup, duration);
        Console.WriteLine(Cli.Line(r));
        var made = await Made() - before;
        if (r.Errors > 0) throw new InvalidOperationException($"portal c{concurrency}: {r.Errors} errors; first: {r.FirstError}");
        if (made != r.AllOperations) throw new InvalidOperationException($"portal c{concurrency}: {r.AllOperations} appeals answered 201, {made} stored");
        return r;
    }
}

/// <summary>
/// The Bot API as Telegram answers it (<c>{"ok":true,"result":…}</c>), served by the harness on this machine so the
/// bot's replies never leave it: sendMessage and answerCallbackQuery; anything else is answered 404 and counted.
/// </summary>
public sealed class FakeBotApi : IAsyncDisposable
{
    public const string Token = "7000000001:bench-token_of-the-bot";
    public const string Secret = "bench-webhook-secret";
    const string Prefix = "/bot" + Token + "/";

    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, int> _calls = new();
    int _refused;
    long _messages;

    FakeBotApi(WebApplication app, string baseAddress) => (_app, BaseAddress) = (app, baseAddress);

    public string BaseAddress { get; }
    public int Refused => Volatile.Read(ref _refused);
    public string? LastRefusal { get; private set; }
    public string Calls => string.Join(", ", _calls.OrderBy(c => c.Key).Select(c => $"{c.Key} ×{c.Value:N0}"));

    public static async Task<FakeBotApi> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var api = new FakeBotApi(app, $"http://127.0.0.1:{port}");
        ((IApplicationBuilder)app).Run(api.AnswerAsync);
        await app.StartAsync();
        return api;
    }

    async Task AnswerAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        var method = path.StartsWith(Prefix, StringComparison.Ordinal) ? path[Prefix.Length..] : "(wrong token) " + path;
        _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        var root = body.RootElement;
        string answer;
        switch (method)
        {
            case "sendMessage":
                var chat = root.TryGetProperty("chat_id", out var c) ? c.ToString() : "0";
                answer = $$"""{"ok":true,"result":{"message_id":{{Interlocked.Increment(ref _messages)}},"date":{{TimeProvider.System.GetUtcNow().ToUnixTimeSeconds()}},"chat":{"id":{{chat}},"type":"private"},"text":"ok"} }""";
                break;
            case "answerCallbackQuery":
                // The bot tells the person «Обращение не принято» here when intake refused the appeal.
                if (root.TryGetProperty("text", out var t) && t.GetString() is { } text && text.Contains("не принято", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _refused);
                    LastRefusal = text;
                }
                answer = """{"ok":true,"result":true}""";
                break;
            default:
                http.Response.StatusCode = 404;
                answer = """{"ok":false,"error_code":404,"description":"Not Found"}""";
                break;
        }
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The files residents attach: a small JPEG photo and a one-page PDF, both well-formed, of realistic sizes.</summary>
public static class SampleFiles
{
    /// <summary>
    /// A baseline JPEG a viewer opens: 640×480 grey (every 8×8 block its DC difference 0, then end-of-block, each one bit
    /// of a one-code Huffman table), with a comment segment of 8–40 KB so its size is a phone's small photo.
    /// </summary>
    public static byte[] Jpeg(Random r)
    {
        const int width = 640, height = 480;
        var b = new List<byte> { 0xFF, 0xD8 };
        void Segment(byte marker, IReadOnlyCollection<byte> data)
        {
            b.AddRange([0xFF, marker, (byte)((data.Count + 2) >> 8), (byte)((data.Count + 2) & 0xFF)]);
            b.AddRange(data);
        }
        Segment(0xE0, [.. "JFIF"u8, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        Segment(0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]);
        Segment(0xC0, [8, height >> 8, height & 0xFF, width >> 8, width & 0xFF, 1, 1, 0x11, 0]);
        byte[] oneCode = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Segment(0xC4, [0x00, .. oneCode]);
        Segment(0xC4, [0x10, .. oneCode]);
        var comment = new byte[r.Next(8_000, 40_000)];
        for (var i = 0; i < comment.Length; i++) comment[i] = (byte)r.Next('a', 'z' + 1);
        Segment(0xFE, comment);
        Segment(0xDA, [1, 1, 0x00, 0, 63, 0]);
        var blocks = (width / 8) * (height / 8);
        b.AddRange(new byte[blocks * 2 / 8]);   // two zero bits a block
        b.AddRange([0xFF, 0xD9]);
        return [.. b];
    }

    /// <summary>A one-page PDF (Helvetica, an inspection note of some lines) with a correct cross-reference table.</summary>
    public static byte[] Pdf(Random r, int number)
    {
        var lines = new StringBuilder("BT /F1 12 Tf 56 780 Td 16 TL\n");
        lines.Append(CultureInfo.InvariantCulture, $"(Akt osmotra N {number}) Tj T*\n");
        for (var i = 0; i < r.Next(20, 60); i++) lines.Append(CultureInfo.InvariantCulture, $"(Punkt {i + 1}: zamer {r.Next(1, 500)} sm, foto {r.Next(1, 40)}) Tj T*\n");
        lines.Append("ET\n");
        var content = lines.ToString();
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {content.Length} >>\nstream\n{content}endstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) pdf.Append(CultureInfo.InvariantCulture, $"{o:D10} 00000 n \n");
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
