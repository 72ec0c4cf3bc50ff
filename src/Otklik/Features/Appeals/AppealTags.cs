using Otklik.Infrastructure;

namespace Otklik.Features.Appeals;

/// <summary>Tags staff put on an appeal by hand (a list's bulk action); the auto-rules put theirs in <see cref="ApplyRule"/>.</summary>
public sealed partial class Appeal
{
    public const int MaxTag = 50;

    /// <summary>Tags the appeal while it is being handled; the same tag twice is refused, so the history says it once.</summary>
    public void AddTag(string? tag, Guid actorId, DateTime nowUtc)
    {
        Require(Transition.AddTag);
        RequireText(tag, "tag");
        var t = tag!.Trim();
        if (t.Length > MaxTag || t.Contains('|', StringComparison.Ordinal))
            throw new InputException("tag", "tags.invalid", $"Метка — не длиннее {MaxTag} символов, без знака «|».", StatusCodes.Status422UnprocessableEntity);
        if (HasTag(t)) throw new RuleException("tags.already", $"У обращения уже есть метка «{t}».");
        if ((Tags?.Length ?? 1) + t.Length + 1 > 500) throw new RuleException("tags.too_many", "У обращения слишком много меток.");
        Tags = (Tags ?? "|") + t + "|";
        Record(EventKind.Tagged, nowUtc, actorId, $"Метка «{t}»", new { tag = t });
    }
}
