using System.Text.Json;
using System.Text.Json.Serialization;

namespace Otklik.Infrastructure;

public static class Json
{
    /// <summary>
    /// camelCase names; enums as camelCase strings, never numbers, so an unknown value is refused; numbers only as JSON
    /// numbers (the web defaults would also read "56.85" as a number and hide a client's mistake).
    /// </summary>
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.NumberHandling = JsonNumberHandling.Strict;
        o.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        return o;
    }
}
