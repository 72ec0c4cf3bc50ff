using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Mail;
using Otklik.Infrastructure;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Nodes;

/// <summary>Issue 21 item 5: the office lists the letters the relay refused, and the region's administrator sends a given-up one again.</summary>
public sealed class FailedLettersPageTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_region_administrator_sees_a_given_up_letter_and_sends_it_again_once(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var address = MailBox.NewAddress("given-up");
        var appeal = await app.SubmitAsync(Samples.Pothole(app.Region).With("applicant",
            new Dictionary<string, object?> { ["kind"] = "person", ["firstName"] = "Пётр", ["email"] = address }));
        // The receipt letter was given up after its last attempt; an account letter too (its one-time link erased).
        var given = "Отправка прекращена после 20 попыток. SmtpCommandException: 554 relay refused";
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var account = OutboxMessage.Create(MessageTypes.AccountReset, new { }, null, now);
        account.ProcessedAtUtc = now; account.Attempts = 20; account.LastError = given; account.Payload = "{}";
        await app.WithDbAsync(async db =>
        {
            db.Outbox.Add(account);
            await db.SaveChangesAsync();
            await db.Outbox.Where(m => m.AppealId == appeal.Id && m.Type == "appeal.received").ExecuteUpdateAsync(s => s
                .SetProperty(m => m.ProcessedAtUtc, now).SetProperty(m => m.Attempts, 20).SetProperty(m => m.LastError, given));
        });
        var receipt = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.AppealId == appeal.Id && m.Type == "appeal.received"));

        // A municipal administrator does not see the region's outbox.
        using (var mun = await FormSession.SignInAsync(app, Persona.MunBAdmin))
            Assert.Equal(HttpStatusCode.Forbidden, (await mun.GetRawAsync("/office/admin/letters")).StatusCode);

        using var admin = await FormSession.SignInAsync(app, Persona.RegionAdmin);
        Assert.Contains("/office/admin/letters", await admin.GetAsync("/office/admin"));
        var page = await admin.GetAsync("/office/admin/letters");
        Assert.Contains("Обращение принято", page);
        Assert.Contains(appeal.Number, page);
        Assert.Contains("554 relay refused", page);
        Assert.Contains("одноразовая ссылка", page);

        // The account letter cannot be resent: refused, and nothing changes.
        var refused = await admin.PostAsync("/office/admin/letters?handler=Resend", [new("MessageId", account.Id.ToString())]);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.NotNull((await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == account.Id))).ProcessedAtUtc);

        var resent = await admin.PostAsync("/office/admin/letters?handler=Resend", [new("MessageId", receipt.Id.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        // A second click (a stale page) finds nothing given up: no second letter.
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync("/office/admin/letters?handler=Resend", [new("MessageId", receipt.Id.ToString())])).StatusCode);

        var result = await app.DispatchMailAsync();
        Assert.Equal(1, result.Sent);
        var letter = await app.Mail.WaitForAsync(address);
        Assert.Equal($"{receipt.Id:N}@otklik", letter.MessageId);
        Assert.Single(app.Mail.To(address));
        var row = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == receipt.Id));
        Assert.Equal((true, 21, null), (row.ProcessedAtUtc is not null, row.Attempts, row.LastError));
        Assert.DoesNotContain("Обращение принято", await admin.GetAsync("/office/admin/letters"));
    }
}
