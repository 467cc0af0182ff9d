package halclient

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

type fakeHal struct {
	halv1.UnimplementedHalServer
	session string
	mu      sync.Mutex
	writes  int
	events  chan *halv1.Event
}

func (f *fakeHal) Hello(context.Context, *halv1.HelloRequest) (*halv1.HelloResponse, error) {
	return &halv1.HelloResponse{SessionId: f.session, SwitchId: 0x21000000000000}, nil
}

func (f *fakeHal) Write(_ context.Context, r *halv1.WriteRequest) (*halv1.WriteResponse, error) {
	f.mu.Lock()
	f.writes++
	f.mu.Unlock()
	out := &halv1.WriteResponse{}
	for range r.GetOps() {
		out.Results = append(out.Results, &halv1.Result{Status: halv1.Status_STATUS_SUCCESS, Oid: 7})
	}
	return out, nil
}

func (f *fakeHal) List(r *halv1.ListRequest, s grpc.ServerStreamingServer[halv1.Object]) error {
	for i := uint64(1); i <= 3; i++ {
		if err := s.Send(&halv1.Object{Key: &halv1.ObjectKey{Type: r.GetType(), Key: &halv1.ObjectKey_Oid{Oid: i}}}); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeHal) Subscribe(_ *halv1.SubscribeRequest, s grpc.ServerStreamingServer[halv1.Event]) error {
	if err := s.SendHeader(nil); err != nil {
		return err
	}
	for {
		select {
		case <-s.Context().Done():
			return nil
		case ev := <-f.events:
			if err := s.Send(ev); err != nil {
				return err
			}
		}
	}
}

func serve(t *testing.T, sock string, f halv1.HalServer) (stop func()) {
	t.Helper()
	lis, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	halv1.RegisterHalServer(srv, f)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(lis) }()
	return func() { srv.Stop(); <-done }
}

func TestDialWriteListAndSessionChange(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "hal.sock")
	f1 := &fakeHal{session: "s1", events: make(chan *halv1.Event, 4)}
	stop := serve(t, sock, f1)

	changed := make(chan SessionChange, 4)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := Dial(ctx, Options{Address: sock, RequireAck: true, Backoff: Backoff{Initial: 10 * time.Millisecond, Max: 50 * time.Millisecond},
		OnSessionChange: func(sc SessionChange) { changed <- sc }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Session() != "s1" || c.Hello().GetSwitchId() != 0x21000000000000 {
		t.Fatalf("hello: %v", c.Hello())
	}
	resp, err := c.Write(ctx, &halv1.WriteRequest{Ops: []*halv1.Op{{Kind: halv1.Op_KIND_CREATE}}})
	if err != nil || resp.GetResults()[0].GetOid() != 7 {
		t.Fatalf("write: %v %v", resp, err)
	}
	objs, err := c.List(ctx, halv1.ObjectType_OBJECT_TYPE_PORT)
	if err != nil || len(objs) != 3 {
		t.Fatalf("list: %d %v", len(objs), err)
	}

	// Events flow through Subscribe.
	subCtx, subCancel := context.WithCancel(ctx)
	got := make(chan *halv1.Event, 4)
	subscribed := make(chan struct{}, 4)
	subDone := make(chan error, 1)
	go func() {
		subDone <- c.Subscribe(subCtx, func(e *halv1.Event) { got <- e }, func() { subscribed <- struct{}{} })
	}()
	<-subscribed
	f1.events <- &halv1.Event{Event: &halv1.Event_PortOperStatus{PortOperStatus: &halv1.PortOperStatusEvent{PortId: 1, Up: true}}}
	if e := <-got; !e.GetPortOperStatus().GetUp() {
		t.Fatalf("event %v", e)
	}

	// The platform restarts with a new session.
	stop()
	f2 := &fakeHal{session: "s2", events: make(chan *halv1.Event, 4)}
	stop2 := serve(t, sock, f2)
	defer stop2()

	sc := <-changed
	if sc.Old != "s1" || sc.New != "s2" {
		t.Fatalf("session change %+v", sc)
	}
	if _, err := c.Write(ctx, &halv1.WriteRequest{}); !errors.Is(err, ErrSessionChanged) {
		t.Fatalf("write after restart: %v, want ErrSessionChanged", err)
	}
	if h := c.AckSession(); h.GetSessionId() != "s2" {
		t.Fatalf("ack: %v", h)
	}
	if _, err := c.Write(ctx, &halv1.WriteRequest{Ops: []*halv1.Op{{Kind: halv1.Op_KIND_CREATE}}}); err != nil {
		t.Fatal(err)
	}
	f2.mu.Lock()
	if f2.writes != 1 {
		t.Fatalf("writes on new platform = %d", f2.writes)
	}
	f2.mu.Unlock()
	// The subscription came back on the new platform.
	<-subscribed
	f2.events <- &halv1.Event{Event: &halv1.Event_PortOperStatus{PortOperStatus: &halv1.PortOperStatusEvent{PortId: 2}}}
	if e := <-got; e.GetPortOperStatus().GetPortId() != 2 {
		t.Fatalf("event %v", e)
	}
	subCancel()
	if err := <-subDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("subscribe returned %v", err)
	}
	if c.SessionChanges() != 1 {
		t.Fatalf("changes = %d", c.SessionChanges())
	}
}

func TestTCPNeedsTLS(t *testing.T) {
	if _, err := Dial(context.Background(), Options{Address: "127.0.0.1:1"}); err == nil {
		t.Fatal("TCP without TLS accepted")
	}
}

func TestDialGivesUpWithContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := Dial(ctx, Options{Address: filepath.Join(t.TempDir(), "none.sock")}); err == nil {
		t.Fatal("dial to nothing succeeded")
	}
}
