using System.Net;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>A browser without JavaScript on the portal (<see cref="FormSession"/>), signing in through the portal's own page.</summary>
public sealed class PortalSession(TestApp app) : FormSession(app.CookieClient())
{
    /// <summary>Posts a form with the remembered token and bot-check stamp (and an empty honeypot) as the page would.</summary>
    public Task<HttpResponseMessage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields, bool withBotFields = true, string honeypot = "") =>
        base.PostAsync(url, withBotFields && Stamp is { } stamp ? fields.Append(new("formIssued", stamp)).Append(new("website", honeypot)) : fields);

    public Task<HttpResponseMessage> PostRawAsync(string url, HttpContent content) => Client.PostAsync(url, content);

    /// <summary>Signs in through the portal's own page.</summary>
    public async Task SignInAsync(string email, string password)
    {
        await GetAsync("/account/login");
        var response = await PostAsync("/account/login", [new("Email", email), new("Password", password), new("ReturnUrl", "/account/profile")]);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Sign-in of {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<PortalSession> SignedInAsync(TestApp app, Persona persona)
    {
        var session = new PortalSession(app);
        await session.SignInAsync(await app.EnsurePasswordAsync(persona), TestRegion.Password);
        return session;
    }
}
