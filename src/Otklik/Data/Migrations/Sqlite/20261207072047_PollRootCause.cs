using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PollRootCause : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "RootCauseId",
                table: "Polls",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Polls_RootCauseId",
                table: "Polls",
                column: "RootCauseId");

            migrationBuilder.AddForeignKey(
                name: "FK_Polls_RootCauses_RootCauseId",
                table: "Polls",
                column: "RootCauseId",
                principalTable: "RootCauses",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Polls_RootCauses_RootCauseId",
                table: "Polls");

            migrationBuilder.DropIndex(
                name: "IX_Polls_RootCauseId",
                table: "Polls");

            migrationBuilder.DropColumn(
                name: "RootCauseId",
                table: "Polls");
        }
    }
}
