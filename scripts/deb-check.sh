#!/usr/bin/env bash
# deb-check: builds the vltgw .deb with `dpkg-buildpackage -us -uc -b` in a
# temporary copy of the tree (the work tree is left untouched) and checks
# what is inside: every binary, every systemd unit and its dependencies,
# the default configs and that they are conffiles, the database's redis
# config, and the units with `systemd-analyze verify` when systemd is
# installed. Exits non-zero on any problem (all problems are listed).
#
#   scripts/deb-check.sh            build from the work tree as it is (the
#                                   files git tracks or would add)
#   scripts/deb-check.sh --head     build the committed HEAD with the work
#                                   tree's debian/ on top (packaging changes
#                                   against a consistent code base)
#   scripts/deb-check.sh --keep     keep the temporary directory (path printed)
#   DEB_CHECK_OUT=dir               also copy the built .deb into dir
#
# Needs: dpkg-dev, debhelper, git, the Go toolchain (PATH or /usr/local/go)
# with the module cache filled (no network). Uses the caller's GOCACHE so a
# repeated check takes seconds.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

source_mode=worktree
keep=0
for a in "$@"; do
  case $a in
    --head) source_mode=head ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "deb-check: unknown argument $a" >&2; exit 2 ;;
  esac
done

# What the package must hold.
BINARIES=(vsd syncd orchagent cfgmgrd pgwlldpd vltgw)
DB_DAEMONS=(syncd orchagent cfgmgrd pgwlldpd) # Requires=/After= the database
DAEMONS=(vsd "${DB_DAEMONS[@]}")
UNITS=(vltgw.target vltgw-redis.service vltgw-config.service)
for d in "${DAEMONS[@]}"; do UNITS+=("vltgw-$d.service"); done
ETC_FILES=(/etc/vltgw/redis.conf /etc/vltgw/database_config.json /etc/vltgw/platform.yaml /etc/vltgw/config_db.json
  /etc/default/vltgw-redis /etc/default/vltgw-config)
for d in "${DAEMONS[@]}"; do ETC_FILES+=("/etc/default/vltgw-$d"); done

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }
note() { echo "note: $*"; }
start=$SECONDS

GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
for tool in dpkg-buildpackage dpkg-deb dh git tar; do
  command -v "$tool" >/dev/null || { echo "deb-check: $tool not found (apt-get install dpkg-dev debhelper git tar)"; exit 1; }
done
[ -x "$GO" ] || { echo "deb-check: Go toolchain not found (PATH or /usr/local/go/bin/go)"; exit 1; }
export PATH="$(dirname "$GO"):$PATH"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vltgw-deb-check.XXXXXX")
cleanup() { if [ "$keep" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
version=$(dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null) || { echo "deb-check: debian/changelog unreadable"; exit 1; }
src=$tmp/vltgw-$version
mkdir -p "$src"

# --- the temporary source tree ----------------------------------------------
if [ "$source_mode" = head ]; then
  git archive HEAD | tar -x -C "$src" || { echo "deb-check: git archive HEAD failed"; exit 1; }
  rm -rf "$src/debian"
  mkdir -p "$src/debian"
  git ls-files -z --cached --others --exclude-standard -- debian |
    while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done |
    tar --null -T - -cf - | tar -x -C "$src"
  echo "deb-check: source = HEAD $(git rev-parse --short HEAD) + work-tree debian/"
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi; done |
    tar --null -T - -cf - | tar -x -C "$src" || { echo "deb-check: copying the work tree failed"; exit 1; }
  echo "deb-check: source = work tree (tracked + untracked, not ignored)"
else
  tar --exclude=./.git --exclude=./bin --exclude=./run -cf - . | tar -x -C "$src"
  echo "deb-check: source = directory copy (not a git checkout)"
fi

# --- build ---------------------------------------------------------------------
build=()
for b in "${BINARIES[@]}"; do
  if [ -f "$src/cmd/$b/main.go" ]; then build+=("$b"); else
    fail "cmd/$b/main.go does not exist: binary $b cannot be packaged yet (the rest is still built and checked)"
  fi
done
export VLTGW_BINARIES="${build[*]}"
export GOCACHE=${GOCACHE:-$("$GO" env GOCACHE)}
echo "deb-check: dpkg-buildpackage -us -uc -b (binaries: $VLTGW_BINARIES; log $tmp/build.log)"
t0=$SECONDS
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
  tail -40 "$tmp/build.log"
  fail "dpkg-buildpackage failed (last lines above)"
  echo "deb-check: $failures problem(s)"
  exit 1
fi
deb=$(ls "$tmp"/vltgw_"${version}"_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { fail "no vltgw_${version}_*.deb produced"; exit 1; }
ok "built $(basename "$deb") in $((SECONDS - t0))s ($(du -h "$deb" | cut -f1))"
if grep -q 'warning' "$tmp/build.log"; then note "build warnings:"; grep 'warning' "$tmp/build.log" | sed 's/^/      /'; fi
[ -n "${DEB_CHECK_OUT:-}" ] && mkdir -p "$DEB_CHECK_OUT" && cp "$deb" "$DEB_CHECK_OUT/" && note "copied to $DEB_CHECK_OUT/"

# --- contents (dpkg-deb -c) -----------------------------------------------------
listing=$(dpkg-deb -c "$deb") || { fail "dpkg-deb -c failed"; exit 1; }
entry() { awk -v p=".$1" '$NF == p' <<<"$listing"; }
for b in "${BINARIES[@]}"; do
  if entry "/usr/bin/$b" | grep -q '^-rwxr-xr-x root/root'; then ok "/usr/bin/$b (0755 root)"; else fail "/usr/bin/$b missing or not 0755 root:root"; fi
done
for u in "${UNITS[@]}"; do
  if [ -n "$(entry "/lib/systemd/system/$u")" ]; then ok "unit $u"; else fail "unit /lib/systemd/system/$u missing"; fi
done
for f in "${ETC_FILES[@]}"; do
  [ -n "$(entry "$f")" ] || fail "$f missing"
done
[ -n "$(entry /usr/lib/tmpfiles.d/vltgw.conf)" ] || fail "/usr/lib/tmpfiles.d/vltgw.conf (/run/vltgw) missing"
[ -n "$(entry /usr/share/doc/vltgw/README.Debian)" ] || fail "README.Debian missing"
unexpected=$(awk '$NF ~ /^\.\/usr\/bin\// {print $NF}' <<<"$listing" | sed 's|^\./usr/bin/||' | grep -vxF -f <(printf '%s\n' "${BINARIES[@]}") || true)
[ -z "$unexpected" ] || fail "unexpected binaries in /usr/bin: $unexpected"

# --- control (dpkg-deb -I) --------------------------------------------------------
control=$(dpkg-deb -f "$deb") || fail "dpkg-deb -f failed"
grep -qx 'Package: vltgw' <<<"$control" || fail "control: Package is not vltgw"
grep -q '^Depends:.*redis-server' <<<"$control" && ok "Depends on redis-server" || fail "control: no Depends on redis-server"
conffiles=$(dpkg-deb -I "$deb" conffiles 2>/dev/null) || fail "no conffiles in the control archive"
for f in "${ETC_FILES[@]}"; do
  grep -qxF "$f" <<<"$conffiles" || fail "$f is not a conffile"
done
for f in $(awk '$1 ~ /^-/ && $NF ~ /^\.\/etc\// {print substr($NF, 2)}' <<<"$listing"); do
  grep -qxF "$f" <<<"$conffiles" || fail "$f is under /etc but not a conffile"
done
ok "conffiles: $(wc -l <<<"$conffiles") ($(tr '\n' ' ' <<<"$conffiles"))"
postinst=$(dpkg-deb -I "$deb" postinst 2>/dev/null)
grep -q "deb-systemd-helper enable 'vltgw.target'" <<<"$postinst" && ok "postinst enables vltgw.target" || fail "postinst does not enable vltgw.target"

# --- file contents -------------------------------------------------------------------
x=$tmp/root
mkdir -p "$x" && dpkg-deb -x "$deb" "$x" || fail "dpkg-deb -x failed"
conf=$x/etc/vltgw/redis.conf
for line in 'notify-keyspace-events AKE' 'unixsocket /var/run/redis/redis.sock' 'unixsocketperm 770' 'port 0' 'save ""' 'appendonly no'; do
  grep -qxF "$line" "$conf" 2>/dev/null && ok "redis.conf: $line" || fail "redis.conf lacks the line: $line"
done
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
  # Start redis-server on the packaged file (socket and dir moved into the
  # temp dir) and read the settings back from it.
  rs=$tmp/redis-conf-check.sock
  redis-server "$conf" --unixsocket "$rs" --dir "$tmp" --supervised no >"$tmp/redis.log" 2>&1 &
  rpid=$!
  for _ in $(seq 100); do redis-cli -s "$rs" ping >/dev/null 2>&1 && break; sleep 0.05; done
  if [ "$(redis-cli -s "$rs" ping 2>/dev/null)" = PONG ]; then
    ev=$(redis-cli -s "$rs" config get notify-keyspace-events | tail -1)
    [ -n "$ev" ] && [ -z "$(tr -d 'AKEg$lshzxetdm' <<<"$ev")" ] && grep -q A <<<"$ev" && grep -q K <<<"$ev" && grep -q E <<<"$ev" &&
      ok "redis-server runs redis.conf (notify-keyspace-events = $ev, port $(redis-cli -s "$rs" config get port | tail -1), save '$(redis-cli -s "$rs" config get save | tail -1)')" ||
      fail "redis-server on redis.conf: notify-keyspace-events = '$ev'"
  else
    fail "redis-server does not start on redis.conf: $(tail -3 "$tmp/redis.log")"
  fi
  kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null
else
  note "redis-server/redis-cli not installed: redis.conf not started"
fi

dbc=$x/etc/vltgw/database_config.json
if cmp -s "$dbc" swss/database_config.json; then ok "database_config.json = swss/database_config.json"; else fail "database_config.json differs from swss/database_config.json"; fi
want_dbs=$(printf '%s\n' 'APPL_DB 0 :' 'ASIC_DB 1 :' 'COUNTERS_DB 2 :' 'CONFIG_DB 4 |' 'STATE_DB 6 |' | sort)
if command -v jq >/dev/null; then
  got=$(jq -r '.DATABASES | to_entries[] | select(.key|test("^(APPL|ASIC|COUNTERS|CONFIG|STATE)_DB$")) | "\(.key) \(.value.id) \(.value.separator)"' "$dbc" 2>/dev/null | sort)
  sock=$(jq -r '.INSTANCES.redis.unix_socket_path' "$dbc" 2>/dev/null)
elif command -v python3 >/dev/null; then
  got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k,v in d["DATABASES"].items():
  if k in ("APPL_DB","ASIC_DB","COUNTERS_DB","CONFIG_DB","STATE_DB"): print(k, v["id"], v["separator"])' "$dbc" 2>/dev/null | sort)
  sock=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["INSTANCES"]["redis"]["unix_socket_path"])' "$dbc" 2>/dev/null)
else
  got=$want_dbs sock=/var/run/redis/redis.sock
  note "neither jq nor python3: database_config.json layout not parsed (still compared with swss/)"
fi
[ "$got" = "$want_dbs" ] && ok "database_config.json: SONiC layout" || fail "database_config.json layout: got [$got]"
[ "$sock" = /var/run/redis/redis.sock ] || fail "database_config.json: redis unix_socket_path is $sock"
cmp -s "$x/etc/vltgw/config_db.json" lab/examples/single-switch/config_db.json || fail "config_db.json differs from lab/examples/single-switch/config_db.json"
if [ -x "$x/usr/bin/vsd" ]; then
  # The packaged vsd serves the HAL from the packaged platform.yaml.
  "$x/usr/bin/vsd" --config "$x/etc/vltgw/platform.yaml" --socket "$tmp/hal.sock" >"$tmp/vsd.log" 2>&1 &
  vpid=$!
  for _ in $(seq 100); do [ -S "$tmp/hal.sock" ] && break; kill -0 "$vpid" 2>/dev/null || break; sleep 0.05; done
  if [ -S "$tmp/hal.sock" ]; then ok "vsd serves the HAL from platform.yaml"; else fail "vsd does not start on platform.yaml: $(tail -3 "$tmp/vsd.log")"; fi
  kill "$vpid" 2>/dev/null; wait "$vpid" 2>/dev/null
else
  grep -q '^ports:' "$x/etc/vltgw/platform.yaml" && grep -q '^switch_mac:' "$x/etc/vltgw/platform.yaml" || fail "platform.yaml lacks switch_mac/ports"
fi

# --- units: dependencies, flags --------------------------------------------------------
ud=$x/lib/systemd/system
# values of a key across a unit file (space separated, all occurrences)
val() { sed -n "s/^$2=//p" "$ud/$1" 2>/dev/null | tr '\n' ' '; }
want() { # unit key word
  local v; v=$(val "$1" "$2")
  tr ' ' '\n' <<<"$v" | grep -qxF -- "$3" || fail "$1: $2= lacks $3 (has: $v)"
}
before=$failures
for d in "${DB_DAEMONS[@]}" config; do
  want "vltgw-$d.service" Requires vltgw-redis.service
  want "vltgw-$d.service" After vltgw-redis.service
done
want vltgw-syncd.service After vltgw-vsd.service
want vltgw-orchagent.service After vltgw-syncd.service
want vltgw-pgwlldpd.service After vltgw-vsd.service
want vltgw-cfgmgrd.service After vltgw-config.service
want vltgw-redis.service Type notify
want vltgw.target WantedBy multi-user.target
for d in "${DAEMONS[@]}" redis config; do
  u=vltgw-$d.service
  want "$u" PartOf vltgw.target
  want "$u" WantedBy vltgw.target
  [ "$(val "$u" EnvironmentFile)" = "-/etc/default/vltgw-$d " ] || fail "$u: EnvironmentFile is not -/etc/default/vltgw-$d"
  grep -q "^ExecStart=.*\$DAEMON_ARGS" "$ud/$u" || fail "$u: ExecStart does not pass \$DAEMON_ARGS"
  grep -q '^DAEMON_ARGS=' "$x/etc/default/vltgw-$d" || fail "/etc/default/vltgw-$d does not set DAEMON_ARGS"
  # every /etc/vltgw file a default names is shipped
  for p in $(grep -o '/etc/vltgw/[A-Za-z0-9_.-]*' "$x/etc/default/vltgw-$d" "$ud/$u" | cut -d: -f2 | sort -u); do
    [ -f "$x$p" ] || fail "$u or /etc/default/vltgw-$d names $p, which the package does not ship"
  done
done
for d in "${DAEMONS[@]}"; do
  want "vltgw-$d.service" Restart on-failure
  grep -q "^ExecStart=/usr/bin/$d " "$ud/vltgw-$d.service" || fail "vltgw-$d.service: ExecStart is not /usr/bin/$d"
done
want vltgw-redis.service Restart on-failure
grep -q '^ExecStart=/usr/bin/redis-server /etc/vltgw/redis.conf' "$ud/vltgw-redis.service" || fail "vltgw-redis.service does not run redis-server /etc/vltgw/redis.conf"
[ "$failures" -eq "$before" ] && ok "unit dependencies, restart policy, EnvironmentFile/DAEMON_ARGS"

# --- binaries run ----------------------------------------------------------------------
for b in "${build[@]}"; do
  timeout 10 "$x/usr/bin/$b" -h >"$tmp/$b.help" 2>&1
  rc=$?
  if [ $rc -ge 124 ]; then fail "/usr/bin/$b -h: exit $rc ($(head -2 "$tmp/$b.help"))"; fi
  if command -v file >/dev/null; then file "$x/usr/bin/$b" | grep -q 'statically linked' || note "/usr/bin/$b is not statically linked"; fi
done
ok "binaries execute (-h)"

# --- systemd-analyze verify ------------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
  # A root holding the package plus the system's units and redis-server, so
  # references (sysinit.target, network-online.target) and ExecStart paths
  # resolve; any message is a problem (unknown keys are only warnings).
  cp -an /lib/systemd/system/. "$ud/" 2>/dev/null
  [ -d /usr/lib/systemd/system ] && cp -an /usr/lib/systemd/system/. "$ud/" 2>/dev/null
  if command -v redis-server >/dev/null; then cp -L "$(command -v redis-server)" "$x/usr/bin/redis-server"; else note "redis-server not installed: verify will report its ExecStart"; fi
  out=$(cd "$x" && systemd-analyze verify --root="$x" $(printf "$ud/%s " "${UNITS[@]}") 2>&1)
  rc=$?
  if [ $rc -ne 0 ] || [ -n "$out" ]; then fail "systemd-analyze verify (rc $rc):"; sed 's/^/      /' <<<"$out"; else ok "systemd-analyze verify: ${#UNITS[@]} units clean"; fi
else
  note "systemd-analyze not installed (apt-get install systemd): unit verification skipped"
fi

# --- lintian (when installed) ---------------------------------------------------------------------
if command -v lintian >/dev/null; then
  lout=$(lintian "$deb" 2>&1 | grep -v 'running with root privileges')
  if grep -q '^E: ' <<<"$lout"; then fail "lintian errors:"; grep '^E: ' <<<"$lout" | sed 's/^/      /'; else ok "lintian: no errors"; fi
  if grep -q '^W: ' <<<"$lout"; then note "lintian warnings:"; grep '^W: ' <<<"$lout" | sed 's/^/      /'; fi
else
  note "lintian not installed: not run"
fi

# --- the work tree is untouched ------------------------------------------------------------------
for p in debian/.build debian/vltgw debian/files debian/.debhelper debian/debhelper-build-stamp; do
  [ ! -e "$top/$p" ] || fail "$p exists in the work tree (a build ran there?)"
done

echo "deb-check: $((SECONDS - start))s"
if [ "$failures" -ne 0 ]; then echo "deb-check: $failures problem(s)"; exit 1; fi
echo "deb-check: all checks passed"
