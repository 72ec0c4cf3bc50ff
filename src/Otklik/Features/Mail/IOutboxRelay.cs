using Otklik.Infrastructure;

namespace Otklik.Features.Mail;

/// <summary>
/// An outbound channel other than e-mail that the outbox delivers through: a messenger's chat, a browser's push service,
/// an outside platform's callback, the document system's gateway (ADR 0047). The dispatcher knows none of them by name:
/// it asks every relay to <see cref="FanOutAsync"/> each message it delivers, and hands a message of a type in
/// <see cref="Sends"/> to that relay instead of composing a letter.
/// </summary>
public interface IOutboxRelay
{
    /// <summary>The registered types this relay sends itself (never letters).</summary>
    IReadOnlyList<MessageType> Sends { get; }

    /// <summary>
    /// Writes the relay's own outbox rows for a message being delivered (a reply in the chat the appeal came from, a push
    /// per subscribed browser, a status for the platform), each with an id derived from the message so a retry never
    /// doubles it. Most relays have none.
    /// </summary>
    Task FanOutAsync(OutboxMessage message, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Sends one message of a type in <see cref="Sends"/>; throws when the other side did not take it (the outbox retries). Returns the note kept with the message.</summary>
    Task<string> SendAsync(OutboxMessage message, CancellationToken ct);
}
