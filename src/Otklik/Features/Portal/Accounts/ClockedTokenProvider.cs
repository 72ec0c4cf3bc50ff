using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Otklik.Features.Directory;

namespace Otklik.Features.Portal.Accounts;

/// <summary>
/// E-mail confirmation and password reset tokens: Identity's data-protection tokens, but timed by the app's
/// <see cref="TimeProvider"/> (Identity's own provider reads the system clock, which the tests cannot move). A token
/// names its person, purpose and security stamp and expires after <see cref="DataProtectionTokenProviderOptions.TokenLifespan"/>.
/// </summary>
public sealed class ClockedTokenProvider(IDataProtectionProvider protection, TimeProvider clock, IOptions<DataProtectionTokenProviderOptions> options)
    : IUserTwoFactorTokenProvider<Person>
{
    public const string Name = "OtklikClocked";

    readonly IDataProtector _protector = protection.CreateProtector("Otklik.AccountTokens.v1");

    public async Task<string> GenerateAsync(string purpose, UserManager<Person> manager, Person user)
    {
        var stamp = await manager.GetSecurityStampAsync(user);
        var issued = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return _protector.Protect(string.Join('|', issued, user.Id.ToString("N"), purpose, stamp));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<Person> manager, Person user)
    {
        string[] parts;
        try { parts = _protector.Unprotect(token).Split('|'); }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException) { return false; }
        if (parts.Length != 4 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out var issued)) return false;
        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(issued);
        if (age < TimeSpan.Zero || age > options.Value.TokenLifespan) return false;
        return parts[1] == user.Id.ToString("N") && parts[2] == purpose && parts[3] == await manager.GetSecurityStampAsync(user);
    }

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<Person> manager, Person user) => Task.FromResult(false);
}
