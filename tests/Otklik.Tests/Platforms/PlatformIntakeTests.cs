using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Features.Platforms;
using Otklik.Features.Webhooks;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Social;

namespace Otklik.Tests.Platforms;

/// <summary>
/// One far side (<see cref="FakeServer"/>: the platform's callback and the server its files lie on) and one app per
/// engine with the ПОС configured to call it back.
/// </summary>
public sealed class PlatformApps : IAsyncLifetime
{
    public const string Key = "pos-key-2026-secret";
    public const string CallbackSecret = "pos-callback-secret";

    readonly ConcurrentDictionary<Engine, Lazy<Task<TestApp>>> _apps = new();
    public FakeServer Far { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Far = await FakeServer.StartAsync();

    public Task<TestApp> For(Engine engine) => _apps.GetOrAdd(engine, e => new Lazy<Task<TestApp>>(() => TestApp.StartAsync(e, settings: new Dictionary<string, string?>
    {
        // The platform and its files live on this machine in the tests; in production only public addresses are called.
        ["Otklik:Social:AllowPrivateNetworks"] = "true",
        ["Otklik:Platforms:pos:Title"] = "ПОС «Госуслуги. Решаем вместе»",
        ["Otklik:Platforms:pos:Channel"] = "FederalPlatform",
        ["Otklik:Platforms:pos:Key"] = Key,
        ["Otklik:Platforms:pos:CallbackUrl"] = new Uri(Far.BaseAddress, "pos/callback").ToString(),
        ["Otklik:Platforms:pos:CallbackSecret"] = CallbackSecret,
    }))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps.Values.Where(a => a.IsValueCreated)) await (await app.Value).DisposeAsync();
        await Far.DisposeAsync();
    }
}

/// <summary>
/// The outside platforms' inbound API (issue 19 item 3, ADR 0043): a ПОС message becomes an appeal on the federal
/// platform's channel once, with its deadline and its files fetched; its statuses and the answer reach the platform's
/// callback (a real HTTP listener) through the outbox, signed, retried, each once and in order, and each is a line of the
/// appeal's history. Bad input is refused naming the field, and nothing is stored.
/// </summary>
public sealed class PlatformIntakeTests(PlatformApps apps) : IClassFixture<PlatformApps>
{
    static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

    static HttpClient Platform(TestApp app, string key = PlatformApps.Key)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Add(PlatformsApi.KeyHeader, key);
        return client;
    }

    static object Message(TestApp app, string id, object[]? attachments = null, string? text = null, object? applicant = null, DateTime? deadline = null) => new
    {
        messageId = id,
        deadlineAtUtc = deadline ?? TestApp.Start.UtcDateTime.AddDays(10),
        applicant = applicant ?? new { kind = "person", lastName = "Сидорова", firstName = "Анна", email = "anna.sidorova@example.ru", phone = "+79120000001" },
        text = text ?? "На улице Ленина у дома 12 глубокая яма на проезжей части, машины объезжают её по встречной полосе.",
        address = "ул. Ленина, 12", latitude = 56.85, longitude = 60.25, categoryId = app.Region.CityCategory, topicId = app.Region.PotholeTopic,
        attachments,
    };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_message_becomes_an_appeal_once_and_each_status_reaches_the_platform_signed_once_and_in_order(Engine engine)
    {
        var app = await apps.For(engine);
        var far = apps.Far;
        var id = "POS-" + Guid.NewGuid().ToString("N")[..10];
        var failFirst = 1;
        far.Respond = r => r.Path switch
        {
            "/files/yama.pdf" => new FakeServer.Reply(200, "application/pdf", Pdf),
            "/pos/callback" when r.Text.Contains(id, StringComparison.Ordinal) && Interlocked.Decrement(ref failFirst) >= 0 => FakeServer.Reply.Json("{\"error\":\"busy\"}", 503),
            _ => FakeServer.Reply.Json("{\"ok\":true}"),
        };
        var body = Message(app, id, [new { url = new Uri(far.BaseAddress, "files/yama.pdf").ToString(), fileName = "Фото ямы.pdf" }]);

        var created = await Platform(app).PostJsonAsync("/api/v1/platforms/pos/messages", body).Expect(HttpStatusCode.Created);
        var state = await created.ReadAsync<JsonElement>();
        var appealId = state.GetProperty("appealId").GetGuid();
        Assert.True(state.GetProperty("isNew").GetBoolean());
        Assert.Equal(TestApp.Start.UtcDateTime.AddDays(10), state.GetProperty("platformDeadlineAtUtc").GetDateTime().ToUniversalTime());

        // The platform sends it again (its bus retried): the same appeal, nothing new.
        var again = await (await Platform(app).PostJsonAsync("/api/v1/platforms/pos/messages", body).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(appealId, again.GetProperty("appealId").GetGuid());
        Assert.False(again.GetProperty("isNew").GetBoolean());
        Assert.Equal(1, await app.WithDbAsync(db => db.PlatformMessages.CountAsync(m => m.ExternalId == id)));

        var appeal = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == appealId));
        Assert.Equal((Channel.FederalPlatform, LegalRegime.PlatformMessage, "Сидорова", "pos:" + id), (appeal.Channel, appeal.Regime, appeal.Applicant.LastName, appeal.ChannelMessageId));
        var file = await app.WithDbAsync(db => db.Attachments.AsNoTracking().SingleAsync(f => f.AppealId == appealId));
        Assert.Equal(("application/pdf", "Фото ямы.pdf", (long)Pdf.Length), (file.ContentType, file.FileName, file.Size));
        Assert.Contains(await app.WithDbAsync(db => db.AppealEvents.AsNoTracking().Where(e => e.AppealId == appealId && e.Kind == EventKind.Exchanged).Select(e => e.Note).ToListAsync()),
            n => n!.Contains(id, StringComparison.Ordinal) && n.Contains("срок платформы", StringComparison.Ordinal));

        // The region registers and answers it.
        var a = await app.GetAsync(appealId);
        a = await app.ActAsync(Persona.CentreModerator, a, "register");
        var (dispatcher, executor, controller) = Scenario.Staff(app, a);
        a = await app.ActAsync(dispatcher, a, "assign", new { personId = app.Region.IdOf(executor) });
        a = await app.ActAsync(executor, a, "start");
        a = await app.ActAsync(executor, a, "answer", new { text = "Яма заделана 25 ноября, покрытие восстановлено.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(executor, a, "answer/submit");
        if (a.Status == AppealStatus.AnswerReview) a = await app.ActAsync(controller, a, "answer/approve");
        Assert.Equal(AppealStatus.AnswerSent, a.Status);

        // The outbox runs: the first status is refused once (503), so nothing after it may go before it is taken.
        var outbox = app.Services.GetRequiredService<OutboxDispatcher>();
        await outbox.RunOnceAsync();
        var link = await app.WithDbAsync(db => db.PlatformMessages.AsNoTracking().SingleAsync(m => m.ExternalId == id));
        Assert.Contains("503", link.LastError);
        for (var i = 0; i < 8 && await app.WithDbAsync(db => db.Outbox.AnyAsync(m => m.AppealId == appealId && m.Type == MessageTypes.PlatformStatus.Name && m.ProcessedAtUtc == null)); i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(10));
            await outbox.RunOnceAsync();
        }
        var statuses = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.AppealId == appealId && m.Type == MessageTypes.PlatformStatus.Name).ToListAsync());
        Assert.All(statuses, s => Assert.True(s.ProcessedAtUtc is not null && s.LastError is null || s.LastError!.StartsWith("Статус принят", StringComparison.Ordinal), s.LastError));

        var calls = far.To("/pos/callback").Where(c => c.Text.Contains(id, StringComparison.Ordinal)).ToList();
        var accepted = calls.Skip(1).Select(c => JsonDocument.Parse(c.Body).RootElement).ToList();
        var events = accepted.Select(c => c.GetProperty("event").GetString()).ToList();
        // Each once, in the order they happened (the refused first one went again before any other).
        Assert.Equal(events.Distinct(), events);
        Assert.Equal(MessageTypes.Received.Name, JsonDocument.Parse(calls[0].Body).RootElement.GetProperty("event").GetString());
        Assert.Equal([MessageTypes.Received.Name, MessageTypes.Registered.Name], events.Take(2));
        Assert.Equal(MessageTypes.Answered.Name, events[^1]);
        Assert.Equal(accepted.Select(c => c.GetProperty("sequence").GetInt64()).Order(), accepted.Select(c => c.GetProperty("sequence").GetInt64()));
        var answer = accepted[^1];
        Assert.Equal((id, a.Number, "Яма заделана 25 ноября, покрытие восстановлено."),
            (answer.GetProperty("messageId").GetString(), answer.GetProperty("appealNumber").GetString(), answer.GetProperty("answer").GetProperty("text").GetString()));
        // Signed like a webhook: the platform checks the signature and the time.
        foreach (var c in calls)
            Assert.True(WebhookSignature.Verify(PlatformApps.CallbackSecret, c.Headers[WebhookSignature.TimestampHeader], c.Text, c.Headers[WebhookSignature.SignatureHeader],
                app.Clock.GetUtcNow(), TimeSpan.FromHours(2)));

        // Every status the platform took is on the appeal's history.
        var notes = await app.WithDbAsync(db => db.AppealEvents.AsNoTracking().Where(e => e.AppealId == appealId && e.Kind == EventKind.Exchanged).Select(e => e.Note).ToListAsync());
        Assert.Equal(events.Count, notes.Count(n => n!.StartsWith("Платформе", StringComparison.Ordinal)));

        // Once more: nothing is sent again.
        app.Clock.Advance(TimeSpan.FromMinutes(30));
        await outbox.RunOnceAsync();
        Assert.Equal(calls.Count, far.To("/pos/callback").Count(c => c.Text.Contains(id, StringComparison.Ordinal)));

        // The bus reads where the message stands.
        var read = await (await Platform(app).GetAsync($"/api/v1/platforms/pos/messages/{id}").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal((a.Number, "answerSent"), (read.GetProperty("number").GetString(), read.GetProperty("status").GetString()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Bad_input_is_refused_naming_the_field_and_nothing_is_stored(Engine engine)
    {
        var app = await apps.For(engine);
        var far = apps.Far;
        far.Respond = r => r.Path switch
        {
            "/files/page.html" => new FakeServer.Reply(200, "application/pdf", Encoding.UTF8.GetBytes("<html><body>не PDF</body></html>")),
            "/files/missing.pdf" => FakeServer.Reply.Json("{}", 404),
            _ => FakeServer.Reply.Json("{\"ok\":true}"),
        };
        var id = "BAD-" + Guid.NewGuid().ToString("N")[..10];
        var files = await app.WithDbAsync(db => db.Attachments.CountAsync());

        async Task<JsonElement> Refused(HttpClient client, string path, object body, HttpStatusCode status, params string[] fields)
        {
            var response = await client.PostJsonAsync(path, body).Expect(status);
            var problem = await response.ProblemAsync();
            foreach (var field in fields) Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
            return problem;
        }

        await Refused(Platform(app, "wrong-key"), "/api/v1/platforms/pos/messages", Message(app, id), HttpStatusCode.Unauthorized, PlatformsApi.KeyHeader);
        await Refused(app.Anonymous(), "/api/v1/platforms/pos/messages", Message(app, id), HttpStatusCode.Unauthorized, PlatformsApi.KeyHeader);
        await Platform(app).PostJsonAsync("/api/v1/platforms/dobrodel/messages", Message(app, id)).Expect(HttpStatusCode.NotFound);
        await Refused(Platform(app), "/api/v1/platforms/pos/messages", Message(app, "", deadline: TestApp.Start.UtcDateTime.AddDays(-1)),
            HttpStatusCode.UnprocessableEntity, "messageId", "deadlineAtUtc");
        await Refused(Platform(app), "/api/v1/platforms/pos/messages", Message(app, id, text: "коротко"), HttpStatusCode.UnprocessableEntity, "text");
        // A ПОС message needs a way to reach the applicant.
        await Refused(Platform(app), "/api/v1/platforms/pos/messages", Message(app, id, applicant: new { kind = "person", lastName = "Сидорова" }),
            HttpStatusCode.UnprocessableEntity, "applicant.email");
        await Refused(Platform(app), "/api/v1/platforms/pos/messages", Message(app, id, [new { url = "ftp://files.example/a.pdf" }]),
            HttpStatusCode.UnprocessableEntity, "attachments[0].url");
        await Refused(Platform(app), "/api/v1/platforms/pos/messages",
            Message(app, id, [new { url = new Uri(far.BaseAddress, "files/missing.pdf").ToString() }, new { url = new Uri(far.BaseAddress, "files/page.html").ToString() }]),
            HttpStatusCode.UnprocessableEntity, "attachments[0].url", "attachments[1].url");

        Assert.False(await app.WithDbAsync(db => db.PlatformMessages.AnyAsync(m => m.ExternalId == id)));
        Assert.False(await app.WithDbAsync(db => db.Appeals.AnyAsync(a => a.ChannelMessageId == "pos:" + id)));
        Assert.Equal(files, await app.WithDbAsync(db => db.Attachments.CountAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_office_page_lists_the_platform_with_its_messages_and_last_error_for_the_region_administrator_only(Engine engine)
    {
        var app = await apps.For(engine);
        apps.Far.Respond = _ => FakeServer.Reply.Json("{\"ok\":true}");
        await Platform(app).PostJsonAsync("/api/v1/platforms/pos/messages", Message(app, "OK-" + Guid.NewGuid().ToString("N")[..10])).Expect(HttpStatusCode.Created);
        await Platform(app).PostJsonAsync("/api/v1/platforms/pos/messages", Message(app, "SHORT-1", text: "коротко")).Expect(HttpStatusCode.UnprocessableEntity);

        using var admin = await FormSession.SignInAsync(app, Persona.RegionAdmin);
        Assert.Contains("/office/admin/platforms", await admin.GetAsync("/office/admin"));
        var page = System.Net.WebUtility.HtmlDecode(await admin.GetAsync("/office/admin/platforms"));
        Assert.Contains("ПОС «Госуслуги. Решаем вместе»", page);
        Assert.Contains(new Uri(apps.Far.BaseAddress, "pos/callback").ToString(), page);
        Assert.Matches("отклонено: [1-9]", page);
        Assert.Contains("field-error", page);
        var messages = await app.WithDbAsync(db => db.PlatformMessages.CountAsync(m => m.Platform == "pos"));
        Assert.Contains($"<td>{messages} ", page);

        using var munAdmin = await FormSession.SignInAsync(app, Persona.MunBAdmin);
        Assert.NotEqual(HttpStatusCode.OK, (await munAdmin.GetRawAsync("/office/admin/platforms")).StatusCode);
    }
}
