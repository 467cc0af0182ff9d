package lldp

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// Read-only views of the Agent for STATE_DB (spec §6) and the show
// command. Each returns fresh copies in a deterministic order.

// Neighbor is one row of VLT_PROXY_GW_NEIGHBOR_TABLE.
type Neighbor struct {
	LocalPort  string
	ChassisID  ChassisID
	PortID     PortID
	SystemName string
	TTL        uint16
	LastRx     time.Time
	ExpiresIn  time.Duration
	// MACs it advertises (usable ones, sorted), before our own and the
	// VLT peer's MACs are filtered out.
	MACs []MAC
}

// Neighbors lists the neighbour table, by local port, chassis and port ID.
func (a *Agent) Neighbors(now time.Time) []Neighbor {
	out := make([]Neighbor, 0, len(a.neighbors))
	for k, n := range a.neighbors {
		out = append(out, Neighbor{
			LocalPort: k.port, ChassisID: k.chassis, PortID: k.portID, SystemName: n.sysName,
			TTL: n.ttl, LastRx: n.lastRx, ExpiresIn: n.expires.Sub(now), MACs: slices.Clone(n.macs),
		})
	}
	slices.SortFunc(out, func(x, y Neighbor) int {
		return cmp.Or(cmp.Compare(x.LocalPort, y.LocalPort),
			cmp.Compare(x.ChassisID.Subtype, y.ChassisID.Subtype), cmp.Compare(x.ChassisID.ID, y.ChassisID.ID),
			cmp.Compare(x.PortID.Subtype, y.PortID.Subtype), cmp.Compare(x.PortID.ID, y.PortID.ID))
	})
	return out
}

// Counters returns the counters of every port the agent has heard of.
func (a *Agent) Counters() map[string]PortCounters {
	out := make(map[string]PortCounters, len(a.ports))
	for name, p := range a.ports {
		out[name] = p.counters
	}
	return out
}

// RemoteMAC is a learned or refused MAC with where it comes from: one row
// of VLT_PROXY_GW_REMOTE_MAC_TABLE (source lldp).
type RemoteMAC struct {
	MAC       MAC
	LearnedOn []string // local ports, sorted
	Neighbors []string // chassis IDs as text, sorted
	// ExpiresIn: until the last neighbour advertising it ages out.
	ExpiresIn time.Duration
	// RefusedSince: when the cap first refused it (refused MACs only).
	RefusedSince time.Time
}

// Learned lists the learned MACs by MAC.
func (a *Agent) Learned(now time.Time) []RemoteMAC {
	return a.remoteMACs(slices.Collect(maps.Keys(a.learned)), now)
}

// Refused lists the MACs refused by the 64-per-domain cap, by MAC.
func (a *Agent) Refused(now time.Time) []RemoteMAC {
	out := a.remoteMACs(slices.Collect(maps.Keys(a.refused)), now)
	for i := range out {
		out[i].RefusedSince = a.refused[out[i].MAC]
	}
	return out
}

func (a *Agent) remoteMACs(macs []MAC, now time.Time) []RemoteMAC {
	slices.SortFunc(macs, compareMAC)
	out := make([]RemoteMAC, len(macs))
	for i, m := range macs {
		out[i].MAC = m
		var last time.Time
		for k, n := range a.neighbors {
			if _, ok := slices.BinarySearchFunc(n.macs, m, compareMAC); !ok {
				continue
			}
			out[i].LearnedOn = append(out[i].LearnedOn, k.port)
			out[i].Neighbors = append(out[i].Neighbors, k.chassis.String())
			if n.expires.After(last) {
				last = n.expires
			}
		}
		out[i].LearnedOn = slices.Compact(slices.Sorted(slices.Values(out[i].LearnedOn)))
		out[i].Neighbors = slices.Compact(slices.Sorted(slices.Values(out[i].Neighbors)))
		out[i].ExpiresIn = last.Sub(now)
	}
	return out
}

// Advertised returns the MACs we advertise and the configured ones left
// out (unusable, or beyond the 16 a TLV carries).
func (a *Agent) Advertised() (macs, dropped []MAC) {
	return slices.Clone(a.adv), slices.Clone(a.advDrop)
}
