using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Features.Notifications;
using Otklik.Infrastructure;
using Otklik.Tests.Api;
using Otklik.Tests.Deadlines;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Infrastructure.Persona;

namespace Otklik.Tests.Notifications;

/// <summary>
/// Notices by e-mail, read back from the real SMTP sink, and the deadline notices of the watches; each test has its own
/// app (they move its clock or change someone's choices). Personas' addresses are shared by every app of the run, so a
/// letter is recognised by its appeal's id in the body.
/// </summary>
public sealed class NoticeMailTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_deadline_notice_reaches_the_executor_in_the_office_and_by_a_letter_at_once(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(app.Region));

        await app.SweepAsync(a.AtRiskFromUtc!.Value);
        await app.DeliverAsync();

        var notice = await app.OnlyToAsync(a.Id, NoticeKind.Deadline, MinInvestExecutor, MinInvestDispatcher, MinInvestController, MunAExecutor);
        Assert.Equal($"Срок по обращению {a.Number} истекает", notice.Title);
        // Deadlines come by e-mail at once unless the person chose otherwise (as the staff letters always did).
        var letter = await app.Mail.WaitForAsync("mininvestexecutor@test.example", m => m.TextOf().Contains(a.Id.ToString()));
        Assert.Equal(notice.Title, letter.Subject);
        Assert.Equal(NoticeWriter.EmailType, letter.Headers["X-Otklik-Type"]);
        Assert.Contains("/office/notices/settings", letter.TextOf());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_person_who_chose_a_letter_at_once_gets_it_and_one_who_did_not_gets_none(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var settings = await (await app.ClientAs(MunBExecutor).PutJsonAsync("/api/v1/notifications/settings", new { coExecutorPart = "immediate" })
            .Expect(HttpStatusCode.OK)).ReadAsync<List<NotificationsApi.Setting>>();
        Assert.Equal(NoticeDelivery.Immediate, settings.Single(s => s.Kind == NoticeKind.CoExecutorPart).Delivery);
        Assert.Equal(NoticeDelivery.Office, settings.Single(s => s.Kind == NoticeKind.Assignment).Delivery);
        // A wrong kind or way is refused, naming the field, and changes nothing.
        var problem = await app.ClientAs(MunBExecutor).PutJsonAsync("/api/v1/notifications/settings", new { coExecutorPart = "office", sometimes = "digest" })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "notification.unknown_kind");
        Assert.True(problem.GetProperty("errors").TryGetProperty("sometimes", out _));
        await app.ClientAs(MunBExecutor).PutJsonAsync("/api/v1/notifications/settings", new { coExecutorPart = "weekly" })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "notification.unknown_delivery");

        var a = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(app.Region));
        await app.ActAsync(MinInvestExecutor, a, "co-executors", new { organisationId = app.Region.MunB, task = "Сведения о муниципальной поддержке" });
        await app.DeliverAsync();

        var letter = await app.Mail.WaitForAsync("munbexecutor@test.example", m => m.TextOf().Contains(a.Id.ToString()));
        Assert.Equal($"Часть обращения № {a.Number} передана вашей организации", letter.Subject);
        Assert.Contains("Сведения о муниципальной поддержке", letter.TextOf());
        Assert.Contains($"http://127.0.0.1:5080/office/appeals/{a.Id}", letter.TextOf());
        await app.OnlyToAsync(a.Id, NoticeKind.CoExecutorPart, MunBDispatcher);
        // The dispatcher kept the default (the office only): no letter for them.
        Assert.DoesNotContain(app.Mail.To("munbdispatcher@test.example"), m => m.TextOf().Contains(a.Id.ToString()));
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == NoticeWriter.EmailType && m.AppealId == a.Id)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_daily_digest_collects_the_unsent_notices_into_one_letter_once(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        await app.ClientAs(MunAExecutor).PutJsonAsync("/api/v1/notifications/settings", new { assignment = "digest", rework = "digest" }).Expect(HttpStatusCode.OK);
        var first = await app.AppealInAsync(AppealStatus.Assigned);
        var second = await app.AppealInAsync(AppealStatus.Assigned);
        await app.DeliverAsync();
        bool Mine(MimeKit.MimeMessage m) => m.TextOf().Contains(first.Id.ToString());

        // 10:00 in Moscow on Monday: today's digest (08:00 Moscow, 05:00 UTC) has gone; these wait for tomorrow's.
        Assert.Equal(0, await app.DigestAsync());
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 4, 59, 0, TimeSpan.Zero));
        Assert.Equal(0, await app.DigestAsync());
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await app.DigestAsync());
        Assert.Equal(0, await app.DigestAsync());
        await app.DeliverAsync();

        var letter = await app.Mail.WaitForAsync("munaexecutor@test.example", Mine);
        Assert.Equal("Уведомления рабочего места «Отклик»: 2", letter.Subject);
        Assert.Contains($"Вам назначено обращение № {first.Number}", letter.TextOf());
        Assert.Contains($"Вам назначено обращение № {second.Number}", letter.TextOf());
        Assert.Equal(NoticeWriter.DigestType, letter.Headers["X-Otklik-Type"]);
        Assert.Single(app.Mail.To("munaexecutor@test.example"), Mine);
        // Still in the office list, unread: the letter does not read them.
        Assert.Equal(2, (await app.NoticePageAsync(MunAExecutor)).Items.Count(i => i.Kind == NoticeKind.Assignment && i.Unread));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Two_dispatchers_at_once_write_each_notice_once(Engine engine)
    {
        var sinkPort = MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var appeal = await app.AppealInAsync(AppealStatus.InWork);
        var executor = app.Region.IdOf(MunAExecutor);
        await app.DeliverAsync();
        await app.WithDbAsync(async db =>
        {
            for (var i = 0; i < 20; i++)
                db.Outbox.Add(OutboxMessage.Create(Otklik.Features.Mail.MessageTypes.DeadlineAtRisk, new { appealId = appeal.Id, appeal.Number, personId = executor, title = $"Срок {i}" }, appeal.Id, now));
            await db.SaveChangesAsync();
        });

        var settings = new MailSettings { Host = "127.0.0.1", Port = sinkPort };
        OutboxDispatcher New() => new(app.Services.GetRequiredService<IServiceScopeFactory>(), app.Clock, settings, new SmtpMailSender(settings),
            NullLogger<OutboxDispatcher>.Instance);
        var results = await Task.WhenAll(Task.Run(() => New().RunOnceAsync()), Task.Run(() => New().RunOnceAsync()));

        Assert.All(results, r => Assert.Equal(0, r.Failed));
        var titles = await app.WithDbAsync(db => db.Notifications.Where(n => n.AppealId == appeal.Id && n.Kind == NoticeKind.Deadline).Select(n => n.Title).ToListAsync());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"Срок {i}").Order(), titles.Order());
        // And each at-once letter went once: 20 notices, 20 letters.
        Assert.Equal(20, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == NoticeWriter.EmailType && m.AppealId == appeal.Id && m.ProcessedAtUtc != null)));
    }
}
