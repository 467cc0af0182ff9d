package vs

import (
	"errors"
	"io"
	"testing"

	"github.com/rs/zerolog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// TestGRPCSessionCheck: Write, Get, GetStats and List carrying another
// session id are refused with FailedPrecondition naming the current
// session, and nothing is applied; the matching session and no session at
// all are served.
func TestGRPCSessionCheck(t *testing.T) {
	s := serveSwitch(t, testConfig(4), Options{Logger: zerolog.Nop()})
	ctx := testCtx(t)
	hello, err := s.hal.Hello(ctx, &halv1.HelloRequest{Client: "test"})
	if err != nil {
		t.Fatal(err)
	}
	cur := hello.GetSessionId()
	stale := halv1.WithSession(ctx, "0123456789abcdef")
	same := halv1.WithSession(ctx, cur)
	myMACs := func() int {
		objs, err := s.sw.List(tMyMAC)
		if err != nil {
			t.Fatal(err)
		}
		return len(objs)
	}
	create := &halv1.WriteRequest{Ops: []*halv1.Op{createOp(tMyMAC,
		aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", "02:00:00:00:00:01"), aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK", "ff:ff:ff:ff:ff:ff"))}}
	refused := func(what string, err error) {
		t.Helper()
		if status.Code(err) != codes.FailedPrecondition {
			t.Fatalf("%s with a stale session: %v, want FailedPrecondition", what, err)
		}
		got, ok := halv1.SessionMismatchOf(err)
		if !ok || got != cur {
			t.Fatalf("%s: mismatch %v %q, want the current session %q (%v)", what, ok, got, cur, err)
		}
	}

	// Stale: refused, nothing applied.
	_, err = s.hal.Write(stale, create)
	refused("write", err)
	if n := myMACs(); n != 0 {
		t.Fatalf("refused write applied: %d MY_MAC", n)
	}
	_, err = s.hal.Get(stale, &halv1.GetRequest{Key: oidKey(tSwitch, hello.GetSwitchId())})
	refused("get", err)
	_, err = s.hal.GetStats(stale, &halv1.GetStatsRequest{Key: oidKey(tPort, hello.GetPorts()[0].GetOid())})
	refused("get stats", err)
	ls, err := s.hal.List(stale, &halv1.ListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	o, err := ls.Recv()
	if o != nil {
		t.Fatalf("list with a stale session sent %v", o)
	}
	refused("list", err)

	// Matching and missing: served.
	for i, tc := range []struct {
		name  string
		hasMD bool
	}{{"matching", true}, {"missing", false}} {
		cctx := ctx
		if tc.hasMD {
			cctx = same
		}
		req := &halv1.WriteRequest{Ops: []*halv1.Op{createOp(tMyMAC,
			aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS", "02:00:00:00:01:0"+string(rune('1'+i))), aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK", "ff:ff:ff:ff:ff:ff"))}}
		resp, err := s.hal.Write(cctx, req)
		if err != nil || resp.GetResults()[0].GetStatus() != halv1.Status_STATUS_SUCCESS {
			t.Fatalf("%s session: write %v %v", tc.name, resp, err)
		}
		if n := myMACs(); n != i+1 {
			t.Fatalf("%s session: %d MY_MAC, want %d", tc.name, n, i+1)
		}
		if g, err := s.hal.Get(cctx, &halv1.GetRequest{Key: oidKey(tMyMAC, resp.GetResults()[0].GetOid())}); err != nil || g.GetStatus() != halv1.Status_STATUS_SUCCESS {
			t.Fatalf("%s session: get %v %v", tc.name, g, err)
		}
		if _, err := s.hal.GetStats(cctx, &halv1.GetStatsRequest{Key: oidKey(tPort, hello.GetPorts()[0].GetOid())}); err != nil {
			t.Fatalf("%s session: get stats %v", tc.name, err)
		}
		ls, err := s.hal.List(cctx, &halv1.ListRequest{Type: tMyMAC})
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for {
			_, err := ls.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s session: list %v", tc.name, err)
			}
			got++
		}
		if got != i+1 {
			t.Fatalf("%s session: list %d MY_MAC, want %d", tc.name, got, i+1)
		}
	}
}
