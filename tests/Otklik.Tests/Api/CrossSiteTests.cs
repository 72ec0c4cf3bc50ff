using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>
/// Cross-site request forgery on the cookie-authenticated API (issue 14, item 11): a page of another origin of the same
/// site posted a text/plain form with the editor's session cookie and published an FAQ article. An unsafe API call
/// with the cookie now needs a same-origin Origin (or Sec-Fetch-Site: same-origin) or the antiforgery token.
/// </summary>
public sealed partial class CrossSiteTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Import = "/api/v1/knowledge/import";
    const string Header = "Вопрос;Ответ;Правовое основание;Категория;Тема;Организация;Пересмотреть до;Опубликована\r\n";

    static string Row(string question) => $"{question};Ответ редакции.;;Меры поддержки;;Центр управления регионом;2027-06-01;да\r\n";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_cross_origin_text_plain_form_with_the_editors_cookie_is_refused_and_the_same_call_from_the_site_succeeds(Engine engine)
    {
        var app = await pool.For(engine);
        using var editor = await SignedInEditorAsync(app);
        var own = app.BaseAddress.GetLeftPart(UriPartial.Authority);
        var before = await ArticlesAsync(app);

        // The attacker's page: another origin of the same site, a plain HTML form (enctype="text/plain"), so no preflight.
        var attack = Form(Header + Row("Поддельная статья?"));
        attack.Headers.Add("Origin", $"http://attacker.{app.BaseAddress.Host}:{app.BaseAddress.Port}");
        attack.Headers.Add("Sec-Fetch-Site", "same-site");
        var refused = await editor.SendAsync(attack);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("auth.cross_site", (await refused.ProblemAsync()).GetProperty("code").GetString());

        // A cookie request that says nothing of where it comes from is refused as well; so is the "null" origin.
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.SendAsync(Form(Header + Row("Без источника?")))).StatusCode);
        var sandboxed = Form(Header + Row("Из песочницы?"));
        sandboxed.Headers.Add("Origin", "null");
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.SendAsync(sandboxed)).StatusCode);
        Assert.Equal(before, await ArticlesAsync(app));

        // The same call from the site's own page goes through.
        var sameOrigin = Form(Header + Row("Статья с сайта?"));
        sameOrigin.Headers.Add("Origin", own);
        await editor.SendAsync(sameOrigin).Expect(HttpStatusCode.OK);
        var fetchMetadata = Form(Header + Row("Статья по Sec-Fetch-Site?"));
        fetchMetadata.Headers.Add("Sec-Fetch-Site", "same-origin");
        await editor.SendAsync(fetchMetadata).Expect(HttpStatusCode.OK);

        // Or with the antiforgery token of the office's own page, sent in the header.
        var page = await (await editor.GetAsync("/office/knowledge/edit")).Content.ReadAsStringAsync();
        var token = TokenPattern().Match(page);
        Assert.True(token.Success, "The editor's page has no antiforgery token.");
        var withToken = Form(Header + Row("Статья с токеном?"));
        withToken.Headers.Add("RequestVerificationToken", token.Groups[1].Value);
        await editor.SendAsync(withToken).Expect(HttpStatusCode.OK);

        Assert.Equal(before + 3, await ArticlesAsync(app));
        Assert.False(await app.WithDbAsync(db => db.Articles.AnyAsync(a => a.Title.StartsWith("Поддельная") || a.Title.StartsWith("Без источника") || a.Title.StartsWith("Из песочницы"))));

        // API keys are not sent by browsers on their own: they need neither.
        await app.ClientAs(Persona.ContentEditor).PostAsync(Import, new StringContent(Header + Row("Статья по ключу?"), Encoding.UTF8, "text/csv"))
            .Expect(HttpStatusCode.OK);
    }

    static HttpRequestMessage Form(string body) => new(HttpMethod.Post, Import) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };

    static Task<int> ArticlesAsync(TestApp app) => app.WithDbAsync(db => db.Articles.CountAsync());

    /// <summary>The content editor signed in with the session cookie, as a browser with no Origin of its own.</summary>
    static async Task<HttpClient> SignedInEditorAsync(TestApp app)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
            var person = await users.FindByIdAsync(app.Region.IdOf(Persona.ContentEditor).ToString());
            if (!await users.HasPasswordAsync(person!)) Assert.True((await users.AddPasswordAsync(person!, TestRegion.Password)).Succeeded);
        }
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(2),
        };
        await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "contenteditor@test.example", password = TestRegion.Password }).Expect(HttpStatusCode.OK);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
