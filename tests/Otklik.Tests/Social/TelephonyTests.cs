using System.Net;
using System.Text.Json;
using Otklik.Features.Identity;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Social;

/// <summary>
/// The PBX's incoming-call API (issue 18.5): a key of the telephony scope gets the operator's screen for the number, built
/// from the public URL; the screen shows the caller's open appeal to an operator of the centre, and to nobody else.
/// </summary>
public sealed class TelephonyTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_call_opens_the_operators_screen_with_the_callers_open_appeal(Engine engine)
    {
        var app = await pool.For(engine);
        var phone = "+7 912 " + Random.Shared.Next(100, 999) + "-" + Random.Shared.Next(10, 99) + "-" + Random.Shared.Next(10, 99);
        var digits = new string([.. phone.Where(char.IsAsciiDigit)])[^10..];
        var earlier = await app.SubmitAsync(Samples.Pothole(app.Region).With("channel", "hotline").With("applicant",
            new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Звонарёва", ["firstName"] = "Ольга", ["phone"] = phone }), Persona.CentreOperator);

        var secret = "otk_pbx_" + Guid.NewGuid().ToString("N");
        await app.WithDbAsync(async db =>
        {
            db.ApiKeys.Add(ApiKeys.Create(app.Region.IdOf(Persona.CentreOperator), "АТС", TestApp.Start.UtcDateTime, secret, ApiScopes.Telephony).Entity);
            await db.SaveChangesAsync();
        });
        var pbx = app.ClientWithKey(secret);

        var answer = await pbx.PostJsonAsync("/api/v1/telephony/calls", new { callId = "1795000000.42", callerNumber = "8" + digits, extension = "101" })
            .Expect(HttpStatusCode.OK);
        var screen = new Uri((await answer.ReadAsync<JsonElement>()).GetProperty("screenUrl").GetString()!);
        Assert.Equal($"?number={digits}&call=1795000000.42", screen.Query);
        Assert.Equal("/office/calls", screen.AbsolutePath);

        using var operatorSession = await FormSession.SignInAsync(app, Persona.CentreOperator);
        var page = await operatorSession.GetAsync(screen.PathAndQuery);
        Assert.Contains($"№ {earlier.Number}", page, StringComparison.Ordinal);
        Assert.Contains("Звонарёва Ольга", page, StringComparison.Ordinal);
        // Staff who do not take calls do not see the screen.
        using var executor = await FormSession.SignInAsync(app, Persona.MunAExecutor);
        Assert.Equal(HttpStatusCode.Forbidden, (await executor.GetRawAsync(screen.PathAndQuery)).StatusCode);

        // A part of a number is no number; only the telephony scope calls the API.
        var bad = await pbx.PostJsonAsync("/api/v1/telephony/calls", new { callerNumber = "12345" }).Expect(HttpStatusCode.UnprocessableEntity);
        Assert.True((await bad.ProblemAsync()).GetProperty("errors").TryGetProperty("callerNumber", out _));
        await app.ClientAs(Persona.CentreOperator).PostJsonAsync("/api/v1/telephony/calls", new { callerNumber = "8" + digits }).Expect(HttpStatusCode.Forbidden);
    }
}
