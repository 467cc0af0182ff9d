#!/usr/bin/env bash
# `make run`: starts one vltgw switch on the virtual switch platform — its own
# redis-server (unix socket under run/), vsd, syncd, orchagent, cfgmgrd,
# pgwlldpd — loads lab/examples/single-switch/config_db.json, prints what is
# running and how to talk to it, and stops everything it started on Ctrl-C.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
run=$top/run/switch
mkdir -p "$run"
sock=$run/redis.sock
pids=()
names=()

stop() {
  echo
  echo "stopping: ${names[*]}"
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  echo "stopped cleanly"
  exit 0
}
trap stop INT TERM

start() { # name, command...
  local name=$1; shift
  "$@" >"$run/$name.log" 2>&1 &
  pids+=($!); names+=("$name")
  echo "  started $name (pid $!, log $run/$name.log)"
}

echo "vltgw: starting one switch under $run"
start redis redis-server --port 0 --unixsocket "$sock" --unixsocketperm 770 \
  --notify-keyspace-events AKE --save "" --appendonly no --dir "$run"
for _ in $(seq 100); do redis-cli -s "$sock" ping >/dev/null 2>&1 && break; sleep 0.05; done
redis-cli -s "$sock" ping >/dev/null || { echo "redis-server did not start"; stop; }

platform=$top/platform/vs/testdata/single.yaml
if [ -x bin/vsd ] && [ -f "$platform" ]; then
  start vsd bin/vsd --config "$platform" --socket "$run/hal.sock" --control-socket "$run/vs-control.sock"
  for _ in $(seq 100); do [ -S "$run/hal.sock" ] && break; sleep 0.05; done
else
  echo "  vsd not built yet (platform/vs is in progress): the stack runs without a platform"
fi
[ -x bin/syncd ] && start syncd bin/syncd -redis-socket "$sock" -hal "$run/hal.sock"
[ -x bin/orchagent ] && start orchagent bin/orchagent -redis-socket "$sock" -hal "$run/hal.sock"
[ -x bin/cfgmgrd ] && start cfgmgrd bin/cfgmgrd -redis-socket "$sock"
[ -x bin/pgwlldpd ] && start pgwlldpd bin/pgwlldpd -redis-socket "$sock" -hal "$run/hal.sock"
for n in orchagent pgwlldpd; do [ -x bin/$n ] || echo "  $n not built yet"; done

bin/vltgw --socket "$sock" config load lab/examples/single-switch/config_db.json && echo "  loaded lab/examples/single-switch/config_db.json into CONFIG_DB"
sleep 1
for i in "${!pids[@]}"; do
  kill -0 "${pids[$i]}" 2>/dev/null || { echo "  ${names[$i]} exited; see $run/${names[$i]}.log"; tail -5 "$run/${names[$i]}.log"; }
done

cat <<MSG

running: ${names[*]}
  redis-cli -s $sock -n 4 keys '*'          # CONFIG_DB
  redis-cli -s $sock -n 4 hset 'VLAN|Vlan30' vlanid 30
  redis-cli -s $sock -n 0 keys '*'          # APP_DB
  redis-cli -s $sock -n 1 keys 'ASIC_STATE:*'
  bin/vltgw --socket $sock show vlan brief
  bin/vltgw --socket $sock show interfaces status
Ctrl-C stops everything started here.
MSG
if [ -n "${VLTGW_RUN_ONCE:-}" ]; then stop; fi
while true; do sleep 3600 & wait $!; done
