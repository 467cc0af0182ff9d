// Package e2e holds the end-to-end scenarios of the VLT proxy gateway
// (spec §8, issue 7 item 3), run by `make test` with the rest of
// `go test ./...`.
//
// Each test builds the daemons once (go build, into a temp dir), brings a
// square-VLT lab up with real processes per switch (redis-server, vsd,
// syncd, orchagent, cfgmgrd, pgwlldpd; see package lab), runs several
// scenarios on it as subtests — the destructive ones last — and takes it
// down, checking that no process of the lab is left. Every scenario
// asserts on data-plane evidence: frames injected at a switch port through
// the virtual switch's control socket, the copies each switch captured on
// egress (TTL, source MAC, VLAN, port) and the pipeline counters
// (routed_my_mac); the databases are only read to wait for a state or to
// explain a failure.
//
//	TestSquareLLDP        lab/square-vlt.yaml (lldp mode, vlt_peer_mac_transmit):
//	                      VM migration, exclude-vlan, D's MAC via transmit,
//	                      the reverse direction (C routes for C1's MAC), the
//	                      C–C1 cable pulled and put back, C1's orchagent,
//	                      syncd and pgwlldpd restarted mid-traffic, node
//	                      failure (C's platform killed, then C stopped)
//	TestSquareNoTransmit  the same square without vlt_peer_mac_transmit
//	                      (generated into a temp dir): C1 routes for C only
//	TestSquareDiagonals   lab/square-vlt-diagonals.yaml: C1 routes for C and
//	                      D; the C–C1 cable pulled withdraws C's MAC only
//	TestSquareStatic      lab/square-vlt-static.yaml: C fails, C1 and D1 keep
//	                      routing for C's MAC
//	TestTopologyConfigs   the variants pass the lab's config checks and yanglint
//
// Withdrawal and convergence times are logged (go test -v), never
// asserted. VLTGW_E2E_LOGS=<dir> keeps the daemons' logs of every lab.
package e2e
