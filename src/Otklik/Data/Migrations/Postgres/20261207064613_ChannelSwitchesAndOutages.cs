using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ChannelSwitchesAndOutages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "FailingSinceUtc",
                table: "ChannelStates",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "SwitchedOff",
                table: "ChannelStates",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FailingSinceUtc",
                table: "ChannelStates");

            migrationBuilder.DropColumn(
                name: "SwitchedOff",
                table: "ChannelStates");
        }
    }
}
