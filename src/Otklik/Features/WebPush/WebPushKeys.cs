using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.WebPush;

/// <summary>The application server's VAPID identity (RFC 8292): its P-256 key pair, base64url, and the contact it names.</summary>
public sealed record VapidKeys(string PublicKey, string PrivateKey, string Subject);

/// <summary>
/// Where the VAPID keys come from: <c>Otklik:WebPush:PublicKey</c> and <c>PrivateKey</c> (with <c>Subject</c>, a
/// <c>mailto:</c> or https address of whoever runs the site); without them, a demo (<c>Otklik:DemoSeed</c>, refused in
/// Production) makes a pair on its first start and keeps it in the database, the private key protected by the app's
/// data-protection keys; otherwise web push is off. Every node reads the same pair, so a subscription made through one
/// node is pushed by any other.
/// </summary>
public sealed class WebPushKeys(IConfiguration config, IHostEnvironment environment, IDataProtectionProvider protection, PublicUrl site)
{
    VapidKeys? _keys;

    public const string ProtectorPurpose = "Otklik.WebPush.DemoKey";

    public bool Configured => config["Otklik:WebPush:PublicKey"] is { Length: > 0 } && config["Otklik:WebPush:PrivateKey"] is { Length: > 0 };

    string Subject => config["Otklik:WebPush:Subject"] is { Length: > 0 } subject ? subject : site.ToString();

    /// <summary>The keys, or null when web push is off (nothing configured and no demo).</summary>
    public async Task<VapidKeys?> GetAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        if (_keys is not null) return _keys;
        if (Configured) return _keys = new(config["Otklik:WebPush:PublicKey"]!.Trim(), config["Otklik:WebPush:PrivateKey"]!.Trim(), Subject);
        if (!config.GetValue("Otklik:DemoSeed", false) || environment.IsProduction()) return null;

        var protector = protection.CreateProtector(ProtectorPurpose);
        var row = await db.WebPushDemoKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == 1, ct);
        if (row is null)
        {
            var (publicKey, privateKey) = Generate();
            row = new WebPushDemoKey { Id = 1, PublicKey = publicKey, ProtectedPrivateKey = protector.Protect(privateKey), CreatedAtUtc = nowUtc };
            db.WebPushDemoKeys.Add(row);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException)
            {
                // Another node made the pair first: that one is the demo's.
                db.Entry(row).State = EntityState.Detached;
                row = await db.WebPushDemoKeys.AsNoTracking().SingleAsync(k => k.Id == 1, ct);
            }
        }
        return _keys = new(row.PublicKey, protector.Unprotect(row.ProtectedPrivateKey), Subject);
    }

    /// <summary>A new P-256 pair as web push wants it: the public point uncompressed (65 bytes), the private scalar (32 bytes), base64url.</summary>
    public static (string PublicKey, string PrivateKey) Generate()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(includePrivateParameters: true);
        return (Base64Url.EncodeToString([0x04, .. p.Q.X!, .. p.Q.Y!]), Base64Url.EncodeToString(p.D!));
    }
}
