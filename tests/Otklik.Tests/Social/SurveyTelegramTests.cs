using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Features.Social;
using Otklik.Features.Surveys;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Social;

/// <summary>
/// The survey invitation after an answer reaches an applicant who talks to the bot in Telegram as well (issue 22.2):
/// a portal account linked to a chat gets the same personal link as the answer letter, through the outbox, once.
/// </summary>
public sealed class SurveyTelegramTests(SocialApps apps) : IClassFixture<SocialApps>
{
    const string Api = "/bot" + SocialApps.BotToken;
    static int _messages;

    static FakeServer.Reply BotApi(FakeServer.Received r) =>
        r.Path == Api + "/sendMessage"
            ? FakeServer.Reply.Json($$"""{"ok":true,"result":{"message_id":{{Interlocked.Increment(ref _messages)}},"date":1795000000,"chat":{"id":1,"type":"private"},"text":"ok"} }""")
            : FakeServer.Reply.Json("""{"ok":false,"error_code":404,"description":"Not Found"}""", 404);

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_linked_applicant_gets_the_survey_link_of_the_answer_letter_in_the_chat_once(Engine engine)
    {
        var app = await apps.For(engine);
        apps.Far.Respond = BotApi;
        var chat = Random.Shared.NextInt64(100_000, 999_999_999);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            if (!await db.Surveys.AnyAsync(s => s.AfterAppeal)) db.Surveys.Add(DemoSurveys.InformationSurvey(app.Region.MinInvest, now, Guid.NewGuid(), afterAppeal: true));
            db.TelegramChats.Add(new TelegramChat { ChatId = chat, PersonId = app.Region.IdOf(Persona.Applicant), UpdatedAtUtc = now });
            await db.SaveChangesAsync();
        });

        // A portal appeal of the linked applicant, answered.
        var view = await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(app.Region, TestRegion.InsideA, "Яма у дома 5 по улице Школьной."));
        var (_, executor, controller) = Scenario.Staff(app, view);
        view = await app.ActAsync(executor, view, "answer", new { text = "Яма заделана.", result = "supportedMeasuresTaken" });
        view = await app.ActAsync(executor, view, "answer/submit");
        if (view.Status == AppealStatus.AnswerReview) await app.ActAsync(controller, view, "answer/approve");
        var outbox = app.Services.GetRequiredService<OutboxDispatcher>();
        await outbox.RunOnceAsync();
        await outbox.RunOnceAsync();
        await outbox.RunOnceAsync();

        var invitation = await app.WithDbAsync(db => db.SurveyInvitations.AsNoTracking().SingleAsync(i => i.AppealId == view.Id));
        var sent = apps.Far.To(Api + "/sendMessage").Select(r => JsonDocument.Parse(r.Body).RootElement)
            .Where(b => b.GetProperty("chat_id").GetInt64() == chat).Select(b => b.GetProperty("text").GetString()!).ToList();
        var text = Assert.Single(sent);
        Assert.Contains($"/survey/i/{invitation.Token}", text);
        Assert.Contains(view.Number, text);
        Assert.Equal(1, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Type == MessageTypes.SurveyTelegram.Name && m.AppealId == view.Id)));
    }
}
