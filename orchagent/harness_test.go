package orchagent

import (
	"context"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
)

// memState is an in-memory StateWriter.
type memState struct {
	state map[string]map[string]string // "T|k"
	app   map[string]map[string]string // "T:k"
}

func newMemState() *memState {
	return &memState{state: map[string]map[string]string{}, app: map[string]map[string]string{}}
}

func merge(m map[string]map[string]string, k string, f map[string]string) {
	if m[k] == nil {
		m[k] = map[string]string{}
	}
	for a, b := range f {
		m[k][a] = b
	}
}

func (s *memState) SetState(t, k string, f map[string]string) { merge(s.state, t+"|"+k, f) }
func (s *memState) DelState(t, k string)                      { delete(s.state, t+"|"+k) }
func (s *memState) SetApp(t, k string, f map[string]string)   { merge(s.app, t+":"+k, f) }
func (s *memState) Flush(context.Context) error               { return nil }

// fakeClock is a manual Clock.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), ch})
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.ch <- c.now
		} else {
			keep = append(keep, t)
		}
	}
	c.timers = keep
}

// harness runs the agent's core synchronously against fakeASIC.
type harness struct {
	t     *testing.T
	asic  *fakeASIC
	state *memState
	clock *fakeClock
	a     *Agent
}

var testMAC = net.HardwareAddr{0x02, 0x42, 0xac, 0x11, 0x00, 0x02}

func newHarness(t *testing.T, extra ...OrchFactory) *harness {
	t.Helper()
	h := &harness{t: t, asic: newFakeASIC(8), state: newMemState(), clock: newFakeClock()}
	a, err := New(Config{Client: h.asic, Source: nopSource{}, State: h.state, MAC: testMAC, Clock: h.clock,
		Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel), Extra: extra})
	if err != nil {
		t.Fatal(err)
	}
	h.a = a
	if err := a.boot(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.settle()
	return h
}

type nopSource struct{}

func (nopSource) Open(context.Context, []string) error       { return nil }
func (nopSource) Snapshot(context.Context) ([]Change, error) { return nil, nil }
func (nopSource) Run(ctx context.Context, _ chan<- []Change) { <-ctx.Done() }
func (nopSource) Close() error                               { return nil }

func (h *harness) settle() {
	h.t.Helper()
	if err := h.a.core.settle(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

// set applies one SET change (fields as field, value pairs) and settles.
func (h *harness) set(table, key string, fv ...string) {
	h.t.Helper()
	f := map[string]string{}
	for i := 0; i+1 < len(fv); i += 2 {
		f[fv[i]] = fv[i+1]
	}
	h.a.core.apply([]Change{{Table: table, Key: key, Op: OpSet, Fields: f}})
	h.settle()
}

func (h *harness) del(table, key string) {
	h.t.Helper()
	h.a.core.apply([]Change{{Table: table, Key: key, Op: OpDel}})
	h.settle()
}

// errorOf returns the ORCH_ERROR_TABLE row of "<TABLE>:<key>".
func (h *harness) errorOf(name string) (status, reason string, ok bool) {
	r, ok := h.state.state[StateErrorTable+"|"+name]
	return r["status"], r["reason"], ok
}

func (h *harness) wantError(name, status, reasonPart string) {
	h.t.Helper()
	st, reason, ok := h.errorOf(name)
	if !ok {
		h.t.Fatalf("no ORCH_ERROR_TABLE row for %s; errors: %v", name, h.errorKeys())
	}
	if st != status || !strings.Contains(reason, reasonPart) {
		h.t.Fatalf("%s: status %q reason %q; want %q containing %q", name, st, reason, status, reasonPart)
	}
}

func (h *harness) wantNoError(name string) {
	h.t.Helper()
	if st, reason, ok := h.errorOf(name); ok {
		h.t.Fatalf("%s still has an error: %s %s", name, st, reason)
	}
}

func (h *harness) errorKeys() []string {
	var out []string
	for k := range h.state.state {
		if strings.HasPrefix(k, StateErrorTable+"|") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (h *harness) count(t halv1.ObjectType) int { return len(h.asic.of(t)) }

func (h *harness) wantCount(t halv1.ObjectType, n int) {
	h.t.Helper()
	if got := h.count(t); got != n {
		h.t.Fatalf("%d %s objects, want %d\n%s", got, sairedis.TypeName(t), n, h.asic.dump())
	}
}

// one returns the only object of type t with attribute id=val.
func (h *harness) find(t halv1.ObjectType, id, val string) (string, map[string]string) {
	h.t.Helper()
	for k, attrs := range h.asic.of(t) {
		if attrs[id] == val {
			return k, attrs
		}
	}
	h.t.Fatalf("no %s with %s=%s\n%s", sairedis.TypeName(t), id, val, h.asic.dump())
	return "", nil
}

// baseConfig: ports Ethernet0..Ethernet28 (lanes 4i..), admin up.
func (h *harness) ports(n int) {
	for i := 0; i < n; i++ {
		h.set(AppPortTable, "Ethernet"+itoa(4*i), "lanes", itoa(4*i)+","+itoa(4*i+1)+","+itoa(4*i+2)+","+itoa(4*i+3), "admin_status", "up", "mtu", "9100")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// chanNotifications delivers port_state_change payloads from a channel.
type chanNotifications chan string

func (c chanNotifications) Pop(ctx context.Context) (swss.Notification, error) {
	select {
	case <-ctx.Done():
		return swss.Notification{}, ctx.Err()
	case d := <-c:
		return swss.Notification{Op: "port_state_change", Data: d}, nil
	}
}
