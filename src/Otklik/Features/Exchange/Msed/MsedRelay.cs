using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Attachments;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Intake;
using Otklik.Features.Mail;
using Otklik.Infrastructure;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Otklik.Features.Exchange.Msed;

/// <summary>
/// Sends an appeal's document package to the document system (ADR 0044). The package is written with its outbox row
/// (<see cref="MessageTypes.DocumentPackage"/>) in the change that decided to send it; the outbox dispatcher calls <see cref="SendAsync"/>,
/// which builds the package (card XML, text PDF, the appeal's files) and hands it to the <see cref="IDocumentExchange"/>;
/// a refusal throws and the outbox retries it with its backoff. A package taken, and its registration, are lines of the
/// appeal's history.
/// </summary>
public sealed class MsedRelay(AppDbContext db, IDocumentExchange exchange, MsedSettings settings, IFileStore files, TimeProvider clock) : IOutboxRelay
{
    public IReadOnlyList<MessageType> Sends { get; } = [MessageTypes.DocumentPackage];
    public static readonly XNamespace Ns = "urn:otklik:msed:1";
    static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");

    public async Task<string> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(message.Payload);
        var packageId = doc.RootElement.GetProperty("package").GetGuid();
        var package = await db.DocumentPackages.SingleOrDefaultAsync(p => p.Id == packageId, ct);
        if (package is null) return "Пакет документов удалён вместе с обращением.";
        if (package.SentAtUtc is not null) return $"Пакет уже принят {settings.Title}.";
        var appeal = await db.Appeals.SingleAsync(a => a.Id == package.AppealId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var content = await BuildAsync(package, appeal, ct);
            var receipt = await exchange.SendAsync(content, ct);
            package.SentAtUtc = now;
            package.LastAttemptAtUtc = now;
            package.LastError = null;
            appeal.RecordExchanged($"{settings.Title} принял пакет документов для «{package.Recipient}»", now,
                new { package = package.Id, recipient = package.Recipient, files = content.Files.Count });
            if (receipt is { RegistrationNumber: { } number, RegisteredOn: { } on }) Register(appeal, package, number, on, now);
            await db.SaveChangesAsync(ct);
            return receipt.RegistrationNumber is { } n ? $"Пакет принят и зарегистрирован № {n}." : "Пакет принят, регистрация — по уведомлению.";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
            await db.DocumentPackages.Where(p => p.Id == packageId)
                .ExecuteUpdateAsync(x => x.SetProperty(p => p.LastError, error).SetProperty(p => p.LastAttemptAtUtc, now), CancellationToken.None);
            throw;
        }
    }

    /// <summary>The document system's registration of a package: kept on it and written into the appeal's history.</summary>
    public void Register(Appeal appeal, DocumentPackage package, string number, DateOnly on, DateTime nowUtc)
    {
        package.RegistrationNumber = number;
        package.RegisteredOn = on;
        appeal.RecordExchanged($"Пакет для «{package.Recipient}» зарегистрирован в {settings.Title}: № {number} от {on.ToString("dd.MM.yyyy", Ru)}", nowUtc,
            new { package = package.Id, registrationNumber = number, registeredOn = on });
    }

    public async Task<PackageContent> BuildAsync(DocumentPackage package, Appeal appeal, CancellationToken ct)
    {
        var attachments = await db.Attachments.AsNoTracking().Where(a => a.AppealId == appeal.Id && a.Purpose == AttachmentPurpose.Appeal)
            .OrderBy(a => a.UploadedAtUtc).ToListAsync(ct);
        var parts = new List<PackageFile>();
        foreach (var a in attachments)
        {
            await using var stream = await files.OpenAsync(a.StorageKey, ct)
                ?? throw new InvalidOperationException($"Файл «{a.FileName}» обращения не найден в хранилище.");
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            parts.Add(new PackageFile(a.FileName, a.ContentType, buffer.ToArray()));
        }
        var pdf = TextPdf(appeal, package);
        var owner = await db.Organisations.AsNoTracking().Where(o => o.Id == (appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId))
            .Select(o => o.Name).SingleAsync(ct);
        return new PackageContent(package.Id, Card(package, appeal, owner, pdf, parts), pdf, parts);
    }

    /// <summary>The registration card: what a clerk of the receiving body registers the package by.</summary>
    byte[] Card(DocumentPackage package, Appeal appeal, string organisation, byte[] pdf, IReadOnlyList<PackageFile> parts)
    {
        static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));
        var a = appeal.Applicant;
        var card = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement(Ns + "registrationCard",
            new XAttribute("packageId", package.Id), new XAttribute("kind", package.Kind == PackageKind.Letter ? "letter" : "appeal"),
            new XAttribute("createdAt", package.CreatedAtUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
            new XElement(Ns + "sender", new XElement(Ns + "system", settings.Sender), new XElement(Ns + "organisation", organisation)),
            new XElement(Ns + "recipient", package.Recipient),
            new XElement(Ns + "note", package.Note),
            new XElement(Ns + "appeal",
                new XElement(Ns + "number", appeal.Number),
                new XElement(Ns + "receivedAt", appeal.ReceivedAtUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
                new XElement(Ns + "regime", appeal.Regime.ToString()),
                new XElement(Ns + "dueAt", appeal.DueAtUtc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
                appeal.Address is { Length: > 0 } address ? new XElement(Ns + "address", address) : null),
            new XElement(Ns + "applicant", new XAttribute("kind", a.Kind.ToString().ToLowerInvariant()),
                new XElement(Ns + "name", a.DisplayName),
                a.Email is { Length: > 0 } email ? new XElement(Ns + "email", email) : null,
                a.Phone is { Length: > 0 } phone ? new XElement(Ns + "phone", phone) : null,
                a.PostalAddress is { Length: > 0 } postal ? new XElement(Ns + "postalAddress", postal) : null),
            new XElement(Ns + "files",
                new XElement(Ns + "file", new XAttribute("part", "text"), new XAttribute("name", "appeal.pdf"), new XAttribute("size", pdf.Length), new XAttribute("sha256", Sha(pdf))),
                parts.Select(p => new XElement(Ns + "file", new XAttribute("part", "file"), new XAttribute("name", p.FileName),
                    new XAttribute("contentType", p.ContentType), new XAttribute("size", p.Bytes.Length), new XAttribute("sha256", Sha(p.Bytes)))))));
        // UTF-8 without a byte-order mark: gateways that read the card as text must not find one before the declaration.
        using var stream = new MemoryStream();
        using (var writer = System.Xml.XmlWriter.Create(stream, new System.Xml.XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true }))
            card.Save(writer);
        return stream.ToArray();
    }

    /// <summary>The appeal's text as a PDF (A4, DejaVu Sans for Cyrillic, as the answer letter).</summary>
    static byte[] TextPdf(Appeal appeal, DocumentPackage package)
    {
        DejaVuFonts.EnsureRegistered();
        var document = new PdfDocument();
        document.Info.Title = $"Обращение № {appeal.Number}";
        var options = new XPdfFontOptions(PdfFontEncoding.Unicode, PdfFontEmbedding.TryComputeSubset);
        var regular = new XFont(DejaVuFonts.Family, 11, XFontStyleEx.Regular, options);
        var head = new XFont(DejaVuFonts.Family, 13, XFontStyleEx.Bold, options);
        const double left = 60, right = 40, top = 50, bottom = 60;
        PdfPage page = null!;
        XGraphics gfx = null!;
        double y = 0, width = 0;
        void NewPage()
        {
            gfx?.Dispose();
            page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            gfx = XGraphics.FromPdfPage(page);
            width = page.Width.Point - left - right;
            y = top;
        }
        void Line(string text, XFont font)
        {
            if (y + font.Height > page.Height.Point - bottom) NewPage();
            gfx.DrawString(text, font, XBrushes.Black, new XRect(left, y, width, font.Height), XStringFormats.TopLeft);
            y += font.Height * 1.25;
        }
        void Paragraph(string text, XFont font)
        {
            foreach (var raw in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
            {
                var line = "";
                foreach (var word in raw.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var next = line.Length == 0 ? word : line + " " + word;
                    if (line.Length > 0 && gfx.MeasureString(next, font).Width > width) { Line(line, font); line = word; }
                    else line = next;
                }
                Line(line, font);
            }
        }
        NewPage();
        Paragraph($"Обращение № {appeal.Number} от {appeal.ReceivedAtUtc.ToString("dd.MM.yyyy", Ru)}", head);
        Paragraph($"Заявитель: {appeal.Applicant.DisplayName}", regular);
        if (appeal.Applicant.PostalAddress is { Length: > 0 } postal) Paragraph($"Почтовый адрес: {postal}", regular);
        if (appeal.Address is { Length: > 0 } address) Paragraph($"Место: {address}", regular);
        Paragraph($"Адресат: {package.Recipient}", regular);
        if (package.Note.Length > 0) Paragraph($"Сопроводительная записка: {package.Note}", regular);
        y += 10;
        Paragraph(appeal.Text, regular);
        gfx.Dispose();
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }
}
