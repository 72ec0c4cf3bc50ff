using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Otklik.Features.Alerts;

/// <summary>
/// The signed tokens of an alert's links: «отписаться» (one click, no sign-in, RFC 8058) and a visitor's «подтвердить».
/// Each is the subscription's id protected by ASP.NET Data Protection under its own purpose — signed and encrypted
/// with the key ring every node shares (kept in the database), so a token cannot be made up, cannot be turned into the
/// other kind, and names no subscription to whoever reads it. A token outlives key rotation: old keys still unprotect.
/// </summary>
public sealed class AlertTokens(IDataProtectionProvider provider)
{
    public const string Unsubscribe = "Otklik.Alerts.Unsubscribe";
    public const string Confirm = "Otklik.Alerts.Confirm";

    public string For(string purpose, Guid subscriptionId) => provider.CreateProtector(purpose).Protect(subscriptionId.ToString("N"));

    /// <summary>The subscription a token names, or null when it is not one of ours (forged, cut, of the other purpose).</summary>
    public Guid? Read(string purpose, string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1000) return null;
        try { return Guid.TryParseExact(provider.CreateProtector(purpose).Unprotect(token), "N", out var id) ? id : null; }
        catch (CryptographicException) { return null; }
    }

    public static string UnsubscribePath(string token) => "/alerts/unsubscribe?t=" + Uri.EscapeDataString(token);
    public static string ConfirmPath(string token) => "/alerts/confirm?t=" + Uri.EscapeDataString(token);
}
