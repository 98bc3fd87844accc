#!/usr/bin/env bash
# Scale-out on Redis (issue 15, item 5): the Redis engine against the in-process engine, in the same run.
#
#   bash bench/scaleout.sh                  # defaults: about 10 minutes on a 2-core machine
#   bash bench/scaleout.sh --repeats 1 --duration 10     # a quick look
#
# Runs itself inside a throwaway PostgreSQL cluster (pg_virtualenv -t; the Redis engine needs PostgreSQL) and starts
# its own redis-server on a free loopback port (--save '' --appendonly no, killed by PID on exit). Three modes, each
# run from fresh server processes on the same database, alternating in this order for every repeat (closed loop
# first, then open loop at a fixed rate):
#   inproc  one instance, in-process engine (the default without Redis settings): the BASELINE
#   same    one instance, Redis engine; both sides of every conversation on it (same-instance)
#   cross   two instances (ports P and P+1), Redis engine, same database, same Redis and KeyPrefix; candidates'
#           sockets on the first, agents' on the second (LoadGenerator --agent-url), so every message crosses Redis
# Setup (signups, conversations, assignments over HTTP) goes to the first instance: both read the same database.
#
# CPU layout on 2 cores: everything under test (the instance(s), redis-server, PostgreSQL) on core 0, the load
# generator alone on core 1, as bench/run.sh does for one server. So the modes get the same CPU budget and the
# saturated figures compare the cost per message of each path; with one core for the service, two instances cannot
# show a throughput gain from scaling out (that needs a core or a machine each).
#
# Before each run the Redis data are flushed and the transcript journal emptied; after the instances are up, Redis's
# statistics are reset (CONFIG RESETSTAT) and INFO commandstats / INFO cpu are read again when the generator ends:
# the commands per message sent (whole run, warm-up included) and Redis's CPU per 1,000 messages. A summary with the
# ratios of same and cross to inproc (medians of the repeats) ends the output and is saved as summary.md.
#
# Options (defaults in brackets):
#   --conversations C [200]    C conversations = 2C sockets, both sides sending
#   --warmup S [5]  --duration S [20]     seconds of traffic before / in the measured window
#   --rate R [5]               open loop: messages per second per sender (200 conversations: 2,000 msg/s in all)
#   --repeats N [2]            rounds of inproc, same, cross per load
#   --modes LIST [inproc,same,cross]
#   --port P [5090]            first instance on P, second on P+1
#   --results DIR              JSON figures, Redis statistics and summary.md [results/ in a new folder under /tmp,
#                              which also holds the instances' logs]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

conversations=200 warmup=5 duration=20 rate=5 repeats=2 modes=inproc,same,cross port=5090 results=""
original_args=("$@")
while [ $# -gt 0 ]; do
  case $1 in
    --conversations) conversations=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --duration) duration=$2; shift ;;
    --rate) rate=$2; shift ;;
    --repeats) repeats=$2; shift ;;
    --modes) modes=$2; shift ;;
    --port) port=$2; shift ;;
    --results) results=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "scaleout.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# As bench/run.sh --postgres: the cluster's processes inherit core 0, beside the service.
if [ -z "${BENCH_INSIDE_PG_VIRTUALENV:-}" ]; then
  command -v pg_virtualenv >/dev/null || { echo "scaleout.sh: needs pg_virtualenv (Debian's postgresql-common)" >&2; exit 1; }
  command -v redis-server >/dev/null || { echo "scaleout.sh: needs redis-server and redis-cli" >&2; exit 1; }
  exec taskset -c 0 pg_virtualenv -t -o max_connections=300 env BENCH_INSIDE_PG_VIRTUALENV=1 taskset -c 0-1 bash "$0" "${original_args[@]}"
fi

ulimit -n 65536 2>/dev/null || true
work=$(mktemp -d /tmp/supportchat-scaleout.XXXXXX)
results=${results:-$work/results}
mkdir -p "$results"
port_b=$((port + 1))
url_a=http://127.0.0.1:$port
url_b=http://127.0.0.1:$port_b
jwt_secret="bench-only-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
roster=$work/roster.json
connection="Host=${PGHOST:-localhost};Port=${PGPORT:-5432};Username=${PGUSER:-postgres};Password=${PGPASSWORD:-};Database=supportchat_bench"
redis_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key_prefix="bench:"

pids=() redis_pid=""
stop_instances() {
  # SIGKILL, as run.sh: a SIGTERM would write every live transcript to the database first.
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
  sleep 1
}
cleanup() {
  stop_instances
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

for p in "$port" "$port_b"; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; then echo "scaleout.sh: port $p is already in use (see --port)" >&2; exit 1; fi
done

echo "== build (Release)"
for project in SupportChat.csproj bench/LoadGenerator/LoadGenerator.csproj; do
  if ! build_log=$(dotnet build "$project" -c Release -nologo -clp:ErrorsOnly 2>&1); then echo "$build_log" >&2; exit 1; fi
done

# taskset execs redis-server, so $! is redis-server itself.
taskset -c 0 redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize no \
  --logfile "$work/redis.log" --dir "$work" &
redis_pid=$!
rcli() { redis-cli -p "$redis_port" "$@"; }
for _ in $(seq 1 100); do rcli ping >/dev/null 2>&1 && break; sleep 0.05; done
rcli ping >/dev/null

generator() { taskset -c 1 dotnet bench/LoadGenerator/bin/Release/net10.0/LoadGenerator.dll "$@"; }

wait_until_up() {
  local url=$1 pid=$2 log=$3
  for _ in $(seq 1 300); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url/health/ready")" = 200 ]; then return; fi
    kill -0 "$pid" 2>/dev/null || { echo "scaleout.sh: the instance on $url exited at start; see $log" >&2; exit 1; }
    sleep 0.1
  done
  echo "scaleout.sh: the instance on $url did not become ready" >&2; exit 1
}

export DOTNET_TC_CallCountingDelayMs=0

# start_instance PORT LOG [redis]: one service process on core 0, exec'd by env and taskset so $! is dotnet itself.
start_instance() {
  local instance_port=$1 log=$2 redis_env=()
  if [ "${3:-}" = redis ]; then redis_env=(Redis__Configuration="127.0.0.1:$redis_port" Redis__KeyPrefix="$key_prefix"); fi
  env PORT="$instance_port" ASPNETCORE_ENVIRONMENT=Production Jwt__Secret="$jwt_secret" \
    Database__Provider=Postgres Database__ConnectionString="$connection" "${redis_env[@]}" \
    RateLimit__SignupPerMinute=0 RateLimit__MessagesPerSecond=0 Passwords__BcryptWorkFactor=4 \
    taskset -c 0 dotnet bin/Release/net10.0/SupportChat.dll >>"$log" 2>&1 &
  pids+=($!)
  wait_until_up "http://127.0.0.1:$instance_port" "$!" "$log"
}

# Every run starts from the state the setup left: no live messages in the journal or in Redis.
reset_state() {
  if [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'supportchat_bench'")" = 1 ]; then
    psql -q -d supportchat_bench -c 'DELETE FROM "TranscriptJournal"'
  fi
  rcli flushall >/dev/null
}

redis_cpu() { rcli info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { printf "%.3f\n", s }'; }

run_number=0
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== PostgreSQL $(psql -d postgres -tAc 'SHOW server_version'), $(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:$redis_port; results: $results"

echo "== setup: $conversations conversations"
reset_state
start_instance "$port" "$work/inproc.log"
generator setup --url "$url_a" --roster "$roster" --conversations "$conversations"
stop_instances

for load in closed open; do
  if [ "$load" = closed ]; then load_args=(--closed-loop); else load_args=(--rate "$rate"); fi
  for repeat in $(seq 1 "$repeats"); do
    for mode in ${modes//,/ }; do
      reset_state
      agent_url=$url_a
      case $mode in
        inproc) start_instance "$port" "$work/inproc.log" ;;
        same) start_instance "$port" "$work/same.log" redis ;;
        cross) start_instance "$port" "$work/cross-a.log" redis; start_instance "$port_b" "$work/cross-b.log" redis; agent_url=$url_b ;;
        *) echo "scaleout.sh: unknown mode $mode" >&2; exit 2 ;;
      esac
      run_number=$((run_number + 1))
      name=$(printf '%02d-%s-%s-%s' "$run_number" "$load" "$mode" "$repeat")
      server_pids=$(IFS=,; echo "${pids[*]}")
      rcli config resetstat >/dev/null
      cpu_before=$(redis_cpu)
      echo "== $name: load average $(cut -d' ' -f1-3 /proc/loadavg)"
      echo "loadavg $(cut -d' ' -f1 /proc/loadavg)" >"$results/$name.loadavg"
      generator chat --url "$url_a" --agent-url "$agent_url" --roster "$roster" --server-pid "$server_pids" "${load_args[@]}" \
        --conversations "$conversations" --warmup "$warmup" --duration "$duration" \
        --label "$mode $load #$repeat" --out "$results/$name.json"
      cpu_after=$(redis_cpu)
      rcli info commandstats | tr -d '\r' | grep '^cmdstat_' >"$results/$name.commandstats" || true
      echo "redis_cpu_s $(python3 -c "print(round($cpu_after - $cpu_before, 3))")" >"$results/$name.rediscpu"
      stop_instances
    done
  done
done

# One more cross-instance open-loop run, not counted in the tables above, with MONITOR on for 3 s of its measured
# window: MONITOR tags each command with the client that sent it or "lua" for those a script ran, so it tells the
# service's round trips apart from the commands inside the append script (INFO commandstats counts both).
if [[ ",$modes," == *,cross,* ]]; then
  reset_state
  start_instance "$port" "$work/cross-a.log" redis; start_instance "$port_b" "$work/cross-b.log" redis
  run_number=$((run_number + 1))
  name=$(printf '%02d-open-monitor-1' "$run_number")
  echo "== $name (cross-instance, MONITOR on for 3 s): load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "loadavg $(cut -d' ' -f1 /proc/loadavg)" >"$results/$name.loadavg"
  (sleep $((warmup + 2)); timeout 3 redis-cli -p "$redis_port" monitor >"$work/monitor.txt" 2>/dev/null || true) &
  monitor_pid=$!
  generator chat --url "$url_a" --agent-url "$url_b" --roster "$roster" --server-pid "$(IFS=,; echo "${pids[*]}")" --rate "$rate" \
    --conversations "$conversations" --warmup "$warmup" --duration "$duration" --label "cross open, MONITOR" --out "$results/$name.json"
  wait "$monitor_pid" || true
  stop_instances
  # "TIME [db CLIENT] "command" ...": CLIENT is the sender's address, or lua for a script's own calls.
  awk '$2 ~ /^\[/ { src = ($3 == "lua]") ? "lua" : "client"; cmd = tolower($4); gsub(/"/, "", cmd); n[src " " cmd]++ }
       END { for (k in n) print k, n[k] }' "$work/monitor.txt" | sort >"$results/$name.monitor"
fi

echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
python3 bench/scaleout_summary.py "$results" | tee "$results/summary.md"
echo
echo "results and logs: $work"
