using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Portal.Public;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>
/// Honest public numbers (issue 17, item 7): «ответов в срок» counts the open appeals past their deadline as late, and
/// the popularity sort counts a visitor once a day, so reloading a page does not raise it. Values computed by hand.
/// </summary>
public sealed class HonestStatsTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_share_answered_on_time_counts_open_overdue_appeals_as_late(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        // Two answered at once (on time), one to be answered late, one left open past its deadline.
        await app.AppealInAsync(AppealStatus.AnswerSent, PublicSupport.Published(r, 1, "Яма у дома 1 на улице Первой, колесо попало."));
        await app.AppealInAsync(AppealStatus.Closed, PublicSupport.Published(r, 2, "Яма у дома 2 на улице Первой, асфальт провалился."));
        var late = await app.AppealInAsync(AppealStatus.InWork, PublicSupport.Published(r, 3, "Яма у дома 3 на улице Первой, глубокая."));
        await app.AppealInAsync(AppealStatus.InWork, PublicSupport.Published(r, 4, "Яма у дома 4 на улице Первой, никто не чинит."));
        app.Clock.Advance(TimeSpan.FromDays(40));
        var (_, executor, controller) = Scenario.Staff(app, late);
        late = await app.ActAsync(executor, late, "answer", new { text = "Яма заделана.", result = "supportedMeasuresTaken" });
        late = await app.ActAsync(executor, late, "answer/submit");
        await app.ActAsync(controller, late, "answer/approve");
        // One registered just now: open, but its deadline is ahead.
        await app.AppealInAsync(AppealStatus.Registered, PublicSupport.Published(r, 5, "Яма у дома 5 на улице Первой, свежая."));

        var csv = await app.Anonymous().HtmlAsync("/stats.csv");
        // Answered 3 (2 on time, 1 late) and 1 open past its deadline: 2 of 4 = 50 % (not 2 of 3 = 66.7 %).
        Assert.Contains("Ответы;Дан ответ;3\r\n", csv);
        Assert.Contains("Ответы;Ответ дан в срок;2\r\n", csv);
        Assert.Contains("Ответы;Без ответа, срок истёк;1\r\n", csv);
        Assert.Contains("Ответы;Доля ответов в срок, %;50.0\r\n", csv);
        Assert.Contains("<strong data-stat=\"on-time\">50 %</strong>", await app.Anonymous().HtmlAsync("/stats"));

        // The centre's dashboard over the same appeals gives the same share: one definition (OnTimeShare) for both.
        var figures = await (await app.ClientAs(Persona.CentreAnalyst).GetAsync("/api/v1/stats/overview?from=2026-11-01&to=2027-01-02")
            .Expect(System.Net.HttpStatusCode.OK)).ReadAsync<Otklik.Features.Analytics.DashboardFigures>();
        Assert.Equal((3, 2, 1), (figures.Answered, figures.AnsweredOnTime, figures.Overdue));
        Assert.Equal(50.0, figures.OnTimePercent);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Reloading_an_appeal_page_does_not_raise_its_popularity_a_visitor_counts_once_a_day(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var reloaded = await app.AppealInAsync(AppealStatus.Registered, PublicSupport.Published(app.Region, 1, "Яма у дома 1 на улице Первой, колесо попало."));
        var other = await app.AppealInAsync(AppealStatus.Registered, PublicSupport.Published(app.Region, 2, "Яма у дома 2 на улице Первой, асфальт провалился."));
        var counts = app.Services.GetRequiredService<PublicViewCounts>();
        async Task<int> ViewsAsync(Guid id)
        {
            await counts.FlushAsync();
            return await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == id).Select(a => a.PublicViews).SingleAsync());
        }

        // One anonymous visitor reloads 20 times; two signed-in people open the other appeal once each.
        var web = app.Anonymous();
        for (var i = 0; i < 20; i++) await web.HtmlAsync($"/appeals/{reloaded.Number}");
        await app.ClientAs(Persona.OtherApplicant).HtmlAsync($"/appeals/{other.Number}");
        await app.ClientAs(Persona.Applicant).HtmlAsync($"/appeals/{other.Number}");
        Assert.Equal((1, 2), (await ViewsAsync(reloaded.Id), await ViewsAsync(other.Id)));
        Assert.Equal(other.Number, PublicSupport.Numbers(await app.Anonymous().HtmlAsync("/feed?sort=Popular"))[0]);

        // The next day the same visitor counts again, once.
        app.Clock.Advance(TimeSpan.FromDays(1));
        for (var i = 0; i < 5; i++) await web.HtmlAsync($"/appeals/{reloaded.Number}");
        Assert.Equal(2, await ViewsAsync(reloaded.Id));
    }
}
