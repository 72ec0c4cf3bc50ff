using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Audit;
using Otklik.Features.Directory;
using Otklik.Features.Identity;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Audit;

/// <summary>
/// The personal-data audit trail (issue 14, item 8) and the scoped citizen lookup (item 7): each audited action makes exactly
/// one line with the right actor, kind, appeal and address; GET /api/v1/audit and /office/audit for the region administrator
/// and a security officer only; nothing in the app updates or deletes a line but the retention sweep.
/// </summary>
public sealed class PersonalDataAuditTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Loopback = "127.0.0.1";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Each_staff_read_of_an_appeal_makes_one_line_with_the_actor_the_appeal_and_the_address(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        var reader = app.Region.IdOf(Persona.MunAExecutor);

        await app.ClientAs(Persona.MunAExecutor).GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.OK);
        await app.ClientAs(Persona.MunAExecutor).GetAsync($"/api/v1/appeals/{a.Id}?include=history").Expect(HttpStatusCode.OK);
        await app.ClientAs(Persona.MunAExecutor).GetAsync($"/api/v1/appeals/by-number/{a.Number}").Expect(HttpStatusCode.OK);
        await app.ClientAs(Persona.MunAExecutor).GetAsync($"/api/v1/appeals/{a.Id}/history").Expect(HttpStatusCode.OK);
        using var office = await Office.SignInAsync(app, Persona.MunAExecutor);
        await office.HtmlAsync($"/office/appeals/{a.Id}");
        // Not recorded: the applicant reading their own appeal, a refused read, an anonymous one.
        await app.ClientAs(Persona.Applicant).GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.OK);
        await app.ClientAs(Persona.MunBExecutor).GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.NotFound);
        await app.Anonymous().GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.Unauthorized);

        var lines = await LinesAsync(app, l => l.AppealId == a.Id);
        Assert.Equal(["api", "api include=history", "api by-number", "api history", "office card"], lines.Select(l => l.Detail));
        Assert.All(lines, l => Assert.Equal((reader, AuditKind.AppealRead, Loopback), (l.ActorId!.Value, l.Kind, l.Address)));
        Assert.All(lines, l => Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, l.AtUtc));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_export_a_download_and_a_lookup_each_make_one_line_with_their_filter_rows_and_shape(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var photo = await AttachmentTests.UploadAsync(app, Persona.Applicant, AttachmentTests.Png(2, 2), "яма.png", "image/png");
        var a = await app.SubmitAsync(Samples.Pothole(r).With("attachmentIds", new[] { photo.Id }));
        await app.SubmitAsync(Samples.Subsidy(r));

        // The applicant's file: staff download recorded, the applicant's own not.
        await app.ClientAs(Persona.CentreModerator).GetAsync($"/api/v1/attachments/{photo.Id}").Expect(HttpStatusCode.OK);
        await app.ClientAs(Persona.Applicant).GetAsync($"/api/v1/attachments/{photo.Id}").Expect(HttpStatusCode.OK);
        var download = Assert.Single(await LinesAsync(app, l => l.Kind == AuditKind.FileDownload && l.AppealId == a.Id));
        Assert.Equal((r.IdOf(Persona.CentreModerator), Loopback), (download.ActorId!.Value, download.Address));
        Assert.Contains(photo.Id.ToString(), download.Detail);

        // The office list as CSV: the filter and the number of rows sent.
        var mark = await LastIdAsync(app);
        using var moderator = await Office.SignInAsync(app, Persona.CentreModerator);
        var csv = await (await moderator.GetAsync("/office/appeals/export.csv?status=moderation").Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync();
        var sent = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1;
        Assert.True(sent >= 2, csv);
        var export = Assert.Single(await LinesAsync(app, l => l.Id > mark && l.Kind == AuditKind.AppealExport && l.ActorId == r.IdOf(Persona.CentreModerator)));
        Assert.Equal((sent, Loopback, (Guid?)null), (export.Rows!.Value, export.Address, export.AppealId));
        Assert.Equal("office list csv: ?status=moderation", export.Detail);

        // A lookup by the full phone: its shape and how many were found, never the number itself.
        using var op = await Session.SignInAsync(app, "centreoperator@test.example");
        await op.PageAsync("/office/register");
        mark = await LastIdAsync(app);
        var found = await op.PostAsync("/office/register?handler=find", [new("Lookup", "+7 (343) 200-00-00")]);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Contains("info@uralstanok.ru", await found.Content.ReadAsStringAsync());
        var lookup = Assert.Single(await LinesAsync(app, l => l.Id > mark && l.Kind == AuditKind.ApplicantLookup && l.ActorId == r.IdOf(Persona.CentreOperator)));
        Assert.Equal(("phone", 1, Loopback), (lookup.Detail, lookup.Rows!.Value, lookup.Address));
        Assert.DoesNotContain("200", lookup.Detail);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Only_an_operator_of_a_call_taking_organisation_looks_up_and_only_by_the_whole_number_or_address(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        await app.SubmitAsync(Samples.Subsidy(r));
        var before = (await LinesAsync(app, l => l.Kind == AuditKind.ApplicantLookup)).Count;

        // The region administrator registers calls but does not search applicants: no search box, and a posted search is refused.
        using var admin = await Session.SignInAsync(app, "regionadmin@test.example");
        var form = await admin.PageAsync("/office/register");
        Assert.DoesNotContain("name=\"Lookup\"", form);
        var refused = await admin.PostAsync("/office/register?handler=find", [new("Lookup", "info@uralstanok.ru")]);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Уралстанок", refusedHtml);
        Assert.Contains(Otklik.Features.Intake.ApplicantLookup.Refusal, refusedHtml);

        // An operator of a municipality (not a call-taking organisation) neither.
        var (munOperator, _) = await PersonAsync(app, Role.Operator, r.MunA);
        using var mun = await Session.SignInAsync(app, munOperator);
        await mun.PageAsync("/office/register");
        var munRefused = await mun.PostAsync("/office/register?handler=pick", [new("Lookup", "+7 343 200-00-00"), new("Pick", "0")]);
        Assert.Equal(HttpStatusCode.Forbidden, munRefused.StatusCode);
        Assert.DoesNotContain("Уралстанок", await munRefused.Content.ReadAsStringAsync());

        // The centre's operator: part of a number or of an address finds nothing and says what is needed.
        using var op = await Session.SignInAsync(app, "centreoperator@test.example");
        await op.PageAsync("/office/register");
        foreach (var partial in new[] { "00-00", "200-00-00", "343 200-00", "uralstanok", "@uralstanok.ru", "info@" })
        {
            var html = await (await op.PostAsync("/office/register?handler=find", [new("Lookup", partial)])).Content.ReadAsStringAsync();
            Assert.DoesNotContain("value=\"ООО «Уралстанок»\"", html);
            Assert.Contains("Введите номер телефона полностью", html);
        }
        Assert.Equal(before, (await LinesAsync(app, l => l.Kind == AuditKind.ApplicantLookup)).Count);
        var whole = await (await op.PostAsync("/office/register?handler=find", [new("Lookup", "INFO@uralstanok.ru")])).Content.ReadAsStringAsync();
        Assert.Contains("value=\"ООО «Уралстанок»\"", whole);
        Assert.Equal(before + 1, (await LinesAsync(app, l => l.Kind == AuditKind.ApplicantLookup)).Count);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_audit_api_filters_newest_first_pages_and_answers_only_the_region_administrator_and_the_security_officer(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.AppealInAsync(AppealStatus.Registered);
        var b = await app.AppealInAsync(AppealStatus.Moderation);
        app.Clock.Advance(TimeSpan.FromMinutes(10)); // past every line the other tests of the class made
        await app.ClientAs(Persona.CentreModerator).GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.ClientAs(Persona.CentreAnalyst).GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.ClientAs(Persona.CentreModerator).GetAsync($"/api/v1/appeals/{b.Id}").Expect(HttpStatusCode.OK);
        await app.Services.GetRequiredService<AuditTrail>().FlushAsync();
        var at = app.Clock.GetUtcNow().UtcDateTime;

        var (officer, officerKey) = await PersonAsync(app, Role.SecurityOfficer, r.Region);
        var (_, municipalOfficerKey) = await PersonAsync(app, Role.SecurityOfficer, r.MunB);
        foreach (var reader in new[] { app.ClientAs(Persona.RegionAdmin), app.ClientWithKey(officerKey) })
        {
            var ofA = await ItemsAsync(reader, $"/api/v1/audit?appealId={a.Id}");
            Assert.Equal([r.IdOf(Persona.CentreAnalyst), r.IdOf(Persona.CentreModerator)], ofA.Select(i => i.GetProperty("actorId").GetGuid()));
            Assert.Equal("appealRead", ofA[0].GetProperty("kind").GetString());
            Assert.Equal(a.Number, ofA[0].GetProperty("appealNumber").GetString());
            Assert.Equal(Loopback, ofA[0].GetProperty("address").GetString());
            Assert.StartsWith("Тестов", ofA[0].GetProperty("actorName").GetString());

            var byModerator = await ItemsAsync(reader, $"/api/v1/audit?actorId={r.IdOf(Persona.CentreModerator)}&from={at.AddMinutes(-2):yyyy-MM-ddTHH:mm:ssZ}&to={at:yyyy-MM-ddTHH:mm:ssZ}");
            Assert.Equal([b.Id, a.Id], byModerator.Select(i => i.GetProperty("appealId").GetGuid()));
            Assert.Empty(await ItemsAsync(reader, $"/api/v1/audit?actorId={r.IdOf(Persona.CentreModerator)}&from={at.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}"));

            // Newest first, one at a time with the cursor.
            var first = await (await reader.GetAsync($"/api/v1/audit?actorId={r.IdOf(Persona.CentreModerator)}&limit=1").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
            Assert.Equal(b.Id, first.GetProperty("items")[0].GetProperty("appealId").GetGuid());
            var cursor = first.GetProperty("nextCursor").GetString();
            var second = await (await reader.GetAsync($"/api/v1/audit?actorId={r.IdOf(Persona.CentreModerator)}&limit=1&before={cursor}").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
            Assert.Equal(a.Id, second.GetProperty("items")[0].GetProperty("appealId").GetGuid());
        }

        // Bad parameters: a ProblemDetails naming the field.
        var admin = app.ClientAs(Persona.RegionAdmin);
        foreach (var (query, field) in new[] { ("actorId=abc", "actorId"), ("appealId=1", "appealId"), ("from=2026-13-01", "from"), ("to=yesterday", "to"),
                     ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"), ("before=zz", "before"), ("kind=delete", "kind"),
                     ("from=2026-12-01&to=2026-11-01", "to"), ("from=0001-01-01&to=9999-12-31T23:59:59Z", null) })
        {
            var response = await admin.GetAsync("/api/v1/audit?" + query);
            if (field is null) { Assert.Equal(HttpStatusCode.OK, response.StatusCode); continue; }
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True((await response.ReadAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), query);
        }

        // Everyone else: 403; nobody signed in: 401.
        foreach (var other in new[] { Persona.MunBAdmin, Persona.CentreModerator, Persona.CentreAnalyst, Persona.CentreOperator, Persona.HqMember, Persona.Applicant })
            await app.ClientAs(other).GetAsync("/api/v1/audit").Expect(HttpStatusCode.Forbidden);
        await app.ClientWithKey(municipalOfficerKey).GetAsync("/api/v1/audit").Expect(HttpStatusCode.Forbidden);
        await app.Anonymous().GetAsync("/api/v1/audit").Expect(HttpStatusCode.Unauthorized);
        Assert.NotEqual(Guid.Empty, officer);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_office_page_shows_the_trail_with_filters_and_exports_it_as_csv_and_the_export_is_recorded(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var a = await app.AppealInAsync(AppealStatus.Registered);
        await app.ClientAs(Persona.CentreModerator).GetAsync($"/api/v1/appeals/{a.Id}").Expect(HttpStatusCode.OK);
        await app.Services.GetRequiredService<AuditTrail>().FlushAsync();

        var (officer, _) = await PersonAsync(app, Role.SecurityOfficer, r.Region);
        using var session = await Session.SignInAsync(app, officer);
        var office = await session.PageAsync("/office");
        Assert.Contains("<a href=\"/office/audit\">Журнал доступа</a>", office);
        var page = await session.PageAsync($"/office/audit?number={a.Number}");
        Assert.Contains("Журнал доступа к персональным данным", page);
        Assert.Contains($"<a href=\"/office/appeals/{a.Id}\">{a.Number}</a>", page);
        Assert.Contains("Просмотр обращения", page);
        Assert.Single(Regex.Matches(page, "<tr data-id="));

        var wrong = await session.GetRawAsync("/office/audit?from=31.12.2026&number=1-2-3");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var wrongHtml = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("<span id=\"from-error\" class=\"field-error\">Дата начала — в виде ГГГГ-ММ-ДД.</span>", wrongHtml);
        Assert.Contains("Обращения с номером «1-2-3» нет.", wrongHtml);

        var csv = await session.GetRawAsync($"/office/audit?handler=csv&number={a.Number}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var rows = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Время;Сотрудник;", rows[0]);
        var row = Assert.Single(rows[1..]);
        Assert.Contains($";Просмотр обращения;{a.Number};{a.Id};api;;{Loopback}", row);
        var export = Assert.Single(await LinesAsync(app, l => l.Kind == AuditKind.AuditExport && l.ActorId == officer));
        Assert.Equal((1, Loopback), (export.Rows!.Value, export.Address));
        Assert.Contains($"number={a.Number}", export.Detail);

        // Others get no link and a refusal.
        using var moderator = await Office.SignInAsync(app, Persona.CentreModerator);
        Assert.DoesNotContain("/office/audit", await moderator.HtmlAsync("/office"));
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetAsync("/office/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetAsync("/office/audit?handler=csv")).StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Nothing_in_the_app_updates_or_deletes_a_line_but_the_sweep_of_lines_past_the_retention_period(Engine engine)
    {
        var app = await pool.For(engine);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var (old, recent) = await app.WithDbAsync(async db =>
        {
            var o = AuditRecord.Of(now.AddDays(-400), app.Region.IdOf(Persona.CentreModerator), AuditKind.AppealRead, Guid.NewGuid(), "sweep-test", null, Loopback);
            var n = AuditRecord.Of(now.AddDays(-10), app.Region.IdOf(Persona.CentreModerator), AuditKind.AppealRead, Guid.NewGuid(), "sweep-test", null, Loopback);
            db.AuditRecords.AddRange(o, n);
            await db.SaveChangesAsync();
            return (o.Id, n.Id);
        });

        // Through the context: refused before the database sees it.
        await app.WithDbAsync(async db =>
        {
            var line = await db.AuditRecords.SingleAsync(l => l.Id == recent);
            db.Entry(line).Property(l => l.Detail).CurrentValue = "changed";
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            db.AuditRecords.Remove(await db.AuditRecords.SingleAsync(l => l.Id == recent));
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        });
        // Set-based, past the context: the database's trigger refuses an update on both engines, a delete on PostgreSQL.
        await app.WithDbAsync(async db =>
        {
            await Assert.ThrowsAnyAsync<Exception>(() => db.AuditRecords.Where(l => l.Id == recent).ExecuteUpdateAsync(s => s.SetProperty(l => l.Detail, "changed")));
            if (db.IsPostgres)
            {
                await Assert.ThrowsAnyAsync<Exception>(() => db.AuditRecords.Where(l => l.Id == recent).ExecuteDeleteAsync());
                await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("TRUNCATE \"AuditRecords\""));
                // Declaring a cutoff does not let a line younger than it go.
                await using var tx = await db.Database.BeginTransactionAsync();
                await db.Database.ExecuteSqlRawAsync("SELECT set_config('otklik.audit_cutoff', '2000-01-01T00:00:00Z', true)");
                await Assert.ThrowsAnyAsync<Exception>(() => db.AuditRecords.Where(l => l.Id == old).ExecuteDeleteAsync());
            }
        });
        Assert.Equal(["sweep-test", "sweep-test"], await app.WithDbAsync(db => db.AuditRecords.Where(l => l.Id == old || l.Id == recent).Select(l => l.Detail).ToListAsync()));

        // The retention sweep deletes what is older than the period, nothing else.
        var deleted = await app.WithDbAsync(db => AuditSweep.RunOnceAsync(db, now, 365, CancellationToken.None));
        Assert.True(deleted >= 1);
        Assert.Equal([recent], await app.WithDbAsync(db => db.AuditRecords.Where(l => l.Id == old || l.Id == recent).Select(l => l.Id).ToListAsync()));
        Assert.False(await app.WithDbAsync(db => db.AuditRecords.AnyAsync(l => l.AtUtc < now.AddDays(-365))));

        // The API has one operation on the trail, a GET.
        var methods = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/audit", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).ToList();
        Assert.Equal(["GET"], methods);
        foreach (var method in new[] { HttpMethod.Delete, HttpMethod.Put, HttpMethod.Post, HttpMethod.Patch })
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await app.ClientAs(Persona.RegionAdmin).SendAsync(new HttpRequestMessage(method, "/api/v1/audit"))).StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_full_queue_logs_the_dropped_line_in_full_and_stopping_the_node_writes_what_is_queued(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?>
        {
            ["Otklik:Audit:QueueCapacity"] = "2", ["Otklik:Audit:FlushSeconds"] = "3600", // only the stop writes
        });
        var trail = app.Services.GetRequiredService<AuditTrail>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            http.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
            var user = scope.ServiceProvider.GetRequiredService<Otklik.Infrastructure.CurrentUser>();
            var appeal = Guid.NewGuid();
            for (var i = 0; i < 3; i++) trail.Record(http, user, AuditKind.AppealRead, appeal, "queue-test " + i);
            Assert.Equal(1, trail.Dropped);
            var dropped = Assert.Single(app.ServerLog.Entries, e => e.Level == LogLevel.Critical);
            Assert.Contains("queue-test 2", dropped.Message);
            Assert.Contains("203.0.113.7", dropped.Message);
            Assert.Contains(appeal.ToString(), dropped.Message);
        }

        // The node stops: the queued lines are written first.
        await trail.StopAsync(CancellationToken.None);
        Assert.Equal(["queue-test 0", "queue-test 1"],
            await app.WithDbAsync(db => db.AuditRecords.Where(l => l.Detail!.StartsWith("queue-test")).OrderBy(l => l.Id).Select(l => l.Detail!).ToListAsync()));
    }

    // ---- Helpers ----

    static async Task<List<AuditRecord>> LinesAsync(TestApp app, System.Linq.Expressions.Expression<Func<AuditRecord, bool>> where)
    {
        await app.Services.GetRequiredService<AuditTrail>().FlushAsync();
        return await app.WithDbAsync(db => db.AuditRecords.AsNoTracking().Where(where).OrderBy(l => l.Id).ToListAsync());
    }

    static async Task<long> LastIdAsync(TestApp app)
    {
        await app.Services.GetRequiredService<AuditTrail>().FlushAsync();
        return await app.WithDbAsync(async db => await db.AuditRecords.MaxAsync(l => (long?)l.Id) ?? 0);
    }

    static async Task<List<JsonElement>> ItemsAsync(HttpClient client, string url) =>
        [.. (await (await client.GetAsync(url).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>()).GetProperty("items").EnumerateArray()];

    /// <summary>A person with one staff role, an API key and the tests' password; returns their e-mail (for a sign-in) or id and key.</summary>
    static async Task<(Guid Id, string Key)> PersonAsync(TestApp app, Role role, Guid organisationId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
        var id = Guid.CreateVersion7();
        var email = $"{role}-{id:N}@test.example".ToLowerInvariant();
        var person = new Person
        {
            Id = id, UserName = email, Email = email, EmailConfirmed = true, LastName = "Проверкина", FirstName = role.ToString(), CreatedAtUtc = TestApp.Start.UtcDateTime,
            Roles = [new RoleAssignment { Id = Guid.CreateVersion7(), Role = role, OrganisationId = organisationId }],
        };
        Assert.True((await users.CreateAsync(person, TestRegion.Password)).Succeeded);
        var key = "key-" + id.ToString("N");
        db.ApiKeys.Add(ApiKeys.Create(id, "tests", TestApp.Start.UtcDateTime, key).Entity);
        await db.SaveChangesAsync();
        return (id, key);
    }
}

/// <summary>A staff cookie session (<see cref="FormSession"/>) signed in by person id or email.</summary>
file sealed class Session(HttpClient http) : FormSession(http)
{
    public static async Task<Session> SignInAsync(TestApp app, Guid personId) =>
        new(await app.SignedInClientAsync(await app.EnsurePasswordAsync(personId), TestRegion.Password));

    public static async Task<Session> SignInAsync(TestApp app, string email) =>
        new(await app.SignedInClientAsync(await app.EnsurePasswordAsync(email), TestRegion.Password));

    public Task<string> PageAsync(string url) => GetAsync(url);
}
