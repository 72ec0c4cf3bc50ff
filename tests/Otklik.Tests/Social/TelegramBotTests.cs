using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Features.Social;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Social;

/// <summary>
/// The Telegram bot (issue 18.2, ADR 0023) in webhook mode against a local server that answers the Bot API as Telegram
/// does: what the bot sends is read back from that server's record of requests.
/// </summary>
public sealed class TelegramBotTests(SocialApps apps) : IClassFixture<SocialApps>
{
    static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
    const string Api = "/bot" + SocialApps.BotToken;
    static int _updates = 1000;
    static int _messages;

    /// <summary>Answers the Bot API methods the bot calls, as Telegram does (<c>{"ok":true,"result":…}</c>).</summary>
    static FakeServer.Reply BotApi(FakeServer.Received r)
    {
        if (r.Path == "/file" + Api + "/photos/file_7.jpg") return new(200, "image/jpeg", Jpeg);
        var method = r.Path.StartsWith(Api + "/", StringComparison.Ordinal) ? r.Path[(Api.Length + 1)..] : "";
        return method switch
        {
            "sendMessage" => FakeServer.Reply.Json($$"""{"ok":true,"result":{"message_id":{{Interlocked.Increment(ref _messages)}},"date":1795000000,"chat":{"id":{{ChatOf(r)}},"type":"private"},"text":"ok"} }"""),
            "answerCallbackQuery" => FakeServer.Reply.Json("""{"ok":true,"result":true}"""),
            "getFile" => FakeServer.Reply.Json("""{"ok":true,"result":{"file_id":"F1","file_unique_id":"U1","file_size":20,"file_path":"photos/file_7.jpg"}}"""),
            _ => FakeServer.Reply.Json("""{"ok":false,"error_code":404,"description":"Not Found"}""", 404),
        };
    }

    static long ChatOf(FakeServer.Received r) =>
        r.ContentType.StartsWith("application/json", StringComparison.Ordinal) && JsonDocument.Parse(r.Body).RootElement.TryGetProperty("chat_id", out var c) ? c.GetInt64() : 0;

    static List<JsonElement> SentTo(long chat) => [.. apps_Far!.To(Api + "/sendMessage").Select(r => JsonDocument.Parse(r.Body).RootElement)
        .Where(b => b.GetProperty("chat_id").GetInt64() == chat)];

    static FakeServer? apps_Far;

    static string From(long chat) => $$"""{"id":{{chat}},"is_bot":false,"first_name":"Анна","last_name":"Орлова","username":"anna_o"}""";

    static string Message(long chat, string body) =>
        $$"""{"update_id":{{Interlocked.Increment(ref _updates)}},"message":{"message_id":{{Interlocked.Increment(ref _messages)}},"date":1795000000,"chat":{"id":{{chat}},"type":"private"},"from":{{From(chat)}},{{body}} } }""";

    static string Button(long chat, string data, int? updateId = null) =>
        $$"""{"update_id":{{updateId ?? Interlocked.Increment(ref _updates)}},"callback_query":{"id":"cq{{Guid.NewGuid():N}}","from":{{From(chat)}},"chat_instance":"ci","data":"{{data}}","message":{"message_id":3,"date":1795000000,"chat":{"id":{{chat}},"type":"private"},"text":"…"} } }""";

    static async Task<HttpResponseMessage> PostAsync(TestApp app, string update, string? secret = SocialApps.BotSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/telegram/webhook") { Content = new StringContent(update, Encoding.UTF8, "application/json") };
        if (secret is not null) request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        return await app.Anonymous().SendAsync(request);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_person_writes_an_appeal_in_the_chat_gets_its_number_the_answer_and_rates_it(Engine engine)
    {
        var app = await apps.For(engine);
        apps_Far = apps.Far;
        apps.Far.Respond = BotApi;
        var chat = Random.Shared.NextInt64(100_000, 999_999_999);

        await PostAsync(app, Message(chat, "\"text\":\"/start\"")).Expect(HttpStatusCode.OK);
        var welcome = SentTo(chat);
        Assert.Contains($"topic:{app.Region.PotholeTopic:N}", welcome[0].GetProperty("reply_markup").ToString());
        Assert.Contains("request_contact", welcome[1].GetProperty("reply_markup").ToString());

        // A word finds the topic among the buttons.
        await PostAsync(app, Message(chat, "\"text\":\"ямы\"")).Expect(HttpStatusCode.OK);
        var found = SentTo(chat)[^1].GetProperty("reply_markup").ToString();
        Assert.Contains($"topic:{app.Region.PotholeTopic:N}", found);
        Assert.DoesNotContain($"topic:{app.Region.HousingTopic:N}", found);

        await PostAsync(app, Button(chat, $"topic:{app.Region.PotholeTopic:N}")).Expect(HttpStatusCode.OK);
        await PostAsync(app, Message(chat, "\"text\":\"Глубокая яма на улице Ленина у дома 12, машины объезжают по встречной.\"")).Expect(HttpStatusCode.OK);
        await PostAsync(app, Message(chat, "\"photo\":[{\"file_id\":\"F0\",\"file_unique_id\":\"U0\",\"width\":90,\"height\":90},{\"file_id\":\"F1\",\"file_unique_id\":\"U1\",\"width\":800,\"height\":600}]")).Expect(HttpStatusCode.OK);
        await PostAsync(app, Message(chat, "\"location\":{\"latitude\":56.85,\"longitude\":60.25}")).Expect(HttpStatusCode.OK);
        await PostAsync(app, Message(chat, $$"""
            "contact":{"phone_number":"79120000001","first_name":"Анна","user_id":{{chat}} }
            """)).Expect(HttpStatusCode.OK);
        Assert.Contains(apps.Far.To(Api + "/getFile"), r => r.Text.Contains("F1", StringComparison.Ordinal));

        var sendUpdate = Interlocked.Increment(ref _updates);
        await PostAsync(app, Button(chat, "send", sendUpdate)).Expect(HttpStatusCode.OK);
        // Telegram delivers an update again when it missed our answer: the same appeal, not a second one.
        await PostAsync(app, Button(chat, "send", sendUpdate)).Expect(HttpStatusCode.OK);
        var appeals = await app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => a.ChannelMessageId == $"tg:{sendUpdate}").ToListAsync());
        var appeal = Assert.Single(appeals);
        Assert.Equal((Channel.Telegram, AppealStatus.Moderation, "Орлова", "+79120000001", 56.85), (appeal.Channel, appeal.Status, appeal.Applicant.LastName, appeal.Applicant.Phone, appeal.Latitude));
        Assert.Equal(1, await app.WithDbAsync(db => db.Attachments.CountAsync(f => f.AppealId == appeal.Id)));

        // The receipt reaches the chat through the outbox, with the number.
        var outbox = app.Services.GetRequiredService<OutboxDispatcher>();
        await outbox.RunOnceAsync();
        Assert.Contains(SentTo(chat), m => m.GetProperty("text").GetString()!.Contains($"№ {appeal.Number} принято", StringComparison.Ordinal));

        // The answer comes to the chat with rating buttons; a tap on five stars closes the appeal.
        var view = await app.GetAsync(appeal.Id);
        view = await app.ActAsync(Persona.CentreModerator, view, "register");
        await outbox.RunOnceAsync();
        Assert.Contains(SentTo(chat), m => m.GetProperty("text").GetString()!.Contains("зарегистрировано. Срок ответа — до", StringComparison.Ordinal));
        var (dispatcher, executor, controller) = Scenario.Staff(app, view);
        view = await app.ActAsync(dispatcher, view, "assign", new { personId = app.Region.IdOf(executor) });
        view = await app.ActAsync(executor, view, "start");
        view = await app.ActAsync(executor, view, "answer", new { text = "Яма заделана 24 ноября.", result = "supportedMeasuresTaken" });
        view = await app.ActAsync(executor, view, "answer/submit");
        if (view.Status == AppealStatus.AnswerReview) view = await app.ActAsync(controller, view, "answer/approve");
        await outbox.RunOnceAsync();
        var answer = SentTo(chat).Last(m => m.GetProperty("text").GetString()!.Contains("Яма заделана 24 ноября.", StringComparison.Ordinal));
        Assert.Contains($"rate:{appeal.Id:N}:5", answer.GetProperty("reply_markup").ToString());
        Assert.True(await app.WithDbAsync(db => db.AppealEvents.AnyAsync(e => e.AppealId == appeal.Id && e.Kind == EventKind.AnsweredInNetwork)));

        await PostAsync(app, Button(chat, $"rate:{appeal.Id:N}:5")).Expect(HttpStatusCode.OK);
        var rated = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == appeal.Id));
        Assert.Equal((AppealStatus.Closed, (int?)5), (rated.Status, rated.Rating));
        // Another chat cannot rate it.
        Assert.DoesNotContain(SentTo(chat + 1), _ => true);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_portal_account_is_linked_by_a_one_time_code_from_my_page_and_the_chats_appeal_is_theirs(Engine engine)
    {
        var app = await apps.For(engine);
        apps_Far = apps.Far;
        apps.Far.Respond = BotApi;
        var chat = Random.Shared.NextInt64(100_000, 999_999_999);

        using var session = await FormSession.SignInAsync(app, Persona.Applicant);
        await session.GetAsync("/my/telegram");
        var page = await (await session.PostAsync("/my/telegram", [])).Content.ReadAsStringAsync();
        var code = System.Text.RegularExpressions.Regex.Match(page, @"/link (\d{8})").Groups[1].Value;
        Assert.Equal(8, code.Length);

        await PostAsync(app, Message(chat, $"\"text\":\"/link {code}\"")).Expect(HttpStatusCode.OK);
        Assert.Equal(app.Region.IdOf(Persona.Applicant), await app.WithDbAsync(db => db.TelegramChats.Where(c => c.ChatId == chat).Select(c => c.PersonId).SingleAsync()));
        // The code is spent: another chat cannot use it.
        await PostAsync(app, Message(chat + 1, $"\"text\":\"/link {code}\"")).Expect(HttpStatusCode.OK);
        Assert.Null(await app.WithDbAsync(db => db.TelegramChats.Where(c => c.ChatId == chat + 1).Select(c => c.PersonId).SingleOrDefaultAsync()));
        Assert.Contains(SentTo(chat + 1), m => m.GetProperty("text").GetString()!.Contains("не подошёл", StringComparison.Ordinal));

        await PostAsync(app, Message(chat, "\"text\":\"/start\"")).Expect(HttpStatusCode.OK);
        await PostAsync(app, Button(chat, $"topic:{app.Region.PotholeTopic:N}")).Expect(HttpStatusCode.OK);
        await PostAsync(app, Message(chat, "\"text\":\"Яма во дворе дома 3 на улице Школьной, после дождя не пройти.\"")).Expect(HttpStatusCode.OK);
        var send = Interlocked.Increment(ref _updates);
        await PostAsync(app, Button(chat, "send", send)).Expect(HttpStatusCode.OK);
        var appeal = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.ChannelMessageId == $"tg:{send}"));
        Assert.Equal(app.Region.IdOf(Persona.Applicant), appeal.ApplicantUserId);
    }

    /// <summary>
    /// Targeted informing by Telegram (issue 20.6, ADR 0045): the followers of a known problem who linked their chat on
    /// /my/telegram get the message through the outbox; a chat that blocked the bot is reported failed on its channel.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_targeted_message_reaches_the_linked_chats_of_a_known_problems_followers_and_a_blocked_chat_is_reported_failed(Engine engine)
    {
        var app = await apps.For(engine);
        apps_Far = apps.Far;
        var r = app.Region;
        var (mine, blocked) = (Random.Shared.NextInt64(100_000, 999_999_999), Random.Shared.NextInt64(100_000, 999_999_999));
        apps.Far.Respond = BotApi;
        async Task Link(Persona who, long chat)
        {
            using var session = await FormSession.SignInAsync(app, who);
            await session.GetAsync("/my/telegram");
            var code = System.Text.RegularExpressions.Regex.Match(await (await session.PostAsync("/my/telegram", [])).Content.ReadAsStringAsync(), @"/link (\d{8})").Groups[1].Value;
            await PostAsync(app, Message(chat, $"\"text\":\"/link {code}\"")).Expect(HttpStatusCode.OK);
        }
        await Link(Persona.Applicant, mine);
        await Link(Persona.OtherApplicant, blocked);
        // Then the other applicant blocks the bot.
        apps.Far.Respond = q => ChatOf(q) == blocked
            ? FakeServer.Reply.Json("""{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""", 403) : BotApi(q);
        var first = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Провал асфальта у дома 4 по улице Садовой."));
        var second = await app.SubmitAsync(Samples.Pothole(r, TestRegion.InsideB, "Провал асфальта у дома 6 по улице Садовой."), Persona.OtherApplicant);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var cause = await app.WithDbAsync(async db =>
        {
            var c = Otklik.Features.Analytics.RootCause.Create("Провалы на улице Садовой", null, r.PotholeTopic, r.TerritoryB, r.Region, null, r.IdOf(Persona.CentreAnalyst), now);
            c.Link(first.Id, false, now);
            c.Link(second.Id, false, now);
            db.RootCauses.Add(c);
            await db.SaveChangesAsync();
            return c.Id;
        });
        await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync();   // the appeals' own receipts first

        var analyst = await Otklik.Tests.Workspace.Office.SignInAsync(app, Persona.CentreAnalyst);
        var fields = new Dictionary<string, string> { ["rootCauseId"] = cause.ToString(), ["channels"] = "telegram" };
        var preview = await (await Otklik.Tests.Analytics.InformingTests.PostAsync(analyst, "?handler=preview", fields)).Content.ReadAsStringAsync();
        Assert.Contains("Telegram <strong data-count=\"telegram\">2</strong>", preview);
        var sent = await Otklik.Tests.Analytics.InformingTests.PostAsync(analyst, "?handler=send",
            new(fields) { ["subject"] = "Улица Садовая", ["text"] = "Провалы на улице Садовой заделают до 10 декабря." });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(2, await Otklik.Tests.Analytics.InformingTests.SweepAsync(app));
        var campaign = await app.WithDbAsync(db => db.InformingCampaigns.AsNoTracking().Include(c => c.Recipients).SingleAsync(c => c.Subject == "Улица Садовая"));
        Assert.All(campaign.Recipients, x => Assert.Equal((Otklik.Features.Analytics.InformingChannel.Telegram, Otklik.Features.Analytics.InformingState.Queued), (x.Channel, x.State)));
        Assert.Null(campaign.FinishedAtUtc);
        await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync();

        var toMine = campaign.Recipients.Single(x => x.PersonId == r.IdOf(Persona.Applicant)).ChatId!.Value;
        Assert.Contains(SentTo(toMine), m => m.GetProperty("text").GetString()!.Contains("Провалы на улице Садовой заделают до 10 декабря.", StringComparison.Ordinal));
        var settled = await app.WithDbAsync(db => db.InformingRecipients.AsNoTracking().Where(x => x.CampaignId == campaign.Id).ToListAsync());
        Assert.Equal(Otklik.Features.Analytics.InformingState.Sent, settled.Single(x => x.ChatId == toMine).State);
        var failed = settled.Single(x => x.PersonId == r.IdOf(Persona.OtherApplicant));
        Assert.Equal((Otklik.Features.Analytics.InformingState.Failed, blocked), (failed.State, failed.ChatId!.Value));
        Assert.Contains("blocked", failed.Error);
        var report = System.Text.RegularExpressions.Regex.Replace(await analyst.GetStringAsync("/office/analytics/informing"), "\\s+", " ");
        // The campaign's channels cell: sent/failed per channel, then why the failed ones were not delivered.
        Assert.Matches("data-channels=\"[^\"]+\">Telegram 1/1(<| )", report);
        apps.Far.Respond = BotApi;
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_wrong_secret_is_refused_and_an_unknown_update_is_ignored_cleanly(Engine engine)
    {
        var app = await apps.For(engine);
        apps_Far = apps.Far;
        apps.Far.Respond = BotApi;
        var chat = Random.Shared.NextInt64(100_000, 999_999_999);

        var wrong = await PostAsync(app, Message(chat, "\"text\":\"/start\""), "not-the-secret").Expect(HttpStatusCode.Unauthorized);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        await PostAsync(app, Message(chat, "\"text\":\"/start\""), null).Expect(HttpStatusCode.Unauthorized);
        Assert.False(await app.WithDbAsync(db => db.TelegramChats.AnyAsync(c => c.ChatId == chat)));
        Assert.Empty(SentTo(chat));

        var refusedBefore = await app.WithDbAsync(db => db.ChannelStates.Where(s => s.Name == ChannelStates.Telegram).Select(s => s.Refused).SingleOrDefaultAsync());
        // A poll update: a kind the bot does not handle. 200 (Telegram would resend it forever), nothing stored, noted for the administrator.
        await PostAsync(app, $$"""{"update_id":{{Interlocked.Increment(ref _updates)}},"poll":{"id":"p1","question":"?","options":[],"total_voter_count":0,"is_closed":false,"is_anonymous":true,"type":"regular","allows_multiple_answers":false} }""")
            .Expect(HttpStatusCode.OK);
        await PostAsync(app, "{ not json").Expect(HttpStatusCode.BadRequest);
        var state = await app.WithDbAsync(db => db.ChannelStates.AsNoTracking().SingleAsync(s => s.Name == ChannelStates.Telegram));
        Assert.Equal(refusedBefore + 2, state.Refused);
        Assert.NotNull(state.LastError);

        // The next update is processed as usual.
        await PostAsync(app, Message(chat, "\"text\":\"/start\"")).Expect(HttpStatusCode.OK);
        Assert.NotEmpty(SentTo(chat));
    }

    /// <summary>Writes an appeal through the chat and returns it (the bot's steps, as in the first test).</summary>
    static async Task<Appeal> AppealFromChatAsync(TestApp app, long chat)
    {
        await PostAsync(app, Message(chat, "\"text\":\"/start\"")).Expect(HttpStatusCode.OK);
        await PostAsync(app, Button(chat, $"topic:{app.Region.PotholeTopic:N}")).Expect(HttpStatusCode.OK);
        await PostAsync(app, Message(chat, "\"text\":\"Яма во дворе дома 3 по улице Мира, глубиной по колено.\"")).Expect(HttpStatusCode.OK);
        await PostAsync(app, Message(chat, $$"""
            "contact":{"phone_number":"79120000002","first_name":"Анна","user_id":{{chat}} }
            """)).Expect(HttpStatusCode.OK);
        var send = Interlocked.Increment(ref _updates);
        await PostAsync(app, Button(chat, "send", send)).Expect(HttpStatusCode.OK);
        return await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.ChannelMessageId == $"tg:{send}"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_failing_Bot_API_tells_the_administrator_once_per_outage_and_the_reply_arrives_once_when_it_is_back(Engine engine)
    {
        var app = await apps.For(engine);
        apps_Far = apps.Far;
        apps.Far.Respond = BotApi;
        var outbox = app.Services.GetRequiredService<OutboxDispatcher>();
        await outbox.RunOnceAsync(); // what earlier tests left
        var chat = Random.Shared.NextInt64(100_000, 999_999_999);
        var appeal = await AppealFromChatAsync(app, chat);
        var noticesBefore = await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == "channel.failed" && m.Payload.Contains("\"telegram\"")));

        // Telegram is down: every sendMessage answers 502. The receipt fails twice; one notice for the outage.
        apps.Far.Respond = r => r.Path.EndsWith("/sendMessage", StringComparison.Ordinal)
            ? FakeServer.Reply.Json("""{"ok":false,"error_code":502,"description":"Bad Gateway"}""", 502) : BotApi(r);
        await outbox.RunOnceAsync();
        await app.WithDbAsync(db => db.Outbox.Where(m => m.ProcessedAtUtc == null).ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntilUtc, (DateTime?)null)));
        await outbox.RunOnceAsync();
        var state = await app.WithDbAsync(db => db.ChannelStates.AsNoTracking().SingleAsync(s => s.Name == ChannelStates.Telegram));
        Assert.NotNull(state.FailingSinceUtc);
        Assert.Contains(appeal.Number, state.LastError, StringComparison.Ordinal);
        var notices = await app.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.Type == "channel.failed" && m.Payload.Contains("\"telegram\"")).ToListAsync());
        Assert.Equal(noticesBefore + 1, notices.Count);
        Assert.Contains("Канал «Telegram» не работает", notices[^1].Payload, StringComparison.Ordinal);
        var receipt = await app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.AppealId == appeal.Id && m.Type == MessageTypes.ChannelReply.Name));
        Assert.Null(receipt.ProcessedAtUtc);

        // The fake Bot API records the refused attempts too: two tries, each answered 502.
        bool Receipt(JsonElement m) => m.GetProperty("text").GetString()!.Contains($"№ {appeal.Number} принято", StringComparison.Ordinal);
        Assert.Equal(2, SentTo(chat).Count(Receipt));

        // Telegram is back: the waiting receipt goes out once, the outage ends; a retry after that sends nothing more.
        apps.Far.Respond = BotApi;
        await app.WithDbAsync(db => db.Outbox.Where(m => m.ProcessedAtUtc == null).ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntilUtc, (DateTime?)null)));
        await outbox.RunOnceAsync();
        await outbox.RunOnceAsync();
        Assert.Equal(3, SentTo(chat).Count(Receipt));
        Assert.Null(await app.WithDbAsync(db => db.ChannelStates.Where(s => s.Name == ChannelStates.Telegram).Select(s => s.FailingSinceUtc).SingleAsync()));

        // A second outage is a second notice.
        apps.Far.Respond = r => r.Path.EndsWith("/sendMessage", StringComparison.Ordinal)
            ? FakeServer.Reply.Json("""{"ok":false,"error_code":401,"description":"Unauthorized"}""", 401) : BotApi(r);
        var view = await app.GetAsync(appeal.Id);
        await app.ActAsync(Persona.CentreModerator, view, "register", new { organisationId = app.Region.MunA });
        await outbox.RunOnceAsync();
        bool Registered(JsonElement m) => m.GetProperty("text").GetString()!.Contains($"№ {appeal.Number} зарегистрировано", StringComparison.Ordinal);
        Assert.Equal(1, SentTo(chat).Count(Registered)); // the refused attempt
        apps.Far.Respond = BotApi;
        Assert.Equal(noticesBefore + 2, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == "channel.failed" && m.Payload.Contains("\"telegram\""))));
        await app.WithDbAsync(db => db.Outbox.Where(m => m.ProcessedAtUtc == null).ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntilUtc, (DateTime?)null)));
        await outbox.RunOnceAsync();
        Assert.Equal(2, SentTo(chat).Count(Registered));
        await outbox.RunOnceAsync();
        Assert.Equal(2, SentTo(chat).Count(Registered));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_administrator_switches_the_bot_off_and_on_and_an_update_sent_meanwhile_is_refused_whole_for_Telegram_to_resend(Engine engine)
    {
        var app = await apps.For(engine);
        apps_Far = apps.Far;
        apps.Far.Respond = BotApi;
        var chat = Random.Shared.NextInt64(100_000, 999_999_999);
        using var admin = await FormSession.SignInAsync(app, Persona.RegionAdmin);
        var page = await admin.GetAsync("/office/admin/channels");
        Assert.Contains("id=\"channel-telegram\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync("/office/admin/channels?handler=Switch", [new("Channel", ChannelStates.Telegram)])).StatusCode);
        try
        {
            var off = await PostAsync(app, Message(chat, "\"text\":\"/start\"")).Expect(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("application/problem+json", off.Content.Headers.ContentType?.MediaType);
            Assert.False(await app.WithDbAsync(db => db.TelegramChats.AnyAsync(c => c.ChatId == chat)));
            Assert.Empty(SentTo(chat));
            page = await admin.GetAsync("/office/admin/channels");
            Assert.Contains("Включить канал Telegram", page, StringComparison.Ordinal);
            // Another administrator's page cannot be used by someone who is not the region's administrator.
            using var moderator = await FormSession.SignInAsync(app, Persona.CentreModerator);
            Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetRawAsync("/office/admin/channels")).StatusCode);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync("/office/admin/channels?handler=Switch", [new("Channel", ChannelStates.Telegram)])).StatusCode);
        }
        // Telegram resends the update; now it is taken.
        await PostAsync(app, Message(chat, "\"text\":\"/start\"")).Expect(HttpStatusCode.OK);
        Assert.NotEmpty(SentTo(chat));
        Assert.DoesNotContain("Включить канал Telegram", await admin.GetAsync("/office/admin/channels"), StringComparison.Ordinal);
    }
}
