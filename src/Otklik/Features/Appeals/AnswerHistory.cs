using System.Text.Json;
using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;

/// <summary>
/// Every answer an appeal was sent, newest first, each with the applicant's rating of it. The entity keeps only the
/// latest answer (a reopened appeal's next answer overwrites it); each sent one is kept in its AnswerSent event's data,
/// so the history is append-only like the events themselves, and the Rated event that follows an answer is its rating.
/// </summary>
public static class AnswerHistory
{
    public sealed record Entry(int Sequence, DateTime AtUtc, string? Text, FederalResult? Result, int? Rating, string? RatingComment);

    /// <summary>The event kinds this history is built from (for a query that loads only them).</summary>
    public static readonly EventKind[] Kinds = [EventKind.AnswerSent, EventKind.Rated];

    sealed record Sent(FederalResult? Result, string? Text);
    sealed record Rated(int? Score);

    /// <param name="appeal">For answers sent before the text was kept in the event: the latest one is still the entity's.</param>
    public static IReadOnlyList<Entry> Of(Appeal appeal, IEnumerable<AppealEvent> events)
    {
        var entries = new List<Entry>();
        foreach (var e in events.Where(e => Kinds.Contains(e.Kind)).OrderBy(e => e.Sequence))
        {
            if (e.Kind == EventKind.AnswerSent)
            {
                var data = e.Data is null ? null : JsonSerializer.Deserialize<Sent>(e.Data, Json.Options);
                entries.Add(new(e.Sequence, e.AtUtc, data?.Text, data?.Result, null, null));
            }
            else if (entries.Count > 0 && entries[^1].Rating is null)
            {
                var score = e.Data is null ? null : JsonSerializer.Deserialize<Rated>(e.Data, Json.Options)?.Score;
                entries[^1] = entries[^1] with { Rating = score, RatingComment = e.Note };
            }
        }
        if (entries.Count > 0 && entries[^1].Text is null && AppealViews.AnswerIsPublicToApplicant(appeal.Status))
            entries[^1] = entries[^1] with { Text = appeal.AnswerText, Result = entries[^1].Result ?? appeal.AnswerResult };
        entries.Reverse();
        return entries;
    }
}
