using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Webhooks;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Webhooks;

/// <summary>
/// Webhooks for integrators on both engines, with a real HTTP listener on 127.0.0.1 as the subscriber: the office page
/// registers it and shows the secret once; the events of an appeal arrive signed (HMAC-SHA256 over timestamp.body), in
/// order, each with one delivery id; a failing subscriber is retried with backoff, the later event waiting for the
/// earlier; after a day the delivery is given up, and the page sends it again.
/// </summary>
public sealed partial class WebhookTests(AppPool pool) : IClassFixture<AppPool>
{
    /// <summary>A subscriber: answers each POST with the next status of its script (then 200), and keeps what it got.</summary>
    sealed class Subscriber : IDisposable
    {
        readonly HttpListener _listener = new();
        readonly ConcurrentQueue<int> _script;
        public ConcurrentQueue<(string Delivery, string Event, string Timestamp, string Signature, string Body, int Answered)> Got { get; } = new();
        public string Url { get; }
        public int Default { get; set; } = 200;

        public Subscriber(params int[] script)
        {
            _script = new(script);
            for (var attempt = 0; ; attempt++)
            {
                var port = Random.Shared.Next(20000, 60000);
                Url = $"http://127.0.0.1:{port}/hooks/";
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add(Url);
                try { _listener.Start(); break; }
                catch (HttpListenerException) when (attempt < 20) { }
            }
            _ = Task.Run(ServeAsync);
        }

        async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext c;
                try { c = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                using var reader = new StreamReader(c.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var status = _script.TryDequeue(out var s) ? s : Default;
                Got.Enqueue((c.Request.Headers[WebhookSignature.DeliveryHeader] ?? "", c.Request.Headers[WebhookSignature.EventHeader] ?? "",
                    c.Request.Headers[WebhookSignature.TimestampHeader] ?? "", c.Request.Headers[WebhookSignature.SignatureHeader] ?? "", body, status));
                c.Response.StatusCode = status;
                c.Response.Close();
            }
        }

        public void Dispose() { _listener.Stop(); _listener.Close(); }
    }

    /// <summary>The region administrator registers the subscriber on the office page; the secret is read off the answer, as a person copies it.</summary>
    static async Task<string> SubscribeAsync(TestApp app, Subscriber subscriber, params string[] events)
    {
        // Earlier tests' subscribers are gone: their subscriptions are switched off so that they do not muddle this one.
        await app.WithDbAsync(db => db.WebhookSubscriptions.ExecuteUpdateAsync(s => s.SetProperty(x => x.IsActive, false)));
        using var office = await FormSession.SignInAsync(app, Persona.RegionAdmin);
        await office.GetAsync("/office/admin/webhooks");
        var response = await office.PostAsync("/office/admin/webhooks?handler=Create",
            [new("Name", "CRM центра управления"), new("Address", subscriber.Url), .. events.Select(e => new KeyValuePair<string, string>("Events", e))]);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        var secret = SecretPattern().Match(html);
        Assert.True(secret.Success, "The page shows the new secret once.");
        Assert.DoesNotContain(secret.Groups[1].Value, await office.GetAsync("/office/admin/webhooks"), StringComparison.Ordinal);
        return secret.Groups[1].Value;
    }

    [GeneratedRegex("id=\"issued-secret\"[^>]*value=\"(whsec_[A-Za-z0-9_-]+)\"")]
    private static partial Regex SecretPattern();

    static Task<WebhookDispatcher.Result> DispatchAsync(TestApp app) => app.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync();

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_events_of_an_appeal_arrive_signed_in_order_each_once(Engine engine)
    {
        var app = await pool.For(engine);
        using var subscriber = new Subscriber();
        var secret = await SubscribeAsync(app, subscriber, WebhookEvents.Received, WebhookEvents.Registered, WebhookEvents.Closed);

        var appeal = await app.AppealInAsync(AppealStatus.Registered);
        // A clock finer than PostgreSQL's microseconds: the lease written and the lease settled must still be the same value.
        app.Clock.Advance(TimeSpan.FromTicks(7));
        await DispatchAsync(app);
        await DispatchAsync(app); // nothing is sent twice
        Assert.True(await app.WithDbAsync(db => db.WebhookDeliveries.Where(d => d.AppealId == appeal.Id).AllAsync(d => d.DeliveredAtUtc != null)));

        var got = subscriber.Got.ToList();
        Assert.Equal([WebhookEvents.Received, WebhookEvents.Registered], got.Select(g => g.Event));
        Assert.Equal(2, got.Select(g => g.Delivery).Distinct().Count());
        foreach (var g in got)
        {
            Assert.True(WebhookSignature.Verify(secret, g.Timestamp, g.Body, g.Signature, app.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)), g.Body);
            Assert.False(WebhookSignature.Verify(secret, g.Timestamp, g.Body + " ", g.Signature, app.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
            // A replay an hour later is refused by a subscriber that checks the timestamp.
            Assert.False(WebhookSignature.Verify(secret, g.Timestamp, g.Body, g.Signature, app.Clock.GetUtcNow().AddHours(1), TimeSpan.FromMinutes(5)));
            var body = JsonDocument.Parse(g.Body).RootElement;
            Assert.Equal(g.Delivery, body.GetProperty("id").GetString());
            Assert.Equal(g.Event, body.GetProperty("event").GetString());
            Assert.Equal(appeal.Number, body.GetProperty("appeal").GetProperty("number").GetString());
        }
        Assert.DoesNotContain("Иванова", string.Concat(got.Select(g => g.Body)), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_failing_subscriber_is_retried_with_backoff_and_the_later_event_waits_for_the_earlier(Engine engine)
    {
        var app = await pool.For(engine);
        using var subscriber = new Subscriber(500, 503);
        await SubscribeAsync(app, subscriber, WebhookEvents.Received, WebhookEvents.Registered);
        var appeal = await app.AppealInAsync(AppealStatus.Registered);

        await DispatchAsync(app);
        Assert.Equal([(WebhookEvents.Received, 500)], subscriber.Got.Select(g => (g.Event, g.Answered)));
        await DispatchAsync(app); // not due yet: a minute's backoff, and the registration waits behind it
        Assert.Single(subscriber.Got);

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await DispatchAsync(app);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await DispatchAsync(app);

        var got = subscriber.Got.ToList();
        Assert.Equal([(WebhookEvents.Received, 500), (WebhookEvents.Received, 503), (WebhookEvents.Received, 200), (WebhookEvents.Registered, 200)],
            got.Select(g => (g.Event, g.Answered)));
        Assert.Single(got.Take(3).Select(g => g.Delivery).Distinct()); // one delivery id for every attempt: the subscriber dedupes on it
        var rows = await app.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(d => d.AppealId == appeal.Id).OrderBy(d => d.Sequence).ToListAsync());
        Assert.Equal([3, 1], rows.Where(r => r.DeliveredAtUtc != null).Select(r => r.Attempts));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_delivery_is_given_up_after_a_day_and_the_office_page_resends_it(Engine engine)
    {
        var app = await pool.For(engine);
        using var subscriber = new Subscriber { Default = 500 };
        await SubscribeAsync(app, subscriber, WebhookEvents.Received);
        var appeal = await app.SubmitAsync();

        for (var i = 0; i < 40; i++)
        {
            await DispatchAsync(app);
            app.Clock.Advance(TimeSpan.FromMinutes(61));
        }
        var failed = await app.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.AppealId == appeal.Id));
        Assert.NotNull(failed.FailedAtUtc);
        Assert.InRange(failed.FailedAtUtc!.Value - failed.CreatedAtUtc, TimeSpan.FromHours(23), TimeSpan.FromHours(25));
        var attempts = subscriber.Got.Count;
        Assert.Equal(failed.Attempts, attempts);

        using var office = await FormSession.SignInAsync(app, Persona.RegionAdmin);
        var page = await office.GetAsync("/office/admin/webhooks?failed=true");
        Assert.Contains("не доставлено", page, StringComparison.Ordinal);
        Assert.Contains(appeal.Number, page, StringComparison.Ordinal);
        subscriber.Default = 200;
        var resent = await office.PostAsync("/office/admin/webhooks?handler=Resend", [new("Id", failed.Id.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        await DispatchAsync(app);

        Assert.Equal(attempts + 1, subscriber.Got.Count);
        Assert.Equal(failed.Id.ToString(), subscriber.Got.Last().Delivery);
        Assert.NotNull((await app.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == failed.Id))).DeliveredAtUtc);
    }
}
