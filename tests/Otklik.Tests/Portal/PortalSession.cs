using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>A browser without JavaScript on the portal: cookies kept, redirects not followed, the last form's token and bot stamp reused.</summary>
public sealed class PortalSession(TestApp app) : IDisposable
{
    readonly HttpClient _http = app.CookieClient();
    string? _token;
    string? _stamp;

    public Task<HttpResponseMessage> GetRawAsync(string url) => _http.GetAsync(url);

    /// <summary>GETs a page that must answer 200 and remembers its antiforgery token and bot-check stamp.</summary>
    public async Task<string> GetAsync(string url)
    {
        var response = await _http.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {html}");
        Remember(html);
        return html;
    }

    void Remember(string html)
    {
        if (Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"") is { Success: true } t) _token = t.Groups[1].Value;
        if (Regex.Match(html, "name=\"formIssued\" value=\"([^\"]+)\"") is { Success: true } s) _stamp = s.Groups[1].Value;
    }

    /// <summary>Posts a form with the remembered token and stamp (and an empty honeypot) as the page would.</summary>
    public async Task<HttpResponseMessage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields, bool withBotFields = true, string honeypot = "")
    {
        var all = fields.Append(new("__RequestVerificationToken", _token ?? throw new InvalidOperationException("GET a page with a form first.")));
        if (withBotFields && _stamp is not null) all = all.Append(new("formIssued", _stamp)).Append(new("website", honeypot));
        var response = await _http.PostAsync(url, new FormUrlEncodedContent(all));
        if (response.Content.Headers.ContentType?.MediaType == "text/html") Remember(await response.Content.ReadAsStringAsync());
        return response;
    }

    public Task<HttpResponseMessage> PostRawAsync(string url, HttpContent content) => _http.PostAsync(url, content);
    public string Token => _token ?? throw new InvalidOperationException("GET a page with a form first.");

    /// <summary>Signs in through the portal's own page.</summary>
    public async Task SignInAsync(string email, string password)
    {
        await GetAsync("/account/login");
        var response = await PostAsync("/account/login", [new("Email", email), new("Password", password), new("ReturnUrl", "/account/profile")]);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Sign-in of {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<PortalSession> SignedInAsync(TestApp app, Persona persona)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var person = await users.FindByIdAsync(app.Region.IdOf(persona).ToString());
            if (!await users.HasPasswordAsync(person!)) Assert.True((await users.AddPasswordAsync(person!, TestRegion.Password)).Succeeded);
        }
        var session = new PortalSession(app);
        await session.SignInAsync($"{persona}@test.example".ToLowerInvariant(), TestRegion.Password);
        return session;
    }

    public void Dispose() => _http.Dispose();
}
