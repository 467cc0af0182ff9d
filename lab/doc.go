// Package lab starts and stops multi-switch vltgw labs on the virtual
// switch platform, the way `make run` and the end-to-end tests use them
// (`vltgw lab up|down|status|demo <topology.yaml>`).
//
// A topology file (see Topology; lab/square-vlt.yaml is spec §8's square)
// names the switches (MAC, VLT domain, config_db.json), the cables between
// their ports and the simulated hosts. Up starts, per switch, in a
// directory of the run dir (default run/lab/<switch>/):
//
//	redis-server   unix socket redis.sock, keyspace notifications on
//	config load    the switch's config_db.json into CONFIG_DB (before the
//	               daemons, which read it at start)
//	vsd            on a generated platform.yaml: the switch MAC, ports
//	               EthernetN (lanes N..N+3), each cabled port on a UDP wire
//	               on loopback to its peer's port; hal.sock, vs-control.sock
//	syncd, orchagent, cfgmgrd, pgwlldpd
//
// then waits until every switch has converged (no CONFIG_DB row rejected,
// ports and LAGs oper up, VLANs and static routes in ASIC_DB, the remote
// MACs learned over LLDP, the desired MY_MAC set in ASIC_DB) and records
// every process (PID and start time) in <run dir>/lab-state.json. Down,
// from any process, stops exactly those processes — SIGTERM, then SIGKILL
// after a grace period — daemons before redis, and removes the sockets,
// generated files and state (logs stay unless purged).
//
// For end-to-end tests a started Lab also restarts one daemon (Restart),
// fails a whole node (StopSwitch), and hands out a switch's vs control
// client (Control) to inject frames, pull cables and read counters.
//
// Hosts are simulated: the demo injects their frames at a switch port
// through vsd's control socket and reads the copies each switch captured
// on egress, with the pipeline counters (see Demo).
package lab
