package pgworch

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/vltgw/vltgw/platform/vs"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ipv4Frame builds an untagged Ethernet/IPv4/UDP frame.
func ipv4Frame(dst, src net.HardwareAddr, sip, dip net.IP, ttl byte) []byte {
	payload := []byte("vltgw proxy-gateway frame")
	udp := make([]byte, 8+len(payload))
	binary.BigEndian.PutUint16(udp[0:], 40000)
	binary.BigEndian.PutUint16(udp[2:], 9)
	binary.BigEndian.PutUint16(udp[4:], uint16(len(udp)))
	copy(udp[8:], payload)
	ip := make([]byte, 20)
	ip[0], ip[8], ip[9] = 0x45, ttl, 17
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(udp)))
	copy(ip[12:], sip.To4())
	copy(ip[16:], dip.To4())
	binary.BigEndian.PutUint16(ip[10:], ipChecksum(ip))
	f := append(append(append([]byte{}, dst...), src...), 0x08, 0x00)
	f = append(append(f, ip...), udp...)
	for len(f) < 60 {
		f = append(f, 0)
	}
	return f
}

func ipChecksum(h []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(h); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(h[i:]))
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// waitFrame returns the first frame captured on port (the deadline only
// guards against a hang).
func waitFrame(t *testing.T, sw *vs.Switch, port string) []byte {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		frames, err := sw.Captured(port, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(frames) > 0 {
			return frames[0].Frame
		}
		time.Sleep(5 * time.Millisecond)
	}
	_, stages := sw.Counters()
	t.Fatalf("nothing left %s; pipeline counters %v", port, stages)
	return nil
}

// TestDataplaneRoutedOnIncludedBridgedOnExcluded: the reference scenario
// seen from C1. A frame for C's MAC on VLAN 10 (included) is routed by this
// switch — TTL−1, source MAC = the egress VLAN interface's — while the
// same destination on VLAN 30 (excluded) is bridged unchanged.
func TestDataplaneRoutedOnIncludedBridgedOnExcluded(t *testing.T) {
	s := newStack(t, 512)
	s.base(10, 20, 30)
	s.start(Options{})
	s.produce("NEIGH_TABLE", set("Vlan20:10.0.20.50", "neigh", "02:00:00:00:20:50", "family", "IPv4"))
	s.produce(AppDomain, set("2", "peer_routing", "true"))
	s.produce(AppProxyGW, set("2", "mode", "static"))
	s.produce(AppRemoteMAC, set("2:"+macC, "exclude_vlans", "30"))
	want := entries(macC, []int{10, 20})
	s.until("C's entries", func() bool { return same(s.platformEntries(), want) })
	s.until("the server's neighbour in the platform", func() bool {
		objs, err := s.sw.List(halv1.ObjectType_OBJECT_TYPE_NEIGHBOR_ENTRY)
		return err == nil && len(objs) == 1
	})
	s.until("ports oper up", func() bool {
		for _, p := range []string{"Ethernet0", "Ethernet4", "Ethernet8", "Ethernet12"} {
			if s.stateRow("PORT_TABLE|" + p)["oper_status"] != "up" {
				return false
			}
		}
		return true
	})

	c, _ := net.ParseMAC(macC)
	vm1, _ := net.ParseMAC("02:00:00:00:10:64")
	in := ipv4Frame(c, vm1, net.IPv4(10, 0, 10, 100), net.IPv4(10, 0, 20, 50), 64)
	s.sw.Captured("", true)
	routed := s.sw.Stage("routed_my_mac")
	if err := s.sw.Inject("Ethernet0", in); err != nil {
		t.Fatal(err)
	}
	out := waitFrame(t, s.sw, "Ethernet4")
	if got := net.HardwareAddr(out[0:6]).String(); got != "02:00:00:00:20:50" {
		t.Fatalf("destination MAC %s, want the server's", got)
	}
	if got := net.HardwareAddr(out[6:12]).String(); got != "02:00:00:00:20:01" {
		t.Fatalf("source MAC %s, want the Vlan20 interface MAC", got)
	}
	if ip := out[14:34]; ip[8] != 63 || ipChecksum(ip) != 0 {
		t.Fatalf("TTL %d (want 63), checksum valid %v", ip[8], ipChecksum(ip) == 0)
	}
	if s.sw.Stage("routed_my_mac") != routed+1 {
		t.Fatal("the frame was not counted as routed by a MY_MAC hit")
	}

	// VLAN 30 is excluded: the same destination is bridged (flooded to
	// the other VLAN 30 port, unchanged), not routed.
	in30 := ipv4Frame(c, vm1, net.IPv4(10, 0, 30, 100), net.IPv4(10, 0, 20, 50), 64)
	s.sw.Captured("", true)
	if err := s.sw.Inject("Ethernet8", in30); err != nil {
		t.Fatal(err)
	}
	if out := waitFrame(t, s.sw, "Ethernet12"); !bytes.Equal(out, in30) {
		t.Fatalf("bridged frame changed:\n% x\n% x", out, in30)
	}
	if s.sw.Stage("routed_my_mac") != routed+1 {
		t.Fatal("a frame on the excluded VLAN was routed")
	}
	if frames, _ := s.sw.Captured("Ethernet4", true); len(frames) != 0 {
		t.Fatalf("%d frames reached VLAN 20 from the excluded VLAN", len(frames))
	}
}
