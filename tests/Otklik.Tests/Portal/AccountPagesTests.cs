using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Attachments;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>The portal's account pages over HTTP: registration, confirmation by the real e-mail, sign-in, reset, profile.</summary>
public sealed class AccountPagesTests(AppPool pool) : IClassFixture<AppPool>
{
    const string Password = "Urals-2026-pass";

    public static List<KeyValuePair<string, string>> RegisterForm(string email, string password = Password) =>
    [
        new("LastName", "Кузнецова"), new("FirstName", "Ольга"), new("MiddleName", "Петровна"), new("Email", email),
        new("Phone", "+7 912 600-11-22"), new("Password", password), new("PasswordConfirm", password),
        new("PersonalDataConsent", "true"), new("NotifyByEmail", "true"), new("NotifyByEmail", "false"), new("PublicationConsent", "false"),
    ];

    static Task<Person?> PersonAsync(TestApp app, string email) =>
        app.WithDbAsync(db => db.Users.AsNoTracking().Include(p => p.Roles).SingleOrDefaultAsync(p => p.Email == email));

    /// <summary>Registers through the page and returns the confirmation link from the real letter.</summary>
    public static async Task<string> RegisterAsync(TestApp app, PortalSession session, string email)
    {
        await session.GetAsync("/account/register");
        var response = await session.PostAsync("/account/register", RegisterForm(email));
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains("id=\"register-done\"", html);
        await app.DispatchMailAsync();
        var letter = await app.Mail.WaitForAsync(email, m => m.Subject == "Подтвердите адрес электронной почты");
        return LinkIn(letter.TextOf(), "/account/confirm");
    }

    public static string LinkIn(string body, string path)
    {
        var m = Regex.Match(body, $@"https?://[^\s]+{Regex.Escape(path)}\?[^\s]+");
        Assert.True(m.Success, $"No {path} link in: {body}");
        return m.Value;
    }

    static string PathOf(string link) => new Uri(link).PathAndQuery;

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Registration_sends_a_confirmation_link_and_only_a_confirmed_account_signs_in(Engine engine)
    {
        var app = await pool.For(engine);
        using var session = new PortalSession(app);
        var email = MailBox.NewAddress("olga");

        var link = await RegisterAsync(app, session, email);

        var person = await PersonAsync(app, email);
        Assert.NotNull(person);
        Assert.Equal((false, "Кузнецова", "Ольга", "Петровна", "+7 912 600-11-22", true, false),
            (person.EmailConfirmed, person.LastName, person.FirstName, person.MiddleName, person.PhoneNumber, person.NotifyByEmail, person.PublicationConsent));
        Assert.Equal(Role.Applicant, Assert.Single(person.Roles).Role);

        // Not confirmed yet: the right password is not enough, on the page and in the API alike.
        await session.GetAsync("/account/login");
        var refused = await session.PostAsync("/account/login", [new("Email", email), new("Password", Password)]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Адрес электронной почты ещё не подтверждён", refusedHtml);
        Assert.Contains("/account/resend?email=", refusedHtml);
        var api = await app.Anonymous().PostJsonAsync("/api/v1/auth/login", new { email, password = Password });
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);

        var confirmed = await session.GetAsync(PathOf(link));
        Assert.Contains("id=\"confirm-done\"", confirmed);
        Assert.True((await PersonAsync(app, email))!.EmailConfirmed);

        await session.SignInAsync(email, Password);
        var profile = await session.GetAsync("/account/profile");
        Assert.Contains($"<strong id=\"profile-email\">{email}</strong>", profile);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_registration_error_is_shown_next_to_its_field_and_the_form_keeps_what_was_typed(Engine engine)
    {
        var app = await pool.For(engine);
        using var session = new PortalSession(app);
        await session.GetAsync("/account/register");

        var response = await session.PostAsync("/account/register",
        [
            new("LastName", ""), new("FirstName", ""), new("MiddleName", "<b>Петровна</b>"), new("Email", "не-почта"), new("Phone", "звонить вечером"),
            new("Password", "Abcdefg1"), new("PasswordConfirm", "Abcdefg2"), new("PersonalDataConsent", "false"),
            new("IsOrganisation", "true"), new("OrganisationName", ""), new("Inn", "1234567890"),
        ]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        foreach (var (id, text) in new[]
        {
            ("lastname", "Укажите фамилию."), ("firstname", "Укажите имя."), ("middlename", "Поле не должно содержать HTML-разметку."),
            ("email", "Неверный адрес электронной почты."), ("phone", "Неверный номер телефона, например"),
            ("passwordconfirm", "Пароли не совпадают."), ("personaldataconsent", "Без согласия на обработку персональных данных зарегистрироваться нельзя."),
            ("organisationname", "Укажите название организации."),
            ("inn", "Неверный ИНН: 10 цифр для организации или 12 для ИП, с верными контрольными цифрами."),
        })
            Assert.Contains($"<span id=\"{id}-error\" class=\"field-error\">{text}", html);
        Assert.Contains("value=\"не-почта\"", html);
        Assert.Contains("value=\"звонить вечером\"", html);
        Assert.Contains("value=\"1234567890\"", html);
        Assert.Contains("id=\"isorganisation\" name=\"IsOrganisation\" type=\"checkbox\" value=\"true\" checked", html);
        // Passwords are never sent back.
        Assert.DoesNotContain("Abcdefg1", html);
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync(p => p.Email == "не-почта")));

        // The second wave: the server's own password rules (a taken address: Security.EnumerationTests).
        await session.GetAsync("/account/register");
        var weak = await session.PostAsync("/account/register", RegisterForm(MailBox.NewAddress(), "short"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, weak.StatusCode);
        Assert.Contains("<span id=\"password-error\" class=\"field-error\">Пароль — не короче 8 символов.</span>", await weak.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_representative_registers_with_the_organisation_and_a_valid_inn(Engine engine)
    {
        var app = await pool.For(engine);
        using var session = new PortalSession(app);
        var email = MailBox.NewAddress("director");
        await session.GetAsync("/account/register");
        var response = await session.PostAsync("/account/register",
            RegisterForm(email).Concat([new("IsOrganisation", "true"), new("OrganisationName", "ООО «Уралстанок»"), new("Inn", "7707083893")]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var person = await PersonAsync(app, email);
        Assert.Equal(("ООО «Уралстанок»", "7707083893"), (person!.OrganisationName, person.OrganisationInn));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_expired_or_forged_confirmation_link_is_refused_and_a_new_letter_can_be_asked_for(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        using var session = new PortalSession(app);
        var email = MailBox.NewAddress("late");
        var link = await RegisterAsync(app, session, email);

        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var expired = await session.GetRawAsync(PathOf(link));
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Contains("Ссылка недействительна или устарела", await expired.Content.ReadAsStringAsync());
        var forged = await session.GetRawAsync(Regex.Replace(PathOf(link), "token=[^&]+", "token=forged"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False((await PersonAsync(app, email))!.EmailConfirmed);

        await session.GetAsync("/account/resend?email=" + Uri.EscapeDataString(email));
        var resent = await session.PostAsync("/account/resend", [new("Email", email)]);
        Assert.Contains("id=\"resend-done\"", await resent.Content.ReadAsStringAsync());
        await app.DispatchMailAsync();
        Assert.Equal(2, app.Mail.To(email).Count);
        var fresh = LinkIn(app.Mail.To(email).Select(m => m.TextOf()).Single(b => !b.Contains(link)), "/account/confirm");
        Assert.Contains("id=\"confirm-done\"", await session.GetAsync(PathOf(fresh)));
        Assert.True((await PersonAsync(app, email))!.EmailConfirmed);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_forgotten_password_is_reset_by_the_link_from_the_letter_once(Engine engine)
    {
        var app = await pool.For(engine);
        using var session = new PortalSession(app);
        var email = MailBox.NewAddress("forgetful");
        await session.GetAsync(PathOf(await RegisterAsync(app, session, email)));

        await session.GetAsync("/account/forgot");
        var asked = await session.PostAsync("/account/forgot", [new("Email", email)]);
        Assert.Contains("id=\"forgot-done\"", await asked.Content.ReadAsStringAsync());
        // An unknown address gets the same answer and no letter.
        var unknown = MailBox.NewAddress("nobody");
        Assert.Contains("id=\"forgot-done\"", await (await session.PostAsync("/account/forgot", [new("Email", unknown)])).Content.ReadAsStringAsync());
        await app.DispatchMailAsync();
        Assert.Empty(app.Mail.To(unknown));
        var link = PathOf(LinkIn((await app.Mail.WaitForAsync(email, m => m.Subject == "Восстановление пароля")).TextOf(), "/account/reset"));

        await session.GetAsync(link);
        var mismatch = await session.PostAsync(link, [new("Password", "New-Urals-2027"), new("PasswordConfirm", "other")]);
        Assert.Contains("<span id=\"passwordconfirm-error\" class=\"field-error\">Пароли не совпадают.</span>", await mismatch.Content.ReadAsStringAsync());
        var done = await session.PostAsync(link, [new("Password", "New-Urals-2027"), new("PasswordConfirm", "New-Urals-2027")]);
        Assert.Contains("id=\"reset-done\"", await done.Content.ReadAsStringAsync());

        var again = await session.PostAsync(link, [new("Password", "Third-Urals-2028"), new("PasswordConfirm", "Third-Urals-2028")]);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("Ссылка недействительна или устарела.", await again.Content.ReadAsStringAsync());

        await session.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await session.PostAsync("/account/login", [new("Email", email), new("Password", Password)])).StatusCode);
        await session.SignInAsync(email, "New-Urals-2027");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Sign_in_follows_only_a_local_return_address_and_slows_repeated_failures(Engine engine)
    {
        var app = await pool.For(engine);
        using var session = new PortalSession(app);
        using (var s = await PortalSession.SignedInAsync(app, Persona.OtherApplicant)) { }

        await session.GetAsync("/account/login?ReturnUrl=%2Ffeed%3Fpage%3D2");
        Assert.Contains("name=\"ReturnUrl\" value=\"/feed?page=2\"", await session.GetAsync("/account/login?ReturnUrl=%2Ffeed%3Fpage%3D2"));
        var local = await session.PostAsync("/account/login", [new("Email", "otherapplicant@test.example"), new("Password", TestRegion.Password), new("ReturnUrl", "/feed?page=2")]);
        Assert.Equal("/feed?page=2", local.Headers.Location!.ToString());

        using var second = new PortalSession(app);
        await second.GetAsync("/account/login");
        var foreign = await second.PostAsync("/account/login", [new("Email", "otherapplicant@test.example"), new("Password", TestRegion.Password), new("ReturnUrl", "https://evil.example/")]);
        Assert.Equal("/my", foreign.Headers.Location!.ToString());

        using var third = new PortalSession(app);
        await third.GetAsync("/account/login");
        var staff = await third.PostAsync("/account/login", [new("Email", "otherapplicant@test.example"), new("Password", "wrong"), new("ReturnUrl", "//evil.example")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, staff.StatusCode);
        Assert.Contains("Неверный адрес электронной почты или пароль.", await staff.Content.ReadAsStringAsync());

        // Ten failures from one address slow that address down (ADR 0015): the next attempt, even with the right password,
        // is not checked until the wait is over, and the page says how long; the account itself is not locked.
        var email = MailBox.NewAddress("locked");
        await third.GetAsync(PathOf(await RegisterAsync(app, third, email)));
        await third.GetAsync("/account/login");
        for (var i = 0; i < 10; i++) await third.PostAsync("/account/login", [new("Email", email), new("Password", "wrong-" + i)]);
        var slowed = await third.PostAsync("/account/login", [new("Email", email), new("Password", Password)]);
        Assert.Equal(HttpStatusCode.TooManyRequests, slowed.StatusCode);
        Assert.Contains("Слишком много неудачных попыток входа. Повторите через", await slowed.Content.ReadAsStringAsync());
        Assert.NotNull(slowed.Headers.RetryAfter);
        Assert.Null((await PersonAsync(app, email))!.LockoutEnd);
        app.Clock.Advance(slowed.Headers.RetryAfter!.Delta!.Value);
        Assert.Equal(HttpStatusCode.Redirect, (await third.PostAsync("/account/login", [new("Email", email), new("Password", Password)])).StatusCode);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_profile_is_edited_with_errors_next_to_fields_a_photo_only_its_owner_sees_and_a_new_password(Engine engine)
    {
        var app = await pool.For(engine);
        using var me = await PortalSession.SignedInAsync(app, Persona.Applicant);
        await me.GetAsync("/account/profile");

        var bad = await me.PostAsync("/account/profile",
            [new("LastName", ""), new("FirstName", "Анна"), new("Phone", "abc"), new("IsOrganisation", "true"), new("OrganisationName", "ИП Смирнова"), new("Inn", "500100732258")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Contains("<span id=\"lastname-error\" class=\"field-error\">Укажите фамилию.</span>", badHtml);
        Assert.Contains("<span id=\"phone-error\" class=\"field-error\">", badHtml);
        Assert.Contains("value=\"ИП Смирнова\"", badHtml);

        var saved = await me.PostAsync("/account/profile",
        [
            new("LastName", "Смирнова"), new("FirstName", "Анна"), new("MiddleName", "Викторовна"), new("Phone", "+7 343 111-22-33"),
            new("NotifyByEmail", "false"), new("PublicationConsent", "true"), new("PublicationConsent", "false"),
            new("IsOrganisation", "true"), new("OrganisationName", "ИП Смирнова"), new("Inn", "500100732259"),
        ]);
        Assert.Equal("/account/profile?saved=profile", saved.Headers.Location!.ToString());
        var person = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(p => p.Id == app.Region.IdOf(Persona.Applicant)));
        Assert.Equal(("Смирнова", "Викторовна", "+7 343 111-22-33", false, true, "ИП Смирнова", "500100732259"),
            (person.LastName, person.MiddleName, person.PhoneNumber, person.NotifyByEmail, person.PublicationConsent, person.OrganisationName, person.OrganisationInn));

        // A document is not a photo; a photo is stored and served to its owner only.
        await me.GetAsync("/account/profile");
        var pdf = await me.PostRawAsync("/account/profile?handler=Photo", Upload(me, "scan.pdf", "%PDF-1.4\n%%EOF\n"u8.ToArray(), "application/pdf"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, pdf.StatusCode);
        Assert.Contains("<span id=\"photo-error\" class=\"field-error\">Загрузите фотографию: JPEG, PNG, WebP или HEIC.</span>", await pdf.Content.ReadAsStringAsync());
        var png = TinyPng();
        var uploaded = await me.PostRawAsync("/account/profile?handler=Photo", Upload(me, "me.png", png, "image/png"));
        Assert.Equal("/account/profile?saved=photo", uploaded.Headers.Location!.ToString());
        var photo = await me.GetRawAsync("/account/photo");
        Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
        Assert.Equal(png, await photo.Content.ReadAsByteArrayAsync());
        var stored = await app.WithDbAsync(db => db.Attachments.AsNoTracking().SingleAsync(a => a.Id == db.Users.Where(p => p.Id == app.Region.IdOf(Persona.Applicant)).Select(p => p.PhotoAttachmentId).Single()));
        Assert.Equal((AttachmentPurpose.ProfilePhoto, (Guid?)null), (stored.Purpose, stored.AppealId));
        // The photo is the profile's, not an appeal's: it cannot be bound to one.
        var bound = await app.ClientAs(Persona.Applicant).PostJsonAsync("/api/v1/appeals", Samples.Pothole(app.Region).With("attachmentIds", new[] { stored.Id }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bound.StatusCode);
        Assert.Null(await app.WithDbAsync(db => db.Attachments.Where(a => a.Id == stored.Id).Select(a => a.AppealId).SingleAsync()));
        using var other = await PortalSession.SignedInAsync(app, Persona.OtherApplicant);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetRawAsync("/account/photo")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await new PortalSession(app).GetRawAsync("/account/photo")).StatusCode);

        // The password: the current one is checked.
        await me.GetAsync("/account/profile");
        var wrong = await me.PostAsync("/account/profile?handler=Password", [new("CurrentPassword", "nope"), new("NewPassword", "Brand-New-2026"), new("NewPasswordConfirm", "Brand-New-2026")]);
        Assert.Contains("<span id=\"currentpassword-error\" class=\"field-error\">Текущий пароль указан неверно.</span>", await wrong.Content.ReadAsStringAsync());
        var changed = await me.PostAsync("/account/profile?handler=Password",
            [new("CurrentPassword", TestRegion.Password), new("NewPassword", "Brand-New-2026"), new("NewPasswordConfirm", "Brand-New-2026")]);
        Assert.Equal("/account/profile?saved=password", changed.Headers.Location!.ToString());
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
        var fresh = await users.FindByIdAsync(app.Region.IdOf(Persona.Applicant).ToString());
        Assert.True(await users.CheckPasswordAsync(fresh!, "Brand-New-2026"));
        // Put back for the other tests of the class.
        Assert.True((await users.ChangePasswordAsync(fresh!, "Brand-New-2026", TestRegion.Password)).Succeeded);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Signing_out_is_a_post_and_the_external_sign_in_is_off_unless_configured(Engine engine)
    {
        var app = await pool.For(engine);
        using var me = await PortalSession.SignedInAsync(app, Persona.OtherApplicant);
        await me.GetAsync("/account/logout");
        Assert.Equal(HttpStatusCode.OK, (await me.GetRawAsync("/account/profile")).StatusCode);
        var outResponse = await me.PostAsync("/account/logout", []);
        Assert.Equal("/", outResponse.Headers.Location!.ToString());
        var after = await me.GetRawAsync("/account/profile");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/login?ReturnUrl=", after.Headers.Location!.ToString());

        Assert.Equal(HttpStatusCode.NotFound, (await me.GetRawAsync("/account/external")).StatusCode);
        Assert.DoesNotContain("external-login", await me.GetAsync("/account/login"));
    }

    static MultipartFormDataContent Upload(PortalSession session, string name, byte[] bytes, string type)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        return new MultipartFormDataContent { { file, "photo", name }, { new StringContent(session.Token), "__RequestVerificationToken" } };
    }

    static byte[] TinyPng() => Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
}
