using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Analytics;

/// <summary>The spikes page over the database: a planted spike shows with its appeals, a steady series does not.</summary>
public sealed class SpikesPageTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_planted_spike_in_territory_B_shows_and_the_steady_territory_A_does_not(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var now = TestApp.Start.UtcDateTime; // Monday 23.11.2026 12:00 in Yekaterinburg
        await app.WithDbAsync(async db =>
        {
            var clock = await app.Services.GetRequiredService<DeadlineClocks>().ForAsync(db, r.Centre, default);
            var n = 700_000;
            Appeal Make(bool inA, DateTime at)
            {
                var draft = new Appeal.Draft(AppealType.Problem, AppealKind.Task, LegalRegime.PlatformMessage, Channel.Portal, null,
                    new ApplicantInfo { Kind = ApplicantKind.Person, LastName = "Петрова", FirstName = "Ольга", Email = "olga@example.ru" }, null, null,
                    r.CityCategory, r.PotholeTopic, inA ? r.TerritoryA : r.TerritoryB, "ул. Садовая, 1",
                    inA ? TestRegion.InsideA.Lat : TestRegion.InsideB.Lat, inA ? TestRegion.InsideA.Lon : TestRegion.InsideB.Lon,
                    "Выбоина на дороге.", false, false, r.Centre, null, null);
                return Appeal.Submit(draft, 2026, n++, at, clock);
            }
            // Territory A: two a day for nine weeks, today too. Territory B: nothing, then seven this morning.
            for (var d = 0; d <= 63; d++)
            {
                db.Appeals.Add(Make(true, now.AddDays(-d).AddHours(-3)));
                db.Appeals.Add(Make(true, now.AddDays(-d).AddHours(-4)));
            }
            for (var i = 0; i < 7; i++) db.Appeals.Add(Make(false, now.AddMinutes(-10 * i - 5)));
            await db.SaveChangesAsync();
        });

        var office = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var html = await office.HtmlAsync("/office/analytics/spikes");
        Assert.Contains("Территория «Город Б»", html);
        Assert.Contains("«Ямы на дорогах» × «Город Б»", html);
        Assert.DoesNotContain("Территория «Город А»", html);
        Assert.DoesNotContain("«Ямы на дорогах» × «Город А»", html);
        // The spike's number opens its seven appeals.
        var link = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html,
            "Территория «Город Б»</th>\\s*<td>день</td>\\s*<td class=\"num\"><a href=\"([^\"]+)\">7</a>").Groups[1].Value);
        Assert.NotEqual("", link);
        Assert.Equal(7, Office.Numbers(await office.HtmlAsync(link)).Count);
    }
}
