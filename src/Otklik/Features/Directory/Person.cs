using Microsoft.AspNetCore.Identity;

namespace Otklik.Features.Directory;

public enum Role { Applicant, Operator, Moderator, Dispatcher, Executor, Controller, HqMember, ContentEditor, Analyst, Administrator, SecurityOfficer }

/// <summary>Anyone who signs in: an applicant on the portal or a member of staff. Staff roles are scoped to organisations.</summary>
public sealed class Person : IdentityUser<Guid>
{
    public string LastName { get; set; } = "";
    public string FirstName { get; set; } = "";
    public string? MiddleName { get; set; }
    public string? Position { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    /// <summary>The applicant agrees to e-mails about the course of their appeals (the receipt is always sent).</summary>
    public bool NotifyByEmail { get; set; } = true;
    /// <summary>The applicant agrees by default to the publication of their appeals (asked again on each appeal).</summary>
    public bool PublicationConsent { get; set; }
    /// <summary>An organisation's representative: the organisation's name and ИНН.</summary>
    public string? OrganisationName { get; set; }
    public string? OrganisationInn { get; set; }
    /// <summary>The profile photo: an attachment uploaded by the person, served only to them.</summary>
    public Guid? PhotoAttachmentId { get; set; }
    public List<RoleAssignment> Roles { get; set; } = [];
    /// <summary>Set when an administrator disabled the account: no sign-in, no session, no key until enabled again.</summary>
    public DateTime? DisabledAtUtc { get; set; }

    public string FullName => string.Join(' ', new[] { LastName, FirstName, MiddleName }.Where(s => !string.IsNullOrWhiteSpace(s)));
}

/// <summary>A role held at an organisation; it reaches that organisation and everything under it.</summary>
public sealed class RoleAssignment
{
    public Guid Id { get; set; }
    public Guid PersonId { get; set; }
    public Role Role { get; set; }
    /// <summary>Null only for the applicant role, which belongs to no organisation.</summary>
    public Guid? OrganisationId { get; set; }
}

/// <summary>A bearer key for an integration or a member of staff; only its SHA-256 is stored.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public Guid PersonId { get; set; }
    public string Name { get; set; } = "";
    public string Prefix { get; set; } = "";
    public string Hash { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? RevokedAtUtc { get; set; }
    /// <summary>
    /// A key given to a machine for one job (<see cref="Identity.ApiScopes"/>, e.g. an incident collector): it opens only the
    /// endpoints of that scope and nothing its person could otherwise do. Null: the key acts as its person.
    /// </summary>
    public string? Scope { get; set; }
}
