package orchagent

import (
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/platform/vs"
)

// startVS runs a virtual switch from platform/vs/testdata/<name> with its
// HAL on a unix socket.
func startVS(t testing.TB, name string) (*vs.Switch, string) {
	t.Helper()
	cfg, err := vs.LoadConfig(filepath.Join("..", "platform", "vs", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	sw, err := vs.New(cfg, vs.Options{Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "oa-vs-")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "hal.sock")
	srv, err := vs.Listen(sw, vs.ServeOptions{HALSocket: sock})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	t.Cleanup(func() { srv.Stop(time.Second); sw.Close(); os.RemoveAll(dir) })
	return sw, sock
}

// ipv4Frame builds an untagged Ethernet/IPv4/UDP frame.
func ipv4Frame(dst, src net.HardwareAddr, sip, dip net.IP, ttl byte) []byte {
	payload := []byte("vltgw routed frame")
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

// TestRoutedBetweenVlansOnTheVirtualSwitch: APP_DB rows for two L3 VLANs
// and a neighbour, through orchagent, the real syncd and platform/vs; a
// frame injected on VLAN 10 for a host on VLAN 20 leaves Ethernet4
// rewritten (destination = the neighbour's MAC, source = the VLAN 20
// interface MAC), TTL decremented, checksum still valid.
func TestRoutedBetweenVlansOnTheVirtualSwitch(t *testing.T) {
	sw, sock := startVS(t, "single.yaml")
	e := newStackEnv(t, sock)
	e.produce(AppPortTable, set("Ethernet0", "lanes", "0,1,2,3", "admin_status", "up"), set("Ethernet4", "lanes", "4,5,6,7", "admin_status", "up"))
	e.start()
	e.produce(AppVlanTable, set("Vlan10"), set("Vlan20"))
	e.produce(AppVlanMemberTable, set("Vlan10:Ethernet0", "tagging_mode", "untagged"), set("Vlan20:Ethernet4", "tagging_mode", "untagged"))
	e.produce(AppIntfTable, set("Vlan10"), set("Vlan20", "mac_addr", "02:00:00:00:20:01"),
		set("Vlan10:10.0.10.1/24", "family", "IPv4"), set("Vlan20:10.0.20.1/24", "family", "IPv4"))
	e.produce(AppNeighTable, set("Vlan20:10.0.20.2", "neigh", "02:00:00:00:20:02", "family", "IPv4"))
	e.until("L3 objects in ASIC_DB", func() bool { return e.asicCount(tNextHop) == 1 && e.asicCount(tRoute) == 6 })
	// Admin up brings the vs ports oper up: port_state_change reaches
	// APP_DB and STATE_DB.
	e.until("Ethernet0 and Ethernet4 oper up", func() bool {
		return e.stateRow("PORT_TABLE|Ethernet0")["oper_status"] == "up" && e.stateRow("PORT_TABLE|Ethernet4")["oper_status"] == "up" &&
			e.app.Client.HGet(context.Background(), "PORT_TABLE:Ethernet4", "oper_status").Val() == "up"
	})

	routerMAC, _ := net.ParseMAC("52:54:00:00:01:01") // the platform's MAC: Vlan10 has no mac_addr
	host10, _ := net.ParseMAC("02:00:00:00:10:02")
	in := ipv4Frame(routerMAC, host10, net.IPv4(10, 0, 10, 2), net.IPv4(10, 0, 20, 2), 64)
	sw.Captured("", true)
	if err := sw.Inject("Ethernet0", in); err != nil {
		t.Fatal(err)
	}
	var out []byte
	deadline := time.Now().Add(10 * time.Second)
	for out == nil && time.Now().Before(deadline) {
		frames, err := sw.Captured("Ethernet4", true)
		if err != nil {
			t.Fatal(err)
		}
		if len(frames) > 0 {
			out = frames[0].Frame
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if out == nil {
		_, stages := sw.Counters()
		t.Fatalf("nothing left Ethernet4; pipeline counters %v", stages)
	}
	if got := net.HardwareAddr(out[0:6]).String(); got != "02:00:00:00:20:02" {
		t.Fatalf("destination MAC %s, want the neighbour's", got)
	}
	if got := net.HardwareAddr(out[6:12]).String(); got != "02:00:00:00:20:01" {
		t.Fatalf("source MAC %s, want the Vlan20 interface MAC", got)
	}
	if binary.BigEndian.Uint16(out[12:]) != 0x0800 {
		t.Fatalf("ethertype %#x (untagged IPv4 expected)", binary.BigEndian.Uint16(out[12:]))
	}
	ip := out[14:34]
	if ip[8] != 63 {
		t.Fatalf("TTL %d, want 63", ip[8])
	}
	if ipChecksum(ip) != 0 {
		t.Fatal("IPv4 header checksum not valid after the TTL rewrite")
	}
	if !bytes.Equal(out[34:], in[34:]) {
		t.Fatal("payload changed")
	}
	if frames, _ := sw.Captured("Ethernet0", true); len(frames) != 0 {
		t.Fatalf("%d frames went back out of the ingress port", len(frames))
	}
	if sw.Stage("routed") != 1 {
		_, stages := sw.Counters()
		t.Fatalf("pipeline counters %v: want one routed frame", stages)
	}

	// The LLDP trap orchagent installed sends LLDP frames to the CPU.
	lldp := append(append([]byte{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e}, host10...), 0x88, 0xcc)
	lldp = append(lldp, make([]byte, 46)...)
	trapped := sw.Stage("trapped")
	if err := sw.Inject("Ethernet0", lldp); err != nil {
		t.Fatal(err)
	}
	if got := sw.Stage("trapped"); got != trapped+1 || sw.Stage("dropped_lldp") != 0 {
		_, stages := sw.Counters()
		t.Fatalf("LLDP frame not trapped: %v", stages)
	}
}

// waitFrame returns the first frame captured on port.
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

// TestLagBridgedIntoVlanOnTheVirtualSwitch: a LAG that is an untagged
// member of Vlan10 bridges an untagged frame from its member port to the
// other VLAN member, and its oper status follows its member.
func TestLagBridgedIntoVlanOnTheVirtualSwitch(t *testing.T) {
	sw, sock := startVS(t, "single.yaml")
	e := newStackEnv(t, sock)
	e.produce(AppPortTable, set("Ethernet0", "lanes", "0,1,2,3", "admin_status", "up"), set("Ethernet8", "lanes", "8,9,10,11", "admin_status", "up"))
	e.start()
	e.produce(AppLagTable, set("PortChannel1", "admin_status", "up"))
	e.produce(AppLagMemberTable, set("PortChannel1:Ethernet8", "status", "enabled"))
	e.produce(AppVlanTable, set("Vlan10"))
	e.produce(AppVlanMemberTable, set("Vlan10:Ethernet0", "tagging_mode", "untagged"), set("Vlan10:PortChannel1", "tagging_mode", "untagged"))
	e.until("LAG in Vlan10", func() bool { return e.asicCount(tVlanMember) == 2 && e.asicCount(tLagMember) == 1 })
	e.until("LAG oper up", func() bool { return e.stateRow("LAG_TABLE|PortChannel1")["oper_status"] == "up" })
	src, _ := net.ParseMAC("02:00:00:00:08:08")
	dst, _ := net.ParseMAC("02:00:00:00:00:99")
	in := ipv4Frame(dst, src, net.IPv4(10, 0, 10, 8), net.IPv4(10, 0, 10, 99), 64)
	sw.Captured("", true)
	if err := sw.Inject("Ethernet8", in); err != nil {
		t.Fatal(err)
	}
	if out := waitFrame(t, sw, "Ethernet0"); !bytes.Equal(out, in) {
		t.Fatalf("bridged frame changed:\n% x\n% x", out, in)
	}
	// Link down on the only member: the LAG goes down.
	if err := sw.SetLink("Ethernet8", false); err != nil {
		t.Fatal(err)
	}
	e.until("LAG oper down", func() bool {
		return e.stateRow("LAG_TABLE|PortChannel1")["oper_status"] == "down" && e.stateRow("PORT_TABLE|Ethernet8")["oper_status"] == "down"
	})
}
