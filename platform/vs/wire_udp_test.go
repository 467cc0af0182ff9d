package vs

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/rs/zerolog"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
)

// freeUDPAddrs reserves n loopback UDP ports (bound then released).
func freeUDPAddrs(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	var conns []*net.UDPConn
	for i := 0; i < n; i++ {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		out = append(out, c.LocalAddr().String())
	}
	for _, c := range conns {
		c.Close()
	}
	return out
}

// eventWatcher collects a Subscribe stream's events.
type eventWatcher struct {
	ch chan *halv1.Event
}

func watchEvents(t *testing.T, ctx context.Context, hal halv1.HalClient) *eventWatcher {
	t.Helper()
	stream, err := hal.Subscribe(ctx, &halv1.SubscribeRequest{})
	if err != nil {
		t.Fatal(err)
	}
	w := &eventWatcher{ch: make(chan *halv1.Event, 1024)}
	go func() {
		defer close(w.ch)
		for {
			ev, err := stream.Recv()
			if err != nil {
				return
			}
			w.ch <- ev
		}
	}()
	return w
}

// waitOper waits for a port oper event with the wanted state.
func (w *eventWatcher) waitOper(t *testing.T, port uint64, up bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-w.ch:
			if !ok {
				t.Fatalf("event stream ended before port %#x went up=%v", port, up)
			}
			if o := ev.GetPortOperStatus(); o != nil && o.GetPortId() == port && o.GetUp() == up {
				return
			}
		case <-timeout:
			t.Fatalf("port %#x never reported up=%v", port, up)
		}
	}
}

// halSetup configures a switch over gRPC: ports admin up, VLAN 10 with the
// given ports untagged.
func halSetup(t *testing.T, ctx context.Context, hal halv1.HalClient, names ...string) {
	t.Helper()
	hello, err := hal.Hello(ctx, &halv1.HelloRequest{Client: "test"})
	if err != nil {
		t.Fatal(err)
	}
	oids := map[string]uint64{}
	for _, p := range hello.GetPorts() {
		oids[p.GetName()] = p.GetOid()
	}
	write := func(ops ...*halv1.Op) []*halv1.Result {
		t.Helper()
		resp, err := hal.Write(ctx, &halv1.WriteRequest{Ops: ops, Mode: halv1.WriteRequest_MODE_STOP_ON_ERROR})
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range resp.GetResults() {
			if r.GetStatus() != halv1.Status_STATUS_SUCCESS {
				t.Fatalf("op %d: %v %s", i, r.GetStatus(), r.GetMessage())
			}
		}
		return resp.GetResults()
	}
	vlan := write(createOp(tVLAN, aU32("SAI_VLAN_ATTR_VLAN_ID", 10)))[0].GetOid()
	for _, n := range names {
		bp := write(createOp(tBridgePt, aEnum("SAI_BRIDGE_PORT_ATTR_TYPE", bpTypePort), aOID("SAI_BRIDGE_PORT_ATTR_PORT_ID", oids[n]),
			aBool("SAI_BRIDGE_PORT_ATTR_ADMIN_STATE", true)))[0].GetOid()
		write(createOp(tVLANMem, aOID("SAI_VLAN_MEMBER_ATTR_VLAN_ID", vlan), aOID("SAI_VLAN_MEMBER_ATTR_BRIDGE_PORT_ID", bp)),
			setOp(oidKey(tPort, oids[n]), aU32("SAI_PORT_ATTR_PORT_VLAN_ID", 10)),
			setOp(oidKey(tPort, oids[n]), aBool("SAI_PORT_ATTR_ADMIN_STATE", true)))
	}
}

// waitCaptured polls a switch's captures on a port for a frame containing marker.
func waitCaptured(t *testing.T, ctx context.Context, ctl vsv1.VsControlClient, port string, marker []byte) []byte {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := ctl.Captured(ctx, &vsv1.CapturedRequest{Port: port})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range resp.GetFrames() {
			if bytes.Contains(f.GetFrame(), marker) {
				return f.GetFrame()
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no frame with %q captured on %s", marker, port)
	return nil
}

// TestTwoSwitchesOverUDP: two virtual switches served over gRPC, wired by
// UDP: oper status follows on both ends, a frame injected on A crosses
// the wire and is bridged by B, pulling the cable takes both ends down,
// and stopping A takes B's end down.
func TestTwoSwitchesOverUDP(t *testing.T) {
	addrs := freeUDPAddrs(t, 2)
	cfgA := &Config{SwitchMAC: "00:01:e8:00:00:0c", UDPHello: 50 * time.Millisecond, Ports: []PortConfig{
		{Name: "Ethernet0", Lanes: []uint32{0}, Wire: WireConfig{Type: WireUDP, Local: addrs[0], Peer: addrs[1]}},
		{Name: "Ethernet4", Lanes: []uint32{4}},
	}}
	cfgB := &Config{SwitchMAC: "00:01:e8:00:00:0d", UDPHello: 50 * time.Millisecond, Ports: []PortConfig{
		{Name: "Ethernet0", Lanes: []uint32{0}, Wire: WireConfig{Type: WireUDP, Local: addrs[1], Peer: addrs[0]}},
		{Name: "Ethernet4", Lanes: []uint32{4}},
	}}
	a := serveSwitch(t, cfgA, Options{Logger: zerolog.Nop()})
	b := serveSwitch(t, cfgB, Options{Logger: zerolog.Nop()})
	ctx := testCtx(t)
	evA, evB := watchEvents(t, ctx, a.hal), watchEvents(t, ctx, b.hal)
	a0, _ := a.sw.PortOID("Ethernet0")
	b0, _ := b.sw.PortOID("Ethernet0")

	halSetup(t, ctx, a.hal, "Ethernet0", "Ethernet4")
	halSetup(t, ctx, b.hal, "Ethernet0", "Ethernet4")
	evA.waitOper(t, a0, true)
	evB.waitOper(t, b0, true)

	frame := l2Frame(bcast, hostA, 0)
	if _, err := a.ctl.Inject(ctx, &vsv1.InjectRequest{Port: "Ethernet4", Frame: frame}); err != nil {
		t.Fatal(err)
	}
	got := waitCaptured(t, ctx, b.ctl, "Ethernet4", []byte("vltgw test payload"))
	if !bytes.Equal(got, frame) {
		t.Errorf("frame changed on the way:\n%x\n%x", got, frame)
	}
	// B learned hostA on its wire port: a reply is bridged back to A.
	reply := l2Frame(hostA, hostB, 0)
	copy(reply[len(reply)-8:], "REPLY-01")
	if _, err := b.ctl.Inject(ctx, &vsv1.InjectRequest{Port: "Ethernet4", Frame: reply}); err != nil {
		t.Fatal(err)
	}
	waitCaptured(t, ctx, a.ctl, "Ethernet4", []byte("REPLY-01"))
	counters, err := b.ctl.Counters(ctx, &vsv1.CountersRequest{})
	if err != nil || counters.GetStages()["bridged"] != 1 || counters.GetStages()["flooded"] != 1 {
		t.Errorf("B counters %v %v", counters.GetStages(), err)
	}

	// Pull the cable on A: both ends go down, then come back.
	if _, err := a.ctl.SetLink(ctx, &vsv1.SetLinkRequest{Port: "Ethernet0", Up: false}); err != nil {
		t.Fatal(err)
	}
	evA.waitOper(t, a0, false)
	evB.waitOper(t, b0, false)
	if _, err := a.ctl.SetLink(ctx, &vsv1.SetLinkRequest{Port: "Ethernet0", Up: true}); err != nil {
		t.Fatal(err)
	}
	evA.waitOper(t, a0, true)
	evB.waitOper(t, b0, true)

	// Admin down on B's end takes A's end down too.
	if _, err := b.hal.Write(ctx, &halv1.WriteRequest{Ops: []*halv1.Op{setOp(oidKey(tPort, b0), aBool("SAI_PORT_ATTR_ADMIN_STATE", false))}}); err != nil {
		t.Fatal(err)
	}
	evA.waitOper(t, a0, false)
	evB.waitOper(t, b0, false)
	if _, err := b.hal.Write(ctx, &halv1.WriteRequest{Ops: []*halv1.Op{setOp(oidKey(tPort, b0), aBool("SAI_PORT_ATTR_ADMIN_STATE", true))}}); err != nil {
		t.Fatal(err)
	}
	evA.waitOper(t, a0, true)
	evB.waitOper(t, b0, true)

	// Stopping A: A's Subscribe stream gets the shutdown event, B's end goes down.
	a.sw.Close()
	evB.waitOper(t, b0, false)
	for ev := range evA.ch {
		if ev.GetSwitchShutdown() != nil {
			return
		}
	}
	t.Fatal("A's event stream ended without a switch shutdown event")
}

// TestUDPWireRejectsOversize: Send refuses frames over MaxFrame; a peer
// sending one is counted as an oversize drop.
func TestUDPWireRejectsOversize(t *testing.T) {
	addrs := freeUDPAddrs(t, 2)
	w, err := newUDPWire(addrs[0], addrs[1], 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	h := &recHandler{frames: make(chan []byte, 4), over: make(chan int, 4)}
	w.Start(h)
	defer w.Close()
	w.SetLocalUp(true)
	if err := w.Send(make([]byte, MaxFrame+1)); err == nil {
		t.Fatal("oversized frame sent")
	}
	peer, err := net.ListenUDP("udp", mustUDPAddr(addrs[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	big := append([]byte{'V', 'S', 1, 0}, make([]byte, MaxFrame+10)...)
	if _, err := peer.WriteToUDP(big, mustUDPAddr(addrs[0])); err != nil {
		t.Fatal(err)
	}
	small := append([]byte{'V', 'S', 1, 0}, l2Frame(bcast, hostA, 0)...)
	if _, err := peer.WriteToUDP(small, mustUDPAddr(addrs[0])); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-h.over:
		if n <= MaxFrame {
			t.Errorf("oversize reported %d", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("oversize not reported")
	}
	select {
	case f := <-h.frames:
		if !bytes.Contains(f, []byte("vltgw test payload")) {
			t.Errorf("frame %x", f)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("normal frame after the oversized one not delivered")
	}
}

func mustUDPAddr(s string) *net.UDPAddr {
	a, err := net.ResolveUDPAddr("udp", s)
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return a
}

type recHandler struct {
	frames chan []byte
	over   chan int
}

func (h *recHandler) Frame(f []byte) {
	select {
	case h.frames <- f:
	default:
	}
}
func (h *recHandler) Carrier(bool) {}
func (h *recHandler) Oversize(n int) {
	select {
	case h.over <- n:
	default:
	}
}

// TestUDPWireDeadPeer: carrier comes up on the peer's link datagrams and
// goes down when they stop (three missed hellos), without any "down".
func TestUDPWireDeadPeer(t *testing.T) {
	addrs := freeUDPAddrs(t, 2)
	w, err := newUDPWire(addrs[0], addrs[1], 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	h := &carrierRec{recHandler: recHandler{frames: make(chan []byte, 4), over: make(chan int, 4)}, carrier: make(chan bool, 16)}
	w.Start(h)
	defer w.Close()
	w.SetLocalUp(true)
	peer, err := net.ListenUDP("udp", mustUDPAddr(addrs[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // a peer that is up and hears us, until it dies
		defer close(done)
		for {
			_, _ = peer.WriteToUDP([]byte{'V', 'S', 1, 1, 3}, mustUDPAddr(addrs[0]))
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	waitCarrier(t, h.carrier, true)
	close(stop)
	<-done
	waitCarrier(t, h.carrier, false)
}
