#!/usr/bin/env bash
# `make run` (after deps + build): brings up the square-VLT lab of spec §8 —
# per switch its own redis-server, vsd (ports wired by UDP per the topology),
# syncd, orchagent, cfgmgrd, pgwlldpd — loads each switch's config_db.json,
# waits for convergence (LLDP proxy-gateway mode), prints each switch's
# state and `vltgw show vlt proxy-gateway`, runs the guided demo (VM1's frame
# to C's MAC routed locally at C1, not across the interconnect), then stays
# up until Ctrl-C and stops everything it started.
#
#   scripts/lab-run.sh [topology.yaml] [extra lab up flags]
#   VLTGW_RUN_ONCE=1 scripts/lab-run.sh     # up + demo + down, exit status of up/demo (CI smoke)
set -uo pipefail
cd "$(dirname "$0")/.."
topo=lab/square-vlt.yaml
if [ $# -gt 0 ] && [[ $1 != -* ]]; then topo=$1; shift; fi
[ -x bin/vltgw ] || { echo "bin/vltgw missing: run make build" >&2; exit 1; }
if [ -z "${VLTGW_RUN_ONCE:-}" ]; then
  exec bin/vltgw lab up --foreground --demo "$@" "$topo"
fi
bin/vltgw lab up --demo "$@" "$topo"
rc=$?
bin/vltgw lab down "$topo" || rc=1
exit $rc
