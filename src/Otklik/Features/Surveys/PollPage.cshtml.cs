using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
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
    /// <summary>The poll is for an area drawn on the map, not a municipality: no residence to state, the voter's point decides.</summary>
    public bool DrawnArea { get; private set; }
    string? _areaBoundary;
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
            db.PollVotes.Add(Poll!.Vote(option, person.Id, DrawnArea ? await AreaOfAsync(person.Id, ct) : Residence?.TerritoryId, Now));
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

    /// <summary>
    /// For a drawn area, where the voter is: the point of their latest appeal that has one (the only place the platform
    /// knows for a person), tested against the area like the informing audience. No such appeal — no vote, said plainly.
    /// </summary>
    async Task<Guid?> AreaOfAsync(Guid personId, CancellationToken ct)
    {
        var point = await db.Appeals.AsNoTracking().Where(a => a.ApplicantUserId == personId && a.Latitude != null && a.Longitude != null)
            .OrderByDescending(a => a.ReceivedAtUtc).Select(a => new { a.Latitude, a.Longitude }).FirstOrDefaultAsync(ct);
        if (point is null)
            throw new RuleException("poll.no_point", "Этот опрос — для жителей участка, отмеченного на карте. Мы узнаём, что вы там живёте, по точке вашего последнего обращения с отметкой на карте, а таких обращений у вас нет — голос не может быть учтён.");
        if (!DrawnTerritories.Covers(_areaBoundary!, point.Latitude!.Value, point.Longitude!.Value))
            throw new RuleException("poll.outside_area", "Этот опрос — для жителей другого участка: точка вашего последнего обращения с отметкой на карте лежит вне его, голос не может быть учтён.");
        return Poll!.TerritoryId;
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        Poll = await db.Polls.AsNoTracking().Include(p => p.Options).SingleOrDefaultAsync(p => p.Id == Id, ct);
        if (Poll is null) return false;
        Poll.Options = [.. Poll.Options.OrderBy(o => o.Order)];
        var all = await db.Territories.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name, t.Kind }).ToListAsync(ct);
        // A residence is a municipality; drawn areas are not offered as one.
        Territories = [.. all.Where(t => t.Kind == TerritoryKind.Municipality).Select(t => (t.Id, t.Name))];
        var target = all.FirstOrDefault(t => t.Id == Poll.TerritoryId);
        (TerritoryName, DrawnArea) = (target?.Name, target?.Kind == TerritoryKind.Drawn);
        if (DrawnArea) _areaBoundary = await db.Territories.AsNoTracking().Where(t => t.Id == Poll.TerritoryId).Select(t => t.BoundaryGeoJson).SingleAsync(ct);
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
