#!/usr/bin/env bash
# supervisord-check: runs docker/supervisord.conf — the very file the
# container uses — under supervisord on this machine, with VLTGW_BIN pointing
# at the binaries, VLTGW_ETC at the default configs (the files debian/rules
# installs into /etc/vltgw) and VLTGW_RUN at a temporary run directory. It
# waits until every program is RUNNING (config-load: EXITED after loading
# config_db.json), checks the stack answers (redis ping; CONFIG_DB loaded;
# ASIC_DB holds the switch object, the example's VLANs and static routes;
# `vltgw show ip route`), then stops supervisord and checks every program stopped with exit
# status 0. Any program in FATAL/BACKOFF, a missing binary or a failed check
# makes it exit non-zero.
#
#   scripts/supervisord-check.sh            binaries from bin/ (make build)
#   scripts/supervisord-check.sh --build    build cmd/* into the temp dir first
#   VLTGW_BIN=dir scripts/supervisord-check.sh
#   --keep                                  keep the temp dir (logs)
#
# Needs: supervisor, redis-server, redis-tools. Starts and stops only its own
# supervisord (by PID); its children are stopped through supervisorctl.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

build=0
keep=0
for a in "$@"; do
  case $a in
    --build) build=1 ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "supervisord-check: unknown argument $a" >&2; exit 2 ;;
  esac
done

BINARIES=(vsd syncd orchagent cfgmgrd pgwlldpd vltgw)
DAEMONS=(redis vsd syncd orchagent cfgmgrd pgwlldpd) # must be RUNNING
ONESHOTS=(config-load)                               # must be EXITED
WAIT=${SUPERVISORD_CHECK_WAIT:-45}                   # seconds for RUNNING / ASIC_DB

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }
note() { echo "note: $*"; }
start=$SECONDS

for tool in supervisord supervisorctl redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "supervisord-check: $tool not found (apt-get install supervisor redis-server redis-tools)"; exit 1; }
done

# A short temp path: unix socket paths are limited to 107 bytes.
tmp=$(mktemp -d /tmp/vltgw-sv.XXXXXX)
sv_pid=
cleanup() {
  if [ -n "$sv_pid" ] && kill -0 "$sv_pid" 2>/dev/null; then
    supervisorctl -c "$conf" shutdown >/dev/null 2>&1
    for _ in $(seq 100); do kill -0 "$sv_pid" 2>/dev/null || break; sleep 0.1; done
    kill -TERM "$sv_pid" 2>/dev/null
    wait "$sv_pid" 2>/dev/null
  fi
  if [ "$keep" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- binaries ------------------------------------------------------------------
if [ "$build" = 1 ]; then
  GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
  export VLTGW_BIN=$tmp/bin
  mkdir -p "$VLTGW_BIN"
  t0=$SECONDS
  for b in "${BINARIES[@]}"; do
    [ -d "cmd/$b" ] || continue
    "$GO" build -o "$VLTGW_BIN/$b" "./cmd/$b" >"$tmp/build-$b.log" 2>&1 || { fail "go build ./cmd/$b:"; head -20 "$tmp/build-$b.log"; }
  done
  ok "built cmd/* into $VLTGW_BIN in $((SECONDS - t0))s"
fi
export VLTGW_BIN=${VLTGW_BIN:-$top/bin}
missing=()
for b in "${BINARIES[@]}"; do
  if [ ! -x "$VLTGW_BIN/$b" ]; then
    missing+=("$b")
    if [ -d "cmd/$b" ]; then fail "$VLTGW_BIN/$b missing (make build, or --build)"
    else fail "$VLTGW_BIN/$b missing: cmd/$b does not exist yet; its program cannot run"; fi
  fi
done

# --- the container sets every variable the file expands ----------------------------
for v in $(grep -o '%(ENV_[A-Za-z0-9_]*)s' docker/supervisord.conf | sed 's/%(ENV_\(.*\))s/\1/' | sort -u); do
  grep -qE "^(ENV[[:space:]]+|[[:space:]]+)$v=" docker/Dockerfile || fail "docker/Dockerfile does not set ENV $v (used by docker/supervisord.conf)"
done
grep -q 'COPY supervisord.conf /etc/supervisor/supervisord.conf' docker/Dockerfile || fail "docker/Dockerfile does not install supervisord.conf as /etc/supervisor/supervisord.conf"

# --- configs: the files the package installs into /etc/vltgw ---------------------
export VLTGW_ETC=$tmp/etc VLTGW_RUN=$tmp/run
mkdir -p "$VLTGW_ETC" "$VLTGW_RUN"
cp debian/etc/vltgw/* "$VLTGW_ETC/"
cp swss/database_config.json "$VLTGW_ETC/database_config.json"
cp lab/examples/single-switch/config_db.json "$VLTGW_ETC/config_db.json"
conf=$top/docker/supervisord.conf
sock=$VLTGW_RUN/redis/redis.sock
ctl() { supervisorctl -c "$conf" "$@"; }

# --- start -----------------------------------------------------------------------------
supervisord -c "$conf" >"$tmp/supervisord.log" 2>&1 &
sv_pid=$!
echo "supervisord-check: supervisord pid $sv_pid, run dir $VLTGW_RUN, binaries $VLTGW_BIN"

state_of() { awk -v p="$1" '$1 == p {print $2}' <<<"$status"; }
t0=$SECONDS
bad=
while :; do
  status=$(ctl status 2>/dev/null)
  pending=0 bad=
  for p in "${DAEMONS[@]}"; do
    s=$(state_of "$p")
    case $s in
      RUNNING) ;;
      FATAL) bad+=" $p:FATAL" ;;
      *) pending=1 ;;
    esac
  done
  for p in "${ONESHOTS[@]}"; do
    case $(state_of "$p") in EXITED) ;; FATAL) bad+=" $p:FATAL" ;; *) pending=1 ;; esac
  done
  [ -n "$bad" ] && break
  [ "$pending" = 0 ] && break
  kill -0 "$sv_pid" 2>/dev/null || { fail "supervisord exited:"; tail -20 "$tmp/supervisord.log"; exit 1; }
  [ $((SECONDS - t0)) -ge "$WAIT" ] && break
  sleep 0.5
done
echo "$status" | sed 's/^/      /'
if [ -n "$bad" ] || [ "$pending" = 1 ]; then
  notup=
  for p in "${DAEMONS[@]}"; do s=$(state_of "$p"); [ "$s" = RUNNING ] || notup+=" $p:${s:-unknown}"; done
  for p in "${ONESHOTS[@]}"; do s=$(state_of "$p"); [ "$s" = EXITED ] || notup+=" $p:${s:-unknown}"; done
  fail "not every program is up after $((SECONDS - t0))s:$notup"
  echo "---- supervisord log (last 40 lines)"; tail -40 "$tmp/supervisord.log"; echo "----"
else
  ok "every program RUNNING (config-load EXITED) after $((SECONDS - t0))s"
fi

# --- the stack answers ------------------------------------------------------------------------
if [ "$(redis-cli -s "$sock" ping 2>/dev/null)" = PONG ]; then ok "redis-cli -s $sock ping"; else fail "redis does not answer on $sock"; fi
ev=$(redis-cli -s "$sock" config get notify-keyspace-events 2>/dev/null | tail -1)
grep -q A <<<"$ev" && grep -q K <<<"$ev" && grep -q E <<<"$ev" && ok "keyspace events $ev" || fail "notify-keyspace-events is '$ev'"
if [ "$(redis-cli -s "$sock" -n 4 exists 'DEVICE_METADATA|localhost' 2>/dev/null)" = 1 ]; then
  ok "config-load: CONFIG_DB holds config_db.json ($(redis-cli -s "$sock" -n 4 dbsize) keys)"
else
  fail "CONFIG_DB has no DEVICE_METADATA|localhost: config_db.json was not loaded"
fi

# ASIC_DB: the switch object (orchagent → syncd → vsd), then what the example
# config_db.json asks for: its VLANs and static routes (CONFIG_DB → cfgmgrd
# → APP_DB → orchagent → ASIC_DB; a static route needs its neighbour and
# next hop first).
cfg_json=$VLTGW_ETC/config_db.json
if command -v jq >/dev/null; then
  want_vlans=$(jq -r '.VLAN // {} | .[].vlanid' "$cfg_json" | sort -n | xargs)
  want_routes=$(jq -r '.STATIC_ROUTE // {} | keys[]' "$cfg_json" | xargs)
else
  want_vlans=$(python3 -c 'import json,sys; print(" ".join(sorted((v["vlanid"] for v in json.load(open(sys.argv[1])).get("VLAN",{}).values()), key=int)))' "$cfg_json")
  want_routes=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1])).get("STATIC_ROUTE",{})))' "$cfg_json")
fi
asic_switch() { redis-cli -s "$sock" -n 1 --scan --pattern 'ASIC_STATE:SAI_OBJECT_TYPE_SWITCH:*' 2>/dev/null | head -1; }
asic_vlans() {
  for k in $(redis-cli -s "$sock" -n 1 --scan --pattern 'ASIC_STATE:SAI_OBJECT_TYPE_VLAN:*' 2>/dev/null); do
    redis-cli -s "$sock" -n 1 hget "$k" SAI_VLAN_ATTR_VLAN_ID
  done | sort -n | tr '\n' ' '
}
asic_has_route() { [ -n "$(redis-cli -s "$sock" -n 1 --scan --pattern "ASIC_STATE:SAI_OBJECT_TYPE_ROUTE_ENTRY:*\"dest\":\"$1\"*" 2>/dev/null)" ]; }
converged() {
  [ -n "$(asic_switch)" ] || return 1
  local have; have=$(asic_vlans)
  for v in $want_vlans; do grep -qw "$v" <<<"$have" || return 1; done
  for r in $want_routes; do asic_has_route "$r" || return 1; done
}
if [ ${#missing[@]} -gt 0 ]; then
  fail "ASIC_DB not checked: missing binaries ${missing[*]}"
else
  t1=$SECONDS
  while [ $((SECONDS - t1)) -lt "$WAIT" ] && ! converged; do sleep 0.5; done
  sw=$(asic_switch) vlans=$(asic_vlans)
  [ -n "$sw" ] && ok "ASIC_DB: $sw" || fail "ASIC_DB has no ASIC_STATE:SAI_OBJECT_TYPE_SWITCH:* key after ${WAIT}s"
  for v in $want_vlans; do grep -qw "$v" <<<"$vlans" || fail "ASIC_DB has no VLAN $v (VLAN ids: $vlans)"; done
  for r in $want_routes; do asic_has_route "$r" || fail "ASIC_DB has no route entry $r"; done
  converged && ok "ASIC_DB: config_db.json's VLANs ($want_vlans) and static routes ($want_routes) installed after $((SECONDS - t1))s"
  out=$("$VLTGW_BIN/vltgw" --db-config "$VLTGW_ETC/database_config.json" --socket "$sock" show ip route 2>&1)
  shown=1
  for r in $want_routes; do
    grep -qE "^ *$r .*installed" <<<"$out" || { shown=0; fail "vltgw show ip route does not show $r installed:"; echo "$out" | head -20; }
  done
  [ -n "$want_routes" ] && [ "$shown" = 1 ] && ok "vltgw show ip route: $want_routes installed"
fi

# Still up after the checks (nothing crashed meanwhile), and which restarted.
status=$(ctl status 2>/dev/null)
for p in "${DAEMONS[@]}"; do
  s=$(state_of "$p")
  [ "$s" = RUNNING ] || fail "$p is ${s:-unknown} after the checks"
done
restarts=$(grep -E "exited: ($(IFS='|'; echo "${DAEMONS[*]}")) " "$tmp/supervisord.log" || true)
if [ -n "$restarts" ]; then note "programs that exited while starting and were restarted:"; sed 's/^/      /' <<<"$restarts"; fi
grep -q "exited: config-load (exit status 0; expected)" "$tmp/supervisord.log" || fail "config-load did not exit with status 0: $(grep 'config-load' "$tmp/supervisord.log" | tail -2)"

# --- clean stop ----------------------------------------------------------------------------------
declare -A pids
for p in "${DAEMONS[@]}"; do pids[$p]=$(ctl pid "$p" 2>/dev/null); done
t1=$SECONDS
ctl shutdown >/dev/null 2>&1 || fail "supervisorctl shutdown failed"
for _ in $(seq 300); do kill -0 "$sv_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$sv_pid" 2>/dev/null; then
  fail "supervisord still running 30s after shutdown"
else
  wait "$sv_pid"; rc=$?
  [ $rc -eq 0 ] && ok "supervisord shut down in $((SECONDS - t1))s" || fail "supervisord exited with $rc"
  sv_pid=
fi
for p in "${DAEMONS[@]}"; do
  line=$(grep -E "stopped: $p " "$tmp/supervisord.log" | tail -1)
  if grep -q "(exit status 0)" <<<"$line"; then :; else fail "$p did not stop cleanly: ${line:-no stop line}"; fi
  pid=${pids[$p]}
  if [ -n "$pid" ] && [ "$pid" != 0 ] && kill -0 "$pid" 2>/dev/null; then fail "$p (pid $pid) still alive after shutdown"; fi
done
[ -S "$sock" ] && [ "$(redis-cli -s "$sock" ping 2>/dev/null)" = PONG ] && fail "redis still answers after shutdown"

echo "supervisord-check: $((SECONDS - start))s"
if [ "$failures" -ne 0 ]; then
  echo "supervisord-check: $failures problem(s) (supervisord log: $tmp/supervisord.log$([ "$keep" = 1 ] || echo ', --keep to keep it'))"
  exit 1
fi
echo "supervisord-check: all checks passed"
