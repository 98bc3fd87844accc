#!/usr/bin/env bash
# Rebuilds supportchat.db and supportchat.pgsql beside this script from the release at commit 73e3143:
#   bash Tests/Fixtures/Release-2026-11-29/make-fixture.sh            # both (PostgreSQL in a pg_virtualenv cluster)
#   bash Tests/Fixtures/Release-2026-11-29/make-fixture.sh sqlite     # or one of them; 'postgres' needs the PG* variables
# Ids, timestamps and password hashes come out new every time: README.md and Tests/Common/ReleaseUpgradeTests.cs
# quote the ones of the committed files, so regenerating means updating both.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
release=${RELEASE_DIR:-/tmp/release-73e3143}
secret=release-fixture-secret-at-least-forty-characters-long

if [ ! -d "$release" ]; then git -C "$here" worktree add "$release" 73e3143; fi
git -C "$release" rev-parse --short HEAD | grep -qx 73e3143
dotnet build "$release/SupportChat.csproj" -c Release -v q -nologo

# run_release PROVIDER CONNECTION_STRING IDS_JSON: start the release, drive it, stop it with SIGTERM so it writes its last checkpoint.
run_release() {
    local port log=${TMPDIR:-/tmp}/release-fixture-$1.log
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    (cd "$release" && ASPNETCORE_ENVIRONMENT=Production PORT=$port Jwt__Secret=$secret Database__Provider=$1 Database__ConnectionString=$2 \
        exec dotnet run -c Release --no-build --no-launch-profile) > "$log" 2>&1 &
    local runner=$!
    trap 'kill -TERM $(pgrep -P '"$runner"') 2> /dev/null' EXIT
    for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null && break; sleep 0.1; done
    dotnet run "$here/MakeFixture.cs" -- "http://127.0.0.1:$port" "$3"
    # dotnet run does not pass signals on: SIGTERM goes to the service process it started.
    kill -TERM "$(pgrep -P "$runner" -f SupportChat)"
    wait "$runner"
    trap - EXIT
    grep -o "Saved the last [0-9]* live messages" "$log"
}

make_sqlite() {
    local work
    work=$(mktemp -d)
    run_release Sqlite "Data Source=$work/supportchat.db" "$here/ids-sqlite.json"
    # The release left the database in WAL mode; the last connection closing folds the WAL into the file.
    sqlite3 "$work/supportchat.db" 'PRAGMA integrity_check;'
    [ ! -e "$work/supportchat.db-wal" ]
    cp "$work/supportchat.db" "$here/supportchat.db"
    rm -r "$work"
}

make_postgres() {
    local db=supportchat_release
    run_release Postgres "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$db" "$here/ids-postgres.json"
    # Plain SQL with INSERTs rather than COPY, and no owners or grants: the tests restore it through Npgsql into any role.
    pg_dump --inserts --no-owner --no-privileges "$db" > "$here/supportchat.pgsql"
}

case "${1:-both}" in
    sqlite) make_sqlite ;;
    postgres) make_postgres ;;
    both) make_sqlite; pg_virtualenv -t bash "$0" postgres ;;
    *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac
