using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Portal.Submit;
using Otklik.Infrastructure;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>
/// Report first, sign in after (issue 17, item 2), over HTTP as a browser without JavaScript: a visitor's appeal is kept
/// on the server, the letter read back from the SMTP sink confirms the address, signs in and sends it once.
/// </summary>
public sealed class PendingAppealTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_visitors_appeal_is_kept_until_the_email_is_confirmed_then_sent_once_and_the_account_is_made(Engine engine)
    {
        var app = await pool.For(engine);
        var email = MailBox.NewAddress("visitor");
        var text = $"Во дворе дома 3 по улице Мира сломаны качели, торчит арматура. ({Guid.NewGuid():N})";
        using var visitor = ApplicantPortal.Anonymous(app);
        var key = ApplicantPortal.HiddenValue(await visitor.GetAsync("/submit"), "IdempotencyKey");

        // Without a name and an address nothing is kept, and each missing field is named.
        var refused = await visitor.PostMultipartAsync("/submit", SubmitPagesTests.Form(app.Region, key, text));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("id=\"contact-email-error\"", page);
        Assert.Contains("Без согласия на обработку персональных данных", page);
        Assert.Equal(0, await app.WithDbAsync(db => db.PendingAppeals.CountAsync(p => p.IdempotencyKey == key)));

        var posted = await visitor.PostMultipartAsync("/submit", [.. SubmitPagesTests.Form(app.Region, key, text),
            new("ContactLastName", "Орлова"), new("ContactFirstName", "Анна"), new("ContactEmail", email), new("PersonalDataConsent", "true")],
            [("Photos", "качели.png", ApplicantPortal.Png)]);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains(email, await posted.Content.ReadAsStringAsync());
        // Nothing is sent yet: no appeal, one pending one; the account exists, unconfirmed and without a password.
        Assert.False(await app.WithDbAsync(db => db.Appeals.AnyAsync(a => a.Text == text)));
        var person = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(p => p.Email == email));
        Assert.Equal((false, "Орлова", "Анна", (string?)null), (person.EmailConfirmed, person.LastName, person.FirstName, person.PasswordHash));

        await app.DispatchMailAsync();
        var letter = await app.Mail.WaitForAsync(email);
        Assert.Equal("Подтвердите адрес, и обращение будет отправлено", letter.Subject);
        var link = Regex.Match(letter.TextOf(), @"https?://\S+/submit/confirm\?\S+").Value;
        Assert.StartsWith(app.Services.GetRequiredService<PublicUrl>().Link("/submit/confirm?"), link);
        var path = new Uri(link).PathAndQuery;

        // The link confirms, signs in and sends: the appeal page of the new account.
        using var phone = ApplicantPortal.Anonymous(app);
        var confirmed = await phone.GetRawAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        var number = Regex.Match(confirmed.Headers.Location!.ToString(), @"^/my/(\d{4}-\d{6})\?sent=true$").Groups[1].Value;
        Assert.NotEmpty(number);
        Assert.Contains(number, await phone.GetAsync($"/my/{number}"));
        var appeal = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Text == text));
        Assert.Equal((number, person.Id, AppealStatus.Moderation, "Орлова"), (appeal.Number, appeal.ApplicantUserId, appeal.Status, appeal.Applicant.LastName));
        Assert.Equal(1, await app.WithDbAsync(db => db.Attachments.CountAsync(a => a.AppealId == appeal.Id)));
        Assert.True(await app.WithDbAsync(db => db.Users.Where(p => p.Id == person.Id).Select(p => p.EmailConfirmed).SingleAsync()));

        // Twice, and again from another browser: the same appeal, never a second one.
        Assert.EndsWith($"/my/{number}?sent=true", (await phone.GetRawAsync(path)).Headers.Location!.ToString());
        using var other = ApplicantPortal.Anonymous(app);
        Assert.EndsWith($"/my/{number}?sent=true", (await other.GetRawAsync(path)).Headers.Location!.ToString());
        Assert.Equal(1, await app.WithDbAsync(db => db.Appeals.CountAsync(a => a.Text == text)));

        // A wrong token is refused and changes nothing.
        var wrong = await other.GetRawAsync(Regex.Replace(path, "token=[0-9a-f]+", "token=" + new string('0', 64)));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_unconfirmed_pending_appeal_expires_and_its_link_then_says_so(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var email = MailBox.NewAddress("late");
        using var visitor = ApplicantPortal.Anonymous(app);
        var key = ApplicantPortal.HiddenValue(await visitor.GetAsync("/submit"), "IdempotencyKey");
        var posted = await visitor.PostMultipartAsync("/submit", [.. SubmitPagesTests.Form(app.Region, key, "Не работает светофор на перекрёстке Ленина и Мира третий день."),
            new("ContactLastName", "Поздний"), new("ContactFirstName", "Пётр"), new("ContactEmail", email), new("PersonalDataConsent", "true")]);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        await app.DispatchMailAsync();
        var path = new Uri(Regex.Match((await app.Mail.WaitForAsync(email)).TextOf(), @"https?://\S+/submit/confirm\?\S+").Value).PathAndQuery;

        app.Clock.Advance(PendingAppeal.Lifetime - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await app.WithDbAsync(db => PendingAppealSweep.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default)));
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var late = await visitor.GetRawAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Contains("Срок ссылки истёк", await late.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.WithDbAsync(db => PendingAppealSweep.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, default)));
        Assert.Equal(0, await app.WithDbAsync(db => db.PendingAppeals.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.Appeals.CountAsync(a => a.IdempotencyKey == key)));
    }
}
