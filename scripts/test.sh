#!/usr/bin/env bash
# The whole test suite, three times: on SQLite, on a throwaway PostgreSQL cluster, and on such a cluster with the
# Redis engine (a throwaway redis-server); then the deployment checks, which run the published service as the
# container would and play the demo journey against it. Installs PostgreSQL and Redis from Debian's packages when
# the machine has none. Exit status 0 only if every pass passes.
# Tests marked [Trait("Engine", "InProcess")] (the in-process journal and checkpoints) skip the Redis pass; tests
# marked [Trait("Engine", "Redis")] (several instances, Redis failures) run in it alone.
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

ensure_redis() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then return; fi
  echo "== Redis not found: installing Debian's redis-server package"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
}

redis_pid="" redis_dir=""
stop_redis() {
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; redis_pid=""; fi
  if [ -n "$redis_dir" ]; then rm -rf "$redis_dir"; redis_dir=""; fi
}
trap stop_redis EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One redis-server for the Redis pass, no persistence, on a loopback port below the kernel's ephemeral range (the
# tests' own servers and redis-servers take ports from that range). A port already taken makes redis-server exit:
# then another port. Ready once it answers PING and INFO names its own pid (not another server on that port).
start_redis() {
  redis_dir=$(mktemp -d -t supportchat-redis.XXXXXX)
  local attempt i
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    redis_port=$((20000 + RANDOM % 10000))
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$redis_dir" \
      >"$redis_dir/redis.log" 2>&1 &
    redis_pid=$!
    for i in $(seq 100); do
      kill -0 "$redis_pid" 2>/dev/null || break
      if [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ] \
        && redis-cli -p "$redis_port" info server 2>/dev/null | tr -d '\r' | grep -x "process_id:$redis_pid" >/dev/null; then
        echo "== redis-server $redis_pid on 127.0.0.1:$redis_port"
        return
      fi
      sleep 0.1
    done
    kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; redis_pid=""
  done
  echo "redis-server did not start:"; cat "$redis_dir/redis.log"
  return 1
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
# run_suite NAME FILTER COMMAND...: the test project under COMMAND (an environment), tests selected by FILTER.
run_suite() {
  local name=$1 filter=$2; shift 2
  echo "== $name"
  suite_status[$name]=0
  "$@" dotnet test Tests/SupportChat.Tests.csproj -c Release --no-build --filter "$filter" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results" || { suite_status[$name]=1; status=1; }
}

ensure_postgres
ensure_redis
echo "== build"
dotnet build Tests/SupportChat.Tests.csproj -c Release -nologo -clp:ErrorsOnly

status=0
redis_ok=1
start_redis || { redis_ok=0; status=1; }
run_suite sqlite 'Engine!=Redis' env SUPPORTCHAT_TEST_PROVIDER=Sqlite
# pg_virtualenv (postgresql-common) creates a temporary cluster, exports PG* for it, and drops it afterwards;
# -t keeps it in a temporary directory even as root, so concurrent or killed runs never collide on its name.
run_suite postgres 'Engine!=Redis' pg_virtualenv -t -o max_connections=400 env SUPPORTCHAT_TEST_PROVIDER=Postgres
# The Redis engine requires PostgreSQL; every test app gets a key prefix of its own on the one server.
if [ "$redis_ok" -eq 1 ]; then
  run_suite redis 'Engine!=InProcess' pg_virtualenv -t -o max_connections=400 \
    env SUPPORTCHAT_TEST_PROVIDER=Postgres SUPPORTCHAT_TEST_REDIS="127.0.0.1:$redis_port"
fi
stop_redis

echo "== deployment checks and the demo journey (scripts/verify-deploy.sh)"
deploy_ok=1
bash scripts/verify-deploy.sh || { deploy_ok=0; status=1; }

total_passed=0 total_failed=0
for name in sqlite postgres redis; do
  if [ -f "$results/$name.trx" ]; then summarize "$name" "$results/$name.trx" "${suite_status[$name]}"; else echo "$name: no results"; total_failed=$((total_failed + 1)); status=1; fi
done
if [ "$deploy_ok" -eq 1 ]; then echo "deploy+demo: 1 passed, 0 failed"; total_passed=$((total_passed + 1))
else echo "deploy+demo: 0 passed, 1 failed"; total_failed=$((total_failed + 1)); fi
[ "$total_passed" -gt 0 ] || status=1
echo "tests: $total_passed passed, $total_failed failed"
exit $status
