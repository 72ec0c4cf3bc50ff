using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Directory;

namespace Otklik.Tests.Infrastructure;

/// <summary>
/// A browser without JavaScript, signed in or not: the cookie client of <see cref="TestApp.CookieClient"/>, remembering the
/// antiforgery token (and the portal's bot-check stamp) of the last page it read and posting forms with them, as the
/// page would. The one place tests sign people in and read tokens; the feature folders' sessions build on it.
/// </summary>
public class FormSession(HttpClient http) : IDisposable
{
    string? _token;
    string? _stamp;

    public HttpClient Client { get; } = http;

    /// <summary>The antiforgery token of the last page with a form.</summary>
    public string Token => _token ?? throw new InvalidOperationException("GET a page with a form first: it carries the antiforgery token.");

    /// <summary>The portal's bot-check stamp of the last page with one, if any.</summary>
    public string? Stamp => _stamp;

    /// <summary>The persona of the test region signed in with the session cookie (through the API, the quickest way).</summary>
    public static async Task<FormSession> SignInAsync(TestApp app, Persona persona) => new(await app.SignedInClientAsync(persona));

    public static FormSession Anonymous(TestApp app) => new(app.CookieClient());

    public Task<HttpResponseMessage> GetRawAsync(string url) => Client.GetAsync(url);

    /// <summary>GETs a page that must answer 200 and remembers its antiforgery token and bot-check stamp.</summary>
    public async Task<string> GetAsync(string url)
    {
        var response = await Client.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {html}");
        Remember(html);
        return html;
    }

    /// <summary>Keeps the token and stamp of a page read some other way (a form redisplayed with its errors, say).</summary>
    public void Remember(string html)
    {
        if (TokenIn(html) is { } token) _token = token;
        if (Regex.Match(html, "name=\"formIssued\" value=\"([^\"]+)\"") is { Success: true } s) _stamp = s.Groups[1].Value;
    }

    /// <summary>
    /// Posts a url-encoded form with the remembered antiforgery token (values may repeat, as ticked checkboxes do); a page
    /// shown in answer (the form again, with its errors) is remembered like a page one got.
    /// </summary>
    public async Task<HttpResponseMessage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var response = await Client.PostAsync(url, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", Token))));
        if (response.Content.Headers.ContentType?.MediaType == "text/html") Remember(await response.Content.ReadAsStringAsync());
        return response;
    }

    /// <summary>Posts a multipart form (files attached) with the remembered antiforgery token.</summary>
    public Task<HttpResponseMessage> PostMultipartAsync(string url, IEnumerable<KeyValuePair<string, string>> fields,
        IEnumerable<(string Name, string FileName, byte[] Bytes)>? files = null)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields.Append(new("__RequestVerificationToken", Token))) content.Add(new StringContent(value), name);
        foreach (var (name, fileName, bytes) in files ?? []) content.Add(new ByteArrayContent(bytes), name, fileName);
        return Client.PostAsync(url, content);
    }

    /// <summary>The antiforgery token of a page's form, or null when the page has none.</summary>
    public static string? TokenIn(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"") is { Success: true } m ? m.Groups[1].Value : null;

    public static string HiddenValue(string html, string name)
    {
        var m = Regex.Match(html, $"type=\"hidden\" name=\"{name}\" value=\"([^\"]*)\"");
        Assert.True(m.Success, $"No hidden field {name}.");
        return m.Groups[1].Value;
    }

    public void Dispose()
    {
        Client.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Signing in the people of the test region, for every test client.</summary>
public static class SignInExtensions
{
    /// <summary>Gives the person the test password unless they have one (the test region makes people without passwords); their email.</summary>
    public static Task<string> EnsurePasswordAsync(this TestApp app, Guid personId) =>
        app.EnsurePasswordAsync(users => users.FindByIdAsync(personId.ToString()), personId.ToString());

    public static Task<string> EnsurePasswordAsync(this TestApp app, string email) =>
        app.EnsurePasswordAsync(users => users.FindByEmailAsync(email), email);

    static async Task<string> EnsurePasswordAsync(this TestApp app, Func<UserManager<Person>, Task<Person?>> find, string who)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
        var person = await find(users) ?? throw new InvalidOperationException($"No person {who}.");
        if (!await users.HasPasswordAsync(person)) Assert.True((await users.AddPasswordAsync(person, TestRegion.Password)).Succeeded);
        return person.Email!;
    }

    public static Task<string> EnsurePasswordAsync(this TestApp app, Persona persona) => app.EnsurePasswordAsync(app.Region.IdOf(persona));

    /// <summary>A cookie client (<see cref="TestApp.CookieClient"/>) signed in as the person through the API.</summary>
    public static async Task<HttpClient> SignedInClientAsync(this TestApp app, Persona persona) =>
        await app.SignedInClientAsync(await app.EnsurePasswordAsync(persona), TestRegion.Password);

    /// <summary>A cookie client signed in with an email and password of the person's own (the demo seed's people, say).</summary>
    public static async Task<HttpClient> SignedInClientAsync(this TestApp app, string email, string password)
    {
        var client = app.CookieClient();
        await client.PostJsonAsync("/api/v1/auth/login", new { email, password }).Expect(HttpStatusCode.OK);
        return client;
    }
}
