using System.Globalization;
using Otklik.Features.Mail;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Otklik.Features.Analytics;

/// <summary>
/// The dashboard as it stands (the same filters) as an A4 PDF with its charts: the key figures, the incoming columns
/// and the bars of the breakdowns and ratings, drawn from the same <see cref="DashboardFigures"/> as the page and the
/// XLSX (never from a screenshot), each bar with its number written beside it and a link to the appeals behind it
/// (absolute, from the configured public address). Fonts as in the printable answer: DejaVu Sans, embedded as a subset.
/// </summary>
public static class DashboardPdf
{
    /// <summary>The longest breakdown drawn as bars; the rest is in the XLSX and on the page.</summary>
    public const int MaxBars = 12;

    static readonly CultureInfo Ru = CultureInfo.GetCultureInfo("ru-RU");
    static readonly XColor BarColour = XColor.FromArgb(0x1f, 0x5f, 0x99);
    static readonly XColor OpenColour = XColor.FromArgb(0xc2, 0x5b, 0x00);

    public static byte[] Make(DashboardFigures f, string filters, string madeAt, string baseUrl)
    {
        DejaVuFonts.EnsureRegistered();
        var document = new PdfDocument();
        document.Info.Title = "Аналитика обращений " + f.Period;
        var options = new XPdfFontOptions(PdfFontEncoding.Unicode, PdfFontEmbedding.TryComputeSubset);
        var regular = new XFont(DejaVuFonts.Family, 8.5, XFontStyleEx.Regular, options);
        var small = new XFont(DejaVuFonts.Family, 7, XFontStyleEx.Regular, options);
        var bold = new XFont(DejaVuFonts.Family, 9.5, XFontStyleEx.Bold, options);
        var head = new XFont(DejaVuFonts.Family, 14, XFontStyleEx.Bold, options);
        const double margin = 40;
        PdfPage page = null!;
        XGraphics gfx = null!;
        double y = 0, width = 0;
        string Abs(string link) => baseUrl.TrimEnd('/') + link;

        void NewPage()
        {
            gfx?.Dispose();
            page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            gfx = XGraphics.FromPdfPage(page);
            width = page.Width.Point - 2 * margin;
            y = margin;
        }
        void Room(double needed) { if (y + needed > page.Height.Point - margin) NewPage(); }
        void Link(XRect area, string link) =>
            page.AddWebLink(new PdfRectangle(gfx.Transformer.WorldToDefaultPage(area)), Abs(link));
        string Fit(string text, XFont font, double room)
        {
            if (gfx.MeasureString(text, font).Width <= room) return text;
            while (text.Length > 1 && gfx.MeasureString(text + "…", font).Width > room) text = text[..^1];
            return text + "…";
        }
        void Text(string text, XFont font, double x, double room, XBrush? brush = null) =>
            gfx.DrawString(Fit(text, font, room), font, brush ?? XBrushes.Black, new XRect(x, y, room, font.Height), XStringFormats.TopLeft);
        void Heading(string text, double needed)
        {
            Room(bold.Height * 2 + needed);
            y += bold.Height * 0.6;
            Text(text, bold, margin, width);
            y += bold.Height * 1.5;
        }

        NewPage();
        Text("Аналитика обращений", head, margin, width);
        y += head.Height * 1.4;
        Text($"Поступили {f.Period} · {filters}", regular, margin, width);
        y += regular.Height * 1.3;
        Text($"Рассчитано {madeAt}. Каждый столбец — ссылка на обращения за ним.", regular, margin, width, XBrushes.DimGray);
        y += regular.Height * 1.6;

        // The key figures: two columns of «title — value», each a link to its appeals.
        Heading("Показатели", 0);
        var half = width / 2;
        for (var i = 0; i < f.Figures.Count; i += 2)
        {
            Room(regular.Height * 1.4);
            for (var j = 0; j < 2 && i + j < f.Figures.Count; j++)
            {
                var x = f.Figures[i + j];
                var left = margin + j * half;
                Text(x.Title, regular, left, half * 0.68);
                Text(x.Display, bold, left + half * 0.7, half * 0.28);
                if (x.Link is not null) Link(new XRect(left, y, half - 6, regular.Height), x.Link);
            }
            y += regular.Height * 1.4;
        }

        // Incoming over time: columns, the largest value on the axis, labels thinned to stay readable.
        Heading("Поступление", 150);
        {
            const double height = 120, labels = 14, axis = 30;
            var n = Math.Max(1, f.ByPeriod.Count);
            var step = (width - axis) / n;
            var max = Math.Max(1, f.ByPeriod.Count == 0 ? 1 : f.ByPeriod.Max(b => b.Count));
            var top = y;
            var bottom = top + height;
            gfx.DrawLine(XPens.Gray, margin + axis, bottom, margin + width, bottom);
            gfx.DrawString(max.ToString(Ru), small, XBrushes.DimGray, new XRect(margin, top - 3, axis - 4, small.Height), XStringFormats.TopRight);
            gfx.DrawString("0", small, XBrushes.DimGray, new XRect(margin, bottom - small.Height, axis - 4, small.Height), XStringFormats.TopRight);
            var every = (int)Math.Ceiling(n / 12.0);
            var brush = new XSolidBrush(BarColour);
            for (var i = 0; i < f.ByPeriod.Count; i++)
            {
                var b = f.ByPeriod[i];
                var h = b.Count == 0 ? 0 : Math.Max(0.8, (double)b.Count / max * height);
                var x = margin + axis + i * step;
                var bar = new XRect(x + step * 0.12, bottom - h, Math.Max(0.6, step * 0.76), h);
                if (h > 0) gfx.DrawRectangle(brush, bar);
                Link(new XRect(x, top, step, height), b.Link);
                if (i % every == 0)
                    gfx.DrawString(b.Label, small, XBrushes.DimGray, new XRect(x - step * every / 2 + step / 2, bottom + 2, step * every, labels), XStringFormats.TopCenter);
            }
            y = bottom + labels + 6;
        }

        // A breakdown: horizontal bars, received and (a second, thinner bar) still open, with the numbers written.
        void Bars(string title, IReadOnlyList<Slice> slices)
        {
            if (slices.Count == 0) return;
            var shown = slices.OrderByDescending(s => s.Total).Take(MaxBars).ToList();
            const double row = 17;
            Heading(title + (slices.Count > shown.Count ? $" (первые {shown.Count} из {slices.Count})" : ""), row * Math.Min(4, shown.Count));
            var labelWidth = width * 0.36;
            var barMax = width * 0.44;
            var max = Math.Max(1, shown.Max(s => s.Total));
            var total = new XSolidBrush(BarColour);
            var open = new XSolidBrush(OpenColour);
            foreach (var s in shown)
            {
                Room(row);
                Text(s.Name, regular, margin, labelWidth - 6);
                var w = s.Total == 0 ? 0 : Math.Max(1.5, (double)s.Total / max * barMax);
                var wo = s.Open == 0 ? 0 : Math.Max(1.5, (double)s.Open / max * barMax);
                var x = margin + labelWidth;
                if (w > 0) gfx.DrawRectangle(total, new XRect(x, y + 1, w, 7));
                if (wo > 0) gfx.DrawRectangle(open, new XRect(x, y + 9, wo, 3.5));
                Link(new XRect(x, y, Math.Max(w, 12), 12), s.Link);
                gfx.DrawString($"{s.Total.ToString(Ru)} · открыто {s.Open.ToString(Ru)} · просрочено {s.Overdue.ToString(Ru)}", small, XBrushes.Black,
                    new XRect(x + w + 4, y + 1, width - labelWidth - w - 4, small.Height), XStringFormats.TopLeft);
                y += row;
            }
            Room(small.Height * 1.5);
            gfx.DrawRectangle(total, new XRect(margin + labelWidth, y + 2, 8, 6));
            gfx.DrawString("поступило", small, XBrushes.DimGray, new XRect(margin + labelWidth + 11, y + 1, 60, small.Height), XStringFormats.TopLeft);
            gfx.DrawRectangle(open, new XRect(margin + labelWidth + 70, y + 3, 8, 3.5));
            gfx.DrawString("открыто сейчас", small, XBrushes.DimGray, new XRect(margin + labelWidth + 81, y + 1, 80, small.Height), XStringFormats.TopLeft);
            y += small.Height * 1.8;
        }
        Bars("По каналам", f.ByChannel);
        Bars("По категориям", f.ByCategory);
        Bars("По территориям", f.ByTerritory);
        Bars("По исполнителям", f.ByOrganisation);

        if (f.Ratings.Any(r => r.Count > 0))
        {
            Heading("Оценки заявителей", 5 * 15);
            var max = Math.Max(1, f.Ratings.Max(r => r.Count));
            var brush = new XSolidBrush(BarColour);
            foreach (var r in f.Ratings)
            {
                Room(15);
                Text(r.Label, regular, margin, width * 0.2);
                var w = r.Count == 0 ? 0 : Math.Max(1.5, (double)r.Count / max * width * 0.5);
                if (w > 0) gfx.DrawRectangle(brush, new XRect(margin + width * 0.2, y + 1, w, 8));
                Link(new XRect(margin + width * 0.2, y, Math.Max(w, 12), 10), r.Link);
                gfx.DrawString(r.Count.ToString(Ru), small, XBrushes.Black, new XRect(margin + width * 0.2 + w + 4, y + 1, 60, small.Height), XStringFormats.TopLeft);
                y += 15;
            }
        }

        gfx.Dispose();
        using var stream = new MemoryStream();
        document.Save(stream);
        return stream.ToArray();
    }
}
