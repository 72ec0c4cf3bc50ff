using System.Diagnostics;
using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Otklik.Features.Appeals;
using Otklik.Features.Channels;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Channels;

/// <summary>
/// The e-mail figures of issue 18 for docs/performance.md, against the real dovecot of scripts/test.sh:
/// letters per second from a full mailbox (each letter with a photo) into appeals, the time from a letter's arrival
/// in the mailbox to its appeal in moderation, and the portal's intake rate measured in the same run, one at a time
/// as the mailbox reader works. Every letter must become exactly one appeal, so the test fails when intake loses or
/// doubles one. The size is OTKLIK_FIGURES_LETTERS (default 50 in the test run; the figures in docs/performance.md were taken with 200, the figure is 10,000). Writes
/// artifacts/figures/channels-ENGINE.txt. Uses the dovecot of scripts/test.sh (IMAP only).
/// </summary>
public sealed class ChannelFiguresTests(AppPool pool) : IClassFixture<AppPool>
{
    static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];

    static int Letters => int.TryParse(Environment.GetEnvironmentVariable("OTKLIK_FIGURES_LETTERS"), out var n) && n > 0 ? n : 50;

    static MimeMessage Letter(string to, int i)
    {
        var m = new MimeMessage();
        m.From.Add(new MailboxAddress($"Житель {i}", $"resident{i}-{Guid.NewGuid():N}@example.test"));
        m.To.Add(MailboxAddress.Parse(to));
        m.Subject = $"Яма у дома {i}";
        m.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("mail.example.test");
        var body = new BodyBuilder { TextBody = $"Во дворе дома {i} по улице Ленина яма глубиной по колено, машины не проезжают. Фото прилагаю." };
        body.Attachments.Add("photo.png", Png, ContentType.Parse("image/png"));
        m.Body = body.ToMessageBody();
        return m;
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Mail_intake_rate_arrival_time_and_the_portal_side_by_side(Engine engine)
    {
        var app = await pool.For(engine);
        var box = MailServer.NewMailbox("fig");
        var n = Letters;

        // The mailbox filled over one IMAP connection (APPEND), as a backlog after an outage looks.
        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync("127.0.0.1", MailServer.ImapPort, SecureSocketOptions.None);
            await imap.AuthenticateAsync(box.User, "secret");
            for (var i = 0; i < n; i++) await imap.Inbox.AppendAsync(new AppendRequest(Letter(box.User, i)));
            await imap.DisconnectAsync(true);
        }

        var watch = Stopwatch.StartNew();
        var taken = 0;
        for (var pass = 0; pass < 1000 && taken < n; pass++)
        {
            var p = await PollAsync(app, box);
            Assert.Null(p.Error);
            if (p.Appeals == 0) break;
            taken += p.Appeals;
        }
        var mailSeconds = watch.Elapsed.TotalSeconds;
        var appeals = await app.WithDbAsync(db => db.Appeals.CountAsync(a => a.Channel == Channel.Email && a.Applicant.Email!.StartsWith("resident")));
        var photos = await app.WithDbAsync(db => db.Attachments.CountAsync(f => db.Appeals.Any(a => a.Id == f.AppealId && a.Channel == Channel.Email && a.Applicant.Email!.StartsWith("resident"))));
        Assert.Equal(n, taken);
        Assert.True(appeals >= n, $"{appeals} appeals for {n} letters");
        Assert.True(photos >= n, $"{photos} photos for {n} letters");

        // From the letter's arrival in the mailbox (dovecot has it) to the appeal in moderation, the mailbox read
        // continuously (the configured poll or IDLE adds its interval on top): five letters, the median. Put in over IMAP,
        // not through postfix: postfix is the machine's one instance, which another run of the tests may re-point.
        var latencies = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var letter = Letter(box.User, n + i);
            var sender = letter.From.Mailboxes.Single().Address;
            var sent = Stopwatch.StartNew();
            await MailServer.AppendAsync(box, letter);
            while (!await app.WithDbAsync(db => db.Appeals.AnyAsync(a => a.Applicant.Email == sender && a.Status == AppealStatus.Moderation)))
            {
                Assert.True(sent.Elapsed < TimeSpan.FromSeconds(60), "the letter did not become an appeal within a minute");
                await PollAsync(app, box);
            }
            latencies.Add(sent.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();

        // The portal's intake in the same run, one at a time as the reader takes letters.
        var portalCount = Math.Min(n, 200);
        watch.Restart();
        for (var i = 0; i < portalCount; i++) await app.SubmitAsync();
        var portalSeconds = watch.Elapsed.TotalSeconds;

        var report = string.Create(CultureInfo.InvariantCulture,
            $"""
            engine: {engine}
            mail: {n} letters with a photo each, read from one IMAP mailbox into appeals in {mailSeconds:F1} s = {n / mailSeconds:F1} letters/s
            mail: from the letter in the mailbox to the appeal in moderation, median of 5: {latencies[2]:F0} ms (min {latencies[0]:F0}, max {latencies[4]:F0})
            portal: {portalCount} appeals through POST /api/v1/appeals one at a time in {portalSeconds:F1} s = {portalCount / portalSeconds:F1}/s

            """);
        var dir = Path.Combine(RepositoryRoot(), "artifacts", "figures");
        System.IO.Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, $"channels-{engine.ToString().ToLowerInvariant()}.txt"), report);
    }

    static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Otklik.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }

    static async Task<MailboxReader.Pass> PollAsync(TestApp app, MailboxSettings box)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MailboxReader>().PollAsync(box, CancellationToken.None);
    }
}
