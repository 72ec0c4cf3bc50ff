using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Analytics;
using Otklik.Features.Mail;
using Otklik.Infrastructure;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Workspace;

namespace Otklik.Tests.Analytics;

/// <summary>Targeted informing: a preview of the count with consent checked, letters sent in the background, delivered counted.</summary>
public sealed class InformingTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_message_to_a_territory_reaches_only_its_consenting_applicants(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        string Mail(string who) => MailBox.NewAddress(who);
        Dictionary<string, object?> In((double, double) at, string email, string text)
        {
            var body = Samples.Pothole(r, at, text);
            body["applicant"] = new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Орлова", ["firstName"] = "Нина", ["email"] = email };
            return body;
        }
        var (yes, declined, noAccount, elsewhere) = (Mail("yes"), Mail("declined"), Mail("noaccount"), Mail("elsewhere"));
        await app.SubmitAsync(In(TestRegion.InsideB, yes, "Яма у дома 3 по улице Мира, глубокая."));
        await app.SubmitAsync(In(TestRegion.InsideB, declined, "Яма у дома 5 по улице Мира, широкая."), Persona.OtherApplicant);
        await app.SubmitAsync(In(TestRegion.InsideB, noAccount, "Звонок: яма у дома 7 по улице Мира.").With("channel", "hotline"), Persona.CentreOperator);
        await app.SubmitAsync(In(TestRegion.InsideA, elsewhere, "Яма у дома 1 по улице Ленина, колесо пробито."));
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == r.IdOf(Persona.OtherApplicant)).ExecuteUpdateAsync(s => s.SetProperty(u => u.NotifyByEmail, false)));

        var analyst = await Office.SignInAsync(app, Persona.CentreAnalyst);
        // Nothing chosen: refused by the field, nothing kept.
        var refused = await PostAsync(analyst, "?handler=send", new() { ["subject"] = "Ремонт", ["text"] = "Текст" });
        Assert.Contains("id=\"territoryId-error\" class=\"field-error\">Выберите территорию, тему, период или первопричину.", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.InformingCampaigns.CountAsync()));

        var preview = await (await PostAsync(analyst, "?handler=preview", new() { ["territoryId"] = r.TerritoryB.ToString() })).Content.ReadAsStringAsync();
        Assert.Contains("<strong data-count=\"appeals\">3</strong>", preview);
        Assert.Contains("<strong data-count=\"consented\">1</strong>", preview);
        Assert.Contains("<strong data-count=\"without\">2</strong>", preview);

        var sent = await PostAsync(analyst, "?handler=send", new()
        {
            ["territoryId"] = r.TerritoryB.ToString(), ["subject"] = "Ремонт дорог в городе Б", ["text"] = "С 1 декабря начинается ямочный ремонт улицы Мира.",
        });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains("отправляется: 0 из 1", await analyst.HtmlAsync("/office/analytics/informing"));

        var letters = await app.WithDbAsync(db => InformingSweep.RunOnceAsync(db, app.Services.GetRequiredService<IMailSender>(),
            app.Services.GetRequiredService<MailSettings>(), app.Services.GetRequiredService<PublicUrl>(), app.Clock.GetUtcNow().UtcDateTime, default));
        Assert.Equal(1, letters);
        var letter = await app.Mail.WaitForAsync(yes);
        Assert.Equal("Ремонт дорог в городе Б", letter.Subject);
        Assert.Contains("С 1 декабря начинается ямочный ремонт улицы Мира.", letter.TextOf());
        Assert.Empty(app.Mail.To(declined));
        Assert.Empty(app.Mail.To(noAccount));
        Assert.Empty(app.Mail.To(elsewhere));
        var page = Regex.Replace(await analyst.HtmlAsync("/office/analytics/informing"), "\\s+", " ");
        Assert.Matches("Ремонт дорог в городе Б</th> <td>[^<]*</td> <td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">2</td> <td>—</td> <td>завершена</td>", page);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_message_shown_on_the_portal_map_reaches_everyone_there_through_its_date(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        // Only an applicant without an account in город Б: no one agreed to letters, the map needs no consent.
        var body = Samples.Pothole(r, TestRegion.InsideB, "Звонок: яма у дома 7 по улице Мира.");
        body["applicant"] = new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Орлова", ["firstName"] = "Нина", ["email"] = "nina@example.org" };
        await app.SubmitAsync(body.With("channel", "hotline"), Persona.CentreOperator);
        var analyst = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var anonymous = app.Anonymous();
        var before = await anonymous.GetStringAsync("/map");   // the output cache now holds the map without the message
        Assert.DoesNotContain("Сообщения для жителей", before);

        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime.AddHours(5));   // the region's date (Asia/Yekaterinburg)
        string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var text = "С 1 декабря на улице Мира ямочный ремонт, объезд по улице Гагарина.";
        // Refused by the field, nothing kept: a map notice without a territory, a date already past, letters to nobody.
        async Task Refused(Dictionary<string, string> fields, string field, string message)
        {
            var html = await (await PostAsync(analyst, "?handler=send", fields)).Content.ReadAsStringAsync();
            Assert.Contains($"id=\"{field}-error\" class=\"field-error\">{message}", html);
            Assert.Equal(0, await app.WithDbAsync(db => db.InformingCampaigns.CountAsync()));
        }
        await Refused(new() { ["topicId"] = r.PotholeTopic.ToString(), ["subject"] = "Ремонт", ["text"] = text, ["onMapUntil"] = Day(today.AddDays(7)) },
            "onMapUntil", "На карте сообщение показывается у территории: выберите территорию.");
        await Refused(new() { ["territoryId"] = r.TerritoryB.ToString(), ["subject"] = "Ремонт", ["text"] = text, ["onMapUntil"] = Day(today.AddDays(-1)) },
            "onMapUntil", "Дата показа не раньше сегодняшней.");
        await Refused(new() { ["territoryId"] = r.TerritoryB.ToString(), ["subject"] = "Ремонт", ["text"] = text },
            "territoryId", "Нет получателей, согласных на рассылку.");

        var until = today.AddDays(7);
        var sent = await PostAsync(analyst, "?handler=send", new()
        {
            ["territoryId"] = r.TerritoryB.ToString(), ["subject"] = "Ремонт улицы Мира", ["text"] = text, ["onMapUntil"] = Day(until),
        });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var office = Regex.Replace(await analyst.HtmlAsync("/office/analytics/informing"), "\\s+", " ");
        Assert.Matches("Ремонт улицы Мира</th> <td>[^<]*</td> <td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">1</td> "
            + $"<td>{until:dd.MM.yyyy}</td> <td>завершена</td>", office);

        // The anonymous map shows it at once (the cached page was evicted), with its territory and its last day.
        var map = await anonymous.GetStringAsync("/map");
        Assert.Contains("<h2 id=\"map-notices-title\">Сообщения для жителей</h2>", map);
        Assert.Contains("<h3>Город Б: Ремонт улицы Мира</h3>", map);
        Assert.Contains(text, map);
        Assert.Contains($"Актуально до {until:dd.MM.yyyy}", map);
        // Through its date inclusive, gone the day after.
        Assert.Single(await app.WithDbAsync(db => Informing.OnMapAsync(db, until, default)));
        Assert.Empty(await app.WithDbAsync(db => Informing.OnMapAsync(db, until.AddDays(1), default)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_followers_of_a_known_problem_are_its_applicants_and_those_who_follow_its_appeals_with_consent(Engine engine)
    {
        MailBox.RequireSink();
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        Dictionary<string, object?> In((double, double) at, string email, string text)
        {
            var body = Samples.Pothole(r, at, text);
            body["applicant"] = new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Орлова", ["firstName"] = "Нина", ["email"] = email };
            return body;
        }
        var (applicant, follower, visitor, unrelated) = (MailBox.NewAddress("applicant"), MailBox.NewAddress("follower"), MailBox.NewAddress("visitor"), MailBox.NewAddress("unrelated"));
        var linked = await app.SubmitAsync(In(TestRegion.InsideB, applicant, "Яма у дома 3 по улице Мира, глубокая."));
        // The same territory and topic, but not linked to the problem: not its follower.
        await app.SubmitAsync(In(TestRegion.InsideB, unrelated, "Яма у дома 9 по улице Мира, широкая."), Persona.OtherApplicant);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var cause = await app.WithDbAsync(async db =>
        {
            var c = RootCause.Create("Разбитая улица Мира", null, r.PotholeTopic, r.TerritoryB, r.Region, null, r.IdOf(Persona.CentreAnalyst), now);
            c.Link(linked.Id, false, now);
            db.RootCauses.Add(c);
            // The other applicant's account follows the linked appeal (their letters go to the account's address) …
            db.AlertSubscriptions.Add(Otklik.Features.Alerts.AlertSubscription.ForAppeal(linked.Id, r.IdOf(Persona.OtherApplicant), now));
            // … and a visitor follows it by a confirmed e-mail: agreed to that appeal's news, not to informing.
            var byEmail = Otklik.Features.Alerts.AlertSubscription.ForAppealByEmail(linked.Id, visitor, now);
            byEmail.Confirm(now);
            db.AlertSubscriptions.Add(byEmail);
            await db.SaveChangesAsync();
            await db.Users.Where(u => u.Id == r.IdOf(Persona.OtherApplicant)).ExecuteUpdateAsync(x => x.SetProperty(u => u.Email, follower));
            return c.Id;
        });

        var analyst = await Office.SignInAsync(app, Persona.CentreAnalyst);
        var page = await analyst.HtmlAsync("/office/analytics/informing");
        Assert.Contains($"<option value=\"{cause}\">Разбитая улица Мира</option>", page);
        // A channel the page does not offer is refused by the field, and nothing is kept.
        var refused = await PostAsync(analyst, "?handler=send", new() { ["rootCauseId"] = cause.ToString(), ["subject"] = "Ремонт", ["text"] = "Текст", ["channels"] = "fax" });
        Assert.Contains("id=\"channels-error\" class=\"field-error\">Неизвестный канал «fax»: почта, push или Telegram.", await refused.Content.ReadAsStringAsync());
        // A problem the person does not see is refused by its field.
        var unknown = await PostAsync(analyst, "?handler=preview", new() { ["rootCauseId"] = Guid.NewGuid().ToString() });
        Assert.Contains("id=\"rootCauseId-error\" class=\"field-error\">Первопричина не найдена среди доступных вам.", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.InformingCampaigns.CountAsync()));

        var preview = await (await PostAsync(analyst, "?handler=preview", new() { ["rootCauseId"] = cause.ToString() })).Content.ReadAsStringAsync();
        Assert.Contains("<strong data-count=\"appeals\">1</strong>", preview);
        Assert.Contains("<strong data-count=\"consented\">2</strong>", preview);
        Assert.Contains("<strong data-count=\"without\">1</strong>", preview);
        Assert.Contains("почта <strong data-count=\"email\">2</strong>, push <strong data-count=\"push\">0</strong>", preview);

        var sent = await PostAsync(analyst, "?handler=send", new()
        {
            ["rootCauseId"] = cause.ToString(), ["channels"] = "email", ["subject"] = "Улица Мира: ремонт", ["text"] = "Ремонт улицы Мира начнётся 1 декабря.",
        });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(2, await app.WithDbAsync(db => InformingSweep.RunOnceAsync(db, app.Services.GetRequiredService<IMailSender>(),
            app.Services.GetRequiredService<MailSettings>(), app.Services.GetRequiredService<PublicUrl>(), app.Clock.GetUtcNow().UtcDateTime, default)));
        Assert.Contains("Ремонт улицы Мира начнётся 1 декабря.", (await app.Mail.WaitForAsync(applicant)).TextOf());
        Assert.Contains("Ремонт улицы Мира начнётся 1 декабря.", (await app.Mail.WaitForAsync(follower)).TextOf());
        Assert.DoesNotContain(app.Mail.To(visitor), m => m.Subject == "Улица Мира: ремонт");
        Assert.DoesNotContain(app.Mail.To(unrelated), m => m.Subject == "Улица Мира: ремонт");
        var report = Regex.Replace(await analyst.HtmlAsync("/office/analytics/informing"), "\\s+", " ");
        Assert.Contains("<td>завершена</td> <td data-channels=", report);
        Assert.Contains(">почта 2/0</td>", report);
    }

    /// <summary>One pass of the sweep as the host runs it: letters, pushes queued through the scope's PushRelay, Telegram rows.</summary>
    internal static async Task<int> SweepAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        return await InformingSweep.RunOnceAsync(sp.GetRequiredService<Otklik.Data.AppDbContext>(), sp.GetRequiredService<IMailSender>(), sp.GetRequiredService<MailSettings>(),
            sp.GetRequiredService<PublicUrl>(), app.Clock.GetUtcNow().UtcDateTime, default, sp.GetRequiredService<Otklik.Features.WebPush.PushRelay>());
    }

    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, Dictionary<string, string> fields)
    {
        var html = await client.HtmlAsync("/office/analytics/informing");
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEqual("", token);
        return await client.PostAsync("/office/analytics/informing" + handler, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]));
    }
}
