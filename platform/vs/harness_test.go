package vs

import (
	"fmt"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// fakeClock is an injectable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const testMAC = "02:00:00:00:00:01"

// testConfig is a switch with n unwired ports Ethernet0, Ethernet4, ...
func testConfig(n int) *Config {
	c := &Config{SwitchMAC: testMAC}
	for i := 0; i < n; i++ {
		c.Ports = append(c.Ports, PortConfig{Name: fmt.Sprintf("Ethernet%d", 4*i), Lanes: []uint32{uint32(4 * i)}})
	}
	return c
}

// tsw is a switch under test with object-building helpers that fail the
// test on any refusal.
type tsw struct {
	t     testing.TB
	sw    *Switch
	clock *fakeClock
	vr    uint64
	cpu   uint64
}

func newTestSwitch(t *testing.T, cfg *Config) *tsw {
	t.Helper()
	clock := newFakeClock()
	sw, err := New(cfg, Options{Logger: zerolog.Nop(), Now: clock.Now, AgingInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close() })
	ts := &tsw{t: t, sw: sw, clock: clock}
	attrs := ts.get(oidKey(tSwitch, sw.SwitchID()))
	for _, a := range attrs {
		switch a.GetId() {
		case "SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID":
			ts.vr = a.GetOid()
		case "SAI_SWITCH_ATTR_CPU_PORT":
			ts.cpu = a.GetOid()
		}
	}
	return ts
}

func (ts *tsw) get(k *halv1.ObjectKey, ids ...string) []*halv1.Attribute {
	ts.t.Helper()
	r := ts.sw.Get(k, ids...)
	if r.GetStatus() != halv1.Status_STATUS_SUCCESS {
		ts.t.Fatalf("get %v: %s %s", k, sai.StatusName(r.GetStatus()), r.GetMessage())
	}
	return r.GetAttrs()
}

// Attribute shorthands by SAI name.
func aBool(id string, v bool) *halv1.Attribute  { return attrBool(id, v) }
func aU32(id string, v uint32) *halv1.Attribute { return attrU32(id, v) }
func aOID(id string, v uint64) *halv1.Attribute { return attrOID(id, v) }
func aEnum(id, v string) *halv1.Attribute       { return attrEnum(id, v) }
func aMAC(id, mac string) *halv1.Attribute {
	m, err := net.ParseMAC(mac)
	if err != nil {
		panic(err)
	}
	return &halv1.Attribute{Id: id, Value: &halv1.Attribute_Mac{Mac: m}}
}
func aIP(id, ip string) *halv1.Attribute {
	return &halv1.Attribute{Id: id, Value: &halv1.Attribute_Ip{Ip: netip.MustParseAddr(ip).AsSlice()}}
}

func createOp(t halv1.ObjectType, attrs ...*halv1.Attribute) *halv1.Op {
	return &halv1.Op{Kind: halv1.Op_KIND_CREATE, Key: &halv1.ObjectKey{Type: t}, Attrs: attrs}
}

func createEntryOp(k *halv1.ObjectKey, attrs ...*halv1.Attribute) *halv1.Op {
	return &halv1.Op{Kind: halv1.Op_KIND_CREATE, Key: k, Attrs: attrs}
}

func removeOp(k *halv1.ObjectKey) *halv1.Op { return &halv1.Op{Kind: halv1.Op_KIND_REMOVE, Key: k} }

func setOp(k *halv1.ObjectKey, attrs ...*halv1.Attribute) *halv1.Op {
	return &halv1.Op{Kind: halv1.Op_KIND_SET, Key: k, Attrs: attrs}
}

// do runs one op and returns its result.
func (ts *tsw) do(op *halv1.Op) *halv1.Result {
	return ts.sw.Write(&halv1.WriteRequest{Ops: []*halv1.Op{op}}).GetResults()[0]
}

// must runs one op that must succeed and returns the oid it allocated.
func (ts *tsw) must(op *halv1.Op) uint64 {
	ts.t.Helper()
	r := ts.do(op)
	if r.GetStatus() != halv1.Status_STATUS_SUCCESS {
		ts.t.Fatalf("%s: %s: %s", opName(op), sai.StatusName(r.GetStatus()), r.GetMessage())
	}
	return r.GetOid()
}

func (ts *tsw) create(t halv1.ObjectType, attrs ...*halv1.Attribute) uint64 {
	ts.t.Helper()
	return ts.must(createOp(t, attrs...))
}

func (ts *tsw) port(name string) uint64 {
	ts.t.Helper()
	oid, err := ts.sw.PortOID(name)
	if err != nil {
		ts.t.Fatal(err)
	}
	return oid
}

// up sets ports admin up (they are oper-up at once on unwired ports).
func (ts *tsw) up(names ...string) {
	ts.t.Helper()
	for _, n := range names {
		ts.must(setOp(oidKey(tPort, ts.port(n)), aBool("SAI_PORT_ATTR_ADMIN_STATE", true)))
	}
}

// bridgePort creates an admin-up bridge port on a port or LAG.
func (ts *tsw) bridgePort(ifOID uint64) uint64 {
	ts.t.Helper()
	return ts.create(tBridgePt, aEnum("SAI_BRIDGE_PORT_ATTR_TYPE", bpTypePort), aOID("SAI_BRIDGE_PORT_ATTR_PORT_ID", ifOID),
		aBool("SAI_BRIDGE_PORT_ATTR_ADMIN_STATE", true))
}

func (ts *tsw) vlan(vid uint32) uint64 {
	ts.t.Helper()
	return ts.create(tVLAN, aU32("SAI_VLAN_ATTR_VLAN_ID", vid))
}

func (ts *tsw) member(vlanOID, bp uint64, tagged bool) uint64 {
	ts.t.Helper()
	mode := tagUntagged
	if tagged {
		mode = tagTagged
	}
	return ts.create(tVLANMem, aOID("SAI_VLAN_MEMBER_ATTR_VLAN_ID", vlanOID), aOID("SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID", bp),
		aEnum("SAI_VLAN_MEMBER_ATTR_VLAN_TAGGING_MODE", mode))
}

// access puts a port into a VLAN untagged with PVID = vid; returns the
// bridge port.
func (ts *tsw) access(name string, vlanOID uint64, vid uint32) uint64 {
	ts.t.Helper()
	bp := ts.bridgePort(ts.port(name))
	ts.member(vlanOID, bp, false)
	ts.must(setOp(oidKey(tPort, ts.port(name)), aU32("SAI_PORT_ATTR_PORT_VLAN_ID", vid)))
	return bp
}

// lag makes a LAG of ports; returns the LAG oid.
func (ts *tsw) lag(names ...string) uint64 {
	ts.t.Helper()
	l := ts.create(tLAG)
	for _, n := range names {
		ts.create(tLAGMember, aOID("SAI_LAG_MEMBER_ATTR_LAG_ID", l), aOID("SAI_LAG_MEMBER_ATTR_PORT_ID", ts.port(n)))
	}
	return l
}

// vlanRIF creates a VLAN router interface (mac "" = the switch MAC).
func (ts *tsw) vlanRIF(vlanOID uint64, mac string) uint64 {
	ts.t.Helper()
	attrs := []*halv1.Attribute{aOID("SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID", ts.vr),
		aEnum("SAI_ROUTER_INTERFACE_ATTR_TYPE", rifTypeVLAN), aOID("SAI_ROUTER_INTERFACE_ATTR_VLAN_ID", vlanOID)}
	if mac != "" {
		attrs = append(attrs, aMAC("SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS", mac))
	}
	return ts.create(tRIF, attrs...)
}

func (ts *tsw) portRIF(ifOID uint64, mac string) uint64 {
	ts.t.Helper()
	attrs := []*halv1.Attribute{aOID("SAI_ROUTER_INTERFACE_ATTR_VIRTUAL_ROUTER_ID", ts.vr),
		aEnum("SAI_ROUTER_INTERFACE_ATTR_TYPE", rifTypePort), aOID("SAI_ROUTER_INTERFACE_ATTR_PORT_ID", ifOID)}
	if mac != "" {
		attrs = append(attrs, aMAC("SAI_ROUTER_INTERFACE_ATTR_SRC_MAC_ADDRESS", mac))
	}
	return ts.create(tRIF, attrs...)
}

func neighKeyOf(rifOID uint64, ip string) *halv1.ObjectKey {
	return &halv1.ObjectKey{Type: tNeighbor, Key: &halv1.ObjectKey_NeighborEntry{NeighborEntry: &halv1.NeighborEntry{
		RifId: rifOID, IpAddress: netip.MustParseAddr(ip).AsSlice()}}}
}

func (ts *tsw) neighbor(rifOID uint64, ip, mac string) {
	ts.t.Helper()
	ts.must(createEntryOp(neighKeyOf(rifOID, ip), aMAC("SAI_NEIGHBOR_ENTRY_ATTR_DST_MAC_ADDRESS", mac)))
}

func (ts *tsw) nextHop(rifOID uint64, ip string) uint64 {
	ts.t.Helper()
	return ts.create(tNextHop, aEnum("SAI_NEXT_HOP_ATTR_TYPE", "SAI_NEXT_HOP_TYPE_IP"), aIP("SAI_NEXT_HOP_ATTR_IP", ip),
		aOID("SAI_NEXT_HOP_ATTR_ROUTER_INTERFACE_ID", rifOID))
}

func routeKeyOf(vr uint64, prefix string) *halv1.ObjectKey {
	p := netip.MustParsePrefix(prefix)
	return &halv1.ObjectKey{Type: tRoute, Key: &halv1.ObjectKey_RouteEntry{RouteEntry: &halv1.RouteEntry{
		VrId: vr, Destination: &halv1.IpPrefix{Addr: p.Addr().AsSlice(), PrefixLen: uint32(p.Bits())}}}}
}

func (ts *tsw) route(prefix string, attrs ...*halv1.Attribute) {
	ts.t.Helper()
	ts.must(createEntryOp(routeKeyOf(ts.vr, prefix), attrs...))
}

func fdbKeyOf(vlanOID uint64, mac string) *halv1.ObjectKey {
	m, _ := net.ParseMAC(mac)
	return &halv1.ObjectKey{Type: tFDB, Key: &halv1.ObjectKey_FdbEntry{FdbEntry: &halv1.FdbEntry{BvId: vlanOID, Mac: m}}}
}

func (ts *tsw) myMAC(mac string, vid uint32, extra ...*halv1.Attribute) uint64 {
	ts.t.Helper()
	return ts.create(tMyMAC, append([]*halv1.Attribute{aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", mac),
		aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK", "ff:ff:ff:ff:ff:ff"), aU32("SAI_MY_MAC_ATTR_VLAN_ID", vid)}, extra...)...)
}

func (ts *tsw) trap(trapType, action string) uint64 {
	ts.t.Helper()
	return ts.create(tTrap, aEnum("SAI_HOSTIF_TRAP_ATTR_TRAP_TYPE", trapType), aEnum("SAI_HOSTIF_TRAP_ATTR_PACKET_ACTION", action))
}

// inject sends a frame into a port and fails on refusal.
func (ts *tsw) inject(port string, frame []byte) {
	ts.t.Helper()
	if err := ts.sw.Inject(port, frame); err != nil {
		ts.t.Fatal(err)
	}
}

// out returns (and clears) the frames captured per port.
func (ts *tsw) out() map[string][][]byte {
	ts.t.Helper()
	frames, err := ts.sw.Captured("", true)
	if err != nil {
		ts.t.Fatal(err)
	}
	m := map[string][][]byte{}
	for _, f := range frames {
		m[f.Port] = append(m[f.Port], f.Frame)
	}
	return m
}

// --- frames built with gopacket ----------------------------------------------

func mustMAC(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

func serialize(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		panic(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// ether builds Ethernet (+ 802.1Q when vid > 0) headers for a payload of etype.
func ether(dst, src string, vid uint16, etype layers.EthernetType) []gopacket.SerializableLayer {
	eth := &layers.Ethernet{DstMAC: mustMAC(dst), SrcMAC: mustMAC(src), EthernetType: etype}
	if vid == 0 {
		return []gopacket.SerializableLayer{eth}
	}
	eth.EthernetType = layers.EthernetTypeDot1Q
	return []gopacket.SerializableLayer{eth, &layers.Dot1Q{VLANIdentifier: vid, Type: etype}}
}

// l2Frame is an Ethernet frame with an opaque payload (EtherType 0x88b5).
func l2Frame(dst, src string, vid uint16) []byte {
	ls := ether(dst, src, vid, layers.EthernetType(0x88b5))
	return serialize(append(ls, gopacket.Payload([]byte("vltgw test payload 0123456789")))...)
}

func ipv4Frame(dst, src string, vid uint16, srcIP, dstIP string, ttl uint8) []byte {
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: ttl, Protocol: layers.IPProtocolUDP,
		SrcIP: net.ParseIP(srcIP).To4(), DstIP: net.ParseIP(dstIP).To4()}
	udp := &layers.UDP{SrcPort: 4000, DstPort: 5000}
	_ = udp.SetNetworkLayerForChecksum(ip)
	ls := ether(dst, src, vid, layers.EthernetTypeIPv4)
	return serialize(append(ls, ip, udp, gopacket.Payload([]byte("routed")))...)
}

func ipv6Frame(dst, src string, vid uint16, srcIP, dstIP string, hop uint8) []byte {
	ip := &layers.IPv6{Version: 6, HopLimit: hop, NextHeader: layers.IPProtocolUDP,
		SrcIP: net.ParseIP(srcIP), DstIP: net.ParseIP(dstIP)}
	udp := &layers.UDP{SrcPort: 4000, DstPort: 5000}
	_ = udp.SetNetworkLayerForChecksum(ip)
	ls := ether(dst, src, vid, layers.EthernetTypeIPv6)
	return serialize(append(ls, ip, udp, gopacket.Payload([]byte("routed6")))...)
}

func lldpFrame(src string) []byte {
	eth := &layers.Ethernet{DstMAC: mustMAC("01:80:c2:00:00:0e"), SrcMAC: mustMAC(src), EthernetType: layers.EthernetTypeLinkLayerDiscovery}
	lldp := &layers.LinkLayerDiscovery{
		ChassisID: layers.LLDPChassisID{Subtype: layers.LLDPChassisIDSubTypeMACAddr, ID: mustMAC(src)},
		PortID:    layers.LLDPPortID{Subtype: layers.LLDPPortIDSubtypeIfaceName, ID: []byte("Ethernet0")},
		TTL:       120,
	}
	return serialize(eth, lldp)
}

// decode parses a frame with gopacket.
func decode(b []byte) gopacket.Packet {
	return gopacket.NewPacket(b, layers.LayerTypeEthernet, gopacket.Default)
}

type carrierRec struct {
	recHandler
	carrier chan bool
}

func (h *carrierRec) Carrier(up bool) {
	select {
	case h.carrier <- up:
	default:
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func waitCarrier(t *testing.T, ch chan bool, want bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case c := <-ch:
			if c == want {
				return
			}
		case <-deadline:
			t.Fatalf("carrier never went %v", want)
		}
	}
}
