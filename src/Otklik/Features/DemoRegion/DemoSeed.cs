using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Identity;
using Otklik.Features.Intake;
using Otklik.Infrastructure;

namespace Otklik.Features.DemoRegion;

/// <summary>
/// Fills an empty database with the demo region (<see cref="DemoDirectory"/>) and its appeals (<see cref="DemoAppeals"/>),
/// all in one transaction, and prints the demo logins. A database that already holds organisations is left alone.
/// </summary>
public static class DemoSeed
{
    public static async Task EnsureAsync(IServiceProvider services, ILogger log, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var d = new DemoDirectory();
        var baseUrl = (services.GetRequiredService<IConfiguration>()["urls"] ?? "http://127.0.0.1:5080").Split(';')[0].TrimEnd('/');

        if (await db.Organisations.AnyAsync(o => o.Id == d.Region.Id, ct))
        {
            PrintLogins(log, d, baseUrl, "The demo region is already in the database.");
            return;
        }
        if (await db.Organisations.AnyAsync(ct))
        {
            log.LogInformation("The directory already holds organisations; the demo region is not seeded.");
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var users = services.GetRequiredService<UserManager<Person>>();
        int appeals;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            AddDirectory(db, d, users, now);
            // The directory is saved first, so that the real first routing reads the topics' routes from the database.
            await db.SaveChangesAsync(ct);
            // The rules are read in this transaction, so the demo topics' own rules (not yet committed) count.
            var (calendar, _) = await services.GetRequiredService<DeadlineClocks>().LoadAsync(ct);
            var rules = await db.DeadlineRules.AsNoTracking().ToListAsync(ct);
            appeals = await AddAppealsAsync(db, d, now, DeadlineClocks.For(calendar, rules, d.Centre), ct);
            Roadmaps.DemoRoadmaps.Add(db, d, now, calendar, rules);
            Portal.Public.PublicDemo.Add(db, [.. d.Accounts.Where(a => a.Roles.Any(r => r.Role == Role.Applicant)).Select(a => a.Id)], now);
            Knowledge.DemoKnowledge.Add(db, d, now);
            Business.DemoBusiness.Add(db, d, now);
            Surveys.DemoSurveys.Add(db, d.MinInvest.Id, now);
            await db.SaveChangesAsync(ct);
            await Addresses.AddressImport.ImportAsync(db, (_, lon, _) => Task.FromResult(DemoAddresses.TerritoryOf(d, lon)), DemoAddresses.Rows(),
                null, null, log, ct);
            await tx.CommitAsync(ct);
        }
        services.GetRequiredService<OrganisationTree>().Invalidate();
        services.GetRequiredService<TerritoryLocator>().Invalidate();
        PrintLogins(log, d, baseUrl,
            $"Seeded the demo region «Уральская область»: {d.Organisations.Count} organisations, {d.Accounts.Count} people, {appeals} appeals " +
            $"in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s.");
    }

    static void AddDirectory(AppDbContext db, DemoDirectory d, UserManager<Person> users, DateTime now)
    {
        db.Organisations.AddRange(d.Organisations);
        foreach (var t in d.Territories)
        {
            // Stored as the import would store it, after the same validity check.
            t.BoundaryGeoJson = TerritoryLocator.Write(TerritoryLocator.ParseBoundary(t.BoundaryGeoJson, "boundary"));
            db.Territories.Add(t);
        }
        db.Categories.AddRange(d.Categories);
        // Seed 001: a task takes 2–5 working days by its kind; seed 000: a request to the fund, 2 working days.
        foreach (var (topic, policy, note) in new[]
        {
            ("taxi", "working-days:2", "Разрешение такси — 2 рабочих дня"),
            ("signage", "working-days:3", "Согласование вывески — 3 рабочих дня"),
            ("land-plot", "working-days:4", "Земельный участок — 4 рабочих дня"),
            ("gpzu", "working-days:5", "Изменения в ГПЗУ — 5 рабочих дней"),
            ("microloans", "working-days:2", "Запрос в фонд с портала — 2 рабочих дня (регламент портала МСП)"),
        })
            db.DeadlineRules.Add(new DeadlineRule { Id = DemoIds.Of("rule:" + topic), Stage = DeadlineStage.Answer, TopicId = d.Topic(topic).Id, Policy = policy, Note = note });

        // Hashing a password costs tens of milliseconds: every demo account shares one hash of the one demo password.
        var hash = users.PasswordHasher.HashPassword(new Person(), DemoDirectory.Password);
        foreach (var a in d.Accounts)
        {
            db.Users.Add(new Person
            {
                Id = a.Id, UserName = a.Email, NormalizedUserName = users.NormalizeName(a.Email), Email = a.Email,
                NormalizedEmail = users.NormalizeEmail(a.Email), EmailConfirmed = true, PasswordHash = hash, LockoutEnabled = true,
                SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant(), ConcurrencyStamp = Guid.NewGuid().ToString(),
                LastName = a.LastName, FirstName = a.FirstName, MiddleName = a.MiddleName, Position = a.Position, CreatedAtUtc = now.AddDays(-90),
                Roles = [.. a.Roles.Select(r => new RoleAssignment { Id = DemoIds.Of($"role:{a.Email}:{r.Role}"), PersonId = a.Id, Role = r.Role, OrganisationId = r.At?.Id })],
            });
        }
        db.ApiKeys.Add(ApiKeys.Create(d.AccountOf("administrator").Id, "Демо: ключ администратора", now, DemoDirectory.AdminApiKey).Entity);
        db.Open311Keys.Add(Features.Open311.Open311Key.Create("Демо: городское приложение Open311", now, DemoDirectory.Open311Key).Entity);
        // Open311 services: what people call a pothole, and the one extra question a road crew asks.
        var potholes = d.Topic("potholes");
        potholes.Keywords = "яма, выбоина, асфальт, дорога";
        potholes.Questions.Add(new TopicQuestion
        {
            Id = DemoIds.Of("question:potholes:size"), TopicId = potholes.Id, Code = "SIZE", Text = "Какого размера яма?",
            Type = QuestionType.SingleValueList, Required = false, Order = 1,
            Options = "small=Меньше колеса\nlarge=Больше колеса\nroad=Во всю полосу",
        });
    }

    /// <summary>
    /// Submits each demo appeal at its own instant in the past, in the order received, numbered by the yearly counter
    /// exactly as intake numbers them, then plays its life forward through the entity's methods.
    /// </summary>
    static async Task<int> AddAppealsAsync(AppDbContext db, DemoDirectory d, DateTime now, DeadlineClock clock, CancellationToken ct)
    {
        var zone = TimeZones.Find(d.Centre.TimeZone);
        var operatorId = d.PersonFor(Role.Operator, d.Centre);
        var shapes = d.Territories.ToDictionary(t => t.Id, t => TerritoryLocator.ParseBoundary(t.BoundaryGeoJson, "boundary"));
        var done = new Dictionary<string, Appeal>();
        var stories = DemoAppeals.All(d)
            .Select(s => (Story: s, Jitter: new Random(DemoIds.Of("appeal:" + s.Key).GetHashCode())))
            .Select(x => (x.Story, x.Jitter, ReceivedAt: now - TimeSpan.FromDays(x.Story.DaysAgo) - TimeSpan.FromMinutes(x.Jitter.Next(0, 300))))
            .OrderBy(x => x.ReceivedAt).ToList();
        foreach (var (story, jitter, receivedAt) in stories)
        {
            var draft = Draft(story, d, operatorId, shapes);
            var year = TimeZoneInfo.ConvertTimeFromUtc(receivedAt, zone).Year;
            var appeal = Appeal.Submit(draft, year, await IntakeApi.NextSequenceAsync(db, year, ct), receivedAt, clock);
            db.Appeals.Add(appeal);
            var life = new DemoLife(appeal, d, db, done, receivedAt, now, jitter, clock);
            story.Life(life);
            try { await life.PlayAsync(ct); }
            catch (Exception e) when (e is RuleException or InputException)
            {
                throw new InvalidOperationException($"Demo appeal «{story.Key}» ({appeal.Number}, {appeal.Status}): {e.Message}", e);
            }
            done.Add(story.Key, appeal);
        }
        return done.Count;
    }

    /// <summary>The appeal as intake would accept it; a demo appeal that intake would refuse is a bug of the seed.</summary>
    static Appeal.Draft Draft(DemoStory s, DemoDirectory d, Guid operatorId, Dictionary<Guid, Geometry> shapes)
    {
        var topic = d.Topic(s.Topic);
        var kind = topic.DefaultKind;
        var regime = s.Regime ?? topic.DefaultRegime;
        var applicant = s.From.ToInfo(s.CoSigners);
        var isOpenChannel = s.Channel is Channel.Portal or Channel.Mobile or Channel.InvestPortal;
        Guid? account = s.From.Account is { } login ? d.AccountOf(login).Id : null;

        var e = new InputErrors();
        SubmitRules.CheckText(e, "text", s.Text);
        SubmitRules.CheckOptional(e, "address", s.Place?.Address, 500);
        SubmitRules.CheckOptional(e, "channelMessageId", s.MessageId, 200);
        SubmitRules.CheckApplicant(e, applicant, regime);
        if (isOpenChannel && regime is LegalRegime.Obrashchenie59 or LegalRegime.PlatformMessage && account is null)
            e.Add("applicant", "intake.identification_required", "На портале такое обращение подаёт только вошедший заявитель.");
        if (s.Place is { Latitude: { } lat, Longitude: { } lon } place
            && !shapes[place.Territory.Id].Covers(new Point(lon, lat)))
            e.Add("latitude", "location.outside_territories", $"Точка не лежит в территории «{place.Territory.Name}».");
        if (e.Any)
        {
            try { e.ThrowIfAny(); }
            catch (InputException x)
            {
                throw new InvalidOperationException($"Demo appeal «{s.Key}» would be refused by intake: " +
                    string.Join("; ", x.Errors.Select(kv => $"{kv.Key}: {string.Join(' ', kv.Value)}")), x);
            }
        }

        return new Appeal.Draft(s.Type, kind, regime, s.Channel, s.MessageId, applicant,
            isOpenChannel ? account : null, isOpenChannel ? null : operatorId,
            topic.CategoryId, topic.Id, s.Place?.Territory.Id, s.Place?.Address, s.Place?.Latitude, s.Place?.Longitude, s.Text,
            s.IsPublic, PublicationConsent: s.IsPublic, d.Centre.Id, null, null);
    }

    static void PrintLogins(ILogger log, DemoDirectory d, string baseUrl, string headline)
    {
        var table = new StringBuilder();
        table.AppendLine($"  {"Role",-22} {"Organisation",-26} {"E-mail",-38} Password");
        foreach (var a in d.Accounts)
            table.AppendLine($"  {string.Join('+', a.Roles.Select(r => r.Role)),-22} {a.Roles[0].At?.ShortName ?? "—",-26} {a.Email,-38} {DemoDirectory.Password}");
        log.LogInformation(
            "{Headline}\nDemo logins (sign in with POST {Url}/api/v1/auth/login {{\"email\":…,\"password\":…}}; the API is described at {Url}/api-docs):\n{Table}" +
            "API key of the demo administrator: {Key}\n  curl -H \"Authorization: Bearer {Key}\" {Url}/api/v1/appeals",
            headline, baseUrl, baseUrl, table.ToString(), DemoDirectory.AdminApiKey, DemoDirectory.AdminApiKey, baseUrl);
    }
}
