using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>The staff list of appeals: every filter, keyset paging in both sorts, and who sees what.</summary>
public sealed class ListTests(AppPool pool) : IClassFixture<AppPool>
{
    static async Task<AppealsApi.Page<AppealListItem>> PageAsync(HttpClient client, string query) =>
        await (await client.GetAsync($"/api/v1/appeals?{query}").Expect(HttpStatusCode.OK)).ReadAsync<AppealsApi.Page<AppealListItem>>();

    static async Task<HashSet<string>> NumbersAsync(HttpClient client, string query) =>
        [.. (await PageAsync(client, query + "&limit=200")).Items.Select(i => i.Number)];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Each_filter_narrows_the_list_to_exactly_the_matching_appeals(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;

        var moderationA = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, "Глубокая яма у школы № 5, дети обходят по проезжей части."));
        var assignedB = await app.AppealInAsync(AppealStatus.Assigned, Samples.Pothole(r, TestRegion.InsideB, "Яма на перекрёстке улиц Мира и Гагарина, бьются колёса."));
        var subsidy = await app.ActAsync(Persona.CentreModerator, await app.SubmitAsync(Samples.Subsidy(r)), "register");
        var housing = await app.ActAsync(Persona.CentreModerator, await app.SubmitAsync(Samples.Housing(r)), "register", new { organisationId = r.MunA });
        var hotline = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, "Звонок на горячую линию: провал асфальта у остановки «Рынок».")
            .With("channel", "hotline"), Persona.CentreOperator);
        var rejected = await app.AppealInAsync(AppealStatus.Rejected, Samples.Pothole(r, TestRegion.InsideA, "Реклама: ремонт ям недорого, звоните."));
        var all = new[] { moderationA, assignedB, subsidy, housing, hotline, rejected };
        string[] N(params AppealView[] appeals) => [.. appeals.Select(a => a.Number)];

        var staff = app.ClientAs(Persona.CentreModerator);
        Assert.Equal(N(all).ToHashSet(), await NumbersAsync(staff, ""));
        Assert.Equal(N(moderationA, hotline).ToHashSet(), await NumbersAsync(staff, "status=moderation"));
        Assert.Equal(N(assignedB, subsidy, housing).ToHashSet(), await NumbersAsync(staff, "status=registered&status=assigned"));
        Assert.Equal(N(rejected).ToHashSet(), await NumbersAsync(staff, "status=rejected&status=closed"));
        Assert.Equal(N(assignedB).ToHashSet(), await NumbersAsync(staff, $"organisationId={r.MunB}"));
        Assert.Equal(N(housing).ToHashSet(), await NumbersAsync(staff, $"organisationId={r.MunA}"));
        // The owning centre's id finds everything it moderates.
        Assert.Equal(N(all).ToHashSet(), await NumbersAsync(staff, $"organisationId={r.Centre}"));
        Assert.Equal(N(subsidy).ToHashSet(), await NumbersAsync(staff, $"categoryId={r.BusinessCategory}"));
        Assert.Equal(N(housing).ToHashSet(), await NumbersAsync(staff, $"topicId={r.HousingTopic}"));
        Assert.Equal(N(moderationA, hotline, rejected).ToHashSet(), await NumbersAsync(staff, $"territoryId={r.TerritoryA}"));
        Assert.Equal(N(assignedB).ToHashSet(), await NumbersAsync(staff, $"territoryId={r.TerritoryB}"));
        Assert.Equal(N(hotline).ToHashSet(), await NumbersAsync(staff, "channel=hotline"));
        Assert.Equal(N(housing).ToHashSet(), await NumbersAsync(staff, "kind=complaint"));
        Assert.Equal(N(subsidy).ToHashSet(), await NumbersAsync(staff, "kind=complexConsultation"));
        Assert.Equal(N(subsidy).ToHashSet(), await NumbersAsync(staff, "regime=businessConsultation"));
        Assert.Equal(N(housing).ToHashSet(), await NumbersAsync(staff, "regime=obrashchenie59"));
        Assert.Equal(N(assignedB).ToHashSet(), await NumbersAsync(staff, $"assigneeId={r.IdOf(Persona.MunBExecutor)}"));
        Assert.Equal(N(moderationA, hotline).ToHashSet(), await NumbersAsync(staff, $"status=moderation&territoryId={r.TerritoryA}"));
        // Enum values are read as in JSON bodies, in any letter case; unknown ones and numbers are refused with the field.
        Assert.Equal(N(hotline).ToHashSet(), await NumbersAsync(staff, "channel=HOTLINE&status=Moderation"));
        foreach (var (query, field) in new[] { ("status=registred", "status"), ("status=0", "status"), ("kind=task,complaint", "kind"), ("regime=59", "regime") })
        {
            var problem = await staff.GetAsync($"/api/v1/appeals?{query}").ExpectProblem(HttpStatusCode.BadRequest, "request.invalid_parameter");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), query);
        }

        // Text search, in Russian and regardless of case, over the text, the address, the applicant and the number.
        // The search index knows word forms: «ЯМА» finds «ремонт ям» too (it used to be a substring match).
        Assert.Equal(N(moderationA, assignedB, rejected).ToHashSet(), await NumbersAsync(staff, "q=" + Uri.EscapeDataString("ЯМА")));
        Assert.Equal(N(moderationA, assignedB).ToHashSet(), await NumbersAsync(staff, "q=" + Uri.EscapeDataString("ЯМА -ремонт")));
        Assert.Equal(N(moderationA).ToHashSet(), await NumbersAsync(staff, "q=" + Uri.EscapeDataString("\"глубокие ямы\"")));
        Assert.Equal(N(moderationA, assignedB, rejected).ToHashSet(), await NumbersAsync(staff, "q=" + Uri.EscapeDataString("ям")));
        Assert.Equal(N(hotline).ToHashSet(), await NumbersAsync(staff, "q=" + Uri.EscapeDataString("«рынок»")));
        Assert.Equal(N(subsidy).ToHashSet(), await NumbersAsync(staff, "q=" + Uri.EscapeDataString("уралСТАНОК")));
        Assert.Equal(N(housing).ToHashSet(), await NumbersAsync(staff, "q=" + Uri.EscapeDataString(housing.Number)));
        Assert.Equal(N(assignedB).ToHashSet(), await NumbersAsync(staff, "q=" + Uri.EscapeDataString("ЯМА") + $"&territoryId={r.TerritoryB}"));
        Assert.Empty(await NumbersAsync(staff, "q=" + Uri.EscapeDataString("свалка")));

        // Overdue: nothing yet. The consultation, registered on Monday at 12:00 +05 (before the 16:00 cut-off), had to be
        // taken up (first contact) that same day: missed at midnight in Yekaterinburg. After 48 hours moderation is late too.
        Assert.Empty(await NumbersAsync(staff, "overdue=true"));
        app.Clock.Advance(TimeSpan.FromHours(12));
        Assert.Equal(N(subsidy).ToHashSet(), await NumbersAsync(staff, "overdue=true"));
        Assert.Equal(N(moderationA, assignedB, housing, hotline, rejected).ToHashSet(), await NumbersAsync(staff, "overdue=false"));
        app.Clock.Advance(TimeSpan.FromHours(37));
        Assert.Equal(N(moderationA, hotline, subsidy).ToHashSet(), await NumbersAsync(staff, "overdue=true"));
        Assert.Equal(N(assignedB, housing, rejected).ToHashSet(), await NumbersAsync(staff, "overdue=false"));
        var flagged = (await PageAsync(staff, "limit=200")).Items.Where(i => i.IsOverdue).Select(i => i.Number).ToHashSet();
        Assert.Equal(N(moderationA, hotline, subsidy).ToHashSet(), flagged);
        Assert.Equal(N(hotline).ToHashSet(), await NumbersAsync(staff, "overdue=true&channel=hotline"));

        // The list shows what the database holds.
        var item = (await PageAsync(staff, $"topicId={r.HousingTopic}")).Items.Single();
        var stored = await app.StoredAsync(housing.Id);
        Assert.Equal((stored.Status, stored.ExecutorOrganisationId, stored.DueAtUtc, stored.Version), (item.Status, item.ExecutorOrganisationId, item.DueAtUtc, item.Version));
        Assert.StartsWith("Подрядчик капитального ремонта", item.Excerpt);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Keyset_paging_returns_every_appeal_once_in_order_in_both_sorts(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        for (var i = 0; i < 60; i++)
        {
            // Three appeals share each instant, so the number has to break the ties.
            if (i % 3 == 0) app.Clock.Advance(TimeSpan.FromMinutes(7));
            var a = await app.SubmitAsync(Samples.Pothole(r, i % 2 == 0 ? TestRegion.InsideA : TestRegion.InsideB, $"Обращение № {i}: яма на дороге у дома {i}."));
            if (i % 4 == 0) await app.ActAsync(Persona.CentreModerator, a, "register");
            if (i % 10 == 0) app.Clock.Advance(TimeSpan.FromDays(1));
        }
        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking()
            .Select(a => new { a.Number, a.ReceivedAtUtc, a.DueAtUtc, a.Status }).ToListAsync());
        Assert.Equal(60, stored.Count);
        Assert.True(stored.GroupBy(a => a.DueAtUtc).Any(g => g.Count() > 1), "The data must have ties in the deadline.");

        var byReceived = stored.OrderByDescending(a => a.ReceivedAtUtc).ThenByDescending(a => a.Number, StringComparer.Ordinal).Select(a => a.Number).ToList();
        var byDue = stored.OrderBy(a => a.DueAtUtc).ThenBy(a => a.Number, StringComparer.Ordinal).Select(a => a.Number).ToList();
        var registeredByDue = stored.Where(a => a.Status == AppealStatus.Registered)
            .OrderBy(a => a.DueAtUtc).ThenBy(a => a.Number, StringComparer.Ordinal).Select(a => a.Number).ToList();
        Assert.Equal(15, registeredByDue.Count);

        var staff = app.ClientAs(Persona.CentreModerator);
        Assert.Equal(byReceived, await WalkAsync(staff, "", 7));
        Assert.Equal(byReceived, await WalkAsync(staff, "sort=received", 60));
        Assert.Equal(byDue, await WalkAsync(staff, "sort=due", 7));
        Assert.Equal(byDue, await WalkAsync(staff, "sort=due", 1));
        Assert.Equal(registeredByDue, await WalkAsync(staff, "sort=due&status=registered", 4));
    }

    /// <summary>Follows the cursors to the end, checking that every page but the last is full.</summary>
    static async Task<List<string>> WalkAsync(HttpClient client, string query, int limit)
    {
        var numbers = new List<string>();
        string? cursor = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await PageAsync(client, $"{query}&limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"));
            numbers.AddRange(page.Items.Select(i => i.Number));
            if (page.NextCursor is null)
            {
                Assert.True(page.Items.Count <= limit);
                Assert.Equal(numbers.Count, numbers.Distinct().Count());
                return numbers;
            }
            Assert.Equal(limit, page.Items.Count);
            cursor = page.NextCursor;
        }
        throw new InvalidOperationException("Paging did not end after 100 pages.");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Each_person_lists_only_the_appeals_in_their_scope(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var token = "метка" + Guid.NewGuid().ToString("N")[..8];
        var inA = await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideA, $"Яма во дворе ({token}), дом 3."));
        var inB = await app.AppealInAsync(AppealStatus.Registered, Samples.Pothole(r, TestRegion.InsideB, $"Яма у рынка ({token}), дом 7."));
        var other = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideA, $"Яма у поликлиники ({token}), дом 1."), Persona.OtherApplicant);
        var q = "q=" + Uri.EscapeDataString(token.ToUpperInvariant());

        Assert.Equal([inA.Number], await NumbersAsync(app.ClientAs(Persona.MunAExecutor), q));
        Assert.Equal([inB.Number], await NumbersAsync(app.ClientAs(Persona.MunBExecutor), q));
        Assert.Equal([inB.Number], await NumbersAsync(app.ClientAs(Persona.MunBDispatcher), q));
        // Asking for the other municipality's appeals by filter does not widen the scope.
        Assert.Empty(await NumbersAsync(app.ClientAs(Persona.MunAExecutor), q + $"&organisationId={r.MunB}"));
        Assert.Equal([inA.Number, inB.Number, other.Number], (await NumbersAsync(app.ClientAs(Persona.CentreModerator), q)).Order());
        Assert.Equal([inA.Number, inB.Number, other.Number], (await NumbersAsync(app.ClientAs(Persona.RegionAdmin), q)).Order());
        Assert.Equal([inA.Number, inB.Number], (await NumbersAsync(app.ClientAs(Persona.Applicant), q)).Order());
        Assert.Equal([other.Number], await NumbersAsync(app.ClientAs(Persona.OtherApplicant), q));
        Assert.Empty(await NumbersAsync(app.ClientAs(Persona.MinInvestExecutor), q));
        Assert.Empty(await NumbersAsync(app.ClientAs(Persona.NoRoles), q));
        await app.Anonymous().GetAsync("/api/v1/appeals").Expect(HttpStatusCode.Unauthorized);

        // Reading one by number follows the same scope.
        await app.ClientAs(Persona.MunAExecutor).GetAsync($"/api/v1/appeals/by-number/{inA.Number}").Expect(HttpStatusCode.OK);
        await app.ClientAs(Persona.MunAExecutor).GetAsync($"/api/v1/appeals/by-number/{inB.Number}").Expect(HttpStatusCode.NotFound);
        await app.ClientAs(Persona.OtherApplicant).GetAsync($"/api/v1/appeals/by-number/{inA.Number}").Expect(HttpStatusCode.NotFound);
    }
}
