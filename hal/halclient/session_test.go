package halclient

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// sessionHal is a platform that checks the session a call carries
// (halv1.CheckSession) and can restart in place: its session changes on the
// same connection, so the client cannot have noticed — the race the check
// closes, made deterministic.
type sessionHal struct {
	halv1.UnimplementedHalServer
	mu      sync.Mutex
	session string
	writes  int      // writes applied
	sent    []string // the x-hal-session each Write/Get/List carried ("" if none)
}

func (f *sessionHal) restart(session string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.session = session
}

// check records what the call carried and runs the platform's check.
func (f *sessionHal) check(ctx context.Context) error {
	md, _ := metadata.FromIncomingContext(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	sent := ""
	if v := md.Get(halv1.SessionMetadataKey); len(v) > 0 {
		sent = v[0]
	}
	f.sent = append(f.sent, sent)
	return halv1.CheckSession(ctx, f.session)
}

func (f *sessionHal) Hello(context.Context, *halv1.HelloRequest) (*halv1.HelloResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &halv1.HelloResponse{SessionId: f.session, SwitchId: 0x21000000000000}, nil
}

func (f *sessionHal) Write(ctx context.Context, r *halv1.WriteRequest) (*halv1.WriteResponse, error) {
	if err := f.check(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.writes++
	f.mu.Unlock()
	out := &halv1.WriteResponse{}
	for range r.GetOps() {
		out.Results = append(out.Results, &halv1.Result{Status: halv1.Status_STATUS_SUCCESS, Oid: 7})
	}
	return out, nil
}

func (f *sessionHal) Get(ctx context.Context, _ *halv1.GetRequest) (*halv1.GetResponse, error) {
	if err := f.check(ctx); err != nil {
		return nil, err
	}
	return &halv1.GetResponse{}, nil
}

func (f *sessionHal) List(_ *halv1.ListRequest, s grpc.ServerStreamingServer[halv1.Object]) error {
	if err := f.check(s.Context()); err != nil {
		return err
	}
	return s.Send(&halv1.Object{Key: &halv1.ObjectKey{Type: halv1.ObjectType_OBJECT_TYPE_PORT, Key: &halv1.ObjectKey_Oid{Oid: 1}}})
}

func (f *sessionHal) stats() (writes int, sent []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writes, append([]string(nil), f.sent...)
}

func dialSession(t *testing.T, f *sessionHal, requireAck bool, onChange func(SessionChange)) *Client {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "hal.sock")
	stop := serve(t, sock, f)
	t.Cleanup(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, Options{Address: sock, RequireAck: requireAck, OnSessionChange: onChange,
		Backoff: Backoff{Initial: 10 * time.Millisecond, Max: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func create() *halv1.WriteRequest {
	return &halv1.WriteRequest{Ops: []*halv1.Op{{Kind: halv1.Op_KIND_CREATE}}}
}

// TestSessionRefused: with RequireAck every call carries the acknowledged
// session; after a restart the client has not noticed, the platform refuses
// the call (nothing applied) and the client returns a *SessionChangedError
// naming the new session, having learnt it (Hello, OnSessionChange). Once
// acknowledged, calls carry the new session and are served.
func TestSessionRefused(t *testing.T) {
	f := &sessionHal{session: "s1"}
	changed := make(chan SessionChange, 4)
	c := dialSession(t, f, true, func(sc SessionChange) { changed <- sc })
	ctx := context.Background()
	if _, err := c.Write(ctx, create()); err != nil {
		t.Fatal(err)
	}

	f.restart("s2")
	_, err := c.Write(ctx, create())
	var sce *SessionChangedError
	if !errors.As(err, &sce) || !errors.Is(err, ErrSessionChanged) {
		t.Fatalf("write after an unnoticed restart: %v, want a SessionChangedError", err)
	}
	if !sce.Refused || sce.Acked != "s1" || sce.Current != "s2" {
		t.Fatalf("refusal %+v", sce)
	}
	if writes, _ := f.stats(); writes != 1 {
		t.Fatalf("writes applied %d, want 1 (the refused one not applied)", writes)
	}
	if c.Session() != "s2" {
		t.Fatalf("session after the refusal %q, want s2", c.Session())
	}
	if sc := <-changed; sc.Old != "s1" || sc.New != "s2" {
		t.Fatalf("session change %+v", sc)
	}
	// Until acknowledged, calls fail without being sent.
	if _, err := c.Get(ctx, &halv1.ObjectKey{}); !errors.As(err, &sce) || sce.Refused {
		t.Fatalf("get before ack: %v", err)
	}
	if _, err := c.List(ctx, halv1.ObjectType_OBJECT_TYPE_PORT); !errors.Is(err, ErrSessionChanged) {
		t.Fatalf("list before ack: %v", err)
	}

	c.AckSession()
	if _, err := c.Write(ctx, create()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, &halv1.ObjectKey{}); err != nil {
		t.Fatal(err)
	}
	// Get and List are refused too.
	f.restart("s3")
	if _, err := c.Get(ctx, &halv1.ObjectKey{}); !errors.As(err, &sce) || !sce.Refused || sce.Current != "s3" {
		t.Fatalf("get after an unnoticed restart: %v", err)
	}
	c.AckSession()
	f.restart("s4")
	if _, err := c.List(ctx, halv1.ObjectType_OBJECT_TYPE_PORT); !errors.As(err, &sce) || !sce.Refused || sce.Current != "s4" {
		t.Fatalf("list after an unnoticed restart: %v", err)
	}
	c.AckSession()
	if objs, err := c.List(ctx, halv1.ObjectType_OBJECT_TYPE_PORT); err != nil || len(objs) != 1 {
		t.Fatalf("list: %d %v", len(objs), err)
	}

	writes, sent := f.stats()
	if writes != 2 {
		t.Fatalf("writes applied %d, want 2", writes)
	}
	want := []string{"s1", "s1", "s2", "s2", "s2", "s3", "s4"}
	if len(sent) != len(want) {
		t.Fatalf("sessions carried %v, want %v", sent, want)
	}
	for i := range want {
		if sent[i] != want[i] {
			t.Fatalf("sessions carried %v, want %v", sent, want)
		}
	}
}

// TestSessionNotSentWithoutAck: a client without RequireAck does not tie
// its calls to a session; the platform serves them across a restart.
func TestSessionNotSentWithoutAck(t *testing.T) {
	f := &sessionHal{session: "s1"}
	c := dialSession(t, f, false, nil)
	ctx := context.Background()
	f.restart("s2")
	if _, err := c.Write(ctx, create()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, &halv1.ObjectKey{}); err != nil {
		t.Fatal(err)
	}
	writes, sent := f.stats()
	if writes != 1 || len(sent) != 2 || sent[0] != "" || sent[1] != "" {
		t.Fatalf("writes %d, sessions carried %q", writes, sent)
	}
}
