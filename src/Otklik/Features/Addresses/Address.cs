using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Addresses;

/// <summary>
/// A street of the region's address register: the ГАР/ФИАС "элемент улично-дорожной сети" with its parents flattened
/// (субъект → муниципальное образование → населённый пункт), because the register is read far more often than it is
/// changed and every search wants the settlement with the street. The ГАР object GUID is kept when the source has it.
/// </summary>
public sealed class AddressStreet
{
    public Guid Id { get; set; }
    /// <summary>ГАР OBJECTGUID of the street, when the import gives it.</summary>
    public Guid? FiasId { get; set; }
    public string Region { get; set; } = "";
    /// <summary>The municipality (муниципальный район/округ, городской округ) in the municipal division.</summary>
    public string Municipality { get; set; } = "";
    /// <summary>The settlement with its type as people write it: «г. Уралград», «пос. Ключи».</summary>
    public string Settlement { get; set; } = "";
    /// <summary>The street's type as ГАР abbreviates it: «ул.», «пр-кт», «пер.», «б-р», «ш.», «пл.», «наб.», «пр-д», «мкр.», «тракт».</summary>
    public string Type { get; set; } = "";
    /// <summary>The name without its type: «Ленина», «Мира», «8 Марта».</summary>
    public string Name { get; set; } = "";
    /// <summary>The territory of the directory whose boundary holds the street's houses (located at import).</summary>
    public Guid? TerritoryId { get; set; }
}

/// <summary>One word of a street's name or settlement, stemmed: the search finds streets by a range scan of this index.</summary>
public sealed class AddressStreetWord
{
    public string Word { get; set; } = "";
    public Guid StreetId { get; set; }
}

/// <summary>A house (ГАР "здание/сооружение") of a street with its point from OpenStreetMap or a CSV.</summary>
public sealed class AddressHouse
{
    public Guid Id { get; set; }
    public Guid StreetId { get; set; }
    /// <summary>ГАР OBJECTGUID of the house, when the import gives it.</summary>
    public Guid? FiasId { get; set; }
    /// <summary>The number as shown: «5», «12к1», «7а», «10/2», «3с2».</summary>
    public string Number { get; set; } = "";
    /// <summary>The number normalised (<see cref="AddressText.HouseKey"/>): what a typed number is compared with.</summary>
    public string NumberKey { get; set; } = "";
    /// <summary>The leading digits, for ordering 2 before 10.</summary>
    public int NumberValue { get; set; }
    public string? Postcode { get; set; }
    public double Latitude { get; set; }
    public double Longitude { get; set; }
    /// <summary>The grid cell of the point (<see cref="AddressGrid"/>): the nearest-address lookup reads a few cells by this index.</summary>
    public long Cell { get; set; }
}

sealed class AddressStreetConfiguration : IEntityTypeConfiguration<AddressStreet>
{
    public void Configure(EntityTypeBuilder<AddressStreet> b)
    {
        b.ToTable("AddressStreets");
        b.Property(s => s.Region).HasMaxLength(200);
        b.Property(s => s.Municipality).HasMaxLength(200);
        b.Property(s => s.Settlement).HasMaxLength(200);
        b.Property(s => s.Type).HasMaxLength(20);
        b.Property(s => s.Name).HasMaxLength(200);
        // One street per settlement, type and name: the import updates it rather than adding a twin.
        b.HasIndex(s => new { s.Settlement, s.Type, s.Name }).IsUnique();
    }
}

sealed class AddressStreetWordConfiguration : IEntityTypeConfiguration<AddressStreetWord>
{
    public void Configure(EntityTypeBuilder<AddressStreetWord> b)
    {
        b.ToTable("AddressStreetWords");
        b.Property(w => w.Word).HasMaxLength(100);
        // The key is the search's index: a prefix of a word is a range of it on both engines.
        b.HasKey(w => new { w.Word, w.StreetId });
        b.HasOne<AddressStreet>().WithMany().HasForeignKey(w => w.StreetId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(w => w.StreetId);
    }
}

sealed class AddressHouseConfiguration : IEntityTypeConfiguration<AddressHouse>
{
    public void Configure(EntityTypeBuilder<AddressHouse> b)
    {
        b.ToTable("AddressHouses");
        b.Property(h => h.Number).HasMaxLength(30);
        b.Property(h => h.NumberKey).HasMaxLength(30);
        b.Property(h => h.Postcode).HasMaxLength(6);
        b.HasOne<AddressStreet>().WithMany().HasForeignKey(h => h.StreetId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(h => new { h.StreetId, h.NumberKey }).IsUnique();
        b.HasIndex(h => h.Cell);
    }
}
