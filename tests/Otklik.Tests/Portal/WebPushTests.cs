using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Otklik.Features.Mail;
using Otklik.Features.Appeals;
using Otklik.Features.WebPush;
using Otklik.Infrastructure;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>
/// Web push for the applicant's own appeals (issue 17, item 10; ADR 0040), for real: a local HTTP server plays the push
/// service, the test is the browser (its own P-256 key pair and auth secret), and what arrives is checked as a push
/// service and a browser would — the VAPID JWT's signature against the server's public key, and the aes128gcm body
/// (RFC 8291) decrypted to read the notification.
/// </summary>
public sealed class WebPushTests
{
    sealed record Received(string Path, string? Authorization, string? Encoding, string? Ttl, byte[] Body);

    /// <summary>The push service: 201 for a live subscription, 410 for one the browser dropped, 500 once for a flaky moment.</summary>
    sealed class PushService : IAsyncDisposable
    {
        readonly HttpListener _listener = new();
        readonly Task _loop;
        int _flaky;
        public ConcurrentQueue<Received> Requests { get; } = new();
        public string Root { get; }

        public PushService()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Root = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Root + "/");
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); } catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var path = context.Request.Url!.AbsolutePath;
                Requests.Enqueue(new(path, context.Request.Headers["Authorization"], context.Request.Headers["Content-Encoding"], context.Request.Headers["TTL"], body.ToArray()));
                context.Response.StatusCode = path.StartsWith("/gone", StringComparison.Ordinal) ? 410
                    : path.StartsWith("/flaky", StringComparison.Ordinal) && Interlocked.Increment(ref _flaky) == 1 ? 500 : 201;
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }
    }

    /// <summary>A browser's side of a subscription: its P-256 key pair and its 16-byte auth secret.</summary>
    sealed class BrowserKeys : IDisposable
    {
        public ECDiffieHellman Key { get; } = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        public byte[] Auth { get; } = RandomNumberGenerator.GetBytes(16);
        public byte[] PublicKey
        {
            get { var p = Key.ExportParameters(false); return [0x04, .. p.Q.X!, .. p.Q.Y!]; }
        }
        public object Subscription(string endpoint) => new { endpoint, keys = new { p256dh = Base64Url.EncodeToString(PublicKey), auth = Base64Url.EncodeToString(Auth) } };

        /// <summary>RFC 8291 + RFC 8188 (aes128gcm), as the browser decrypts a push message.</summary>
        public string Decrypt(byte[] body)
        {
            var salt = body[..16];
            var recordSize = (body[16] << 24) | (body[17] << 16) | (body[18] << 8) | body[19];
            int idLength = body[20];
            var serverPublic = body[21..(21 + idLength)];
            var cipher = body[(21 + idLength)..];
            Assert.Equal(65, idLength);
            Assert.True(cipher.Length <= recordSize);

            using var server = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = serverPublic[1..33], Y = serverPublic[33..65] },
            });
            var shared = Key.DeriveRawSecretAgreement(server.PublicKey);
            byte[] keyInfo = [.. "WebPush: info\0"u8, .. PublicKey, .. serverPublic];
            var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, Auth, keyInfo);
            var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt);
            var cek = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, "Content-Encoding: aes128gcm\0"u8.ToArray());
            var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, "Content-Encoding: nonce\0"u8.ToArray());
            var plain = new byte[cipher.Length - 16];
            using (var aes = new AesGcm(cek, 16)) aes.Decrypt(nonce, cipher[..^16], cipher[^16..], plain);
            // The last record ends with the delimiter 0x02 and any padding zeros.
            var end = Array.LastIndexOf(plain, (byte)2);
            Assert.True(end >= 0, "no padding delimiter");
            return Encoding.UTF8.GetString(plain, 0, end);
        }

        public void Dispose() => Key.Dispose();
    }

    static (Dictionary<string, string?> Settings, string PublicKey) Configured()
    {
        var (publicKey, privateKey) = WebPushKeys.Generate();
        return (new()
        {
            ["Otklik:WebPush:PublicKey"] = publicKey, ["Otklik:WebPush:PrivateKey"] = privateKey,
            ["Otklik:WebPush:Subject"] = "mailto:support@otklik.example", ["Otklik:WebPush:AllowPrivateEndpoints"] = "true",
        }, publicKey);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_answer_reaches_the_applicants_browser_signed_with_vapid_and_encrypted_for_it_and_a_gone_browser_is_forgotten(Engine engine)
    {
        var (settings, publicKey) = Configured();
        await using var app = await TestApp.StartAsync(engine, settings: settings);
        await using var service = new PushService();
        using var phone = new BrowserKeys();
        using var laptop = new BrowserKeys();
        using var old = new BrowserKeys();
        var applicant = app.ClientAs(Persona.Applicant);

        Assert.Equal(publicKey, (await (await app.Anonymous().GetAsync("/api/v1/push/key")).ReadAsync<JsonElement>()).GetProperty("publicKey").GetString());
        // Off until the person subscribes a browser.
        Assert.False((await (await applicant.GetAsync("/api/v1/push/settings")).ReadAsync<JsonElement>()).GetProperty("enabled").GetBoolean());
        await applicant.PostJsonAsync("/api/v1/push/subscriptions", phone.Subscription(service.Root + "/push/phone")).Expect(HttpStatusCode.OK);
        await applicant.PostJsonAsync("/api/v1/push/subscriptions", laptop.Subscription(service.Root + "/flaky/laptop")).Expect(HttpStatusCode.OK);
        var settingsNow = await (await applicant.PostJsonAsync("/api/v1/push/subscriptions", old.Subscription(service.Root + "/gone/old"))).ReadAsync<JsonElement>();
        Assert.Equal((true, 3), (settingsNow.GetProperty("enabled").GetBoolean(), settingsNow.GetProperty("subscriptions").GetInt32()));
        // A key that is no P-256 point is refused, naming the field, and nothing is kept.
        var bad = await applicant.PostJsonAsync("/api/v1/push/subscriptions", new { endpoint = service.Root + "/push/bad", keys = new { p256dh = "AAAA", auth = Base64Url.EncodeToString(phone.Auth) } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.ProblemAsync()).GetProperty("errors").TryGetProperty("keys.p256dh", out _));

        var appeal = await app.AppealInAsync(AppealStatus.AnswerSent);
        await app.DispatchMailAsync();

        // The phone's push service got the answer, signed and encrypted.
        var answered = service.Requests.Where(r => r.Path == "/push/phone")
            .Select(r => (Request: r, Json: JsonDocument.Parse(phone.Decrypt(r.Body)).RootElement))
            .Single(x => x.Json.GetProperty("body").GetString() == "Дан ответ");
        Assert.Equal($"Обращение № {appeal.Number}", answered.Json.GetProperty("title").GetString());
        Assert.Equal($"/my/{appeal.Number}", answered.Json.GetProperty("url").GetString());
        Assert.Equal("aes128gcm", answered.Request.Encoding);
        Assert.NotNull(answered.Request.Ttl);
        CheckVapid(answered.Request.Authorization, publicKey, service.Root, "mailto:support@otklik.example");
        // The earlier steps went too: received and registered.
        var phoneSaid = service.Requests.Where(r => r.Path == "/push/phone").Select(r => JsonDocument.Parse(phone.Decrypt(r.Body)).RootElement.GetProperty("body").GetString()).ToList();
        Assert.Contains("Обращение зарегистрировано, назначен срок ответа", phoneSaid);
        Assert.Equal(phoneSaid.Count, phoneSaid.Distinct().Count());

        // 410: the browser dropped its subscription, so it is forgotten.
        Assert.Contains(service.Requests, r => r.Path == "/gone/old");
        Assert.False(await app.WithDbAsync(db => db.WebPushSubscriptions.AnyAsync(s => s.Endpoint == service.Root + "/gone/old")));
        // 500 once: retried with the outbox's backoff, then delivered.
        var failed = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Type == MessageTypes.PushNotification.Name && m.ProcessedAtUtc == null).ToListAsync());
        Assert.Single(failed);
        Assert.Contains("500", failed[0].LastError);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await app.DispatchMailAsync();
        var laptopSaid = service.Requests.Where(r => r.Path == "/flaky/laptop" && r.Body.Length > 0)
            .Select(r => { try { return JsonDocument.Parse(laptop.Decrypt(r.Body)).RootElement.GetProperty("body").GetString(); } catch (CryptographicException) { return null; } })
            .ToList();
        Assert.Contains("Дан ответ", laptopSaid);
        Assert.False(await app.WithDbAsync(db => db.Outbox.AnyAsync(m => m.Type == MessageTypes.PushNotification.Name && m.ProcessedAtUtc == null)));

        // Turned off on /my: the next step is not pushed (the letter still goes).
        await applicant.PutJsonAsync("/api/v1/push/settings", new { enabled = false }).Expect(HttpStatusCode.OK);
        var before = service.Requests.Count;
        await app.ActAsync(Persona.Applicant, await app.GetAsync(appeal.Id), "rate", new { score = 5 });
        await app.DispatchMailAsync();
        Assert.Equal(before, service.Requests.Count);

        // Unsubscribing forgets only the person's own browser.
        await app.ClientAs(Persona.OtherApplicant).DeleteAsync("/api/v1/push/subscriptions?endpoint=" + Uri.EscapeDataString(service.Root + "/push/phone")).Expect(HttpStatusCode.NoContent);
        Assert.True(await app.WithDbAsync(db => db.WebPushSubscriptions.AnyAsync(s => s.Endpoint == service.Root + "/push/phone")));
        await applicant.DeleteAsync("/api/v1/push/subscriptions?endpoint=" + Uri.EscapeDataString(service.Root + "/push/phone")).Expect(HttpStatusCode.NoContent);
        Assert.False(await app.WithDbAsync(db => db.WebPushSubscriptions.AnyAsync(s => s.Endpoint == service.Root + "/push/phone")));
    }

    /// <summary>Targeted informing by push (issue 20.6, ADR 0045): only to those who agreed to news and turned push on.</summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_targeted_message_reaches_the_browsers_of_those_who_agreed_and_turned_push_on(Engine engine)
    {
        var (settings, _) = Configured();
        await using var app = await TestApp.StartAsync(engine, settings: settings);
        await using var service = new PushService();
        using var phone = new BrowserKeys();
        using var other = new BrowserKeys();
        var r = app.Region;
        await app.ClientAs(Persona.Applicant).PostJsonAsync("/api/v1/push/subscriptions", phone.Subscription(service.Root + "/push/phone")).Expect(HttpStatusCode.OK);
        // The other applicant subscribed a browser but turned news off: no consent, no push.
        await app.ClientAs(Persona.OtherApplicant).PostJsonAsync("/api/v1/push/subscriptions", other.Subscription(service.Root + "/push/other")).Expect(HttpStatusCode.OK);
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == r.IdOf(Persona.OtherApplicant)).ExecuteUpdateAsync(s => s.SetProperty(u => u.NotifyByEmail, false)));
        await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Яма у дома 3 по улице Мира, глубокая."));
        await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Яма у дома 5 по улице Мира, широкая."), Persona.OtherApplicant);
        await app.DispatchMailAsync();   // the appeals' own steps are pushed first
        var before = service.Requests.Count;

        var analyst = await Otklik.Tests.Workspace.Office.SignInAsync(app, Persona.CentreAnalyst);
        var fields = new Dictionary<string, string> { ["territoryId"] = r.TerritoryB.ToString(), ["channels"] = "push" };
        var preview = await (await Otklik.Tests.Analytics.InformingTests.PostAsync(analyst, "?handler=preview", fields)).Content.ReadAsStringAsync();
        Assert.Contains("push <strong data-count=\"push\">1</strong>", preview);
        var sent = await Otklik.Tests.Analytics.InformingTests.PostAsync(analyst, "?handler=send",
            new(fields) { ["subject"] = "Ремонт улицы Мира", ["text"] = "С 1 декабря на улице Мира ямочный ремонт." });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(1, await Otklik.Tests.Analytics.InformingTests.SweepAsync(app));
        await app.DispatchMailAsync();

        var pushed = service.Requests.Skip(before).ToList();
        var message = JsonDocument.Parse(phone.Decrypt(Assert.Single(pushed, x => x.Path == "/push/phone").Body)).RootElement;
        Assert.Equal(("Ремонт улицы Мира", "С 1 декабря на улице Мира ямочный ремонт."), (message.GetProperty("title").GetString(), message.GetProperty("body").GetString()));
        Assert.DoesNotContain(pushed, x => x.Path == "/push/other");
        // No letter went: only push was chosen.
        Assert.Equal(1, await app.WithDbAsync(db => db.InformingRecipients.CountAsync()));
        var report = System.Text.RegularExpressions.Regex.Replace(await analyst.HtmlAsync("/office/analytics/informing"), "\\s+", " ");
        Assert.Contains(">push 1/0</td>", report);
    }

    /// <summary>
    /// Push failures after queueing reach the campaign's report (ADR 0049): a browser the push service no longer knows
    /// (410) is failed with the service's words; a push refused once (500) is failed, then delivered by the outbox's retry.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_push_refused_after_queueing_is_failed_in_the_campaign_report_with_why_and_a_retry_that_gets_through_is_delivered(Engine engine)
    {
        var (settings, _) = Configured();
        await using var app = await TestApp.StartAsync(engine, settings: settings);
        await using var service = new PushService();
        using var gone = new BrowserKeys();
        using var flaky = new BrowserKeys();
        var r = app.Region;
        await app.ClientAs(Persona.Applicant).PostJsonAsync("/api/v1/push/subscriptions", gone.Subscription(service.Root + "/gone/phone")).Expect(HttpStatusCode.OK);
        await app.ClientAs(Persona.OtherApplicant).PostJsonAsync("/api/v1/push/subscriptions", flaky.Subscription(service.Root + "/flaky/phone")).Expect(HttpStatusCode.OK);
        await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Яма у дома 3 по улице Мира, глубокая."));
        await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Яма у дома 5 по улице Мира, широкая."), Persona.OtherApplicant);
        // Only the campaign's pushes from here: the appeals' own steps are left unsent (the browser subscribed after them is kept).
        await app.WithDbAsync(db => db.Outbox.Where(m => m.ProcessedAtUtc == null).ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAtUtc, app.Clock.GetUtcNow().UtcDateTime)));

        var analyst = await Otklik.Tests.Workspace.Office.SignInAsync(app, Persona.CentreAnalyst);
        var fields = new Dictionary<string, string> { ["territoryId"] = r.TerritoryB.ToString(), ["channels"] = "push" };
        Assert.Equal(HttpStatusCode.Redirect, (await Otklik.Tests.Analytics.InformingTests.PostAsync(analyst, "?handler=send",
            new(fields) { ["subject"] = "Ремонт улицы Мира", ["text"] = "С 1 декабря на улице Мира ямочный ремонт." })).StatusCode);
        Assert.Equal(2, await Otklik.Tests.Analytics.InformingTests.SweepAsync(app));
        // Queued, not yet delivered: the report says it is still going.
        var report = System.Text.RegularExpressions.Regex.Replace(await analyst.HtmlAsync("/office/analytics/informing"), "\\s+", " ");
        Assert.Contains("отправляется: 0 из 2", report);

        await app.DispatchMailAsync();
        report = System.Text.RegularExpressions.Regex.Replace(await analyst.HtmlAsync("/office/analytics/informing"), "\\s+", " ");
        Assert.Contains(">push 0/2", report);
        Assert.Contains("Почему не доставлено", report);
        Assert.Contains("push: Служба push ответила 410: браузер больше не подписан, подписка удалена. — 1", report);
        Assert.Contains("push: Служба push ответила 500", report);

        // The outbox tries the refused one again a minute later: it gets through, and the report says delivered.
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await app.DispatchMailAsync();
        report = System.Text.RegularExpressions.Regex.Replace(await analyst.HtmlAsync("/office/analytics/informing"), "\\s+", " ");
        Assert.Contains(">push 1/1", report);
        Assert.Contains("<td>завершена</td>", report);
        Assert.DoesNotContain("push: Служба push ответила 500", report);
    }

    /// <summary>
    /// Every step the applicant is told of by letter (registered, clarification asked, rejected, redirected, extended,
    /// answered, reopened, closed, …) also becomes a push, titled as the portal's timeline names it: the list is read
    /// from the registry, so a new applicant letter type is covered or this test says which is not.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_step_the_applicant_gets_a_letter_of_is_also_pushed(Engine engine)
    {
        var (settings, _) = Configured();
        await using var app = await TestApp.StartAsync(engine, settings: settings);
        using var phone = new BrowserKeys();
        var appeal = await app.AppealInAsync(AppealStatus.Registered);
        await app.ClientAs(Persona.Applicant).PostJsonAsync("/api/v1/push/subscriptions", phone.Subscription("https://push.example/phone")).Expect(HttpStatusCode.OK);
        var letters = Otklik.Features.Mail.MessageTypes.All
            .Where(t => t.IsLetter && t.To.Any(a => a.Who == Otklik.Features.Mail.Recipient.Applicant)).ToList();
        Assert.True(letters.Count >= 15, $"Only {letters.Count} applicant letter types found.");

        var ids = new List<Guid>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var relay = scope.ServiceProvider.GetRequiredService<PushRelay>();
            foreach (var type in letters)
            {
                var message = OutboxMessage.Create(type, new { }, appeal.Id, app.Clock.GetUtcNow().UtcDateTime);
                ids.Add(message.Id);
                await relay.FanOutAsync(message, CancellationToken.None);
                // A retried letter never doubles its push.
                await relay.FanOutAsync(message, CancellationToken.None);
            }
        }
        var pushed = (await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Type == MessageTypes.PushNotification.Name && m.AppealId == appeal.Id).Select(m => m.Payload).ToListAsync()))
            .Select(p => JsonDocument.Parse(p).RootElement)
            .Where(p => ids.Contains(p.GetProperty("source").GetGuid()))
            .ToList();
        Assert.Equal(letters.Select(t => t.Title).Order(StringComparer.Ordinal), pushed.Select(p => p.GetProperty("body").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(pushed, p => Assert.Equal($"/my/{appeal.Number}", p.GetProperty("path").GetString()));
    }

    /// <summary>
    /// Alerts by web push (ADR 0039, issue 17 item 9): a follower with an account and «Уведомления в браузере» on gets a
    /// push for each alert letter, opening the appeal, once however often the letter is retried; turned off, the letter
    /// still goes and nothing is pushed.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_alert_letter_is_also_pushed_to_the_followers_browser_while_notifications_are_on(Engine engine)
    {
        MailBox.RequireSink();
        var (settings, publicKey) = Configured();
        await using var app = await TestApp.StartAsync(engine, settings: settings);
        await using var service = new PushService();
        using var phone = new BrowserKeys();
        var r = app.Region;
        var follower = app.ClientAs(Persona.OtherApplicant);
        await follower.PostJsonAsync("/api/v1/push/subscriptions", phone.Subscription(service.Root + "/push/follower")).Expect(HttpStatusCode.OK);
        using (var me = await FormSession.SignInAsync(app, Persona.OtherApplicant))
        {
            await me.GetAsync("/my/alerts");
            var follow = await me.PostAsync("/my/alerts?handler=territory", [new("TerritoryId", r.TerritoryA.ToString()), new("TopicId", "")]);
            Assert.Equal(HttpStatusCode.Redirect, follow.StatusCode);
        }
        var territory = await app.WithDbAsync(db => db.Territories.Where(t => t.Id == r.TerritoryA).Select(t => t.Name).SingleAsync());
        static Dictionary<string, object?> Pothole(TestRegion r, string text) => Samples.Pothole(r, TestRegion.InsideA, text).With("applicant",
            new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Иванова", ["firstName"] = "Мария", ["email"] = "maria@example.ru" });
        Task<int> SweepAsync() => app.WithDbAsync(db => Otklik.Features.Alerts.AlertSweep.RunOnceAsync(db,
            app.Services.GetRequiredService<Otklik.Features.Alerts.AlertTokens>(), app.Clock.GetUtcNow().UtcDateTime, default));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var answered = await app.AppealInAsync(AppealStatus.AnswerSent, Pothole(r, "Яма у школы, звоните +7 912 345-67-89."));
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(1, await SweepAsync());
        var letter = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Type == Otklik.Features.Mail.MessageTypes.AlertNews.Name));
        await app.DispatchMailAsync();

        var pushes = service.Requests.Where(r => r.Path == "/push/follower").Select(r => (Request: r, Json: JsonDocument.Parse(phone.Decrypt(r.Body)).RootElement)).ToList();
        var push = Assert.Single(pushes);
        Assert.Equal($"Новое по подписке: Территория «{territory}»", push.Json.GetProperty("title").GetString());
        Assert.Equal($"Дан ответ на обращение № {answered.Number}", push.Json.GetProperty("body").GetString());
        Assert.Equal($"/appeals/{answered.Number}", push.Json.GetProperty("url").GetString());
        CheckVapid(push.Request.Authorization, publicKey, service.Root, "mailto:support@otklik.example");
        // A retried letter never doubles its push.
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<PushRelay>().FanOutAsync(letter, CancellationToken.None);
        await app.DispatchMailAsync();
        Assert.Single(service.Requests, r => r.Path == "/push/follower");

        // Turned off: the next window's letter goes, no push.
        await follower.PutJsonAsync("/api/v1/push/settings", new { enabled = false }).Expect(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.AppealInAsync(AppealStatus.AnswerSent, Pothole(r, "Яма у магазина."));
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(1, await SweepAsync());
        await app.DispatchMailAsync();
        Assert.Equal(2, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == Otklik.Features.Mail.MessageTypes.AlertNews.Name && m.ProcessedAtUtc != null)));
        Assert.Single(service.Requests, r => r.Path == "/push/follower");
    }

    /// <summary>RFC 8292: <c>vapid t=JWT, k=public key</c>, the JWT signed with ES256 by the server's key, for the push service's origin.</summary>
    static void CheckVapid(string? authorization, string publicKey, string audience, string subject)
    {
        Assert.NotNull(authorization);
        Assert.StartsWith("vapid ", authorization, StringComparison.Ordinal);
        var parts = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .ToDictionary(p => p[..p.IndexOf('=', StringComparison.Ordinal)], p => p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        Assert.Equal(publicKey, parts["k"]);
        var jwt = parts["t"].Split('.');
        Assert.Equal(3, jwt.Length);
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt[0])).RootElement;
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt[1])).RootElement;
        Assert.Equal(audience, claims.GetProperty("aud").GetString());
        Assert.Equal(subject, claims.GetProperty("sub").GetString());
        Assert.True(claims.GetProperty("exp").GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var point = Base64Url.DecodeFromChars(publicKey);
        using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..65] } });
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(jwt[0] + "." + jwt[1]), Base64Url.DecodeFromChars(jwt[2]), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation), "The VAPID JWT is not signed by the server's public key.");
        // And not by any other key.
        var (otherKey, _) = WebPushKeys.Generate();
        var otherPoint = Base64Url.DecodeFromChars(otherKey);
        using var other = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = otherPoint[1..33], Y = otherPoint[33..65] } });
        Assert.False(other.VerifyData(Encoding.ASCII.GetBytes(jwt[0] + "." + jwt[1]), Base64Url.DecodeFromChars(jwt[2]), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_demo_makes_and_keeps_one_key_pair_and_production_never_does(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        WebPushKeys Keys(string environment, bool demo) => new(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Otklik:DemoSeed"] = demo ? "true" : "false" }).Build(),
            new HostEnvironment(environment), app.Services.GetRequiredService<IDataProtectionProvider>(), app.Services.GetRequiredService<PublicUrl>());

        Assert.Null(await app.WithDbAsync(db => Keys(Environments.Production, demo: true).GetAsync(db, now, CancellationToken.None)));
        Assert.Null(await app.WithDbAsync(db => Keys(Environments.Development, demo: false).GetAsync(db, now, CancellationToken.None)));
        Assert.Equal(0, await app.WithDbAsync(db => db.WebPushDemoKeys.CountAsync()));

        var first = await app.WithDbAsync(db => Keys(Environments.Development, demo: true).GetAsync(db, now, CancellationToken.None));
        var again = await app.WithDbAsync(db => Keys(Environments.Development, demo: true).GetAsync(db, now, CancellationToken.None));
        Assert.NotNull(first);
        Assert.Equal(first, again);
        var stored = await app.WithDbAsync(db => db.WebPushDemoKeys.AsNoTracking().SingleAsync());
        // The private key is not stored as it is.
        Assert.DoesNotContain(first.PrivateKey, stored.ProtectedPrivateKey, StringComparison.Ordinal);
        Assert.Equal(65, Base64Url.DecodeFromChars(first.PublicKey).Length);
    }

    sealed class HostEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Otklik";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
