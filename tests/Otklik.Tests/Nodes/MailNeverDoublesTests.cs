using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Otklik.Features.Mail;
using Otklik.Infrastructure;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Nodes;

/// <summary>
/// Issue 21 item 5: with two nodes and a relay that answers slowly, every letter arrives exactly once (read back from
/// the SMTP sink by its Message-Id), and intake wakes the dispatcher so the receipt letter goes within seconds.
/// </summary>
public sealed class MailNeverDoublesTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Two_nodes_sending_through_a_slow_relay_deliver_every_letter_exactly_once(Engine engine)
    {
        // Each letter waits a second at the relay; the lease is 6 s. Claiming a batch at once (the old dispatcher) held
        // ten letters under one 6-s lease while sending them for 10 s, and the other node sent the rest again.
        await using var relay = new SlowSmtp(TimeSpan.FromSeconds(1));
        await using var a = await TestApp.StartAsync(engine);
        await using var b = await a.SecondNodeAsync();
        var now = a.Clock.GetUtcNow().UtcDateTime;
        var addresses = Enumerable.Range(0, 10).Select(i => MailBox.NewAddress($"once{i}")).ToList();
        var letters = addresses
            .Select(address => OutboxMessage.Create(MessageTypes.AccountConfirm, new { email = address, name = "Анна", link = "http://example.test/account/confirm?x=1" }, null, now))
            .ToList();
        await a.WithDbAsync(async db => { db.Outbox.AddRange(letters); await db.SaveChangesAsync(); });

        // The lease is about real time (a relay's delay is real), so both dispatchers run on the real clock.
        var settings = new MailSettings { Host = "127.0.0.1", Port = relay.Port, LeaseSeconds = 6 };
        async Task<int> NodeAsync(TestApp node)
        {
            var dispatcher = new OutboxDispatcher(node.Services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System, settings,
                new SmtpMailSender(settings), NullLogger<OutboxDispatcher>.Instance);
            var sent = 0;
            var watch = Stopwatch.StartNew();
            // As the background loop does: pass after pass until nothing is left unprocessed.
            while (await node.WithDbAsync(db => db.Outbox.AnyAsync(m => m.ProcessedAtUtc == null && m.Type == "account.confirm")))
            {
                Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "the letters were not all sent in two minutes");
                sent += (await dispatcher.RunOnceAsync()).Sent;
                await Task.Delay(200);
            }
            return sent;
        }
        var sentBy = await Task.WhenAll(Task.Run(() => NodeAsync(a)), Task.Run(() => NodeAsync(b)));

        foreach (var (letter, address) in letters.Zip(addresses))
        {
            await a.Mail.WaitForAsync(address);
            // A moment for a late twin to land, then exactly one letter with this outbox id as its Message-Id.
            await Task.Delay(50);
            var received = a.Mail.To(address);
            Assert.Equal(new List<string> { $"{letter.Id:N}@otklik" }, received.Select(m => m.MessageId ?? "").ToList());
        }
        Assert.Equal(letters.Count, sentBy.Sum());
        Assert.Equal(letters.Count, relay.Connections);
        var rows = await a.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Type == "account.confirm").ToListAsync());
        Assert.All(rows, m => Assert.Equal((true, 1, null), (m.ProcessedAtUtc is not null, m.Attempts, m.LastError)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_send_longer_than_half_the_lease_is_cut_off_and_retried_not_doubled(Engine engine)
    {
        await using var relay = new SlowSmtp(TimeSpan.FromSeconds(6));
        await using var a = await TestApp.StartAsync(engine);
        var address = MailBox.NewAddress("hang");
        var letter = OutboxMessage.Create(MessageTypes.AccountConfirm, new { email = address, name = "Анна", link = "http://example.test/account/confirm?x=1" }, null,
            a.Clock.GetUtcNow().UtcDateTime);
        await a.WithDbAsync(async db => { db.Outbox.Add(letter); await db.SaveChangesAsync(); });
        var settings = new MailSettings { Host = "127.0.0.1", Port = relay.Port, LeaseSeconds = 4 };
        var dispatcher = new OutboxDispatcher(a.Services.GetRequiredService<IServiceScopeFactory>(), a.Clock, settings,
            new SmtpMailSender(settings), NullLogger<OutboxDispatcher>.Instance);

        var watch = Stopwatch.StartNew();
        var result = await dispatcher.RunOnceAsync();

        // Given up after half the lease (2 s), before the relay would have answered (6 s); kept for a retry.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the send took {watch.Elapsed}");
        Assert.Equal((0, 1), (result.Sent, result.Failed));
        var row = await a.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == letter.Id));
        Assert.Null(row.ProcessedAtUtc);
        Assert.Contains("не принял письмо за 2 с", row.LastError);
        Assert.Equal(a.Clock.GetUtcNow().UtcDateTime + OutboxDispatcher.Backoff(1), row.LockedUntilUtc);
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Empty(a.Mail.To(address));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Intake_wakes_the_dispatcher_so_the_receipt_letter_goes_within_seconds(Engine engine)
    {
        MailBox.RequireSink();
        // The background loop runs here; its 30-s timer is on the test's clock, which does not move: only a nudge sends.
        await using var a = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:Workers"] = "true" });
        var address = MailBox.NewAddress("receipt");
        var watch = Stopwatch.StartNew();
        var appeal = await a.SubmitAsync(Samples.Pothole(a.Region).With("applicant",
            new Dictionary<string, object?> { ["kind"] = "person", ["firstName"] = "Мария", ["email"] = address }));

        var letter = await a.Mail.WaitForAsync(address, timeout: TimeSpan.FromSeconds(10));

        Assert.Equal($"Обращение № {appeal.Number} принято", letter.Subject);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }
}
