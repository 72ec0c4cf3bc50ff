using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Directory;
using Otklik.Features.Identity;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.Tests.Security;

/// <summary>Issue 14, item 14: neither registration nor sign-in tells, by its answer or its time, whether an address is registered.</summary>
public sealed class EnumerationTests(AppPool pool) : IClassFixture<AppPool>
{
    /// <summary>The page as the visitor sees it, without what differs on every page anyway (the form token) or what they typed.</summary>
    static string Comparable(string html, string email) =>
        Regex.Replace(html.Replace(email, "ADDRESS").Replace(Uri.EscapeDataString(email), "ADDRESS"), "value=\"CfDJ8[^\"]+\"", "value=\"TOKEN\"");

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Registering_a_taken_address_answers_as_for_a_new_one_and_tells_the_owner_by_letter(Engine engine)
    {
        var app = await pool.For(engine);
        var owner = MailBox.NewAddress("owner");
        using (var first = new PortalSession(app)) await AccountPagesTests.RegisterAsync(app, first, owner);
        var fresh = MailBox.NewAddress("fresh");

        using var session = new PortalSession(app);
        await session.GetAsync("/account/register");
        var forNew = await session.PostAsync("/account/register", AccountPagesTests.RegisterForm(fresh));
        await session.GetAsync("/account/register");
        var forTaken = await session.PostAsync("/account/register", AccountPagesTests.RegisterForm(owner, "Another-Pass-2026"));

        Assert.Equal(HttpStatusCode.OK, forNew.StatusCode);
        Assert.Equal(forNew.StatusCode, forTaken.StatusCode);
        var taken = await forTaken.Content.ReadAsStringAsync();
        Assert.Equal(Comparable(await forNew.Content.ReadAsStringAsync(), fresh), Comparable(taken, owner));
        Assert.DoesNotContain("уже зарегистрирован", taken);

        // The owner's account is untouched, and the owner learns that someone tried.
        Assert.Equal(1, await app.WithDbAsync(db => db.Users.CountAsync(p => p.Email == owner)));
        await app.DispatchMailAsync();
        var letter = await app.Mail.WaitForAsync(owner, m => m.Subject == "Попытка регистрации с вашим адресом");
        Assert.Contains("у вас уже есть учётная запись", letter.TextOf());
        AccountPagesTests.LinkIn(letter.TextOf(), "/account/forgot");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Sign_in_answers_the_same_for_an_unknown_address_and_a_wrong_password(Engine engine)
    {
        var app = await pool.For(engine);
        var known = await app.Anonymous().PostJsonAsync("/api/v1/auth/login", new { email = "centremoderator@test.example", password = "Wrong-Passw0rd" });
        var unknown = await app.Anonymous().PostJsonAsync("/api/v1/auth/login", new { email = "nobody@test.example", password = "Wrong-Passw0rd" });
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (known.StatusCode, unknown.StatusCode));
        // Word for word, but for the trace id every answer carries.
        static string WithoutTrace(string body) => Regex.Replace(body, "\"traceId\":\"[^\"]+\"", "");
        Assert.Equal(WithoutTrace(await known.Content.ReadAsStringAsync()), WithoutTrace(await unknown.Content.ReadAsStringAsync()));
    }

    /// <summary>
    /// The time: a known address costs one password hash (~50 ms), so an unknown one, or an account with no password,
    /// must cost one too. Counting the hasher's calls says so without measuring time, which could flake on a busy machine.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Sign_in_verifies_a_password_hash_for_an_unknown_address_and_an_account_without_a_password(Engine engine)
    {
        var app = await pool.For(engine);
        foreach (var email in new[] { "centremoderator@test.example", "nobody@test.example", "munaexecutor@test.example" })
        {
            await using var scope = app.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var counting = new CountingHasher(users.PasswordHasher);
            users.PasswordHasher = counting;
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            http.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.44");

            var result = await SignIn.WithPasswordAsync(http, users, email, "Wrong-Passw0rd");

            Assert.Equal(SignIn.Outcome.Invalid, result.Outcome);
            Assert.True(counting.Verified == 1, $"{email}: the hash was verified {counting.Verified} times");
        }
    }

    sealed class CountingHasher(IPasswordHasher<Person> inner) : IPasswordHasher<Person>
    {
        public int Verified { get; private set; }
        public string HashPassword(Person user, string password) => inner.HashPassword(user, password);
        public PasswordVerificationResult VerifyHashedPassword(Person user, string hashedPassword, string providedPassword)
        {
            Verified++;
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
