using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UploadLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "UploadedFrom",
                table: "Attachments",
                type: "TEXT",
                maxLength: 45,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Attachments_UploadedById_UploadedAtUtc",
                table: "Attachments",
                columns: new[] { "UploadedById", "UploadedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Attachments_UploadedFrom_UploadedAtUtc",
                table: "Attachments",
                columns: new[] { "UploadedFrom", "UploadedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Attachments_UploadedById_UploadedAtUtc",
                table: "Attachments");

            migrationBuilder.DropIndex(
                name: "IX_Attachments_UploadedFrom_UploadedAtUtc",
                table: "Attachments");

            migrationBuilder.DropColumn(
                name: "UploadedFrom",
                table: "Attachments");
        }
    }
}
