package syncd

import (
	"context"
	"sync"
	"testing"

	"google.golang.org/grpc"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// swapHal serves one fake platform and, when armed, replaces it by another
// (a restarted, empty one) just before the next Write is applied — on the
// same connection, so the client cannot have noticed: the write reaches the
// new platform with the old platform's ids. That is the race the session
// fence closes, made deterministic.
type swapHal struct {
	halv1.UnimplementedHalServer
	mu   sync.Mutex
	cur  *fakeHal
	next *fakeHal
}

func (h *swapHal) platform() *fakeHal {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cur
}

func (h *swapHal) Hello(ctx context.Context, r *halv1.HelloRequest) (*halv1.HelloResponse, error) {
	return h.platform().Hello(ctx, r)
}

func (h *swapHal) Write(ctx context.Context, r *halv1.WriteRequest) (*halv1.WriteResponse, error) {
	h.mu.Lock()
	if h.next != nil {
		h.cur, h.next = h.next, nil
	}
	cur := h.cur
	h.mu.Unlock()
	return cur.Write(ctx, r)
}

func (h *swapHal) Get(ctx context.Context, r *halv1.GetRequest) (*halv1.GetResponse, error) {
	return h.platform().Get(ctx, r)
}

func (h *swapHal) List(r *halv1.ListRequest, s grpc.ServerStreamingServer[halv1.Object]) error {
	return h.platform().List(r, s)
}

func (h *swapHal) Subscribe(r *halv1.SubscribeRequest, s grpc.ServerStreamingServer[halv1.Event]) error {
	return h.platform().Subscribe(r, s)
}

// TestFenceUndoesMisdirectedWrite: a create that reached the restarted
// platform is removed there, ASIC_DB is replayed, and the create is sent
// again: the new platform ends with every object exactly once.
func TestFenceUndoesMisdirectedWrite(t *testing.T) {
	e := newEnv(t)
	f1 := newFakeHal("s1", 0x1000)
	h := &swapHal{cur: f1}
	serveHal(t, e.halSock, h)
	e.startSyncd()
	populate(e)

	f2 := newFakeHal("s2", 0x1000) // restarted: the same ids again
	h.mu.Lock()
	h.next = f2
	h.mu.Unlock()
	mm4 := e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC)
	r := e.call(Item{Key: "SAI_OBJECT_TYPE_MY_MAC:" + mm4, Op: opCreate, Fields: splitJoined(myMacAttrs(4, 10))})
	if r[0].Key != "SAI_STATUS_SUCCESS" {
		t.Fatalf("create: %+v", r[0])
	}
	f2.mu.Lock()
	nMyMac, nVlan, nRif, nRoute := f2.count(halv1.ObjectType_OBJECT_TYPE_MY_MAC), f2.count(halv1.ObjectType_OBJECT_TYPE_VLAN),
		f2.count(halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE), f2.count(halv1.ObjectType_OBJECT_TYPE_ROUTE_ENTRY)
	removes := f2.ops[halv1.Op_KIND_REMOVE]
	f2.mu.Unlock()
	if nMyMac != 4 || nVlan != 2 || nRif != 1 || nRoute != 1 {
		t.Fatalf("new platform holds MY_MAC %d VLAN %d RIF %d ROUTE %d, want 4 2 1 1", nMyMac, nVlan, nRif, nRoute)
	}
	if removes != 1 {
		t.Fatalf("removes on the new platform %d, want 1 (the undo)", removes)
	}
	rid, err := parseOID(e.asic.HGet(context.Background(), keyVIDToRID, mm4).Val())
	if err != nil {
		t.Fatal(err)
	}
	f2.mu.Lock()
	ok := f2.exists(rid)
	f2.mu.Unlock()
	if !ok {
		t.Fatalf("MY_MAC %s maps to %s, not held by the new platform", mm4, formatOID(rid))
	}
	if got := e.asic.HGet(context.Background(), keySyncdSession, "session_id").Val(); got != "s2" {
		t.Fatalf("session %q", got)
	}
}
