using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Intake;

public enum IntakeActorKind { Person, Operator, Channel, System }

/// <summary>
/// Who brings an appeal in (ADR 0018). Intake decides what the actor may do from this alone, never from an HTTP request,
/// so a mailbox or messenger worker, an Open311 or webhook receiver and a page all submit the same way.
/// <list type="bullet">
/// <item><see cref="Person"/>: the applicant themselves on an open channel (portal, app, invest portal), signed in or not.</item>
/// <item><see cref="Operator"/>: staff keying in an appeal for an applicant (hotline, meeting, a letter…): any channel.</item>
/// <item><see cref="ChannelWorker"/>: a mailbox, a messenger bot or an integration speaking for one channel: that channel only.</item>
/// <item><see cref="System"/>: the platform itself (import, migration of an old system): any channel.</item>
/// </list>
/// The actor is built by trusted code: a page or endpoint from the signed-in person (<see cref="OfAsync"/>), a worker from
/// its own configuration.
/// </summary>
public sealed record IntakeActor
{
    public IntakeActorKind Kind { get; }
    /// <summary>The person acting (applicant or operator); none for a channel worker or the system.</summary>
    public Guid? PersonId { get; }
    /// <summary>The one channel a channel worker speaks for.</summary>
    public Channel? OwnChannel { get; }
    /// <summary>A name for the log and the idempotency hash of actors without a person ("mailbox obrashcheniya@…").</summary>
    public string? Name { get; }

    IntakeActor(IntakeActorKind kind, Guid? personId, Channel? ownChannel, string? name) =>
        (Kind, PersonId, OwnChannel, Name) = (kind, personId, ownChannel, name);

    public static IntakeActor Person(Guid? personId) => new(IntakeActorKind.Person, personId, null, null);

    public static IntakeActor Operator(Guid personId) => new(IntakeActorKind.Operator, personId, null, null);

    public static IntakeActor ChannelWorker(Channel channel, string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("A channel worker names itself.", nameof(name))
            : new(IntakeActorKind.Channel, null, channel, name.Trim());

    public static IntakeActor System(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("The system actor names the job.", nameof(name))
            : new(IntakeActorKind.System, null, null, name.Trim());

    /// <summary>The signed-in person (or nobody): an operator or administrator keys in for applicants, anyone else is the applicant.</summary>
    public static async Task<IntakeActor> OfAsync(CurrentUser user, CancellationToken ct) =>
        user.Id is { } id && (await user.RolesAsync(ct)).Any(r => r.Role is Role.Operator or Role.Administrator) ? Operator(id) : Person(user.Id);

    /// <summary>Channels on which applicants write themselves; every other channel is keyed in or delivered by a worker.</summary>
    public static readonly Channel[] OpenChannels = [Channel.Portal, Channel.Mobile, Channel.InvestPortal];

    /// <summary>The channel an appeal is taken on when the request names none.</summary>
    public Channel DefaultChannel => OwnChannel ?? Channel.Portal;

    public bool MayUse(Channel channel) => Kind switch
    {
        IntakeActorKind.Person => OpenChannels.Contains(channel),
        IntakeActorKind.Channel => channel == OwnChannel,
        _ => true,
    };

    /// <summary>
    /// What the idempotency hash binds a request to: the person (as before actors existed, so earlier keys still replay),
    /// or the worker's kind and name.
    /// </summary>
    internal string HashKey => Kind is IntakeActorKind.Person or IntakeActorKind.Operator ? PersonId?.ToString() ?? "" : $"{Kind}:{Name}";
}
