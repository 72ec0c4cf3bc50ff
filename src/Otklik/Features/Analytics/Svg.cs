using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace Otklik.Features.Analytics;

/// <summary>
/// Charts drawn on the server as inline SVG: no script, no outside library, nothing for the content security policy to
/// allow. Each bar is a link to the appeals behind it; the drawing is hidden from screen readers, which read the table
/// printed beside every chart instead. Colours come from analytics.css (classes), so the high-contrast version applies.
/// </summary>
public static class Svg
{
    static readonly CultureInfo Ic = CultureInfo.InvariantCulture;

    static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>Horizontal bars, one a row: label above, value after the bar.</summary>
    public static IHtmlContent Bars(string id, IReadOnlyList<(string Label, double Value, string Display, string? Link)> rows)
    {
        const int width = 420, row = 34, barMax = 320;
        var max = rows.Count == 0 ? 1 : Math.Max(1e-9, rows.Max(r => r.Value));
        var height = Math.Max(row, rows.Count * row);
        var sb = new StringBuilder();
        sb.Append(Ic, $"<svg class=\"bars\" data-chart=\"{E(id)}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" aria-hidden=\"true\" focusable=\"false\">");
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, value, display, link) = rows[i];
            var y = i * row;
            var w = value <= 0 ? 0 : Math.Max(2, (int)Math.Round(value / max * barMax));
            if (link is not null) sb.Append(Ic, $"<a href=\"{E(link)}\" tabindex=\"-1\">");
            sb.Append(Ic, $"<text x=\"0\" y=\"{y + 11}\" class=\"bar-label\">{E(Trim(label, 60))}</text>");
            sb.Append(Ic, $"<rect x=\"0\" y=\"{y + 15}\" width=\"{w}\" height=\"13\" rx=\"2\" class=\"bar\"></rect>");
            sb.Append(Ic, $"<text x=\"{w + 6}\" y=\"{y + 26}\" class=\"bar-value\">{E(display)}</text>");
            if (link is not null) sb.Append("</a>");
        }
        sb.Append("</svg>");
        return new HtmlString(sb.ToString());
    }

    /// <summary>Vertical columns over time (days, weeks or months), labels thinned to stay readable.</summary>
    public static IHtmlContent Columns(string id, IReadOnlyList<Bar> bars)
    {
        const int height = 180, top = 14, bottom = 34, left = 34;
        var n = Math.Max(1, bars.Count);
        var step = Math.Max(6.0, Math.Min(60.0, 1000.0 / n));
        var width = (int)Math.Ceiling(left + n * step + 8);
        var max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Count));
        var plot = height - top - bottom;
        var every = (int)Math.Ceiling(n / 20.0);
        var sb = new StringBuilder();
        sb.Append(Ic, $"<svg class=\"columns\" data-chart=\"{E(id)}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" aria-hidden=\"true\" focusable=\"false\">");
        sb.Append(Ic, $"<line x1=\"{left}\" y1=\"{top + plot}\" x2=\"{width}\" y2=\"{top + plot}\" class=\"axis\"></line>");
        sb.Append(Ic, $"<text x=\"{left - 4}\" y=\"{top + 4}\" text-anchor=\"end\" class=\"bar-value\">{max}</text>");
        sb.Append(Ic, $"<text x=\"{left - 4}\" y=\"{top + plot}\" text-anchor=\"end\" class=\"bar-value\">0</text>");
        for (var i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            var h = b.Count == 0 ? 0 : Math.Max(1.0, (double)b.Count / max * plot);
            var x = left + i * step;
            sb.Append(Ic, $"<a href=\"{E(b.Link)}\" tabindex=\"-1\"><rect x=\"{x + step * 0.12:0.##}\" y=\"{top + plot - h:0.##}\" width=\"{step * 0.76:0.##}\" height=\"{h:0.##}\" class=\"bar\"><title>{E(b.Label)}: {b.Count}</title></rect></a>");
            if (i % every == 0)
                sb.Append(Ic, $"<text x=\"{x + step / 2:0.##}\" y=\"{height - bottom + 14}\" text-anchor=\"middle\" class=\"bar-label\">{E(Trim(b.Label, 12))}</text>");
        }
        sb.Append("</svg>");
        return new HtmlString(sb.ToString());
    }

    static string Trim(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
