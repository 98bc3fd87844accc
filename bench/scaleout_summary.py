#!/usr/bin/env python3
"""Markdown summary of a bench/scaleout.sh results folder: every run, the ratios of the Redis engine (same- and
cross-instance) to the in-process engine of the same run (medians of the repeats), and Redis commands per message sent."""
import json
import pathlib
import re
import statistics
import sys

folder = pathlib.Path(sys.argv[1])
runs = []
for path in sorted(folder.glob("*.json")):
    number, load, mode, repeat = path.stem.split("-")
    result = json.loads(path.read_text())
    extra = {}
    for suffix in ("rediscpu", "loadavg"):
        side = path.with_suffix("." + suffix)
        if side.exists():
            key, _, value = side.read_text().strip().partition(" ")
            extra[key] = value
    commands = {}
    stats = path.with_suffix(".commandstats")
    if stats.exists():
        for line in stats.read_text().splitlines():
            m = re.match(r"cmdstat_([^:]+):calls=(\d+),usec=(\d+)", line)
            if m:
                commands[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    runs.append(dict(number=number, load=load, mode=mode, repeat=repeat, f=result["Figures"], extra=extra, commands=commands))

MODES = ["inproc", "same", "cross"]
PROBES = ("info", "config|resetstat", "config")
# What the append script itself calls (RedisTranscriptLog.AppendScript): INFO commandstats counts these too. Its XRANGE
# runs only for a repeated clientMessageId, which the generator never sends, so every XRANGE here is the service's own.
IN_SCRIPT = ("hget", "exists", "hincrby", "hset", "xadd", "sadd", "publish")


def num(v):
    if v is None or v != v:
        return "–"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3f}" if abs(v) < 0.1 else f"{v:.2f}"


def redis_cpu_per_1000(run):
    cpu = run["extra"].get("redis_cpu_s")
    sent = run["f"].get("sent_total")
    return float(cpu) / sent * 1000 if cpu is not None and sent else float("nan")


print("### Runs, in the order they ran\n")
print("| run | mode | load | load avg (1 min) | delivered msg/s | p50 ms | p99 ms | p99.9 ms | service CPU (cores) | service CPU-s / 1,000 msgs | Redis CPU-s / 1,000 sent | lost / dup / out-of-order |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for r in runs:
    f = r["f"]
    print(f"| {r['number']} | {r['mode']} | {r['load']} | {r['extra'].get('loadavg', '–')} | {num(f.get('delivered_per_s'))} | {num(f.get('latency_p50_ms'))} | "
          f"{num(f.get('latency_p99_ms'))} | {num(f.get('latency_p99.9_ms'))} | {num(f.get('server_cpu_cores'))} | {num(f.get('server_cpu_s_per_1000_msgs'))} | "
          f"{num(redis_cpu_per_1000(r)) if r['mode'] != 'inproc' else '–'} | {f.get('lost', 0):.0f} / {f.get('duplicated', 0):.0f} / {f.get('out_of_order', 0):.0f} |")


def median(load, mode, figure):
    values = [r["f"].get(figure) for r in runs if r["load"] == load and r["mode"] == mode]
    values = [v for v in values if v is not None and v == v]
    return statistics.median(values) if values else float("nan")


def ratio(a, b):
    return "–" if not (a == a and b == b and b) else f"{a / b:.2f}×"


print("\n### Redis engine against the in-process engine (medians of the repeats)\n")
print("| measure | inproc (baseline) | same-instance | cross-instance | same / inproc | cross / inproc | cross / same |")
print("|---|---:|---:|---:|---:|---:|---:|")
for load, figure, label in [
    ("closed", "delivered_per_s", "saturated delivered msg/s, closed loop"),
    ("closed", "server_cpu_s_per_1000_msgs", "service CPU-s per 1,000 msgs, closed loop"),
    ("closed", "latency_p50_ms", "p50 ms, closed loop"),
    ("closed", "latency_p99_ms", "p99 ms, closed loop"),
    ("open", "latency_p50_ms", "p50 ms, open loop"),
    ("open", "latency_p99_ms", "p99 ms, open loop"),
    ("open", "latency_p99.9_ms", "p99.9 ms, open loop"),
    ("open", "server_cpu_s_per_1000_msgs", "service CPU-s per 1,000 msgs, open loop"),
    ("open", "delivered_per_s", "delivered msg/s, open loop"),
]:
    i, s, c = (median(load, m, figure) for m in MODES)
    print(f"| {label} | {num(i)} | {num(s)} | {num(c)} | {ratio(s, i)} | {ratio(c, i)} | {ratio(c, s)} |")

redis_runs = [r for r in runs if r["mode"] != "inproc" and r["commands"]]
if redis_runs:
    names = sorted({name for r in redis_runs for name in r["commands"]})
    print("\n### Redis commands per message sent (calls / messages sent in the run, warm-up included; "
          "`info` and `config|resetstat` are this script's own probes)\n")
    print("| command | " + " | ".join(f"{r['number']} {r['mode']} {r['load']}" for r in redis_runs) + " |")
    print("|---|" + "---:|" * len(redis_runs))
    print("| messages sent | " + " | ".join(f"{r['f']['sent_total']:,.0f}" for r in redis_runs) + " |")
    for name in names:
        cells = []
        for r in redis_runs:
            calls = r["commands"].get(name, (0, 0))[0]
            per = calls / r["f"]["sent_total"]
            cells.append(f"{per:.4f} ({calls:,})")
        print(f"| {name}{' (inside the script)' if name in IN_SCRIPT else ''} | " + " | ".join(cells) + " |")
    cells = []
    for r in redis_runs:
        calls = sum(c for n, (c, _) in r["commands"].items() if n not in PROBES and n not in IN_SCRIPT)
        cells.append(f"**{calls / r['f']['sent_total']:.4f}**")
    print("| **sent by the service** (all but the probes and the append script's own calls) | " + " | ".join(cells) + " |")
    cells = []
    for r in redis_runs:
        calls, usec = r["commands"].get("evalsha", (0, 0))
        cells.append(f"{usec / calls:.1f}" if calls else "–")
    print("| evalsha µs per call (Redis's own) | " + " | ".join(cells) + " |")

for path in sorted(folder.glob("*.monitor")):
    counts = {}
    for line in path.read_text().splitlines():
        source, command, n = line.split()
        counts[(source, command)] = int(n)
    appended = counts.get(("lua", "xadd"), 0)
    print(f"\n### MONITOR, 3 s of run {path.stem.split('-')[0]} (cross-instance, open loop): commands per message appended "
          f"({appended:,} XADDs inside the script)\n")
    print("| sent by | command | calls | per message |")
    print("|---|---|---:|---:|")
    for (source, command), n in sorted(counts.items()):
        print(f"| {source} | {command} | {n:,} | {n / appended:.4f} |" if appended else f"| {source} | {command} | {n:,} | – |")
    clients = sum(n for (source, _), n in counts.items() if source == "client")
    if appended:
        print(f"| client | **all** | {clients:,} | **{clients / appended:.4f}** |")
