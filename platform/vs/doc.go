// Package vs is vltgw's virtual switch: a SAI-shaped ASIC in software that
// serves the HAL (proto/hal/v1) so the whole stack runs, and forwards real
// frames, without hardware.
//
// # Pieces
//
//   - The object store (store*.go, index.go) holds every SAI object with
//     SAI's rules, validated with hal/sai: unknown type/attribute,
//     mandatory/create-only/read-only attributes, value kinds and ranges,
//     references that must exist with the right type (INVALID_OBJECT_ID),
//     reference counts (OBJECT_IN_USE), duplicates (ITEM_ALREADY_EXISTS:
//     entry keys, a MY_MAC (mac, mask, vlan, port) tuple, a VLAN_ID, a
//     second bridge port or router interface for a port, a port in two
//     LAGs, a next hop twice in one group, ...) and capacities (TABLE_FULL; MY_MAC 512 by default). A
//     Write runs its ops in order under one lock with one result each.
//     Object ids the platform allocates carry the type in bits 55–48 like
//     sairedis VIDs, plus bit 40 (never set in a VID): MY_MAC ids read
//     0x61010000000123.
//   - Derived tables (tables.go, lpm.go, mymac.go) are kept in step with
//     the objects one object at a time; the pipeline only reads them.
//   - The pipeline (pipeline*.go) takes a frame from a port: ingress port or
//     LAG, VLAN from the tag or the PVID, ingress filtering, learning,
//     LLDP/LACP/ARP/ND traps, L3 termination (switch MAC, RIF MAC, MY_MAC
//     for the ingress VLAN/port), IPv4/IPv6 LPM, next hop (for a
//     NEXT_HOP_GROUP, a member picked by a hash of the flow, see
//     nexthopgroup.go) and neighbour, rewrite and TTL, then L2 (FDB or flood, per-member tagging, LAG
//     member hashing, isolation groups). It runs under the read lock;
//     learning is applied afterwards under the write lock; frames are sent
//     once the lock is released. Stage counters name what happened
//     (bridged, flooded, routed, routed_my_mac, trapped, dropped_<reason>).
//   - Wires (wire*.go) cable ports: none (captures only), UDP datagrams to a
//     peer socket with link-state datagrams, or AF_PACKET on a Linux
//     interface (IFF_UP follows our end, IFF_RUNNING is the carrier).
//   - HALServer and ControlServer serve a Switch over gRPC; Listen opens
//     unix sockets (0660) and, with a TLS key pair only, TCP.
//
// # Use in tests and the lab
//
//	cfg, _ := vs.LoadConfig("platform/vs/testdata/single.yaml") // or build a vs.Config
//	sw, _ := vs.New(cfg, vs.Options{Logger: log})
//	srv, _ := vs.Listen(sw, vs.ServeOptions{HALSocket: "/run/x/hal.sock", ControlSocket: "/run/x/ctl.sock"})
//	srv.Start()
//	...
//	sw.Close()          // Subscribe streams get SwitchShutdown and end
//	srv.Stop(time.Second)
//
// A Switch is also usable directly: Write, Get, List, Hello, Inject,
// Captured, Counters, SetLink, SendOut, AgeFDB.
package vs
