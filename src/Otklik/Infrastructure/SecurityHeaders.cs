namespace Otklik.Infrastructure;

/// <summary>
/// Headers on every response (issue 14, item 15). The pages carry no inline script, so the policy allows scripts from
/// the site only; no page may be framed by another (clickjacking of the forms); the browser must not guess a type
/// (an uploaded file served as what it claims to be); other sites learn only our origin from a link.
/// The API viewer (/api-docs, Scalar) writes its configuration as an inline script and styles itself inline, so that
/// one path has its own, looser policy; it shows no personal data and takes no cookie-authenticated action of its own.
/// </summary>
public static class SecurityHeaders
{
    public static string SitePolicy(IConfiguration config)
    {
        // The tile server, when one is configured, is the only other origin a page loads from (map images).
        // A template's {s} subdomains (a., b., c.) are allowed as a wildcard.
        var template = config["Otklik:Map:TileUrl"] ?? "";
        var tiles = Uri.TryCreate(template.Replace("{s}", "s", StringComparison.Ordinal), UriKind.Absolute, out var t)
            ? " " + (template.Contains("//{s}.", StringComparison.Ordinal) ? t.Scheme + "://*." + t.Authority[2..] : t.GetLeftPart(UriPartial.Authority)) : "";
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:" + tiles + "; font-src 'self'; "
            + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }

    public const string ApiViewerPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Set by the embed page in HttpContext.Items: the site's allowed origins, space-separated (already checked origins).</summary>
    public const string FrameAncestorsItem = "Otklik.FrameAncestors";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var site = SitePolicy(app.Configuration);
        app.Use((http, next) =>
        {
            // Set as the answer starts, so that error pages and answers of later middleware carry them as well.
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/api-docs") ? ApiViewerPolicy : site;
                headers.XContentTypeOptions = "nosniff";
                // A partner site's embedded form (/embed/{key}) names the origins that may frame it; X-Frame-Options cannot
                // list origins, so it is left off there and the policy's frame-ancestors (which browsers prefer) says it.
                if (http.Request.Path.StartsWithSegments("/embed") && http.Items[FrameAncestorsItem] is string ancestors)
                    headers.ContentSecurityPolicy = site.Replace("frame-ancestors 'none'", "frame-ancestors " + ancestors, StringComparison.Ordinal);
                else headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app;
    }
}
