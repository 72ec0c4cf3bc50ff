namespace Otklik.Features.Appeals;

public sealed partial class Appeal
{
    /// <summary>
    /// A line of history for an exchange with an outside system: a platform's message taken in, a status sent back to its
    /// callback, a document package sent to МСЭД and its registration (ADR 0043, 0044). The status does not change.
    /// </summary>
    public void RecordExchanged(string note, DateTime nowUtc, object? data = null, Guid? actorId = null) => Record(EventKind.Exchanged, nowUtc, actorId, note, data);

    /// <summary>
    /// The answer of a body outside the platform, come back from the document system (ADR 0044), becomes the answer's
    /// draft: the executor reads it, edits it and sends it on as every draft. Only where a draft may be written.
    /// </summary>
    public bool MayTakeDocumentAnswer => AppealLifecycle.Permits(Transition.DraftAnswer, Status, Regime);

    public void DraftAnswerFromDocument(string text, string note, DateTime nowUtc, object? data)
    {
        Require(Transition.DraftAnswer);
        RequireText(text, "answer.text");
        AnswerText = text.Trim();
        AnswerResult = FederalResult.AnswerGiven;
        Move(AppealStatus.AnswerDraft, EventKind.AnswerDrafted, nowUtc, null, note, data);
    }
}
