using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Analytics;

/// <summary>A planted spike, shared by the root-cause tests and the browser walk.</summary>
public static class SpikeScenario
{
    /// <summary>Territory A: two a day for nine weeks. Territory B: nothing, then seven this morning (as in the spikes page test).</summary>
    public static Task PlantSpikeInBAsync(TestApp app) => app.WithDbAsync(async db =>
    {
        var r = app.Region;
        var now = TestApp.Start.UtcDateTime;
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
        for (var d = 0; d <= 63; d++)
        {
            db.Appeals.Add(Make(true, now.AddDays(-d).AddHours(-3)));
            db.Appeals.Add(Make(true, now.AddDays(-d).AddHours(-4)));
        }
        for (var i = 0; i < 7; i++) db.Appeals.Add(Make(false, now.AddMinutes(-10 * i - 5)));
        await db.SaveChangesAsync();
    });
}
