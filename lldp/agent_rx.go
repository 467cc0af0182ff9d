package lldp

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Receive side of the Agent: the neighbour table, its aging and counters.

// ErrTooManyNeighbors: an LLDPDU from a new neighbour on a port that
// already has MaxNeighborsPerPort was not processed.
var ErrTooManyNeighbors = errors.New("too many neighbours on the port")

// neighborKey identifies a neighbour (spec §5).
type neighborKey struct {
	port    string
	chassis ChassisID
	portID  PortID
}

type neighbor struct {
	sysName string
	ttl     uint16
	lastRx  time.Time
	expires time.Time
	macs    []MAC // usable MACs it advertises, sorted, deduplicated
}

// PortCounters are the per-port LLDPDU counters (spec §6).
type PortCounters struct {
	Tx uint64 // LLDPDUs queued for sending, shutdown ones included
	// Rx counts every frame handed to Receive on the port; Malformed and
	// Ignored are the parts of it that were not processed.
	Rx        uint64
	Malformed uint64 // dropped: failed the strict decode
	// Ignored: not a member port, TLV disabled, port down, feature
	// disabled, or our own LLDPDU looped back.
	Ignored uint64
	// InvalidMACs: multicast/broadcast/zero MACs skipped inside good TLVs.
	InvalidMACs uint64
	// NeighborsRefused: LLDPDUs from a new neighbour beyond
	// MaxNeighborsPerPort.
	NeighborsRefused uint64
	TxErrors         uint64 // frames that could not be encoded (never expected)
}

// Receive processes a frame received on port. It is counted in every case;
// it is processed only on an oper-up member port of the peer-domain link
// with the TLV enabled, while the feature is enabled (elsewhere: Ignored,
// nil error). A malformed frame is dropped, counted and returned as an
// error wrapping the *DecodeError. A TTL-0 LLDPDU removes the neighbour; any
// other replaces its MAC set (no proxy-gateway TLV = no MACs) and restarts
// its TTL. A new neighbour gets our LLDPDU at once (rate-limited), like
// 802.1AB fast start, so both ends learn quickly after a link comes up even
// when one side's port-up event lost the race against the first frame.
func (a *Agent) Receive(port string, frame []byte, now time.Time) error {
	p := a.port(port)
	p.counters.Rx++
	if !p.active {
		p.counters.Ignored++
		return nil
	}
	pdu, err := Decode(frame)
	if err != nil {
		p.counters.Malformed++
		return fmt.Errorf("lldp: port %s: LLDPDU dropped: %w", port, err)
	}
	p.counters.InvalidMACs += uint64(pdu.SkippedMACs)
	sys := a.cfg.SystemMAC
	if pdu.ChassisID.Subtype == ChassisSubtypeMAC && pdu.ChassisID.ID == string(sys[:]) {
		p.counters.Ignored++ // our own frame, looped back
		return nil
	}
	key := neighborKey{port: port, chassis: pdu.ChassisID, portID: pdu.PortID}
	n := a.neighbors[key]
	if pdu.TTL == 0 {
		if n != nil {
			a.removeNeighbor(key)
			a.relearn(now)
			a.version++
		}
		return nil
	}
	if n == nil {
		if p.neighbors >= MaxNeighborsPerPort {
			p.counters.NeighborsRefused++
			return fmt.Errorf("lldp: port %s: neighbour %s/%s not added: %w (%d)",
				port, pdu.ChassisID, pdu.PortID, ErrTooManyNeighbors, MaxNeighborsPerPort)
		}
		n = &neighbor{}
		a.neighbors[key] = n
		p.neighbors++
		a.requestTx(p, now)
	}
	n.sysName, n.ttl, n.lastRx = pdu.SystemName, pdu.TTL, now
	n.expires = now.Add(time.Duration(pdu.TTL) * time.Second)
	macs := normalizeMACs(pdu.MACs)
	if !slices.Equal(macs, n.macs) {
		n.macs = macs
		a.relearn(now)
	}
	a.version++
	return nil
}

// expire removes neighbours whose TTL has run out at now.
func (a *Agent) expire(now time.Time) {
	removed := false
	for k, n := range a.neighbors {
		if !now.Before(n.expires) {
			a.removeNeighbor(k)
			removed = true
		}
	}
	if removed {
		a.relearn(now)
		a.version++
	}
}

// dropPortNeighbors removes every neighbour learned on port and reports
// whether there was any. The caller re-evaluates the learned set.
func (a *Agent) dropPortNeighbors(port string) bool {
	removed := false
	for k := range a.neighbors {
		if k.port == port {
			a.removeNeighbor(k)
			removed = true
		}
	}
	return removed
}

func (a *Agent) removeNeighbor(k neighborKey) {
	delete(a.neighbors, k)
	if p := a.ports[k.port]; p != nil && p.neighbors > 0 {
		p.neighbors--
	}
}

// normalizeMACs sorts and deduplicates in place (the slice is the decoder's
// fresh one, owned by us). Nil for none, so slices.Equal is cheap.
func normalizeMACs(ms []MAC) []MAC {
	if len(ms) == 0 {
		return nil
	}
	slices.SortFunc(ms, compareMAC)
	return slices.Compact(ms)
}
