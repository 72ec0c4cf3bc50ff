using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Surveys;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Partners;

/// <summary>Issue 22.2: a published survey embedded on a partner site — framed only by the site's origins, answered without cookies, counted for the site's organisation.</summary>
public sealed class EmbedSurveyTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_survey_embedded_on_a_partner_site_takes_answers_for_the_sites_organisation(Engine engine)
    {
        var app = await pool.For(engine);
        var site = await EmbedFormTests.RegisterSiteAsync(app, "https://invest.example.ru");
        var survey = DemoSurveys.InformationSurvey(app.Region.MinInvest, app.Clock.GetUtcNow().UtcDateTime, Guid.NewGuid(), afterAppeal: false);
        await app.WithDbAsync(async db => { db.Surveys.Add(survey); await db.SaveChangesAsync(); });
        using var http = app.Anonymous();
        var path = $"/embed/{site.Key}/survey/{survey.Id}";

        var get = await http.GetAsync(path);
        var page = await get.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.EndsWith("frame-ancestors https://invest.example.ru", get.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(get.Headers.Contains("X-Frame-Options"));
        Assert.Contains("Фонд поддержки предпринимательства", page); // question 11 filled with the site's organisation
        var stamp = Regex.Match(page, "name=\"formIssued\" value=\"([^\"]+)\"").Groups[1].Value;
        List<KeyValuePair<string, string>> Answers(string q21) =>
        [
            new("formIssued", stamp), new("website", ""), new("q[12]", app.Region.TerritoryA.ToString()), new("q[21]", q21),
            new("q[22.1]", "1"), new("q[22.2]", "2"), new("q[22.3]", "3"), new("q[22.4]", "3"),
            new("q[23.1]", "5"), new("q[23.2]", "5"), new("q[23.3]", "4"), new("q[23.4]", "5"),
        ];

        // A missing required answer: named, nothing stored.
        var bad = await http.PostAsync(path, new FormUrlEncodedContent(Answers("")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.SurveyResponses.CountAsync(r => r.SurveyId == survey.Id)));

        var sent = await http.PostAsync(path, new FormUrlEncodedContent(Answers("1")));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("id=\"embed-done\"", await sent.Content.ReadAsStringAsync());
        var response = await app.WithDbAsync(db => db.SurveyResponses.AsNoTracking().SingleAsync(r => r.SurveyId == survey.Id));
        Assert.Equal((SurveyChannel.PartnerSite, (Guid?)app.Region.Fund, (Guid?)app.Region.TerritoryA), (response.Channel, response.OrganisationId, response.TerritoryId));

        // An unknown survey or a switched-off site: nothing to frame.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/embed/{site.Key}/survey/{Guid.NewGuid()}")).StatusCode);
        await app.WithDbAsync(db => db.PartnerSites.Where(s => s.Id == site.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.IsActive, false)));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
    }
}
