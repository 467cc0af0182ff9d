// Package lldp owns the LLDP side of the VLT proxy gateway (spec §5):
//
//   - the 802.1AB LLDPDU codec with the proxy-gateway organisationally
//     specific TLV (type 127, OUI 00-01-E8, subtype 1, N×6-byte MACs), with
//     strict receive checks (codec*.go);
//   - the agent core (agent*.go): a pure state machine with an injected clock
//     that decides what to transmit on which port and when, keeps the
//     neighbour table, ages it, and derives the set of learned remote MACs
//     under the per-domain cap.
//
// Nothing in this package does I/O, starts goroutines or reads the wall
// clock: cmd/pgwlldpd feeds the Agent events (config, port oper status,
// received frames, timer ticks) and executes its outputs (frames to send,
// learned-MAC changes for APP_DB, views for STATE_DB). That keeps every
// behaviour testable with a fake clock and makes the decoder safe to fuzz.
package lldp
