#!/usr/bin/env bash
# What can be checked of the Fly.io deployment without a Docker engine: fly.toml parses and agrees with the
# Dockerfile, `dotnet publish` of the Dockerfile's configuration works, the container's ENTRYPOINT runs the service
# from its WORKDIR, the demo journey passes against it, SIGTERM ends it cleanly, and a start without
# Jwt__Secret is refused. Exit status 0 only if all of that holds.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v python3 >/dev/null 2>&1; then
  echo "== python3 not found (needed to parse fly.toml): installing Debian's python3"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3 >/dev/null
fi

echo "== fly.toml agrees with the Dockerfile"
python3 - <<'PY'
import json, re, tomllib
fly = tomllib.load(open("fly.toml", "rb"))
docker = open("Dockerfile").read()
port = re.search(r"PORT=(\d+)", docker).group(1)
workdir = re.findall(r"^WORKDIR (\S+)", docker, re.M)[-1]
checks = {
    "http_service.internal_port matches the Dockerfile's PORT": str(fly["http_service"]["internal_port"]) == port == fly["env"]["PORT"],
    "the health check polls /health/ready": fly["http_service"]["checks"][0]["path"] == "/health/ready",
    "the volume is mounted on the container's WORKDIR (the SQLite file)": fly["mounts"]["destination"] == workdir,
    "SIGTERM stops the machine (transcripts are saved on it)": fly["kill_signal"] == "SIGTERM",
    "ASPNETCORE_ENVIRONMENT is Production": fly["env"]["ASPNETCORE_ENVIRONMENT"] == "Production",
}
# fly.scaleout.toml: several machines on the Redis engine (README "Several machines").
scaleout = tomllib.load(open("fly.scaleout.toml", "rb"))
checks |= {
    "fly.scaleout.toml: the same port, health check, signal and environment": str(scaleout["http_service"]["internal_port"]) == port == scaleout["env"]["PORT"]
        and scaleout["http_service"]["checks"][0]["path"] == "/health/ready" and scaleout["kill_signal"] == "SIGTERM"
        and scaleout["env"]["ASPNETCORE_ENVIRONMENT"] == "Production",
    "fly.scaleout.toml: no volume (PostgreSQL and Redis hold the state) and at least two machines":
        "mounts" not in scaleout and scaleout["http_service"]["min_machines_running"] >= 2,
}
for what, ok in checks.items():
    print(("ok   " if ok else "FAIL ") + what)
if not all(checks.values()):
    raise SystemExit(1)
PY

work=$(mktemp -d)
service_pid=""
cleanup() { [ -n "$service_pid" ] && kill -9 "$service_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

echo "== dotnet publish, as the Dockerfile does"
dotnet publish SupportChat.csproj -c Release -o "$work/app" -nologo -clp:ErrorsOnly >/dev/null

# The Dockerfile's ENTRYPOINT, with the image's /app replaced by the publish folder, run from a WORKDIR of its own.
entrypoint=$(python3 -c 'import json,re,sys; print(" ".join(json.loads(re.search(r"^ENTRYPOINT (\[.*\])", open("Dockerfile").read(), re.M).group(1))))')
command=${entrypoint//\/app/$work/app}
mkdir -p "$work/data"
port=$(( 20000 + RANDOM % 20000 ))

echo "== a start without Jwt__Secret is refused"
if (cd "$work/data" && env -u Jwt__Secret ASPNETCORE_ENVIRONMENT=Production PORT=$port $command >"$work/refused.log" 2>&1); then
  echo "FAIL the service started without Jwt__Secret"; exit 1
fi
grep -q "Jwt__Secret" "$work/refused.log" && echo "ok   refused with: $(grep -m1 Jwt__Secret "$work/refused.log")"

echo "== the container's entry command serves the demo journey"
(cd "$work/data" && ASPNETCORE_ENVIRONMENT=Production PORT=$port Jwt__Secret="$(head -c 48 /dev/urandom | base64)" \
  exec $command >"$work/service.log" 2>&1) &
service_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/health/live" >/dev/null || { echo "FAIL the service did not come up"; cat "$work/service.log"; exit 1; }
bash scripts/demo.sh "http://127.0.0.1:$port"

echo "== SIGTERM ends it cleanly, with its data in the WORKDIR"
kill -TERM "$service_pid"
wait "$service_pid" && status=0 || status=$?
service_pid=""
[ "$status" -eq 0 ] || { echo "FAIL exit status $status after SIGTERM"; cat "$work/service.log"; exit 1; }
[ -f "$work/data/supportchat.db" ] || { echo "FAIL no supportchat.db in the WORKDIR"; exit 1; }
if grep -q 'token=' "$work/service.log"; then echo "FAIL a token reached the log"; exit 1; fi
echo "ok   exit 0 after SIGTERM, SQLite file in the WORKDIR, no token in the JSON logs"
