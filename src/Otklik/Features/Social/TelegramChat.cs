using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Directory;

namespace Otklik.Features.Social;

/// <summary>Where a chat with the bot stands: choosing a topic, writing the text, adding photos and the place, or idle.</summary>
public enum BotStep { Idle, Topic, Text, Details }

/// <summary>
/// One Telegram chat with the bot: who it is (a portal account linked by a one-time code, or the phone the person
/// shared) and the appeal being written in it (ADR 0023). The draft is cleared when the appeal is submitted.
/// </summary>
public sealed class TelegramChat
{
    public long ChatId { get; set; }
    public Guid? PersonId { get; set; }
    /// <summary>The phone number the person shared as a contact (their own: Telegram's contact carries their user id).</summary>
    public string? Phone { get; set; }
    public BotStep Step { get; set; }
    public Guid? DraftTopicId { get; set; }
    public string? DraftText { get; set; }
    /// <summary>The stored photos of the draft, comma-separated attachment ids.</summary>
    public string? DraftPhotoIds { get; set; }
    public double? DraftLatitude { get; set; }
    public double? DraftLongitude { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
}

/// <summary>A one-time code a signed-in person gets on /my and sends to the bot to link the chat to their account.</summary>
public sealed class ChannelLinkCode
{
    public string Code { get; set; } = "";
    public Guid PersonId { get; set; }
    public DateTime ExpiresAtUtc { get; set; }
    public DateTime? UsedAtUtc { get; set; }
}

sealed class TelegramChatConfiguration : IEntityTypeConfiguration<TelegramChat>
{
    public void Configure(EntityTypeBuilder<TelegramChat> b)
    {
        b.HasKey(c => c.ChatId);
        b.Property(c => c.ChatId).ValueGeneratedNever();
        b.Property(c => c.Phone).HasMaxLength(20);
        b.Property(c => c.DraftText).HasMaxLength(5000);
        b.Property(c => c.DraftPhotoIds).HasMaxLength(400);
        b.HasIndex(c => c.PersonId);
        b.HasOne<Person>().WithMany().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.SetNull);
    }
}

sealed class ChannelLinkCodeConfiguration : IEntityTypeConfiguration<ChannelLinkCode>
{
    public void Configure(EntityTypeBuilder<ChannelLinkCode> b)
    {
        b.HasKey(c => c.Code);
        b.Property(c => c.Code).HasMaxLength(12);
        b.HasIndex(c => c.PersonId);
        b.HasOne<Person>().WithMany().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
