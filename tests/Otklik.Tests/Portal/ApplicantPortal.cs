using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>
/// An applicant on the portal with the sign-in cookie (signed in through the API until the accounts pages exist),
/// posting forms as a browser without JavaScript would, with the antiforgery token of the last page seen.
/// </summary>
public sealed class ApplicantPortal(HttpClient http) : IDisposable
{
    readonly HttpClient _http = http;
    string? _token;

    /// <summary>A tiny real PNG (1×1): what a phone's camera would send, only smaller.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    public static async Task<ApplicantPortal> SignInAsync(TestApp app, Persona persona)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var person = await users.FindByIdAsync(app.Region.IdOf(persona).ToString());
            if (!await users.HasPasswordAsync(person!)) Assert.True((await users.AddPasswordAsync(person!, TestRegion.Password)).Succeeded);
        }
        var session = Anonymous(app);
        var signedIn = await session._http.PostAsJsonAsync("/api/v1/auth/login",
            new { email = $"{persona}@test.example".ToLowerInvariant(), password = TestRegion.Password });
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        return session;
    }

    public static ApplicantPortal Anonymous(TestApp app) =>
        new(app.CookieClient());

    public Task<HttpResponseMessage> GetRawAsync(string url) => _http.GetAsync(url);

    /// <summary>GETs a page that must answer 200 and remembers its antiforgery token.</summary>
    public async Task<string> GetAsync(string url)
    {
        var response = await _http.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {html}");
        if (Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"") is { Success: true } m) _token = m.Groups[1].Value;
        return html;
    }

    public async Task<HttpResponseMessage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var token = _token ?? throw new InvalidOperationException("GET a page with a form first.");
        return await _http.PostAsync(url, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))));
    }

    /// <summary>Posts a multipart form (the submission form with its photos).</summary>
    public async Task<HttpResponseMessage> PostMultipartAsync(string url, IEnumerable<KeyValuePair<string, string>> fields,
        IEnumerable<(string Name, string FileName, byte[] Bytes)>? files = null)
    {
        var token = _token ?? throw new InvalidOperationException("GET a page with a form first.");
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields.Append(new("__RequestVerificationToken", token))) content.Add(new StringContent(value), name);
        foreach (var (name, fileName, bytes) in files ?? []) content.Add(new ByteArrayContent(bytes), name, fileName);
        return await _http.PostAsync(url, content);
    }

    public static string HiddenValue(string html, string name)
    {
        var m = Regex.Match(html, $"type=\"hidden\" name=\"{name}\" value=\"([^\"]*)\"");
        Assert.True(m.Success, $"No hidden field {name}.");
        return m.Groups[1].Value;
    }

    public void Dispose() => _http.Dispose();
}
