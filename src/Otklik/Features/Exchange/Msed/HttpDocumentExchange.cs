using System.Globalization;
using System.Net.Http.Headers;
using System.Xml.Linq;

namespace Otklik.Features.Exchange.Msed;

/// <summary>
/// The reference exchange (ADR 0044, docs/msed.md): the package is POSTed to the gateway's <c>packages</c> as
/// multipart/form-data — <c>card</c> (card.xml), <c>text</c> (appeal.pdf), one <c>file</c> part per attachment — with
/// <c>X-Package-Id</c> (the same on every retry) and the gateway's key in <c>X-Exchange-Key</c>. Any 2xx means taken; its
/// body may carry <c>&lt;receipt registrationNumber="…" registeredOn="yyyy-MM-dd"/&gt;</c> when the document system
/// registers at once, else the registration comes later as a notice. The gateway is the region's own (often on its
/// internal network) and named in the configuration, so it is called directly, not through the partner client.
/// </summary>
public sealed class HttpDocumentExchange(IHttpClientFactory clients, MsedSettings settings) : IDocumentExchange
{
    public const string Client = "msed";
    public const string PackageHeader = "X-Package-Id";
    public const string KeyHeader = "X-Exchange-Key";

    public async Task<PackageReceipt> SendAsync(PackageContent package, CancellationToken ct)
    {
        var gateway = settings.Url ?? throw new InvalidOperationException($"{settings.Title}: адрес шлюза (Otklik:DocumentExchange:Url) не задан.");
        using var form = new MultipartFormDataContent();
        form.Add(Part(package.Card, "application/xml"), "card", "card.xml");
        form.Add(Part(package.TextPdf, "application/pdf"), "text", "appeal.pdf");
        foreach (var file in package.Files) form.Add(Part(file.Bytes, file.ContentType), "file", file.FileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "packages")) { Content = form };
        request.Headers.Add(PackageHeader, package.PackageId.ToString());
        if (settings.Key is { } key) request.Headers.Add(KeyHeader, key);
        using var response = await clients.CreateClient(Client).SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{settings.Title} не принял пакет: {(int)response.StatusCode} {Short(body)}");
        return ParseReceipt(body);
    }

    static ByteArrayContent Part(byte[] bytes, string contentType)
    {
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return part;
    }

    /// <summary>The receipt in a gateway's answer; an empty or other body means "taken, registration to follow".</summary>
    public static PackageReceipt ParseReceipt(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || !body.TrimStart().StartsWith('<')) return new(null, null);
        try
        {
            var root = XDocument.Parse(body).Root;
            if (root is null || root.Name.LocalName != "receipt") return new(null, null);
            var number = root.Attribute("registrationNumber")?.Value is { Length: > 0 and <= 100 } n ? n.Trim() : null;
            DateOnly? on = DateOnly.TryParseExact(root.Attribute("registeredOn")?.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
            return number is null || on is null ? new(null, null) : new(number, on);
        }
        catch (System.Xml.XmlException)
        {
            return new(null, null);
        }
    }

    static string Short(string s) => s.Length > 300 ? s[..300] : s;
}
