using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OfficeNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "NoticePreferences",
                columns: table => new
                {
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Delivery = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NoticePreferences", x => new { x.PersonId, x.Kind });
                    table.ForeignKey(
                        name: "FK_NoticePreferences_AspNetUsers_PersonId",
                        column: x => x.PersonId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Notifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AppealId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AppealNumber = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    SourceMessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SourceType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReadAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Delivery = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    LetterId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Notifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Notifications_AspNetUsers_PersonId",
                        column: x => x.PersonId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_Delivery_LetterId_CreatedAtUtc",
                table: "Notifications",
                columns: new[] { "Delivery", "LetterId", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_LetterId",
                table: "Notifications",
                column: "LetterId");

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_PersonId_Id",
                table: "Notifications",
                columns: new[] { "PersonId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_PersonId_ReadAtUtc",
                table: "Notifications",
                columns: new[] { "PersonId", "ReadAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_SourceMessageId_PersonId",
                table: "Notifications",
                columns: new[] { "SourceMessageId", "PersonId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "NoticePreferences");

            migrationBuilder.DropTable(
                name: "Notifications");
        }
    }
}
