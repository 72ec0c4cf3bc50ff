using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Platforms;

/// <summary>
/// Issue 19 item 1, the rest: the region administrator's screen for Open311 keys — issue one (shown once, only its hash
/// kept), which Open311 then takes; revoke it, and Open311 answers 403 with it.
/// </summary>
public sealed class Open311KeysPageTests(AppPool pool) : IClassFixture<AppPool>
{
    static FormUrlEncodedContent Report(TestApp app, string key) => new(new Dictionary<string, string>
    {
        ["api_key"] = key, ["service_code"] = app.Region.PotholeTopic.ToString(), ["lat"] = "56.85", ["long"] = "60.25",
        ["address_string"] = "ул. Ленина, 10", ["description"] = "Глубокая яма на проезжей части у дома 10, машины объезжают по встречной.",
        ["first_name"] = "Мария", ["last_name"] = "Иванова", ["email"] = "maria.keys@example.ru",
    });

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_region_administrator_issues_a_key_shown_once_that_Open311_takes_and_revokes_it(Engine engine)
    {
        var app = await pool.For(engine);
        using var admin = await FormSession.SignInAsync(app, Persona.RegionAdmin);
        Assert.Contains("/office/admin/open311-keys", await admin.GetAsync("/office/admin"));
        await admin.GetAsync("/office/admin/open311-keys");
        var before = await app.WithDbAsync(db => db.Open311Keys.CountAsync());

        var bad = await admin.PostAsync("/office/admin/open311-keys?handler=Create", [new("Name", "  ")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("<span id=\"name-error\" class=\"field-error\">", await bad.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.WithDbAsync(db => db.Open311Keys.CountAsync()));

        var name = "Приложение «Город» " + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.PostAsync("/office/admin/open311-keys?handler=Create", [new("Name", name)]);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("no-store", created.Headers.CacheControl?.ToString());
        var html = await created.Content.ReadAsStringAsync();
        var secret = Regex.Match(html, "id=\"issued-secret\" class=\"secret\" readonly size=\"44\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.StartsWith("otk_", secret);
        var key = await app.WithDbAsync(db => db.Open311Keys.AsNoTracking().SingleAsync(k => k.Name == name));
        Assert.NotEqual(secret, key.Hash);
        // Shown once: the list afterwards has the key's name and prefix, never the secret.
        var list = await admin.GetAsync("/office/admin/open311-keys");
        Assert.DoesNotContain(secret, list);
        Assert.Contains(key.Prefix, list);

        var client = app.Anonymous();
        var accepted = await client.PostAsync("/open311/v2/requests.json", Report(app, secret));
        Assert.True(accepted.IsSuccessStatusCode, await accepted.Content.ReadAsStringAsync());

        var revoked = await admin.PostAsync("/office/admin/open311-keys?handler=Revoke", [new("KeyId", key.Id.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/open311/v2/requests.json", Report(app, secret))).StatusCode);

        // A municipality's administrator is not the region's: no page.
        using var munAdmin = await FormSession.SignInAsync(app, Persona.MunBAdmin);
        Assert.NotEqual(HttpStatusCode.OK, (await munAdmin.GetRawAsync("/office/admin/open311-keys")).StatusCode);
    }
}
