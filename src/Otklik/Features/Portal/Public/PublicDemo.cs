using Otklik.Data;
using Otklik.Features.Appeals;

namespace Otklik.Features.Portal.Public;

/// <summary>The demo region's published appeals get views and the demo applicants' "me too", so that "popular" means something.</summary>
public static class PublicDemo
{
    /// <summary>Called by the demo seed with its appeals still tracked, before they are saved; the same numbers on every start.</summary>
    public static void Add(AppDbContext db, IReadOnlyList<Guid> applicants, DateTime nowUtc)
    {
        foreach (var entry in db.ChangeTracker.Entries<Appeal>().Where(e => PublicAppeals.IsVisible(e.Entity)).ToList())
        {
            var a = entry.Entity;
            var supporters = applicants.Where((p, i) => (a.Sequence * 7 + i * 3) % 5 < 2 && p != a.ApplicantUserId).ToList();
            var at = a.RegisteredAtUtc!.Value + (nowUtc - a.RegisteredAtUtc.Value) / 2;
            foreach (var person in supporters) db.Add(new AppealSupport { AppealId = a.Id, PersonId = person, AtUtc = at });
            entry.Property(x => x.Supports).CurrentValue = supporters.Count;
            entry.Property(x => x.PublicViews).CurrentValue = 12 + a.Sequence * 37 % 230 + supporters.Count * 15;
        }
    }
}
