package lldp

// Why our own codec and not gopacket/layers.LinkLayerDiscovery:
//   - strictness: gopacket accepts LLDPDUs with the mandatory TLVs out of
//     order, repeated, or without an End TLV, and does not validate the
//     per-subtype ID lengths; spec §5 wants those dropped and counted;
//   - error reporting: we need "what and where" (frame offset, TLV type) for
//     the malformed counter and the log, gopacket returns generic errors;
//   - cost: gopacket builds a packet with layer objects and copies every TLV;
//     this decoder walks the frame once and allocates only the result.
// gopacket is still used by the tests as an independent second decoder.

const (
	// EtherType is the LLDP EtherType (802.1AB).
	EtherType = 0x88CC
	// MaxProxyGatewayMACs is the most MACs one proxy-gateway TLV may carry.
	MaxProxyGatewayMACs = 16
	// ProxyGatewaySubtype is the organisationally defined subtype of our TLV.
	ProxyGatewaySubtype = 1
	// minFrameLen is the minimum Ethernet frame length without FCS; shorter
	// frames are zero-padded so that every PHY/transport carries them as is.
	minFrameLen  = 60
	ethHeaderLen = 14
	// maxTLVLen is what a 9-bit TLV length field can express.
	maxTLVLen = 511
)

// ProxyGatewayOUI is the OUI of the proxy-gateway TLV (Dell/Force10).
var ProxyGatewayOUI = [3]byte{0x00, 0x01, 0xE8}

// NearestBridge is the destination of every LLDPDU we send (802.1AB nearest
// bridge group address). The decoder also accepts the two other 802.1AB
// LLDP group addresses.
var NearestBridge = MAC{0x01, 0x80, 0xC2, 0x00, 0x00, 0x0E}

var (
	nearestNonTPMR  = MAC{0x01, 0x80, 0xC2, 0x00, 0x00, 0x03}
	nearestCustomer = MAC{0x01, 0x80, 0xC2, 0x00, 0x00, 0x00}
)

// TLV types (802.1AB-2016 table 8-1).
const (
	tlvEnd         = 0
	tlvChassisID   = 1
	tlvPortID      = 2
	tlvTTL         = 3
	tlvPortDesc    = 4
	tlvSystemName  = 5
	tlvSystemDesc  = 6
	tlvSystemCaps  = 7
	tlvMgmtAddress = 8
	tlvOrgSpecific = 127
)

// Chassis ID subtypes (802.1AB-2016 table 8-2) we treat specially.
const (
	ChassisSubtypeMAC           = 4
	ChassisSubtypeNetworkAddr   = 5
	ChassisSubtypeInterfaceName = 6
	ChassisSubtypeLocal         = 7
)

// Port ID subtypes (802.1AB-2016 table 8-3) we treat specially.
const (
	PortSubtypeMAC           = 3
	PortSubtypeNetworkAddr   = 4
	PortSubtypeInterfaceName = 5
	PortSubtypeLocal         = 7
)

// PDU is one LLDPDU in an Ethernet frame, reduced to what the proxy gateway
// uses. Encode builds a frame from it; Decode fills it from a frame.
type PDU struct {
	// Src is the Ethernet source address (unicast, non-zero).
	Src MAC
	// ChassisID and PortID identify the sender (mandatory TLVs 1 and 2).
	ChassisID ChassisID
	PortID    PortID
	// TTL in seconds; 0 is a shutdown LLDPDU.
	TTL uint16
	// SystemName is the System Name TLV; "" means none is sent.
	SystemName string
	// MACs are the proxy-gateway MACs. On encode, no TLV is emitted when
	// empty. On decode, only usable (unicast, non-zero) MACs are kept, in
	// frame order; the others are counted in SkippedMACs.
	MACs []MAC
	// SkippedMACs counts MACs of a well-formed proxy-gateway TLV that the
	// decoder dropped as unusable (multicast, broadcast, all-zero).
	// Ignored by Encode.
	SkippedMACs int
}

// ChassisID is the Chassis ID TLV: a subtype and the raw ID octets (kept in
// a string so the type is comparable and can key the neighbour table).
type ChassisID struct {
	Subtype uint8
	ID      string
}

// PortID is the Port ID TLV: a subtype and the raw ID octets.
type PortID struct {
	Subtype uint8
	ID      string
}

// ChassisMAC is the Chassis ID we send: subtype MAC address.
func ChassisMAC(m MAC) ChassisID { return ChassisID{Subtype: ChassisSubtypeMAC, ID: string(m[:])} }

// PortName is the Port ID we send: subtype interface name (e.g. "Ethernet8").
func PortName(name string) PortID { return PortID{Subtype: PortSubtypeInterfaceName, ID: name} }

// String renders the ID for STATE_DB and logs: a MAC as aa:bb:..., a network
// address as an IP, printable text as is, anything else as hex.
func (c ChassisID) String() string {
	return formatID(c.Subtype, c.ID, ChassisSubtypeMAC, ChassisSubtypeNetworkAddr)
}

// String renders the ID like ChassisID.String.
func (p PortID) String() string {
	return formatID(p.Subtype, p.ID, PortSubtypeMAC, PortSubtypeNetworkAddr)
}
