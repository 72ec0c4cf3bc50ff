using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>An applicant on the portal with the sign-in cookie (signed in through the API), posting forms as <see cref="FormSession"/> does.</summary>
public sealed class ApplicantPortal(HttpClient http) : FormSession(http)
{
    /// <summary>A tiny real PNG (1×1): what a phone's camera would send, only smaller.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    public static new async Task<ApplicantPortal> SignInAsync(TestApp app, Persona persona) => new(await app.SignedInClientAsync(persona));

    public static new ApplicantPortal Anonymous(TestApp app) => new(app.CookieClient());
}
