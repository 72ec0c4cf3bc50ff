using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Otklik.Features.Mail;

/// <summary>
/// The answer as a printable letter on the organisation's letterhead — for an applicant without e-mail (a hotline
/// caller): the operator prints it and sends it by post. Outgoing number, date and signatory as on a paper reply.
/// </summary>
public static class AnswerLetterPdf
{
    static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>What goes on the letter, read from the appeal and its history.</summary>
    public sealed record Content(string Organisation, string OutgoingNumber, DateOnly Date, string Addressee, string? Address,
        string AppealNumber, DateOnly ReceivedOn, string Answer, IReadOnlyList<string> Files, string SignatoryName, string? SignatoryPosition);

    /// <summary>
    /// The outgoing number of the answer: the appeal's number and the answer's round (a reconsidered appeal's second
    /// answer is «/2»). There is no outgoing register in the schema yet; this number is stable and unique per answer.
    /// </summary>
    public static string OutgoingNumber(Appeal appeal) => $"{appeal.Number}/{appeal.ReconsiderationCount + 1}";

    /// <summary>The letter's content, or null when the appeal has no answer sent.</summary>
    public static async Task<Content?> LoadAsync(AppDbContext db, Guid appealId, CancellationToken ct)
    {
        var appeal = await db.Appeals.AsNoTracking().Include(a => a.History).SingleOrDefaultAsync(a => a.Id == appealId, ct);
        if (appeal is null || appeal.AnswerText is null || appeal.AnsweredAtUtc is null) return null;
        var orgId = appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId;
        var org = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == orgId, ct);
        var zone = TimeZones.IsValid(org.TimeZone) ? TimeZones.Find(org.TimeZone) : TimeZones.Find("Europe/Moscow");
        DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone));
        // Signed by whoever approved the answer, else whoever sent it.
        var signed = appeal.History.Where(e => e.Kind is EventKind.AnswerApproved or EventKind.AnswerSent && e.ActorId != null)
            .OrderByDescending(e => e.Kind == EventKind.AnswerApproved).ThenByDescending(e => e.Sequence).Select(e => e.ActorId).FirstOrDefault();
        var signatory = signed is { } sid ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == sid, ct) : null;
        var files = await db.Attachments.AsNoTracking().Where(a => a.AppealId == appeal.Id && a.Purpose == Attachments.AttachmentPurpose.Answer)
            .OrderBy(a => a.UploadedAtUtc).Select(a => a.FileName).ToListAsync(ct);
        var a = appeal.Applicant;
        var addressee = a.Kind == ApplicantKind.Organisation
            ? a.OrganisationName ?? a.RepresentativeName ?? "Заявителю"
            : string.Join(' ', new[] { a.LastName, a.FirstName, a.MiddleName }.Where(s => !string.IsNullOrWhiteSpace(s)));
        return new Content(org.Name, OutgoingNumber(appeal), LocalDate(appeal.AnsweredAtUtc.Value), addressee.Length > 0 ? addressee : "Заявителю",
            a.PostalAddress, appeal.Number, LocalDate(appeal.ReceivedAtUtc), appeal.AnswerText, files,
            signatory is null ? "—" : string.Join(' ', new[] { signatory.FirstName.Length > 0 ? signatory.FirstName[..1] + "." : null,
                signatory.MiddleName is { Length: > 0 } m ? m[..1] + "." : null, signatory.LastName }.Where(s => !string.IsNullOrWhiteSpace(s))),
            signatory?.Position);
    }

    /// <summary>Renders the letter: A4, DejaVu Sans embedded (Cyrillic needs a real TrueType font; PDF's base fonts have none).</summary>
    public static byte[] Render(Content c)
    {
        DejaVuFonts.EnsureRegistered();
        var document = new PdfDocument();
        document.Info.Title = $"Ответ на обращение № {c.AppealNumber}";
        document.Info.Author = c.Organisation;
        var options = new XPdfFontOptions(PdfFontEncoding.Unicode, PdfFontEmbedding.TryComputeSubset);
        var regular = new XFont(DejaVuFonts.Family, 11, XFontStyleEx.Regular, options);
        var bold = new XFont(DejaVuFonts.Family, 11, XFontStyleEx.Bold, options);
        var head = new XFont(DejaVuFonts.Family, 13, XFontStyleEx.Bold, options);
        var small = new XFont(DejaVuFonts.Family, 9, XFontStyleEx.Regular, options);

        const double left = 70, right = 40, top = 50, bottom = 60;
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
        void Line(string text, XFont font, XStringFormat? align = null)
        {
            if (y + font.Height > page.Height.Point - bottom) NewPage();
            gfx.DrawString(text, font, XBrushes.Black, new XRect(left, y, width, font.Height), align ?? XStringFormats.TopLeft);
            y += font.Height * 1.25;
        }
        void Paragraph(string text, XFont font)
        {
            foreach (var raw in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
            {
                if (raw.Trim().Length == 0) { y += font.Height * 0.6; continue; }
                var line = "";
                foreach (var word in raw.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var next = line.Length == 0 ? word : line + " " + word;
                    if (line.Length > 0 && gfx.MeasureString(next, font).Width > width) { Line(line, font); line = word; }
                    else line = next;
                }
                if (line.Length > 0) Line(line, font);
            }
        }

        NewPage();
        // The letterhead.
        Paragraph(c.Organisation.ToUpper(Ru), head);
        gfx.DrawLine(new XPen(XColors.Black, 0.8), left, y, left + width, y);
        y += 8;
        Line($"Исх. № {c.OutgoingNumber} от {c.Date.ToString("dd.MM.yyyy", Ru)}", regular);
        Line($"На № {c.AppealNumber} от {c.ReceivedOn.ToString("dd.MM.yyyy", Ru)}", regular);
        y += 12;
        Line(c.Addressee, bold, XStringFormats.TopRight);
        if (c.Address is { Length: > 0 } address) Line(address, regular, XStringFormats.TopRight);
        y += 16;
        Line($"Ответ на обращение № {c.AppealNumber}", head, XStringFormats.TopCenter);
        y += 6;
        Paragraph(c.Answer, regular);
        if (c.Files.Count > 0)
        {
            y += 8;
            Paragraph($"Приложение: {string.Join("; ", c.Files)}.", regular);
        }
        y += 30;
        if (c.SignatoryPosition is { Length: > 0 } position) Line(position, regular);
        Line(c.SignatoryName, bold, XStringFormats.TopRight);
        y += 24;
        Line("Письмо подготовлено на портале «Отклик»: ответ и ход рассмотрения — в личном кабинете заявителя.", small);
        gfx.Dispose();

        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }
}

/// <summary>
/// DejaVu Sans from the operating system (Debian: fonts-dejavu-core, which scripts/test.sh installs), or from the folder
/// named by OTKLIK_FONTS. Without it the letter cannot be drawn in Cyrillic, and the card says so instead of
/// printing empty boxes.
/// </summary>
public sealed class DejaVuFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    static readonly Lock Gate = new();
    static bool _registered;

    /// <summary>Thrown when no DejaVu Sans is found: the card turns it into a message for the operator.</summary>
    public sealed class MissingException(string message) : Exception(message);

    static readonly string[] Folders =
    [
        Environment.GetEnvironmentVariable("OTKLIK_FONTS") ?? "",
        "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF", "/usr/local/share/fonts",
        "/opt/homebrew/share/fonts", "/Library/Fonts",
    ];

    static string? Find(string file) => Folders.Where(f => f.Length > 0).Select(f => Path.Combine(f, file)).FirstOrDefault(File.Exists);

    public static bool Available => Find("DejaVuSans.ttf") is not null;

    public static void EnsureRegistered()
    {
        if (!Available)
            throw new MissingException("Не найден шрифт DejaVu Sans с кириллицей: установите пакет fonts-dejavu-core или укажите папку со шрифтом в переменной OTKLIK_FONTS.");
        lock (Gate)
        {
            if (_registered) return;
            GlobalFontSettings.FontResolver = new DejaVuFonts();
            _registered = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? "DejaVuSans-Bold" : "DejaVuSans");

    public byte[]? GetFont(string faceName) =>
        (Find(faceName + ".ttf") ?? Find("DejaVuSans.ttf")) is { } path ? File.ReadAllBytes(path) : null;
}
