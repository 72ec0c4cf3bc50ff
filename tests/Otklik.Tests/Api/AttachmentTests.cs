using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>Photos and documents: uploaded, bound to an appeal on submission, recognised by content, and shown only to those who see the appeal.</summary>
public sealed class AttachmentTests(AppPool pool) : IClassFixture<AppPool>
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_photo_and_a_document_travel_with_the_appeal_and_are_served_to_those_in_scope(Engine engine)
    {
        var app = await pool.For(engine);
        var r = app.Region;
        var png = Png(4, 3);
        var pdf = Pdf("Заявление о ремонте дороги");

        // The client's claimed type is ignored: the bytes decide.
        var photo = await UploadAsync(app, Persona.Applicant, png, "яма у дома.png", "application/octet-stream");
        Assert.Equal(("image/png", AttachmentKind.Photo, (long)png.Length, "яма у дома.png"), (photo.ContentType, photo.Kind, photo.Size, photo.FileName));
        var document = await UploadAsync(app, Persona.Applicant, pdf, "scan-0001.bin", "image/jpeg");
        Assert.Equal(("application/pdf", AttachmentKind.Document, (long)pdf.Length), (document.ContentType, document.Kind, document.Size));

        // Before it is bound, only the uploader sees the file.
        await DownloadAsync(app.ClientAs(Persona.Applicant), photo.Id, png, "image/png");
        await app.ClientAs(Persona.OtherApplicant).GetAsync($"/api/v1/attachments/{photo.Id}").Expect(HttpStatusCode.NotFound);
        await app.ClientAs(Persona.CentreModerator).GetAsync($"/api/v1/attachments/{photo.Id}").Expect(HttpStatusCode.NotFound);

        // Someone else cannot attach the applicant's files to their own appeal.
        var stolen = await app.ClientAs(Persona.OtherApplicant).PostJsonAsync("/api/v1/appeals", Samples.Pothole(r).With("attachmentIds", new[] { photo.Id }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "attachments.unknown");
        Assert.True(stolen.GetProperty("errors").TryGetProperty("attachmentIds", out _));
        Assert.Null(await app.WithDbAsync(db => db.Attachments.Where(x => x.Id == photo.Id).Select(x => x.AppealId).SingleAsync()));

        var a = await app.SubmitAsync(Samples.Pothole(r).With("attachmentIds", new[] { photo.Id, document.Id }));
        Assert.Equal([photo.Id, document.Id], a.Attachments.Select(x => x.Id).Order());
        Assert.Equal("image/png", a.Attachments.Single(x => x.Id == photo.Id).ContentType);
        Assert.Equal("application/pdf", a.Attachments.Single(x => x.Id == document.Id).ContentType);
        var stored = await app.WithDbAsync(db => db.Attachments.AsNoTracking().Where(x => x.AppealId == a.Id).ToListAsync());
        Assert.Equal(2, stored.Count);
        var storedPhoto = stored.Single(x => x.Id == photo.Id);
        Assert.Equal((app.Region.IdOf(Persona.Applicant), (long)png.Length), (storedPhoto.UploadedById!.Value, storedPhoto.Size));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png)), storedPhoto.Sha256);

        // Staff reading the appeal see the list of files.
        var seen = await app.GetAsync(a.Id, Persona.CentreModerator);
        Assert.Equal(2, seen.Attachments.Count);

        await DownloadAsync(app.ClientAs(Persona.Applicant), photo.Id, png, "image/png");
        await DownloadAsync(app.ClientAs(Persona.CentreModerator), document.Id, pdf, "application/pdf");
        await app.ClientAs(Persona.MunAExecutor).GetAsync($"/api/v1/attachments/{photo.Id}").Expect(HttpStatusCode.NotFound);

        a = await app.ActAsync(Persona.CentreModerator, a, "register");
        await DownloadAsync(app.ClientAs(Persona.MunAExecutor), photo.Id, png, "image/png");
        await DownloadAsync(app.ClientAs(Persona.MunADispatcher), document.Id, pdf, "application/pdf");

        foreach (var outsider in new[] { Persona.OtherApplicant, Persona.MunBExecutor, Persona.MinInvestDispatcher })
        {
            await app.ClientAs(outsider).GetAsync($"/api/v1/attachments/{photo.Id}").Expect(HttpStatusCode.NotFound);
            await app.ClientAs(outsider).GetAsync($"/api/v1/attachments/{document.Id}").Expect(HttpStatusCode.NotFound);
        }
        await app.Anonymous().GetAsync($"/api/v1/attachments/{photo.Id}").Expect(HttpStatusCode.NotFound);

        // A file bound to one appeal cannot be bound to a second.
        await app.ClientAs(Persona.Applicant).PostJsonAsync("/api/v1/appeals", Samples.Pothole(r).With("attachmentIds", new[] { photo.Id }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "attachments.unknown");
        Assert.Equal(a.Id, await app.WithDbAsync(db => db.Attachments.Where(x => x.Id == photo.Id).Select(x => x.AppealId).SingleAsync()));
    }

    internal static async Task<AttachmentsApi.AttachmentView> UploadAsync(TestApp app, Persona who, byte[] bytes, string name, string claimedType)
    {
        using var form = Form(bytes, name, claimedType);
        var response = await app.ClientAs(who).PostAsync("/api/v1/attachments", form).Expect(HttpStatusCode.Created);
        return await response.ReadAsync<AttachmentsApi.AttachmentView>();
    }

    static MultipartFormDataContent Form(byte[] bytes, string name, string claimedType)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(claimedType);
        return new MultipartFormDataContent { { file, "file", name } };
    }

    static async Task DownloadAsync(HttpClient client, Guid id, byte[] expected, string contentType)
    {
        var response = await client.GetAsync($"/api/v1/attachments/{id}").Expect(HttpStatusCode.OK);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>A real PNG image: signature, IHDR, zlib-compressed RGB scanlines in IDAT, IEND, each chunk with its CRC.</summary>
    internal static byte[] Png(int width, int height)
    {
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var x = 0; x < width; x++) raw.Write([(byte)(60 * x), (byte)(80 * y), 120]);
        }
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        s.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        s.Write(crc);
    }

    static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>A minimal one-page PDF with a cross-reference table.</summary>
    static byte[] Pdf(string title)
    {
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            $"<< /Title <FEFF{Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(title))}> >>",
        };
        var sb = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(sb.ToString()));
            sb.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = Encoding.ASCII.GetByteCount(sb.ToString());
        sb.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) sb.Append($"{o:D10} 00000 n \n");
        sb.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
