using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Partners;

namespace Otklik.Tests.Platforms;

/// <summary>
/// Issue 19 item 4, the rest: the site's owner sees the appeals that came from it — the office list filtered by partner
/// site (and its export), reached from the count on the partner sites' page.
/// </summary>
public sealed class PartnerSiteListTests(AppPool pool) : IClassFixture<AppPool>
{
    static List<KeyValuePair<string, string>> Form(string page, string email) =>
    [
        new("IdempotencyKey", Regex.Match(page, "name=\"IdempotencyKey\" value=\"([^\"]+)\"").Groups[1].Value),
        new("formIssued", Regex.Match(page, "name=\"formIssued\" value=\"([^\"]+)\"").Groups[1].Value),
        new("Topic", Regex.Match(page, "name=\"Topic\" value=\"([^\"]+)\"").Groups[1].Value),
        new("Name", "Ирина Козлова"), new("Email", email), new("Message", "Как получить субсидию на покупку оборудования для цеха?"), new("Consent", "true"),
    ];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_office_list_filtered_by_a_partner_site_shows_only_the_appeals_from_its_form(Engine engine)
    {
        var app = await pool.For(engine);
        var site = await EmbedFormTests.RegisterSiteAsync(app, "https://fund.example.ru");
        var other = await EmbedFormTests.RegisterSiteAsync(app, "https://other.example.ru");
        using var http = app.CookieClient();
        async Task<string> SubmitAsync(string key)
        {
            var page = await (await http.GetAsync($"/embed/{key}")).Content.ReadAsStringAsync();
            var email = MailBox.NewAddress("site");
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/embed/{key}", new FormUrlEncodedContent(Form(page, email)))).StatusCode);
            return await app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => a.Applicant.Email == email).Select(a => a.Number).SingleAsync());
        }
        var fromSite = await SubmitAsync(site.Key);
        var fromOther = await SubmitAsync(other.Key);

        using var admin = await FormSession.SignInAsync(app, Persona.RegionAdmin);
        var sites = System.Net.WebUtility.HtmlDecode(await admin.GetAsync("/office/admin/partner-sites"));
        Assert.Contains($"href=\"/office/appeals?partnerSiteId={site.Id}\"", sites);

        // The fund's dispatcher (the site's owner answers its appeals) and the centre see the site's appeals, and only them.
        foreach (var who in new[] { Persona.CentreModerator, Persona.RegionAdmin })
        {
            using var staff = await FormSession.SignInAsync(app, who);
            var list = await staff.GetAsync($"/office/appeals?partnerSiteId={site.Id}");
            Assert.Contains(fromSite, list);
            Assert.DoesNotContain(fromOther, list);
            Assert.Contains("пришли с формы на сайте партнёра", list);
            // The filter is kept by the list's own form.
            Assert.Contains($"name=\"partnerSiteId\" value=\"{site.Id}\"", list);
        }
        using var moderator = await FormSession.SignInAsync(app, Persona.CentreModerator);
        var bad = await moderator.GetRawAsync("/office/appeals?partnerSiteId=not-a-guid");
        Assert.Contains("partnerSiteId", await bad.Content.ReadAsStringAsync());
    }
}
