using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Meetings;

/// <summary>
/// Issue 18.5, meetings with business: the operator records a meeting, its participants and its questions; each question
/// is an appeal of the «Встреча с бизнесом» channel with the entrepreneur as the applicant, linked to the meeting, once
/// however often the form is sent; the meeting's page follows the questions; the card says where the question came from.
/// </summary>
public sealed class MeetingPagesTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_operator_records_a_meeting_and_each_question_becomes_one_appeal_linked_to_it(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        using var op = await FormSession.SignInAsync(app, Persona.CentreOperator);
        await op.GetAsync("/office/meetings");

        // A meeting without a title is refused next to the field; nothing is stored.
        var refused = await op.PostAsync("/office/meetings", [new("Title", " "), new("HeldAt", "2026-11-20T15:00"), new("Place", "Технопарк"), new("OrganiserId", app.Region.Centre.ToString())]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("id=\"title-error\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Meetings.CountAsync()));

        var created = await op.PostAsync("/office/meetings", [new("Title", "Встреча с IT-компаниями"), new("HeldAt", "2026-11-20T15:00"),
            new("Place", "Технопарк «Университетский», зал 2"), new("OrganiserId", app.Region.Centre.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var meeting = await app.WithDbAsync(db => db.Meetings.AsNoTracking().SingleAsync());
        // 15:00 in Yekaterinburg (UTC+5) is 10:00 UTC.
        Assert.Equal(new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc), meeting.HeldAtUtc);
        var url = $"/office/meetings/{meeting.Id}";
        await op.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, (await op.PostAsync(url + "?handler=Participant", [new("Side", "Official"), new("Name", "Орлов Сергей Петрович"),
            new("Position", "заместитель министра"), new("OrganisationName", "Министерство инвестиций")])).StatusCode);
        var badInn = await op.PostAsync(url + "?handler=Participant", [new("Side", "Business"), new("Name", "Петров Пётр"), new("Inn", "1234567890"), new("Phone", "+7 343 200-00-00")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badInn.StatusCode);
        Assert.Contains("Неверный ИНН", await badInn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await op.PostAsync(url + "?handler=Participant", [new("Side", "Business"), new("Name", "Петров Пётр Ильич"),
            new("OrganisationName", "ООО «Уралстанок»"), new("Inn", "7707083893"), new("Phone", "+7 343 200-00-00"), new("Email", "info@uralstanok.ru")])).StatusCode);
        var business = await app.WithDbAsync(db => db.MeetingParticipants.AsNoTracking().SingleAsync(p => p.Name == "Петров Пётр Ильич"));
        Assert.Equal(2, await app.WithDbAsync(db => db.MeetingParticipants.CountAsync()));

        // A question without the one who asked it is refused; nothing is stored.
        var page = await op.GetAsync(url);
        var key = FormSession.HiddenValue(page, "IdempotencyKey");
        var noOne = await op.PostAsync(url + "?handler=Question", [new("IdempotencyKey", key), new("Type", "Question"),
            new("CategoryId", app.Region.BusinessCategory.ToString()), new("Text", "Когда откроют приём заявок на субсидию?")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noOne.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Appeals.CountAsync()));

        KeyValuePair<string, string>[] question = [new("IdempotencyKey", key), new("ParticipantId", business.Id.ToString()), new("Type", "Question"),
            new("CategoryId", app.Region.BusinessCategory.ToString()), new("TopicId", app.Region.SubsidyTopic.ToString()),
            new("Text", "Когда откроют приём заявок на субсидию «Модернизация» в 2027 году?")];
        Assert.Equal(HttpStatusCode.Redirect, (await op.PostAsync(url + "?handler=Question", question)).StatusCode);
        // The same form sent again (a double click): still one appeal.
        Assert.Equal(HttpStatusCode.Redirect, (await op.PostAsync(url + "?handler=Question", question)).StatusCode);
        var appeal = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync());
        Assert.Equal((Channel.BusinessMeeting, ApplicantKind.Organisation, "ООО «Уралстанок»", "Петров Пётр Ильич"),
            (appeal.Channel, appeal.Applicant.Kind, appeal.Applicant.OrganisationName, appeal.Applicant.RepresentativeName));
        var link = await app.WithDbAsync(db => db.MeetingQuestions.AsNoTracking().SingleAsync());
        Assert.Equal((meeting.Id, appeal.Id, (Guid?)business.Id), (link.MeetingId, link.AppealId, link.ParticipantId));

        // The meeting's page lists the question with its status and due date; the card says where it came from.
        page = await op.GetAsync(url);
        Assert.Contains(appeal.Number, page, StringComparison.Ordinal);
        Assert.Contains(Labels.Of(appeal.Status), page, StringComparison.Ordinal);
        using var moderator = await FormSession.SignInAsync(app, Persona.CentreModerator);
        var card = await moderator.GetAsync($"/office/appeals/{appeal.Id}");
        Assert.Contains("Вопрос со встречи", card, StringComparison.Ordinal);
        Assert.Contains("Встреча с IT-компаниями", card, StringComparison.Ordinal);
        Assert.Contains("Встреча с бизнесом", card, StringComparison.Ordinal);

        // Someone who keeps no meetings gets 403; another organisation's operator does not find this one.
        using var executor = await FormSession.SignInAsync(app, Persona.MunAExecutor);
        Assert.Equal(HttpStatusCode.Forbidden, (await executor.GetRawAsync("/office/meetings")).StatusCode);
    }
}
