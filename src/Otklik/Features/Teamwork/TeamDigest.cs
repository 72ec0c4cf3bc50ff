using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Execution;
using Otklik.Features.Mail;
using Otklik.Features.Notifications;
using Otklik.Infrastructure;

namespace Otklik.Features.Teamwork;

/// <summary>
/// The workspace's watch, every 10 minutes on a worker node: a task whose due day has passed (in its organisation's
/// zone) with its checklist open tells its owner and author once; an important announcement still unread a day after it
/// was posted reminds those who have not read it, once (the author may remind again by hand); and after the day's
/// digest moment (<see cref="NoticeSettings.DigestAtUtc"/>) each member of staff who has not opened the workspace for a
/// day and has something waiting there — an unread announcement, a task due, an unread mention — gets one letter.
/// Each of the three is claimed by a conditional update in the transaction that writes its outbox message, so two
/// nodes never send it twice.
/// </summary>
public sealed class TeamDigest(IServiceScopeFactory scopes, TimeProvider clock, NoticeSettings settings, ILogger<TeamDigest> log)
    : PeriodicSweep(scopes, clock, log, TimeSpan.FromMinutes(10), "Teamwork watch")
{
    public const string Type = "team.digest";

    public static IServiceCollection AddTeamwork(IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<TeamService>();
        if (config.GetValue("Otklik:Workers", true)) services.AddHostedService<TeamDigest>();
        return services;
    }

    protected override async Task PassAsync(IServiceProvider services, DateTime nowUtc, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var (overdue, reminded) = await WatchAsync(db, nowUtc, ct);
        var letters = await RunOnceAsync(db, settings, nowUtc, ct);
        if (overdue + reminded + letters > 0)
        {
            Log.LogInformation("Teamwork watch: {Overdue} overdue tasks, {Reminded} reminders, {Letters} digests", overdue, reminded, letters);
            services.GetRequiredService<OutboxDispatcher>().Nudge();
        }
    }

    /// <summary>Overdue tasks and the automatic reminders of important announcements due at <paramref name="nowUtc"/>.</summary>
    public static async Task<(int Overdue, int Reminded)> WatchAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct)
    {
        var zones = await LocalTimes.LoadAsync(db, ct);
        var latest = DateOnly.FromDateTime(nowUtc).AddDays(1);
        var candidates = await db.TeamTasks.AsNoTracking().Include(t => t.Items)
            .Where(t => t.DoneAtUtc == null && t.OverdueNoticedAtUtc == null && t.DueOn < latest).ToListAsync(ct);
        var overdue = 0;
        foreach (var t in candidates.Where(t => t.IsOverdue(TeamService.Today(nowUtc, zones.ZoneOf(t.OrganisationId)))))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (await db.TeamTasks.Where(x => x.Id == t.Id && x.OverdueNoticedAtUtc == null && x.DoneAtUtc == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.OverdueNoticedAtUtc, nowUtc), ct) == 1)
            {
                db.Outbox.Add(OutboxMessage.Create(MessageTypes.TeamTaskOverdue, new
                {
                    taskId = t.Id, title = t.Title, dueOn = t.DueOn.ToString("dd.MM.yyyy"), open = t.Items.Count(i => !i.IsDone),
                    people = new[] { t.OwnerId, t.CreatedById }.Distinct(),
                }, null, nowUtc));
                await db.SaveChangesAsync(ct);
                overdue++;
            }
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }

        var dayAgo = nowUtc.AddDays(-1);
        var unread = await db.TeamAnnouncements.AsNoTracking()
            .Where(a => a.Important && a.RemindedAtUtc == null && a.CreatedAtUtc <= dayAgo && a.Recipients.Any(r => r.ReadAtUtc == null))
            .Select(a => a.Id).ToListAsync(ct);
        var reminded = 0;
        foreach (var id in unread)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (await db.TeamAnnouncements.Where(a => a.Id == id && a.RemindedAtUtc == null).ExecuteUpdateAsync(s => s.SetProperty(a => a.RemindedAtUtc, nowUtc), ct) == 1)
            {
                var a = await db.TeamAnnouncements.Include(x => x.Recipients).SingleAsync(x => x.Id == id, ct);
                reminded += await TeamService.RemindUnreadAsync(db, a, nowUtc, ct) > 0 ? 1 : 0;
            }
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        return (overdue, reminded);
    }

    /// <summary>The digest letters due at <paramref name="nowUtc"/>; returns how many were written.</summary>
    public static async Task<int> RunOnceAsync(AppDbContext db, NoticeSettings settings, DateTime nowUtc, CancellationToken ct)
    {
        var cutoff = NoticeDigest.CutoffUtc(settings, nowUtc);
        var lookedSince = cutoff.AddDays(-1);
        var dueBy = DateOnly.FromDateTime(cutoff).AddDays(1);
        // What was waiting at the digest moment: a thing that came after it waits for the next one.
        var withAnnouncements = db.TeamAnnouncementRecipients.Where(r => r.ReadAtUtc == null)
            .Join(db.TeamAnnouncements.Where(a => a.CreatedAtUtc < cutoff), r => r.AnnouncementId, a => a.Id, (r, a) => r.PersonId);
        var withTasks = db.TeamTasks.Where(t => t.DoneAtUtc == null && t.DueOn <= dueBy && t.CreatedAtUtc < cutoff).Select(t => t.OwnerId);
        var mentioned = MessageTypes.TeamMentioned.Name;
        var withMentions = db.Notifications.Where(n => n.SourceType == mentioned && n.ReadAtUtc == null && n.CreatedAtUtc < cutoff).Select(n => n.PersonId);
        var people = await withAnnouncements.Union(withTasks).Union(withMentions).Distinct().ToListAsync(ct);
        var visits = await db.TeamVisits.AsNoTracking().Where(v => people.Contains(v.PersonId)).ToDictionaryAsync(v => v.PersonId, ct);
        var letters = 0;
        foreach (var person in people)
        {
            if (visits.TryGetValue(person, out var v) && (v.SeenAtUtc >= lookedSince || v.DigestCutoffUtc >= cutoff)) continue;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            bool claimed;
            if (v is null)
            {
                db.TeamVisits.Add(new TeamVisit { PersonId = person, SeenAtUtc = DateTime.SpecifyKind(DateTime.UnixEpoch, DateTimeKind.Utc), DigestCutoffUtc = cutoff });
                try { await db.SaveChangesAsync(ct); claimed = true; }
                catch (DbUpdateException) { claimed = false; db.ChangeTracker.Clear(); }
            }
            else
            {
                claimed = await db.TeamVisits.Where(x => x.PersonId == person && x.SeenAtUtc < lookedSince && (x.DigestCutoffUtc == null || x.DigestCutoffUtc < cutoff))
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.DigestCutoffUtc, cutoff), ct) == 1;
            }
            if (claimed)
            {
                db.Outbox.Add(OutboxMessage.Create(MessageTypes.TeamDigest, new { personId = person, cutoffUtc = cutoff }, null, nowUtc));
                await db.SaveChangesAsync(ct);
                letters++;
                await tx.CommitAsync(ct);
            }
            else await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
        }
        return letters;
    }

    /// <summary>The letter: what waits for the person in the workspace now (it is composed when sent, so nothing read since is listed).</summary>
    public static async Task<Composed> ComposeAsync(AppDbContext db, PublicUrl site, OutboxMessage message, JsonElement p, CancellationToken ct)
    {
        if (!p.TryGetProperty("personId", out var who) || !who.TryGetGuid(out var personId)) return Composed.Skip("В сообщении нет сотрудника.");
        var to = await db.Users.AsNoTracking().Where(u => u.Id == personId && u.Email != null && u.DisabledAtUtc == null).Select(u => u.Email!).SingleOrDefaultAsync(ct);
        if (to is null) return Composed.Skip("У сотрудника нет адреса электронной почты.");
        var announcements = await db.TeamAnnouncementRecipients.AsNoTracking().Where(r => r.PersonId == personId && r.ReadAtUtc == null)
            .Join(db.TeamAnnouncements, r => r.AnnouncementId, a => a.Id, (r, a) => a)
            .OrderByDescending(a => a.Important).ThenByDescending(a => a.CreatedAtUtc).Take(20).ToListAsync(ct);
        var dueBy = DateOnly.FromDateTime(message.CreatedAtUtc).AddDays(1);
        var tasks = await db.TeamTasks.AsNoTracking().Include(t => t.Items).Where(t => t.OwnerId == personId && t.DoneAtUtc == null && t.DueOn <= dueBy)
            .OrderBy(t => t.DueOn).Take(20).ToListAsync(ct);
        var mentions = await db.Notifications.AsNoTracking().Where(n => n.PersonId == personId && n.SourceType == MessageTypes.TeamMentioned.Name && n.ReadAtUtc == null)
            .OrderBy(n => n.Id).Take(20).ToListAsync(ct);
        if (announcements.Count + tasks.Count + mentions.Count == 0) return Composed.Skip("Всё уже прочитано и сделано.");

        var body = new StringBuilder();
        body.AppendLine("Вы не заходили в рабочее место «Отклик» больше суток. Вас ждут:").AppendLine();
        if (announcements.Count > 0)
        {
            body.AppendLine($"Непрочитанные объявления ({announcements.Count}):");
            foreach (var a in announcements)
                body.AppendLine($"— {(a.Important ? "ВАЖНОЕ: " : "")}{a.Title}: {site.Link($"/office/teamwork/announcements/{a.Id}")}");
            body.AppendLine();
        }
        if (tasks.Count > 0)
        {
            body.AppendLine($"Задачи со сроком до {dueBy:dd.MM.yyyy} ({tasks.Count}):");
            foreach (var t in tasks)
                body.AppendLine($"— {t.Title}, срок {t.DueOn:dd.MM.yyyy}, сделано {t.Items.Count(i => i.IsDone)} из {t.Items.Count}: {site.Link($"/office/teamwork/tasks/{t.Id}")}");
            body.AppendLine();
        }
        if (mentions.Count > 0)
        {
            body.AppendLine($"Вас упомянули в обсуждениях ({mentions.Count}):");
            foreach (var n in mentions) body.AppendLine($"— {n.Title}{(n.Link is { } l ? ": " + site.Link(l) : "")}");
            body.AppendLine();
        }
        body.AppendLine($"Рабочее место: {site.Link("/office/teamwork")}");
        var total = announcements.Count + tasks.Count + mentions.Count;
        var subject = announcements.FirstOrDefault(a => a.Important) is { } first
            ? $"Рабочее место «Отклик»: важное объявление «{first.Title}»" + (total > 1 ? $" и ещё {total - 1}" : "")
            : $"Рабочее место «Отклик»: ждут вашего внимания — {total}";
        return new(new Letter([to], subject, MailComposer.Sign(body)), null);
    }
}
