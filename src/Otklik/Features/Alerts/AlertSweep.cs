using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Analytics;
using Otklik.Features.Appeals;
using Otklik.Features.Mail;
using Otklik.Features.Portal.Public;
using Otklik.Infrastructure;

namespace Otklik.Features.Alerts;

/// <summary>
/// Writes the alert letters (ADR 0039). Every <see cref="Batch"/> the sweep takes the window since the last one and
/// looks at what happened in it that the public can see: a published appeal answered or closed, a known problem
/// (a public root cause) announced or resolved. Each confirmed alert that covers some of it gets ONE letter for the
/// window — never more than one an hour — written to the outbox in the same transaction that records the window, so a
/// window is mailed once even with several nodes (the window's key is its start: the second node's insert fails and
/// takes its letters with it). A person is not told of their own appeal (the applicant's letters tell them), and an
/// item already in one of the person's letters of the window is not repeated in another.
/// </summary>
public sealed class AlertSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<AlertSweep> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(5), "Alerts")
{
    /// <summary>The shortest window, hence at most one letter per alert this often.</summary>
    public static readonly TimeSpan Batch = TimeSpan.FromHours(1);

    /// <summary>A visitor's alert not confirmed in this time is forgotten, with the address it named.</summary>
    public static readonly TimeSpan ConfirmWithin = TimeSpan.FromDays(3);

    public enum ItemKind { Answered, Closed, ProblemAnnounced, ProblemResolved }

    /// <summary>One thing a letter tells of: an appeal (by id) or a known problem (by id).</summary>
    public sealed record Item(ItemKind Kind, Guid Id);

    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var letters = await RunOnceAsync(services.GetRequiredService<AppDbContext>(), services.GetRequiredService<AlertTokens>(), nowUtc, ct);
        if (letters > 0)
        {
            Log.LogInformation("Alerts: {Letters} letters", letters);
            services.GetRequiredService<OutboxDispatcher>().Nudge();
        }
    }

    sealed record AppealFact(Guid Id, Guid? TerritoryId, Guid? TopicId, double? Lat, double? Lon, Guid? ApplicantUserId, string? ApplicantEmail,
        DateTime AtUtc, ItemKind Kind);

    sealed record ProblemFact(Guid Id, Guid? TerritoryId, Guid? TopicId, DateTime AtUtc, ItemKind Kind);

    /// <summary>Deals with the window that has closed by <paramref name="nowUtc"/>, if one has; returns the letters written.</summary>
    public static async Task<int> RunOnceAsync(AppDbContext db, AlertTokens tokens, DateTime nowUtc, CancellationToken ct)
    {
        await db.AlertSubscriptions.Where(s => s.ConfirmedAtUtc == null && s.CreatedAtUtc < nowUtc - ConfirmWithin).ExecuteDeleteAsync(ct);

        var from = await db.AlertWindows.MaxAsync(w => (DateTime?)w.ToUtc, ct)
            ?? await db.AlertSubscriptions.Where(s => s.ConfirmedAtUtc != null).MinAsync(s => s.ConfirmedAtUtc, ct);
        if (from is not { } start || nowUtc - start < Batch) return 0;
        var end = nowUtc;

        var appeals = await AppealFactsAsync(db, start, end, ct);
        var problems = await db.RootCauses.AsNoTracking()
            .Where(c => c.IsPublic && ((c.PublishedAtUtc > start && c.PublishedAtUtc <= end) || (c.ResolvedAtUtc > start && c.ResolvedAtUtc <= end)))
            .Select(c => new { c.Id, c.TerritoryId, c.TopicId, c.PublishedAtUtc, c.ResolvedAtUtc }).ToListAsync(ct);
        var problemFacts = problems.Select(c => c.ResolvedAtUtc > start && c.ResolvedAtUtc <= end
            ? new ProblemFact(c.Id, c.TerritoryId, c.TopicId, c.ResolvedAtUtc!.Value, ItemKind.ProblemResolved)
            : new ProblemFact(c.Id, c.TerritoryId, c.TopicId, c.PublishedAtUtc!.Value, ItemKind.ProblemAnnounced)).ToList();

        var written = new List<OutboxMessage>();
        var followers = new List<AlertSubscription>();
        if (appeals.Count + problemFacts.Count > 0)
        {
            var appealIds = appeals.Select(a => a.Id).ToList();
            var territories = appeals.Select(a => a.TerritoryId).Concat(problemFacts.Select(p => p.TerritoryId)).Where(t => t != null).Distinct().ToList();
            // Radius alerts are few per event and cannot be found by a plain index: read them all (a hint of scale in ADR 0039).
            followers = await db.AlertSubscriptions.Where(s => s.ConfirmedAtUtc != null && s.ConfirmedAtUtc < end
                    && ((s.Target == AlertTarget.Appeal && appealIds.Contains(s.AppealId!.Value))
                        || (s.Target == AlertTarget.Territory && territories.Contains(s.TerritoryId))
                        || s.Target == AlertTarget.Radius))
                .ToListAsync(ct);
            // An appeal's own followers first, so that a place or territory letter leaves out what they were told already.
            followers = [.. followers.OrderBy(s => (int)s.Target).ThenBy(s => s.Id)];
            var people = followers.Where(s => s.PersonId != null).Select(s => s.PersonId!.Value).Distinct().ToList();
            var emails = await db.Users.AsNoTracking().Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
            // What each recipient is already told of in this window: an appeal's follower first (the list is ordered by target).
            var told = new HashSet<(string, Guid)>();
            foreach (var s in followers)
            {
                var recipient = s.PersonId?.ToString() ?? s.Email!.ToLowerInvariant();
                var address = s.Email ?? (s.PersonId is { } p ? emails.GetValueOrDefault(p) : null);
                var items = new List<Item>();
                foreach (var a in appeals)
                {
                    if (a.AtUtc <= s.ConfirmedAtUtc || !s.Covers(a.Id, a.TerritoryId, a.TopicId, a.Lat, a.Lon)) continue;
                    // Their own appeal: the applicant's own letters already tell them.
                    if ((s.PersonId is { } me && a.ApplicantUserId == me)
                        || (address is not null && string.Equals(a.ApplicantEmail, address, StringComparison.OrdinalIgnoreCase))) continue;
                    if (told.Add((recipient, a.Id))) items.Add(new Item(a.Kind, a.Id));
                }
                foreach (var c in problemFacts)
                    if (c.AtUtc > s.ConfirmedAtUtc && s.CoversProblem(c.TerritoryId, c.TopicId) && told.Add((recipient, c.Id))) items.Add(new Item(c.Kind, c.Id));
                if (items.Count == 0) continue;
                written.Add(OutboxMessage.Create(MessageTypes.AlertNews, new
                {
                    subscriptionId = s.Id,
                    items = items.Select(i => new { kind = i.Kind.ToString(), id = i.Id }),
                    unsubscribe = AlertTokens.UnsubscribePath(tokens.For(AlertTokens.Unsubscribe, s.Id)),
                }, s.Target == AlertTarget.Appeal ? s.AppealId : null, nowUtc));
                s.Sent(nowUtc);
            }
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            db.AlertWindows.Add(new AlertWindow { FromUtc = start, ToUtc = end, Letters = written.Count });
            db.Outbox.AddRange(written);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another node recorded this window first, and wrote its letters.
            db.ChangeTracker.Clear();
            return 0;
        }
        db.ChangeTracker.Clear();
        return written.Count;
    }

    /// <summary>Published appeals answered or closed in the window, at the point the public sees (coarsened when it is the applicant's own address).</summary>
    static async Task<List<AppealFact>> AppealFactsAsync(AppDbContext db, DateTime start, DateTime end, CancellationToken ct)
    {
        var rows = await db.Appeals.AsNoTracking().Visible()
            .Where(a => (PublicAppeals.Answered.Contains(a.Status) && a.AnsweredAtUtc > start && a.AnsweredAtUtc <= end)
                || (a.Status == AppealStatus.Closed && a.ClosedAtUtc > start && a.ClosedAtUtc <= end))
            .Select(a => new
            {
                a.Id, a.TerritoryId, a.TopicId, a.Latitude, a.Longitude, a.Address, a.Applicant.PostalAddress, a.ApplicantUserId, a.Applicant.Email,
                a.AnsweredAtUtc, a.ClosedAtUtc,
            }).ToListAsync(ct);
        return [.. rows.Select(a =>
        {
            var own = PublicMasking.IsOwnAddress(a.Address, a.PostalAddress);
            double? lat = a.Latitude is { } y ? (own ? PublicMasking.Coarse(y) : y) : null;
            double? lon = a.Longitude is { } x ? (own ? PublicMasking.Coarse(x) : x) : null;
            // Answered in the window tells of the answer (closing after it adds nothing new to a stranger); else it was closed.
            var answered = a.AnsweredAtUtc > start && a.AnsweredAtUtc <= end;
            return new AppealFact(a.Id, a.TerritoryId, a.TopicId, lat, lon, a.ApplicantUserId, a.Email,
                answered ? a.AnsweredAtUtc!.Value : a.ClosedAtUtc!.Value, answered ? ItemKind.Answered : ItemKind.Closed);
        })];
    }
}
