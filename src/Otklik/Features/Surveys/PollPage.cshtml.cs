using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>One poll on the portal: the vote of a signed-in, confirmed resident of its territory, then the results as the poll allows.</summary>
public sealed class PollPageModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public Guid? OptionId { get; set; }
    [BindProperty] public Guid? TerritoryId { get; set; }

    public Poll? Poll { get; private set; }
    public string? TerritoryName { get; private set; }
    /// <summary>The known problem the poll is about, when it is tied to a public one.</summary>
    public string? ProblemTitle { get; private set; }
    public PollResidence? Residence { get; private set; }
    public PollVote? MyVote { get; private set; }
    public bool ShowResults { get; private set; }
    public Dictionary<Guid, int> Counts { get; private set; } = [];
    public IReadOnlyList<(string Territory, int Votes)> ByTerritory { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Territories { get; private set; } = [];
    public string? Failure { get; private set; }
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostVoteAsync(CancellationToken ct)
    {
        if (!user.IsAuthenticated) return Challenge();
        if (!await LoadAsync(ct)) return NotFound();
        var person = await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.RequiredId, ct);
        try
        {
            if (!person.EmailConfirmed) throw new RuleException("poll.unconfirmed", "Голосовать можно с подтверждённой учётной записью: подтвердите адрес электронной почты.");
            if (MyVote is not null) throw new RuleException("poll.already_voted", "Вы уже проголосовали в этом опросе.");
            if (OptionId is not { } option) throw new InputException("optionId", "poll.no_option", "Выберите один из вариантов.");
            db.PollVotes.Add(Poll!.Vote(option, person.Id, Residence?.TerritoryId, Now));
            await db.SaveChangesAsync(ct);
            return Redirect($"/polls/{Id}?voted=1");
        }
        catch (RuleException e) { Failure = e.Message; Response.StatusCode = 409; }
        catch (InputException e) { Failure = e.Message; Response.StatusCode = 422; }
        // Two votes at once from one account: the unique index lets one through.
        catch (DbUpdateException) { db.ChangeTracker.Clear(); Failure = "Вы уже проголосовали в этом опросе."; Response.StatusCode = 409; }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostResidenceAsync(CancellationToken ct)
    {
        if (!user.IsAuthenticated) return Challenge();
        if (!await LoadAsync(ct)) return NotFound();
        if (TerritoryId is not { } t || Territories.All(x => x.Id != t)) { Failure = "Выберите муниципальное образование из списка."; Response.StatusCode = 422; return Page(); }
        var residence = await db.PollResidences.SingleOrDefaultAsync(r => r.PersonId == user.RequiredId, ct);
        if (residence is null) db.PollResidences.Add(new PollResidence { PersonId = user.RequiredId, TerritoryId = t, StatedAtUtc = Now });
        else if (residence.TerritoryId != t && Now - residence.StatedAtUtc < PollResidence.Fixed)
        {
            Failure = $"Место жительства можно изменить не раньше {(residence.StatedAtUtc + PollResidence.Fixed):dd.MM.yyyy}."; Response.StatusCode = 409; return Page();
        }
        else (residence.TerritoryId, residence.StatedAtUtc) = (t, Now);
        await db.SaveChangesAsync(ct);
        return Redirect($"/polls/{Id}");
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        Poll = await db.Polls.AsNoTracking().Include(p => p.Options).SingleOrDefaultAsync(p => p.Id == Id, ct);
        if (Poll is null) return false;
        Poll.Options = [.. Poll.Options.OrderBy(o => o.Order)];
        Territories = (await db.Territories.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct)).Select(t => (t.Id, t.Name)).ToList();
        TerritoryName = Territories.FirstOrDefault(t => t.Id == Poll.TerritoryId).Name;
        if (Poll.RootCauseId is { } rc) ProblemTitle = await db.RootCauses.AsNoTracking().Where(c => c.Id == rc && c.IsPublic).Select(c => c.Title).SingleOrDefaultAsync(ct);
        if (user.Id is { } me)
        {
            Residence = await db.PollResidences.AsNoTracking().SingleOrDefaultAsync(r => r.PersonId == me, ct);
            MyVote = await db.PollVotes.AsNoTracking().SingleOrDefaultAsync(v => v.PollId == Id && v.PersonId == me, ct);
        }
        ShowResults = Poll.MayShowResults(MyVote is not null, Now);
        if (ShowResults)
        {
            Counts = await db.PollVotes.AsNoTracking().Where(v => v.PollId == Id).GroupBy(v => v.OptionId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.N, ct);
            var names = Territories.ToDictionary(t => t.Id, t => t.Name);
            ByTerritory = (await db.PollVotes.AsNoTracking().Where(v => v.PollId == Id).GroupBy(v => v.TerritoryId).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct))
                .Select(g => (g.Key is { } k ? names.GetValueOrDefault(k) ?? "—" : "не указано", g.N)).OrderByDescending(x => x.N).ToList();
        }
        return true;
    }
}
