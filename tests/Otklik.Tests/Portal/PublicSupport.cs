using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>Published appeals for the public portal's tests, and a browser-like client (cookie, antiforgery token).</summary>
public static class PublicSupport
{
    /// <summary>A pothole the applicant agreed to publish, at its own point inside territory A (points apart at any zoom).</summary>
    public static Dictionary<string, object?> Published(TestRegion r, int i, string text) =>
        Samples.Pothole(r, (56.72 + 0.011 * (i % 25), 60.02 + 0.017 * (i % 25)), text);

    public static async Task<string> HtmlAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {url}: expected {(int)expected}, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
        return body;
    }

    /// <summary>The appeal numbers a page links to, in the order it shows them.</summary>
    public static List<string> Numbers(string html) =>
        [.. Regex.Matches(html, "href=\"/appeals/(\\d{4}-\\d{6})\"").Select(m => m.Groups[1].Value).Distinct()];

    public static async Task<AttachmentsApi.AttachmentView> UploadAsync(TestApp app, Persona who, byte[] bytes, string name)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await app.ClientAs(who).PostAsync("/api/v1/attachments", new MultipartFormDataContent { { file, "file", name } }).Expect(HttpStatusCode.Created);
        return await response.ReadAsync<AttachmentsApi.AttachmentView>();
    }

    public static Task EnsurePasswordAsync(TestApp app, Persona persona) => app.EnsurePasswordAsync(persona);

    public static byte[] Png(int width, int height)
    {
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            for (var x = 0; x < width; x++) raw.Write([(byte)(200 - 3 * x), (byte)(120 + 2 * y), 90]);
        }
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
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
        var crc = 0xFFFFFFFFu;
        foreach (var b in typed)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        var tail = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(tail, ~crc);
        s.Write(tail);
    }
}

/// <summary>A signed-in person's browser without the browser (<see cref="FormSession"/>).</summary>
public sealed class PortalClient(HttpClient client) : FormSession(client)
{
    public static new async Task<PortalClient> SignInAsync(TestApp app, Persona persona) => new(await app.SignedInClientAsync(persona));

    public Task<string> PageAsync(string url) => GetAsync(url);

    public Task<HttpResponseMessage> PostAsync(string url, Dictionary<string, string>? fields = null) => base.PostAsync(url, fields ?? []);
}
