namespace Otklik.Infrastructure;

/// <summary>
/// The site's one public address (<c>Otklik:PublicUrl</c>, or the older <c>Otklik:Mail:SiteUrl</c>): every link that
/// leaves the site — in a letter, to an identity provider — is built from it, never from the request's Host header,
/// which the sender of the request chooses (a reset form posted with <c>Host: evil.example</c> would otherwise put the
/// reset token into a link to that host). Production refuses to start without it (<see cref="StartupChecks"/>).
/// </summary>
public sealed class PublicUrl
{
    /// <summary>Where <c>dotnet run</c> listens (appsettings.json): the demo's links work on the machine that runs it.</summary>
    public const string DemoDefault = "http://127.0.0.1:5080";

    PublicUrl(Uri root, bool configured) { Root = root; IsConfigured = configured; }

    /// <summary>The address with a trailing slash, e.g. <c>https://otklik.example.ru/</c>.</summary>
    public Uri Root { get; }

    /// <summary>False when neither key is set and the demo default is used.</summary>
    public bool IsConfigured { get; }

    public bool IsHttps => Root.Scheme == Uri.UriSchemeHttps;

    /// <summary>An absolute link to a local path and query, e.g. <c>Link("/my/2026-000123")</c>.</summary>
    public string Link(string pathAndQuery) => Root.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + pathAndQuery.TrimStart('/');

    public override string ToString() => Root.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>The configured address; throws <see cref="InvalidOperationException"/> when it is set but not an absolute http(s) URL.</summary>
    public static PublicUrl From(IConfiguration config)
    {
        var (key, value) = Configured(config);
        if (value is null) return new PublicUrl(new Uri(DemoDefault + "/"), configured: false);
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            throw new InvalidOperationException($"{key} must be the site's absolute public address, e.g. https://otklik.example.ru; it is '{value}'.");
        return new PublicUrl(new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/"), configured: true);
    }

    static (string Key, string? Value) Configured(IConfiguration config) =>
        config["Otklik:PublicUrl"] is { Length: > 0 } url && !string.IsNullOrWhiteSpace(url) ? ("Otklik:PublicUrl", url)
        : config["Otklik:Mail:SiteUrl"] is { Length: > 0 } site && !string.IsNullOrWhiteSpace(site) ? ("Otklik:Mail:SiteUrl", site)
        : ("Otklik:PublicUrl", null);
}
