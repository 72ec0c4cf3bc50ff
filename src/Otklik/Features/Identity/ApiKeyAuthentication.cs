using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
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
        if (await ApiKeys.LiveAsync(db, hash, Context.RequestAborted) is not { } live) return AuthenticateResult.Fail("Unknown or revoked API key.");
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, live.PersonId.ToString()) };
        // A scoped key is a machine's key for one job: it signs in nowhere but on the endpoints of its scope, so it never
        // carries its person's roles elsewhere (ADR 0022).
        if (live.Scope is { } scope)
        {
            if (Context.GetEndpoint()?.Metadata.GetMetadata<ApiScopeMetadata>()?.Scope != scope)
                return AuthenticateResult.Fail($"This API key is limited to the scope '{scope}'.");
            claims.Add(new Claim(ApiScopes.ClaimType, scope));
        }
        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

public static class ApiKeys
{
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Makes a new key; the caller shows <c>Secret</c> once and stores only the entity.</summary>
    public static (ApiKey Entity, string Secret) Create(Guid personId, string name, DateTime nowUtc, string? secret = null, string? scope = null)
    {
        secret ??= "otk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        return (new ApiKey
        {
            Id = Guid.CreateVersion7(), PersonId = personId, Name = name, Prefix = secret[..Math.Min(8, secret.Length)],
            Hash = Hash(secret), CreatedAtUtc = nowUtc, Scope = scope,
        }, secret);
    }

    internal sealed record Live(Guid PersonId, string? Scope);

    /// <summary>
    /// The person and scope of a live key (by its hash), or null for an unknown or revoked key or a disabled person: the
    /// conditions of <see cref="AccessCache.KeyOwnerAsync"/>, read on every request for the same reason, in one lookup.
    /// </summary>
    internal static Task<Live?> LiveAsync(AppDbContext db, string hash, CancellationToken ct) =>
        db.ApiKeys.AsNoTracking()
            .Where(k => k.Hash == hash && k.RevokedAtUtc == null && db.Users.Any(u => u.Id == k.PersonId && u.DisabledAtUtc == null))
            .Select(k => new Live(k.PersonId, k.Scope)).SingleOrDefaultAsync(ct);
}

/// <summary>The jobs a machine's key may be limited to (<see cref="ApiKey.Scope"/>).</summary>
public static class ApiScopes
{
    public const string ClaimType = "otklik:scope";
    /// <summary>An incident collector posting social-network posts (issue 18.4).</summary>
    public const string Incidents = "incidents";
    /// <summary>The PBX telling of incoming calls (issue 18.5).</summary>
    public const string Telephony = "telephony";

    public static readonly string[] All = [Incidents, Telephony];

    /// <summary>Opens the endpoint to keys of <paramref name="scope"/> only: a person's own key or session gets 403.</summary>
    public static TBuilder RequireApiScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiScopeMetadata(scope))
            .RequireAuthorization(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(ClaimType, scope).Build());
}

/// <summary>Marks an endpoint as one of a scope's: the only place a key of that scope authenticates.</summary>
public sealed record ApiScopeMetadata(string Scope);
