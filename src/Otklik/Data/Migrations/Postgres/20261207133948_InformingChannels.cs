using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InformingChannels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "InformingRecipients",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "Email");

            migrationBuilder.AddColumn<long>(
                name: "ChatId",
                table: "InformingRecipients",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PersonId",
                table: "InformingRecipients",
                type: "uuid",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Channel",
                table: "InformingRecipients");

            migrationBuilder.DropColumn(
                name: "ChatId",
                table: "InformingRecipients");

            migrationBuilder.DropColumn(
                name: "PersonId",
                table: "InformingRecipients");
        }
    }
}
