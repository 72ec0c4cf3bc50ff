using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NetTopologySuite.Geometries;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.DemoRegion;
using Otklik.Features.Directory;
using Otklik.Features.Intake;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>The demo region that <c>dotnet run</c> seeds on first start, run through Program.cs on both engines.</summary>
public sealed class DemoSeedTests
{
    const string Password = "Otklik-2026";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_demo_appeals_cover_every_status_and_each_got_there_through_its_history(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, demoSeed: true);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var (appeals, events, counters) = await app.WithDbAsync(async db => (
            await db.Appeals.AsNoTracking().Include(a => a.Parts).ToListAsync(),
            (await db.AppealEvents.AsNoTracking().ToListAsync()).ToLookup(e => e.AppealId),
            await db.AppealCounters.AsNoTracking().ToListAsync()));

        Assert.True(appeals.Count >= 45, $"Only {appeals.Count} demo appeals.");
        Assert.Empty(Enum.GetValues<AppealStatus>().Except(appeals.Select(a => a.Status)));
        foreach (var a in appeals)
        {
            var history = events[a.Id].OrderBy(e => e.Sequence).ToList();
            Assert.NotEmpty(history);
            Assert.Equal(Enumerable.Range(1, history.Count), history.Select(e => e.Sequence));
            Assert.Equal(a.Version, history.Count);
            Assert.Equal(EventKind.Received, history[0].Kind);
            Assert.Equal(a.ReceivedAtUtc, history[0].AtUtc);
            Assert.Equal(a.Status, history[^1].ToStatus);
            Assert.True(history.Zip(history.Skip(1)).All(p => p.First.AtUtc <= p.Second.AtUtc), $"{a.Number}: history goes back in time.");
            Assert.True(history[^1].AtUtc <= now, $"{a.Number}: history runs into the future.");
            if (a.IsTerminal) Assert.NotNull(a.ClosedAtUtc);
            if (a.Applicant.Inn is { } inn) Assert.True(SubmitRules.IsValidInn(inn), $"{a.Number}: invalid ИНН {inn}.");
        }

        // Numbered by the yearly counter in the order received, so later submissions continue after them.
        var inOrder = appeals.OrderBy(a => a.ReceivedAtUtc).ToList();
        Assert.Equal(Enumerable.Range(1, appeals.Count), inOrder.Select(a => a.Sequence));
        Assert.All(inOrder, a => Assert.Equal(Appeal.FormatNumber(a.Year, a.Sequence), a.Number));
        Assert.Equal(appeals.Count, Assert.Single(counters).Last);

        // Duplicates point at an appeal that records the merge.
        foreach (var merged in appeals.Where(a => a.Status == AppealStatus.Merged))
            Assert.Contains(events[merged.MergedIntoId!.Value], e => e.Kind == EventKind.DuplicateMerged);

        // A lived-in region: overdue work, extensions, reopened and co-executed appeals, many channels, points on the map.
        Assert.True(appeals.Count(a => a.IsOverdue(now)) >= 3, "Too few overdue appeals.");
        Assert.Contains(appeals, a => a.ExtensionCount > 0);
        Assert.Contains(appeals, a => a.ReconsiderationCount > 0);
        Assert.Contains(appeals, a => a.Parts.Any(p => p.Status == PartStatus.Done));
        Assert.Contains(appeals, a => a.Applicant.Kind == ApplicantKind.Organisation);
        Assert.Contains(appeals, a => a.Applicant.CoSignerCount > 0);
        Assert.True(appeals.Select(a => a.Channel).Distinct().Count() >= 8, "Too few channels.");
        var locator = app.Services.GetRequiredService<TerritoryLocator>();
        var located = appeals.Where(a => a.Latitude is not null).ToList();
        Assert.True(located.Count >= 10, "Too few appeals on the map.");
        foreach (var a in located)
            Assert.Equal(a.TerritoryId, await locator.LocateAsync(a.Latitude!.Value, a.Longitude!.Value, CancellationToken.None));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_demo_directory_staffs_every_role_and_locates_points_in_both_municipalities(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, demoSeed: true);
        var (organisations, roles) = await app.WithDbAsync(async db => (
            await db.Organisations.AsNoTracking().ToListAsync(),
            await db.RoleAssignments.AsNoTracking().ToListAsync()));

        Assert.Empty(Enum.GetValues<Role>().Except(roles.Select(r => r.Role)));
        var root = Assert.Single(organisations, o => o.ParentId is null);
        Assert.Contains(organisations, o => o.Kind == OrganisationKind.CentreOfManagement && o.ParentId == root.Id);
        Assert.Equal(2, organisations.Count(o => o.Kind == OrganisationKind.Municipality));
        Assert.Contains(organisations, o => o.Kind == OrganisationKind.Fund);
        Assert.Contains(organisations, o => o.Kind == OrganisationKind.Department && organisations.Single(p => p.Id == o.ParentId).Kind == OrganisationKind.Ministry);
        var federal = organisations.Where(o => o.Kind == OrganisationKind.FederalBody).ToList();
        Assert.True(federal.Count >= 4);
        Assert.All(federal, o => Assert.True(!o.IsConnected && o.SitsOnBusinessProtectionHq));
        // The directory's own rules hold for the seed too: one centre, HQ members only at organisations on the HQ.
        Assert.Single(organisations, o => o.Kind == OrganisationKind.CentreOfManagement);
        Assert.All(roles.Where(r => r.Role == Role.HqMember), r => Assert.True(organisations.Single(o => o.Id == r.OrganisationId).SitsOnBusinessProtectionHq));
        Assert.All(organisations, o => Assert.Equal("Asia/Yekaterinburg", o.TimeZone));

        var client = app.Anonymous();
        var territories = await (await client.GetAsync("/api/v1/territories").Expect(HttpStatusCode.OK)).ReadAsync<List<DirectoryApi.TerritoryView>>();
        Assert.Equal(2, territories.Count);
        foreach (var t in territories)
        {
            Assert.Contains(organisations, o => o.Id == t.OrganisationId && o.Kind == OrganisationKind.Municipality);
            var detail = await (await client.GetAsync($"/api/v1/territories/{t.Id}").Expect(HttpStatusCode.OK)).ReadAsync<DirectoryApi.TerritoryDetail>();
            var shape = TerritoryLocator.ParseBoundary(detail.Boundary.GetRawText(), "boundary");
            Assert.True(shape.NumPoints >= 30, $"{t.Name}: a boundary of {shape.NumPoints} vertices does not look real.");
            var inside = shape.InteriorPoint;
            var found = await (await client.GetAsync(FormattableString.Invariant($"/api/v1/territories/locate?latitude={inside.Y}&longitude={inside.X}"))
                .Expect(HttpStatusCode.OK)).ReadAsync<DirectoryApi.TerritoryView>();
            Assert.Equal(t.Id, found.Id);
        }
        await client.GetAsync("/api/v1/territories/locate?latitude=55.75&longitude=37.62").Expect(HttpStatusCode.NotFound);

        var categories = await (await client.GetAsync("/api/v1/categories").Expect(HttpStatusCode.OK)).ReadAsync<List<DirectoryApi.CategoryView>>();
        string[] seed001 = ["Меры поддержки: субсидии, гранты, займы и кредиты", "Стройка", "Лицензии/разрешения", "Земля и недвижимость"];
        // Seed 003's list of typical appeals, in full and in its order.
        string[] seed003 = ["Образование", "Природа, экология", "Экономика и бизнес", "Связь, интернет", "СМИ", "Транспорт", "Работа МФЦ",
            "Проблемы бизнеса", "Торговля", "Городское благоустройство", "Двор, придомовые территории", "Дом, ЖКХ", "Автомобильные дороги",
            "Медицина", "Физическая культура и спорт"];
        // Seed 001's business categories, then the business portal's own desks (seed 000: feedback and technical support).
        Assert.Equal([.. seed001, "Работа портала"], categories.Where(c => c.Audience == ApplicantAudience.Business).Select(c => c.Name));
        Assert.Equal(seed003, categories.Where(c => c.Audience == ApplicantAudience.Citizens).Select(c => c.Name));
        Assert.All(categories, c => Assert.InRange(c.Topics.Count, 2, 5));
        var topics = categories.SelectMany(c => c.Topics).ToList();
        Assert.Contains(topics, t => t.Name == "Субсидия «Модернизация»");
        Assert.Contains(topics, t => t.Name == "Согласование размещения информационных конструкций (вывески)");
        var roads = categories.Single(c => c.Name == "Автомобильные дороги").Topics.Select(t => t.Name).ToList();
        Assert.Contains("Ремонт региональных дорог", roads);
        Assert.Contains("Ремонт дорог местного значения", roads);
        Assert.Contains(topics, t => t.Name == "Запись к врачу и работа регистратуры");
        Assert.Contains(topics, t => t.Name == "Спортивные секции и занятия для детей");
        Assert.All(topics, t => Assert.True(
            t.Routes is [{ TerritoryId: null }] || t.Routes.Select(r => r.TerritoryId).Order().SequenceEqual(territories.Select(x => (Guid?)x.Id).Order()),
            $"«{t.Name}» needs a default route or one per territory."));
        Assert.All(topics.SelectMany(t => t.Routes), r => Assert.Contains(organisations, o => o.Id == r.OrganisationId && o.IsConnected));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Demo_people_sign_in_with_the_demo_password_and_see_the_appeals_of_their_scope(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, demoSeed: true);
        var (total, kamnegorsk, applicant, applicantOwn) = await app.WithDbAsync(async db =>
        {
            var kam = await db.Organisations.Where(o => o.Kind == OrganisationKind.Municipality && o.Name.Contains("Камнегорск")).Select(o => o.Id).SingleAsync();
            var anna = await db.Users.Where(u => u.Email == "applicant@demo.otklik.ru").Select(u => u.Id).SingleAsync();
            return (await db.Appeals.CountAsync(), kam, anna, await db.Appeals.CountAsync(a => a.ApplicantUserId == anna));
        });

        var moderator = await SignInAsync(app, "moderator@demo.otklik.ru");
        var all = await ListAsync(moderator);
        Assert.Equal(total, all.Count);

        var executor = await SignInAsync(app, "executor.kamnegorsk@demo.otklik.ru");
        var own = await ListAsync(executor);
        Assert.NotEmpty(own);
        Assert.True(own.Count < total);
        Assert.All(own, a => Assert.Equal(kamnegorsk, a.ExecutorOrganisationId));

        var anna = await SignInAsync(app, "applicant@demo.otklik.ru");
        var hers = await ListAsync(anna);
        Assert.True(applicantOwn > 0);
        Assert.Equal(applicantOwn, hers.Count);
        var me = await (await anna.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(applicant, me.GetProperty("id").GetGuid());

        await app.Anonymous().PostJsonAsync("/api/v1/auth/login", new { email = "moderator@demo.otklik.ru", password = "otklik-2026" })
            .Expect(HttpStatusCode.Unauthorized);

        var byKey = await ListAsync(app.ClientWithKey("otk_demo-administrator-2026"));
        Assert.Equal(total, byKey.Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Seeding_again_adds_nothing_and_new_appeals_are_numbered_after_the_demo_ones(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, demoSeed: true);
        var before = await app.WithDbAsync(CountAsync);

        await using (var scope = app.Services.CreateAsyncScope())
            await DemoSeed.EnsureAsync(scope.ServiceProvider, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(before, await app.WithDbAsync(CountAsync));

        var topic = await app.WithDbAsync(db => db.Topics.AsNoTracking().SingleAsync(t => t.Name == "Субсидия «Модернизация»"));
        var response = await app.Anonymous().PostJsonAsync("/api/v1/appeals", new
        {
            type = "question", channel = "investPortal", categoryId = topic.CategoryId, topicId = topic.Id,
            text = "Подскажите, принимаются ли заявки на субсидию «Модернизация» в декабре?",
            applicant = new { kind = "organisation", organisationName = "ООО «Исеть-Металл»", inn = "6654323191", representativeName = "Носов Игорь", phone = "+7 343 210-00-00" },
        }).Expect(HttpStatusCode.Created);
        var appeal = await response.ReadAsync<AppealView>();
        Assert.Equal(Appeal.FormatNumber(2026, before.Appeals + 1), appeal.Number);
    }

    static Task<HttpClient> SignInAsync(TestApp app, string email) => app.SignedInClientAsync(email, Password);

    static async Task<List<AppealListItem>> ListAsync(HttpClient client) =>
        [.. (await (await client.GetAsync("/api/v1/appeals?limit=200").Expect(HttpStatusCode.OK)).ReadAsync<AppealsApi.Page<AppealListItem>>()).Items];

    sealed record Counts(int Organisations, int People, int Roles, int ApiKeys, int Territories, int Categories, int Topics, int Routes,
        int Appeals, int Events, int Parts, int LastNumber);

    static async Task<Counts> CountAsync(AppDbContext db) => new(
        await db.Organisations.CountAsync(), await db.Users.CountAsync(), await db.RoleAssignments.CountAsync(), await db.ApiKeys.CountAsync(),
        await db.Territories.CountAsync(), await db.Categories.CountAsync(), await db.Topics.CountAsync(), await db.TopicRoutes.CountAsync(),
        await db.Appeals.CountAsync(), await db.AppealEvents.CountAsync(), await db.AppealParts.CountAsync(),
        await db.AppealCounters.SumAsync(c => c.Last));
}
