package orchagent

import "net"

// Events carries what one orch did to the others that care, synchronously
// on the event loop. A subscriber may queue ASIC ops from its callback:
// they go into the same flush, after the ops the publisher queued before
// the event and before those it queues after. Publishers announce an
// object right after queuing its create, and its going away right before
// queuing its remove, so a subscriber can add or drop its own references
// (an isolation group member naming a bridge port) in a valid order. When
// a create is refused by syncd the publisher announces the removal too.
type Events struct {
	bridgePort []func(BridgePortEvent)
	rif        []func(RouterInterfaceEvent)
	oper       []func(OperStatusEvent)
	vlan       []func(VlanEvent)
}

// BridgePortEvent: the bridge port of a port or LAG was created (Added) or
// is about to be removed.
type BridgePortEvent struct {
	Port       string // EthernetN or PortChannelN
	PortID     uint64 // the port/LAG object
	BridgePort uint64
	Added      bool
}

// RouterInterfaceEvent: a router interface was created (Added) or is about
// to be removed. For a VLAN interface VlanID is the VLAN number: the set of
// such VLANs is the proxy gateway's "L3 VLANs".
type RouterInterfaceEvent struct {
	Name   string // VlanN, EthernetN, PortChannelN
	RIF    uint64
	VlanID uint16 // 0 for a port/LAG interface
	MAC    net.HardwareAddr
	Added  bool
}

// OperStatusEvent: the oper status of a port or LAG changed.
type OperStatusEvent struct {
	Name string
	Lag  bool
	Up   bool
}

// VlanEvent: a VLAN was created (Added) or is about to be removed.
type VlanEvent struct {
	Name   string
	VlanID uint16
	VLAN   uint64
	Added  bool
}

// OnBridgePort subscribes to bridge port changes.
func (e *Events) OnBridgePort(fn func(BridgePortEvent)) { e.bridgePort = append(e.bridgePort, fn) }

// OnRouterInterface subscribes to router interface changes.
func (e *Events) OnRouterInterface(fn func(RouterInterfaceEvent)) { e.rif = append(e.rif, fn) }

// OnOperStatus subscribes to port and LAG oper status changes.
func (e *Events) OnOperStatus(fn func(OperStatusEvent)) { e.oper = append(e.oper, fn) }

// OnVlan subscribes to VLAN changes.
func (e *Events) OnVlan(fn func(VlanEvent)) { e.vlan = append(e.vlan, fn) }

func (e *Events) emitBridgePort(ev BridgePortEvent) {
	for _, fn := range e.bridgePort {
		fn(ev)
	}
}

func (e *Events) emitRouterInterface(ev RouterInterfaceEvent) {
	for _, fn := range e.rif {
		fn(ev)
	}
}

func (e *Events) emitOperStatus(ev OperStatusEvent) {
	for _, fn := range e.oper {
		fn(ev)
	}
}

func (e *Events) emitVlan(ev VlanEvent) {
	for _, fn := range e.vlan {
		fn(ev)
	}
}
