using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Portal.My;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Api;
using Otklik.Tests.Routing;
using static Otklik.Tests.Portal.PublicSupport;

namespace Otklik.Tests.Portal;

/// <summary>
/// One save pipeline for every writer (AppDbContext): the public pages cached for anonymous visitors are evicted after
/// the commit of ANY change of a published appeal — here the rating sweep's and intake's, which used to leave the pages
/// stale for up to five minutes (only the staff changes evicted them). The lifecycle's regime column, through the API.
/// </summary>
public sealed class SavePipelineTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_public_page_shows_the_rating_sweeps_closing_at_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var a = await app.AppealInAsync(AppealStatus.AnswerSent, Published(app.Region, 0, "Яма у дома 7 на улице Первой, ремонт нужен срочно."));
        // Rating time is over before the page is cached: the cache's own expiry cannot explain what follows.
        app.Clock.Advance(TimeSpan.FromDays(PublicRoute.RatingDays + 1));
        var web = app.Anonymous();
        Assert.Contains("stage-answered", await web.HtmlAsync($"/appeals/{a.Number}"));
        Assert.Contains("stage-answered", await web.HtmlAsync($"/appeals/{a.Number}"));

        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(1, await RatingSweep.RunOnceAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), app.Clock.GetUtcNow().UtcDateTime,
                CancellationToken.None));

        var page = await web.HtmlAsync($"/appeals/{a.Number}");
        Assert.Contains("stage-closed", page);
        Assert.DoesNotContain("stage-answered", page);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_feed_shows_an_appeal_registered_at_intake_at_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        await app.CreateRuleAsync(new
        {
            name = "Ямы — сразу в город Б", conditions = new { topicIds = new[] { app.Region.PotholeTopic } },
            actions = new { executorOrganisationId = app.Region.MunB, intake = "registration" },
        });
        var web = app.Anonymous();
        Assert.DoesNotContain("ИЗ-ПРИЁМА", await web.HtmlAsync("/feed"));
        Assert.DoesNotContain("ИЗ-ПРИЁМА", await web.HtmlAsync("/feed"));

        var a = await app.SubmitAsync(Published(app.Region, 1, "ИЗ-ПРИЁМА: яма у дома 9 на улице Второй."));
        Assert.Equal(AppealStatus.Registered, a.Status);

        Assert.Contains("ИЗ-ПРИЁМА", await web.HtmlAsync("/feed"));
        Assert.Contains(a.Number, await web.HtmlAsync("/"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_business_consultation_cannot_be_returned_or_closed_as_stopped_correspondence(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(app.Region));
        Assert.Equal(LegalRegime.BusinessConsultation, (await app.StoredAsync(a.Id)).Regime);
        var (_, _, controller) = Scenario.Staff(app, a);

        foreach (var (action, code) in new[] { ("return", "regime.outcome.return"), ("stop-correspondence", "regime.outcome.stop") })
        {
            var response = await app.ClientAs(controller).PostJsonAsync($"/api/v1/appeals/{a.Id}/{action}",
                new Dictionary<string, object?> { ["version"] = a.Version, ["comment"] = "Решение руководителя." });
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal(code, (await response.ProblemAsync()).GetProperty("code").GetString());
        }
        var stored = await app.StoredAsync(a.Id);
        Assert.Equal((AppealStatus.InWork, a.Version), (stored.Status, stored.Version));
    }
}
