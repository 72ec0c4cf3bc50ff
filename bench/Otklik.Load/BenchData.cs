using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Identity;

namespace Otklik.Load;

/// <summary>The bench region as the workloads need it: who calls (API keys) and what exists.</summary>
public sealed record BenchDirectory(Guid Region, Guid Centre, IReadOnlyList<BenchTerritory> Territories, IReadOnlyList<BenchTopic> Topics)
{
    /// <summary>A centre analyst at the region root: sees every appeal (lists, reads, search, dashboard).</summary>
    public const string AnalystKey = "bench-analyst";
    /// <summary>Executor, dispatcher and controller at the region root: may take every execution step anywhere.</summary>
    public const string StaffKey = "bench-staff";
    /// <summary>An identified applicant of the portal (intake of 59-ФЗ appeals needs one).</summary>
    public const string ApplicantKey = "bench-applicant";
}

public sealed record BenchTerritory(Guid Id, string Name, Guid Organisation, double MinLon, double MinLat);

public sealed record BenchTopic(Guid Id, Guid CategoryId, TopicWords Words, bool Business, Guid? DefaultOrganisation);

/// <summary>
/// Fills a database with a realistic region and N appeals through the entity's own methods (submit, route, register,
/// assign, start, answer, approve, rate, the deadline watch between steps), so numbers, histories, deadlines and watch
/// levels are what production would store. Appeals are built in memory and written in big batches by
/// <see cref="BulkWriter"/> (PostgreSQL COPY; SQLite prepared inserts), which takes its columns from the EF model, so the
/// path stays correct as the model grows; the yearly counters are set so intake numbers on.
/// </summary>
public static class BenchData
{
    const string Zone = "Asia/Yekaterinburg";
    /// <summary>The oldest day the shipped production calendars cover well enough for deadlines (2025 onward).</summary>
    static readonly DateTime EarliestReceived = new(2025, 1, 15, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<BenchDirectory> CreateDirectoryAsync(AppDbContext db, DateTime now, CancellationToken ct)
    {
        var region = Organisation.Create(Guid.CreateVersion7(), "Правительство Уральской области", "Правительство", OrganisationKind.Region, null, Zone);
        var centre = Organisation.Create(Guid.CreateVersion7(), "Центр управления регионом Уральской области", "ЦУР", OrganisationKind.CentreOfManagement, region, Zone);
        var federal = Organisation.Create(Guid.CreateVersion7(), "Управление Роспотребнадзора", "Роспотребнадзор", OrganisationKind.FederalBody, region, Zone, isConnected: false);
        db.Organisations.AddRange(region, centre, federal);

        var territories = new List<BenchTerritory>();
        for (var i = 0; i < Vocabulary.Municipalities.Length; i++)
        {
            var name = Vocabulary.Municipalities[i];
            var org = Organisation.Create(Guid.CreateVersion7(), "Администрация: " + name, name, OrganisationKind.Municipality, region, Zone);
            db.Organisations.Add(org);
            // Squares side by side far from any other test data, so a point finds exactly one territory.
            double minLon = 80 + i * 0.5, minLat = 50;
            var t = new Territory
            {
                Id = Guid.CreateVersion7(), Name = name, Code = $"B-{i + 1:D2}", OrganisationId = org.Id, ModeratorOrganisationId = centre.Id,
                BoundaryGeoJson = FormattableString.Invariant(
                    $$"""{"type":"Polygon","coordinates":[[[{{minLon}},{{minLat}}],[{{minLon + 0.4}},{{minLat}}],[{{minLon + 0.4}},{{minLat + 0.4}}],[{{minLon}},{{minLat + 0.4}}],[{{minLon}},{{minLat}}]]]}"""),
            };
            db.Territories.Add(t);
            territories.Add(new(t.Id, name, org.Id, minLon, minLat));
        }

        var topics = new List<BenchTopic>();
        var sort = 0;
        foreach (var c in Vocabulary.Categories)
        {
            var ministry = Organisation.Create(Guid.CreateVersion7(), c.Ministry, c.MinistryShort, OrganisationKind.Ministry, region, Zone);
            db.Organisations.Add(ministry);
            var category = new Category { Id = Guid.CreateVersion7(), Name = c.Name, Audience = c.Business ? ApplicantAudience.Business : ApplicantAudience.Citizens, SortOrder = ++sort };
            foreach (var w in c.Topics)
            {
                var topic = new Topic { Id = Guid.CreateVersion7(), CategoryId = category.Id, Name = w.Name, DefaultKind = w.Kind, DefaultRegime = w.Regime };
                // Local matters go to the municipality of the territory; the rest to the ministry.
                topic.Routes = w.Local
                    ? [.. territories.Select(t => new TopicRoute { Id = Guid.CreateVersion7(), TopicId = topic.Id, TerritoryId = t.Id, OrganisationId = t.Organisation })]
                    : [new TopicRoute { Id = Guid.CreateVersion7(), TopicId = topic.Id, OrganisationId = ministry.Id }];
                category.Topics.Add(topic);
                topics.Add(new(topic.Id, category.Id, w, c.Business, w.Local ? null : ministry.Id));
            }
            db.Categories.Add(category);
        }
        await db.SaveChangesAsync(ct);

        // Callers of the workloads, each with a fixed key.
        AddPerson(db, "Аналитиков", "Центр", now, BenchDirectory.AnalystKey, (Role.Analyst, region.Id));
        AddPerson(db, "Исполнителев", "Стенд", now, BenchDirectory.StaffKey, (Role.Executor, region.Id), (Role.Dispatcher, region.Id), (Role.Controller, region.Id),
            (Role.Moderator, centre.Id));
        AddPerson(db, "Заявителев", "Стенд", now, BenchDirectory.ApplicantKey, (Role.Applicant, null));
        await db.SaveChangesAsync(ct);
        return new(region.Id, centre.Id, territories, topics);
    }

    static Person AddPerson(AppDbContext db, string lastName, string firstName, DateTime now, string? key, params (Role Role, Guid? Organisation)[] roles)
    {
        var id = Guid.CreateVersion7();
        var login = $"{key ?? "staff-" + id.ToString("N")}@bench.example";
        var person = new Person
        {
            Id = id, UserName = login, NormalizedUserName = login.ToUpperInvariant(), Email = login, NormalizedEmail = login.ToUpperInvariant(),
            EmailConfirmed = true, SecurityStamp = Guid.NewGuid().ToString("N"), LastName = lastName, FirstName = firstName, CreatedAtUtc = now,
            Roles = [.. roles.Select(r => new RoleAssignment { Id = Guid.CreateVersion7(), PersonId = id, Role = r.Role, OrganisationId = r.Organisation })],
        };
        db.Users.Add(person);
        if (key is not null) db.ApiKeys.Add(ApiKeys.Create(id, "bench", now, key).Entity);
        return person;
    }

    /// <summary>The staff who appear in the histories: a moderator of the centre; a dispatcher, two executors and a controller per executor organisation.</summary>
    sealed record Staff(Guid Moderator, Dictionary<Guid, (Guid Dispatcher, Guid[] Executors, Guid Controller)> ByOrganisation);

    static async Task<Staff> CreateStaffAsync(AppDbContext db, BenchDirectory dir, DateTime now, CancellationToken ct)
    {
        var moderator = AddPerson(db, "Модераторова", "Анна", now, null, (Role.Moderator, dir.Centre)).Id;
        var executors = dir.Territories.Select(t => t.Organisation).Concat(dir.Topics.Select(t => t.DefaultOrganisation).OfType<Guid>()).Distinct();
        var byOrg = new Dictionary<Guid, (Guid, Guid[], Guid)>();
        foreach (var org in executors)
            byOrg[org] = (AddPerson(db, "Диспетчеров", "Павел", now, null, (Role.Dispatcher, org)).Id,
                [AddPerson(db, "Исполнителева", "Ирина", now, null, (Role.Executor, org)).Id, AddPerson(db, "Работников", "Олег", now, null, (Role.Executor, org)).Id],
                AddPerson(db, "Контролёров", "Виктор", now, null, (Role.Controller, org)).Id);
        await db.SaveChangesAsync(ct);
        return new(moderator, byOrg);
    }

    /// <summary>Reads back the directory <see cref="CreateDirectoryAsync"/> made (the harness fills once, then runs).</summary>
    public static async Task<BenchDirectory> LoadDirectoryAsync(AppDbContext db, CancellationToken ct)
    {
        var region = await db.Organisations.Where(o => o.Name == "Правительство Уральской области").Select(o => o.Id).SingleAsync(ct);
        var centre = await db.Organisations.Where(o => o.ParentId == region && o.Kind == OrganisationKind.CentreOfManagement).Select(o => o.Id).SingleAsync(ct);
        var territories = (await db.Territories.AsNoTracking().Where(t => t.Code.StartsWith("B-")).OrderBy(t => t.Code).ToListAsync(ct))
            .Select((t, i) => new BenchTerritory(t.Id, t.Name, t.OrganisationId!.Value, 80 + i * 0.5, 50)).ToList();
        var words = Vocabulary.Categories.SelectMany(c => c.Topics.Select(t => (c, t))).ToDictionary(x => x.c.Name + "/" + x.t.Name);
        var rows = await db.Topics.AsNoTracking().Join(db.Categories, t => t.CategoryId, c => c.Id, (t, c) => new { t.Id, t.CategoryId, Category = c.Name, t.Name })
            .ToListAsync(ct);
        var routes = await db.TopicRoutes.AsNoTracking().Where(r => r.TerritoryId == null).ToDictionaryAsync(r => r.TopicId, r => r.OrganisationId, ct);
        var topics = rows.Where(r => words.ContainsKey(r.Category + "/" + r.Name))
            .Select(r => { var (c, t) = words[r.Category + "/" + r.Name]; return new BenchTopic(r.Id, r.CategoryId, t, c.Business, routes.TryGetValue(r.Id, out var o) ? o : null); })
            .ToList();
        return new(region, centre, territories, topics);
    }

    /// <summary>
    /// Creates the directory and <paramref name="count"/> appeals received over the past weeks to years (about a thousand a
    /// day, never before the calendars begin), the older ones mostly closed. <paramref name="progress"/> gets (done, total).
    /// </summary>
    public static async Task<BenchDirectory> FillAsync(IServiceProvider services, int count, DateTime now, Action<int, int>? progress, CancellationToken ct)
    {
        BenchDirectory dir;
        Staff staff;
        DeadlineClock clock;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            dir = await CreateDirectoryAsync(db, now, ct);
            staff = await CreateStaffAsync(db, dir, now, ct);
            var centre = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == dir.Centre, ct);
            var (calendar, rules) = await scope.ServiceProvider.GetRequiredService<DeadlineClocks>().LoadAsync(ct);
            clock = DeadlineClocks.For(calendar, rules, centre);
        }
        var federal = await WithDbAsync(services, db => db.Organisations.Where(o => o.Kind == OrganisationKind.FederalBody && o.Path.Contains(dir.Region.ToString("N")))
            .Select(o => o.Id).SingleAsync(ct));

        var days = Math.Clamp(count / 1000.0, 30, Math.Max(30, (now - EarliestReceived).TotalDays));
        var start = now - TimeSpan.FromDays(days);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        var counters = new Dictionary<int, int>();
        var random = new Random(2026);
        var builder = new AppealBuilder(dir, staff, clock, federal, now, random);
        const int batch = 2000;
        var building = new Stopwatch();
        var writing = new Stopwatch();
        long searchId = await WithDbAsync(services, db => db.SearchEntries.Select(e => (long?)e.Id).MaxAsync(ct)) ?? 0;
        for (var done = 0; done < count;)
        {
            var size = Math.Min(batch, count - done);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var appeals = new List<Appeal>(size);
            building.Start();
            for (var i = done; i < done + size; i++)
            {
                var received = start + TimeSpan.FromTicks((long)((now - start).Ticks * (i + random.NextDouble()) / (count + 1)));
                var year = TimeZoneInfo.ConvertTimeFromUtc(received, zone).Year;
                var sequence = counters[year] = counters.GetValueOrDefault(year) + 1;
                appeals.Add(builder.Build(year, sequence, received));
            }
            building.Stop();
            writing.Start();
            await BulkWriter.WriteAsync(db, appeals, ct);
            await BulkWriter.WriteAsync(db, [.. appeals.SelectMany(a => a.History)], ct);
            // The search index, as SaveChanges would have written it (SQLite's FTS5 triggers follow the inserts).
            var entries = appeals.SelectMany(a => Otklik.Features.Search.SearchIndexer.EntriesOf(a, db.IsPostgres)).ToList();
            foreach (var e in entries) e.Id = ++searchId;
            await BulkWriter.WriteAsync(db, entries, ct);
            // Statistics as the tables grow: the foreign-key checks of COPY are planned once per connection, and a plan made
            // while "Appeals" looked empty scans it for every history row (the fill then slows down quadratically).
            if (db.IsPostgres && (done == 0 || (done / batch) % 50 == 49))
                await db.Database.ExecuteSqlRawAsync("ANALYZE \"Appeals\", \"AppealEvents\", \"SearchEntries\"", ct);
            writing.Stop();
            done += size;
            progress?.Invoke(done, count);
        }
        Console.Error.WriteLine(FormattableString.Invariant($"  (building appeals in memory {building.Elapsed.TotalSeconds:F1} s, writing them {writing.Elapsed.TotalSeconds:F1} s)"));
        // The address register (issue 17) at the same scale: N appeals, N houses.
        await BenchAddresses.FillAsync(services, count, progress, ct);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            foreach (var (year, last) in counters)
            {
                var existing = await db.AppealCounters.SingleOrDefaultAsync(c => c.Year == year, ct);
                if (existing is null) db.AppealCounters.Add(new AppealCounter { Year = year, Last = last });
                else existing.Last = Math.Max(existing.Last, last);
            }
            await db.SaveChangesAsync(ct);
            // Rows written with explicit keys: move the identity on, so that the app's own inserts do not collide.
            if (db.IsPostgres)
                await db.Database.ExecuteSqlRawAsync("SELECT setval(pg_get_serial_sequence('\"SearchEntries\"', 'Id'), GREATEST((SELECT max(\"Id\") FROM \"SearchEntries\"), 1))", ct);
            // Fresh statistics (and, in PostgreSQL, the visibility map for index-only scans), as a live database has.
            if (db.IsPostgres) await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE", ct);
            else await db.Database.ExecuteSqlRawAsync("ANALYZE", ct);
        }
        return dir;
    }

    internal static async Task<T> WithDbAsync<T>(IServiceProvider services, Func<AppDbContext, Task<T>> read)
    {
        await using var scope = services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>One appeal's life up to a stage that depends on its age, each step a method of the entity at its own moment.</summary>
    sealed class AppealBuilder(BenchDirectory dir, Staff staff, DeadlineClock clock, Guid federal, DateTime now, Random random)
    {
        static readonly Channel[] Channels = [Channel.Portal, Channel.Portal, Channel.Portal, Channel.Mobile, Channel.Mobile, Channel.Hotline, Channel.Email, Channel.Telegram];

        enum Stage { Moderation, Clarification, Rejected, Registered, Assigned, InWork, AnswerDraft, AnswerReview, AnswerSent, Closed, LeftWithoutAnswer, Redirected }

        static readonly (Stage Stage, int Weight)[] Fresh = [(Stage.Moderation, 60), (Stage.Registered, 25), (Stage.Assigned, 15)];
        static readonly (Stage Stage, int Weight)[] Week =
        [
            (Stage.Moderation, 5), (Stage.Clarification, 2), (Stage.Rejected, 3), (Stage.Registered, 10), (Stage.Assigned, 10), (Stage.InWork, 50),
            (Stage.AnswerDraft, 5), (Stage.AnswerReview, 5), (Stage.AnswerSent, 5), (Stage.Closed, 5),
        ];
        static readonly (Stage Stage, int Weight)[] Month =
        [
            (Stage.Rejected, 4), (Stage.Registered, 2), (Stage.Assigned, 3), (Stage.InWork, 35), (Stage.AnswerDraft, 5), (Stage.AnswerReview, 6),
            (Stage.AnswerSent, 15), (Stage.Closed, 28), (Stage.LeftWithoutAnswer, 1), (Stage.Redirected, 1),
        ];
        static readonly (Stage Stage, int Weight)[] Old =
            [(Stage.Rejected, 4), (Stage.InWork, 2), (Stage.AnswerSent, 4), (Stage.Closed, 87), (Stage.LeftWithoutAnswer, 2), (Stage.Redirected, 1)];

        DateTime _at;
        Appeal _appeal = null!;

        public Appeal Build(int year, int sequence, DateTime received)
        {
            var topic = random.Pick(dir.Topics);
            var territory = random.Pick(dir.Territories);
            var address = Vocabulary.Address(random);
            var isPublic = random.Next(10) < 4;
            var draft = new Appeal.Draft(random.Next(10) < 8 ? AppealType.Problem : AppealType.Question, topic.Words.Kind, topic.Words.Regime,
                random.Pick(Channels), null, Vocabulary.Applicant(random, topic.Business), null, null,
                topic.CategoryId, topic.Id, territory.Id, address,
                territory.MinLat + 0.05 + random.NextDouble() * 0.3, territory.MinLon + 0.05 + random.NextDouble() * 0.3,
                Vocabulary.Text(random, topic.Words, address), isPublic, isPublic, dir.Centre, null, null);
            _appeal = Appeal.Submit(draft, year, sequence, received, clock);
            _at = received;
            var age = now - received;
            var stage = Choose(age.TotalDays < 1 ? Fresh : age.TotalDays < 7 ? Week : age.TotalDays < 30 ? Month : Old);
            // The span the steps take: within the appeal's age, most of it early on.
            var span = TimeSpan.FromTicks(Math.Min(age.Ticks, TimeSpan.FromDays(25).Ticks));
            var steps = 9.0;
            void Next() => _at = Min(_at + TimeSpan.FromTicks((long)(span.Ticks / steps * (0.3 + random.NextDouble()))), now - TimeSpan.FromMinutes(1));

            if (stage == Stage.Moderation) return Finish();
            if (stage == Stage.Clarification)
            {
                Step(Next, a => a.AskClarification("Уточните, пожалуйста, номер дома и подъезда.", staff.Moderator, _at));
                return Finish();
            }
            if (stage == Stage.Rejected)
            {
                Step(Next, a => a.Reject(Ground.NoEssence, null, staff.Moderator, _at));
                return Finish();
            }
            var executorOrg = topic.DefaultOrganisation ?? territory.Organisation;
            var people = staff.ByOrganisation[executorOrg];
            var executor = random.Pick(people.Executors);
            Step(Next, a => { a.Route(executorOrg, null, null, _at); a.Register(staff.Moderator, _at); });
            if (stage == Stage.Registered) return Finish();
            Step(Next, a => a.Assign(executor, people.Dispatcher, _at));
            if (stage == Stage.Assigned) return Finish();
            Step(Next, a => a.StartWork(executor, _at));
            if (random.Next(10) < 3) Step(Next, a => a.RecordStep(random.Pick(Vocabulary.StepNotes), executor, _at));
            if (stage == Stage.InWork) return Finish();
            if (stage == Stage.Redirected)
            {
                Step(Next, a => a.Redirect(federal, false, "Вопрос в компетенции федерального органа.", executor, _at));
                return Finish();
            }
            if (stage == Stage.LeftWithoutAnswer)
            {
                Step(Next, a => a.LeaveWithoutAnswer(Ground.NoEssence, null, people.Controller, _at));
                return Finish();
            }
            var answer = string.Join(' ', Enumerable.Range(0, 4).Select(_ => random.Pick(Vocabulary.AnswerPhrases)));
            Step(Next, a => a.DraftAnswer(answer, random.Next(3) switch { 0 => FederalResult.Explained, 1 => FederalResult.SupportedMeasuresTaken, _ => FederalResult.Supported },
                executor, _at));
            if (stage == Stage.AnswerDraft) return Finish();
            Step(Next, a => a.SubmitAnswer(true, executor, _at));
            if (stage == Stage.AnswerReview) return Finish();
            Step(Next, a => a.ApproveAnswer(people.Controller, _at));
            if (stage == Stage.AnswerSent) return Finish();
            if (random.Next(10) < 7) Step(Next, a => a.Rate(random.Next(3, 6), random.Next(4) == 0 ? "Спасибо, проблема решена." : null, null, _at));
            else Step(Next, a => a.Close(staff.Moderator, "Оценка не поступила.", _at));
            return Finish();
        }

        /// <summary>The deadline watch runs between the steps, as it does live: each escalation is recorded at its own moment.</summary>
        void CatchUp(DateTime until)
        {
            for (var guard = 0; guard < 10 && _appeal.NextWatchAtUtc is { } next && next <= until; guard++) _appeal.Watch(clock, next);
        }

        void Step(Action advance, Action<Appeal> change)
        {
            advance();
            CatchUp(_at);
            change(_appeal);
            _appeal.ApplyDeadlines(clock, _at);
        }

        Appeal Finish()
        {
            CatchUp(now);
            return _appeal;
        }

        Stage Choose((Stage Stage, int Weight)[] table)
        {
            var roll = random.Next(table.Sum(t => t.Weight));
            foreach (var (stage, weight) in table)
                if ((roll -= weight) < 0) return stage;
            return table[^1].Stage;
        }

        static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
    }

    /// <summary>A progress line on stderr: bar, percent, rate and the time left.</summary>
    public static Action<int, int> ConsoleProgress(string label)
    {
        var watch = Stopwatch.StartNew();
        return (done, total) =>
        {
            var share = (double)done / total;
            var rate = done / Math.Max(0.001, watch.Elapsed.TotalSeconds);
            var eta = TimeSpan.FromSeconds((total - done) / Math.Max(1, rate));
            var bar = new string('#', (int)(share * 30)).PadRight(30, '.');
            Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r  {label} [{bar}] {share * 100,5:F1}% {done:N0}/{total:N0}  {rate:N0}/s  ETA {eta:mm\\:ss}   "));
            if (done == total) Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\n  {label}: {total:N0} in {watch.Elapsed.TotalSeconds:F1} s"));
        };
    }
}
