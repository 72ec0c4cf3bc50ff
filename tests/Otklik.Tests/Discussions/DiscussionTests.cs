using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Discussions;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.Tests.Discussions;

/// <summary>
/// Public discussions over HTTP on both engines: an editor publishes a draft with a file for a period; confirmed visitors
/// comment; nothing is public before a moderator publishes it; a refusal names a reason from the list and the author reads
/// it on /my; the period ends by the sweep; the organisation's verdict on each comment is published with its summary.
/// </summary>
public sealed class DiscussionTests
{
    static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();

    static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_comment_is_moderated_before_publication_and_the_summary_answers_each_comment(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        using var editor = await FormSession.SignInAsync(app, Persona.ContentEditor);

        // A wrong form changes nothing and names the fields.
        await editor.GetAsync("/office/discussions");
        var wrong = await editor.PostMultipartAsync("/office/discussions", [F("Title", ""), F("Kind", "Plan"), F("Text", "Коротко"),
            F("OwnerOrganisationId", r.Centre.ToString()), F("Until", "2026-11-20")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        var wrongHtml = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("id=\"d-title-error\"", wrongHtml);
        Assert.Contains("id=\"d-text-error\"", wrongHtml);
        Assert.Contains("id=\"d-until-error\"", wrongHtml);
        Assert.Equal(0, await app.WithDbAsync(db => db.Discussions.CountAsync()));

        var created = await editor.PostMultipartAsync("/office/discussions",
            [F("Title", "План благоустройства сквера на Ленина"), F("Kind", "Plan"),
             F("Text", "Предлагаем заменить скамейки и освещение.\n\nВторой этап — детская площадка."),
             F("OwnerOrganisationId", r.Centre.ToString()), F("TerritoryId", r.TerritoryA.ToString()), F("Until", "2026-11-30")],
            [("Files", "план.pdf", Pdf)]);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var discussion = await app.WithDbAsync(db => db.Discussions.Include(d => d.Files).AsNoTracking().SingleAsync());
        Assert.Equal(DiscussionState.Open, discussion.State);
        // The end of 30 November in Yekaterinburg (UTC+5).
        Assert.Equal(new DateTime(2026, 11, 30, 19, 0, 0, DateTimeKind.Utc), discussion.ClosesAtUtc);
        var page = $"/discussions/{discussion.Id}";

        // Anyone reads the draft and takes its file; commenting needs an account.
        var anonymous = app.Anonymous();
        var list = await anonymous.GetStringAsync("/discussions");
        Assert.Contains("План благоустройства сквера на Ленина", list[..list.IndexOf("id=\"finished\"", StringComparison.Ordinal)]);
        var publicPage = await anonymous.GetStringAsync(page);
        Assert.Contains("Второй этап — детская площадка.", publicPage);
        Assert.Contains("войдите", publicPage);
        var file = await anonymous.GetAsync($"{page}?handler=File&fileId={discussion.Files.Single().Id}");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("application/pdf", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Pdf, await file.Content.ReadAsByteArrayAsync());

        // Two residents comment; an account without a confirmed address is refused.
        using var resident = await PortalSession.SignedInAsync(app, Persona.Applicant);
        await resident.GetAsync(page);
        var tooShort = await resident.PostAsync(page, [F("Text", "да")], withBotFields: false);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooShort.StatusCode);
        Assert.Contains("id=\"comment-error\"", await tooShort.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await resident.PostAsync(page, [F("Text", "Поставьте скамейки со спинками, пожалуйста.")], withBotFields: false)).StatusCode);
        using var other = await PortalSession.SignedInAsync(app, Persona.OtherApplicant);
        await other.GetAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, (await other.PostAsync(page, [F("Text", "Купите окна у нас со скидкой!")], withBotFields: false)).StatusCode);
        // Signed in, then the address found unconfirmed (sign-in itself wants a confirmed one).
        using var unconfirmed = await PortalSession.SignedInAsync(app, Persona.NoRoles);
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == r.IdOf(Persona.NoRoles)).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailConfirmed, false)));
        await unconfirmed.GetAsync(page);
        var refusedUnconfirmed = await unconfirmed.PostAsync(page, [F("Text", "Хочу высказаться по проекту.")], withBotFields: false);
        Assert.Equal(HttpStatusCode.Conflict, refusedUnconfirmed.StatusCode);
        Assert.Equal(2, await app.WithDbAsync(db => db.DiscussionComments.CountAsync()));
        Assert.DoesNotContain("скамейки со спинками", await anonymous.GetStringAsync(page)); // not before moderation

        var comments = await app.WithDbAsync(db => db.DiscussionComments.AsNoTracking().ToListAsync());
        var good = comments.Single(c => c.Text.Contains("скамейки", StringComparison.Ordinal));
        var spam = comments.Single(c => c.Text.Contains("окна", StringComparison.Ordinal));
        Assert.Equal("Applicant Т.", good.AuthorName);

        // A moderator of another organisation does not see the centre's comments.
        using var outsider = await FormSession.SignInAsync(app, Persona.MunBAdmin);
        Assert.DoesNotContain("скамейки", await outsider.GetAsync("/office/discussions/moderation"));
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsync("/office/discussions/moderation?handler=Publish", [F("CommentId", good.Id.ToString())])).StatusCode);

        // The centre's moderator publishes one and refuses the other — a reason from the list is required.
        using var moderator = await FormSession.SignInAsync(app, Persona.CentreModerator);
        var queue = await moderator.GetAsync("/office/discussions/moderation");
        Assert.Contains("скамейки со спинками", queue);
        Assert.Contains("Реклама или спам", queue);
        Assert.Equal(HttpStatusCode.Redirect, (await moderator.PostAsync("/office/discussions/moderation?handler=Publish", [F("CommentId", good.Id.ToString())])).StatusCode);
        await moderator.GetAsync("/office/discussions/moderation");
        var noReason = await moderator.PostAsync("/office/discussions/moderation?handler=Refuse", [F("CommentId", spam.Id.ToString()), F("Reason", "")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Contains($"id=\"reason-{spam.Id}-error\"", await noReason.Content.ReadAsStringAsync());
        Assert.Equal(CommentState.Pending, await app.WithDbAsync(db => db.DiscussionComments.Where(c => c.Id == spam.Id).Select(c => c.State).SingleAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await moderator.PostAsync("/office/discussions/moderation?handler=Refuse",
            [F("CommentId", spam.Id.ToString()), F("Reason", nameof(CommentRefusal.Advertising))])).StatusCode);
        // A second decision on the same comment is refused.
        Assert.Equal(HttpStatusCode.Conflict, (await moderator.PostAsync("/office/discussions/moderation?handler=Publish", [F("CommentId", spam.Id.ToString())])).StatusCode);

        publicPage = await anonymous.GetStringAsync(page);
        Assert.Contains("Поставьте скамейки со спинками, пожалуйста.", publicPage);
        Assert.DoesNotContain("Купите окна", publicPage);
        Assert.Contains("не опубликован: Реклама или спам", await other.GetAsync("/my"));
        Assert.Contains("опубликован</li>", (await resident.GetAsync("/my")).Replace("\n", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Replace("—опубликован", "опубликован", StringComparison.Ordinal));

        // No summary while the discussion lasts.
        await editor.GetAsync($"/office/discussions/{discussion.Id}");
        Assert.Equal(HttpStatusCode.Conflict, (await editor.PostAsync($"/office/discussions/{discussion.Id}", [F("Summary", "Итоги пока рано подводить.")])).StatusCode);

        // The period ends: comments are refused at once, and the sweep marks the discussion closed (once).
        app.Clock.Advance(TimeSpan.FromDays(8));
        await resident.GetAsync(page);
        Assert.Equal(HttpStatusCode.Conflict, (await resident.PostAsync(page, [F("Text", "Ещё одно предложение по скверу.")], withBotFields: false)).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => DiscussionSweep.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, CancellationToken.None)));
        Assert.Equal(0, await app.WithDbAsync(db => DiscussionSweep.RunOnceAsync(db, app.Clock.GetUtcNow().UtcDateTime, CancellationToken.None)));
        Assert.Equal(DiscussionState.Closed, await app.WithDbAsync(db => db.Discussions.Select(d => d.State).SingleAsync()));
        list = await anonymous.GetStringAsync("/discussions");
        Assert.Contains("План благоустройства", list[list.IndexOf("id=\"finished\"", StringComparison.Ordinal)..]);

        // The summary: a verdict on each published comment, a reason unless accepted.
        var form = await editor.GetAsync($"/office/discussions/{discussion.Id}");
        Assert.Contains($"name=\"verdict-{good.Id}\"", form);
        Assert.DoesNotContain($"verdict-{spam.Id}", form);
        var incomplete = await editor.PostAsync($"/office/discussions/{discussion.Id}",
            [F("Summary", "Проект доработан с учётом предложений жителей."), F($"verdict-{good.Id}", "Partly"), F($"reason-{good.Id}", "")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, incomplete.StatusCode);
        Assert.Contains($"id=\"reason-{good.Id}-error\"", await incomplete.Content.ReadAsStringAsync());
        Assert.Null(await app.WithDbAsync(db => db.Discussions.Select(d => d.Summary).SingleAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await editor.PostAsync($"/office/discussions/{discussion.Id}",
            [F("Summary", "Проект доработан с учётом предложений жителей."), F($"verdict-{good.Id}", "Partly"),
             F($"reason-{good.Id}", "Скамейки со спинками поставим у входа; вдоль аллеи остаются прежние.")])).StatusCode);

        publicPage = await anonymous.GetStringAsync(page);
        Assert.Contains("Итоги обсуждения", publicPage);
        Assert.Contains("Проект доработан с учётом предложений жителей.", publicPage);
        Assert.Contains("<strong>Учтено частично</strong>: Скамейки со спинками поставим у входа; вдоль аллеи остаются прежние.", publicPage);

        // Apps read the same through the API.
        var json = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/discussions/{discussion.Id}");
        Assert.Equal("summarised", json.GetProperty("state").GetString(), ignoreCase: true);
        Assert.Equal("partly", json.GetProperty("comments")[0].GetProperty("verdict").GetString(), ignoreCase: true);
        Assert.Equal(1, json.GetProperty("comments").GetArrayLength());
        var open = await anonymous.GetFromJsonAsync<JsonElement>("/api/v1/discussions?open=true");
        Assert.Equal(0, open.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/discussions/{Guid.NewGuid()}")).StatusCode);
    }
}
