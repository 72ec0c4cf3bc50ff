using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>Seed 000: the contact form of a fund makes one appeal with the 2-working-day rule and a copy to the portal's administrator and curator.</summary>
public sealed class ContactFormTests(AppPool pool) : IClassFixture<AppPool>
{
    static readonly Guid FundTopic = Guid.Parse("00000000-0000-0000-0000-0000000000d9");
    const string FundEmail = "fund-requests@test.example";

    /// <summary>The fund's own topic (routed to it for the whole region) with the portal regulation's answer rule.</summary>
    static async Task GiveTheFundAContactTopicAsync(TestApp app)
    {
        await app.WithDbAsync(async db =>
        {
            if (await db.Topics.AnyAsync(t => t.Id == FundTopic)) return;
            db.Topics.Add(new Topic
            {
                Id = FundTopic, CategoryId = app.Region.BusinessCategory, Name = "Запрос в фонд с портала", DefaultKind = AppealKind.SimpleConsultation,
                DefaultRegime = LegalRegime.BusinessConsultation, Routes = [new TopicRoute { Id = Guid.NewGuid(), OrganisationId = app.Region.Fund }],
            });
            db.DeadlineRules.Add(new DeadlineRule
            {
                Id = Guid.NewGuid(), Stage = DeadlineStage.Answer, TopicId = FundTopic, Policy = "working-days:2", Note = "Запрос в фонд — 2 рабочих дня",
            });
            var fund = await db.Organisations.SingleAsync(o => o.Id == app.Region.Fund);
            fund.SetContacts(null, FundEmail);
            await db.SaveChangesAsync();
        });
        app.Services.GetRequiredService<DeadlineClocks>().Invalidate();
    }

    static List<KeyValuePair<string, string>> Form(string key, string email, string message = "Подскажите, можно ли получить микрозаём на покупку оборудования для пекарни?") =>
    [
        new("IdempotencyKey", key), new("Name", "Дмитрий Гончаров"), new("Email", email), new("Phone", "+7 343 200-10-20"),
        new("OrganisationName", "ООО «Уральский хлеб»"), new("Message", message), new("Consent", "true"), new("Consent", "false"),
    ];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_request_makes_exactly_one_appeal_for_the_fund_and_two_letters(Engine engine)
    {
        var app = await pool.For(engine);
        await GiveTheFundAContactTopicAsync(app);
        using var visitor = new PortalSession(app);
        var form = await visitor.GetAsync($"/contact/{app.Region.Fund}");
        Assert.Contains("Написать в «Фонд поддержки предпринимательства»", form);
        var key = System.Text.RegularExpressions.Regex.Match(form, "name=\"IdempotencyKey\" value=\"([^\"]+)\"").Groups[1].Value;
        var email = MailBox.NewAddress("baker");

        var sent = await visitor.PostAsync($"/contact/{app.Region.Fund}", Form(key, email));
        // A second click on the same form: still one appeal.
        var twice = await visitor.PostAsync($"/contact/{app.Region.Fund}", Form(key, email));

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, twice.StatusCode);
        var appeal = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Applicant.Email == email));
        Assert.Equal((Channel.InvestPortal, FundTopic, LegalRegime.BusinessConsultation, AppealType.Question, (Guid?)app.Region.Fund, ApplicantKind.Organisation),
            (appeal.Channel, appeal.TopicId, appeal.Regime, appeal.Type, appeal.ExecutorOrganisationId, appeal.Applicant.Kind));
        Assert.Equal(("ООО «Уральский хлеб»", "Дмитрий Гончаров"), (appeal.Applicant.OrganisationName, appeal.Applicant.RepresentativeName));
        var done = await visitor.GetAsync($"/contact/{app.Region.Fund}");
        Assert.Contains($"<strong id=\"appeal-number\">{appeal.Number}</strong>", done);

        await app.DispatchMailAsync();
        var receipt = await app.Mail.WaitForAsync(email);
        Assert.Equal($"Обращение № {appeal.Number} принято", receipt.Subject);
        // The administrator and curator addresses are shared by every app of the run: the copy is told by the applicant's address.
        var copy = await app.Mail.WaitForAsync(MailBox.PortalAdministrator, m => m.TextOf().Contains(email));
        Assert.Equal($"Запрос через форму связи: обращение № {appeal.Number}", copy.Subject);
        Assert.Equal(new[] { FundEmail, MailBox.PortalAdministrator, MailBox.PortalCurator }, copy.To.Mailboxes.Select(m => m.Address).ToArray());
        Assert.Contains("Подскажите, можно ли получить микрозаём", copy.TextOf());
        Assert.Single(app.Mail.To(email));
        Assert.Single(app.Mail.To(MailBox.PortalCurator), m => m.TextOf().Contains(email));
        Assert.Equal(2, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.AppealId == appeal.Id)));

        // The moderator registers it: the fund's rule gives the answer 2 working days (Monday 10:00 → Wednesday).
        var view = await app.GetAsync(appeal.Id);
        var registered = await app.ActAsync(Persona.CentreModerator, view, "register");
        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(a => a.Id == appeal.Id));
        Assert.Equal((AppealStatus.Registered, "working-days:2", new DateOnly(2026, 11, 25)), (registered.Status, stored.AnswerPolicy, stored.AnswerDueDate));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Contact_form_errors_are_shown_by_the_fields_and_an_organisation_without_a_topic_has_no_form(Engine engine)
    {
        var app = await pool.For(engine);
        await GiveTheFundAContactTopicAsync(app);
        using var visitor = new PortalSession(app);
        var form = await visitor.GetAsync($"/contact/{app.Region.Fund}");
        var key = System.Text.RegularExpressions.Regex.Match(form, "name=\"IdempotencyKey\" value=\"([^\"]+)\"").Groups[1].Value;

        var bad = await visitor.PostAsync($"/contact/{app.Region.Fund}",
            [new("IdempotencyKey", key), new("Name", ""), new("Email", "нет"), new("Phone", "??"), new("Message", "Вопрос"), new("Consent", "false")]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var html = await bad.Content.ReadAsStringAsync();
        Assert.Contains("<span id=\"name-error\" class=\"field-error\">Укажите, как к вам обращаться.</span>", html);
        Assert.Contains("<span id=\"email-error\" class=\"field-error\">Неверный адрес электронной почты.</span>", html);
        Assert.Contains("<span id=\"phone-error\" class=\"field-error\">", html);
        Assert.Contains("<span id=\"message-error\" class=\"field-error\">Опишите суть подробнее: не меньше 10 символов.</span>", html);
        Assert.Contains("<span id=\"consent-error\" class=\"field-error\">", html);
        Assert.Contains(">Вопрос</textarea>", html);
        Assert.Equal(0, await app.WithDbAsync(db => db.Appeals.CountAsync(a => a.IdempotencyKey == key)));

        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetRawAsync($"/contact/{app.Region.MunA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetRawAsync($"/contact/{app.Region.Fns}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetRawAsync($"/contact/{Guid.NewGuid()}")).StatusCode);
    }
}
