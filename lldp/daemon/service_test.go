package daemon

import (
	"context"
	"net"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/grpc"

	"github.com/vltgw/vltgw/hal/halclient"
	"github.com/vltgw/vltgw/lldp"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss/redistest"
)

// fakeHAL serves Hello and PacketIO on a real unix-socket gRPC server:
// frames pgwlldpd sends arrive on sent; frames put on inject are punted.
type fakeHAL struct {
	halv1.UnimplementedHalServer
	sent   chan *halv1.PacketOut
	inject chan *halv1.PacketIn
	// ended gets one value per PacketIO stream, once every frame of that
	// stream is on sent.
	ended chan struct{}
}

const oidEth8 = 0x1000000000009

func (f *fakeHAL) Hello(context.Context, *halv1.HelloRequest) (*halv1.HelloResponse, error) {
	return &halv1.HelloResponse{Version: "fake", SessionId: "s1", SwitchMac: []byte{0, 1, 0xe8, 0, 1, 0xc},
		Ports: []*halv1.PortInfo{{Oid: oidEth8, Name: "Ethernet8"}, {Oid: oidEth8 + 1, Name: "Ethernet12"}}}, nil
}

func (f *fakeHAL) PacketIO(stream halv1.Hal_PacketIOServer) error {
	errc := make(chan error, 1)
	go func() {
		for {
			p, err := stream.Recv()
			if err != nil {
				select {
				case f.ended <- struct{}{}:
				default:
				}
				errc <- err
				return
			}
			f.sent <- p
		}
	}()
	for {
		select {
		case p := <-f.inject:
			if err := stream.Send(p); err != nil {
				return err
			}
		case err := <-errc:
			return err
		case <-stream.Context().Done():
			return nil
		}
	}
}

func startFakeHAL(t testing.TB) (*fakeHAL, string) {
	sock := filepath.Join(t.TempDir(), "hal.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeHAL{sent: make(chan *halv1.PacketOut, 64), inject: make(chan *halv1.PacketIn, 8), ended: make(chan struct{}, 4)}
	srv := grpc.NewServer()
	halv1.RegisterHalServer(srv, f)
	go srv.Serve(l)
	t.Cleanup(srv.Stop)
	return f, sock
}

// nextLLDPDU waits for a frame on Ethernet8 and decodes it.
func nextLLDPDU(t *testing.T, f *fakeHAL, ttl func(uint16) bool) lldp.PDU {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case p := <-f.sent:
			if p.GetEgressPort() != oidEth8 {
				t.Fatalf("LLDPDU sent on port oid %x, want Ethernet8 (%x)", p.GetEgressPort(), oidEth8)
			}
			pdu, err := lldp.Decode(p.GetFrame())
			if err != nil {
				t.Fatalf("sent frame does not decode: %v", err)
			}
			if ttl(pdu.TTL) {
				return pdu
			}
		case <-deadline:
			t.Fatal("no LLDPDU sent")
		}
	}
}

func TestServiceLearnsAndWithdraws(t *testing.T) {
	srv := redistest.Start(t)
	hal, halSock := startFakeHAL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	app, cfg, state := srv.Client(0), srv.Client(4), srv.Client(6)
	// What cfgmgrd + orchagent leave in APP_DB (applied rows) for C1.
	app.HSet(ctx, "VLT_PROXY_GW_TABLE:2", "mode", "lldp", "peer_domain_link", "PortChannel100", "vlt_peer_mac_transmit", "false")
	app.HSet(ctx, "VLT_DOMAIN_TABLE:2", "peer_routing", "true", "peer_mac", "00:01:e8:00:01:0d")
	app.HSet(ctx, "LAG_MEMBER_TABLE:PortChannel100:Ethernet8", "status", "enabled")
	app.HSet(ctx, "LLDP_GLOBAL_TABLE:global", "hello_time", "5", "multiplier", "2")
	cfg.HSet(ctx, "DEVICE_METADATA|localhost", "mac", "00:01:e8:00:01:0c", "hostname", "C1")
	state.HSet(ctx, "PORT_TABLE|Ethernet8", "oper_status", "up")

	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{DBConfig: srv.DBConfig(), HAL: halclient.Options{Address: halSock}, Log: zerolog.Nop()})
	}()

	// Our LLDPDU goes out on the member port with our MAC and TTL 10.
	pdu := nextLLDPDU(t, hal, func(ttl uint16) bool { return ttl > 0 })
	if pdu.TTL != 10 || !reflect.DeepEqual(pdu.MACs, []lldp.MAC{mustMAC(t, "00:01:e8:00:01:0c")}) || pdu.SystemName != "C1" {
		t.Fatalf("sent PDU %+v", pdu)
	}

	// C advertises its MAC (and D's, and our peer's, which is ignored).
	frame, err := lldp.Encode(&lldp.PDU{Src: mustMAC(t, "00:01:e8:00:00:0c"), ChassisID: lldp.ChassisMAC(mustMAC(t, "00:01:e8:00:00:0c")),
		PortID: lldp.PortName("Ethernet8"), TTL: 120, SystemName: "C",
		MACs: []lldp.MAC{mustMAC(t, "00:01:e8:00:00:0c"), mustMAC(t, "00:01:e8:00:00:0d"), mustMAC(t, "00:01:e8:00:01:0d")}})
	if err != nil {
		t.Fatal(err)
	}
	hal.inject <- &halv1.PacketIn{IngressPort: oidEth8, Trap: "SAI_HOSTIF_TRAP_TYPE_LLDP", Frame: frame}
	waitFor(t, func() bool {
		m := app.SMembers(ctx, "VLT_PROXY_GW_LEARNED_MAC_TABLE_KEY_SET").Val()
		return len(m) == 2
	}, "two learned MACs in APP_DB")
	staged := app.HGetAll(ctx, "_VLT_PROXY_GW_LEARNED_MAC_TABLE:2:00:01:e8:00:00:0c").Val()
	if staged["learned_on"] != "Ethernet8" || staged["neighbor"] == "" {
		t.Fatalf("staged learned MAC %v", staged)
	}
	nb := state.HGetAll(ctx, "VLT_PROXY_GW_NEIGHBOR_TABLE|Ethernet8|"+lldp.ChassisMAC(mustMAC(t, "00:01:e8:00:00:0c")).String()).Val()
	if nb["macs"] == "" || nb["ttl"] != "120" {
		t.Fatalf("neighbour row %v", nb)
	}
	// Simulate orchagent consuming the learned MACs.
	app.Del(ctx, "VLT_PROXY_GW_LEARNED_MAC_TABLE_KEY_SET", "_VLT_PROXY_GW_LEARNED_MAC_TABLE:2:00:01:e8:00:00:0c", "_VLT_PROXY_GW_LEARNED_MAC_TABLE:2:00:01:e8:00:00:0d")

	// The member port goes down: the MACs are withdrawn at once.
	start := time.Now()
	state.HSet(ctx, "PORT_TABLE|Ethernet8", "oper_status", "down")
	waitFor(t, func() bool {
		return len(app.SMembers(ctx, "VLT_PROXY_GW_LEARNED_MAC_TABLE_DEL_SET").Val()) == 2
	}, "both MACs withdrawn")
	t.Logf("port down → learned MACs withdrawn in APP_DB after %v", time.Since(start))
	waitFor(t, func() bool {
		return len(state.Keys(ctx, "VLT_PROXY_GW_NEIGHBOR_TABLE|*").Val()) == 0
	}, "neighbour row removed")
	if c := srv.Client(2).HGetAll(ctx, "VLT_PROXY_GW_LLDP_COUNTERS:Ethernet8").Val(); c["rx"] != "1" || c["tx"] == "0" {
		t.Fatalf("counters %v", c)
	}

	// Stopping (a restart, an upgrade) sends no shutdown LLDPDU by
	// default: the other domain keeps proxying our MACs for the TTL.
	state.HSet(ctx, "PORT_TABLE|Ethernet8", "oper_status", "up")
	nextLLDPDU(t, hal, func(ttl uint16) bool { return ttl > 0 })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	select {
	case <-hal.ended:
	case <-time.After(20 * time.Second):
		t.Fatal("PacketIO stream not closed after Run returned")
	}
	for len(hal.sent) > 0 {
		p := <-hal.sent
		if pdu, err := lldp.Decode(p.GetFrame()); err == nil && pdu.TTL == 0 {
			t.Fatal("shutdown LLDPDU sent on a daemon stop without ShutdownOnStop")
		}
	}
}

// TestShutdownOnStop: with ShutdownOnStop the daemon's stop sends a
// shutdown LLDPDU (TTL 0) on every up member port.
func TestShutdownOnStop(t *testing.T) {
	srv := redistest.Start(t)
	hal, halSock := startFakeHAL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	app, cfg, state := srv.Client(0), srv.Client(4), srv.Client(6)
	app.HSet(ctx, "VLT_PROXY_GW_TABLE:2", "mode", "lldp", "peer_domain_link", "PortChannel100", "vlt_peer_mac_transmit", "false")
	app.HSet(ctx, "VLT_DOMAIN_TABLE:2", "peer_routing", "true", "peer_mac", "00:01:e8:00:01:0d")
	app.HSet(ctx, "LAG_MEMBER_TABLE:PortChannel100:Ethernet8", "status", "enabled")
	cfg.HSet(ctx, "DEVICE_METADATA|localhost", "mac", "00:01:e8:00:01:0c", "hostname", "C1")
	state.HSet(ctx, "PORT_TABLE|Ethernet8", "oper_status", "up")
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{DBConfig: srv.DBConfig(), HAL: halclient.Options{Address: halSock}, Log: zerolog.Nop(), ShutdownOnStop: true})
	}()
	nextLLDPDU(t, hal, func(ttl uint16) bool { return ttl > 0 })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	nextLLDPDU(t, hal, func(ttl uint16) bool { return ttl == 0 })
}

func mustMAC(t *testing.T, s string) lldp.MAC {
	m, err := lldp.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
