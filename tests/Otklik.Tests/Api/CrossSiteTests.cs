using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>
/// Cross-site request forgery on the cookie-authenticated API (issue 14, item 11): a page of another origin of the same
/// site posted a text/plain form with the editor's session cookie and published an FAQ article. An unsafe API call
/// with the cookie now needs a same-origin Origin (or Sec-Fetch-Site: same-origin) or the antiforgery token.
/// </summary>
public sealed class CrossSiteTests(AppPool pool) : IClassFixture<AppPool>
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
        var token = FormSession.TokenIn(page);
        Assert.True(token is not null, "The editor's page has no antiforgery token.");
        var withToken = Form(Header + Row("Статья с токеном?"));
        withToken.Headers.Add("RequestVerificationToken", token);
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
        var client = await app.SignedInClientAsync(Persona.ContentEditor);
        client.DefaultRequestHeaders.Remove("Origin"); // each request below says (or does not say) where it comes from
        return client;
    }
}
