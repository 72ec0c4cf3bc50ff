using Microsoft.AspNetCore.Antiforgery;

namespace Otklik.Infrastructure;

/// <summary>
/// Cross-site request forgery on the API. A browser sends the session cookie with a form posted from any page of the
/// same site (SameSite=Lax stops only other sites), and a <c>text/plain</c> form needs no CORS preflight, so an unsafe
/// API call (POST, PUT, PATCH, DELETE under /api) that carries the session cookie must prove it comes from our own
/// pages: a same-origin <c>Origin</c> header (every browser sends one on such requests), <c>Sec-Fetch-Site:
/// same-origin</c>, or the antiforgery token in the <c>RequestVerificationToken</c> header. A cookie request with none
/// of them is refused with 403 before anything reads its body. API keys (Bearer) are not sent by browsers on their own
/// and stay as they are; a request without the cookie acts as anonymous and has nothing to forge.
/// </summary>
public static class CrossSiteGuard
{
    public const string SessionCookie = "otklik";

    public static IApplicationBuilder UseCrossSiteGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        // A cookie that no longer signs anyone in (expired, signed out) makes the request anonymous: nothing to forge.
        if (NeedsProof(http.Request) && http.User.Identity?.IsAuthenticated == true && !IsSameOrigin(http.Request) && !await HasTokenAsync(http))
        {
            await Problems.WriteAsync(http.RequestServices.GetRequiredService<IProblemDetailsService>(), http, StatusCodes.Status403Forbidden,
                "auth.cross_site", "Запрос с другого сайта отклонён",
                "Действие с вашим сеансом пришло не со страницы этого сайта. Откройте страницу сайта и повторите действие.", null);
            return;
        }
        await next(http);
    });

    static bool NeedsProof(HttpRequest request) =>
        request.Path.StartsWithSegments("/api")
        && !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        && request.Cookies.ContainsKey(SessionCookie)
        && !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The request says it comes from a page of this very origin. An Origin present wins over Sec-Fetch-Site (it is
    /// the exact origin; "null" from a sandboxed frame or a file is never ours).
    /// </summary>
    static bool IsSameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
            return string.Equals(origin.TrimEnd('/'), OwnOrigin(request), StringComparison.OrdinalIgnoreCase)
                || string.Equals(origin.TrimEnd('/'), PublicOrigin(request), StringComparison.OrdinalIgnoreCase);
        return string.Equals(request.Headers["Sec-Fetch-Site"].ToString(), "same-origin", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The origin the request was addressed to (a browser cannot be made to send another site's Host, so a forged
    /// cross-site request never matches it). Behind a TLS proxy that does not forward the scheme this says http while
    /// the browser says https: <see cref="PublicOrigin"/> covers that case.
    /// </summary>
    public static string OwnOrigin(HttpRequest request) => $"{request.Scheme}://{request.Host.Value}";

    /// <summary>The configured public address's origin (<c>Otklik:PublicUrl</c>), as the browser shows it in Origin.</summary>
    public static string PublicOrigin(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<PublicUrl>().Root.GetLeftPart(UriPartial.Authority);

    static async Task<bool> HasTokenAsync(HttpContext http)
    {
        if (http.RequestServices.GetService<IAntiforgery>() is not { } antiforgery) return false;
        var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AntiforgeryOptions>>().Value;
        // Only the header counts: a form field would make the guard read (and buffer) a body it has not yet accepted.
        if (options.HeaderName is not { } header || !http.Request.Headers.ContainsKey(header)) return false;
        try { return await antiforgery.IsRequestValidAsync(http); }
        catch (AntiforgeryValidationException) { return false; }
    }
}
