using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Meetings;

/// <summary>The card's line «Вопрос со встречи …» with a link to the meeting, for an appeal raised at one (nothing otherwise).</summary>
public sealed class MeetingOriginViewComponent(AppDbContext db, System.Text.Encodings.Web.HtmlEncoder encoder) : ViewComponent
{
    public async Task<IHtmlContent> InvokeAsync(Guid appealId)
    {
        var m = await db.MeetingQuestions.AsNoTracking().Where(q => q.AppealId == appealId)
            .Join(db.Meetings, q => q.MeetingId, m => m.Id, (q, m) => new { m.Id, m.Title, m.HeldAtUtc, m.Place, m.OrganiserOrganisationId })
            .SingleOrDefaultAsync(HttpContext.RequestAborted);
        if (m is null) return HtmlString.Empty;
        var zone = await MeetingAccess.ZoneAsync(db, m.OrganiserOrganisationId, HttpContext.RequestAborted);
        // The app's encoder (all of Unicode allowed), so the Russian title stays readable in the page's source.
        var e = encoder;
        return new HtmlString($"<p class=\"meeting-origin\">Вопрос со встречи <a href=\"/office/meetings/{m.Id}\">«{e.Encode(m.Title)}»</a>, "
            + $"{e.Encode(MeetingAccess.Local(m.HeldAtUtc, zone))}, {e.Encode(m.Place)}</p>");
    }
}
