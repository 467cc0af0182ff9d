package orchagent

import (
	"net"
	"net/netip"
)

// PortInfo describes a port (EthernetN) or LAG (PortChannelN).
type PortInfo struct {
	Name   string
	ID     uint64 // PORT or LAG object
	Lag    bool
	OperUp bool
	// LagName is the LAG a port is a member of ("" if none).
	LagName string
	// Members are a LAG's member ports.
	Members []string
}

// PortView is PortsOrch as other orchs see it.
type PortView interface {
	Port(name string) (PortInfo, bool)
	// PortByID finds a port or LAG by its object id.
	PortByID(id uint64) (PortInfo, bool)
}

// VlanInfo describes a VLAN.
type VlanInfo struct {
	Name    string
	VlanID  uint16
	ID      uint64   // VLAN object
	Members []string // ports and LAGs, sorted
}

// VlanView is VlanOrch as other orchs see it.
type VlanView interface {
	Vlan(name string) (VlanInfo, bool)
	// BridgePort is the bridge port of a port or LAG (it exists while the
	// port is a member of some VLAN).
	BridgePort(port string) (uint64, bool)
	// UseBridgePort records that user (e.g. "VLT peer link isolation")
	// references the port's bridge port, which then outlives the port's
	// last VLAN membership until ReleaseBridgePort; false when the port
	// has no bridge port.
	UseBridgePort(port, user string) bool
	ReleaseBridgePort(port, user string)
}

// RouterInterfaceInfo describes a router interface.
type RouterInterfaceInfo struct {
	Name      string
	RIF       uint64
	VlanID    uint16 // VLAN interfaces
	MAC       net.HardwareAddr
	Addresses []netip.Prefix
}

// IntfView is IntfsOrch as other orchs see it.
type IntfView interface {
	RouterInterface(name string) (RouterInterfaceInfo, bool)
	// L3Vlans lists the VLAN numbers that have a router interface, sorted.
	L3Vlans() []uint16
}

// NeighView is NeighOrch as other orchs see it.
type NeighView interface {
	// NextHop is the next hop object of the neighbour ip on ifname.
	NextHop(ifname string, ip netip.Addr) (uint64, bool)
}
