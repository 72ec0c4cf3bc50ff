using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Identity;

namespace Otklik.Tests.Infrastructure;

/// <summary>Everyone who acts in the tests. Each has an API key "key-{name}".</summary>
public enum Persona
{
    Applicant, OtherApplicant,
    CentreOperator, CentreModerator, CentreAnalyst, ContentEditor, RegionAdmin,
    MinInvestDispatcher, MinInvestExecutor, MinInvestController,
    MunADispatcher, MunAExecutor, MunAController,
    MunBDispatcher, MunBExecutor, MunBController, MunBAdmin,
    HqMember,
    NoRoles,
}

/// <summary>
/// A small, fixed region for tests: a centre of management, two ministries, two municipalities with square boundaries,
/// a fund and a federal body outside the platform; one person per role; three topics with routes.
/// </summary>
public sealed class TestRegion
{
    public Guid Region { get; } = Guid.Parse("00000000-0000-0000-0000-000000000001");
    public Guid Centre { get; } = Guid.Parse("00000000-0000-0000-0000-000000000002");
    public Guid MinInvest { get; } = Guid.Parse("00000000-0000-0000-0000-000000000003");
    public Guid MinInvestDepartment { get; } = Guid.Parse("00000000-0000-0000-0000-000000000004");
    public Guid MinHousing { get; } = Guid.Parse("00000000-0000-0000-0000-000000000005");
    public Guid MunA { get; } = Guid.Parse("00000000-0000-0000-0000-000000000006");
    public Guid MunB { get; } = Guid.Parse("00000000-0000-0000-0000-000000000007");
    public Guid Fund { get; } = Guid.Parse("00000000-0000-0000-0000-000000000008");
    public Guid Fns { get; } = Guid.Parse("00000000-0000-0000-0000-000000000009");

    public Guid TerritoryA { get; } = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    public Guid TerritoryB { get; } = Guid.Parse("00000000-0000-0000-0000-0000000000b1");

    public Guid BusinessCategory { get; } = Guid.Parse("00000000-0000-0000-0000-0000000000c1");
    public Guid CityCategory { get; } = Guid.Parse("00000000-0000-0000-0000-0000000000c2");
    /// <summary>Business consultation, default route: the ministry of investment.</summary>
    public Guid SubsidyTopic { get; } = Guid.Parse("00000000-0000-0000-0000-0000000000d1");
    /// <summary>Platform message (task); routed per territory to its municipality, no default.</summary>
    public Guid PotholeTopic { get; } = Guid.Parse("00000000-0000-0000-0000-0000000000d2");
    /// <summary>59-ФЗ complaint; default route: the ministry of housing.</summary>
    public Guid HousingTopic { get; } = Guid.Parse("00000000-0000-0000-0000-0000000000d3");

    public static readonly (double Lat, double Lon) InsideA = (56.85, 60.25);
    public static readonly (double Lat, double Lon) InsideB = (56.85, 61.25);
    public static readonly (double Lat, double Lon) Outside = (55.75, 37.62);

    public const string Password = "Demo-Passw0rd";

    readonly Dictionary<Persona, Guid> _people = [];
    public Guid IdOf(Persona p) => _people[p];
    public string KeyOf(Persona p) => $"key-{p}";

    public static async Task<TestRegion> CreateAsync(TestApp app)
    {
        var r = new TestRegion();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();

        var region = Organisation.Create(r.Region, "Правительство Тестовой области", "Правительство", OrganisationKind.Region, null, "Asia/Yekaterinburg");
        var centre = Organisation.Create(r.Centre, "Центр управления регионом", "ЦУР", OrganisationKind.CentreOfManagement, region, "Asia/Yekaterinburg");
        var minInvest = Organisation.Create(r.MinInvest, "Министерство инвестиций и развития", "Мининвест", OrganisationKind.Ministry, region, "Asia/Yekaterinburg");
        var dept = Organisation.Create(r.MinInvestDepartment, "Департамент поддержки МСП", "Деп. МСП", OrganisationKind.Department, minInvest, "Asia/Yekaterinburg");
        var minHousing = Organisation.Create(r.MinHousing, "Министерство ЖКХ", "МинЖКХ", OrganisationKind.Ministry, region, "Asia/Yekaterinburg");
        var munA = Organisation.Create(r.MunA, "Администрация города А", "Город А", OrganisationKind.Municipality, region, "Asia/Yekaterinburg");
        var munB = Organisation.Create(r.MunB, "Администрация города Б", "Город Б", OrganisationKind.Municipality, region, "Asia/Yekaterinburg");
        var fund = Organisation.Create(r.Fund, "Фонд поддержки предпринимательства", "Фонд", OrganisationKind.Fund, region, "Asia/Yekaterinburg");
        var fns = Organisation.Create(r.Fns, "УФНС по Тестовой области", "УФНС", OrganisationKind.FederalBody, region, "Asia/Yekaterinburg", isConnected: false, sitsOnHq: true);
        db.Organisations.AddRange(region, centre, minInvest, dept, minHousing, munA, munB, fund, fns);

        db.Territories.AddRange(
            new Territory { Id = r.TerritoryA, Name = "Город А", Code = "T-A", OrganisationId = r.MunA, BoundaryGeoJson = Square(60.0, 56.7, 60.5, 57.0) },
            new Territory { Id = r.TerritoryB, Name = "Город Б", Code = "T-B", OrganisationId = r.MunB, BoundaryGeoJson = Square(61.0, 56.7, 61.5, 57.0) });

        db.Categories.AddRange(
            new Category { Id = r.BusinessCategory, Name = "Меры поддержки", Audience = ApplicantAudience.Business, Topics =
            [
                new Topic { Id = r.SubsidyTopic, Name = "Субсидия «Модернизация»", DefaultKind = AppealKind.ComplexConsultation,
                    DefaultRegime = LegalRegime.BusinessConsultation, Routes = [new TopicRoute { Id = Guid.NewGuid(), OrganisationId = r.MinInvest }] },
            ]},
            new Category { Id = r.CityCategory, Name = "Городское благоустройство", Audience = ApplicantAudience.Citizens, Topics =
            [
                new Topic { Id = r.PotholeTopic, Name = "Ямы на дорогах", DefaultKind = AppealKind.Task, DefaultRegime = LegalRegime.PlatformMessage, Routes =
                [
                    new TopicRoute { Id = Guid.NewGuid(), TerritoryId = r.TerritoryA, OrganisationId = r.MunA },
                    new TopicRoute { Id = Guid.NewGuid(), TerritoryId = r.TerritoryB, OrganisationId = r.MunB },
                ]},
                new Topic { Id = r.HousingTopic, Name = "Капитальный ремонт", DefaultKind = AppealKind.Complaint, DefaultRegime = LegalRegime.Obrashchenie59,
                    Routes = [new TopicRoute { Id = Guid.NewGuid(), OrganisationId = r.MinHousing }] },
            ]});
        await db.SaveChangesAsync();

        (Persona, Role, Guid?)[] staff =
        [
            (Persona.Applicant, Role.Applicant, null), (Persona.OtherApplicant, Role.Applicant, null),
            (Persona.CentreOperator, Role.Operator, r.Centre), (Persona.CentreModerator, Role.Moderator, r.Centre),
            (Persona.CentreAnalyst, Role.Analyst, r.Region), (Persona.ContentEditor, Role.ContentEditor, r.Centre),
            (Persona.RegionAdmin, Role.Administrator, r.Region),
            (Persona.MinInvestDispatcher, Role.Dispatcher, r.MinInvest), (Persona.MinInvestExecutor, Role.Executor, r.MinInvestDepartment),
            (Persona.MinInvestController, Role.Controller, r.MinInvest),
            (Persona.MunADispatcher, Role.Dispatcher, r.MunA), (Persona.MunAExecutor, Role.Executor, r.MunA), (Persona.MunAController, Role.Controller, r.MunA),
            (Persona.MunBDispatcher, Role.Dispatcher, r.MunB), (Persona.MunBExecutor, Role.Executor, r.MunB), (Persona.MunBController, Role.Controller, r.MunB),
            (Persona.MunBAdmin, Role.Administrator, r.MunB),
            (Persona.HqMember, Role.HqMember, r.Fns),
            (Persona.NoRoles, Role.Applicant, null),
        ];
        var n = 0;
        foreach (var (persona, role, org) in staff)
        {
            var person = new Person
            {
                Id = Guid.CreateVersion7(), UserName = $"{persona}@test.example".ToLowerInvariant(), Email = $"{persona}@test.example".ToLowerInvariant(),
                EmailConfirmed = true, LastName = "Тестов" + ++n, FirstName = persona.ToString(), CreatedAtUtc = TestApp.Start.UtcDateTime,
                Roles = persona == Persona.NoRoles ? [] : [new RoleAssignment { Id = Guid.CreateVersion7(), Role = role, OrganisationId = org }],
            };
            // Hashing a password costs ~50 ms; only one persona needs it (the cookie sign-in test).
            var result = persona == Persona.CentreModerator ? await users.CreateAsync(person, Password) : await users.CreateAsync(person);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
            db.ApiKeys.Add(ApiKeys.Create(person.Id, "tests", TestApp.Start.UtcDateTime, r.KeyOf(persona)).Entity);
            r._people[persona] = person.Id;
        }
        await db.SaveChangesAsync();
        return r;
    }

    static string Square(double minLon, double minLat, double maxLon, double maxLat) =>
        FormattableString.Invariant($$"""{"type":"Polygon","coordinates":[[[{{minLon}},{{minLat}}],[{{maxLon}},{{minLat}}],[{{maxLon}},{{maxLat}}],[{{minLon}},{{maxLat}}],[{{minLon}},{{minLat}}]]]}""");
}
