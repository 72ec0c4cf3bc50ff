using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Otklik.Data;
using Otklik.Features.Alerts;
using Otklik.Features.Analytics;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Infrastructure;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>
/// Citizens' alerts (issue 17 item 9, ADR 0039) on both engines: follow a territory, a place or an appeal; one letter per
/// alert per hourly window through the outbox, read back from the SMTP sink with its RFC 8058 headers; one-click
/// unsubscribe without sign-in; a person's own appeal and an item already told are not told again; a visitor's alert
/// waits for the confirmation of the address.
/// </summary>
public sealed class AlertsTests
{
    static Task<int> SweepAsync(TestApp app, TimeSpan after) => app.WithDbAsync(db =>
        AlertSweep.RunOnceAsync(db, app.Services.GetRequiredService<AlertTokens>(), app.Clock.GetUtcNow().UtcDateTime + after, default));

    static Dictionary<string, object?> PotholeBy(TestRegion r, (double Lat, double Lon) at, string text, string email) =>
        Samples.Pothole(r, at, text).With("applicant", new Dictionary<string, object?>
        {
            ["kind"] = "person", ["lastName"] = "Иванова", ["firstName"] = "Мария", ["email"] = email,
        });

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_territory_follower_gets_one_letter_an_hour_and_unsubscribes_with_one_click(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        using var me = await FormSession.SignInAsync(app, Persona.OtherApplicant);
        var myEmail = await app.EnsurePasswordAsync(Persona.OtherApplicant);
        await me.GetAsync("/my/alerts");
        var follow = await me.PostAsync("/my/alerts?handler=territory", [new("TerritoryId", r.TerritoryA.ToString()), new("TopicId", "")]);
        Assert.Equal(HttpStatusCode.Redirect, follow.StatusCode);
        var territoryName = await app.WithDbAsync(db => db.Territories.Where(t => t.Id == r.TerritoryA).Select(t => t.Name).SingleAsync());
        var list = await me.GetAsync("/my/alerts");
        Assert.Contains($"Территория «{territoryName}»", list);
        Assert.Contains("Подписка оформлена", list);

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var first = await app.AppealInAsync(AppealStatus.AnswerSent, PotholeBy(r, TestRegion.InsideA, "Яма у школы, звоните +7 912 345-67-89.", "maria@example.ru"));
        var second = await app.AppealInAsync(AppealStatus.Closed, PotholeBy(r, TestRegion.InsideA, "Яма у магазина.", "maria@example.ru"));
        // Not told: the follower's own appeal (they get the applicant's letters), another territory, one not published.
        var own = await app.AppealInAsync(AppealStatus.AnswerSent, PotholeBy(r, TestRegion.InsideA, "Моя яма у подъезда.", myEmail));
        var elsewhere = await app.AppealInAsync(AppealStatus.AnswerSent, PotholeBy(r, TestRegion.InsideB, "Яма в другом районе.", "maria@example.ru"));
        var hidden = await app.AppealInAsync(AppealStatus.AnswerSent, PotholeBy(r, TestRegion.InsideA, "Яма, не для публикации.", "maria@example.ru")
            .With("isPublic", false).With("publicationConsent", false));

        // The window is an hour: nothing before it has passed, one letter when it has, nothing again at once.
        Assert.Equal(0, await SweepAsync(app, TimeSpan.FromMinutes(30)));
        Assert.Equal(1, await SweepAsync(app, TimeSpan.FromMinutes(61)));
        Assert.Equal(0, await SweepAsync(app, TimeSpan.FromMinutes(62)));
        var messageId = await app.WithDbAsync(db => db.Outbox.Where(m => m.Type == MessageTypes.AlertNews.Name).Select(m => m.Id).SingleAsync());

        await app.DispatchMailAsync();
        var letter = await app.Mail.WaitForAsync(myEmail, m => m.MessageId == $"{messageId:N}@otklik");
        var text = letter.TextOf();
        Assert.Equal("Новое по подписке: 2 события", letter.Subject);
        Assert.Contains($"Новое по вашей подписке на территорию «{territoryName}»", text);
        Assert.Contains($"Дан ответ на обращение № {first.Number}: «Ямы на дорогах»", text);
        Assert.Contains("Ответ: Яма будет заделана до 1 декабря", text);
        Assert.Contains($"Дан ответ на обращение № {second.Number}", text);
        Assert.Contains($"/appeals/{first.Number}", text);
        foreach (var not in new[] { own, elsewhere, hidden }) Assert.DoesNotContain(not.Number, text);
        Assert.DoesNotContain("345-67-89", text);

        // RFC 8058: the link in the header is the signed one of the body; the mail program's POST unsubscribes, no sign-in.
        var header = letter.Headers["List-Unsubscribe"] ?? "";
        Assert.Equal("List-Unsubscribe=One-Click", letter.Headers["List-Unsubscribe-Post"]);
        var url = Regex.Match(header, "^<(https?://[^>]+/alerts/unsubscribe\\?t=[^>]+)>$").Groups[1].Value;
        Assert.NotEmpty(url);
        Assert.Contains("Отписаться от этих писем: " + url, text);
        Assert.StartsWith(app.Services.GetRequiredService<PublicUrl>().ToString(), url);
        var path = new Uri(url).PathAndQuery;

        var anonymous = app.Anonymous();
        var page = await anonymous.HtmlAsync(path);
        Assert.Contains("Отписаться от писем", page);
        Assert.Contains($"Подписка: <strong>Территория «{territoryName}»</strong>.", page);
        Assert.Equal(1, await app.WithDbAsync(db => db.AlertSubscriptions.CountAsync()));
        // A forged or cut token unsubscribes nobody.
        await anonymous.PostAsync(path[..^4] + "AAAA", new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])).Expect(HttpStatusCode.NotFound);
        Assert.Equal(1, await app.WithDbAsync(db => db.AlertSubscriptions.CountAsync()));

        var done = await anonymous.PostAsync(path, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])).Expect(HttpStatusCode.OK);
        Assert.Contains("Вы отписались", await done.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.AlertSubscriptions.CountAsync()));
        // Once more (the mail program retries): still fine, still unsubscribed.
        await anonymous.PostAsync(path, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])).Expect(HttpStatusCode.OK);
        Assert.Contains("Подписок пока нет", await me.GetAsync("/my/alerts"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Places_appeals_and_known_problems_reach_their_followers_once(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var (lat, lon) = TestRegion.InsideA;
        var followed = await app.AppealInAsync(AppealStatus.InWork, PotholeBy(r, (lat, lon), "Яма во дворе дома 3.", "maria@example.ru"));
        using var me = await FormSession.SignInAsync(app, Persona.OtherApplicant);
        // The appeal from its public page (signed in: at once), a place of 300 m around it, a territory of another topic only.
        var appealPage = await me.GetAsync($"/appeals/{followed.Number}");
        Assert.Contains("Следить за обращением", appealPage);
        await me.PostAsync($"/alerts/follow/{followed.Number}", []).Expect(HttpStatusCode.Redirect);
        Assert.Contains("Вы следите за этим обращением", await me.GetAsync($"/appeals/{followed.Number}"));
        await me.GetAsync("/my/alerts");
        var bad = await me.PostAsync("/my/alerts?handler=place", [new("Address", ""), new("Latitude", ""), new("Longitude", ""), new("Radius", "500"), new("TopicId", "")]);
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("id=\"alert-address-error\" class=\"field-error\">Укажите адрес.", badHtml);
        Assert.Contains("Выберите радиус: 300 м, 1 км или 3 км.", badHtml);
        Assert.Equal(1, await app.WithDbAsync(db => db.AlertSubscriptions.CountAsync()));
        await me.PostAsync("/my/alerts?handler=place", [
            new("Address", "ул. Ленина, 10"), new("Latitude", Invariant(lat)), new("Longitude", Invariant(lon)), new("Radius", "300"), new("TopicId", "")])
            .Expect(HttpStatusCode.Redirect);
        await me.PostAsync("/my/alerts?handler=territory", [new("TerritoryId", r.TerritoryA.ToString()), new("TopicId", r.HousingTopic.ToString())])
            .Expect(HttpStatusCode.Redirect);
        var mine = await me.GetAsync("/my/alerts");
        Assert.Contains($"Обращение № {followed.Number}", mine);
        Assert.Contains("300 м вокруг адреса «ул. Ленина, 10»", mine);
        Assert.Contains("Территория «Город А» (тема «Капитальный ремонт»)", mine);

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await AnswerAsync(app, followed);
        var near = await app.AppealInAsync(AppealStatus.AnswerSent, PotholeBy(r, (lat + 0.002, lon), "Яма в 220 метрах.", "maria@example.ru"));
        var far = await app.AppealInAsync(AppealStatus.AnswerSent, PotholeBy(r, (lat + 0.01, lon), "Яма в километре.", "maria@example.ru"));
        var problem = await app.WithDbAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var cause = RootCause.Create("Нет воды в микрорайоне", null, r.PotholeTopic, r.TerritoryA, r.MunA, null, r.IdOf(Persona.CentreAnalyst), now);
            cause.Publish(now);
            db.RootCauses.Add(cause);
            await db.SaveChangesAsync();
            return cause.Id;
        });

        Assert.Equal(2, await SweepAsync(app, TimeSpan.FromHours(1)));
        var letters = await ComposeAsync(app);
        var subs = await app.WithDbAsync(db => db.AlertSubscriptions.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Target));
        var byTarget = letters.ToDictionary(l => subs[l.Subscription], l => l.Letter);
        Assert.Equal(2, byTarget.Count);
        // The appeal's follower is told of its answer; the place's letter does not repeat it, and tells of the near one and the known problem.
        Assert.Equal($"Дан ответ на обращение № {followed.Number}", byTarget[AlertTarget.Appeal].Subject);
        var place = byTarget[AlertTarget.Radius].Body;
        Assert.DoesNotContain(followed.Number, place);
        Assert.Contains($"Дан ответ на обращение № {near.Number}", place);
        Assert.DoesNotContain(far.Number, place);
        Assert.Contains("Известная проблема: «Нет воды в микрорайоне»", place);
        Assert.Contains($"/problems/{problem}", place);
        Assert.NotNull(byTarget[AlertTarget.Radius].Unsubscribe);
        // The territory alert is of another topic: no letter for it.
        Assert.DoesNotContain(AlertTarget.Territory, byTarget.Keys);

        // The next hour: the problem resolved is news again, for the place.
        app.Clock.Advance(TimeSpan.FromMinutes(62));
        await app.WithDbAsync(async db =>
        {
            (await db.RootCauses.SingleAsync(c => c.Id == problem)).SetStatus(RootCauseStatus.Resolved, app.Clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        });
        Assert.Equal(1, await SweepAsync(app, TimeSpan.FromMinutes(61)));
        var resolved = Assert.Single(await ComposeAsync(app, skip: 2));
        Assert.Equal("Проблема устранена: «Нет воды в микрорайоне»", resolved.Letter.Subject);

        // Unsubscribing from /my: only one's own alert goes.
        var id = resolved.Subscription;
        using var other = await FormSession.SignInAsync(app, Persona.Applicant);
        await other.GetAsync("/my/alerts");
        await other.PostAsync("/my/alerts?handler=delete", [new("id", id.ToString())]).Expect(HttpStatusCode.Redirect);
        Assert.True(await app.WithDbAsync(db => db.AlertSubscriptions.AnyAsync(s => s.Id == id)));
        await me.GetAsync("/my/alerts");
        await me.PostAsync("/my/alerts?handler=delete", [new("id", id.ToString())]).Expect(HttpStatusCode.Redirect);
        Assert.False(await app.WithDbAsync(db => db.AlertSubscriptions.AnyAsync(s => s.Id == id)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_visitor_follows_an_appeal_by_email_once_the_address_is_confirmed(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var appeal = await app.AppealInAsync(AppealStatus.InWork, PotholeBy(app.Region, TestRegion.InsideA, "Яма на остановке.", "maria@example.ru"));
        var visitor = FormSession.Anonymous(app);
        Assert.Contains($"href=\"/alerts/follow/{appeal.Number}\"", await visitor.GetAsync($"/appeals/{appeal.Number}"));
        await visitor.GetAsync($"/alerts/follow/{appeal.Number}");
        var wrong = await visitor.PostAsync($"/alerts/follow/{appeal.Number}", [new("Email", "не адрес"), new("formIssued", visitor.Stamp!), new("website", "")]);
        Assert.Contains("id=\"email-error\" class=\"field-error\">Адрес электронной почты указан с ошибкой", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.AlertSubscriptions.CountAsync()));

        var email = MailBox.NewAddress("follower");
        var sent = await visitor.PostAsync($"/alerts/follow/{appeal.Number}", [new("Email", email), new("formIssued", visitor.Stamp!), new("website", "")]);
        Assert.Contains("Мы отправили письмо на адрес", await sent.Content.ReadAsStringAsync());
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.DispatchMailAsync();
        var confirm = await app.Mail.WaitForAsync(email, m => m.Subject == "Подтвердите подписку на новости обращения");
        var link = Regex.Match(confirm.TextOf(), "https?://\\S+/alerts/confirm\\?t=\\S+").Value;
        Assert.NotEmpty(link);
        var path = new Uri(link).PathAndQuery;
        var confirmPage = await visitor.GetAsync(path);
        Assert.Contains("Подтвердить подписку", confirmPage);
        Assert.Null(await app.WithDbAsync(db => db.AlertSubscriptions.Select(s => s.ConfirmedAtUtc).SingleAsync()));
        var confirmed = await visitor.PostAsync(path, [new("t", TokenOf(path))]);
        Assert.Contains("Подписка подтверждена", await confirmed.Content.ReadAsStringAsync());
        Assert.NotNull(await app.WithDbAsync(db => db.AlertSubscriptions.Select(s => s.ConfirmedAtUtc).SingleAsync()));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await AnswerAsync(app, appeal);
        Assert.Equal(1, await SweepAsync(app, TimeSpan.FromHours(1)));
        await app.DispatchMailAsync();
        var news = await app.Mail.WaitForAsync(email, m => m.Headers["X-Otklik-Type"] == "alert.news");
        Assert.Equal($"Дан ответ на обращение № {appeal.Number}", news.Subject);
        Assert.Equal("List-Unsubscribe=One-Click", news.Headers["List-Unsubscribe-Post"]);
    }

    static string TokenOf(string pathAndQuery) => Uri.UnescapeDataString(pathAndQuery[(pathAndQuery.IndexOf("t=", StringComparison.Ordinal) + 2)..]);

    static string Invariant(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Drives an appeal in work to its sent answer (the scenario's steps from InWork on).</summary>
    static async Task AnswerAsync(TestApp app, AppealView a)
    {
        var (_, executor, controller) = Scenario.Staff(app, a);
        a = await app.GetAsync(a.Id);
        a = await app.ActAsync(executor, a, "answer", new { text = "Яма будет заделана до 1 декабря, работы включены в план.", result = "supportedMeasuresTaken" });
        a = await app.ActAsync(executor, a, "answer/submit");
        await app.ActAsync(controller, a, "answer/approve");
    }

    /// <summary>The alert letters in the outbox (oldest first, after <paramref name="skip"/>), composed as the dispatcher would.</summary>
    static Task<List<(Guid Subscription, Letter Letter)>> ComposeAsync(TestApp app, int skip = 0) => app.WithDbAsync(async db =>
    {
        var composer = new MailComposer(db, new MailSettings(), app.Services.GetRequiredService<PublicUrl>());
        var result = new List<(Guid, Letter)>();
        foreach (var m in await db.Outbox.AsNoTracking().Where(m => m.Type == MessageTypes.AlertNews.Name).OrderBy(m => m.CreatedAtUtc).ThenBy(m => m.Id).Skip(skip).ToListAsync())
        {
            var composed = await composer.ComposeAsync(m, default);
            Assert.True(composed.Letter is not null, composed.Note);
            using var doc = JsonDocument.Parse(m.Payload);
            result.Add((doc.RootElement.GetProperty("subscriptionId").GetGuid(), composed.Letter!));
        }
        return result;
    });
}
