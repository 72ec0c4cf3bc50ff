using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Infrastructure;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>The outbox goes out as e-mail through a real SMTP server (tests/smtp-sink) and is read back with MimeKit.</summary>
public sealed class MailDeliveryTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_new_appeal_is_confirmed_by_a_real_email_with_its_number_and_due_date(Engine engine)
    {
        MailBox.RequireSink();
        var app = await pool.For(engine);
        var address = MailBox.NewAddress("maria");
        var appeal = await app.SubmitAsync(Samples.Pothole(app.Region).With("applicant",
            new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Иванова", ["firstName"] = "Мария", ["email"] = address }));

        await app.DispatchMailAsync();

        var letter = await app.Mail.WaitForAsync(address);
        Assert.Equal($"Обращение № {appeal.Number} принято", letter.Subject);
        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == appeal.Id));
        var body = letter.TextOf();
        Assert.Contains("Здравствуйте, Мария!", body);
        Assert.Contains(appeal.Number, body);
        Assert.Contains($"до {MailComposer.Local(stored.DueAtUtc, TimeZoneInfo.FindSystemTimeZoneById("Asia/Yekaterinburg"))}", body);
        Assert.Contains($"/my/{appeal.Number}", body);
        Assert.Equal("appeal.received", letter.Headers["X-Otklik-Type"]);
        var message = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.AppealId == appeal.Id && m.Type == "appeal.received"));
        Assert.NotNull(message.ProcessedAtUtc);
        Assert.Null(message.LastError);
        Assert.Equal(1, message.Attempts);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_failed_send_is_retried_after_a_backoff_and_then_delivered_once(Engine engine)
    {
        var sinkPort = MailBox.RequireSink();
        var closedPort = ClosedPort();
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?>
        {
            ["Otklik:Mail:Host"] = "127.0.0.1", ["Otklik:Mail:Port"] = closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var address = MailBox.NewAddress("retry");
        var appeal = await app.SubmitAsync(Samples.Pothole(app.Region).With("applicant",
            new Dictionary<string, object?> { ["kind"] = "person", ["firstName"] = "Пётр", ["email"] = address }));

        var first = await app.DispatchMailAsync();

        Assert.Equal((0, 1), (first.Sent, first.Failed));
        var failed = await ReceivedMessageAsync(app, appeal.Id);
        Assert.Null(failed.ProcessedAtUtc);
        Assert.Equal(1, failed.Attempts);
        Assert.NotNull(failed.LastError);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime + OutboxDispatcher.Backoff(1), failed.LockedUntilUtc);

        // The server is back, but the retry waits for its time.
        var fixedSettings = new MailSettings { Host = "127.0.0.1", Port = sinkPort };
        var dispatcher = new OutboxDispatcher(app.Services.GetRequiredService<IServiceScopeFactory>(), app.Clock, fixedSettings,
            new SmtpMailSender(fixedSettings), NullLogger<OutboxDispatcher>.Instance);
        Assert.Equal(new OutboxDispatcher.Result(0, 0, 0), await dispatcher.RunOnceAsync());
        Assert.Empty(app.Mail.To(address));

        app.Clock.Advance(OutboxDispatcher.Backoff(1));
        var second = await dispatcher.RunOnceAsync();

        Assert.Equal((1, 0), (second.Sent, second.Failed));
        var letter = await app.Mail.WaitForAsync(address);
        Assert.Contains(appeal.Number, letter.Subject);
        var sent = await ReceivedMessageAsync(app, appeal.Id);
        Assert.NotNull(sent.ProcessedAtUtc);
        Assert.Equal(2, sent.Attempts);
        Assert.Null(sent.LastError);
        Assert.Single(app.Mail.To(address));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Two_dispatchers_at_once_send_each_message_exactly_once(Engine engine)
    {
        var sinkPort = MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var addresses = Enumerable.Range(0, 24).Select(i => MailBox.NewAddress($"twin{i}")).ToList();
        await app.WithDbAsync(async db =>
        {
            foreach (var a in addresses)
                db.Outbox.Add(OutboxMessage.Create(MessageTypes.AccountConfirm, new { email = a, name = "Анна", link = "http://example.test/account/confirm?x=1" }, null, now));
            await db.SaveChangesAsync();
        });

        // Small batches, so that the two really interleave their claims.
        var settings = new MailSettings { Host = "127.0.0.1", Port = sinkPort };
        OutboxDispatcher New() => new(app.Services.GetRequiredService<IServiceScopeFactory>(), app.Clock, settings, new SmtpMailSender(settings),
            NullLogger<OutboxDispatcher>.Instance);
        var results = await Task.WhenAll(Task.Run(() => New().RunOnceAsync()), Task.Run(() => New().RunOnceAsync()));

        Assert.Equal(addresses.Count, results.Sum(r => r.Sent));
        Assert.All(results, r => Assert.Equal(0, r.Failed));
        foreach (var a in addresses)
        {
            await app.Mail.WaitForAsync(a);
            Assert.Single(app.Mail.To(a));
        }
        var rows = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Type == "account.confirm").ToListAsync());
        Assert.All(rows, m => Assert.Equal((true, 1, "{}"), (m.ProcessedAtUtc is not null, m.Attempts, m.Payload)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_message_with_nobody_to_write_to_or_no_letter_is_marked_processed_with_a_note(Engine engine)
    {
        var app = await pool.For(engine);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var nobody = OutboxMessage.Create(MessageTypes.AccountReset, new { name = "Анна", link = "http://example.test/account/reset" }, null, now);
        // A row of a type no longer registered (written by an older version): the outbox itself takes registered types only.
        var unknown = OutboxMessage.Create(MessageTypes.Closed, new { number = "2026-000001" }, null, now);
        unknown.Type = "appeal.something_new";
        await app.WithDbAsync(async db => { db.Outbox.AddRange(nobody, unknown); await db.SaveChangesAsync(); });

        await app.DispatchMailAsync();

        var rows = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Id == nobody.Id || m.Id == unknown.Id).ToDictionaryAsync(m => m.Id));
        Assert.NotNull(rows[nobody.Id].ProcessedAtUtc);
        Assert.Equal("Нет адреса получателя.", rows[nobody.Id].LastError);
        Assert.NotNull(rows[unknown.Id].ProcessedAtUtc);
        Assert.Equal("Для сообщения «appeal.something_new» нет письма.", rows[unknown.Id].LastError);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_deadline_notice_goes_to_the_staff_who_hold_the_role_at_the_organisation(Engine engine)
    {
        MailBox.RequireSink();
        var app = await pool.For(engine);
        var appeal = await app.SubmitAsync();
        // A title of its own: the dispatcher's address is shared by every app of the run.
        var title = $"Срок по обращению {appeal.Number} истёк ({Guid.NewGuid():N})";
        var notice = OutboxMessage.Create(MessageTypes.DeadlineOverdue, new
        {
            appealId = appeal.Id, appeal.Number, Level = WatchLevel.Overdue, Role = Otklik.Features.Directory.Role.Dispatcher,
            OrganisationId = app.Region.MunA, PersonId = (Guid?)null, Title = title, dueAtUtc = appeal.DueAtUtc,
        }, appeal.Id, app.Clock.GetUtcNow().UtcDateTime);
        await app.WithDbAsync(async db => { db.Outbox.Add(notice); await db.SaveChangesAsync(); });

        await app.DispatchMailAsync();

        var letter = await app.Mail.WaitForAsync("munadispatcher@test.example", m => m.Subject == title);
        Assert.Contains($"/office/appeals/{appeal.Id}", letter.TextOf());
        // Staff letters are the office notices sent by e-mail: deadlines at once unless the person chose otherwise.
        Assert.Equal(Otklik.Features.Notifications.NoticeWriter.EmailType, letter.Headers["X-Otklik-Type"]);
        Assert.NotNull((await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == notice.Id))).ProcessedAtUtc);
    }

    static Task<OutboxMessage> ReceivedMessageAsync(TestApp app, Guid appealId) =>
        app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.AppealId == appealId && m.Type == "appeal.received"));

    /// <summary>A port nobody listens on: taken from the system and released at once.</summary>
    static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
