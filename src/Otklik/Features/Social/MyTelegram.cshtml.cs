using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Social;

/// <summary>The one-time code that links a Telegram chat to the signed-in person's account (ADR 0023).</summary>
[Authorize]
public sealed class MyTelegramModel(AppDbContext db, CurrentUser user, TimeProvider clock, TelegramSettings telegram) : PageModel
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public string? Code { get; private set; }
    public bool Linked { get; private set; }
    public bool BotOn => telegram.Enabled;
    /// <summary>The bot's address for the person to open, when its name is configured.</summary>
    public string? BotName => string.IsNullOrWhiteSpace(telegram.BotName) ? null : telegram.BotName.Trim().TrimStart('@');

    public async Task OnGetAsync(CancellationToken ct) => Linked = await db.TelegramChats.AnyAsync(c => c.PersonId == user.RequiredId, ct);

    public async Task OnPostAsync(CancellationToken ct)
    {
        // No bot, no code: a code nobody can send anywhere would be a dead end.
        if (!telegram.Enabled) { await OnGetAsync(ct); return; }
        var me = user.RequiredId;
        var now = clock.GetUtcNow().UtcDateTime;
        // One live code per person: a new one replaces the old.
        await db.ChannelLinkCodes.Where(c => c.PersonId == me && c.UsedAtUtc == null).ExecuteDeleteAsync(ct);
        Code = RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
        db.ChannelLinkCodes.Add(new ChannelLinkCode { Code = Code, PersonId = me, ExpiresAtUtc = now + Lifetime });
        await db.SaveChangesAsync(ct);
    }
}
