package lab

import (
	"bytes"
	"net"
	"net/netip"
	"strings"
	"testing"
)

func mustMAC(t *testing.T, s string) net.HardwareAddr {
	t.Helper()
	m, err := net.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFrameRoundTrip(t *testing.T) {
	src, dst := netip.MustParseAddr("10.10.0.100"), netip.MustParseAddr("10.20.0.50")
	for _, vlan := range []int{0, 10, 4094} {
		b, err := BuildUDP4(mustMAC(t, "00:01:e8:00:00:0c"), mustMAC(t, "02:00:0a:0a:00:64"), vlan, src, dst, 64, []byte("hello"))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 60 {
			t.Fatalf("frame of %d bytes, shorter than Ethernet's minimum", len(b))
		}
		f, err := ParseFrame(b)
		if err != nil {
			t.Fatal(err)
		}
		if f.VLAN != vlan || f.TTL != 64 || f.SrcIP != src || f.DstIP != dst || string(f.Payload) != "hello" ||
			f.Dst.String() != "00:01:e8:00:00:0c" || f.Src.String() != "02:00:0a:0a:00:64" || !f.IPv4() {
			t.Fatalf("vlan %d: parsed %+v", vlan, f)
		}
		// The IPv4 header checksum verifies (sums to 0xffff).
		off := 14
		if vlan > 0 {
			off = 18
		}
		if ipChecksum(b[off:off+20]) != 0 {
			t.Errorf("vlan %d: bad IPv4 header checksum", vlan)
		}
	}
	if _, err := BuildUDP4(mustMAC(t, "00:01:e8:00:00:0c"), nil, 0, src, dst, 64, nil); err == nil {
		t.Error("short MAC accepted")
	}
	for _, bad := range [][]byte{make([]byte, 10), append(make([]byte, 12), 0x81, 0, 0), append(make([]byte, 12), 0x08, 0, 0x45)} {
		if _, err := ParseFrame(bad); err == nil {
			t.Errorf("ParseFrame(%x) accepted", bad)
		}
	}
	lldp := append(append(mustMAC(t, "01:80:c2:00:00:0e"), mustMAC(t, "00:01:e8:00:00:0c")...), 0x88, 0xcc, 1, 2)
	if f, err := ParseFrame(lldp); err != nil || f.IPv4() || !strings.Contains(f.String(), "0x88cc") {
		t.Errorf("LLDP frame: %v %v", f, err)
	}
}

func squarePlan(t *testing.T) *DemoPlan {
	t.Helper()
	topo, cfgs := loadSquare(t, "square-vlt.yaml")
	p, err := PlanDemo(topo, cfgs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlanDemo(t *testing.T) {
	p := squarePlan(t)
	if p.Host.Name != "VM1" || p.At.String() != "C1:Ethernet0" || p.Router.Name != "C1" || p.Gateway.Name != "C" ||
		p.GatewayIP.String() != "10.10.0.2" || p.Dest.Name != "S" || p.DestAt.String() != "D1:Ethernet0" ||
		p.TagAt != 0 || p.ExcludedVLAN != 30 {
		t.Fatalf("plan %+v", p)
	}
	var ic []string
	for _, e := range p.Interconnect {
		ic = append(ic, e.String())
	}
	if got := strings.Join(ic, " "); got != "C:Ethernet8 D:Ethernet8 C1:Ethernet8 D1:Ethernet8" {
		t.Errorf("interconnect %s", got)
	}
	topo, cfgs := loadSquare(t, "square-vlt-diagonals.yaml")
	p, err := PlanDemo(topo, cfgs)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Interconnect) != 8 {
		t.Errorf("diagonals: interconnect %v", p.Interconnect)
	}

	// Plans that cannot work say why.
	for _, tc := range []struct {
		edit func(*Topology)
		want string
	}{
		{func(t *Topology) { t.Hosts[0].MovesTo = "" }, "no host with moves_to"},
		{func(t *Topology) { t.Hosts[0].Gateway = "10.10.0.9" }, "no switch has 10.10.0.9 on Vlan10"},
		{func(t *Topology) { t.Hosts[0].MovesTo = "C:Ethernet0" }, "moves to its own gateway C"},
		{func(t *Topology) { t.Hosts = t.Hosts[:1] }, "no host outside 10.10.0.0/24"},
		{func(t *Topology) { t.Hosts[0].MovesTo = "C1:Ethernet12" }, "C1:Ethernet12 is not a member of Vlan10"},
	} {
		topo, cfgs := loadSquare(t, "square-vlt.yaml")
		tc.edit(topo)
		if _, err := PlanDemo(topo, cfgs); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want %q, got %v", tc.want, err)
		}
	}
}

// seen builds a captured copy of the demo frame.
func seen(t *testing.T, at, dst, src string, vlan int, ttl uint8) Seen {
	t.Helper()
	e, err := ParseEndpoint(at)
	if err != nil {
		t.Fatal(err)
	}
	b, err := BuildUDP4(mustMAC(t, dst), mustMAC(t, src), vlan, netip.MustParseAddr("10.10.0.100"), netip.MustParseAddr("10.20.0.50"), ttl, []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFrame(b)
	if err != nil {
		t.Fatal(err)
	}
	return Seen{At: e, Frame: f}
}

const (
	macC, macC1, macVM1, macS = "00:01:e8:00:00:0c", "00:01:e8:00:01:0c", "02:00:0a:0a:00:64", "02:00:0a:14:00:32"
)

func TestAnalyzeRouted(t *testing.T) {
	p := squarePlan(t)
	sent := seen(t, "C1:Ethernet0", macC, macVM1, 0, 64).Frame
	// What the proxy gateway does: C1 routes (TTL 63, its own MAC) over
	// the VLTi to D1, which bridges to S.
	good := []Seen{seen(t, "C1:Ethernet4", macS, macC1, 20, 63), seen(t, "D1:Ethernet0", macS, macC1, 0, 63)}
	if r := AnalyzeRouted(p, sent, 1, good); !r.OK() {
		t.Fatalf("good case: %v", r.Problems)
	}
	// Without it: C1 floods the frame across the interconnect, C routes
	// it and sends it back (the trombone).
	trombone := []Seen{seen(t, "C1:Ethernet8", macC, macVM1, 10, 64), seen(t, "C1:Ethernet4", macC, macVM1, 10, 64),
		seen(t, "C:Ethernet8", macC1, macC, 10, 63), seen(t, "C1:Ethernet4", macS, macC1, 20, 62), seen(t, "D1:Ethernet0", macS, macC1, 0, 62)}
	r := AnalyzeRouted(p, sent, 0, trombone)
	for _, want := range []string{"routed_my_mac counter did not move", "crossed the interconnect: C1:Ethernet8",
		"crossed the interconnect: C:Ethernet8", "with source MAC 02:00:0a:0a:00:64", "TTL 62, want 63"} {
		if !strings.Contains(strings.Join(r.Problems, "\n"), want) {
			t.Errorf("trombone: problems %q lack %q", r.Problems, want)
		}
	}
	r = AnalyzeRouted(p, sent, 1, nil)
	if got := strings.Join(r.Problems, "\n"); !strings.Contains(got, "C1 sent no copy") || !strings.Contains(got, "S (D1:Ethernet0) did not receive it") {
		t.Errorf("lost frame: %q", r.Problems)
	}
	r = AnalyzeRouted(p, sent, 1, []Seen{seen(t, "C1:Ethernet4", macS, macC1, 20, 63), seen(t, "D1:Ethernet0", macC, macC1, 0, 63)})
	if !strings.Contains(strings.Join(r.Problems, "\n"), "delivered it to 00:01:e8:00:00:0c, not S's MAC") {
		t.Errorf("wrong DA: %q", r.Problems)
	}
}

func TestAnalyzeBridged(t *testing.T) {
	p := squarePlan(t)
	sent := seen(t, "C1:Ethernet0", macC, macVM1, 30, 64).Frame
	good := []Seen{seen(t, "C1:Ethernet8", macC, macVM1, 30, 64), seen(t, "C1:Ethernet4", macC, macVM1, 30, 64),
		// C routes it back: other VLAN, not held against the bridged case.
		seen(t, "C:Ethernet8", macC1, macC, 10, 63), seen(t, "C1:Ethernet4", macS, macC1, 20, 62)}
	r := AnalyzeBridged(p, sent, 0, good)
	if !r.OK() {
		t.Fatalf("good case: %v", r.Problems)
	}
	var out bytes.Buffer
	writeResult(&out, p, r)
	if !strings.Contains(out.String(), "bridged unchanged towards C") || !strings.Contains(out.String(), "the trombone") ||
		!strings.Contains(out.String(), "<- interconnect") {
		t.Errorf("story:\n%s", out.String())
	}
	r = AnalyzeBridged(p, sent, 1, []Seen{seen(t, "C1:Ethernet4", macS, macC1, 30, 63)})
	got := strings.Join(r.Problems, "\n")
	for _, want := range []string{"routed a frame on excluded Vlan30", "changed the frame", "did not bridge it towards C"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
}
