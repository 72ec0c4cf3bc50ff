using System.Net;
using System.Text;
using System.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Features.Social;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Social;

/// <summary>
/// The VK community through the Callback API (issue 18.3, ADR 0023), against a local server that answers the VK API
/// methods as VK does; what Otklik sends back is read from that server's record.
/// </summary>
public sealed class VkCallbackTests(SocialApps apps) : IClassFixture<SocialApps>
{
    static int _ids = 5000;

    static FakeServer.Reply VkApi(FakeServer.Received r) => r.Path switch
    {
        "/method/messages.send" => FakeServer.Reply.Json("""{"response":101}"""),
        "/method/wall.createComment" => FakeServer.Reply.Json("""{"response":{"comment_id":77}}"""),
        _ => FakeServer.Reply.Json("""{"error":{"error_code":3,"error_msg":"Unknown method passed"}}"""),
    };

    static Task<HttpResponseMessage> PostAsync(TestApp app, string json) =>
        app.Anonymous().PostAsync("/api/v1/vk/callback", new StringContent(json, Encoding.UTF8, "application/json"));

    static string Event(string type, string obj, string secret = SocialApps.VkSecret) =>
        $$"""{"type":"{{type}}","event_id":"e{{Guid.NewGuid():N}}","v":"5.199","group_id":{{SocialApps.VkGroup}},"secret":"{{secret}}","object":{{obj}}}""";

    static async Task DriveToAnswerAsync(TestApp app, Guid id, string text)
    {
        var view = await app.GetAsync(id);
        // A message without a topic or a place has no route of its own: the moderator names the executor.
        if (view.ExecutorOrganisationId is null) view = await app.ActAsync(Persona.CentreModerator, view, "route", new { organisationId = app.Region.MunA });
        if (view.Status == AppealStatus.Moderation) view = await app.ActAsync(Persona.CentreModerator, view, "register");
        var (dispatcher, executor, controller) = Scenario.Staff(app, view);
        view = await app.ActAsync(dispatcher, view, "assign", new { personId = app.Region.IdOf(executor) });
        view = await app.ActAsync(executor, view, "start");
        view = await app.ActAsync(executor, view, "answer", new { text, result = "supportedMeasuresTaken" });
        view = await app.ActAsync(executor, view, "answer/submit");
        if (view.Status == AppealStatus.AnswerReview) await app.ActAsync(controller, view, "answer/approve");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_handshake_answers_the_confirmation_and_a_wrong_secret_or_group_is_refused(Engine engine)
    {
        var app = await apps.For(engine);
        var confirmation = await PostAsync(app, $$"""{"type":"confirmation","group_id":{{SocialApps.VkGroup}}}""").Expect(HttpStatusCode.OK);
        Assert.Equal(SocialApps.VkConfirmation, await confirmation.Content.ReadAsStringAsync());
        await PostAsync(app, """{"type":"confirmation","group_id":1}""").Expect(HttpStatusCode.Forbidden);

        var peer = Interlocked.Increment(ref _ids);
        var forged = Event("message_new", $$"""{"message":{"id":1,"date":1795000000,"peer_id":{{peer}},"from_id":{{peer}},"text":"Во дворе дома 5 по улице Мира третий день не вывозят мусор, баки переполнены."} }""", "wrong");
        var refused = await PostAsync(app, forged).Expect(HttpStatusCode.Forbidden);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.False(await app.WithDbAsync(db => db.ChannelThreads.AnyAsync(t => t.ReplyTo == peer.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        // An event the community does not handle is "ok" (VK would resend it) and noted.
        var ok = await PostAsync(app, Event("group_join", """{"user_id":1,"join_type":"join"}""")).Expect(HttpStatusCode.OK);
        Assert.Equal("ok", await ok.Content.ReadAsStringAsync());
        Assert.Contains("group_join", await app.WithDbAsync(db => db.ChannelStates.Where(s => s.Name == ChannelStates.Vk).Select(s => s.LastError).SingleAsync()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_message_and_a_wall_comment_become_appeals_once_and_are_answered_in_the_same_place(Engine engine)
    {
        var app = await apps.For(engine);
        apps.Far.Respond = VkApi;
        var (peer, msg, post, comment) = (Interlocked.Increment(ref _ids), Interlocked.Increment(ref _ids), Interlocked.Increment(ref _ids), Interlocked.Increment(ref _ids));
        var message = Event("message_new", $$"""
            {"message":{"id":{{msg}},"date":1795000000,"peer_id":{{peer}},"from_id":{{peer}},"text":"Во дворе дома 5 по улице Мира третий день не вывозят мусор, баки переполнены.","geo":{"type":"point","coordinates":{"latitude":56.85,"longitude":60.25} } },"client_info":{} }
            """);
        var wall = Event("wall_reply_new", $$"""
            {"id":{{comment}},"from_id":321,"date":1795000000,"text":"На остановке Площадь разбито стекло павильона, осколки на тротуаре.","post_owner_id":-{{SocialApps.VkGroup}},"post_id":{{post}} }
            """);

        foreach (var e in new[] { message, wall, message, wall })
            Assert.Equal("ok", await (await PostAsync(app, e).Expect(HttpStatusCode.OK)).Content.ReadAsStringAsync());

        var threads = await app.WithDbAsync(db => db.ChannelThreads.AsNoTracking()
            .Where(t => t.ExternalId == $"{peer}_{msg}" || t.ExternalId == $"-{SocialApps.VkGroup}_{post}_{comment}").ToListAsync());
        Assert.Equal(["vk-message", "vk-wall"], threads.Select(t => t.Network).Order());
        var ids = threads.Select(t => t.AppealId).ToList();
        var appeals = await app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync());
        Assert.All(appeals, a => Assert.Equal((Channel.SocialNetwork, LegalRegime.SocialIncident, AppealStatus.Moderation, ApplicantKind.Anonymous),
            (a.Channel, a.Regime, a.Status, a.Applicant.Kind)));
        Assert.Equal("id321", threads.Single(t => t.Network == "vk-wall").AuthorPublicId);

        foreach (var t in threads) await DriveToAnswerAsync(app, t.AppealId, t.Network == "vk-wall" ? "Стекло павильона заменено, осколки убраны." : "Мусор вывезен, график восстановлен.");
        await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync();

        var sent = apps.Far.To("/method/messages.send").Select(r => HttpUtility.ParseQueryString(r.Text))
            .Where(f => f["peer_id"] == peer.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(sent, f => f["message"]!.Contains("Мусор вывезен", StringComparison.Ordinal) && f["access_token"] == SocialApps.VkToken && f["v"] == "5.199");
        Assert.Contains(sent, f => f["message"]!.Contains("принято", StringComparison.Ordinal));
        var comments = apps.Far.To("/method/wall.createComment").Select(r => HttpUtility.ParseQueryString(r.Text))
            .Where(f => f["post_id"] == post.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var answer = Assert.Single(comments);
        Assert.Equal(($"-{SocialApps.VkGroup}", comment.ToString(System.Globalization.CultureInfo.InvariantCulture)), (answer["owner_id"], answer["reply_to_comment"]));
        Assert.Contains("Стекло павильона заменено, осколки убраны.", answer["message"], StringComparison.Ordinal);
        Assert.Equal(2, await app.WithDbAsync(db => db.ChannelThreads.CountAsync(t => ids.Contains(t.AppealId) && t.AnsweredInNetworkAtUtc != null)));
    }
}
