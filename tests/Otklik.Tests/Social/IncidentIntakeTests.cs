using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Identity;
using Otklik.Features.Mail;
using Otklik.Features.Social;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Social;

/// <summary>
/// Social-network incidents (issue 18.4, ADR 0022): a collector with a key of the incidents scope posts a batch; each post
/// is an anonymous incident in moderation with its hour clock running; the same post again finds its appeal; the answer
/// goes back to the collector's callback (a real HTTP server here) through the outbox, retried, and the appeal records it.
/// </summary>
public sealed class IncidentIntakeTests(SocialApps apps) : IClassFixture<SocialApps>
{
    static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
    static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1];

    static async Task<HttpClient> CollectorAsync(TestApp app, string scope = ApiScopes.Incidents)
    {
        var secret = "otk_collector_" + Guid.NewGuid().ToString("N");
        await app.WithDbAsync(async db =>
        {
            db.ApiKeys.Add(ApiKeys.Create(app.Region.IdOf(Persona.CentreOperator), "Сборщик «Инцидент»", TestApp.Start.UtcDateTime, secret, scope).Entity);
            await db.SaveChangesAsync();
        });
        return app.ClientWithKey(secret);
    }

    static object Post(TestApp app, string postId, object[]? photos = null, string? text = null) => new
    {
        network = "vk", postId, url = $"https://vk.com/wall-58812_{postId}", authorPublicId = "id1234567",
        text = text ?? "На улице Ленина у дома 12 открытый канализационный люк, вечером там темно, кто-то может упасть.",
        address = "ул. Ленина, 12", latitude = 56.85, longitude = 60.25, categoryId = app.Region.CityCategory, topicId = app.Region.PotholeTopic,
        photos,
    };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_batch_becomes_incidents_in_moderation_once_and_the_answer_reaches_the_collector_through_the_outbox(Engine engine)
    {
        var app = await apps.For(engine);
        var far = apps.Far;
        var collector = await CollectorAsync(app);
        var callbackFailures = 1;
        far.Respond = r => r.Path switch
        {
            "/photos/luk.jpg" => new FakeServer.Reply(200, "image/jpeg", Jpeg),
            "/collector/answers" when Interlocked.Decrement(ref callbackFailures) >= 0 => FakeServer.Reply.Json("{\"error\":\"busy\"}", 503),
            _ => FakeServer.Reply.Json("{\"ok\":true}"),
        };
        var (first, second) = ($"p{Guid.NewGuid():N}"[..12], $"p{Guid.NewGuid():N}"[..12]);
        var batch = new
        {
            callbackUrl = new Uri(far.BaseAddress, "collector/answers").ToString(),
            posts = new[]
            {
                Post(app, first, [new { url = new Uri(far.BaseAddress, "photos/luk.jpg").ToString() }]),
                Post(app, second, [new { contentBase64 = Convert.ToBase64String(Png), fileName = "screen.png" }]),
            },
        };

        var response = await collector.PostJsonAsync("/api/v1/incidents/posts", batch).Expect(HttpStatusCode.OK);
        var results = (await response.ReadAsync<JsonElement>()).GetProperty("posts").EnumerateArray().ToList();
        Assert.Equal([true, true], results.Select(r => r.GetProperty("isNew").GetBoolean()));
        var ids = results.Select(r => r.GetProperty("appealId").GetGuid()).ToList();

        // The same batch again (a collector's retry) finds the same appeals and stores nothing new.
        var again = await (await collector.PostJsonAsync("/api/v1/incidents/posts", batch).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(ids, again.GetProperty("posts").EnumerateArray().Select(r => r.GetProperty("appealId").GetGuid()));
        Assert.All(again.GetProperty("posts").EnumerateArray(), r => Assert.False(r.GetProperty("isNew").GetBoolean()));

        var appeals = await app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync());
        Assert.Equal(2, appeals.Count);
        foreach (var a in appeals)
        {
            Assert.Equal((LegalRegime.SocialIncident, Channel.SocialNetwork, AppealStatus.Moderation, false, ApplicantKind.Anonymous),
                (a.Regime, a.Channel, a.Status, a.IsPublic, a.Applicant.Kind));
            Assert.Null(a.Applicant.LastName);
            // The incident's hour clock runs from intake, round the clock: moderation within the hour.
            Assert.Equal(a.ReceivedAtUtc.AddHours(1), a.ModerationDueAtUtc);
        }
        var files = await app.WithDbAsync(db => db.Attachments.AsNoTracking().Where(f => ids.Contains(f.AppealId!.Value)).ToListAsync());
        Assert.Equal(2, files.Count);
        Assert.Equal(["image/jpeg", "image/png"], files.OrderBy(f => f.ContentType).Select(f => f.ContentType));
        var thread = await app.WithDbAsync(db => db.ChannelThreads.AsNoTracking().SingleAsync(t => t.AppealId == ids[0]));
        Assert.Equal(("vk", first, "id1234567"), (thread.Network, thread.ExternalId, thread.AuthorPublicId));

        // The centre answers the first incident; the outbox takes the answer to the collector, which is busy the first time.
        var a0 = await app.GetAsync(ids[0]);
        a0 = await app.ActAsync(Persona.CentreModerator, a0, "register");
        var (dispatcher, executor, controller) = Scenario.Staff(app, a0);
        a0 = await app.ActAsync(dispatcher, a0, "assign", new { personId = app.Region.IdOf(executor) });
        a0 = await app.ActAsync(executor, a0, "start");
        a0 = await app.ActAsync(executor, a0, "answer", new { text = "Люк закрыт аварийной службой, крышка заменена.", result = "supportedMeasuresTaken" });
        a0 = await app.ActAsync(executor, a0, "answer/submit");
        if (a0.Status == AppealStatus.AnswerReview) a0 = await app.ActAsync(controller, a0, "answer/approve");
        Assert.Equal(AppealStatus.AnswerSent, a0.Status);

        var outbox = app.Services.GetRequiredService<OutboxDispatcher>();
        await outbox.RunOnceAsync();
        var failed = await app.WithDbAsync(db => db.ChannelThreads.AsNoTracking().SingleAsync(t => t.AppealId == ids[0]));
        Assert.Null(failed.AnsweredInNetworkAtUtc);
        Assert.Contains("503", failed.LastError);
        var reply = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.AppealId == ids[0] && m.Type == MessageTypes.ChannelReply.Name));
        Assert.Null(reply.ProcessedAtUtc);

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await outbox.RunOnceAsync();
        var answered = await app.WithDbAsync(db => db.ChannelThreads.AsNoTracking().SingleAsync(t => t.AppealId == ids[0]));
        Assert.NotNull(answered.AnsweredInNetworkAtUtc);
        Assert.Null(answered.LastError);
        Assert.True(await app.WithDbAsync(db => db.AppealEvents.AnyAsync(e => e.AppealId == ids[0] && e.Kind == EventKind.AnsweredInNetwork)));

        var calls = far.To("/collector/answers").Where(c => c.Text.Contains(first, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, calls.Count);
        var body = JsonDocument.Parse(calls[1].Body).RootElement;
        Assert.Equal((first, a0.Number, "answered"), (body.GetProperty("postId").GetString(), body.GetProperty("appealNumber").GetString(), body.GetProperty("status").GetString()));
        Assert.Equal("Люк закрыт аварийной службой, крышка заменена.", body.GetProperty("answer").GetString());
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SocialApps.CallbackSecret), calls[1].Body));
        Assert.Equal(expected, calls[1].Headers["X-Otklik-Signature"]);

        // Once more: nothing is sent again.
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await outbox.RunOnceAsync();
        Assert.Equal(2, far.To("/collector/answers").Count(c => c.Text.Contains(first, StringComparison.Ordinal)));
        Assert.DoesNotContain(far.To("/collector/answers"), c => c.Text.Contains(second, StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_batch_with_one_bad_post_is_refused_whole_naming_the_post_and_nothing_is_stored(Engine engine)
    {
        var app = await apps.For(engine);
        apps.Far.Respond = r => r.Path == "/photos/missing.jpg" ? FakeServer.Reply.Json("{}", 404) : FakeServer.Reply.Json("{}");
        var collector = await CollectorAsync(app);
        var (good, bad, noPhoto) = ($"g{Guid.NewGuid():N}"[..12], $"b{Guid.NewGuid():N}"[..12], $"n{Guid.NewGuid():N}"[..12]);
        var callback = new Uri(apps.Far.BaseAddress, "collector/answers").ToString();

        var response = await collector.PostJsonAsync("/api/v1/incidents/posts", new
        {
            callbackUrl = callback,
            posts = new[] { Post(app, good), Post(app, bad, text: "коротко"), Post(app, noPhoto, [new { url = new Uri(apps.Far.BaseAddress, "photos/missing.jpg").ToString() }]) },
        }).Expect(HttpStatusCode.UnprocessableEntity);
        var problem = await response.ProblemAsync();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("posts[1].text", out _), problem.ToString());
        Assert.True(errors.TryGetProperty("posts[2].photos[0]", out _), problem.ToString());
        Assert.False(errors.TryGetProperty("posts[0].text", out _));
        Assert.False(await app.WithDbAsync(db => db.ChannelThreads.AnyAsync(t => t.ExternalId == good || t.ExternalId == bad || t.ExternalId == noPhoto)));
        Assert.False(await app.WithDbAsync(db => db.Appeals.AnyAsync(a => a.ChannelMessageId == "vk:" + good)));

        // Personal data beyond the author's public id is refused, not silently dropped.
        var named = await collector.PostJsonAsync("/api/v1/incidents/posts", new
        {
            callbackUrl = callback,
            posts = new object[] { new { network = "vk", postId = good, authorPublicId = "id1", authorName = "Иван Петров", text = "Открытый люк на улице Ленина у дома 12, опасно." } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, named.StatusCode);
        Assert.Equal("application/problem+json", named.Content.Headers.ContentType?.MediaType);
        Assert.False(await app.WithDbAsync(db => db.ChannelThreads.AnyAsync(t => t.ExternalId == good)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Only_a_key_of_the_incidents_scope_posts_incidents_and_it_opens_nothing_else(Engine engine)
    {
        var app = await apps.For(engine);
        var body = new { callbackUrl = "https://collector.example/answers", posts = new[] { Post(app, "x" + Guid.NewGuid().ToString("N")[..8]) } };

        // A staff member's own key (an operator may key in any channel) is not a collector's.
        await app.ClientAs(Persona.CentreOperator).PostJsonAsync("/api/v1/incidents/posts", body).Expect(HttpStatusCode.Forbidden);
        await app.Anonymous().PostJsonAsync("/api/v1/incidents/posts", body).Expect(HttpStatusCode.Unauthorized);
        // The collector's key reads no appeal and submits none the ordinary way, though its person is an operator.
        var collector = await CollectorAsync(app);
        await collector.GetAsync("/api/v1/queues/counters").Expect(HttpStatusCode.Unauthorized);
        // On an endpoint open to anyone it is nobody: the hotline channel, an operator's, is refused to it.
        await collector.PostJsonAsync("/api/v1/appeals", Samples.Pothole(app.Region).With("channel", "hotline")).Expect(HttpStatusCode.Conflict);
        // A key of another scope is refused here too.
        var telephony = await CollectorAsync(app, ApiScopes.Telephony);
        await telephony.PostJsonAsync("/api/v1/incidents/posts", body).Expect(HttpStatusCode.Unauthorized);
    }
}
