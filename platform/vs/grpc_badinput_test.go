package vs

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
)

// rawCodec sends bytes as they are: a client that speaks garbage.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// TestGRPCBadInput: malformed requests get a clear status and the server
// keeps serving.
func TestGRPCBadInput(t *testing.T) {
	s := serveSwitch(t, testConfig(2), Options{Logger: zerolog.Nop()})
	ctx := testCtx(t)
	alive := func() {
		t.Helper()
		if _, err := s.hal.Hello(ctx, &halv1.HelloRequest{}); err != nil {
			t.Fatalf("server stopped serving: %v", err)
		}
	}

	// Bytes that are not a protobuf message.
	cc, err := grpc.NewClient("unix://"+filepath.Join(s.dir, "hal.sock"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	garbage := []byte{0xff, 0xff, 0xff, 0xff, 0x0f, 0x01}
	var reply []byte
	err = cc.Invoke(ctx, "/hal.v1.Hal/Write", &garbage, &reply, grpc.ForceCodec(rawCodec{}))
	if status.Code(err) == codes.OK {
		t.Fatalf("garbage Write accepted: %x", reply)
	}
	alive()

	// One batch of malformed ops: a status each, the good op applied.
	resp, err := s.hal.Write(ctx, &halv1.WriteRequest{Ops: []*halv1.Op{
		nil,
		{Kind: halv1.Op_KIND_CREATE},
		createOp(halv1.ObjectType(1234)),
		createOp(tMyMAC, &halv1.Attribute{Id: "SAI_MY_MAC_ATTR_MAC_ADDRESS", Value: &halv1.Attribute_Mac{Mac: []byte{1}}}),
		createEntryOp(&halv1.ObjectKey{Type: tNeighbor, Key: &halv1.ObjectKey_NeighborEntry{}}),
		createEntryOp(&halv1.ObjectKey{Type: tRoute, Key: &halv1.ObjectKey_RouteEntry{RouteEntry: &halv1.RouteEntry{}}}),
		createOp(tVLAN, aU32("SAI_VLAN_ATTR_VLAN_ID", 42)),
		{Kind: halv1.Op_Kind(77), Key: &halv1.ObjectKey{Type: tVLAN}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []halv1.Status{halv1.Status_STATUS_INVALID_PARAMETER, halv1.Status_STATUS_INVALID_PARAMETER, halv1.Status_STATUS_INVALID_OBJECT_TYPE,
		halv1.Status_STATUS_INVALID_ATTR_VALUE, halv1.Status_STATUS_INVALID_PARAMETER, halv1.Status_STATUS_INVALID_PARAMETER,
		halv1.Status_STATUS_SUCCESS, halv1.Status_STATUS_INVALID_PARAMETER}
	if len(resp.GetResults()) != len(want) {
		t.Fatalf("%d results for %d ops", len(resp.GetResults()), len(want))
	}
	for i, r := range resp.GetResults() {
		if r.GetStatus() != want[i] {
			t.Errorf("op %d: %v (%s), want %v", i, r.GetStatus(), r.GetMessage(), want[i])
		}
		if r.GetStatus() != halv1.Status_STATUS_SUCCESS && r.GetMessage() == "" {
			t.Errorf("op %d: no message", i)
		}
	}

	// Get/List/GetStats with unknown types, keys and counters.
	if g, err := s.hal.Get(ctx, &halv1.GetRequest{Key: &halv1.ObjectKey{Type: 1234}}); err != nil || g.GetStatus() != halv1.Status_STATUS_INVALID_OBJECT_TYPE {
		t.Errorf("get unknown type: %v %v", g, err)
	}
	if g, err := s.hal.Get(ctx, &halv1.GetRequest{}); err != nil || g.GetStatus() != halv1.Status_STATUS_INVALID_PARAMETER {
		t.Errorf("get without key: %v %v", g, err)
	}
	ls, err := s.hal.List(ctx, &halv1.ListRequest{Type: 1234})
	if err == nil {
		_, err = ls.Recv()
	}
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("list unknown type: %v", err)
	}
	p0, _ := s.sw.PortOID("Ethernet0")
	if st, err := s.hal.GetStats(ctx, &halv1.GetStatsRequest{Key: oidKey(tPort, p0), CounterIds: []string{"SAI_PORT_STAT_BOGUS"}}); err != nil ||
		st.GetStatus() != halv1.Status_STATUS_INVALID_PARAMETER {
		t.Errorf("unknown counter: %v %v", st, err)
	}
	if st, err := s.hal.GetStats(ctx, &halv1.GetStatsRequest{Key: oidKey(tPort, 12345)}); err != nil || st.GetStatus() != halv1.Status_STATUS_ITEM_NOT_FOUND {
		t.Errorf("stats of a missing port: %v %v", st, err)
	}

	// Control service: oversized, short, unknown port.
	for _, tc := range []struct {
		name  string
		req   *vsv1.InjectRequest
		codes codes.Code
	}{
		{"oversized frame", &vsv1.InjectRequest{Port: "Ethernet0", Frame: make([]byte, MaxFrame+1)}, codes.InvalidArgument},
		{"short frame", &vsv1.InjectRequest{Port: "Ethernet0", Frame: []byte{1, 2, 3}}, codes.InvalidArgument},
		{"unknown port", &vsv1.InjectRequest{Port: "Ethernet99", Frame: l2Frame(bcast, hostA, 0)}, codes.NotFound},
	} {
		if _, err := s.ctl.Inject(ctx, tc.req); status.Code(err) != tc.codes {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.codes)
		}
	}
	if _, err := s.ctl.SetLink(ctx, &vsv1.SetLinkRequest{Port: "nope"}); status.Code(err) != codes.NotFound {
		t.Errorf("set link on an unknown port: %v", err)
	}
	alive()
}

// TestGRPCPacketIO: a trapped LLDPDU reaches the PacketIO stream with its
// ingress port; frames sent on the stream leave their port as they are;
// a bad frame does not end the stream.
func TestGRPCPacketIO(t *testing.T) {
	s := serveSwitch(t, testConfig(2), Options{Logger: zerolog.Nop()})
	ctx := testCtx(t)
	ts := &tsw{t: t, sw: s.sw}
	ts.up("Ethernet0", "Ethernet4")
	ts.trap(trapLLDP, actTrap)
	stream, err := s.hal.PacketIO(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "PacketIO subscriber", func() bool { return s.sw.punts.len() == 1 })
	lldp := lldpFrame(hostA)
	if _, err := s.ctl.Inject(ctx, &vsv1.InjectRequest{Port: "Ethernet4", Frame: lldp}); err != nil {
		t.Fatal(err)
	}
	in, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if in.GetIngressPort() != ts.port("Ethernet4") || in.GetTrap() != trapLLDP || !bytes.Equal(in.GetFrame(), lldp) {
		t.Fatalf("punted %v", in)
	}

	// Out: a bad frame, a frame to a missing port, then a good one.
	outFrame := lldpFrame(hostB)
	for _, p := range []*halv1.PacketOut{
		{EgressPort: ts.port("Ethernet0"), Frame: make([]byte, MaxFrame+1)},
		{EgressPort: 999, Frame: outFrame},
		{EgressPort: ts.port("Ethernet0"), Frame: outFrame},
	} {
		if err := stream.Send(p); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "packet out captured", func() bool {
		frames, _ := s.sw.Captured("Ethernet0", false)
		return len(frames) == 1 && bytes.Equal(frames[0].Frame, outFrame)
	})
	if n := s.sw.packetOutErrors.Load(); n != 2 {
		t.Errorf("packet out errors %d, want 2", n)
	}
	// The stream is still alive.
	if _, err := s.ctl.Inject(ctx, &vsv1.InjectRequest{Port: "Ethernet0", Frame: lldp}); err != nil {
		t.Fatal(err)
	}
	if in, err := stream.Recv(); err != nil || in.GetIngressPort() != ts.port("Ethernet0") {
		t.Fatalf("after bad frames: %v %v", in, err)
	}
	st, err := s.hal.GetStats(ctx, &halv1.GetStatsRequest{Key: oidKey(tPort, ts.port("Ethernet0"))})
	if err != nil || st.GetStatus() != halv1.Status_STATUS_SUCCESS {
		t.Fatal(st, err)
	}
	stats := map[string]uint64{}
	for _, c := range st.GetCounters() {
		stats[c.GetId()] = c.GetValue()
	}
	if stats["SAI_PORT_STAT_IF_IN_NON_UCAST_PKTS"] != 1 || stats["SAI_PORT_STAT_IF_OUT_NON_UCAST_PKTS"] != 1 {
		t.Errorf("port stats %v", stats)
	}
}
