using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Otklik.Features.Open311;

/// <summary>
/// One Open311 answer written once and rendered as XML (required by GeoReport v2) or JSON (the same names): a list of
/// records (<c>&lt;services&gt;&lt;service&gt;…</c> / <c>[{…}]</c>) or a single record (<c>&lt;discovery&gt;</c> / <c>{…}</c>).
/// Field values are strings, numbers, booleans, nested records, or <see cref="Open311List"/>s.
/// </summary>
public sealed class Open311Record : List<KeyValuePair<string, object?>>
{
    public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));
}

/// <summary>A repeated element: XML <c>&lt;formats&gt;&lt;format&gt;…&lt;/format&gt;&lt;/formats&gt;</c>, JSON an array.</summary>
public sealed record Open311List(string Item, IReadOnlyList<object?> Items);

public static class Open311Document
{
    /// <summary>The two formats of the spec, chosen by the resource's extension (<c>services.xml</c>, <c>services.json</c>).</summary>
    public static bool IsFormat(string? format) => format is "xml" or "json";

    /// <summary>A list answer: <paramref name="root"/> holding one <paramref name="item"/> per record.</summary>
    public static IResult List(string format, string root, string item, IEnumerable<Open311Record> records, int status = 200) =>
        Write(format, root, new Open311List(item, [.. records]), status);

    /// <summary>A single-record answer under <paramref name="root"/>.</summary>
    public static IResult One(string format, string root, Open311Record record, int status = 200) => Write(format, root, record, status);

    /// <summary>The spec's error list: <c>&lt;errors&gt;&lt;error&gt;&lt;code&gt;403&lt;/code&gt;&lt;description&gt;…</c>, with that HTTP status.</summary>
    public static IResult Errors(string? format, int status, params string[] descriptions) =>
        List(IsFormat(format) ? format! : "xml", "errors", "error",
            descriptions.Select(d => new Open311Record { { "code", status }, { "description", d } }), status);

    static IResult Write(string format, string root, object body, int status)
    {
        if (format == "json")
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                WriteJson(json, body);
            return Results.Text(Encoding.UTF8.GetString(buffer.ToArray()), "application/json; charset=utf-8", Encoding.UTF8, status);
        }
        // The spec asks for the XML declaration with encoding="UTF-8" before the root element.
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), ToXml(root, body));
        var text = new StringBuilder();
        using (var writer = new Utf8StringWriter(text)) document.Save(writer, SaveOptions.None);
        return Results.Text(text.ToString(), "text/xml; charset=utf-8", Encoding.UTF8, status);
    }

    static XElement ToXml(string name, object? value) => value switch
    {
        null => new XElement(name),
        Open311Record r => new XElement(name, r.Select(f => ToXml(f.Key, f.Value))),
        Open311List l => new XElement(name, l.Items.Select(i => ToXml(l.Item, i))),
        bool b => new XElement(name, b ? "true" : "false"),
        IFormattable f => new XElement(name, f.ToString(null, CultureInfo.InvariantCulture)),
        _ => new XElement(name, value.ToString()),
    };

    static void WriteJson(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case Open311Record r:
                w.WriteStartObject();
                foreach (var (k, v) in r) { w.WritePropertyName(k); WriteJson(w, v); }
                w.WriteEndObject();
                break;
            case Open311List l:
                w.WriteStartArray();
                foreach (var i in l.Items) WriteJson(w, i);
                w.WriteEndArray();
                break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case double d: w.WriteNumberValue(d); break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }

    /// <summary>A W3C date-time (ISO 8601 with the offset) in the region's time zone: <c>2026-11-23T10:00:00+03:00</c>.</summary>
    public static string W3c(DateTime utc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return new DateTimeOffset(local, zone.GetUtcOffset(utc)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    sealed class Utf8StringWriter(StringBuilder sb) : StringWriter(sb, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
