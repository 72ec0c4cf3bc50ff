using System.Text.Json;

namespace Otklik.Infrastructure;

/// <summary>
/// A side effect (a notice to the applicant, a notification to staff) written in the same transaction as the change
/// that causes it, to be dispatched afterwards with retries.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public string Type { get; set; } = "";
    public string Payload { get; set; } = "";
    public Guid? AppealId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? ProcessedAtUtc { get; set; }
    public int Attempts { get; set; }
    public DateTime? LockedUntilUtc { get; set; }
    public string? LastError { get; set; }

    /// <summary>A message of a registered type: an unregistered one cannot be written (see <see cref="Features.Mail.MessageTypes"/>).</summary>
    public static OutboxMessage Create(Features.Mail.MessageType type, object payload, Guid? appealId, DateTime nowUtc) => new()
    {
        Id = Guid.CreateVersion7(new DateTimeOffset(nowUtc, TimeSpan.Zero)),
        Type = type.Name,
        Payload = JsonSerializer.Serialize(payload, Json.Options),
        AppealId = appealId,
        CreatedAtUtc = nowUtc,
    };
}
