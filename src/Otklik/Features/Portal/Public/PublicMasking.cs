using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Otklik.Features.Appeals;

namespace Otklik.Features.Portal.Public;

/// <summary>What kind of personal data a masked fragment was.</summary>
public enum MaskKind { Name, Phone, Email, Inn, Snils, Passport, House }

/// <summary>One masked fragment: where it is in the source text, what it was, and what the public sees instead.</summary>
public sealed record MaskedSpan(int Start, int Length, MaskKind Kind, string Original)
{
    public int End => Start + Length;
    public string Replacement => PublicMasking.Replacement(Kind);
}

/// <summary>A text with its masked fragments: <see cref="Public"/> is what the portal shows; <see cref="Pieces"/> lets staff see both.</summary>
public sealed record MaskedText(string Source, IReadOnlyList<MaskedSpan> Spans, IReadOnlyList<MaskedSpan> Released)
{
    public string Public
    {
        get
        {
            if (Spans.Count == 0) return Source;
            var sb = new StringBuilder(Source.Length);
            var at = 0;
            foreach (var s in Spans)
            {
                sb.Append(Source, at, s.Start - at).Append(s.Replacement);
                at = s.End;
            }
            return sb.Append(Source, at, Source.Length - at).ToString();
        }
    }

    /// <summary>The text cut into plain pieces and masked ones, in order (the moderator's view marks the masked ones).</summary>
    public IEnumerable<(string Text, MaskedSpan? Span)> Pieces
    {
        get
        {
            var at = 0;
            foreach (var s in Spans)
            {
                if (s.Start > at) yield return (Source[at..s.Start], null);
                yield return (Source.Substring(s.Start, s.Length), s);
                at = s.End;
            }
            if (at < Source.Length) yield return (Source[at..], null);
        }
    }
}

/// <summary>
/// THE automatic masking of what the public portal publishes (the appeal's text, the answer, the address, the public
/// search copy): phone numbers, e-mail addresses, ИНН, СНИЛС, passport-like numbers, a sole trader's name after «ИП» or
/// «Индивидуальный предприниматель», and the applicant's own names in any grammatical case. It runs on every read, over
/// the moderator's copy when there is one, so a rule added here reaches what was published before. The moderator may
/// release a wrongly masked fragment (<see cref="Appeal.PublicUnmasked"/>); a fragment that needs masking and was not
/// caught is masked by hand the existing way (the moderator's copy of the text).
/// </summary>
public static partial class PublicMasking
{
    public static string Replacement(MaskKind kind) => kind switch
    {
        MaskKind.Name => "[имя скрыто]",
        MaskKind.Phone => "[телефон скрыт]",
        MaskKind.Email => "[эл. почта скрыта]",
        MaskKind.Inn => "[ИНН скрыт]",
        MaskKind.Snils => "[СНИЛС скрыт]",
        MaskKind.Passport => "[номер документа скрыт]",
        MaskKind.House => "[дом скрыт]",
        _ => "***",
    };

    public static string Title(MaskKind kind) => kind switch
    {
        MaskKind.Name => "имя",
        MaskKind.Phone => "телефон",
        MaskKind.Email => "эл. почта",
        MaskKind.Inn => "ИНН",
        MaskKind.Snils => "СНИЛС",
        MaskKind.Passport => "номер документа",
        MaskKind.House => "дом заявителя",
        _ => "",
    };

    /// <summary>The appeal's text as the public sees it (the moderator's copy or the text, masked).</summary>
    public static MaskedText AppealText(Appeal a) => Mask(a.PublicText ?? a.Text, a.Applicant, a.PublicUnmasked);

    /// <summary>The answer as the public sees it: «Уважаемая Мария Петровна!» names the applicant too.</summary>
    public static MaskedText AnswerText(Appeal a) => Mask(a.AnswerText ?? "", a.Applicant, a.PublicUnmasked);

    public static MaskedText Mask(string? text, ApplicantInfo applicant, string? released = null) =>
        Mask(text, NamesOf(applicant), Released(released), applicant.PostalAddress);

    /// <summary>The fragments the moderator released, one a line, compared without regard to letter case.</summary>
    public static HashSet<string> Released(string? released) =>
        new((released ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);

    /// <summary>The applicant's names: a person's three, or the words of a sole trader's name and of any representative.</summary>
    public static IReadOnlyList<string> NamesOf(ApplicantInfo a)
    {
        var names = new List<string?> { a.LastName, a.FirstName, a.MiddleName };
        if (a.Kind == ApplicantKind.Organisation)
        {
            if (IsSoleTrader(a.OrganisationName, a.Inn, a.Ogrn)) names.AddRange(Words(SoleTraderPrefix().Replace(a.OrganisationName ?? "", "")));
            names.AddRange(Words(a.RepresentativeName));
        }
        return [.. names.Where(n => n is { Length: >= 2 }).Select(n => n!.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    static IEnumerable<string> Words(string? s) => s is null ? [] : Word().Matches(s).Select(m => m.Value);

    /// <summary>
    /// A sole trader's "organisation" is a person: its name starts with «ИП»/«Индивидуальный предприниматель» in any
    /// letter case, or its ИНН has 12 digits (a person's) or its ОГРН 15 (an ОГРНИП).
    /// </summary>
    public static bool IsSoleTrader(string? organisationName, string? inn, string? ogrn) =>
        (organisationName is { } n && SoleTraderPrefix().IsMatch(n))
        || inn?.Trim().Length == 12 || ogrn?.Trim().Length == 15;

    public static MaskedText Mask(string? text, IReadOnlyList<string> names, IReadOnlySet<string> released, string? ownAddress = null)
    {
        text ??= "";
        var found = new List<MaskedSpan>();
        void Add(int start, int length, MaskKind kind)
        {
            if (length <= 0) return;
            var original = text.Substring(start, length);
            found.Add(new MaskedSpan(start, length, kind, original));
        }

        foreach (Match m in Email().Matches(text)) Add(m.Index, m.Length, MaskKind.Email);
        foreach (Match m in Phone().Matches(text))
            if (Digits(m.Value) == 11 && !IsMoney(text, m.Index + m.Length)) Add(m.Index, m.Length, MaskKind.Phone);
        foreach (Match m in LocalPhone().Matches(text)) Add(m.Index, m.Length, MaskKind.Phone);
        foreach (Match m in Snils().Matches(text)) if (!IsMoney(text, m.Index + m.Length)) Add(m.Index, m.Length, MaskKind.Snils);
        foreach (Match m in Passport().Matches(text)) if (!IsMoney(text, m.Index + m.Length)) Add(m.Index, m.Length, MaskKind.Passport);
        foreach (Match m in Inn().Matches(text)) if (!IsMoney(text, m.Index + m.Length)) Add(m.Index, m.Length, MaskKind.Inn);
        foreach (Match m in SoleTrader().Matches(text))
        {
            var name = m.Groups["name"];
            Add(name.Index, name.Length, MaskKind.Name);
        }
        var bases = names.SelectMany(Bases).Distinct().ToList();
        if (bases.Count > 0)
            foreach (Match m in Word().Matches(text))
                if (IsName(m.Value, bases)) Add(m.Index, m.Length, MaskKind.Name);

        if (OwnHouse(ownAddress) is { } own)
            foreach (Match m in own.Matches(text))
            {
                var house = m.Groups["house"];
                Add(house.Index, house.Length, MaskKind.House);
            }

        var spans = Merge(text, found);
        var kept = spans.Where(s => !released.Contains(s.Original.Trim())).ToList();
        return new MaskedText(text, kept, [.. spans.Except(kept)]);
    }

    /// <summary>Overlaps become one fragment (the first kind found wins); names next to names or initials become one too.</summary>
    static List<MaskedSpan> Merge(string text, List<MaskedSpan> found)
    {
        var result = new List<MaskedSpan>();
        foreach (var s in found.OrderBy(s => s.Start).ThenByDescending(s => s.Length))
        {
            var (start, end) = (s.Start, s.End);
            if (s.Kind == MaskKind.Name)
            {
                // "Петрова Т. Г." and "Т.Г. Петрова": the initials go with the surname.
                if (InitialsAfter().Match(text, end) is { Success: true } after && after.Index == end) end += after.Length;
                var before = InitialsBefore().Match(text[..start]);
                if (before.Success) start = before.Index;
            }
            if (result.Count > 0 && result[^1] is var last && (start < last.End
                || (last.Kind == MaskKind.Name && s.Kind == MaskKind.Name && string.IsNullOrWhiteSpace(text[last.End..start]))))
            {
                var newEnd = Math.Max(last.End, end);
                result[^1] = last with { Length = newEnd - last.Start, Original = text[last.Start..newEnd] };
                continue;
            }
            result.Add(new MaskedSpan(start, end - start, s.Kind, text[start..end]));
        }
        return result;
    }

    static int Digits(string s) => s.Count(char.IsAsciiDigit);

    /// <summary>"8 905 000 000 руб." is a sum, not a phone.</summary>
    static bool IsMoney(string text, int end) => Money().IsMatch(text.AsSpan(end, Math.Min(12, text.Length - end)).ToString());

    // ---- Names: a careful suffix rule over Russian declension ----

    /// <summary>
    /// The stems of a name that every case form starts with: «Петрова» → «петров» (Петровой, Петровым, Петрову),
    /// «Мария» → «мари» (Марии, Марию, Марией), «Белый» → «бел» (Белого, Белому), «Павел» → «павел» and «павл» (Павла).
    /// </summary>
    static IEnumerable<string> Bases(string name)
    {
        var n = Normal(name);
        if (n.Length < 2) yield break;
        string b;
        if (n.Length > 4 && (n.EndsWith("ий") || n.EndsWith("ый") || n.EndsWith("ой") || n.EndsWith("ая") || n.EndsWith("яя"))) b = n[..^2];
        else if ("аяоеыиуюьй".Contains(n[^1]) && n.Length > 2) b = n[..^1];
        else b = n;
        yield return b;
        // The fleeting vowel of «Павел» — «Павла», «Лев» is too short to risk it.
        if (b.Length >= 4 && b[^2] == 'е' && !"аеиоуыэюя".Contains(b[^3]) && !"аеиоуыэюя".Contains(b[^1])) yield return b[..^2] + b[^1];
    }

    static readonly HashSet<string> Endings =
    [
        "", "а", "я", "у", "ю", "ы", "и", "е", "о", "ь", "й", "ой", "ей", "ою", "ею", "ом", "ем", "ым", "им", "ых", "их", "ую", "юю",
        "ая", "яя", "ое", "ее", "ий", "ый", "ого", "его", "ому", "ему", "ов", "ев", "ам", "ям", "ами", "ями", "ах", "ях",
        "ье", "ья", "ью", "ьи", "ьей", "ьем", "ии", "ию", "ией", "иям",
    ];

    /// <summary>
    /// A word is one of the names when it is a name's stem plus a case ending. A capitalised word always counts; a word
    /// written in lower case only when the stem is long (a short name in lower case is more likely a word: «вера», «лев»).
    /// </summary>
    static bool IsName(string word, List<string> bases)
    {
        var w = Normal(word);
        var capital = char.IsUpper(word[0]);
        foreach (var b in bases)
            if (w.StartsWith(b, StringComparison.Ordinal) && Endings.Contains(w[b.Length..]) && (capital || b.Length >= 6)) return true;
        return false;
    }

    static string Normal(string s) => s.Trim().ToLower(CultureInfo.InvariantCulture).Replace('ё', 'е');

    // ---- The applicant's own address: the street, never the building ----

    /// <summary>
    /// The appeal's address as the public sees it: at street level («пос. Ключи, ул. Школьная») when it is the applicant's own
    /// address (its street and house are those of the applicant's postal address), as written otherwise.
    /// </summary>
    public static string? Address(string? address, string? applicantPostal)
    {
        if (address is null || !IsOwnAddress(address, applicantPostal) || House(address) is not { } house) return address;
        var street = HouseWord().Replace(address[..house.Index], "").TrimEnd(',', ' ');
        return street.Length > 0 ? street : "адрес скрыт";
    }

    /// <summary>Is the appeal's address the applicant's own: the same street word followed by the same house number?</summary>
    public static bool IsOwnAddress(string? address, string? applicantPostal)
    {
        if (string.IsNullOrWhiteSpace(address) || string.IsNullOrWhiteSpace(applicantPostal) || House(address) is not { } house) return false;
        var street = AddressTokens().Matches(address[..house.Index]).Select(m => Normal(m.Value))
            .LastOrDefault(t => t.Length >= 3 && !char.IsAsciiDigit(t[0]) && !NotStreet.Contains(t));
        if (street is null) return false;
        var postal = AddressTokens().Matches(applicantPostal).Select(m => Normal(m.Value)).ToList();
        var number = Normal(house.Value);
        for (var i = 0; i < postal.Count; i++)
            if (postal[i] == street)
                for (var j = i + 1; j <= Math.Min(i + 3, postal.Count - 1); j++)
                    if (postal[j] == number) return true;
        return false;
    }

    /// <summary>
    /// The applicant's own street followed by their own house number (and flat) in any text: «ул. Малышева, д. 12, кв. 5»
    /// or «на Малышевой, 12»; the street stays, the house and flat go. Null when the postal address names no street and house.
    /// </summary>
    static Regex? OwnHouse(string? postal)
    {
        if (string.IsNullOrWhiteSpace(postal) || House(postal) is not { } house) return null;
        var street = AddressTokens().Matches(postal[..house.Index]).Select(m => Normal(m.Value))
            .LastOrDefault(t => t.Length >= 3 && !char.IsAsciiDigit(t[0]) && !NotStreet.Contains(t));
        if (street is null) return null;
        var stem = Bases(street).First();
        return new Regex(@"(?<!\p{L})" + Regex.Escape(stem) + @"\p{L}{0,3}[\s,.]*(?:(?:д|дом)\.?\s*)?(?<house>" + Regex.Escape(house.Value)
            + @"(?![\p{N}])(?:[\s,.]*(?:кв|квартира)\.?\s*\d+)?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    static readonly HashSet<string> NotStreet = ["ул", "улица", "дом", "пер", "переулок", "пр", "просп", "проспект", "пл", "площадь", "мкр", "корп", "стр"];

    /// <summary>The house number: the first number that is not a postcode and not a flat, office or building part.</summary>
    static Match? House(string address)
    {
        foreach (Match m in HouseNumber().Matches(address))
        {
            if (m.Value.Length == 6 && m.Value.All(char.IsAsciiDigit)) continue;
            var before = AddressTokens().Matches(address[..m.Index]).LastOrDefault()?.Value;
            if (before is not null && FlatWords.Contains(Normal(before))) continue;
            return m;
        }
        return null;
    }

    static readonly HashSet<string> FlatWords = ["кв", "квартира", "оф", "офис", "комн", "комната", "корп", "к", "стр", "строение", "пом"];

    /// <summary>Round a point to about a hundred metres: the map shows the street, not the building.</summary>
    public static double Coarse(double degrees) => Math.Round(degrees, 3);

    [GeneratedRegex(@"(?<![\p{L}\p{N}])\d+\p{L}?(?:/\d+)?(?![\p{N}])")]
    private static partial Regex HouseNumber();

    [GeneratedRegex(@"[\p{L}\p{N}/]+")]
    private static partial Regex AddressTokens();

    [GeneratedRegex(@"[,\s]*(?<!\p{L})(?:д\.?|дом)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex HouseWord();

    // ---- Patterns ----

    [GeneratedRegex(@"[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}")]
    private static partial Regex Email();

    /// <summary>+7 or 8, then ten digits with spaces, brackets and dashes between them: +7 (912) 345-67-89, 8-912-345-67-89, 89123456789.</summary>
    [GeneratedRegex(@"(?<![\p{L}\p{N}+])(?:\+\s?7|8)(?:[\s\-–()]{0,3}\d){10}(?![\p{N}])")]
    private static partial Regex Phone();

    /// <summary>A city number with its code in brackets: (3439) 35-20-18, (343) 123-45-67.</summary>
    [GeneratedRegex(@"(?<![\p{N}])\(\d{3,5}\)\s?\d{1,3}[\s\-–]\d{2}[\s\-–]\d{2}(?![\p{N}])")]
    private static partial Regex LocalPhone();

    /// <summary>СНИЛС: 123-456-789 01 (or with spaces, or eleven digits after the word).</summary>
    [GeneratedRegex(@"(?<![\p{N}\-])\d{3}[\-\s]\d{3}[\-\s]\d{3}[\s\-]\d{2}(?![\p{N}\-])|(?<=СНИЛС\D{0,5})\d{11}(?!\p{N})", RegexOptions.IgnoreCase)]
    private static partial Regex Snils();

    /// <summary>A passport-like number: 4 digits (maybe as 2 + 2) and 6 digits, apart by a space or «№» (never by a dash: 2026-000123 is an appeal).</summary>
    [GeneratedRegex(@"(?<![\p{N}\-./])\d{2}\s?\d{2}(?:\s+|\s*№\s*|\s*номер\s*)\d{6}(?![\p{N}\-])")]
    private static partial Regex Passport();

    /// <summary>ИНН: 10 or 12 digits standing alone.</summary>
    [GeneratedRegex(@"(?<![\p{N}\-./])(?:\d{12}|\d{10})(?![\p{N}\-])")]
    private static partial Regex Inn();

    [GeneratedRegex(@"^\s*(?:руб|р\.|₽|тыс|млн|млрд|копе)", RegexOptions.IgnoreCase)]
    private static partial Regex Money();

    /// <summary>«ИП Чернова А. В.», «ип Чернова», «Индивидуальный предприниматель Вахрушев Пётр Ильич»: the name goes, the status stays.</summary>
    [GeneratedRegex(@"(?<!\p{L})(?i:ип|индивидуальн\p{L}*\s+предпринимател\p{L}*)\s+(?<name>\p{Lu}\p{L}+(?:-\p{Lu}\p{L}+)?(?:\s+(?:\p{Lu}\p{L}+|\p{Lu}\.\s?(?:\p{Lu}\.)?)){0,2})")]
    private static partial Regex SoleTrader();

    [GeneratedRegex(@"^\s*(?:ИП|индивидуальн\p{L}*\s+предпринимател\p{L}*)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex SoleTraderPrefix();

    [GeneratedRegex(@"\p{L}+(?:-\p{L}+)*")]
    private static partial Regex Word();

    [GeneratedRegex(@"\G\s+\p{Lu}\.\s?(?:\p{Lu}\.)?")]
    private static partial Regex InitialsAfter();

    [GeneratedRegex(@"\p{Lu}\.\s?(?:\p{Lu}\.)?\s+$")]
    private static partial Regex InitialsBefore();
}
