using System.Globalization;

namespace Otklik.Features.Shared;

/// <summary>
/// What the map partial (_Map.cshtml) shows: a point, and when <see cref="Editable"/> the ids of the form's latitude and
/// longitude inputs it writes to (the inputs stay the way to give a point without JavaScript). The tile server comes
/// from the settings <c>Otklik:Map:TileUrl</c> and <c>Otklik:Map:Attribution</c>; without one the map draws only the
/// territory outlines and the marker. With <see cref="AddressInput"/> (the id of the form's address field) the field
/// searches the address register, a tap on the map fills it with the nearest address, and «Моё местоположение» is offered.
/// </summary>
public sealed record MapView(double? Latitude, double? Longitude, bool Editable = false, string? LatitudeInput = null, string? LongitudeInput = null,
    Guid? TerritoryId = null, string Label = "Карта", string? AddressInput = null)
{
    public static string? Invariant(double? value) => value?.ToString("0.######", CultureInfo.InvariantCulture);
}
