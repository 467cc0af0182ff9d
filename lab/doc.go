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
// Hosts (topology hosts_mode, or --hosts-mode) are either network
// namespaces or simulated. auto, the default, picks netns when running as
// root with iproute2's ip (as CI does), else simulated; lab up says which.
//
// netns: per host a namespace vltgw-<lab>-<run id>-<host> (the run id is
// a hash of the run dir) holding eth0, one end of a veth pair, with the
// host's MAC and address (on eth0.<vlan> when the switch port is a tagged
// member of the host's VLAN), no IPv6 address generation (the host sends
// nothing unasked), transmit checksum offload off, a permanent neighbour
// entry for its gateway → the MAC of the switch owning the gateway
// address (spec §8: VM1's stale ARP cache, 10.10.0.2 → C) and a default
// route via the gateway. The other end, vg<run id>-<i>, stays in the
// lab's namespace and is the switch port's AF_PACKET wire in the
// generated platform file. A host with moves_to is plugged at that port:
// the lab shows the state after the live migration (VM1 at C1:Ethernet0,
// its old port C:Ethernet0 stays unwired); the move itself is not
// replayed. Every namespace and veth is recorded in the state file as it
// is created; lab down deletes those and nothing else, and lab up refuses
// names that exist but are not its own.
//
// The demo injects the frames of simulated hosts at a switch port through
// vsd's control socket; with netns hosts the migrated VM's datagram comes
// from a real UDP socket in its namespace and a real socket in the
// destination's namespace receives it (with its TTL), then the VM pings
// the destination. Either way each switch's egress captures and pipeline
// counters (routed_my_mac) show where the frame went (see Demo). The
// end-to-end scenarios inject frames whatever the host mode: injection
// works on any port, wired or not.
package lab
