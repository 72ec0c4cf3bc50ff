using System.Globalization;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;

namespace Otklik.Features.Analytics;

/// <summary>The drill-down conditions of a list opened from a dashboard figure, in words, so the list says what it shows.</summary>
public static class DrillText
{
    public static string? Of(AppealFilter f, ListDirectory names, TimeZoneInfo zone)
    {
        var parts = new List<string>();
        string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);
        if (f.ReceivedFromUtc is { } from) parts.Add($"поступили с {Local(from)}");
        if (f.ReceivedToUtc is { } to) parts.Add($"до {Local(to)}");
        if (f.ExecutorId is { } org) parts.Add($"исполнитель — {names.OrganisationName(org) ?? "?"}");
        if (f.Answered is { } answered) parts.Add(answered switch { "onTime" => "ответ дан в срок", "late" => "ответ дан с нарушением срока", _ => "ответ дан" });
        if (f.Reopened is { } reopened) parts.Add(reopened ? "повторно рассмотрены после низкой оценки" : "без повторного рассмотрения");
        if (f.Rating is { } rating) parts.Add($"оценка {rating}");
        if (f.PartnerSiteId is not null) parts.Add("пришли с формы на сайте партнёра");
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }
}
