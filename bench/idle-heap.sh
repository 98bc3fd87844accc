#!/usr/bin/env bash
# Where an idle socket's memory goes: N idle joined sockets on a cold SupportChat (SQLite), then a heap dump; the same
# against bench/BareRelay; prints the live managed bytes per socket of each (every type with at least 0.975 N live
# instances). Needs the Release builds `bash bench/run.sh` makes; installs dotnet-gcdump into a temporary folder.
#   bash bench/idle-heap.sh [N]     # N sockets, default 4000
set -euo pipefail
cd "$(dirname "$0")/.."
sockets=${1:-4000}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet tool install --tool-path "$work/tools" dotnet-gcdump --version 10.0.750501 >/dev/null
generator() { dotnet bench/LoadGenerator/bin/Release/net10.0/LoadGenerator.dll "$@"; }
export DOTNET_TC_CallCountingDelayMs=0

per_socket() {   # the dump's per-socket types, summed and divided by the socket count
  "$work/tools/dotnet-gcdump" report "$1" | awk -v n="$sockets" 'NR > 3 && $0 !~ /\(Bytes >/ {
    b = $1; c = $2; gsub(",", "", b); gsub(",", "", c); if (c + 0 >= n * 0.975) s += b * c } END { printf "%.0f", s / n }'
}

env PORT=5090 ASPNETCORE_ENVIRONMENT=Production Jwt__Secret="bench-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" \
  Database__Provider=Sqlite Database__ConnectionString="Data Source=$work/db.db" RateLimit__SignupPerMinute=0 \
  RateLimit__MessagesPerSecond=0 Passwords__BcryptWorkFactor=4 dotnet bin/Release/net10.0/SupportChat.dll >"$work/server.log" 2>&1 &
server=$!
until curl -s -o /dev/null http://127.0.0.1:5090/health/ready; do sleep 0.2; done
generator setup --url http://127.0.0.1:5090 --roster "$work/roster.json" --conversations 200 >/dev/null
generator idle --url http://127.0.0.1:5090 --roster "$work/roster.json" --server-pid $server --sockets "$sockets" \
  --conversations 200 --hold 40 --warmup-sockets 0 >"$work/idle.log" &
load=$!
sleep 30
"$work/tools/dotnet-gcdump" collect -p $server -o "$work/real.gcdump" >/dev/null 2>&1
wait $load || true
kill $server; wait $server || true

dotnet bench/BareRelay/bin/Release/net10.0/BareRelay.dll --urls http://127.0.0.1:5091 >"$work/relay.log" 2>&1 &
relay=$!
sleep 3
generator idle --bare --url http://127.0.0.1:5091 --server-pid $relay --sockets "$sockets" --conversations 200 --hold 40 \
  --warmup-sockets 0 >"$work/idle-relay.log" &
load=$!
sleep 30
"$work/tools/dotnet-gcdump" collect -p $relay -o "$work/relay.gcdump" >/dev/null 2>&1
wait $load || true
kill $relay; wait $relay || true
echo "SupportChat: $(per_socket "$work/real.gcdump") B of live managed objects per idle socket (the relay's 4 KiB buffers are in its figure only as Byte[] buckets, left out)"
echo "relay:       $(per_socket "$work/relay.gcdump") B per socket, plus its 4 KiB receive buffer"
