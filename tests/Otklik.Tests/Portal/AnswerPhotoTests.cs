using System.Net;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;
using static Otklik.Tests.Portal.PublicSupport;

namespace Otklik.Tests.Portal;

/// <summary>
/// Issue 17 item 6: the executor's answer photos reach the public page and /my as «Было / Стало» only once a moderator
/// has checked and published them; before that (and after being taken off) the public URL is 404 for everyone.
/// </summary>
public sealed class AnswerPhotoTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_answer_photo_is_public_as_before_and_after_only_once_a_moderator_published_it(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var before = await UploadAsync(app, Persona.Applicant, Png(8, 6), "яма.png");
        var a = await app.AppealInAsync(AppealStatus.InWork, Published(r, 0, "Яма у остановки, колёса страдают.").With("attachmentIds", new[] { before.Id }));
        var after = await UploadAsync(app, Persona.MunAExecutor, Png(10, 6), "заделано.png");
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer",
            new { text = "Яма заделана 25 ноября, фото прилагаем.", result = "supportedMeasuresTaken", attachmentIds = new[] { after.Id } });
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        a = await app.ActAsync(Persona.MunAController, a, "answer/approve");
        Assert.Equal(AppealStatus.AnswerSent, a.Status);

        var anonymous = app.Anonymous();
        var afterUrl = $"/appeals/{a.Number}/photos/{after.Id}";
        var beforeUrl = $"/appeals/{a.Number}/photos/{before.Id}";
        // Sent, but nobody has checked it for faces and number plates: not public.
        await anonymous.GetAsync(afterUrl).Expect(HttpStatusCode.NotFound);
        var page = await anonymous.HtmlAsync($"/appeals/{a.Number}");
        Assert.Contains("Яма заделана", page);
        Assert.DoesNotContain(after.Id.ToString(), page);
        Assert.DoesNotContain("Было / Стало", page);
        using var applicant = await FormSession.SignInAsync(app, Persona.Applicant);
        Assert.DoesNotContain("Было / Стало", await applicant.GetAsync($"/my/{a.Number}"));

        // Only a moderator publishes it: an executor is refused and nothing changes.
        using (var executor = await FormSession.SignInAsync(app, Persona.MunAExecutor))
        {
            var shown = await executor.GetRawAsync($"/office/moderation/{a.Id}");
            Assert.NotEqual(HttpStatusCode.OK, shown.StatusCode);
            executor.Remember(await shown.Content.ReadAsStringAsync());
            var refused = await executor.PostAsync($"/office/moderation/{a.Id}?handler=answerPhoto", [new("photo", after.Id.ToString()), new("publish", "true")]);
            Assert.NotEqual(HttpStatusCode.Redirect, refused.StatusCode);
        }
        await anonymous.GetAsync(afterUrl).Expect(HttpStatusCode.NotFound);

        using var moderator = await FormSession.SignInAsync(app, Persona.CentreModerator);
        var review = await moderator.GetAsync($"/office/moderation/{a.Id}");
        Assert.Contains("Фотографии ответа для портала", review);
        Assert.Contains("Не опубликована.", review);
        var published = await moderator.PostAsync($"/office/moderation/{a.Id}?handler=answerPhoto", [new("photo", after.Id.ToString()), new("publish", "true")]);
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Contains("опубликована на портале", await moderator.GetAsync($"/office/moderation/{a.Id}"));

        var served = await anonymous.GetAsync(afterUrl).Expect(HttpStatusCode.OK);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(after.Size, (await served.Content.ReadAsByteArrayAsync()).Length);
        // The public page (its cached copy dropped) shows the pair: the applicant's photo «Было», the answer's «Стало».
        page = await anonymous.HtmlAsync($"/appeals/{a.Number}");
        Assert.Contains("Было / Стало", page);
        Assert.Contains($"src=\"{beforeUrl}\" alt=\"Было:", page);
        Assert.Contains($"src=\"{afterUrl}\" alt=\"Стало:", page);
        var mine = await applicant.GetAsync($"/my/{a.Number}");
        Assert.Contains("Было / Стало", mine);
        Assert.Contains($"/api/v1/attachments/{after.Id}", mine);
        // Under another appeal's number it is still 404.
        var other = await app.AppealInAsync(AppealStatus.AnswerSent, Published(r, 1, "Другая яма, на другой улице."));
        await anonymous.GetAsync($"/appeals/{other.Number}/photos/{after.Id}").Expect(HttpStatusCode.NotFound);

        // Taken off the portal: 404 again, and the page no longer shows it.
        await moderator.GetAsync($"/office/moderation/{a.Id}");
        await moderator.PostAsync($"/office/moderation/{a.Id}?handler=answerPhoto", [new("photo", after.Id.ToString()), new("publish", "false")]);
        await anonymous.GetAsync(afterUrl).Expect(HttpStatusCode.NotFound);
        Assert.DoesNotContain("Было / Стало", await anonymous.HtmlAsync($"/appeals/{a.Number}"));
        Assert.Null(await app.WithDbAsync(db => db.Attachments.Where(f => f.Id == after.Id).Select(f => f.PublishedAtUtc).SingleAsync()));
    }
}
