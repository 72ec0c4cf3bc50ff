using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Identity;

/// <summary>"Authorization: Bearer otk_…" for integrations and scripts; the key maps to a person and their roles.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AppDbContext db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var key = header["Bearer ".Length..].Trim();
        var hash = ApiKeys.Hash(key);
        if (await AccessCache.KeyOwnerAsync(db, hash, Context.RequestAborted) is not { } person) return AuthenticateResult.Fail("Unknown or revoked API key.");
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, person.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

public static class ApiKeys
{
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Makes a new key; the caller shows <c>Secret</c> once and stores only the entity.</summary>
    public static (ApiKey Entity, string Secret) Create(Guid personId, string name, DateTime nowUtc, string? secret = null)
    {
        secret ??= "otk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        return (new ApiKey
        {
            Id = Guid.CreateVersion7(), PersonId = personId, Name = name, Prefix = secret[..Math.Min(8, secret.Length)],
            Hash = Hash(secret), CreatedAtUtc = nowUtc,
        }, secret);
    }
}
