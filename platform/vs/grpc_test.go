package vs

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
)

// served is a switch served on real unix sockets in a temp directory.
type served struct {
	sw  *Switch
	srv *Server
	hal halv1.HalClient
	ctl vsv1.VsControlClient
	dir string
}

// shortTempDir: unix socket paths must stay under 108 bytes.
func shortTempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "vs")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func serveSwitch(t testing.TB, cfg *Config, opts Options) *served {
	t.Helper()
	if opts.AgingInterval == 0 {
		opts.AgingInterval = -1
	}
	sw, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	dir := shortTempDir(t)
	srv, err := Listen(sw, ServeOptions{HALSocket: filepath.Join(dir, "hal.sock"), ControlSocket: filepath.Join(dir, "ctl.sock")})
	if err != nil {
		sw.Close()
		t.Fatal(err)
	}
	srv.Start()
	dial := func(name string) *grpc.ClientConn {
		cc, err := grpc.NewClient("unix://"+filepath.Join(dir, name), grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(256<<20), grpc.MaxCallSendMsgSize(256<<20)))
		if err != nil {
			t.Fatal(err)
		}
		return cc
	}
	halConn, ctlConn := dial("hal.sock"), dial("ctl.sock")
	t.Cleanup(func() {
		halConn.Close()
		ctlConn.Close()
		sw.Close()
		srv.Stop(time.Second)
	})
	return &served{sw: sw, srv: srv, hal: halv1.NewHalClient(halConn), ctl: vsv1.NewVsControlClient(ctlConn), dir: dir}
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestGRPCHelloWriteGetList(t *testing.T) {
	s := serveSwitch(t, testConfig(4), Options{Logger: zerolog.Nop()})
	ctx := testCtx(t)
	hello, err := s.hal.Hello(ctx, &halv1.HelloRequest{Client: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if hello.GetVersion() == "" || len(hello.GetSessionId()) != 16 || hello.GetSwitchId() == 0 || len(hello.GetSwitchMac()) != 6 {
		t.Fatalf("hello %v", hello)
	}
	if len(hello.GetPorts()) != 4 || hello.GetPorts()[1].GetName() != "Ethernet4" || hello.GetPorts()[1].GetLanes()[0] != 4 ||
		hello.GetPorts()[1].GetSpeed() != 100000 || hello.GetPorts()[1].GetOperUp() {
		t.Fatalf("hello ports %v", hello.GetPorts())
	}
	var myMACCap uint32
	for _, tb := range hello.GetTables() {
		if tb.GetType() == tMyMAC {
			myMACCap = tb.GetCapacity()
		}
	}
	if myMACCap != DefaultMyMACCapacity {
		t.Errorf("MY_MAC capacity %d, want %d", myMACCap, DefaultMyMACCapacity)
	}

	// The switch's attributes lead to the platform's objects.
	sw, err := s.hal.Get(ctx, &halv1.GetRequest{Key: oidKey(tSwitch, hello.GetSwitchId())})
	if err != nil || sw.GetStatus() != halv1.Status_STATUS_SUCCESS {
		t.Fatalf("get switch: %v %v", sw, err)
	}
	got := map[string]*halv1.Attribute{}
	for _, a := range sw.GetAttrs() {
		got[a.GetId()] = a
	}
	for _, id := range []string{"SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID", "SAI_SWITCH_ATTR_DEFAULT_1Q_BRIDGE_ID",
		"SAI_SWITCH_ATTR_DEFAULT_VLAN_ID", "SAI_SWITCH_ATTR_CPU_PORT", "SAI_SWITCH_ATTR_DEFAULT_TRAP_GROUP"} {
		if got[id].GetOid() == 0 {
			t.Errorf("%s not set", id)
		}
	}
	if n := len(got["SAI_SWITCH_ATTR_PORT_LIST"].GetOidList().GetOids()); n != 4 || got["SAI_SWITCH_ATTR_PORT_NUMBER"].GetU32() != 4 {
		t.Errorf("port list %d", n)
	}
	vlan1, err := s.hal.Get(ctx, &halv1.GetRequest{Key: oidKey(tVLAN, got["SAI_SWITCH_ATTR_DEFAULT_VLAN_ID"].GetOid()), AttrIds: []string{"SAI_VLAN_ATTR_VLAN_ID"}})
	if err != nil || vlan1.GetAttrs()[0].GetU32() != 1 {
		t.Fatalf("default VLAN: %v %v", vlan1, err)
	}

	// A bulk write: VLAN then MY_MAC entries, one status each.
	resp, err := s.hal.Write(ctx, &halv1.WriteRequest{Ops: []*halv1.Op{
		createOp(tVLAN, aU32("SAI_VLAN_ATTR_VLAN_ID", 10)),
		createOp(tMyMAC, aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:e8:00:00:0c"), aU32("SAI_MY_MAC_ATTR_VLAN_ID", 10)),
		createOp(tMyMAC, aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:e8:00:00:0c"), aU32("SAI_MY_MAC_ATTR_VLAN_ID", 10)),
		createOp(tMyMAC, aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", "00:01:e8:00:00:0d"), aU32("SAI_MY_MAC_ATTR_VLAN_ID", 10)),
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []halv1.Status{halv1.Status_STATUS_SUCCESS, halv1.Status_STATUS_SUCCESS, halv1.Status_STATUS_ITEM_ALREADY_EXISTS, halv1.Status_STATUS_SUCCESS}
	for i, r := range resp.GetResults() {
		if r.GetStatus() != want[i] {
			t.Errorf("op %d: %v (%s), want %v", i, r.GetStatus(), r.GetMessage(), want[i])
		}
	}
	if oid := resp.GetResults()[1].GetOid(); oid>>48 != uint64(tMyMAC) || oid&ridMarker == 0 {
		t.Errorf("MY_MAC rid %#x does not encode its type", oid)
	}

	// List everything: dependency order, the new objects included.
	stream, err := s.hal.List(ctx, &halv1.ListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var types []halv1.ObjectType
	for {
		o, err := stream.Recv()
		if err != nil {
			break
		}
		types = append(types, o.GetKey().GetType())
	}
	count := map[halv1.ObjectType]int{}
	last := -1
	for _, tp := range types {
		count[tp]++
		r := rankOf(tp)
		if r < last {
			t.Fatalf("List out of dependency order: %v", types)
		}
		last = r
	}
	if count[tMyMAC] != 2 || count[tVLAN] != 2 || count[tPort] != 5 || count[tSwitch] != 1 {
		t.Errorf("listed %v", count)
	}
}

func rankOf(t halv1.ObjectType) int { return sai.DependencyRank(t) }
