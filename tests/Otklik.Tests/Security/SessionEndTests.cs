using System.Net;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.Tests.Security;

/// <summary>Issue 14, item 6: signing out and a new password end every session of the person, not only the cookie at hand.</summary>
public sealed class SessionEndTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Password = "Urals-2026-pass";

    static HttpClient CookieClient(TestApp app) => app.CookieClient();

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Signing_out_in_one_browser_ends_the_session_in_the_other(Engine engine)
    {
        var app = await pool.For(engine);
        using var office = CookieClient(app);
        using var laptop = CookieClient(app);
        foreach (var browser in new[] { office, laptop })
            await browser.PostJsonAsync("/api/v1/auth/login", new { email = "centremoderator@test.example", password = TestRegion.Password }).Expect(HttpStatusCode.OK);
        await office.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK);
        await laptop.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK);

        await office.PostAsync("/api/v1/auth/logout", null).Expect(HttpStatusCode.NoContent);

        await laptop.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.Unauthorized);
        await laptop.GetAsync("/api/v1/appeals").Expect(HttpStatusCode.Unauthorized);
        // Signing in again works, with a new cookie.
        await laptop.PostJsonAsync("/api/v1/auth/login", new { email = "centremoderator@test.example", password = TestRegion.Password }).Expect(HttpStatusCode.OK);
        await laptop.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_password_reset_ends_every_session_and_a_password_change_every_other_one(Engine engine)
    {
        var app = await pool.For(engine);
        var email = MailBox.NewAddress("two-sessions");
        using (var registering = new PortalSession(app))
            await registering.GetAsync(new Uri(await AccountPagesTests.RegisterAsync(app, registering, email)).PathAndQuery);

        using var phone = new PortalSession(app);
        using var desktop = new PortalSession(app);
        await phone.SignInAsync(email, Password);
        await desktop.SignInAsync(email, Password);
        await phone.GetAsync("/account/profile");
        await desktop.GetAsync("/account/profile");

        // Someone resets the password by the letter (the owner, or whoever holds the mailbox now).
        using var reset = new PortalSession(app);
        await reset.GetAsync("/account/forgot");
        await reset.PostAsync("/account/forgot", [new("Email", email)]);
        await app.DispatchMailAsync();
        var link = new Uri(AccountPagesTests.LinkIn((await app.Mail.WaitForAsync(email, m => m.Subject == "Восстановление пароля")).TextOf(), "/account/reset")).PathAndQuery;
        await reset.GetAsync(link);
        Assert.Contains("id=\"reset-done\"", await (await reset.PostAsync(link, [new("Password", "New-Urals-2027"), new("PasswordConfirm", "New-Urals-2027")])).Content.ReadAsStringAsync());

        foreach (var old in new[] { phone, desktop })
        {
            var response = await old.GetRawAsync("/account/profile");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/login", response.Headers.Location!.OriginalString);
        }

        // A change of password on the profile page keeps that session and ends the other.
        await phone.SignInAsync(email, "New-Urals-2027");
        await desktop.SignInAsync(email, "New-Urals-2027");
        await phone.GetAsync("/account/profile");
        var changed = await phone.PostAsync("/account/profile?handler=Password",
            [new("CurrentPassword", "New-Urals-2027"), new("NewPassword", "Third-Urals-2028"), new("NewPasswordConfirm", "Third-Urals-2028")]);
        Assert.Equal("/account/profile?saved=password", changed.Headers.Location!.OriginalString);
        await phone.GetAsync("/account/profile");
        Assert.Equal(HttpStatusCode.Redirect, (await desktop.GetRawAsync("/account/profile")).StatusCode);
    }
}
