#!/usr/bin/env bash
# The whole test suite, twice: once on SQLite and once on a throwaway PostgreSQL cluster; then the deployment
# checks, which run the published service as the container would and play the demo journey against it.
# Installs PostgreSQL from Debian's packages when the machine has none. Exit status 0 only if both passes pass.
set -euo pipefail
cd "$(dirname "$0")/.."

results=TestResults
rm -rf "$results"

ensure_postgres() {
  if command -v pg_virtualenv >/dev/null 2>&1 && compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then return; fi
  echo "== PostgreSQL not found: installing Debian's postgresql package"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
}

# Prints "<name>: N passed, N failed" from a TRX file's counters. A run that failed without a failed test
# (a fixture's clean-up threw, say) counts as one failure, so the closing line never hides it.
summarize() {
  local name=$1 trx=$2 run_status=$3
  local passed failed
  passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | tr -dc 0-9)
  failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | tr -dc 0-9)
  if [ "$run_status" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then failed=1; echo "$name: the run failed outside any test (see its output above)"; fi
  echo "$name: ${passed:-0} passed, ${failed:-0} failed"
  total_passed=$((total_passed + ${passed:-0}))
  total_failed=$((total_failed + ${failed:-0}))
}

declare -A suite_status
run_suite() {
  local name=$1; shift
  echo "== $name"
  suite_status[$name]=0
  "$@" dotnet test Tests/SupportChat.Tests.csproj -c Release --no-build \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results" || { suite_status[$name]=1; status=1; }
}

ensure_postgres
echo "== build"
dotnet build Tests/SupportChat.Tests.csproj -c Release -nologo -clp:ErrorsOnly

status=0
run_suite sqlite env SUPPORTCHAT_TEST_PROVIDER=Sqlite
# pg_virtualenv (postgresql-common) creates a temporary cluster, exports PG* for it, and drops it afterwards;
# -t keeps it in a temporary directory even as root, so concurrent or killed runs never collide on its name.
run_suite postgres pg_virtualenv -t -o max_connections=400 env SUPPORTCHAT_TEST_PROVIDER=Postgres

echo "== deployment checks and the demo journey (scripts/verify-deploy.sh)"
deploy_ok=1
bash scripts/verify-deploy.sh || { deploy_ok=0; status=1; }

total_passed=0 total_failed=0
for name in sqlite postgres; do
  if [ -f "$results/$name.trx" ]; then summarize "$name" "$results/$name.trx" "${suite_status[$name]}"; else echo "$name: no results"; total_failed=$((total_failed + 1)); status=1; fi
done
if [ "$deploy_ok" -eq 1 ]; then echo "deploy+demo: 1 passed, 0 failed"; total_passed=$((total_passed + 1))
else echo "deploy+demo: 0 passed, 1 failed"; total_failed=$((total_failed + 1)); fi
[ "$total_passed" -gt 0 ] || status=1
echo "tests: $total_passed passed, $total_failed failed"
exit $status
