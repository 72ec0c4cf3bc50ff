namespace Otklik.Features.Appeals;

public sealed partial class Appeal
{
    /// <summary>
    /// A line of history for an exchange with an outside system: a platform's message taken in, a status sent back to its
    /// callback, a document package sent to МСЭД and its registration (ADR 0043, 0044). The status does not change.
    /// </summary>
    public void RecordExchanged(string note, DateTime nowUtc, object? data = null) => Record(EventKind.Exchanged, nowUtc, null, note, data);
}
