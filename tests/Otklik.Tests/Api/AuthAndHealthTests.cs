using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Identity;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>Cookie sign-in for staff, the health endpoints and the API description.</summary>
public sealed class AuthAndHealthTests(AppPool pool) : IClassFixture<AppPool>
{
    const string ModeratorEmail = "centremoderator@test.example";

    static HttpClient CookieClient(TestApp app) =>
        app.CookieClient();

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_moderator_signs_in_with_a_cookie_works_and_signs_out(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        using var browser = CookieClient(app);

        await browser.GetAsync("/api/v1/auth/me").ExpectProblem(HttpStatusCode.Unauthorized, "auth.required");

        var login = await browser.PostJsonAsync("/api/v1/auth/login", new { email = ModeratorEmail, password = TestRegion.Password }).Expect(HttpStatusCode.OK);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("otklik=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var signedIn = await login.ReadAsync<AuthApi.MeView>();
        Assert.Equal(r.IdOf(Persona.CentreModerator), signedIn.Id);

        var me = await (await browser.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.OK)).ReadAsync<AuthApi.MeView>();
        Assert.Equal((r.IdOf(Persona.CentreModerator), ModeratorEmail, "Тестов4 CentreModerator"), (me.Id, me.Email, me.FullName));
        var role = Assert.Single(me.Roles);
        Assert.Equal((Role.Moderator, (Guid?)r.Centre, "ЦУР"), (role.Role, role.OrganisationId, role.OrganisationName));

        // The cookie is enough to act: the moderator registers an appeal.
        var a = await app.SubmitAsync();
        a = await browser.ActAsync(a, "register");
        Assert.Equal(AppealStatus.Registered, a.Status);
        Assert.Equal(r.IdOf(Persona.CentreModerator), (await app.EventsAsync(a.Id))[^1].ActorId);

        await browser.PostAsync("/api/v1/auth/logout", null).Expect(HttpStatusCode.NoContent);
        await browser.GetAsync("/api/v1/auth/me").ExpectProblem(HttpStatusCode.Unauthorized, "auth.required");
        await browser.GetAsync("/api/v1/appeals").Expect(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_wrong_password_is_refused_with_a_problem_and_counted(Engine engine)
    {
        var app = await pool.For(engine);
        var id = app.Region.IdOf(Persona.CentreModerator);
        var failedBefore = await app.WithDbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.AccessFailedCount).SingleAsync());
        using var browser = CookieClient(app);

        var response = await browser.PostJsonAsync("/api/v1/auth/login", new { email = ModeratorEmail, password = "Wrong-Passw0rd" }).Expect(HttpStatusCode.Unauthorized);
        var problem = await response.ProblemAsync();
        Assert.Equal("auth.invalid_credentials", problem.GetProperty("code").GetString());
        Assert.Equal("Неверный адрес электронной почты или пароль.", problem.GetProperty("detail").GetString());
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal(failedBefore + 1, await app.WithDbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.AccessFailedCount).SingleAsync()));

        // An unknown address gets the very same answer, so addresses cannot be probed.
        var unknown = await browser.PostJsonAsync("/api/v1/auth/login", new { email = "nobody@test.example", password = TestRegion.Password })
            .ExpectProblem(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        Assert.Equal(problem.GetProperty("detail").GetString(), unknown.GetProperty("detail").GetString());
        await browser.GetAsync("/api/v1/auth/me").Expect(HttpStatusCode.Unauthorized);

        // The right password afterwards works and resets the count.
        await browser.PostJsonAsync("/api/v1/auth/login", new { email = ModeratorEmail, password = TestRegion.Password }).Expect(HttpStatusCode.OK);
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.AccessFailedCount).SingleAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Liveness_and_readiness_answer_healthy(Engine engine)
    {
        var app = await pool.For(engine);
        var anonymous = app.Anonymous();
        var live = await anonymous.GetAsync("/health").Expect(HttpStatusCode.OK);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
        var ready = await anonymous.GetAsync("/health/ready").Expect(HttpStatusCode.OK);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_OpenAPI_document_describes_the_API_and_the_viewer_serves_it(Engine engine)
    {
        var app = await pool.For(engine);
        var anonymous = app.Anonymous();

        var response = await anonymous.GetAsync("/openapi/v1.json").Expect(HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString());
        var paths = root.GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/v1/appeals", "/api/v1/appeals/{id}", "/api/v1/appeals/{id}/register", "/api/v1/appeals/{id}/answer/approve",
            "/api/v1/attachments", "/api/v1/organisations", "/api/v1/territories/import", "/api/v1/auth/login",
        })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI has no path {path}");
        var appeals = paths.GetProperty("/api/v1/appeals");
        Assert.True(appeals.TryGetProperty("get", out _));
        Assert.True(appeals.TryGetProperty("post", out _));

        var viewer = await anonymous.GetAsync("/api-docs").Expect(HttpStatusCode.OK);
        Assert.Equal("text/html", viewer.Content.Headers.ContentType?.MediaType);
        var html = await viewer.Content.ReadAsStringAsync();
        Assert.Contains("<title>Otklik API</title>", html);
        // The viewer's scripts are served by the app itself, so the page works without the internet.
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]* src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var src in scripts)
        {
            var script = await anonymous.GetAsync(new Uri(new Uri(app.BaseAddress, "/api-docs/"), src)).Expect(HttpStatusCode.OK);
            Assert.Contains("javascript", script.Content.Headers.ContentType?.MediaType);
        }

        // The site's root is the public portal.
        var home = await anonymous.GetAsync("/").Expect(HttpStatusCode.OK);
        Assert.Contains("Подать обращение", await home.Content.ReadAsStringAsync());
    }
}
