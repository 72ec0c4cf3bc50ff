using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Operations;

/// <summary>
/// What an operator's Prometheus reads (issue 21 item 3): <c>/metrics</c> in the text format with the business series
/// — appeals received per channel, overdue appeals, the outbox's backlog and failures, sweep durations — next to the
/// framework's, answered only to the configured token or network; the readiness details carry the outbox backlog.
/// </summary>
public sealed class MetricsTests
{
    const string Token = "metrics-token-3f9a";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Metrics_carry_the_business_series_and_answer_only_the_configured_token(Engine engine)
    {
        // Workers on: every sweep makes its first pass at start, so its duration is on record.
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?>
        {
            ["Otklik:Metrics:Token"] = Token, ["Otklik:Workers"] = "true",
        });
        var appeal = await app.SubmitAsync();
        var anonymous = app.Anonymous();

        await anonymous.GetAsync("/metrics").Expect(HttpStatusCode.NotFound);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
            await anonymous.SendAsync(wrong).Expect(HttpStatusCode.NotFound);
        }
        await anonymous.GetAsync("/health/details").Expect(HttpStatusCode.NotFound);

        var text = "";
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            var response = await anonymous.SendAsync(request).Expect(HttpStatusCode.OK);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            text = await response.Content.ReadAsStringAsync();
            if (text.Contains("otklik_sweep_duration", StringComparison.Ordinal) && text.Contains("otklik_outbox_backlog", StringComparison.Ordinal)) break;
            await Task.Delay(200);
        }
        Assert.Matches($"otklik_appeals_received_total\\{{[^}}]*channel=\"{appeal.Channel}\"", text);
        foreach (var series in new[] { "otklik_appeals_overdue", "otklik_outbox_backlog", "otklik_outbox_retrying", "otklik_outbox_failed",
                     "otklik_outbox_oldest_age_seconds", "otklik_sweep_duration_seconds_count{", "http_server_request_duration_seconds_bucket" })
            Assert.Contains(series, text, StringComparison.Ordinal);
        using var details = new HttpRequestMessage(HttpMethod.Get, "/health/details");
        details.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var report = await anonymous.SendAsync(details).Expect(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await report.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetProperty("checks").GetProperty("outbox").GetProperty("data").TryGetProperty("backlog", out _));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Metrics_answer_a_listed_network_and_no_one_when_nothing_is_configured(Engine engine)
    {
        await using (var listed = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:Metrics:KnownNetworks"] = "10.0.0.0/8, 127.0.0.0/8" }))
        {
            await listed.SubmitAsync();
            var text = await (await listed.Anonymous().GetAsync("/metrics").Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync();
            // The appeal's receipt letter waits in the outbox (no dispatcher on this node): the backlog counts it.
            Assert.Matches(@"(?m)^otklik_outbox_backlog(\{[^}]*\})? [1-9]", text);
            var report = await listed.Anonymous().GetAsync("/health/details").Expect(HttpStatusCode.OK);
            using var json = JsonDocument.Parse(await report.Content.ReadAsStringAsync());
            Assert.True(json.RootElement.GetProperty("checks").GetProperty("outbox").GetProperty("data").GetProperty("backlog").GetInt64() >= 1);
        }
        await using (var other = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:Metrics:KnownNetworks"] = "10.0.0.0/8" }))
            await other.Anonymous().GetAsync("/metrics").Expect(HttpStatusCode.NotFound);
        await using (var none = await TestApp.StartAsync(engine))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "");
            await none.Anonymous().SendAsync(request).Expect(HttpStatusCode.NotFound);
        }
    }
}
