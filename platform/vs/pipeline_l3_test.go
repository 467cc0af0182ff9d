package vs

import (
	"bytes"
	"testing"

	"github.com/gopacket/gopacket/layers"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// The spec §8 scenario seen from C1: C's MAC is installed as MY_MAC on the
// L3 VLANs 10 and 20, VLAN 30 is excluded; D's MAC only on VLAN 20.
const (
	macC1    = "00:01:e8:00:01:0c" // this switch
	macC     = "00:01:e8:00:00:0c" // the remote gateway VM1 still uses
	macD     = "00:01:e8:00:00:0d"
	macRIF20 = "00:01:e8:00:01:20"
	macVM1   = "00:00:00:00:01:00"
	macS     = "00:00:00:00:20:50"
	macGW    = "00:00:00:00:20:09"
	macH40   = "00:00:00:00:40:02"
)

type l3Switch struct {
	*tsw
	v10, v20, v30 uint64
	rif20, rif40  uint64
	punts         *sub[*halv1.PacketIn]
}

func newL3Switch(t *testing.T) *l3Switch {
	cfg := testConfig(5)
	cfg.SwitchMAC = macC1
	ts := newTestSwitch(t, cfg)
	s := &l3Switch{tsw: ts}
	ts.up("Ethernet0", "Ethernet4", "Ethernet8", "Ethernet12", "Ethernet16")
	s.v10, s.v20, s.v30 = ts.vlan(10), ts.vlan(20), ts.vlan(30)
	ts.access("Ethernet0", s.v10, 10) // VM1
	ts.access("Ethernet4", s.v20, 20) // server S
	trunk := ts.bridgePort(ts.port("Ethernet8"))
	for _, v := range []uint64{s.v10, s.v20, s.v30} {
		ts.member(v, trunk, true)
	}
	ts.access("Ethernet12", s.v30, 30)
	rif10 := ts.vlanRIF(s.v10, "")
	s.rif20 = ts.vlanRIF(s.v20, macRIF20)
	rif30 := ts.vlanRIF(s.v30, "")
	s.rif40 = ts.portRIF(ts.port("Ethernet16"), "")
	ts.route("10.10.0.0/24", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", rif10))
	ts.route("10.20.0.0/24", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", s.rif20))
	ts.route("10.30.0.0/24", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", rif30))
	ts.route("10.40.0.0/24", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", s.rif40))
	ts.route("10.10.0.4/32", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", ts.cpu))
	ts.route("fc00:20::/64", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", s.rif20))
	ts.route("0.0.0.0/0", aEnum("SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION", actDrop))
	ts.route("192.168.100.0/24", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", ts.nextHop(s.rif20, "10.20.0.9")))
	ts.route("172.16.0.0/16", aEnum("SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION", actTrap))
	ts.neighbor(s.rif20, "10.20.0.50", macS)
	ts.neighbor(s.rif20, "10.20.0.9", macGW)
	ts.neighbor(s.rif20, "fc00:20::50", macS)
	ts.neighbor(s.rif40, "10.40.0.2", macH40)
	ts.myMAC(macC, 10)
	ts.myMAC(macC, 20)
	ts.myMAC(macD, 20)
	// S is known behind Ethernet4.
	ts.inject("Ethernet4", l2Frame(bcast, macS, 0))
	ts.out()
	sub, cancel := ts.sw.punts.subscribe()
	t.Cleanup(cancel)
	s.punts = sub
	return s
}

// egressWant describes the one frame expected on one port.
type egressWant struct {
	port   string
	vid    uint16 // 0 = untagged
	dst    string
	src    string
	ttl    uint8 // IPv4 TTL or IPv6 hop limit; 0 = not IP
	routed bool  // rewritten (else the frame must be the injected one, tag aside)
}

func TestRouting(t *testing.T) {
	s := newL3Switch(t)
	tests := []struct {
		name    string
		in      string
		frame   []byte
		want    []egressWant
		counter string
		trap    string // expected punt
	}{
		{"to the switch MAC: routed VLAN 10 → 20, TTL−1, RIF MAC as source", "Ethernet0",
			ipv4Frame(macC1, macVM1, 0, "10.10.0.100", "10.20.0.50", 64),
			[]egressWant{{port: "Ethernet4", dst: macS, src: macRIF20, ttl: 63, routed: true}}, "routed", ""},
		{"to C's MAC on VLAN 10 (MY_MAC): routed like our own", "Ethernet0",
			ipv4Frame(macC, macVM1, 0, "10.10.0.100", "10.20.0.50", 64),
			[]egressWant{{port: "Ethernet4", dst: macS, src: macRIF20, ttl: 63, routed: true}}, "routed_my_mac", ""},
		{"to C's MAC tagged VLAN 10 on the trunk: routed too", "Ethernet8",
			ipv4Frame(macC, macVM1, 10, "10.10.0.100", "10.20.0.50", 9),
			[]egressWant{{port: "Ethernet4", dst: macS, src: macRIF20, ttl: 8, routed: true}}, "routed_my_mac", ""},
		{"to C's MAC on excluded VLAN 30: bridged (flooded) unchanged", "Ethernet12",
			ipv4Frame(macC, macVM1, 0, "10.30.0.100", "10.20.0.50", 64),
			[]egressWant{{port: "Ethernet8", vid: 30, dst: macC, src: macVM1, ttl: 64}}, "flooded", ""},
		{"to D's MAC on VLAN 10 (D's MY_MAC is VLAN 20 only): bridged", "Ethernet0",
			ipv4Frame(macD, macVM1, 0, "10.10.0.100", "10.20.0.50", 64),
			[]egressWant{{port: "Ethernet8", vid: 10, dst: macD, src: macVM1, ttl: 64}}, "flooded", ""},
		{"to D's MAC on VLAN 20: routed via MY_MAC, hairpin into VLAN 20", "Ethernet8",
			ipv4Frame(macD, macVM1, 20, "10.20.0.100", "10.20.0.50", 64),
			[]egressWant{{port: "Ethernet4", dst: macS, src: macRIF20, ttl: 63, routed: true}}, "routed_my_mac", ""},
		{"IPv6 via the switch MAC: hop limit −1", "Ethernet0",
			ipv6Frame(macC1, macVM1, 0, "fc00:10::100", "fc00:20::50", 64),
			[]egressWant{{port: "Ethernet4", dst: macS, src: macRIF20, ttl: 63, routed: true}}, "routed", ""},
		{"IPv6 via MY_MAC", "Ethernet0",
			ipv6Frame(macC, macVM1, 0, "fc00:10::100", "fc00:20::50", 2),
			[]egressWant{{port: "Ethernet4", dst: macS, src: macRIF20, ttl: 1, routed: true}}, "routed_my_mac", ""},
		{"through a next hop whose MAC is unknown: flooded in VLAN 20", "Ethernet0",
			ipv4Frame(macC1, macVM1, 0, "10.10.0.100", "192.168.100.7", 64),
			[]egressWant{{port: "Ethernet4", dst: macGW, src: macRIF20, ttl: 63, routed: true},
				{port: "Ethernet8", vid: 20, dst: macGW, src: macRIF20, ttl: 63, routed: true}}, "routed", ""},
		{"out of a port router interface, switch MAC as source", "Ethernet0",
			ipv4Frame(macC1, macVM1, 0, "10.10.0.100", "10.40.0.2", 64),
			[]egressWant{{port: "Ethernet16", dst: macH40, src: macC1, ttl: 63, routed: true}}, "routed", ""},
		{"TTL 1: dropped", "Ethernet0", ipv4Frame(macC1, macVM1, 0, "10.10.0.100", "10.20.0.50", 1), nil, "dropped_ttl", ""},
		{"IPv6 hop limit 1: dropped", "Ethernet0", ipv6Frame(macC, macVM1, 0, "fc00:10::100", "fc00:20::50", 1), nil, "dropped_ttl", ""},
		{"default route with DROP action", "Ethernet0", ipv4Frame(macC1, macVM1, 0, "10.10.0.100", "8.8.8.8", 64), nil, "dropped_no_route", ""},
		{"no route at all (IPv6)", "Ethernet0", ipv6Frame(macC1, macVM1, 0, "fc00:10::100", "2001:db8::1", 64), nil, "dropped_no_route", ""},
		{"connected route without a neighbour", "Ethernet0", ipv4Frame(macC1, macVM1, 0, "10.10.0.100", "10.20.0.77", 64), nil, "dropped_no_neighbor", ""},
		{"to our own address (route to the CPU port): trapped IP2ME", "Ethernet0",
			ipv4Frame(macC1, macVM1, 0, "10.10.0.100", "10.10.0.4", 1), nil, "trapped", trapIP2ME},
		{"route with TRAP action", "Ethernet0", ipv4Frame(macC, macVM1, 0, "10.10.0.100", "172.16.1.1", 64), nil, "trapped", trapRouteTrap},
		{"non-IP to the router MAC: dropped", "Ethernet0", l2Frame(macC1, macVM1, 0), nil, "dropped_non_ip", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := s.sw.Stage(tc.counter)
			s.inject(tc.in, tc.frame)
			got := s.out()
			if len(got) != len(tc.want) {
				t.Fatalf("egress on %v, want %v", ports(got), tc.want)
			}
			for _, w := range tc.want {
				if len(got[w.port]) != 1 {
					t.Fatalf("%s: %d frames, want 1 (egress %v)", w.port, len(got[w.port]), ports(got))
				}
				checkEgress(t, got[w.port][0], tc.frame, w)
			}
			if s.sw.Stage(tc.counter) != before+1 {
				t.Errorf("counter %s +%d, want +1", tc.counter, s.sw.Stage(tc.counter)-before)
			}
			punts := s.punts.take()
			switch {
			case tc.trap == "" && len(punts) != 0:
				t.Errorf("unexpected punt %v", punts[0].GetTrap())
			case tc.trap != "" && (len(punts) != 1 || punts[0].GetTrap() != tc.trap || !bytes.Equal(punts[0].GetFrame(), tc.frame) ||
				punts[0].GetIngressPort() != s.port(tc.in)):
				t.Errorf("punts %v, want one %s", punts, tc.trap)
			}
		})
	}
}

// checkEgress decodes an egress frame with gopacket and checks it.
func checkEgress(t *testing.T, b, in []byte, w egressWant) {
	t.Helper()
	p := decode(b)
	if el := p.ErrorLayer(); el != nil {
		t.Fatalf("%s: undecodable egress: %v", w.port, el.Error())
	}
	eth := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
	if eth.DstMAC.String() != w.dst || eth.SrcMAC.String() != w.src {
		t.Errorf("%s: %s → %s, want %s → %s", w.port, eth.SrcMAC, eth.DstMAC, w.src, w.dst)
	}
	d, tagged := p.Layer(layers.LayerTypeDot1Q).(*layers.Dot1Q)
	switch {
	case w.vid == 0 && tagged:
		t.Errorf("%s: tagged %d, want untagged", w.port, d.VLANIdentifier)
	case w.vid != 0 && (!tagged || d.VLANIdentifier != w.vid):
		t.Errorf("%s: want tag %d", w.port, w.vid)
	}
	if ip4, ok := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4); ok {
		if ip4.TTL != w.ttl {
			t.Errorf("%s: TTL %d, want %d", w.port, ip4.TTL, w.ttl)
		}
		// The incrementally patched checksum verifies over the header.
		if sum := ipv4HeaderChecksum(ip4.Contents); sum != 0 {
			t.Errorf("%s: IPv4 checksum %#04x does not verify", w.port, ip4.Checksum)
		}
	}
	if ip6, ok := p.Layer(layers.LayerTypeIPv6).(*layers.IPv6); ok && ip6.HopLimit != w.ttl {
		t.Errorf("%s: hop limit %d, want %d", w.port, ip6.HopLimit, w.ttl)
	}
	if app := p.ApplicationLayer(); app == nil {
		t.Errorf("%s: payload lost", w.port)
	} else if orig := decode(in).ApplicationLayer(); orig != nil && !bytes.Equal(app.Payload(), orig.Payload()) {
		t.Errorf("%s: payload changed", w.port)
	}
}

// ipv4HeaderChecksum is the one's-complement sum over a header; 0 when the
// stored checksum is right.
func ipv4HeaderChecksum(h []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(h); i += 2 {
		sum += uint32(h[i])<<8 | uint32(h[i+1])
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

func TestTTLErrorTrap(t *testing.T) {
	s := newL3Switch(t)
	s.trap(trapTTLError, actTrap)
	in := ipv4Frame(macC1, macVM1, 0, "10.10.0.100", "10.20.0.50", 1)
	s.inject("Ethernet0", in)
	if got := s.out(); len(got) != 0 {
		t.Fatalf("TTL 1 forwarded to %v", ports(got))
	}
	p := s.punts.take()
	if len(p) != 1 || p[0].GetTrap() != trapTTLError {
		t.Fatalf("punts %v", p)
	}
}

func TestLLDPTrappedNeverForwarded(t *testing.T) {
	ts := newTestSwitch(t, testConfig(3))
	ts.up("Ethernet0", "Ethernet4", "Ethernet8")
	v := ts.vlan(10)
	ts.access("Ethernet0", v, 10)
	ts.access("Ethernet4", v, 10)
	lagOID := ts.lag("Ethernet8")
	ts.member(v, ts.bridgePort(lagOID), false)
	punts, cancel := ts.sw.punts.subscribe()
	defer cancel()
	frame := lldpFrame(hostA)

	// Without a trap: dropped, not forwarded.
	ts.inject("Ethernet0", frame)
	if got := ts.out(); len(got) != 0 {
		t.Fatalf("LLDP forwarded to %v", ports(got))
	}
	if ts.sw.Stage("dropped_lldp") != 1 || len(punts.take()) != 0 {
		t.Fatalf("dropped_lldp %d", ts.sw.Stage("dropped_lldp"))
	}

	// With the trap: punted with the ingress port (and LAG), still not forwarded.
	ts.trap(trapLLDP, actTrap)
	for _, in := range []struct {
		port string
		lag  uint64
	}{{"Ethernet0", 0}, {"Ethernet8", lagOID}} {
		ts.inject(in.port, frame)
		if got := ts.out(); len(got) != 0 {
			t.Fatalf("LLDP forwarded to %v", ports(got))
		}
		p := punts.take()
		if len(p) != 1 || p[0].GetTrap() != trapLLDP || p[0].GetIngressPort() != ts.port(in.port) || p[0].GetIngressLag() != in.lag ||
			!bytes.Equal(p[0].GetFrame(), frame) {
			t.Fatalf("punts %v", p)
		}
		lldp, ok := decode(p[0].GetFrame()).Layer(layers.LayerTypeLinkLayerDiscovery).(*layers.LinkLayerDiscovery)
		if !ok || lldp.TTL != 120 {
			t.Fatalf("punted frame does not decode as LLDP")
		}
	}
	if ts.sw.Stage("trapped") != 2 {
		t.Errorf("trapped %d, want 2", ts.sw.Stage("trapped"))
	}
}
