package vs

import "sync/atomic"

// stage is a pipeline counter.
type stage int

// Pipeline stages and drop reasons; names are the keys of the control
// service's Counters.stages map.
const (
	stBridged stage = iota
	stFlooded
	stRouted
	stRoutedMyMAC
	stTrapped
	stCopied
	stLearned
	stMoved
	stAged
	stFlushed
	stPuntNoListener
	stDropVLAN
	stDropTTL
	stDropNoRoute
	stDropNoNeighbor
	stDropIsolation
	stDropLLDP
	stDropReserved
	stDropPortDown
	stDropBadFrame
	stDropOversize
	stDropFDBAction
	stDropSamePort
	stDropNoBridgePort
	stDropBridgePortDown
	stDropLAGNoMember
	stDropTrapAction
	stDropNeighborAction
	stDropL3Disabled
	stDropFDBFull
	stDropNonIP
	stDropNHGroupEmpty
	numStages
)

var stageNames = [numStages]string{
	stBridged:            "bridged",
	stFlooded:            "flooded",
	stRouted:             "routed",
	stRoutedMyMAC:        "routed_my_mac",
	stTrapped:            "trapped",
	stCopied:             "copied_to_cpu",
	stLearned:            "fdb_learned",
	stMoved:              "fdb_moved",
	stAged:               "fdb_aged",
	stFlushed:            "fdb_flushed",
	stPuntNoListener:     "punt_no_listener",
	stDropVLAN:           "dropped_vlan",
	stDropTTL:            "dropped_ttl",
	stDropNoRoute:        "dropped_no_route",
	stDropNoNeighbor:     "dropped_no_neighbor",
	stDropIsolation:      "dropped_isolation",
	stDropLLDP:           "dropped_lldp",
	stDropReserved:       "dropped_reserved_mac",
	stDropPortDown:       "dropped_port_down",
	stDropBadFrame:       "dropped_bad_frame",
	stDropOversize:       "dropped_oversize",
	stDropFDBAction:      "dropped_fdb_action",
	stDropSamePort:       "dropped_same_port",
	stDropNoBridgePort:   "dropped_no_bridge_port",
	stDropBridgePortDown: "dropped_bridge_port_down",
	stDropLAGNoMember:    "dropped_lag_no_member",
	stDropTrapAction:     "dropped_trap_action",
	stDropNeighborAction: "dropped_neighbor_action",
	stDropL3Disabled:     "dropped_l3_disabled",
	stDropFDBFull:        "fdb_learn_table_full",
	stDropNonIP:          "dropped_non_ip",
	stDropNHGroupEmpty:   "dropped_next_hop_group_empty",
}

func (s stage) String() string { return stageNames[s] }

type stageCounters [numStages]atomic.Uint64

func (c *stageCounters) inc(s stage) { c[s].Add(1) }

func (c *stageCounters) snapshot() map[string]uint64 {
	m := make(map[string]uint64, numStages)
	for i := range c {
		m[stageNames[i]] = c[i].Load()
	}
	return m
}

// portCounters are one port's frame counters.
type portCounters struct {
	rxFrames, rxOctets, rxUcast, rxNonUcast, rxDropped, rxErrors atomic.Uint64
	txFrames, txOctets, txUcast, txNonUcast, txDropped           atomic.Uint64
}

func (c *portCounters) rx(frame []byte) {
	c.rxFrames.Add(1)
	c.rxOctets.Add(uint64(len(frame)))
	if len(frame) > 0 && frame[0]&1 != 0 {
		c.rxNonUcast.Add(1)
	} else {
		c.rxUcast.Add(1)
	}
}

func (c *portCounters) tx(frame []byte) {
	c.txFrames.Add(1)
	c.txOctets.Add(uint64(len(frame)))
	if len(frame) > 0 && frame[0]&1 != 0 {
		c.txNonUcast.Add(1)
	} else {
		c.txUcast.Add(1)
	}
}

// SAI port statistics served by GetStats.
var portStatNames = []string{
	"SAI_PORT_STAT_IF_IN_OCTETS",
	"SAI_PORT_STAT_IF_IN_UCAST_PKTS",
	"SAI_PORT_STAT_IF_IN_NON_UCAST_PKTS",
	"SAI_PORT_STAT_IF_IN_DISCARDS",
	"SAI_PORT_STAT_IF_IN_ERRORS",
	"SAI_PORT_STAT_IF_OUT_OCTETS",
	"SAI_PORT_STAT_IF_OUT_UCAST_PKTS",
	"SAI_PORT_STAT_IF_OUT_NON_UCAST_PKTS",
	"SAI_PORT_STAT_IF_OUT_DISCARDS",
}

func (c *portCounters) stat(name string) (uint64, bool) {
	switch name {
	case "SAI_PORT_STAT_IF_IN_OCTETS":
		return c.rxOctets.Load(), true
	case "SAI_PORT_STAT_IF_IN_UCAST_PKTS":
		return c.rxUcast.Load(), true
	case "SAI_PORT_STAT_IF_IN_NON_UCAST_PKTS":
		return c.rxNonUcast.Load(), true
	case "SAI_PORT_STAT_IF_IN_DISCARDS":
		return c.rxDropped.Load(), true
	case "SAI_PORT_STAT_IF_IN_ERRORS":
		return c.rxErrors.Load(), true
	case "SAI_PORT_STAT_IF_OUT_OCTETS":
		return c.txOctets.Load(), true
	case "SAI_PORT_STAT_IF_OUT_UCAST_PKTS":
		return c.txUcast.Load(), true
	case "SAI_PORT_STAT_IF_OUT_NON_UCAST_PKTS":
		return c.txNonUcast.Load(), true
	case "SAI_PORT_STAT_IF_OUT_DISCARDS":
		return c.txDropped.Load(), true
	}
	return 0, false
}
