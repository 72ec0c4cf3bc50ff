using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Portal.Accounts;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>The bot check (honeypot and minimum form time) and the rate limits of the public forms.</summary>
public sealed class PortalGuardsTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_form_sent_too_soon_with_a_forged_stamp_or_a_filled_honeypot_is_refused(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:BotCheck:MinSeconds"] = "3" });
        using var session = new PortalSession(app);
        var email = MailBox.NewAddress("bot");
        await session.GetAsync("/account/register");

        var tooSoon = await session.PostAsync("/account/register", AccountPagesTests.RegisterForm(email));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooSoon.StatusCode);
        var html = await tooSoon.Content.ReadAsStringAsync();
        Assert.Contains(BotCheck.Refusal, html);
        Assert.Contains("value=\"Кузнецова\"", html);

        app.Clock.Advance(TimeSpan.FromSeconds(3));
        var honeypot = await session.PostAsync("/account/register", AccountPagesTests.RegisterForm(email), honeypot: "http://spam.example");
        Assert.Contains(BotCheck.Refusal, await honeypot.Content.ReadAsStringAsync());
        var forged = await session.PostAsync("/account/register", AccountPagesTests.RegisterForm(email).Append(new("formIssued", "0")), withBotFields: false);
        Assert.Contains(BotCheck.Refusal, await forged.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync(p => p.Email == email)));

        // A person who took their time gets through with the same form (the refusals above issued it anew).
        app.Clock.Advance(TimeSpan.FromSeconds(3));
        var person = await session.PostAsync("/account/register", AccountPagesTests.RegisterForm(email));
        Assert.Equal(HttpStatusCode.OK, person.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.Users.CountAsync(p => p.Email == email)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_accounts_rate_limit_answers_429_in_russian_and_lets_pages_be_read(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:RateLimits:AccountsPerMinute"] = "3" });
        using var session = new PortalSession(app);
        await session.GetAsync("/account/register");
        var emails = Enumerable.Range(0, 4).Select(i => MailBox.NewAddress($"burst{i}")).ToList();

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await session.PostAsync("/account/register", AccountPagesTests.RegisterForm(emails[i]))).StatusCode);
        var fourth = await session.PostAsync("/account/register", AccountPagesTests.RegisterForm(emails[3]));

        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.True(int.Parse(fourth.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Contains("Слишком много запросов", await fourth.Content.ReadAsStringAsync());
        Assert.Equal(3, await app.WithDbAsync(db => db.Users.CountAsync(p => emails.Contains(p.Email!))));
        // Sign-in shares the budget; reading a page does not spend it.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await session.PostAsync("/account/login", [new("Email", emails[0]), new("Password", "x")])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetRawAsync("/account/login")).StatusCode);
    }
}
