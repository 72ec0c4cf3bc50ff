using Otklik.Features.Identity;
using Otklik.Features.Intake;
using Otklik.Infrastructure;

namespace Otklik.Features.Telephony;

/// <summary>
/// The hotline's PBX tells Otklik of an incoming call (issue 18.5) with a key of the <see cref="ApiScopes.Telephony"/>
/// scope and gets the operator's screen for the caller's number (built from the configured public URL), which the PBX
/// hands to the operator's softphone or browser: the caller found by number, their open appeals and the last answers
/// (<see cref="CallsModel"/>). The PBX learns nothing about the caller; the screen is read by the signed-in operator,
/// scoped and audited as the operator's own lookup. An Asterisk dialplan example is in docs/telephony.md.
/// </summary>
public static class TelephonyApi
{
    public static RouteGroupBuilder MapTelephonyApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/telephony").WithTags("Telephony");
        group.MapPost("/calls", IncomingCall).RequireApiScope(ApiScopes.Telephony).Produces<Screen>()
            .WithSummary("The PBX tells of an incoming call; the answer is the address of the operator's screen for the caller.");
        return group;
    }

    public sealed record Call(string? CallId, string? CallerNumber, string? Extension);

    public sealed record Screen(string ScreenUrl);

    static async Task<IResult> IncomingCall(Call call, PublicUrl site, Data.AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (!await Social.ChannelStates.IsOnAsync(db, Social.ChannelStates.Telephony, ct)) return Social.ChannelStates.Off("телефон горячей линии");
        var e = new InputErrors();
        var digits = Digits(call.CallerNumber);
        if (digits is null) e.Add("callerNumber", "telephony.number", "Номер звонящего — 10 цифр, можно с 7 или 8 впереди.");
        SubmitRules.CheckIdentifier(e, "callId", call.CallId, 100);
        if (call.Extension is { Length: > 0 } ext && (ext.Length > 20 || !ext.All(char.IsAsciiDigit)))
            e.Add("extension", "telephony.extension", "Внутренний номер оператора — до 20 цифр.");
        e.ThrowIfAny(StatusCodes.Status422UnprocessableEntity);
        await Social.ChannelStates.NoteAsync(db, Social.ChannelStates.Telephony, Social.ChannelStates.What.Received, clock.GetUtcNow().UtcDateTime, null, ct);
        var query = "office/calls?number=" + digits + (string.IsNullOrWhiteSpace(call.CallId) ? "" : "&call=" + Uri.EscapeDataString(call.CallId.Trim()));
        return TypedResults.Ok(new Screen(new Uri(site.Root, query).ToString()));
    }

    /// <summary>The number's last ten digits (without +7 or 8), as <see cref="ApplicantLookup"/> compares phones; null if it is not a whole number.</summary>
    public static string? Digits(string? number)
    {
        if (string.IsNullOrWhiteSpace(number) || !number.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '(' or ')' or '+' or '.')) return null;
        var all = new string([.. number.Where(char.IsAsciiDigit)]);
        return all.Length == 10 || (all.Length == 11 && all[0] is '7' or '8') ? all[^10..] : null;
    }
}
