using Otklik.Features.Appeals;
using Otklik.Features.Portal.Public;

namespace Otklik.Tests.Portal;

/// <summary>The automatic masking of what the portal publishes, as plain unit tests over real-looking Russian texts.</summary>
public sealed class PublicMaskingTests
{
    static readonly ApplicantInfo Petrova = new()
    {
        Kind = ApplicantKind.Person, LastName = "Петрова", FirstName = "Мария", MiddleName = "Петровна",
        PostalAddress = "620014, г. Уралград, ул. Малышева, 12, кв. 5",
    };

    static readonly ApplicantInfo Petrov = new() { Kind = ApplicantKind.Person, LastName = "Петров", FirstName = "Павел", MiddleName = "Ильич" };

    static string Masked(string text, ApplicantInfo? who = null, string? released = null) => PublicMasking.Mask(text, who ?? Petrova, released).Public;

    [Theory]
    [InlineData("Звоните: +7 (912) 345-67-89, вечером.", "Звоните: [телефон скрыт], вечером.")]
    [InlineData("Мой телефон 8 912 345 67 89", "Мой телефон [телефон скрыт]")]
    [InlineData("тел. 8-912-345-67-89.", "тел. [телефон скрыт].")]
    [InlineData("тел.89123456789", "тел.[телефон скрыт]")]
    [InlineData("+79123456789 — это я", "[телефон скрыт] — это я")]
    [InlineData("Диспетчер: 8 (3439) 35-20-18", "Диспетчер: [телефон скрыт]")]
    [InlineData("Диспетчер: (3439) 35-20-18", "Диспетчер: [телефон скрыт]")]
    [InlineData("Пишите на maria.petrova@mail.ru или petrova-m@yandex.ru", "Пишите на [эл. почта скрыта] или [эл. почта скрыта]")]
    [InlineData("ИНН 665979711457, ИНН организации 6670123456.", "ИНН [ИНН скрыт], ИНН организации [ИНН скрыт].")]
    [InlineData("СНИЛС 123-456-789 01", "СНИЛС [СНИЛС скрыт]")]
    [InlineData("СНИЛС: 12345678901", "СНИЛС: [СНИЛС скрыт]")]
    [InlineData("паспорт 65 04 123456 выдан", "паспорт [номер документа скрыт] выдан")]
    [InlineData("паспорт серия 6504 № 123456", "паспорт серия [номер документа скрыт]")]
    [InlineData("Киоск ИП Чернова А.В. работает ночью", "Киоск ИП [имя скрыто] работает ночью")]
    [InlineData("Киоск ип Чернова Алёна Викторовна работает ночью", "Киоск ип [имя скрыто] работает ночью")]
    [InlineData("Индивидуальный предприниматель Вахрушев Пётр Ильич не вывозит мусор", "Индивидуальный предприниматель [имя скрыто] не вывозит мусор")]
    [InlineData("магазин индивидуального предпринимателя Фролова К.А. на углу", "магазин индивидуального предпринимателя [имя скрыто] на углу")]
    public void Contacts_and_numbers_of_people_are_masked(string text, string expected) => Assert.Equal(expected, Masked(text));

    [Theory]
    [InlineData("Уважаемая Мария Петровна!", "Уважаемая [имя скрыто]!")]
    [InlineData("Я, Петрова Мария Петровна, прошу", "Я, [имя скрыто], прошу")]
    [InlineData("Прошу ответить Петровой М.П. по почте", "Прошу ответить [имя скрыто] по почте")]
    [InlineData("Ответ направлен М. П. Петровой.", "Ответ направлен [имя скрыто].")]
    [InlineData("соседи знают Марию, Петровым не звонили", "соседи знают [имя скрыто], [имя скрыто] не звонили")]
    [InlineData("с Марией Петровной", "с [имя скрыто]")]
    [InlineData("ПЕТРОВА МАРИЯ", "[имя скрыто]")]
    [InlineData("заявитель петровой не дозвонился", "заявитель [имя скрыто] не дозвонился")]
    public void The_applicants_names_are_masked_in_every_case_form(string text, string expected) => Assert.Equal(expected, Masked(text));

    [Theory]
    [InlineData("Уважаемый Павел Ильич!", "Уважаемый [имя скрыто]!")]
    [InlineData("у Павла Ильича Петрова", "у [имя скрыто]")]
    [InlineData("Петрову П.И. сообщили", "[имя скрыто] сообщили")]
    public void A_mans_names_decline_too(string text, string expected) => Assert.Equal(expected, Masked(text, Petrov));

    [Theory]
    [InlineData("Обращение № 2026-000123 от 12.03.2026 рассмотрено.")]
    [InlineData("Дом 12, корпус 3, кв. 45 по ул. Малышева; подъезд 2.")]
    [InlineData("Сумма 1 500 000 руб., а в 2025 году выделили 8 500 000 000 рублей.")]
    [InlineData("Выплачено 89123456789 руб. по решению суда.")]
    [InlineData("В соответствии с Федеральным законом от 02.05.2006 № 59-ФЗ и ст. 12 закона № 152-ФЗ.")]
    [InlineData("ОКВЭД 47.11, 56.10.1 и 96.02.")]
    [InlineData("Срок — до 15 декабря, с 10:00 до 16:00, автобус № 27.")]
    [InlineData("Вера в справедливость не умерла; надежда и любовь.")]
    [InlineData("Петровский сквер и улица Петровского не связаны с заявителем.")]
    [InlineData("Номер договора 2026/45-12 от 01.02.2026.")]
    public void Dates_numbers_sums_laws_and_codes_are_not_masked(string text) => Assert.Equal(text, Masked(text));

    [Fact]
    public void The_moderator_sees_what_was_masked_and_may_release_it()
    {
        const string text = "Председатель ТСЖ Иванов, тел. +7 912 345-67-89; я — Мария Петрова, ул. Петровская.";
        var masked = PublicMasking.Mask(text, Petrova);
        Assert.Equal(["+7 912 345-67-89", "Мария Петрова"], masked.Spans.Select(s => s.Original));
        Assert.Equal([MaskKind.Phone, MaskKind.Name], masked.Spans.Select(s => s.Kind));
        Assert.Equal(text, string.Concat(masked.Pieces.Select(p => p.Text)));

        var released = PublicMasking.Mask(text, Petrova, "мария петрова");
        Assert.Equal("Председатель ТСЖ Иванов, тел. [телефон скрыт]; я — Мария Петрова, ул. Петровская.", released.Public);
        Assert.Equal(["Мария Петрова"], released.Released.Select(s => s.Original));
    }

    [Theory]
    [InlineData("Я живу на ул. Малышева, 12, кв. 5, во дворе яма.", "Я живу на ул. Малышева, [дом скрыт], во дворе яма.")]
    [InlineData("у моего дома (Малышева д. 12) нет света", "у моего дома (Малышева д. [дом скрыт]) нет света")]
    [InlineData("на улице Малышевой, 12 нет света", "на улице Малышевой, [дом скрыт] нет света")]
    // Another house of the same street, and the same number on another street, are not the applicant's.
    [InlineData("у дома Малышева, 14 яма, и у дома Ленина, 12 тоже.", "у дома Малышева, 14 яма, и у дома Ленина, 12 тоже.")]
    public void The_applicants_own_house_is_masked_in_the_text(string text, string expected) => Assert.Equal(expected, Masked(text));

    [Theory]
    [InlineData("ИП Чернова Алёна Викторовна", "667601895561", null, true)]
    [InlineData("ип Чернова", null, null, true)]
    [InlineData("Индивидуальный предприниматель Вахрушев П. И.", null, null, true)]
    [InlineData("Чернова Алёна Викторовна", "667601895561", null, true)]
    [InlineData("Мастерская «Уют»", null, "321665838528082", true)]
    [InlineData("ООО «Ромашка»", "6670123456", "1026605606620", false)]
    [InlineData("Типография «Прогресс»", null, null, false)]
    public void A_sole_trader_is_a_person_however_the_name_is_spelt(string name, string? inn, string? ogrn, bool soleTrader)
    {
        Assert.Equal(soleTrader, PublicMasking.IsSoleTrader(name, inn, ogrn));
        var author = PublicAppeals.Author(new ApplicantInfo { Kind = ApplicantKind.Organisation, OrganisationName = name, Inn = inn, Ogrn = ogrn });
        Assert.Equal(soleTrader ? "Предприниматель" : name, author);
    }

    [Fact]
    public void A_sole_traders_own_name_is_masked_in_the_text()
    {
        var trader = new ApplicantInfo { Kind = ApplicantKind.Organisation, OrganisationName = "Чернова Алёна Викторовна", Inn = "667601895561" };
        Assert.Equal("Я, [имя скрыто], прошу грант.", PublicMasking.Mask("Я, Чернова Алёна Викторовна, прошу грант.", trader).Public);
        var company = new ApplicantInfo { Kind = ApplicantKind.Organisation, OrganisationName = "ООО Ромашка", Inn = "6670123456", RepresentativeName = "Сидоров Олег" };
        Assert.Equal("Директор [имя скрыто] просит; ООО Ромашка.", PublicMasking.Mask("Директор Сидоров Олег просит; ООО Ромашка.", company).Public);
    }

    [Theory]
    [InlineData("пос. Ключи, ул. Школьная, 2", "623411, Камнегорский р-н, пос. Ключи, ул. Школьная, 2", "пос. Ключи, ул. Школьная")]
    [InlineData("г. Уралград, ул. Малышева, д. 12", "620014, г. Уралград, ул. Малышева, 12, кв. 5", "г. Уралград, ул. Малышева")]
    [InlineData("ул. Малышева, 12", "620014, г. Уралград, ул. Малышева, д. 12, кв. 5", "ул. Малышева")]
    // Not the applicant's own: another house, another street, or no postal address at all.
    [InlineData("ул. Малышева, 14", "620014, г. Уралград, ул. Малышева, 12, кв. 5", "ул. Малышева, 14")]
    [InlineData("ул. Ленина, 12", "620014, г. Уралград, ул. Малышева, 12, кв. 5", "ул. Ленина, 12")]
    [InlineData("ул. Ленина, 12", null, "ул. Ленина, 12")]
    [InlineData("перекрёсток Ленина и Мира", "620014, г. Уралград, ул. Ленина, 12", "перекрёсток Ленина и Мира")]
    public void The_applicants_own_address_is_published_at_street_level(string address, string? postal, string expected) =>
        Assert.Equal(expected, PublicMasking.Address(address, postal));
}
