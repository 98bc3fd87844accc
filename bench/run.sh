#!/usr/bin/env bash
# The chat-path benchmark of issue #6: SupportChat against bench/BareRelay, the platform ceiling.
#
#   bash bench/run.sh                       # defaults: about 7 minutes on a 2-core machine
#   bash bench/run.sh --duration 60 --repeats 3 --conversations 500    # longer, steadier
#   bash bench/run.sh --postgres            # the real server on a throwaway PostgreSQL cluster (pg_virtualenv)
#   bash bench/run.sh --scenarios idle      # only some of: chat, idle, close-burst
#
# Builds everything in Release, then for each run starts a fresh server process pinned to core 0 (taskset -c 0) and
# the load generator pinned to core 1. Chat runs alternate real, relay, real, relay (closed loop, then open loop),
# so drift on a shared machine hits both alike. Each run's figures are printed as it ends; a summary with the
# real/relay ratios against the targets ends the output and is saved as summary.md in the results folder.
#
# Options (defaults in brackets):
#   --conversations C [200]    chat runs: C conversations = 2C sockets, both sides sending
#   --warmup S [5]             chat runs: seconds of traffic before the measured window
#   --duration S [20]          chat runs: measured seconds
#   --rate R [5]               open-loop runs: messages per second per sender (200 conversations: 2,000 msg/s in all)
#   --repeats N [2]            A/B pairs per chat load (2: real, relay, real, relay)
#   --sockets N [10000]        idle: sockets, spread over the C conversations as browser tabs
#   --hold S [10]              idle: seconds the sockets stay connected
#   --idle-warmup N [1000]     idle: sockets connected and closed again before the measured ones (0: a cold server)
#   --burst-conversations K [100]  --burst-messages M [200]  --background-conversations B [50]
#   --scenarios LIST [chat,idle,close-burst]   (also: resume, issue #14's 1,000 sockets rejoining 200 messages behind)
#   --postgres                 PostgreSQL instead of SQLite for the real server
#   --results DIR              where the JSON figures and summary.md go [results/ in a new folder under /tmp,
#                              which also holds server.log and relay.log]
#   --port P [5080]            the real server listens on P, the relay on P+1
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

conversations=200 warmup=5 duration=20 rate=5 repeats=2 sockets=10000 hold=10 idle_warmup=1000
burst_conversations=100 burst_messages=200 background_conversations=50
scenarios=chat,idle,close-burst postgres=0 results="" port=5080
original_args=("$@")
while [ $# -gt 0 ]; do
  case $1 in
    --conversations) conversations=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --duration) duration=$2; shift ;;
    --rate) rate=$2; shift ;;
    --repeats) repeats=$2; shift ;;
    --sockets) sockets=$2; shift ;;
    --hold) hold=$2; shift ;;
    --idle-warmup) idle_warmup=$2; shift ;;
    --burst-conversations) burst_conversations=$2; shift ;;
    --burst-messages) burst_messages=$2; shift ;;
    --background-conversations) background_conversations=$2; shift ;;
    --scenarios) scenarios=$2; shift ;;
    --postgres) postgres=1 ;;
    --results) results=$2; shift ;;
    --port) port=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# PostgreSQL: rerun this script inside a throwaway cluster. -t keeps the cluster in a temporary folder even as root,
# so it cannot collide with the "regress" cluster the test suite creates. The cluster's processes inherit core 0:
# the database shares the server's core, as SQLite (in-process) does.
if [ "$postgres" = 1 ] && [ -z "${BENCH_INSIDE_PG_VIRTUALENV:-}" ]; then
  command -v pg_virtualenv >/dev/null || { echo "run.sh: --postgres needs pg_virtualenv (Debian's postgresql-common)" >&2; exit 1; }
  exec taskset -c 0 pg_virtualenv -t -o max_connections=300 env BENCH_INSIDE_PG_VIRTUALENV=1 taskset -c 0-1 bash "$0" "${original_args[@]}"
fi

case ",$scenarios," in *,chat,*) run_chat=1 ;; *) run_chat=0 ;; esac
case ",$scenarios," in *,idle,*) run_idle=1 ;; *) run_idle=0 ;; esac
case ",$scenarios," in *,close-burst,*) run_burst=1 ;; *) run_burst=0 ;; esac
case ",$scenarios," in *,resume,*) run_resume=1 ;; *) run_resume=0 ;; esac

# 10,000 sockets need 10,000 descriptors in the server and as many in the generator. Both inherit this limit.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((sockets + 1000)) ]; then
  echo "run.sh: open-file limit $(ulimit -n) is too low for $sockets sockets (the hard limit is $(ulimit -Hn))" >&2
  exit 1
fi

work=$(mktemp -d /tmp/supportchat-bench.XXXXXX)
results=${results:-$work/results}
mkdir -p "$results"
relay_port=$((port + 1))
real_url=http://127.0.0.1:$port
relay_url=http://127.0.0.1:$relay_port
jwt_secret="bench-only-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
roster=$work/roster.json
if [ "$postgres" = 1 ]; then
  provider=Postgres
  connection="Host=${PGHOST:-localhost};Port=${PGPORT:-5432};Username=${PGUSER:-postgres};Password=${PGPASSWORD:-};Database=supportchat_bench"
else
  provider=Sqlite
  connection="Data Source=$work/supportchat-bench.db"
fi

target_pid="" launched_pid=""
cleanup() {
  if [ -n "$target_pid" ]; then kill -9 "$target_pid" 2>/dev/null || true; fi
  if [ -n "$launched_pid" ]; then pkill -9 -P "$launched_pid" 2>/dev/null || true; kill -9 "$launched_pid" 2>/dev/null || true; fi
  rm -f "$work"/supportchat-bench.db*
}
trap cleanup EXIT

for p in "$port" "$relay_port"; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; then echo "run.sh: port $p is already in use (see --port)" >&2; exit 1; fi
done

echo "== build (Release)"
for project in SupportChat.csproj bench/BareRelay/BareRelay.csproj bench/LoadGenerator/LoadGenerator.csproj; do
  # Quiet on success; on failure the compiler's errors are shown and the script stops.
  if ! build_log=$(dotnet build "$project" -c Release -nologo -clp:ErrorsOnly 2>&1); then echo "$build_log" >&2; exit 1; fi
done

generator() { taskset -c 1 dotnet bench/LoadGenerator/bin/Release/net10.0/LoadGenerator.dll "$@"; }

# env and taskset exec the program, so $! becomes the server itself once they have; descend to it if a shell stayed
# in between.
dotnet_pid() {
  local pid=$1 child
  for _ in $(seq 1 200); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dotnet ] && { echo "$pid"; return; }
    if child=$(pgrep -P "$pid" | head -1); then pid=$child; else sleep 0.05; fi
  done
  echo "run.sh: no dotnet process under $1" >&2
  exit 1
}

wait_until_up() {
  local url=$1 what=$2
  for _ in $(seq 1 300); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url")" != 000 ]; then return; fi
    kill -0 "$target_pid" 2>/dev/null || { echo "run.sh: $what exited at start; see $work/$what.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "run.sh: $what did not answer on $url" >&2; exit 1
}

# Both servers get the runtime setting the Dockerfile sets for production (promote hot methods to optimized code
# without the tiering delay, see BENCHMARKS.md), so neither is measured on unoptimized code.
export DOTNET_TC_CallCountingDelayMs=0

# Every real run starts from the state the setup left. A killed server leaves its checkpointed live messages
# behind, and the next one would load them all back at start (over a million after a closed-loop run) and carry
# them in its heap for the whole run.
reset_live_messages() {
  if [ "$postgres" = 1 ]; then
    if [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'supportchat_bench'")" = 1 ]; then
      psql -q -d supportchat_bench -c 'DELETE FROM "TranscriptJournal"'
    fi
  elif [ -f "$work/supportchat-bench.db" ]; then
    python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute("DELETE FROM \"TranscriptJournal\""); db.commit()' \
      "$work/supportchat-bench.db"
  fi
}

# Run from the repository root, so the content root holds appsettings.json (its log levels), as in the container.
start_real() {
  reset_live_messages
  # The load generator signs up its roster from one address and sends far past 10 msg/s per user: limits off.
  # bcrypt at its minimum cost: the setup signs up and logs in hundreds of users, and no measured path hashes.
  env PORT="$port" ASPNETCORE_ENVIRONMENT=Production Jwt__Secret="$jwt_secret" \
    Database__Provider="$provider" Database__ConnectionString="$connection" \
    RateLimit__SignupPerMinute=0 RateLimit__MessagesPerSecond=0 Passwords__BcryptWorkFactor=4 \
    taskset -c 0 dotnet bin/Release/net10.0/SupportChat.dll >>"$work/server.log" 2>&1 &
  launched_pid=$!
  target_pid=$(dotnet_pid "$launched_pid")
  wait_until_up "$real_url/health/ready" server
}

start_relay() {
  taskset -c 0 dotnet bench/BareRelay/bin/Release/net10.0/BareRelay.dll --urls "$relay_url" >>"$work/relay.log" 2>&1 &
  launched_pid=$!
  target_pid=$(dotnet_pid "$launched_pid")
  wait_until_up "$relay_url/ws" relay
}

# SIGKILL, not SIGTERM: on SIGTERM SupportChat writes every live transcript to the database (hundreds of thousands
# of rows after a chat run), which the benchmark does not need. Each run starts from a fresh process.
stop_target() {
  kill -9 "$target_pid" 2>/dev/null || true
  wait "$launched_pid" 2>/dev/null || true
  target_pid="" launched_pid=""
  sleep 1
}

# Numbered in the order the runs happen, which is the order the summary lists them in.
run_number=0 out=""
next_out() { run_number=$((run_number + 1)); out=$(printf '%s/%02d-%s.json' "$results" "$run_number" "$1"); }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== database: $provider; results: $results"

setup_pairs=0
if [ "$run_chat" = 1 ] || [ "$run_idle" = 1 ] || [ "$run_resume" = 1 ]; then setup_pairs=$conversations; fi
# The close burst also closes 5 warm-up conversations one at a time before the burst (the generator's default).
if [ "$run_burst" = 1 ] && [ $((burst_conversations + background_conversations + 5)) -gt "$setup_pairs" ]; then
  setup_pairs=$((burst_conversations + background_conversations + 5))
fi
echo "== setup: $setup_pairs conversations (one supervisor, $setup_pairs agents, $setup_pairs candidates)"
start_real
generator setup --url "$real_url" --roster "$roster" --conversations "$setup_pairs"
stop_target

if [ "$run_chat" = 1 ]; then
  for load in closed open; do
    if [ "$load" = closed ]; then load_args=(--closed-loop); else load_args=(--rate "$rate"); fi
    for repeat in $(seq 1 "$repeats"); do
      start_real
      next_out "chat-$load-real-$repeat"
      generator chat --url "$real_url" --roster "$roster" --server-pid "$target_pid" "${load_args[@]}" \
        --conversations "$conversations" --warmup "$warmup" --duration "$duration" \
        --label "$load loop #$repeat" --out "$out"
      stop_target
      start_relay
      next_out "chat-$load-relay-$repeat"
      generator chat --bare --url "$relay_url" --server-pid "$target_pid" "${load_args[@]}" \
        --conversations "$conversations" --warmup "$warmup" --duration "$duration" \
        --label "$load loop #$repeat" --out "$out"
      stop_target
    done
  done
fi

if [ "$run_idle" = 1 ]; then
  start_real
  next_out idle-real
  generator idle --url "$real_url" --roster "$roster" --server-pid "$target_pid" --sockets "$sockets" \
    --conversations "$conversations" --hold "$hold" --warmup-sockets "$idle_warmup" --label "$sockets idle" --out "$out"
  stop_target
  start_relay
  next_out idle-relay
  generator idle --bare --url "$relay_url" --server-pid "$target_pid" --sockets "$sockets" \
    --conversations "$conversations" --hold "$hold" --warmup-sockets "$idle_warmup" --label "$sockets idle" --out "$out"
  stop_target
fi

if [ "$run_burst" = 1 ]; then
  start_real
  next_out close-burst-real
  generator close-burst --url "$real_url" --roster "$roster" --server-pid "$target_pid" \
    --burst-conversations "$burst_conversations" --burst-messages "$burst_messages" \
    --background-conversations "$background_conversations" --background-rate "$rate" \
    --label "$burst_conversations×$burst_messages on $provider" --out "$out"
  stop_target
fi

if [ "$run_resume" = 1 ]; then
  start_real
  next_out resume-real
  generator resume --url "$real_url" --roster "$roster" --server-pid "$target_pid" --sockets 1000 \
    --conversations "$conversations" --behind 200 --label "1000 sockets, 200 behind" --out "$out"
  stop_target
fi

echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
generator summary --results "$results" | tee "$results/summary.md"
echo
echo "results, server.log and relay.log: $work"
