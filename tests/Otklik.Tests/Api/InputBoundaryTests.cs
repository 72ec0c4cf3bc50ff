using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.Tests.Api;

/// <summary>
/// The server errors the penetration test found with bad input (issue 14, items 13 and 18): each is now a 4xx
/// ProblemDetails naming the field, and nothing is stored. Control characters are refused in the API's JSON and
/// stripped from forms, each in one place.
/// </summary>
public sealed class InputBoundaryTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Submit = "/api/v1/appeals";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_anonymous_appeal_with_a_latitude_of_1e400_is_refused_naming_the_field(Engine engine)
    {
        var app = await pool.For(engine);
        var before = await CountsAsync(app);
        var json = JsonSerializer.Serialize(Samples.Pothole(app.Region), HttpExtensions.Options).Replace("\"latitude\":56.85", "\"latitude\":1e400", StringComparison.Ordinal);
        Assert.Contains("1e400", json);

        var response = await app.Anonymous().PostAsync(Submit, new StringContent(json, Encoding.UTF8, "application/json"));

        await FieldRefusedAsync(response, "latitude");
        Assert.Equal(before, await CountsAsync(app));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_deadline_counted_from_the_year_9999_is_refused_naming_the_start(Engine engine)
    {
        var app = await pool.For(engine);
        foreach (var from in new[] { "9999-12-31T10:00:00+05:00", "0001-01-01T00:00:00+05:00" })
        {
            var response = await app.Anonymous().GetAsync(
                $"/api/v1/calendar/due?policy=working-days:2&from={Uri.EscapeDataString(from)}&timeZone=Asia/Yekaterinburg");
            await FieldRefusedAsync(response, "from");
        }
        // A start in a year of its calendar still counts.
        await app.Anonymous().GetAsync($"/api/v1/calendar/due?policy=working-days:2&from={Uri.EscapeDataString("2026-11-23T10:00:00+05:00")}&timeZone=Asia/Yekaterinburg")
            .Expect(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Nulls_in_and_instead_of_arrays_on_administrative_endpoints_are_refused_naming_the_item(Engine engine)
    {
        var app = await pool.For(engine);
        var admin = app.ClientAs(Persona.RegionAdmin);
        var before = await CountsAsync(app);
        object Rule(object conditions) => new { name = "Ямы", enabled = true, conditions, actions = new { tag = "ямы" } };

        await FieldRefusedAsync(await admin.PostJsonAsync("/api/v1/routing/rules", Rule(new { words = new string?[] { "яма", null } })), "conditions.words[1]");
        await FieldRefusedAsync(await admin.PostJsonAsync("/api/v1/routing/rules/try", Rule(new { words = (string[]?)null })), "conditions.words");
        await FieldRefusedAsync(await admin.PostJsonAsync("/api/v1/routing/rules/try", new { conditions = new { categoryIds = (Guid[]?)null }, actions = new { tag = "x" } }),
            "conditions.categoryIds");

        Assert.Equal(before, await CountsAsync(app));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_tab_in_the_portal_sign_in_return_address_falls_back_to_the_persons_home(Engine engine)
    {
        var app = await pool.For(engine);
        using (await PortalSession.SignedInAsync(app, Persona.OtherApplicant)) { }
        foreach (var returnUrl in new[] { "/\t/evil.example", "/\u0001/evil.example", "/feed\u0000" })
        {
            using var session = new PortalSession(app);
            await session.GetAsync("/account/login");
            var response = await session.PostAsync("/account/login",
                [new("Email", "otherapplicant@test.example"), new("Password", TestRegion.Password), new("ReturnUrl", returnUrl)]);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.True(response.Headers.Location!.OriginalString is "/my" or "/feed", $"Redirected to {response.Headers.Location}");
        }
        // And on the way in: the page shows the form, not an error.
        using var fresh = new PortalSession(app);
        await fresh.GetAsync("/account/login?ReturnUrl=%2F%09%2Fevil.example");
    }

    // ---- Item 18: control characters ----

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_nul_or_another_control_character_in_json_text_is_refused_naming_the_field(Engine engine)
    {
        var app = await pool.For(engine);
        var client = app.ClientAs(Persona.Applicant);
        var before = await CountsAsync(app);

        var pothole = Samples.Pothole(app.Region);
        await FieldRefusedAsync(await client.PostJsonAsync(Submit, pothole.With("text", "Глубокая яма\u0000 на проезжей части у дома 10.")), "text", "field.control_characters");
        await FieldRefusedAsync(await client.PostJsonAsync(Submit, pothole.With("address", "ул. Ленина,\u0007 10")), "address", "field.control_characters");
        await FieldRefusedAsync(await client.PostJsonAsync(Submit, pothole.With("applicant",
            new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Иван\u0000ова", ["firstName"] = "Мария", ["email"] = "maria@example.ru" })),
            "applicant.lastName", "field.control_characters");
        // In the query string as well: a search for a NUL.
        await FieldRefusedAsync(await app.Anonymous().GetAsync("/api/v1/knowledge/search?q=%D1%8F%D0%BC%D0%B0%00"), "q", "field.control_characters");
        Assert.Equal(before, await CountsAsync(app));

        // Line breaks and tabs are text: they stay.
        var created = await app.SubmitAsync(pothole.With("text", "Глубокая яма на проезжей части.\r\n\tМашины объезжают по встречной полосе."));
        Assert.Contains("\r\n\t", await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == created.Id).Select(a => a.Text).SingleAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Control_characters_in_a_form_are_stripped_before_anything_is_stored(Engine engine)
    {
        var app = await pool.For(engine);
        using var me = await PortalSession.SignedInAsync(app, Persona.OtherApplicant);
        await me.GetAsync("/account/profile");

        var saved = await me.PostAsync("/account/profile",
        [
            new("LastName", "Смир\u0000нова"), new("FirstName", "Ан\u0001на"), new("MiddleName", "Викторовна\u007f"), new("Phone", "+7 343 111-22-33"),
            new("NotifyByEmail", "true"), new("PublicationConsent", "false"), new("IsOrganisation", "false"),
        ]);

        Assert.True(saved.StatusCode == HttpStatusCode.Redirect, $"{(int)saved.StatusCode}: {await saved.Content.ReadAsStringAsync()}");
        var person = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(p => p.Id == app.Region.IdOf(Persona.OtherApplicant)));
        Assert.Equal(("Смирнова", "Анна", "Викторовна"), (person.LastName, person.FirstName, person.MiddleName));
    }

    // ---- Helpers ----

    static Task<(int Appeals, int Events, int Attachments, int Rules, int Outbox)> CountsAsync(TestApp app) => app.WithDbAsync(async db =>
        (await db.Appeals.CountAsync(), await db.AppealEvents.CountAsync(), await db.Attachments.CountAsync(), await db.RoutingRules.CountAsync(),
            await db.Outbox.CountAsync()));

    /// <summary>A 400 ProblemDetails whose errors name <paramref name="field"/>.</summary>
    internal static async Task<JsonElement> FieldRefusedAsync(HttpResponseMessage response, string field, string? code = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400 naming «{field}», got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"Expected an error for «{field}»: {body}");
        if (code is not null) Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }
}
