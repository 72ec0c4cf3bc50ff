using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Partners;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Partners;

/// <summary>Issue 19, item 4: a partner site's embedded form submits through the intake, shows the number, may be framed only by the site's origins.</summary>
public sealed class EmbedFormTests(AppPool pool) : IClassFixture<AppPool>
{
    /// <summary>A registered site of the fund on the subsidy topic, framed by one origin.</summary>
    public static async Task<PartnerSite> RegisterSiteAsync(TestApp app, string origin, int hourlyLimit = 30, bool active = true)
    {
        var site = new PartnerSite
        {
            Id = Guid.NewGuid(), Key = "fund-" + Guid.NewGuid().ToString("N")[..8], Name = "Сайт фонда поддержки", OrganisationId = app.Region.Fund,
            TopicIds = app.Region.SubsidyTopic.ToString(), AllowedOrigins = origin, HourlyLimit = hourlyLimit, IsActive = active, CreatedAtUtc = DateTime.UtcNow,
        };
        await app.WithDbAsync(async db => { db.PartnerSites.Add(site); await db.SaveChangesAsync(); });
        return site;
    }

    static List<KeyValuePair<string, string>> Form(string page, string email, string name = "Ирина Козлова") =>
    [
        new("IdempotencyKey", Regex.Match(page, "name=\"IdempotencyKey\" value=\"([^\"]+)\"").Groups[1].Value),
        new("formIssued", Regex.Match(page, "name=\"formIssued\" value=\"([^\"]+)\"").Groups[1].Value),
        new("Topic", Regex.Match(page, "name=\"Topic\" value=\"([^\"]+)\"").Groups[1].Value),
        new("Name", name), new("Email", email), new("Message", "Как получить субсидию на покупку оборудования для цеха?"), new("Consent", "true"),
    ];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_embedded_form_makes_an_appeal_shows_its_number_and_may_be_framed_only_by_the_site(Engine engine)
    {
        var app = await pool.For(engine);
        var site = await RegisterSiteAsync(app, "https://invest.example.ru");
        using var http = app.CookieClient();

        var get = await http.GetAsync($"/embed/{site.Key}");
        var page = await get.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var policy = get.Headers.GetValues("Content-Security-Policy").Single();
        Assert.EndsWith("frame-ancestors https://invest.example.ru", policy);
        Assert.False(get.Headers.Contains("X-Frame-Options"));
        // Every other page stays unframeable.
        var home = await http.GetAsync("/");
        Assert.Contains("frame-ancestors 'none'", home.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", home.Headers.GetValues("X-Frame-Options").Single());

        // Errors by the fields, in Russian; nothing stored.
        var email = MailBox.NewAddress("embed");
        var bad = await http.PostAsync($"/embed/{site.Key}", new FormUrlEncodedContent(Form(page, "не-почта", name: "")));
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("<span id=\"name-error\" class=\"field-error\">Укажите, как к вам обращаться.</span>", badHtml);
        Assert.Contains("<span id=\"email-error\" class=\"field-error\">Неверный адрес электронной почты.</span>", badHtml);
        Assert.Equal(0, await app.WithDbAsync(db => db.PartnerSiteAppeals.CountAsync(a => a.SiteId == site.Id)));

        // No cookie and no antiforgery token are needed (a framed page may get none): a bare client submits.
        var sent = await http.PostAsync($"/embed/{site.Key}", new FormUrlEncodedContent(Form(page, email)));
        var twice = await http.PostAsync($"/embed/{site.Key}", new FormUrlEncodedContent(Form(page, email)));
        var done = await sent.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var appeal = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Applicant.Email == email));
        Assert.Contains($"<strong id=\"appeal-number\">{appeal.Number}</strong>", done);
        Assert.Contains($"<strong id=\"appeal-number\">{appeal.Number}</strong>", await twice.Content.ReadAsStringAsync());
        Assert.Equal((Channel.InvestPortal, (Guid?)app.Region.SubsidyTopic, (Guid?)app.Region.Fund),
            (appeal.Channel, appeal.TopicId, appeal.ExecutorOrganisationId));
        Assert.Equal(site.Id, await app.WithDbAsync(db => db.PartnerSiteAppeals.Where(a => a.AppealId == appeal.Id).Select(a => a.SiteId).SingleAsync()));

        // Switched off: no form and no appeal.
        await app.WithDbAsync(db => db.PartnerSites.Where(s => s.Id == site.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.IsActive, false)));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/embed/{site.Key}")).StatusCode);
        var refused = await http.PostAsync($"/embed/{site.Key}", new FormUrlEncodedContent(Form(page, MailBox.NewAddress("embed-off"))));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.PartnerSiteAppeals.CountAsync(a => a.SiteId == site.Id)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_site_over_its_hourly_limit_is_refused_and_nothing_is_stored(Engine engine)
    {
        var app = await pool.For(engine);
        var site = await RegisterSiteAsync(app, "https://fund.example.ru", hourlyLimit: 1);
        using var http = app.CookieClient();
        var page = await (await http.GetAsync($"/embed/{site.Key}")).Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/embed/{site.Key}", new FormUrlEncodedContent(Form(page, MailBox.NewAddress("limit1"))))).StatusCode);

        var second = await (await http.GetAsync($"/embed/{site.Key}")).Content.ReadAsStringAsync();
        var over = await http.PostAsync($"/embed/{site.Key}", new FormUrlEncodedContent(Form(second, MailBox.NewAddress("limit2"))));
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Contains("слишком много обращений", await over.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.WithDbAsync(db => db.PartnerSiteAppeals.CountAsync(a => a.SiteId == site.Id)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_region_administrator_registers_a_site_with_errors_by_the_fields_and_switches_it_off(Engine engine)
    {
        var app = await pool.For(engine);
        using var admin = await FormSession.SignInAsync(app, Persona.RegionAdmin);
        Assert.Contains("/office/admin/partner-sites", await admin.GetAsync("/office/admin"));
        await admin.GetAsync("/office/admin/partner-sites");
        var key = "mun-" + Guid.NewGuid().ToString("N")[..8];
        List<KeyValuePair<string, string>> Fields(string origins) =>
        [
            new("Name", "Сайт администрации Города А"), new("Key", key), new("OrganisationId", app.Region.MunA.ToString()),
            new("TopicIds", app.Region.PotholeTopic.ToString()), new("Origins", origins), new("HourlyLimit", "20"),
        ];
        var bad = await admin.PostAsync("/office/admin/partner-sites?handler=Create", Fields("https://gorod-a.example.ru/contacts"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("id=\"origins-error\"", await bad.Content.ReadAsStringAsync());
        Assert.False(await app.WithDbAsync(db => db.PartnerSites.AnyAsync(s => s.Key == key)));

        var ok = await admin.PostAsync("/office/admin/partner-sites?handler=Create", Fields("https://gorod-a.example.ru\nhttps://www.gorod-a.example.ru/"));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var site = await app.WithDbAsync(db => db.PartnerSites.AsNoTracking().SingleAsync(s => s.Key == key));
        Assert.Equal(("https://gorod-a.example.ru https://www.gorod-a.example.ru", app.Region.MunA, true), (site.AllowedOrigins, site.OrganisationId, site.IsActive));
        Assert.Contains($"data-site=\"{key}\"", System.Net.WebUtility.HtmlDecode(await admin.GetAsync("/office/admin/partner-sites")));

        var off = await admin.PostAsync("/office/admin/partner-sites?handler=Toggle", [new("Id", site.Id.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.PartnerSites.Where(s => s.Id == site.Id).Select(s => s.IsActive).SingleAsync()));
        // A municipality's administrator is not the region's: no page.
        using var munAdmin = await FormSession.SignInAsync(app, Persona.MunBAdmin);
        Assert.NotEqual(HttpStatusCode.OK, (await munAdmin.GetRawAsync("/office/admin/partner-sites")).StatusCode);
    }
}
