package syncd

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// swapHal serves one fake platform and, when armed, replaces it by another
// (a restarted, empty one) just before the next Write is applied — on the
// same connection, so the client cannot have noticed: the write reaches the
// new platform with the old platform's ids. That is the race the platform's
// session check closes, made deterministic.
type swapHal struct {
	halv1.UnimplementedHalServer
	mu   sync.Mutex
	cur  *fakeHal
	next *fakeHal
	// Hellos served
	hellos atomic.Int64
}

func (h *swapHal) platform() *fakeHal {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cur
}

func (h *swapHal) Hello(ctx context.Context, r *halv1.HelloRequest) (*halv1.HelloResponse, error) {
	h.hellos.Add(1)
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

// TestStaleWriteRefused: a create sent after the platform restarted, on the
// same connection (the client cannot have noticed), reaches the new, empty
// platform carrying the old session; the platform refuses it before
// applying anything, syncd replays ASIC_DB into the new platform and sends
// the create again: the new platform ends with every object exactly once,
// nothing had to be undone, and no Hello was needed while the platform
// stayed up.
func TestStaleWriteRefused(t *testing.T) {
	e := newEnv(t)
	f1 := newFakeHal("s1", 0x1000)
	h := &swapHal{cur: f1}
	serveHal(t, e.halSock, h)
	e.startSyncd()
	populate(e)
	hellos := h.hellos.Load()

	// The platform stays up: a write costs no Hello.
	mm5 := e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC)
	e.mustSucceedFake(e.call(Item{Key: "SAI_OBJECT_TYPE_MY_MAC:" + mm5, Op: opCreate, Fields: splitJoined(myMacAttrs(5, 10))}))
	if n := h.hellos.Load() - hellos; n != 0 {
		t.Fatalf("%d Hello around a write while the platform stayed up, want 0", n)
	}

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
	removes, refused := f2.ops[halv1.Op_KIND_REMOVE], f2.refused
	f2.mu.Unlock()
	if refused != 1 {
		t.Fatalf("the new platform refused %d calls, want 1 (the stale write)", refused)
	}
	if nMyMac != 5 || nVlan != 2 || nRif != 1 || nRoute != 1 {
		t.Fatalf("new platform holds MY_MAC %d VLAN %d RIF %d ROUTE %d, want 5 2 1 1", nMyMac, nVlan, nRif, nRoute)
	}
	if removes != 0 {
		t.Fatalf("removes on the new platform %d, want 0 (nothing misapplied, nothing undone)", removes)
	}
	f1.mu.Lock()
	f1MyMac := f1.count(halv1.ObjectType_OBJECT_TYPE_MY_MAC)
	f1.mu.Unlock()
	if f1MyMac != 4 {
		t.Fatalf("the old platform holds %d MY_MAC, want 4 (the stale write reached only the new one)", f1MyMac)
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

func (e *env) mustSucceedFake(r []Item) {
	e.t.Helper()
	for _, it := range r {
		if it.Key != "SAI_STATUS_SUCCESS" {
			e.t.Fatalf("reply %+v", it)
		}
	}
}
