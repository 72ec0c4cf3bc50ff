using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Audit;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Social;

/// <summary>
/// Issue 18.6, ADR 0052: the moderator confirms «это тот же человек» for an appeal from another channel that the
/// likely-duplicates list offered; the link is stored, audited, shown on the moderation page and the office card, and
/// on the person's /my when one of the appeals is their portal account's; a wrong target is refused with the reason next
/// to the field and stores nothing; «Не тот же человек» undoes it.
/// </summary>
public sealed class SamePersonTests
{
    static readonly KeyValuePair<string, string>[] NoFields = [];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_moderator_confirms_a_letter_is_the_portal_applicants_and_both_show_together_until_undone(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        const string text = "Во дворе дома 5 по улице Мира не вывозят мусор уже неделю, контейнеры переполнены.";
        // The applicant's own appeal through the portal account.
        const string email = "anna.z@example.ru";
        var portal = await app.SubmitAsync(Samples.Housing(r).With("text", text)
            .With("applicant", new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Заявителева", ["firstName"] = "Анна", ["email"] = email }));
        Assert.Equal(r.IdOf(Persona.Applicant), await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == portal.Id).Select(a => a.ApplicantUserId).SingleAsync()));
        // The same person writes to the Governor's mailbox two days later: registered on the e-mail channel, no account.
        var letter = await app.SubmitAsync(Samples.Housing(r).With("channel", "email")
            .With("text", "Мусор во дворе дома 5 на улице Мира не вывозят неделю, контейнеры давно переполнены!")
            .With("applicant", new Dictionary<string, object?> { ["kind"] = "person", ["lastName"] = "Заявителева", ["firstName"] = "Анна", ["email"] = email.ToUpperInvariant() }),
            Persona.CentreOperator);

        using var moderator = await FormSession.SignInAsync(app, Persona.CentreModerator);
        var page = await moderator.GetAsync($"/office/moderation/{letter.Id}");
        Assert.Contains($"Обращение {portal.Number} написал тот же человек", page, StringComparison.Ordinal);

        // A target the moderator cannot name (no such appeal): refused next to the field, nothing stored.
        var bad = await moderator.PostAsync($"/office/moderation/{letter.Id}?handler=sameperson",
            [new("TargetAppealId", Guid.NewGuid().ToString()), new("Why", "тот же адрес почты")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("Обращение не найдено среди доступных вам.", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.SamePersonLinks.CountAsync()));

        // Confirmed: both appeals in one group, the reason kept, the moderator named; the page says so.
        await moderator.GetAsync($"/office/moderation/{letter.Id}");
        var ok = await moderator.PostAsync($"/office/moderation/{letter.Id}?handler=sameperson",
            [new("TargetAppealId", portal.Id.ToString()), new("Why", "тот же адрес почты, похожий текст")]);
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var links = await app.WithDbAsync(db => db.SamePersonLinks.AsNoTracking().ToListAsync());
        Assert.Equal(2, links.Count);
        Assert.Single(links.Select(l => l.GroupId).Distinct());
        Assert.All(links, l => Assert.Equal(r.IdOf(Persona.CentreModerator), l.LinkedById));
        Assert.All(links, l => Assert.Equal("тот же адрес почты, похожий текст", l.Why));
        page = await moderator.GetAsync($"/office/moderation/{letter.Id}");
        Assert.Contains("Этот же заявитель по другим каналам (подтверждено)", page, StringComparison.Ordinal);
        Assert.Contains("Тот же заявитель — подтверждено", page, StringComparison.Ordinal);
        // Confirming again changes nothing.
        await moderator.PostAsync($"/office/moderation/{letter.Id}?handler=sameperson", [new("TargetAppealId", portal.Id.ToString())]);
        Assert.Equal(2, await app.WithDbAsync(db => db.SamePersonLinks.CountAsync()));

        // The office card of the portal appeal lists the letter, with its channel.
        var card = await moderator.GetAsync($"/office/appeals/{portal.Id}");
        Assert.Contains("Этот же заявитель по другим каналам", card, StringComparison.Ordinal);
        Assert.Contains($"/office/appeals/{letter.Id}\">{letter.Number}</a> — Электронная почта", card, StringComparison.Ordinal);

        // The person's /my shows the letter among their appeals from other channels; another applicant's does not.
        using var me = await FormSession.SignInAsync(app, Persona.Applicant);
        var my = await me.GetAsync("/my");
        Assert.Contains("Ваши обращения из других каналов", my, StringComparison.Ordinal);
        Assert.Contains($"Обращение № {letter.Number}", my, StringComparison.Ordinal);
        Assert.Contains("канал: Электронная почта", my, StringComparison.Ordinal);
        using var stranger = await FormSession.SignInAsync(app, Persona.OtherApplicant);
        Assert.DoesNotContain(letter.Number, await stranger.GetAsync("/my"), StringComparison.Ordinal);

        // Audited: the confirmation on both appeals, and the card's read of the other one.
        await app.Services.GetRequiredService<AuditTrail>().FlushAsync();
        var trail = await app.WithDbAsync(db => db.AuditRecords.AsNoTracking().Where(a => a.AppealId == letter.Id || a.AppealId == portal.Id).ToListAsync());
        Assert.Contains(trail, a => a.Kind == AuditKind.SamePersonLinked && a.AppealId == letter.Id && a.Detail == $"same person as {portal.Number}");
        Assert.Contains(trail, a => a.Kind == AuditKind.SamePersonLinked && a.AppealId == portal.Id && a.ActorId == r.IdOf(Persona.CentreModerator));
        Assert.Contains(trail, a => a.Kind == AuditKind.AppealRead && a.AppealId == letter.Id && a.Detail == "same person on the card");
        Assert.Equal(1, trail.Count(a => a.Kind == AuditKind.SamePersonLinked && a.AppealId == letter.Id));

        // «Не тот же человек»: the link is gone (a group of one is no group), /my no longer shows the letter.
        await moderator.GetAsync($"/office/moderation/{letter.Id}");
        var undo = await moderator.PostAsync($"/office/moderation/{letter.Id}?handler=notsameperson", [new("TargetAppealId", portal.Id.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, undo.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.SamePersonLinks.CountAsync()));
        Assert.DoesNotContain("Ваши обращения из других каналов", await me.GetAsync("/my"), StringComparison.Ordinal);
        await app.Services.GetRequiredService<AuditTrail>().FlushAsync();
        Assert.True(await app.WithDbAsync(db => db.AuditRecords.AnyAsync(a => a.Kind == AuditKind.SamePersonUnlinked && a.AppealId == portal.Id)));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Two_confirmed_people_found_to_be_one_become_one_group(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var a = await app.SubmitAsync(Samples.Housing(r));
        var b = await app.SubmitAsync(Samples.Housing(r).With("channel", "hotline"), Persona.CentreOperator);
        var c = await app.SubmitAsync(Samples.Pothole(r).With("channel", "email"), Persona.CentreOperator);
        var d = await app.SubmitAsync(Samples.Pothole(r).With("channel", "hotline"), Persona.CentreOperator);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            Assert.True(await Features.Moderation.SamePerson.ConfirmAsync(db, a.Id, b.Id, null, "тот же телефон", now, default));
            await db.SaveChangesAsync();
            Assert.True(await Features.Moderation.SamePerson.ConfirmAsync(db, c.Id, d.Id, null, "тот же адрес почты", now, default));
            await db.SaveChangesAsync();
            // b and c are the same person too: the two groups become one.
            Assert.True(await Features.Moderation.SamePerson.ConfirmAsync(db, b.Id, c.Id, null, null, now, default));
            await db.SaveChangesAsync();
            Assert.False(await Features.Moderation.SamePerson.ConfirmAsync(db, a.Id, d.Id, null, null, now, default));
        });
        var others = await app.WithDbAsync(db => Features.Moderation.SamePerson.OthersOf(db, a.Id).ToListAsync());
        Assert.Equal(new[] { b.Id, c.Id, d.Id }.Order(), others.Order());
        // Taking one out leaves the other three together.
        await app.WithDbAsync(async db => { await Features.Moderation.SamePerson.UnlinkAsync(db, d.Id, default); await db.SaveChangesAsync(); });
        Assert.Equal(new[] { a.Id, b.Id }.Order(), (await app.WithDbAsync(db => Features.Moderation.SamePerson.OthersOf(db, c.Id).ToListAsync())).Order());
    }
}
