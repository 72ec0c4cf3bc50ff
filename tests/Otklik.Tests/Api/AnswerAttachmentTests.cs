using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>The executor's files go with the answer: uploaded first, bound by id when the answer is written, served to the applicant.</summary>
public sealed class AnswerAttachmentTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_document_drafted_with_the_answer_is_bound_as_the_answers_and_the_applicant_downloads_it(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        var pdf = Pdf("Акт выполненных работ");
        var act = await UploadAsync(app, Persona.MunAExecutor, pdf, "акт.pdf");
        Assert.Equal(AttachmentPurpose.Appeal, act.Purpose);

        a = await app.ActAsync(Persona.MunAExecutor, a, "answer",
            new { text = "Яма заделана 25 ноября, акт прилагаем.", result = "supportedMeasuresTaken", attachmentIds = new[] { act.Id } });

        Assert.Equal(AppealStatus.AnswerDraft, a.Status);
        var shown = Assert.Single(a.Attachments, x => x.Id == act.Id);
        Assert.Equal((AttachmentPurpose.Answer, "application/pdf", "акт.pdf"), (shown.Purpose, shown.ContentType, shown.FileName));
        var stored = await app.WithDbAsync(db => db.Attachments.AsNoTracking().SingleAsync(x => x.Id == act.Id));
        Assert.Equal(((Guid?)a.Id, AttachmentPurpose.Answer), (stored.AppealId, stored.Purpose));

        // A draft is not the applicant's to see: neither its file in the appeal nor the file itself.
        Assert.DoesNotContain((await app.GetAsync(a.Id, Persona.Applicant)).Attachments, x => x.Id == act.Id);
        await app.ClientAs(Persona.Applicant).GetAsync($"/api/v1/attachments/{act.Id}").Expect(HttpStatusCode.NotFound);
        await app.ClientAs(Persona.MunAController).GetAsync($"/api/v1/attachments/{act.Id}").Expect(HttpStatusCode.OK);
        a = await app.ActAsync(Persona.MunAExecutor, a, "answer/submit");
        a = await app.ActAsync(Persona.MunAController, a, "answer/approve");

        // Once sent, the applicant tells the answer's file from their own, and gets it.
        var seen = await app.GetAsync(a.Id, Persona.Applicant);
        Assert.Equal(AttachmentPurpose.Answer, seen.Attachments.Single(x => x.Id == act.Id).Purpose);
        var download = await app.ClientAs(Persona.Applicant).GetAsync($"/api/v1/attachments/{act.Id}").Expect(HttpStatusCode.OK);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        await app.ClientAs(Persona.OtherApplicant).GetAsync($"/api/v1/attachments/{act.Id}").Expect(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Someone_elses_file_is_refused_on_attachmentIds_and_the_draft_is_not_saved(Engine engine)
    {
        var app = await pool.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        var mine = await UploadAsync(app, Persona.MunAExecutor, Pdf("Справка"), "справка.pdf");
        var foreign = await UploadAsync(app, Persona.OtherApplicant, Pdf("Чужой файл"), "чужой.pdf");
        var before = await app.EventsAsync(a.Id);

        foreach (var ids in new[] { new[] { mine.Id, foreign.Id }, [Guid.NewGuid()], [mine.Id, mine.Id] })
        {
            var problem = await app.ClientAs(Persona.MunAExecutor).PostJsonAsync($"/api/v1/appeals/{a.Id}/answer",
                    new { version = a.Version, text = "Ответ с чужим файлом.", result = "explained", attachmentIds = ids })
                .ExpectProblem(HttpStatusCode.UnprocessableEntity, "attachments.unknown");
            Assert.True(problem.GetProperty("errors").TryGetProperty("attachmentIds", out _));
        }

        var saved = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal((AppealStatus.InWork, (string?)null, a.Version), (saved.Status, saved.AnswerText, saved.Version));
        Assert.Equal(before.Count, (await app.EventsAsync(a.Id)).Count);
        var files = await app.WithDbAsync(db => db.Attachments.AsNoTracking().Where(x => x.Id == mine.Id || x.Id == foreign.Id).ToListAsync());
        Assert.All(files, f => Assert.Equal(((Guid?)null, AttachmentPurpose.Appeal), (f.AppealId, f.Purpose)));

        // Eleven files are more than an answer takes.
        var many = new List<Guid>();
        for (var i = 0; i < 11; i++) many.Add((await UploadAsync(app, Persona.MunAExecutor, Pdf($"Лист {i}"), $"лист-{i}.pdf")).Id);
        await app.ClientAs(Persona.MunAExecutor).PostJsonAsync($"/api/v1/appeals/{a.Id}/answer",
                new { version = a.Version, text = "Ответ с приложениями.", result = "explained", attachmentIds = many })
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "attachments.too_many");
        Assert.Equal(0, await app.WithDbAsync(db => db.Attachments.CountAsync(x => many.Contains(x.Id) && x.AppealId != null)));
    }

    internal static async Task<AttachmentsApi.AttachmentView> UploadAsync(TestApp app, Persona who, byte[] bytes, string name)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var form = new MultipartFormDataContent { { file, "file", name } };
        var response = await app.ClientAs(who).PostAsync("/api/v1/attachments", form).Expect(HttpStatusCode.Created);
        return await response.ReadAsync<AttachmentsApi.AttachmentView>();
    }

    /// <summary>A small document that begins as every PDF does, which is what the sniffer reads.</summary>
    internal static byte[] Pdf(string title) =>
        Encoding.ASCII.GetBytes($"%PDF-1.4\n1 0 obj << /Type /Catalog /Title ({Convert.ToBase64String(Encoding.UTF8.GetBytes(title))}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
}
