using System.Globalization;
using Microsoft.AspNetCore.DataProtection;

namespace Otklik.Features.Portal.Accounts;

/// <summary>
/// A captcha-free guard for public forms: a honeypot field that people never see (bots fill every field) and the moment
/// the form was issued, signed with data protection so it cannot be forged: a form sent back sooner than a person can
/// fill it (Otklik:BotCheck:MinSeconds, 3 s by default), or never issued, is refused. Render the partial
/// <c>_BotCheck</c> inside the form and call <see cref="Check(HttpContext)"/> in the handler.
/// </summary>
public sealed class BotCheck(IDataProtectionProvider protection, TimeProvider clock, IConfiguration config)
{
    public const string HoneypotField = "website";
    public const string StampField = "formIssued";
    public const string Refusal = "Форма отправлена слишком быстро или заполнена автоматически. Подождите несколько секунд и отправьте её ещё раз.";

    readonly IDataProtector _protector = protection.CreateProtector("Otklik.BotCheck.v1");

    TimeSpan Minimum => TimeSpan.FromSeconds(config.GetValue("Otklik:BotCheck:MinSeconds", 3.0));

    /// <summary>The signed moment of issue, for the form's hidden field.</summary>
    public string Issue() => _protector.Protect(clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    /// <summary>Null when the form looks filled by a person; otherwise the Russian reason to show above the form.</summary>
    public string? Check(IFormCollection form)
    {
        if (!string.IsNullOrEmpty(form[HoneypotField])) return Refusal;
        long issuedMs;
        try { issuedMs = long.Parse(_protector.Unprotect(form[StampField].ToString()), CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException or ArgumentException) { return Refusal; }
        var elapsed = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(issuedMs);
        return elapsed < Minimum ? Refusal : null;
    }

    /// <summary>The check for any page or endpoint that rendered the partial: reads the posted form of the request.</summary>
    public static string? Check(HttpContext http) =>
        http.Request.HasFormContentType ? http.RequestServices.GetRequiredService<BotCheck>().Check(http.Request.Form) : Refusal;
}
