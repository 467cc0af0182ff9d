package vs

import (
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ecmpSwitch: Ethernet0 is the ingress (a port RIF), Ethernet4 and
// Ethernet8 lead to two next hops 10.1.0.2 and 10.2.0.2 (port RIFs with
// resolved neighbours), and a third next hop 10.3.0.2 on Ethernet12.
type ecmpSwitch struct {
	*tsw
	nhA, nhB, nhC uint64
}

const (
	macNHA = "00:00:00:00:0a:02"
	macNHB = "00:00:00:00:0b:02"
	macNHC = "00:00:00:00:0c:02"
	macIn  = "00:00:00:00:99:01"
)

func newECMPSwitch(t *testing.T, cfg *Config) *ecmpSwitch {
	ts := newTestSwitch(t, cfg)
	ts.up("Ethernet0", "Ethernet4", "Ethernet8", "Ethernet12")
	s := &ecmpSwitch{tsw: ts}
	ts.portRIF(ts.port("Ethernet0"), "")
	ra, rb, rc := ts.portRIF(ts.port("Ethernet4"), ""), ts.portRIF(ts.port("Ethernet8"), ""), ts.portRIF(ts.port("Ethernet12"), "")
	ts.neighbor(ra, "10.1.0.2", macNHA)
	ts.neighbor(rb, "10.2.0.2", macNHB)
	ts.neighbor(rc, "10.3.0.2", macNHC)
	s.nhA, s.nhB, s.nhC = ts.nextHop(ra, "10.1.0.2"), ts.nextHop(rb, "10.2.0.2"), ts.nextHop(rc, "10.3.0.2")
	return s
}

func (s *ecmpSwitch) group() uint64 {
	s.t.Helper()
	return s.create(tNHGroup, aEnum("SAI_NEXT_HOP_GROUP_ATTR_TYPE", sai.NextHopGroupTypeECMP))
}

func (s *ecmpSwitch) member(g, nh uint64, extra ...*halv1.Attribute) uint64 {
	s.t.Helper()
	return s.create(tNHGMember, append([]*halv1.Attribute{aOID("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID", g),
		aOID("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID", nh)}, extra...)...)
}

func nhgMemberOp(g, nh uint64) *halv1.Op {
	return createOp(tNHGMember, aOID("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID", g), aOID("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID", nh))
}

// TestNextHopGroupRules: one case per rule, in order (each builds on the
// state the previous ones left), with the exact status and a message
// naming what is wrong.
func TestNextHopGroupRules(t *testing.T) {
	cfg := testConfig(4)
	cfg.Capacity.NextHopGroup = 2
	s := newECMPSwitch(t, cfg)
	g := s.group()
	m1 := s.member(g, s.nhA)
	s.route("10.99.0.0/16", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", g))
	const (
		ok       = halv1.Status_STATUS_SUCCESS
		exists   = halv1.Status_STATUS_ITEM_ALREADY_EXISTS
		inUse    = halv1.Status_STATUS_OBJECT_IN_USE
		missing  = halv1.Status_STATUS_MANDATORY_ATTRIBUTE_MISSING
		badAttr  = halv1.Status_STATUS_INVALID_ATTRIBUTE
		badValue = halv1.Status_STATUS_INVALID_ATTR_VALUE
		badOID   = halv1.Status_STATUS_INVALID_OBJECT_ID
		full     = halv1.Status_STATUS_TABLE_FULL
	)
	var rifA uint64
	for _, a := range s.get(oidKey(tNextHop, s.nhA), "SAI_NEXT_HOP_ATTR_ROUTER_INTERFACE_ID") {
		rifA = a.GetOid()
	}
	steps := []struct {
		name string
		op   *halv1.Op
		want halv1.Status
		msg  string
	}{
		{"group without TYPE", createOp(tNHGroup), missing, "SAI_NEXT_HOP_GROUP_ATTR_TYPE"},
		{"group of a type the platform lacks", createOp(tNHGroup, aEnum("SAI_NEXT_HOP_GROUP_ATTR_TYPE", "SAI_NEXT_HOP_GROUP_TYPE_FINE_GRAIN_ECMP")), badValue, "FINE_GRAIN_ECMP"},
		{"group with its read-only count", createOp(tNHGroup, aEnum("SAI_NEXT_HOP_GROUP_ATTR_TYPE", sai.NextHopGroupTypeECMP),
			aU32("SAI_NEXT_HOP_GROUP_ATTR_NEXT_HOP_COUNT", 1)), badAttr, "read-only"},
		{"member of a group that does not exist", nhgMemberOp(rid(tNHGroup, 999999), s.nhB), badOID, "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID"},
		{"member with a next hop that does not exist", nhgMemberOp(g, rid(tNextHop, 999999)), badOID, "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID"},
		{"member whose next hop is a router interface", nhgMemberOp(g, rifA), badOID, "not a SAI_OBJECT_TYPE_NEXT_HOP"},
		{"member whose group is a next hop", nhgMemberOp(s.nhB, s.nhB), badOID, "not a SAI_OBJECT_TYPE_NEXT_HOP_GROUP"},
		{"member without its next hop", createOp(tNHGMember, aOID("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID", g)), missing, "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID"},
		{"the same next hop twice in a group", nhgMemberOp(g, s.nhA), exists, "already in group"},
		{"member with weight 0", createOp(tNHGMember, aOID("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID", g),
			aOID("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID", s.nhB), aU32("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT", 0)), badValue, "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT"},
		{"set a group's TYPE (create-only)", setOp(oidKey(tNHGroup, g), aEnum("SAI_NEXT_HOP_GROUP_ATTR_TYPE", sai.NextHopGroupTypeECMP)), badAttr, "create-only"},
		{"set a member's next hop (create-only)", setOp(oidKey(tNHGMember, m1), aOID("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID", s.nhB)), badAttr, "create-only"},
		{"set a member's weight", setOp(oidKey(tNHGMember, m1), aU32("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT", 2)), ok, ""},
		{"remove a group with members and a route", removeOp(oidKey(tNHGroup, g)), inUse, "referenced by 2 object(s)"},
		{"remove a next hop that is a member", removeOp(oidKey(tNextHop, s.nhA)), inUse, "referenced by"},
		{"remove the member", removeOp(oidKey(tNHGMember, m1)), ok, ""},
		{"remove a group a route uses", removeOp(oidKey(tNHGroup, g)), inUse, "referenced by 1 object(s)"},
		{"point the route at a next hop", setOp(routeKeyOf(s.vr, "10.99.0.0/16"), aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", s.nhB)), ok, ""},
		{"a second group (2 of 2)", createOp(tNHGroup, aEnum("SAI_NEXT_HOP_GROUP_ATTR_TYPE", "SAI_NEXT_HOP_GROUP_TYPE_ECMP")), ok, ""},
		{"a third group: table full", createOp(tNHGroup, aEnum("SAI_NEXT_HOP_GROUP_ATTR_TYPE", sai.NextHopGroupTypeECMP)), full, "table full (2 entries)"},
		{"remove the unused group", removeOp(oidKey(tNHGroup, g)), ok, ""},
		{"remove it again", removeOp(oidKey(tNHGroup, g)), halv1.Status_STATUS_ITEM_NOT_FOUND, "does not exist"},
		{"the next hop is free again", removeOp(oidKey(tNextHop, s.nhA)), ok, ""},
	}
	for _, st := range steps {
		r := s.do(st.op)
		if r.GetStatus() != st.want {
			t.Fatalf("%s: %s (%s), want %s", st.name, sai.StatusName(r.GetStatus()), r.GetMessage(), sai.StatusName(st.want))
		}
		if !strings.Contains(r.GetMessage(), st.msg) {
			t.Errorf("%s: message %q does not mention %q", st.name, r.GetMessage(), st.msg)
		}
	}
}

// TestNextHopGroupRead: the read-only count and member list follow the
// members; WEIGHT reads 1 unless set; List returns groups and members.
func TestNextHopGroupRead(t *testing.T) {
	s := newECMPSwitch(t, testConfig(4))
	g := s.group()
	count := func() (uint32, []uint64) {
		a := s.get(oidKey(tNHGroup, g), "SAI_NEXT_HOP_GROUP_ATTR_NEXT_HOP_COUNT", "SAI_NEXT_HOP_GROUP_ATTR_NEXT_HOP_MEMBER_LIST")
		return a[0].GetU32(), a[1].GetOidList().GetOids()
	}
	if n, l := count(); n != 0 || len(l) != 0 {
		t.Fatalf("empty group: count %d, members %v", n, l)
	}
	mb := s.member(g, s.nhB)
	ma := s.member(g, s.nhA, aU32("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT", 5))
	if n, l := count(); n != 2 || len(l) != 2 || l[0] != mb || l[1] != ma {
		t.Fatalf("count %d, members %v, want 2 [%#x %#x]", n, l, mb, ma)
	}
	if w := s.get(oidKey(tNHGMember, mb), "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT"); w[0].GetU32() != 1 {
		t.Errorf("default weight %v", w)
	}
	if w := s.get(oidKey(tNHGMember, ma), "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT"); w[0].GetU32() != 5 {
		t.Errorf("weight %v", w)
	}
	held := s.get(oidKey(tNHGroup, g))
	if len(held) != 3 {
		t.Errorf("group attributes %v, want TYPE, count and member list", held)
	}
	s.must(removeOp(oidKey(tNHGMember, mb)))
	if n, l := count(); n != 1 || len(l) != 1 || l[0] != ma {
		t.Fatalf("after removal: count %d, members %v", n, l)
	}
	caps := s.sw.Capabilities()
	seen := 0
	for _, tb := range caps.GetTables() {
		switch tb.GetType() {
		case tNHGroup:
			seen++
			if tb.GetUsed() != 1 || tb.GetCapacity() != DefaultNextHopGroupCapacity {
				t.Errorf("group table %v", tb)
			}
		case tNHGMember:
			seen++
			if tb.GetUsed() != 1 || tb.GetCapacity() != DefaultNextHopGroupMemberCapacity {
				t.Errorf("member table %v", tb)
			}
		}
	}
	if seen != 2 {
		t.Errorf("capabilities %v lack the next hop group tables", caps.GetTables())
	}
}

// udpFlow is an IPv4 (or IPv6) UDP frame to the switch MAC.
func udpFlow(srcIP, dstIP string, sport, dport uint16) []byte {
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	src, dst := net.ParseIP(srcIP), net.ParseIP(dstIP)
	if src.To4() != nil {
		ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: src.To4(), DstIP: dst.To4()}
		_ = udp.SetNetworkLayerForChecksum(ip)
		return serialize(append(ether(testMAC, macIn, 0, layers.EthernetTypeIPv4), ip, udp, gopacket.Payload([]byte("ecmp")))...)
	}
	ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolUDP, SrcIP: src, DstIP: dst}
	_ = udp.SetNetworkLayerForChecksum(ip)
	return serialize(append(ether(testMAC, macIn, 0, layers.EthernetTypeIPv6), ip, udp, gopacket.Payload([]byte("ecmp6")))...)
}

// sendFlow injects one frame on Ethernet0 and returns the one port it left
// by ("" when dropped), checking the rewrite matches that path.
func (s *ecmpSwitch) sendFlow(frame []byte) string {
	s.t.Helper()
	s.inject("Ethernet0", frame)
	got := s.out()
	if len(got) == 0 {
		return ""
	}
	if len(got) != 1 {
		s.t.Fatalf("one frame left by %v", ports(got))
	}
	want := map[string]string{"Ethernet4": macNHA, "Ethernet8": macNHB, "Ethernet12": macNHC}
	for p, fs := range got {
		eth := decode(fs[0]).Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		if eth.DstMAC.String() != want[p] || eth.SrcMAC.String() != testMAC {
			s.t.Fatalf("left %s with %s → %s, want %s → %s", p, eth.SrcMAC, eth.DstMAC, testMAC, want[p])
		}
		return p
	}
	return ""
}

// TestECMPForwarding: flows to a route whose next hop is a group spread
// over the members by the flow hash; one flow always takes one path;
// weights, member changes and an empty group behave as SAI says.
func TestECMPForwarding(t *testing.T) {
	s := newECMPSwitch(t, testConfig(4))
	g := s.group()
	ma := s.member(g, s.nhA)
	s.member(g, s.nhB)
	s.route("10.99.0.0/16", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", g))
	s.route("fc00:99::/64", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", g))

	spread := func(v6 bool) map[string]int {
		n := map[string]int{}
		for i := 0; i < 64; i++ {
			f := udpFlow("10.0.0.1", "10.99.0.7", uint16(10000+i), 80)
			if v6 {
				f = udpFlow("fc00:1::1", "fc00:99::7", uint16(10000+i), 80)
			}
			n[s.sendFlow(f)]++
		}
		return n
	}
	routed := s.sw.Stage("routed")
	n := spread(false)
	if n["Ethernet4"] == 0 || n["Ethernet8"] == 0 || n["Ethernet4"]+n["Ethernet8"] != 64 {
		t.Fatalf("64 IPv4 flows left by %v, want both next hops and nothing else", n)
	}
	if got := s.sw.Stage("routed") - routed; got != 64 {
		t.Errorf("routed +%d, want +64", got)
	}
	if n := spread(true); n["Ethernet4"] == 0 || n["Ethernet8"] == 0 || n["Ethernet4"]+n["Ethernet8"] != 64 {
		t.Fatalf("64 IPv6 flows left by %v", n)
	}

	// One flow, one path: the same 5-tuple (whatever the payload's TTL
	// or the frame's source MAC) always leaves by the same port; other
	// addresses and the protocol count too.
	flow := udpFlow("10.0.0.1", "10.99.0.7", 40000, 443)
	first := s.sendFlow(flow)
	for i := 0; i < 20; i++ {
		if p := s.sendFlow(flow); p != first {
			t.Fatalf("the same flow left by %s then %s", first, p)
		}
	}
	byDst := map[string]bool{}
	for i := 0; i < 32; i++ {
		byDst[s.sendFlow(udpFlow("10.0.0.1", "10.99.1."+strconv.Itoa(i), 40000, 443))] = true
	}
	if !byDst["Ethernet4"] || !byDst["Ethernet8"] {
		t.Errorf("32 destinations left by %v, want both", byDst)
	}

	// Weight 3:1 sends more flows to A; the pick stays deterministic.
	s.must(setOp(oidKey(tNHGMember, ma), aU32("SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT", 3)))
	w := spread(false)
	if w["Ethernet4"] <= w["Ethernet8"] || w["Ethernet8"] == 0 {
		t.Errorf("weights 3:1 gave %v", w)
	}
	if again := spread(false); again["Ethernet4"] != w["Ethernet4"] {
		t.Errorf("the same flows spread %v then %v", w, again)
	}

	// A third member takes part of the flows at once.
	mc := s.member(g, s.nhC)
	if n := spread(false); n["Ethernet12"] == 0 || n["Ethernet4"]+n["Ethernet8"]+n["Ethernet12"] != 64 {
		t.Fatalf("with three members %v", n)
	}
	// Removing members moves their flows to the rest.
	s.must(removeOp(oidKey(tNHGMember, ma)))
	s.must(removeOp(oidKey(tNHGMember, mc)))
	if n := spread(false); n["Ethernet8"] != 64 {
		t.Fatalf("with B alone %v, want all 64 by Ethernet8", n)
	}
}

// TestECMPEmptyGroupDrops: a route to a group without members drops the
// frame and counts it; a member brings the route to life.
func TestECMPEmptyGroupDrops(t *testing.T) {
	s := newECMPSwitch(t, testConfig(4))
	g := s.group()
	s.route("10.99.0.0/16", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", g))
	before := s.sw.Stage("dropped_next_hop_group_empty")
	if p := s.sendFlow(udpFlow("10.0.0.1", "10.99.0.7", 1, 2)); p != "" {
		t.Fatalf("an empty group forwarded by %s", p)
	}
	if got := s.sw.Stage("dropped_next_hop_group_empty") - before; got != 1 {
		t.Fatalf("dropped_next_hop_group_empty +%d, want +1", got)
	}
	s.member(g, s.nhB)
	if p := s.sendFlow(udpFlow("10.0.0.1", "10.99.0.7", 1, 2)); p != "Ethernet8" {
		t.Fatalf("one member: left by %q, want Ethernet8", p)
	}
}

// TestECMPHashFields: the hash reads addresses, protocol and ports only;
// IPv4 fragments ignore ports so a datagram's fragments stay together.
func TestECMPHashFields(t *testing.T) {
	var seed [6]byte
	h := func(b []byte) uint64 {
		f, ok := parseFrame(b)
		if !ok {
			t.Fatal("frame did not parse")
		}
		return ecmpHash(&f, seed)
	}
	a := udpFlow("10.0.0.1", "10.99.0.7", 1000, 80)
	b := append([]byte(nil), a...)
	copy(b[6:12], []byte{2, 2, 2, 2, 2, 2}) // another source MAC
	b[14+8] = 3                             // another TTL
	if h(a) != h(b) {
		t.Error("MAC or TTL changed the hash")
	}
	if h(a) == h(udpFlow("10.0.0.1", "10.99.0.7", 1001, 80)) {
		t.Error("the source port did not change the hash")
	}
	frag := func(sport uint16) []byte {
		f := udpFlow("10.0.0.1", "10.99.0.7", sport, 80)
		f[14+6] |= 0x20 // more fragments
		return f
	}
	if h(frag(1000)) != h(frag(2000)) {
		t.Error("a fragment's ports changed the hash")
	}
	seed[5] = 1
	if h(a) == func() uint64 { seed[5] = 0; return h(a) }() {
		t.Error("the seed did not change the hash")
	}
}
