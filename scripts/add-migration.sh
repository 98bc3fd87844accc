#!/usr/bin/env bash
# Adds an EF Core migration that serves SQLite and PostgreSQL alike:  bash scripts/add-migration.sh NAME
# `dotnet ef` writes the provider's column types ("TEXT", "character varying(24)") into the new migration, its
# .Designer.cs and the model snapshot. They are taken out again, so that each provider derives a column's type
# from its CLR type and max length, as in the migrations written by hand; then both providers must report that
# nothing is left to migrate. A type set on purpose with HasColumnType is provider-specific and is taken out
# too: write it into the migration by hand, under `if (migrationBuilder.ActiveProvider == ...)`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: $0 MigrationName" >&2; exit 2; }

dotnet tool restore > /dev/null
dotnet ef migrations add "$1" --output-dir Common/Data/Migrations
perl -0pi -e 's/\n\s*\.HasColumnType\("[^"]*"\)//g; s/\b(?:type|oldType): "[^"]*",\s*//g; s/,\s*\b(?:type|oldType): "[^"]*"(?=\))//g' \
    Common/Data/Migrations/*_"$1".cs Common/Data/Migrations/*_"$1".Designer.cs Common/Data/Migrations/SupportChatDbModelSnapshot.cs
dotnet ef migrations has-pending-model-changes -- --provider Sqlite
dotnet ef migrations has-pending-model-changes --no-build -- --provider Postgres
