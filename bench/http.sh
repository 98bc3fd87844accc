#!/usr/bin/env bash
# HTTP route throughput, one server build against another, measured side by side (bench/HttpBenchmark).
#
#   bash bench/http.sh --baseline 73e3143          # the current release against this working tree, about 6-7 minutes
#   bash bench/http.sh --repeats 5 --duration 15   # longer, steadier
#   bash bench/http.sh --scenarios me,get          # only some of: me, get, create
#
# BASELINE is a git ref, checked out with `git worktree add` into a temporary folder (removed at the end); CANDIDATE
# is this working tree as it is, uncommitted changes included. Both are built in Release. Each build gets its own
# setup once (one supervisor and 2C candidates signed up and logged in through the API, C conversations opened;
# signups run in parallel on both cores and are not measured: password hashing is slow on purpose), on its own
# SQLite database, which is then kept as that build's snapshot.
#
# Scenarios, C clients each in a closed loop: me = GET /auth/me; get = GET /conversations/:id (the client's own open
# conversation); create = POST /conversations (201) then POST /conversations/:id/close as the supervisor (200), so the
# same candidate can create again; both count as requests, and the close's latency is reported on its own.
#
# Then, for each scenario, runs alternate baseline, candidate, baseline, candidate (--repeats pairs), so drift on a
# shared machine hits both alike. Every run starts a fresh server process on a fresh copy of its build's snapshot,
# pinned to core 0 (taskset -c 0), with ASPNETCORE_ENVIRONMENT=Production, Jwt__Secret set and
# DOTNET_TC_CallCountingDelayMs=0 (as the container runs it); the load generator runs pinned to core 1. Each run's
# figures are printed as it ends; a summary with medians and candidate/baseline ratios ends the output and is saved as
# summary.md in the results folder. Exit code 3 if any run saw an unexpected status or a failed request.
#
# Options (defaults in brackets):
#   --baseline REF [73e3143]   the build to compare against (any git ref of this repository)
#   --scenarios LIST [me,get,create]
#   --clients C [32]           concurrent clients, one connection each, closed loop
#   --warmup S [4]             seconds of load before the measured window, per run (a fresh process is cold)
#   --duration S [8]           measured seconds per run
#   --repeats N [3]            baseline/candidate pairs per scenario (short runs, many pairs: each pair shares the
#                              machine's load of its moment, and the median of the pairs' ratios is the headline)
#   --port P [first free from 5090]
#   --results DIR              where the JSON figures and summary.md go [results/ in a new folder under /tmp,
#                              which also holds the server logs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

baseline_ref=73e3143 scenarios=me,get,create clients=32 warmup=4 duration=8 repeats=3 port="" results=""
while [ $# -gt 0 ]; do
  case $1 in
    --baseline) baseline_ref=$2; shift ;;
    --scenarios) scenarios=$2; shift ;;
    --clients) clients=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --duration) duration=$2; shift ;;
    --repeats) repeats=$2; shift ;;
    --port) port=$2; shift ;;
    --results) results=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "http.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

IFS=, read -r -a scenario_list <<<"$scenarios"
for s in "${scenario_list[@]}"; do
  case $s in me|get|create) ;; *) echo "http.sh: unknown scenario '$s' (me, get, create)" >&2; exit 2 ;; esac
done
for n in "$clients" "$warmup" "$duration" "$repeats"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "http.sh: '$n' is not a whole number" >&2; exit 2; }
done
[ "$repeats" -ge 1 ] && [ "$repeats" -le 10 ] || { echo "http.sh: --repeats must be 1..10" >&2; exit 2; }
[ "$clients" -ge 1 ] && [ "$clients" -le 512 ] || { echo "http.sh: --clients must be 1..512" >&2; exit 2; }
[ "$duration" -ge 1 ] && [ $((warmup + duration)) -le 300 ] || { echo "http.sh: --duration must be 1.., with --warmup at most 300 s" >&2; exit 2; }
baseline_commit=$(git rev-parse --verify --quiet "$baseline_ref^{commit}") || { echo "http.sh: no commit '$baseline_ref' in this repository" >&2; exit 2; }

port_in_use() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }
if [ -z "$port" ]; then
  port=5090
  while port_in_use "$port"; do
    port=$((port + 1))
    [ "$port" -lt 5190 ] || { echo "http.sh: no free port in 5090-5189" >&2; exit 1; }
  done
elif port_in_use "$port"; then
  echo "http.sh: port $port is already in use (see --port)" >&2; exit 1
fi
url=http://127.0.0.1:$port

work=$(mktemp -d /tmp/supportchat-http-bench.XXXXXX)
results=${results:-$work/results}
mkdir -p "$results"
baseline_tree=$work/baseline
jwt_secret="bench-only-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"

target_pid="" launched_pid="" worktree_added=0
cleanup() {
  if [ -n "$target_pid" ]; then kill -9 "$target_pid" 2>/dev/null || true; fi
  if [ -n "$launched_pid" ]; then kill -9 "$launched_pid" 2>/dev/null || true; fi
  # Only the worktree this run added; the repository's other worktrees are not this script's to prune.
  if [ "$worktree_added" = 1 ]; then git worktree remove --force "$baseline_tree" 2>/dev/null || true; fi
  rm -f "$work"/*.db "$work"/*.db-wal "$work"/*.db-shm
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(dotnet --version | sed 's/^/.NET SDK /'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
candidate_desc="working tree at $(git rev-parse --short HEAD)$([ -z "$(git status --porcelain)" ] || echo ' + uncommitted changes')"
echo "== baseline: $baseline_ref ($(git rev-parse --short "$baseline_commit")); candidate: $candidate_desc; $url; results: $results"

echo "== build (Release)"
git worktree add --quiet --detach "$baseline_tree" "$baseline_commit"
worktree_added=1
build() {
  # Quiet on success; on failure the compiler's errors are shown and the script stops.
  local log
  if ! log=$(dotnet build "$1" -c Release -nologo -clp:ErrorsOnly 2>&1); then echo "$log" >&2; exit 1; fi
}
build "$baseline_tree/SupportChat.csproj"
build "$root/SupportChat.csproj"
build "$root/bench/HttpBenchmark/HttpBenchmark.csproj"

generator() { taskset -c 1 dotnet "$root/bench/HttpBenchmark/bin/Release/net10.0/HttpBenchmark.dll" "$@"; }
tree_of() { if [ "$1" = baseline ]; then echo "$baseline_tree"; else echo "$root"; fi; }

# env and taskset exec the program, so $! becomes the server itself once they have; descend to it if a shell stayed
# in between.
dotnet_pid() {
  local pid=$1 child
  for _ in $(seq 1 200); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dotnet ] && { echo "$pid"; return; }
    if child=$(pgrep -P "$pid" | head -1); then pid=$child; else sleep 0.05; fi
  done
  echo "http.sh: no dotnet process under $1" >&2
  exit 1
}

# Any status at all means the server is listening; /health/live is asked because every release so far serves it.
wait_until_up() {
  local log=$1
  for _ in $(seq 1 300); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url/health/live")" != 000 ]; then return; fi
    kill -0 "$target_pid" 2>/dev/null || { echo "http.sh: the server exited at start; see $log" >&2; exit 1; }
    sleep 0.1
  done
  echo "http.sh: the server did not answer on $url; see $log" >&2; exit 1
}

# start_server VERSION DATABASE CORES: from its own tree, so the content root holds that build's appsettings.json (its
# log levels), as in the container.
start_server() {
  local version=$1 database=$2 cores=$3 tree log
  tree=$(tree_of "$version")
  log=$work/server-$version.log
  # The setup signs up its users from one address: signup limits off (a build without limits ignores these).
  (cd "$tree" && exec env PORT="$port" ASPNETCORE_ENVIRONMENT=Production Jwt__Secret="$jwt_secret" \
    RateLimit__SignupPerMinute=0 RateLimit__LoginPerMinute=0 \
    DOTNET_TC_CallCountingDelayMs=0 Database__Provider=Sqlite Database__ConnectionString="Data Source=$database" \
    taskset -c "$cores" dotnet bin/Release/net10.0/SupportChat.dll >>"$log" 2>&1) &
  launched_pid=$!
  target_pid=$(dotnet_pid "$launched_pid")
  wait_until_up "$log"
}

# SIGTERM, then SIGKILL after 15 s: a graceful stop lets the setup's database close cleanly; a run's database is
# thrown away, so how that server ends does not matter.
stop_server() {
  kill -TERM "$target_pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$target_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$target_pid" 2>/dev/null || true
  wait "$launched_pid" 2>/dev/null || true
  target_pid="" launched_pid=""
}

# Folds the write-ahead log into the file, so the snapshot is one self-contained file that can be copied per run.
checkpoint_sqlite() {
  python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute("PRAGMA wal_checkpoint(TRUNCATE)"); db.close()' "$1"
  rm -f "$1-wal" "$1-shm"
}

for version in baseline candidate; do
  echo "== setup: $version (one supervisor, $((2 * clients)) candidates, $clients conversations; not measured)"
  rm -f "$work/$version-setup.db"*
  # Both cores: the setup is not measured, and bcrypt signups on one core would make it long.
  start_server "$version" "$work/$version-setup.db" 0-1
  taskset -c 0-1 dotnet "$root/bench/HttpBenchmark/bin/Release/net10.0/HttpBenchmark.dll" setup \
    --url "$url" --roster "$work/$version-roster.json" --clients "$clients"
  stop_server
  checkpoint_sqlite "$work/$version-setup.db"
done

run_number=0 out=""
next_out() { run_number=$((run_number + 1)); out=$(printf '%s/%02d-%s.json' "$results" "$run_number" "$1"); }

for scenario in "${scenario_list[@]}"; do
  for repeat in $(seq 1 "$repeats"); do
    for version in baseline candidate; do
      database=$work/run.db
      rm -f "$database" "$database-wal" "$database-shm"
      cp "$work/$version-setup.db" "$database"
      start_server "$version" "$database" 0
      next_out "$scenario-$version-$repeat"
      generator run --url "$url" --roster "$work/$version-roster.json" --scenario "$scenario" --clients "$clients" \
        --warmup "$warmup" --duration "$duration" --server-pid "$target_pid" --target "$version" --pair "$repeat" \
        --label "$scenario $version #$repeat" --out "$out"
      stop_server
    done
  done
done

echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
{
  echo "Baseline: \`$baseline_ref\` ($(git rev-parse --short "$baseline_commit")); candidate: $candidate_desc."
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), .NET SDK $(dotnet --version); $clients clients, ${warmup} s warm-up + ${duration} s measured per run, $repeats pair(s) per scenario."
  echo
} >"$results/summary.md"
status=0
generator summary --results "$results" >>"$results/summary.md" || status=$?
cat "$results/summary.md"
echo
echo "results and server logs: $work"
exit "$status"
