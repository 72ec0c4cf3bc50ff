using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Moderation;

/// <summary>
/// One applicant across channels, as a moderator confirmed it (issue 18.6, ADR 0052): the appeals of one group were
/// written by the same person — a letter, a Telegram chat, a VK author, a call, a portal account. A row per appeal; the
/// group is the person. Nothing is linked by the machine: the likely-duplicates list offers the same person, a moderator
/// confirms «это тот же человек» (or takes an appeal out of its group), and each confirmation is audited.
/// </summary>
public sealed class SamePersonLink
{
    public const int MaxWhy = 200;

    public Guid AppealId { get; set; }
    /// <summary>The person: every appeal confirmed to be theirs shares it.</summary>
    public Guid GroupId { get; set; }
    public Guid? LinkedById { get; set; }
    public DateTime LinkedAtUtc { get; set; }
    /// <summary>How the moderator recognised the person («тот же адрес почты, похожий текст»), as the offer said it.</summary>
    public string? Why { get; set; }
}

sealed class SamePersonLinkConfiguration : IEntityTypeConfiguration<SamePersonLink>
{
    public void Configure(EntityTypeBuilder<SamePersonLink> b)
    {
        b.HasKey(l => l.AppealId);
        b.HasIndex(l => l.GroupId);
        b.Property(l => l.Why).HasMaxLength(SamePersonLink.MaxWhy);
        b.HasOne<Appeal>().WithMany().HasForeignKey(l => l.AppealId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Confirming and undoing «the same person», and reading a person's appeals across channels.</summary>
public static class SamePerson
{
    public sealed record Linked(Guid Id, string Number, AppealStatus Status, DateTime ReceivedAtUtc, Channel Channel, string Excerpt, DateTime LinkedAtUtc, string? Why);

    /// <summary>
    /// Puts <paramref name="appeal"/> and <paramref name="other"/> into one group: a new one, the group either is in, or —
    /// when each is already in a group — the two groups become one. Returns false when they were already together.
    /// The caller saves (one SaveChanges: every row of the union commits together).
    /// </summary>
    public static async Task<bool> ConfirmAsync(AppDbContext db, Guid appeal, Guid other, Guid? by, string? why, DateTime nowUtc, CancellationToken ct)
    {
        if (appeal == other) throw new ArgumentException("An appeal is its own person already.", nameof(other));
        var rows = await db.SamePersonLinks.Where(l => l.AppealId == appeal || l.AppealId == other).ToListAsync(ct);
        var a = rows.SingleOrDefault(l => l.AppealId == appeal);
        var o = rows.SingleOrDefault(l => l.AppealId == other);
        if (a is not null && o is not null && a.GroupId == o.GroupId) return false;
        why = why is null ? null : why.Length > SamePersonLink.MaxWhy ? why[..SamePersonLink.MaxWhy] : why;
        var group = a?.GroupId ?? o?.GroupId ?? Guid.CreateVersion7();
        if (a is not null && o is not null)
        {
            // Two people found to be one: the other's whole group joins this one.
            var moving = await db.SamePersonLinks.Where(l => l.GroupId == o.GroupId).ToListAsync(ct);
            foreach (var m in moving) m.GroupId = group;
            return true;
        }
        if (a is null) db.SamePersonLinks.Add(new SamePersonLink { AppealId = appeal, GroupId = group, LinkedById = by, LinkedAtUtc = nowUtc, Why = why });
        if (o is null) db.SamePersonLinks.Add(new SamePersonLink { AppealId = other, GroupId = group, LinkedById = by, LinkedAtUtc = nowUtc, Why = why });
        return true;
    }

    /// <summary>Takes <paramref name="appeal"/> out of its group (a mistaken confirmation); a group left with one appeal is no group. False when it was in none.</summary>
    public static async Task<bool> UnlinkAsync(AppDbContext db, Guid appeal, CancellationToken ct)
    {
        var row = await db.SamePersonLinks.SingleOrDefaultAsync(l => l.AppealId == appeal, ct);
        if (row is null) return false;
        db.SamePersonLinks.Remove(row);
        var rest = await db.SamePersonLinks.Where(l => l.GroupId == row.GroupId && l.AppealId != appeal).ToListAsync(ct);
        if (rest.Count == 1) db.SamePersonLinks.Remove(rest[0]);
        return true;
    }

    /// <summary>The ids of the appeals confirmed to be of the same person as <paramref name="appeal"/> (itself excluded).</summary>
    public static IQueryable<Guid> OthersOf(AppDbContext db, Guid appeal) =>
        db.SamePersonLinks.Where(l => l.AppealId != appeal && db.SamePersonLinks.Any(m => m.AppealId == appeal && m.GroupId == l.GroupId)).Select(l => l.AppealId);

    /// <summary>
    /// The appeals confirmed to be of the person with portal account <paramref name="userId"/> that the account does not
    /// hold itself: those in a group with one of the account's own appeals.
    /// </summary>
    public static IQueryable<Appeal> LinkedToAccount(AppDbContext db, Guid userId) =>
        db.Appeals.Where(a => a.ApplicantUserId != userId
            && db.SamePersonLinks.Any(l => l.AppealId == a.Id
                && db.SamePersonLinks.Any(m => m.GroupId == l.GroupId && db.Appeals.Any(mine => mine.Id == m.AppealId && mine.ApplicantUserId == userId))));

    /// <summary>The same person's other appeals among <paramref name="visible"/>, newest first.</summary>
    public static async Task<List<Linked>> ListAsync(AppDbContext db, IQueryable<Appeal> visible, Guid appeal, CancellationToken ct)
    {
        var others = OthersOf(db, appeal);
        var rows = await visible.Where(a => others.Contains(a.Id)).OrderByDescending(a => a.ReceivedAtUtc).Take(100)
            .Select(a => new
            {
                a.Id, a.Number, a.Status, a.ReceivedAtUtc, a.Channel, a.Text,
                Link = db.SamePersonLinks.Where(l => l.AppealId == a.Id).Select(l => new { l.LinkedAtUtc, l.Why }).First(),
            })
            .ToListAsync(ct);
        return [.. rows.Select(r => new Linked(r.Id, r.Number, r.Status, r.ReceivedAtUtc, r.Channel, ModerationScreens.Excerpt(r.Text, 160), r.Link.LinkedAtUtc, r.Link.Why))];
    }
}

/// <summary>
/// The card's section «Этот же заявитель по другим каналам»: the appeals a moderator confirmed to be of the same person,
/// among those the viewer sees (nothing when there are none). Each shown is a read of personal data, audited.
/// </summary>
public sealed class SamePersonViewComponent(AppDbContext db, CurrentUser user, Audit.AuditTrail audit, System.Text.Encodings.Web.HtmlEncoder encoder) : ViewComponent
{
    public async Task<IHtmlContent> InvokeAsync(Guid appealId, Guid ownerOrganisationId)
    {
        var ct = HttpContext.RequestAborted;
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        var linked = await SamePerson.ListAsync(db, visible.AsNoTracking(), appealId, ct);
        if (linked.Count == 0) return HtmlString.Empty;
        foreach (var l in linked) audit.Record(HttpContext, user, Audit.AuditKind.AppealRead, l.Id, "same person on the card");
        var zone = await ModerationScreens.ZoneOfAsync(db, ownerOrganisationId, ct);
        var e = encoder;
        var sb = new System.Text.StringBuilder();
        sb.Append("<section class=\"same-person\" aria-labelledby=\"h-same-person\"><h3 id=\"h-same-person\">Этот же заявитель по другим каналам</h3><ul>");
        foreach (var l in linked)
            sb.Append("<li><a href=\"").Append(e.Encode("/office/appeals/" + l.Id)).Append("\">").Append(e.Encode(l.Number)).Append("</a> — ")
                .Append(e.Encode(Labels.Of(l.Channel))).Append(", ").Append(e.Encode(ModerationScreens.Local(l.ReceivedAtUtc, zone))).Append(", ")
                .Append(e.Encode(Labels.Of(l.Status))).Append(": ").Append(e.Encode(l.Excerpt))
                .Append(l.Why is { } why ? $" <span class=\"muted\">(подтверждено: {e.Encode(why)})</span>" : "").Append("</li>");
        sb.Append("</ul></section>");
        return new HtmlString(sb.ToString());
    }
}
