// Package proxygw is the pure core of the VLT proxy gateway: no Redis, no
// gRPC, no clock of its own.
//
// It owns the model of what the hardware must hold — one MY_MAC entry per
// (remote router MAC, L3 VLAN) not excluded, plus the VLT peer's MAC on
// every L3 VLAN with peer routing — as Desired(intent); the minimal
// difference between that and what is installed (Diff, Tracker.Plan); the
// peer-routing timeout after the VLT peer goes down (PeerRouting, driven by
// an injected time); and the per-entry outcome bookkeeping (installed,
// failed with a SAI status, retried when table room appears) that the orch
// reports in STATE_DB.
//
// Sets of VLANs are 4096-bit bitmaps, so the desired set of a MAC and a diff
// are a few dozen word operations however many VLANs are involved.
package proxygw
