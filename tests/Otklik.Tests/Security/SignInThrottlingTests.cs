using System.Net;
using System.Net.Sockets;
using System.Net.Http.Json;
using Otklik.Features.Identity;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Security;

/// <summary>
/// Issue 14, items 5 and 12: failed sign-ins slow the address they come from, not the account (ADR 0015); forwarded
/// headers count only from configured proxies; the session cookie is Secure when the public address is https.
/// </summary>
public sealed class SignInThrottlingTests
{
    const string Moderator = "centremoderator@test.example";

    /// <summary>A client whose connections come from <paramref name="local"/> (any 127.x.y.z address is this machine).</summary>
    static HttpClient From(TestApp app, string local) =>
        new(new SocketsHttpHandler
        {
            UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(local), 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch { socket.Dispose(); throw; }
            },
        })
        {
            BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(2),
            // A browser sends the site's Origin with every POST from its pages; the API refuses a cookie request without it.
            DefaultRequestHeaders = { { "Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority) } },
        };

    static Task<HttpResponseMessage> LoginAsync(HttpClient client, string password, string? forwardedFor = null, string email = Moderator)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email, password }) };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_attackers_failures_slow_the_attacker_and_do_not_lock_the_staff_member_out_from_another_address(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:SignIn:AddressFailures"] = "30" });
        using var attacker = From(app, "127.0.0.66");
        using var staff = From(app, "127.0.0.77");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++) answers.Add(await LoginAsync(attacker, "guess-" + i));
        // Five free failures, the sixth starts the wait; from then on the attacker is refused without a check.
        Assert.All(answers.Take(6), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        Assert.All(answers.Skip(6), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        var refused = answers[^1];
        Assert.Equal("auth.throttled", (await refused.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        // Even the right password is not tried from the attacker's address while it waits.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(attacker, TestRegion.Password)).StatusCode);

        // The staff member, from their own address, signs in at once.
        await LoginAsync(staff, TestRegion.Password).Expect(HttpStatusCode.OK);
        await staff.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK);

        // Each further failure doubles the attacker's wait: 1 s, 2 s, 4 s …
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await LoginAsync(attacker, "guess-again").Expect(HttpStatusCode.Unauthorized);
        Assert.Equal(TimeSpan.FromSeconds(2), (await LoginAsync(attacker, "guess-again")).Headers.RetryAfter?.Delta);

        // One address trying many accounts meets the cap per address (30 here) whatever the accounts.
        using var sprayer = From(app, "127.0.0.88");
        HttpResponseMessage last = null!;
        for (var i = 0; i < 31; i++) last = await LoginAsync(sprayer, "Summer2026", email: $"person{i}@test.example");
        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        await LoginAsync(staff, TestRegion.Password).Expect(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Forwarded_addresses_count_only_from_a_configured_proxy(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:ForwardedHeaders:KnownProxies"] = "127.0.0.10" });
        using var proxy = From(app, "127.0.0.10");
        using var stranger = From(app, "127.0.0.20");

        // Through the proxy, each client is itself: the attacker's failures do not slow the staff member behind the same proxy.
        for (var i = 0; i < 7; i++) await LoginAsync(proxy, "guess-" + i, forwardedFor: "203.0.113.5");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(proxy, "guess", forwardedFor: "203.0.113.5")).StatusCode);
        await LoginAsync(proxy, TestRegion.Password, forwardedFor: "198.51.100.7").Expect(HttpStatusCode.OK);

        // From anyone else the header is ignored: a client cannot pick a fresh address for each guess.
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++) answers.Add((await LoginAsync(stranger, "guess-" + i, forwardedFor: $"192.0.2.{i + 1}")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Cookies_are_Secure_when_the_public_address_is_https_even_behind_a_plain_http_hop(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:PublicUrl"] = "https://otklik.example.ru" });
        var login = await LoginAsync(app.Anonymous(), TestRegion.Password).Expect(HttpStatusCode.OK);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("otklik=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        var form = await app.Anonymous().GetAsync("/account/login");
        Assert.All(form.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_wait_doubles_after_the_free_failures_up_to_the_maximum()
    {
        var max = TimeSpan.FromMinutes(15);
        Assert.Null(SignInThrottling.Delay(5, 5, max));
        Assert.Equal([1, 2, 4, 8], new[] { 6, 7, 8, 9 }.Select(f => SignInThrottling.Delay(f, 5, max)!.Value.TotalSeconds));
        Assert.Equal(max, SignInThrottling.Delay(40, 5, max));
        Assert.Equal(max, SignInThrottling.Delay(int.MaxValue, 1, max));
    }
}
