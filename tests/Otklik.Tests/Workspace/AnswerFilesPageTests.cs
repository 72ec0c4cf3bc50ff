using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Tests.Api;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Workspace;

/// <summary>The card's answer form takes files: checked as uploads are, stored and bound to the answer in the same change.</summary>
public sealed class AnswerFilesPageTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Files_posted_with_the_answer_form_are_bound_to_the_answer_and_listed_apart(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        using var executor = await Office.SignInAsync(app, Persona.MunAExecutor);
        var card = await executor.HtmlAsync($"/office/appeals/{a.Id}");
        Assert.Contains("enctype=\"multipart/form-data\"", card);
        Assert.Contains("<input type=\"file\" id=\"answer-files\" name=\"files\" multiple", card);
        var pdf = AnswerAttachmentTests.Pdf("Акт обследования");

        var response = await executor.PostAsync($"/office/appeals/{a.Id}?handler=Answer", Form(card, a.Version,
            ("акт обследования.pdf", pdf), ("", [])));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var saved = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal((AppealStatus.AnswerDraft, "Обследование проведено, акт прилагаем."), (saved.Status, saved.AnswerText));
        var file = await app.WithDbAsync(db => db.Attachments.AsNoTracking().SingleAsync(x => x.AppealId == a.Id && x.Purpose == AttachmentPurpose.Answer));
        Assert.Equal(("акт обследования.pdf", "application/pdf", (long)pdf.Length, (Guid?)app.Region.IdOf(Persona.MunAExecutor)),
            (file.FileName, file.ContentType, file.Size, file.UploadedById));
        var download = await app.ClientAs(Persona.MunAExecutor).GetAsync($"/api/v1/attachments/{file.Id}").Expect(HttpStatusCode.OK);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        // The applicant gets the file only once the answer is sent, never while it is a draft.
        await app.ClientAs(Persona.Applicant).GetAsync($"/api/v1/attachments/{file.Id}").Expect(HttpStatusCode.NotFound);

        card = await executor.HtmlAsync($"/office/appeals/{a.Id}");
        Assert.Matches($"Файлы ответа:\\s*<a href=\"/api/v1/attachments/{file.Id}\">акт обследования.pdf</a>", card);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_file_that_is_not_a_document_is_refused_next_to_the_field_and_nothing_is_stored(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        using var executor = await Office.SignInAsync(app, Persona.MunAExecutor);
        var card = await executor.HtmlAsync($"/office/appeals/{a.Id}");

        var response = await executor.PostAsync($"/office/appeals/{a.Id}?handler=SubmitAnswer", Form(card, a.Version,
            ("акт.pdf", AnswerAttachmentTests.Pdf("Акт")), ("отчёт.pdf", "<html><script>alert(1)</script></html>"u8.ToArray())));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches("<span id=\"answer-files-error\" class=\"field-error\" role=\"alert\">Файл «отчёт.pdf»: допустимы", html);
        // The form keeps what was typed.
        Assert.Contains("Обследование проведено, акт прилагаем.</textarea>", html);

        var saved = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal((AppealStatus.InWork, a.Version), (saved.Status, saved.Version));
        Assert.Equal(0, await app.WithDbAsync(db => db.Attachments.CountAsync(x => x.AppealId == a.Id && x.Purpose == AttachmentPurpose.Answer)));
    }

    /// <summary>The answer form as a browser posts it: multipart, with the page's antiforgery token.</summary>
    static MultipartFormDataContent Form(string page, int version, params (string Name, byte[] Bytes)[] files)
    {
        var token = FormSession.TokenIn(page);
        Assert.NotNull(token);
        var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(version.ToString(System.Globalization.CultureInfo.InvariantCulture)), "Version" },
            { new StringContent("Обследование проведено, акт прилагаем.", Encoding.UTF8), "AnswerText" },
            { new StringContent("SupportedMeasuresTaken"), "AnswerResult" },
        };
        foreach (var (name, bytes) in files)
        {
            // An empty part with no name is what a browser sends for a file field left empty.
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"files\"", FileName = $"\"{name}\"" };
            form.Add(part);
        }
        return form;
    }
}
