using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using MimeKit;
using Otklik.Features.Appeals;

namespace Otklik.Features.Channels;

/// <summary>
/// What a letter is, decided from the letter alone: pure functions, unit-tested without a server. An auto-reply, a
/// bounce or a mailing list is never an appeal; the text is plain text without markup, whatever the letter was.
/// </summary>
public static partial class Letters
{
    /// <summary>Why a letter is not a person writing to us (null: it is). RFC 3834, RFC 3464 and the common vendor headers.</summary>
    public static string? MachineLetter(MimeMessage m)
    {
        if (m.Headers["Auto-Submitted"] is { } auto && !auto.Trim().Equals("no", StringComparison.OrdinalIgnoreCase))
            return $"Автоответ (Auto-Submitted: {auto.Trim()}).";
        if (m.Headers.Contains("X-Autoreply") || m.Headers.Contains("X-Autorespond") || m.Headers.Contains("X-Auto-Response-Suppress") && m.Headers["X-Auto-Response-Suppress"]!.Contains("All", StringComparison.OrdinalIgnoreCase))
            return "Автоответ (заголовок X-Autoreply).";
        if (m.Headers["Precedence"]?.Trim().ToLowerInvariant() is "bulk" or "list" or "junk" or "auto_reply")
            return $"Массовая рассылка или автоответ (Precedence: {m.Headers["Precedence"]!.Trim()}).";
        if (m.Headers.Contains("List-Id") || m.Headers.Contains("List-Unsubscribe"))
            return "Письмо из списка рассылки (List-Id).";
        if (m.Body is MultipartReport || m.Body?.ContentType.IsMimeType("multipart", "report") == true)
            return "Уведомление о недоставке (multipart/report).";
        var sender = (m.From.Mailboxes.FirstOrDefault()?.Address ?? m.Sender?.Address ?? "").ToLowerInvariant();
        var local = sender.Split('@')[0];
        if (local is "mailer-daemon" or "postmaster" || m.Headers["Return-Path"]?.Trim() == "<>")
            return $"Уведомление почтового сервера ({sender}).";
        return null;
    }

    /// <summary>The letter's text: its plain part, else its HTML part turned into text (scripts and styles dropped).</summary>
    public static string BodyText(MimeMessage m)
    {
        if (m.TextBody is { } text && !string.IsNullOrWhiteSpace(text)) return text;
        return m.HtmlBody is { } html ? HtmlToText(html) : "";
    }

    static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "section", "article", "hr",
    };

    /// <summary>HTML as a person reads it: the text of the body, a line per block; script, style and head never enter it.</summary>
    public static string HtmlToText(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var dead in document.QuerySelectorAll("script, style, head, noscript, template, iframe, object").ToList()) dead.Remove();
        var sb = new StringBuilder();
        Walk(document.Body ?? (INode)document.DocumentElement, sb);
        return Regex.Replace(sb.ToString(), @"[ \t]*\n[ \t\n]*\n", "\n\n").Trim();
    }

    static void Walk(INode node, StringBuilder sb)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText t) sb.Append(Regex.Replace(t.Data, @"\s+", " "));
            else if (child is IElement e)
            {
                var block = Blocks.Contains(e.LocalName);
                if (block) sb.Append('\n');
                Walk(e, sb);
                if (e.LocalName == "a" && e.GetAttribute("href") is { } href && href.StartsWith("http", StringComparison.OrdinalIgnoreCase) && !e.TextContent.Contains(href, StringComparison.Ordinal))
                    sb.Append(" (").Append(href).Append(')');
                if (block) sb.Append('\n');
            }
        }
    }

    // The intake's own markup check (SubmitRules): "<" before a letter, "/", "!" or "?", a javascript: URL, an on…= handler.
    [GeneratedRegex(@"</?[a-zA-Z]|<[!?]|javascript\s*:|\bon[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex MarkupLike();

    /// <summary>
    /// Text that quotes markup ("&lt;b&gt;" written as text, "onclick=") would be refused by intake as markup; a letter is
    /// text, so those characters are replaced by look-alikes that no browser reads as markup.
    /// </summary>
    public static string Neutralise(string text) =>
        MarkupLike().Replace(text, m => m.Value.Replace('<', '‹').Replace(':', '：').Replace('=', '＝'));

    /// <summary>The reply without the quoted letter under it (lines starting with "&gt;" and the "… wrote:" line before them).</summary>
    public static string WithoutQuote(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').ToList();
        var firstQuote = lines.FindIndex(l => l.TrimStart().StartsWith('>'));
        if (firstQuote < 0) return text.Trim();
        var cut = firstQuote;
        while (cut > 0 && (string.IsNullOrWhiteSpace(lines[cut - 1]) || lines[cut - 1].TrimEnd().EndsWith(':'))) cut--;
        var kept = string.Join('\n', lines.Take(cut)).Trim();
        return kept.Length > 0 ? kept : text.Trim();
    }

    /// <summary>The sender as an applicant: "Фамилия Имя Отчество" (or "Имя Фамилия") from the display name, and the address.</summary>
    public static ApplicantInfo Applicant(MailboxAddress from)
    {
        var words = (from.Name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Trim('"', '\'', ',')).Where(w => w.Length > 0).Take(3).ToArray();
        var a = new ApplicantInfo { Kind = ApplicantKind.Person, Email = from.Address };
        switch (words.Length)
        {
            case 3: (a.LastName, a.FirstName, a.MiddleName) = (words[0], words[1], words[2]); break;
            case 2: (a.FirstName, a.LastName) = (words[0], words[1]); break;
            case 1: a.FirstName = words[0]; break;
            default: a.FirstName = from.Address.Split('@')[0]; break;
        }
        // 59-ФЗ asks for a surname; a letter signed with a first name only is still an appeal the moderator judges.
        a.LastName ??= "(не указана)";
        a.LastName = Cut(Neutralise(a.LastName), 100);
        a.FirstName = Cut(Neutralise(a.FirstName ?? ""), 100);
        a.MiddleName = a.MiddleName is null ? null : Cut(Neutralise(a.MiddleName), 100);
        return a;
    }

    [GeneratedRegex(@"\b(20\d\d-\d{6})\b")]
    private static partial Regex AppealNumber();

    /// <summary>The appeal number in a subject ("Re: Обращение № 2026-000123 принято"), if any.</summary>
    public static string? NumberIn(string? subject) => subject is not null && AppealNumber().Match(subject) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The ids the letter answers: In-Reply-To and References, without angle brackets, as MimeKit gives them.</summary>
    public static IReadOnlyList<string> Thread(MimeMessage m) =>
        [.. new[] { m.InReplyTo }.Concat(m.References).Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id!.Trim()).Distinct()];

    public static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
