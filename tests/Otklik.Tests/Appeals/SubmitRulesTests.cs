using Otklik.Features.Appeals;
using Otklik.Features.Intake;
using Otklik.Infrastructure;

namespace Otklik.Tests.Appeals;

/// <summary>The pure checks a submitted appeal must pass before anything is stored.</summary>
public sealed class SubmitRulesTests
{
    /// <summary>The field errors a check collects: field → messages. Empty when the input is fine.</summary>
    static IReadOnlyDictionary<string, string[]> Errors(Action<InputErrors> check) => ErrorsAndCode(check).Errors;

    static (IReadOnlyDictionary<string, string[]> Errors, string? FirstCode) ErrorsAndCode(Action<InputErrors> check)
    {
        var errors = new InputErrors();
        check(errors);
        if (!errors.Any) return (new Dictionary<string, string[]>(), null);
        var thrown = Assert.Throws<InputException>(() => errors.ThrowIfAny());
        return (thrown.Errors, thrown.Code);
    }

    // ---- ИНН, ОГРН, ОГРНИП ----

    [Theory]
    [InlineData("7707083893")]      // ПАО Сбербанк, 10 digits
    [InlineData("7736207543")]      // ООО «Яндекс»
    [InlineData("500100732259")]    // a person or sole trader, 12 digits
    public void A_valid_INN_is_accepted(string inn) => Assert.True(SubmitRules.IsValidInn(inn));

    [Theory]
    [InlineData("7707083894")]      // wrong check digit
    [InlineData("500100732258")]    // wrong second check digit
    [InlineData("500100732269")]    // wrong first check digit
    [InlineData("77070838ab")]      // letters
    [InlineData("770708389")]       // 9 digits
    [InlineData("77070838930")]     // 11 digits
    [InlineData("")]
    [InlineData(" 7707083893")]
    [InlineData("7707083893\n")]
    [InlineData("７７０７０８３８９３")]    // full-width digits
    [InlineData("-707083893")]
    public void An_invalid_INN_is_refused(string inn) => Assert.False(SubmitRules.IsValidInn(inn));

    [Theory]
    [InlineData("1027700132195")]       // ОГРН, 13 digits
    [InlineData("1037739877295")]
    [InlineData("304500116000157")]     // ОГРНИП, 15 digits
    [InlineData("316861700133226")]
    public void A_valid_OGRN_or_OGRNIP_is_accepted(string ogrn) => Assert.True(SubmitRules.IsValidOgrn(ogrn));

    [Theory]
    [InlineData("1027700132194")]       // wrong check digit
    [InlineData("304500116000158")]     // wrong check digit of an ОГРНИП
    [InlineData("102770013219")]        // 12 digits
    [InlineData("10277001321950")]      // 14 digits
    [InlineData("102770013219A")]
    [InlineData("1027700132195\n")]
    [InlineData("١٠٢٧٧٠٠١٣٢١٩٥")]       // Arabic-Indic digits: refused, not a crash in long.Parse
    [InlineData("")]
    public void An_invalid_OGRN_is_refused(string ogrn) => Assert.False(SubmitRules.IsValidOgrn(ogrn));

    // ---- Markup ----

    /// <summary>What an HTML parser would take for a tag, a comment or a script.</summary>
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<SCRIPT SRC=//evil.example/x.js>")]
    [InlineData("Прошу <b>срочно</b> решить")]
    [InlineData("Текст </p> дальше")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<a href=\"#\">ссылка</a>")]
    [InlineData("ссылка javascript:alert(1)")]
    [InlineData("JavaScript :void(0)")]
    [InlineData("кнопка onclick=\"steal()\"")]
    [InlineData("кнопка onClick = steal()")]
    [InlineData("<!-- комментарий -->")]
    [InlineData("<?php echo 1; ?>")]
    [InlineData("x<y")]                 // "<" glued to a Latin letter opens a tag for a browser
    public void Markup_is_detected(string text) => Assert.True(SubmitRules.ContainsMarkup(text));

    /// <summary>
    /// Ordinary text is not markup: quotes of any kind, comparison signs with spaces or before digits and Cyrillic,
    /// arrows, escaped entities, e-mail addresses. Browsers read none of these as tags.
    /// </summary>
    [Theory]
    [InlineData("Прошу «срочно» решить вопрос с „лапками“ и \"кавычками\"")]
    [InlineData("если a < b, то b > a")]
    [InlineData("глубина ямы < 5 см, ширина >1 м")]
    [InlineData("<5 метров от остановки")]
    [InlineData("a<5")]
    [InlineData("температура <нормы")]
    [InlineData("стрелка <- и ->")]
    [InlineData("текст &lt;script&gt; экранирован")]
    [InlineData("пишите на ivanov@mail.ru, сайт https://admin.example.ru/?a=1&b=2")]
    [InlineData("Он = она, оно = они")]
    [InlineData("Работает online, только = сломано")]
    public void Ordinary_text_is_not_markup(string text) => Assert.False(SubmitRules.ContainsMarkup(text));

    // ---- Text ----

    [Theory]
    [InlineData(null, "field.required")]
    [InlineData("", "field.required")]
    [InlineData("   \n ", "field.required")]
    [InlineData("Яма", "text.too_short")]
    [InlineData("   короткий   ", "text.too_short")]      // 8 letters once trimmed
    [InlineData("Яма на дороге <b>опасна</b>", "text.markup")]
    public void A_bad_text_is_refused(string? text, string code)
    {
        var (errors, first) = ErrorsAndCode(e => SubmitRules.CheckText(e, "text", text));
        Assert.Equal(["text"], errors.Keys);
        Assert.Single(errors["text"]);
        Assert.Equal(code, first);
    }

    [Fact]
    public void A_text_longer_than_the_limit_is_refused_and_one_at_the_limit_is_accepted()
    {
        Assert.Empty(Errors(e => SubmitRules.CheckText(e, "text", new string('я', SubmitRules.MaxTextLength))));
        Assert.Equal(["text"], Errors(e => SubmitRules.CheckText(e, "text", new string('я', SubmitRules.MaxTextLength + 1))).Keys);
    }

    [Theory]
    [InlineData("Яма на дороге")]
    [InlineData("  Десять букв  ")]
    [InlineData("Глубина ямы < 5 см, «очень» опасно")]
    public void A_good_text_is_accepted(string text) => Assert.Empty(Errors(e => SubmitRules.CheckText(e, "text", text)));

    [Fact]
    public void An_optional_field_may_be_absent_but_not_too_long_or_marked_up()
    {
        Assert.Empty(Errors(e => SubmitRules.CheckOptional(e, "address", null, 10)));
        Assert.Empty(Errors(e => SubmitRules.CheckOptional(e, "address", "ул. Ленина", 10)));
        Assert.Equal(["address"], Errors(e => SubmitRules.CheckOptional(e, "address", "ул. Ленина, 24", 10)).Keys);
        Assert.Equal(["address"], Errors(e => SubmitRules.CheckOptional(e, "address", "<b>x</b>", 100)).Keys);
    }

    // ---- Applicant, per regime ----

    static IReadOnlyDictionary<string, string[]> Check(ApplicantInfo? applicant, LegalRegime regime) =>
        Errors(e => SubmitRules.CheckApplicant(e, applicant, regime));

    static ApplicantInfo Person(string? lastName = "Иванова", string? firstName = "Мария", string? email = null,
        string? phone = null, string? postal = null) =>
        new() { Kind = ApplicantKind.Person, LastName = lastName, FirstName = firstName, Email = email, Phone = phone, PostalAddress = postal };

    public static TheoryData<LegalRegime> AllRegimes() => [.. Enum.GetValues<LegalRegime>()];

    [Theory, MemberData(nameof(AllRegimes))]
    public void An_appeal_without_an_applicant_is_allowed_only_for_a_social_network_incident(LegalRegime regime)
    {
        var errors = Check(null, regime);
        if (regime == LegalRegime.SocialIncident) Assert.Empty(errors);
        else Assert.Equal(["applicant"], errors.Keys);
    }

    [Theory, MemberData(nameof(AllRegimes))]
    public void An_anonymous_applicant_is_allowed_only_for_a_social_network_incident(LegalRegime regime)
    {
        var (errors, code) = ErrorsAndCode(e => SubmitRules.CheckApplicant(e, new ApplicantInfo { Kind = ApplicantKind.Anonymous }, regime));
        if (regime == LegalRegime.SocialIncident)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal(["applicant.kind"], errors.Keys);
            Assert.Equal("applicant.anonymous", code);
        }
    }

    [Fact]
    public void A_person_under_59_FZ_gives_a_last_name_and_an_e_mail_or_postal_address()
    {
        Assert.Empty(Check(Person(email: "m.ivanova@example.ru"), LegalRegime.Obrashchenie59));
        Assert.Empty(Check(Person(postal: "620014, Екатеринбург, ул. Малышева, 21"), LegalRegime.Obrashchenie59));
        Assert.Equal(["applicant.lastName"], Check(Person(lastName: " ", email: "m.ivanova@example.ru"), LegalRegime.Obrashchenie59).Keys);
        Assert.Equal(["applicant.firstName"], Check(Person(firstName: null, email: "m.ivanova@example.ru"), LegalRegime.Obrashchenie59).Keys);
        // A phone is no address for a written answer under 59-ФЗ.
        Assert.Equal(["applicant.email"], Check(Person(phone: "+7 912 345-67-89"), LegalRegime.Obrashchenie59).Keys);
        Assert.Equal(["applicant.email"], Check(Person(), LegalRegime.Obrashchenie59).Keys);
    }

    [Theory]
    [InlineData(LegalRegime.PlatformMessage)]
    [InlineData(LegalRegime.BusinessConsultation)]
    public void A_person_sending_a_message_or_a_business_question_gives_an_e_mail_or_phone(LegalRegime regime)
    {
        Assert.Empty(Check(Person(lastName: null, email: "m.ivanova@example.ru"), regime));
        Assert.Empty(Check(Person(lastName: null, phone: "8 (912) 345-67-89"), regime));
        Assert.Equal(["applicant.email"], Check(Person(postal: "620014, Екатеринбург, ул. Малышева, 21"), regime).Keys);
        Assert.Equal(["applicant.firstName"], Check(Person(firstName: "", phone: "+79123456789"), regime).Keys);
    }

    [Fact]
    public void A_person_reporting_a_social_network_incident_needs_only_a_first_name()
    {
        Assert.Empty(Check(Person(lastName: null), LegalRegime.SocialIncident));
        Assert.Equal(["applicant.firstName"], Check(Person(lastName: null, firstName: null), LegalRegime.SocialIncident).Keys);
    }

    static ApplicantInfo Company(string? name = "ООО «Уральский хлеб»", string? representative = "Петров Иван Сергеевич",
        string? lastName = null, string? inn = null, string? ogrn = null) => new()
    {
        Kind = ApplicantKind.Organisation, OrganisationName = name, RepresentativeName = representative, LastName = lastName,
        Inn = inn, Ogrn = ogrn, Email = "office@uralbread.example.ru",
    };

    [Theory, MemberData(nameof(AllRegimes))]
    public void An_organisation_gives_its_name_and_a_representative(LegalRegime regime)
    {
        Assert.Empty(Check(Company(), regime));
        Assert.Empty(Check(Company(representative: null, lastName: "Петров"), regime));
        Assert.Equal(["applicant.organisationName"], Check(Company(name: " "), regime).Keys);
        Assert.Equal(["applicant.representativeName"], Check(Company(representative: null), regime).Keys);
    }

    [Fact]
    public void An_organisations_INN_and_OGRN_are_optional_but_checked_when_given()
    {
        var regime = LegalRegime.BusinessConsultation;
        Assert.Empty(Check(Company(inn: "7707083893", ogrn: "1027700132195"), regime));
        Assert.Empty(Check(Company(inn: "500100732259", ogrn: "304500116000157"), regime));   // a sole trader
        Assert.Empty(Check(Company(inn: "", ogrn: ""), regime));
        Assert.Equal(["applicant.inn"], Check(Company(inn: "7707083894"), regime).Keys);
        Assert.Equal(["applicant.ogrn"], Check(Company(ogrn: "1027700132194"), regime).Keys);
        Assert.Equal(["applicant.inn", "applicant.ogrn"], Check(Company(inn: "ИНН", ogrn: "ОГРН"), regime).Keys.Order());
    }

    [Theory]
    [InlineData("m.ivanova@example.ru", true)]
    [InlineData("ivanov@mail.ru", true)]
    [InlineData("ivanov@", false)]
    [InlineData("ivanov", false)]
    [InlineData("ivanov@@mail.ru", false)]
    [InlineData("Иванов <ivanov@mail.ru>", false)]     // a display name is not an address
    [InlineData("ivanov@mail.ru, petrov@mail.ru", false)]
    public void An_e_mail_must_be_one_plain_address(string email, bool valid)
    {
        var errors = Check(Person(email: email, phone: "+79123456789"), LegalRegime.PlatformMessage);
        Assert.Equal(valid ? [] : ["applicant.email"], errors.Keys);
    }

    [Theory]
    [InlineData("+7 912 345-67-89", true)]
    [InlineData("8 (912) 345-67-89", true)]
    [InlineData("+79123456789", true)]
    [InlineData("12345", false)]
    [InlineData("позвоните мне", false)]
    [InlineData("+7 912 345-67-89 доб. 5", false)]
    public void A_phone_is_digits_with_the_usual_separators(string phone, bool valid)
    {
        var errors = Check(Person(phone: phone, email: "m.ivanova@example.ru"), LegalRegime.PlatformMessage);
        Assert.Equal(valid ? [] : ["applicant.phone"], errors.Keys);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(250, true)]
    [InlineData(100_000, true)]
    [InlineData(-1, false)]
    [InlineData(100_001, false)]
    public void A_collective_appeal_has_zero_to_a_hundred_thousand_co_signers(int count, bool valid)
    {
        var applicant = Person(email: "m.ivanova@example.ru");
        applicant.CoSignerCount = count;
        Assert.Equal(valid ? [] : ["applicant.coSignerCount"], Check(applicant, LegalRegime.Obrashchenie59).Keys);
    }

    [Fact]
    public void The_applicants_names_may_not_carry_markup_or_run_too_long()
    {
        var marked = Person(lastName: "<b>Иванова</b>", email: "m.ivanova@example.ru");
        Assert.Equal(["applicant.lastName"], Check(marked, LegalRegime.Obrashchenie59).Keys);
        var longName = Person(firstName: new string('М', 101), email: "m.ivanova@example.ru");
        Assert.Equal(["applicant.firstName"], Check(longName, LegalRegime.Obrashchenie59).Keys);
    }

    // ---- Location ----

    [Theory]
    [InlineData(null, null)]
    [InlineData(56.838, 60.605)]
    [InlineData(90.0, 180.0)]
    [InlineData(-90.0, -180.0)]
    [InlineData(0.0, 0.0)]
    public void A_point_is_either_absent_or_both_coordinates_in_range(double? latitude, double? longitude) =>
        Assert.Empty(Errors(e => SubmitRules.CheckLocation(e, latitude, longitude)));

    [Theory]
    [InlineData(56.838, null, "longitude")]
    [InlineData(null, 60.605, "latitude")]
    [InlineData(90.000001, 60.0, "latitude")]
    [InlineData(-91.0, 60.0, "latitude")]
    [InlineData(56.0, 180.5, "longitude")]
    [InlineData(56.0, -181.0, "longitude")]
    [InlineData(double.NaN, 60.0, "latitude")]
    [InlineData(56.0, double.NaN, "longitude")]
    [InlineData(double.PositiveInfinity, 60.0, "latitude")]
    [InlineData(56.0, double.NegativeInfinity, "longitude")]
    public void A_half_point_or_a_coordinate_out_of_range_is_refused(double? latitude, double? longitude, string field) =>
        Assert.Equal([field], Errors(e => SubmitRules.CheckLocation(e, latitude, longitude)).Keys);
}
