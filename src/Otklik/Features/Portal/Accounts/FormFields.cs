using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Otklik.Features.Portal.Accounts;

/// <summary>
/// The fields of the portal's forms, written one way: a label bound to its input, the error next to the field (announced
/// and linked by aria-describedby), and what the person typed kept.
/// </summary>
public static class FormFields
{
    static readonly HtmlEncoder Html = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    static string Id(string name) => name.ToLowerInvariant();

    public static IHtmlContent Text(AccountPage page, string name, string label, string? value, string type = "text",
        string? autocomplete = null, bool required = false, string? hint = null)
    {
        var id = Id(name);
        var error = page.ErrorFor(name);
        var described = string.Join(' ', new[] { hint is null ? null : id + "-hint", error is null ? null : id + "-error" }.Where(x => x is not null));
        var keep = type == "password" ? "" : $" value=\"{Html.Encode(value ?? "")}\"";
        return new HtmlString(
            $"<div class=\"field{(error is null ? "" : " has-error")}\"><label for=\"{id}\">{Html.Encode(label)}{(required ? " <span class=\"req\" aria-hidden=\"true\">*</span>" : "")}</label>" +
            (hint is null ? "" : $"<span id=\"{id}-hint\" class=\"hint\">{Html.Encode(hint)}</span>") +
            $"<input id=\"{id}\" name=\"{name}\" type=\"{type}\"{keep}" +
            (autocomplete is null ? "" : $" autocomplete=\"{autocomplete}\"") + (required ? " required" : "") +
            (error is null ? "" : " aria-invalid=\"true\"") + (described.Length == 0 ? "" : $" aria-describedby=\"{described}\"") + " />" +
            (error is null ? "" : $"<span id=\"{id}-error\" class=\"field-error\">{Html.Encode(error)}</span>") + "</div>");
    }

    public static IHtmlContent Check(AccountPage page, string name, string label, bool value)
    {
        var id = Id(name);
        var error = page.ErrorFor(name);
        return new HtmlString(
            $"<div class=\"field check{(error is null ? "" : " has-error")}\"><input id=\"{id}\" name=\"{name}\" type=\"checkbox\" value=\"true\"{(value ? " checked" : "")}" +
            (error is null ? "" : $" aria-invalid=\"true\" aria-describedby=\"{id}-error\"") + $" /> <label for=\"{id}\">{Html.Encode(label)}</label>" +
            // An unticked box sends nothing: the hidden "false" after it makes that an explicit no.
            $"<input type=\"hidden\" name=\"{name}\" value=\"false\" />" +
            (error is null ? "" : $"<span id=\"{id}-error\" class=\"field-error\">{Html.Encode(error)}</span>") + "</div>");
    }

    public static IHtmlContent Area(AccountPage page, string name, string label, string? value, bool required = false, int rows = 6)
    {
        var id = Id(name);
        var error = page.ErrorFor(name);
        return new HtmlString(
            $"<div class=\"field{(error is null ? "" : " has-error")}\"><label for=\"{id}\">{Html.Encode(label)}{(required ? " <span class=\"req\" aria-hidden=\"true\">*</span>" : "")}</label>" +
            $"<textarea id=\"{id}\" name=\"{name}\" rows=\"{rows}\"{(required ? " required" : "")}" +
            (error is null ? "" : $" aria-invalid=\"true\" aria-describedby=\"{id}-error\"") + $">{Html.Encode(value ?? "")}</textarea>" +
            (error is null ? "" : $"<span id=\"{id}-error\" class=\"field-error\">{Html.Encode(error)}</span>") + "</div>");
    }

    /// <summary>The message above the form, when there is one.</summary>
    public static IHtmlContent Alert(AccountPage page) =>
        page.Error is null ? HtmlString.Empty : new HtmlString($"<p class=\"error-box\" role=\"alert\">{Html.Encode(page.Error)}</p>");
}
