using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchSynonyms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SynonymGroups",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Words = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SynonymGroups", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "SynonymGroups",
                columns: new[] { "Id", "UpdatedAtUtc", "Words" },
                values: new object[,]
                {
                    { new Guid("5e0a0000-0000-0000-0000-000000000001"), new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Utc), "капремонт, капитальный ремонт" },
                    { new Guid("5e0a0000-0000-0000-0000-000000000002"), new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Utc), "детсад, детский сад, дошкольное образование" },
                    { new Guid("5e0a0000-0000-0000-0000-000000000003"), new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Utc), "мусор, отходы, вывоз мусора, ТКО" },
                    { new Guid("5e0a0000-0000-0000-0000-000000000004"), new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Utc), "батареи, отопление, радиатор" },
                    { new Guid("5e0a0000-0000-0000-0000-000000000005"), new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Utc), "яма, выбоина, ямочный ремонт" },
                    { new Guid("5e0a0000-0000-0000-0000-000000000006"), new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Utc), "ЖКХ, жилищно-коммунальное хозяйство, коммунальные услуги" },
                    { new Guid("5e0a0000-0000-0000-0000-000000000007"), new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Utc), "фонарь, освещение, уличное освещение" },
                    { new Guid("5e0a0000-0000-0000-0000-000000000008"), new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Utc), "поликлиника, больница, медицина" }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SynonymGroups");
        }
    }
}
