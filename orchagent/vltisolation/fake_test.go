package vltisolation

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/sai"
	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// fakeASIC is an in-memory syncd+platform behind orchagent.Client, as the
// orchagent tests use: each flush is applied in order with SAI's rules
// (hal/sai attribute metadata, references must exist, a referenced object
// cannot be removed, duplicates refused).
type fakeASIC struct {
	mu       sync.Mutex
	counter  uint64
	objs     map[string]map[string]string // "SAI_OBJECT_TYPE_X:oid:0x…" → attributes
	platform map[uint64]bool
	sw       map[string]string
	lanes    map[uint64]string
	ops      []string                    // "create|remove|set KEY [attr=value]"
	refuse   map[halv1.ObjectType]string // a create of the type answers this status
}

func newFakeASIC(nports int) *fakeASIC {
	f := &fakeASIC{objs: map[string]map[string]string{}, platform: map[uint64]bool{}, lanes: map[uint64]string{}, refuse: map[halv1.ObjectType]string{}}
	mk := func(t halv1.ObjectType) uint64 {
		f.counter++
		v := sairedis.MakeVID(0, t, f.counter)
		f.platform[v] = true
		f.objs[sairedis.TypeName(t)+":"+sairedis.FormatOID(v)] = map[string]string{}
		return v
	}
	cpu := mk(halv1.ObjectType_OBJECT_TYPE_PORT)
	var ports []uint64
	for i := 0; i < nports; i++ {
		p := mk(halv1.ObjectType_OBJECT_TYPE_PORT)
		ports = append(ports, p)
		f.lanes[p] = fmt.Sprintf("4:%d,%d,%d,%d", 4*i, 4*i+1, 4*i+2, 4*i+3)
	}
	f.sw = map[string]string{
		"SAI_SWITCH_ATTR_PORT_LIST":                 sairedis.OIDList("SAI_SWITCH_ATTR_PORT_LIST", ports).Value,
		"SAI_SWITCH_ATTR_CPU_PORT":                  sairedis.FormatOID(cpu),
		"SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID": sairedis.FormatOID(mk(halv1.ObjectType_OBJECT_TYPE_VIRTUAL_ROUTER)),
		"SAI_SWITCH_ATTR_DEFAULT_1Q_BRIDGE_ID":      sairedis.FormatOID(mk(halv1.ObjectType_OBJECT_TYPE_BRIDGE)),
		"SAI_SWITCH_ATTR_DEFAULT_VLAN_ID":           sairedis.FormatOID(mk(halv1.ObjectType_OBJECT_TYPE_VLAN)),
		"SAI_SWITCH_ATTR_DEFAULT_TRAP_GROUP":        sairedis.FormatOID(mk(halv1.ObjectType_OBJECT_TYPE_HOSTIF_TRAP_GROUP)),
		"SAI_SWITCH_ATTR_SRC_MAC_ADDRESS":           "02:00:00:00:00:01",
	}
	return f
}

func (f *fakeASIC) SwitchID() uint64                      { return sairedis.SwitchVID(0) }
func (f *fakeASIC) NewBatch() orchagent.Batch             { return &fakeBatch{f: f} }
func (f *fakeASIC) NotifyInitView(context.Context) error  { return nil }
func (f *fakeASIC) NotifyApplyView(context.Context) error { return nil }

func (f *fakeASIC) Get(_ context.Context, k *halv1.ObjectKey, ids ...string) ([]sairedis.Attr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	src := f.sw
	if k.GetOid() != f.SwitchID() {
		src = map[string]string{"SAI_PORT_ATTR_HW_LANE_LIST": f.lanes[k.GetOid()], "SAI_PORT_ATTR_OPER_STATUS": "SAI_PORT_OPER_STATUS_UP"}
	}
	var out []sairedis.Attr
	for _, id := range ids {
		v, ok := src[id]
		if !ok {
			return nil, &sairedis.StatusError{Op: "get", Key: id, Status: "SAI_STATUS_INVALID_ATTRIBUTE"}
		}
		out = append(out, sairedis.Attr{ID: id, Value: v})
	}
	return out, nil
}

type fakeOp struct {
	kind  string
	key   *halv1.ObjectKey
	attrs []sairedis.Attr
}

type fakeBatch struct {
	f   *fakeASIC
	ops []fakeOp
}

func (b *fakeBatch) Create(_ context.Context, t halv1.ObjectType, attrs ...sairedis.Attr) (uint64, error) {
	b.f.mu.Lock()
	b.f.counter++
	v := sairedis.MakeVID(0, t, b.f.counter)
	b.f.mu.Unlock()
	b.ops = append(b.ops, fakeOp{"create", sairedis.ObjectKey(v), attrs})
	return v, nil
}

func (b *fakeBatch) CreateKey(k *halv1.ObjectKey, attrs ...sairedis.Attr) error {
	b.ops = append(b.ops, fakeOp{"create", k, attrs})
	return nil
}

func (b *fakeBatch) Remove(k *halv1.ObjectKey) error {
	b.ops = append(b.ops, fakeOp{"remove", k, nil})
	return nil
}

func (b *fakeBatch) Set(k *halv1.ObjectKey, a sairedis.Attr) error {
	b.ops = append(b.ops, fakeOp{"set", k, []sairedis.Attr{a}})
	return nil
}

func (b *fakeBatch) Len() int { return len(b.ops) }

func (b *fakeBatch) Flush(context.Context) ([]sairedis.Result, error) {
	b.f.mu.Lock()
	defer b.f.mu.Unlock()
	out := make([]sairedis.Result, len(b.ops))
	for i, op := range b.ops {
		key, _ := sairedis.FormatKey(op.key)
		out[i].Key = key
		if st := b.f.apply(op, key); st != "" {
			out[i].Err = &sairedis.StatusError{Op: op.kind, Key: key, Status: st}
		}
	}
	b.ops = b.ops[:0]
	return out, nil
}

// apply returns "" or the refusal status.
func (f *fakeASIC) apply(op fakeOp, key string) string {
	t := op.key.GetType()
	rec := op.kind + " " + key
	for _, a := range op.attrs {
		rec += " " + a.ID + "=" + a.Value
	}
	f.ops = append(f.ops, rec)
	parsed := make([]*halv1.Attribute, 0, len(op.attrs))
	for _, a := range op.attrs {
		pa, err := sai.ParseAttr(t, a.ID, a.Value)
		if err != nil {
			return sai.StatusName(sai.StatusOf(err, halv1.Status_STATUS_INVALID_ATTR_VALUE))
		}
		parsed = append(parsed, pa)
	}
	exists := func(v uint64) bool {
		_, ok := f.objs[sairedis.TypeName(sairedis.VIDType(v))+":"+sairedis.FormatOID(v)]
		return ok || v == f.SwitchID()
	}
	refsOK := func() bool {
		for _, v := range sai.KeyRefOIDs(op.key) {
			if !exists(v) {
				return false
			}
		}
		for _, a := range parsed {
			for _, v := range sai.RefOIDs(a) {
				if v != 0 && !exists(v) {
					return false
				}
			}
		}
		return true
	}
	switch op.kind {
	case "create":
		if t == halv1.ObjectType_OBJECT_TYPE_SWITCH {
			return ""
		}
		if st, ok := f.refuse[t]; ok {
			return st
		}
		if _, dup := f.objs[key]; dup {
			return "SAI_STATUS_ITEM_ALREADY_EXISTS"
		}
		if err := sai.ValidateCreate(t, parsed); err != nil {
			return sai.StatusName(sai.StatusOf(err, halv1.Status_STATUS_INVALID_PARAMETER))
		}
		if !refsOK() {
			return "SAI_STATUS_INVALID_OBJECT_ID"
		}
		m := map[string]string{}
		for _, a := range op.attrs {
			m[a.ID] = a.Value
		}
		f.objs[key] = m
	case "remove":
		if _, ok := f.objs[key]; !ok {
			return "SAI_STATUS_ITEM_NOT_FOUND"
		}
		if op.key.GetOid() != 0 && f.referenced(op.key.GetOid()) {
			return "SAI_STATUS_OBJECT_IN_USE"
		}
		delete(f.objs, key)
	case "set":
		m, ok := f.objs[key]
		if !ok {
			return "SAI_STATUS_ITEM_NOT_FOUND"
		}
		if err := sai.ValidateSet(t, parsed[0]); err != nil {
			return sai.StatusName(sai.StatusOf(err, halv1.Status_STATUS_INVALID_PARAMETER))
		}
		if !refsOK() {
			return "SAI_STATUS_INVALID_OBJECT_ID"
		}
		m[op.attrs[0].ID] = op.attrs[0].Value
	}
	return ""
}

// referenced reports whether any object names v.
func (f *fakeASIC) referenced(v uint64) bool {
	s := sairedis.FormatOID(v)
	for k, attrs := range f.objs {
		if strings.Contains(k, `"`+s+`"`) {
			return true
		}
		for _, val := range attrs {
			if val == s || strings.Contains(val, s+",") || strings.HasSuffix(val, ","+s) || strings.HasSuffix(val, ":"+s) {
				return true
			}
		}
	}
	return false
}

// of returns the objects of a type orchagent made: oid → attributes.
func (f *fakeASIC) of(t halv1.ObjectType) map[string]map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]map[string]string{}
	prefix := sairedis.TypeName(t) + ":"
	for k, v := range f.objs {
		if id, ok := strings.CutPrefix(k, prefix); ok {
			if vid, err := sairedis.ParseOID(id); err == nil && f.platform[vid] {
				continue
			}
			attrs := map[string]string{}
			for a, x := range v {
				attrs[a] = x
			}
			out[id] = attrs
		}
	}
	return out
}

// opsSince returns the ops applied since mark (an index into the log)
// that touch the isolation objects or a bridge port's isolation group.
func (f *fakeASIC) opsSince(mark int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, op := range f.ops[mark:] {
		if strings.Contains(op, "ISOLATION") {
			out = append(out, op)
		}
	}
	return out
}

func (f *fakeASIC) mark() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.ops)
}

func (f *fakeASIC) dump() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var lines []string
	for k, v := range f.objs {
		lines = append(lines, fmt.Sprintf("%s %v", k, v))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// memState is an in-memory StateWriter.
type memState struct {
	mu    sync.Mutex
	state map[string]map[string]string // "T|k"
}

func (s *memState) SetState(t, k string, f map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	row := s.state[t+"|"+k]
	if row == nil {
		row = map[string]string{}
		s.state[t+"|"+k] = row
	}
	for a, b := range f {
		row[a] = b
	}
}

func (s *memState) DelState(t, k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.state, t+"|"+k)
}

func (s *memState) SetApp(string, string, map[string]string) {}
func (s *memState) Flush(context.Context) error              { return nil }

func (s *memState) row(key string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for a, b := range s.state[key] {
		out[a] = b
	}
	return out
}

// chanSource feeds the agent the batches the test sends.
type chanSource chan []orchagent.Change

func (chanSource) Open(context.Context, []string) error                 { return nil }
func (chanSource) Snapshot(context.Context) ([]orchagent.Change, error) { return nil, nil }
func (chanSource) Close() error                                         { return nil }

func (c chanSource) Run(ctx context.Context, out chan<- []orchagent.Change) {
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-c:
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
		}
	}
}

// barrierTable is owned by the barrier orch: a row of it synced means every
// change sent before it was applied.
const barrierTable = "VLTISO_TEST_BARRIER"

type barrier struct {
	mu   sync.Mutex
	seen string
}

func (*barrier) Name() string     { return "test-barrier" }
func (*barrier) Tables() []string { return []string{barrierTable} }
func (b *barrier) Sync(t *orchagent.Task) orchagent.Result {
	b.mu.Lock()
	b.seen = t.Key
	b.mu.Unlock()
	return orchagent.Applied()
}

// harness runs an agent with the isolation orch (or the factory given)
// against fakeASIC.
type harness struct {
	t       *testing.T
	asic    *fakeASIC
	state   *memState
	in      chanSource
	b       *barrier
	settled chan string
	n       int
	clock   *manualClock
}

// manualClock is an orchagent.Clock the test moves.
type manualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []manualTimer
}

type manualTimer struct {
	at time.Time
	ch chan time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.timers = append(c.timers, manualTimer{c.now.Add(d), ch})
	return ch
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.timers[:0]
	for _, t := range c.timers {
		if t.at.After(c.now) {
			keep = append(keep, t)
		} else {
			t.ch <- c.now
		}
	}
	c.timers = keep
}

func newHarness(t *testing.T, extra orchagent.OrchFactory) *harness {
	t.Helper()
	h := &harness{t: t, asic: newFakeASIC(6), state: &memState{state: map[string]map[string]string{}},
		in: make(chanSource, 16), b: &barrier{}, settled: make(chan string, 4096), clock: &manualClock{now: time.Unix(1_700_000_000, 0)}}
	a, err := orchagent.New(orchagent.Config{
		Client: h.asic, Source: h.in, State: h.state, MAC: net.HardwareAddr{0x02, 0, 0, 0, 0, 1}, Clock: h.clock,
		Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
		Extra:  []orchagent.OrchFactory{extra, func(*orchagent.Env) (orchagent.Orch, error) { return h.b, nil }},
		OnSettled: func(int) {
			h.b.mu.Lock()
			seen := h.b.seen
			h.b.mu.Unlock()
			select {
			case h.settled <- seen:
			default:
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("agent: %v", err)
		}
	})
	return h
}

// apply sends changes and waits until the agent applied them and settled.
func (h *harness) apply(chs ...orchagent.Change) {
	h.t.Helper()
	h.n++
	key := strconv.Itoa(h.n)
	h.in <- chs
	h.in <- []orchagent.Change{{Table: barrierTable, Key: key, Op: orchagent.OpSet, Fields: map[string]string{}}}
	deadline := time.After(20 * time.Second) // a hang guard, not a timing assertion
	for {
		select {
		case seen := <-h.settled:
			if seen == key {
				return
			}
		case <-deadline:
			h.t.Fatalf("the agent did not settle\n%s", h.asic.dump())
		}
	}
}

// until applies barriers until cond holds (a timer-driven round of the
// agent is not ordered with the test's changes).
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	for i := 0; !cond(); i++ {
		if i == 1000 {
			h.t.Fatalf("never: %s\n%s", what, h.asic.dump())
		}
		h.apply()
	}
}

func set(table, key string, fv ...string) orchagent.Change {
	f := map[string]string{}
	for i := 0; i+1 < len(fv); i += 2 {
		f[fv[i]] = fv[i+1]
	}
	return orchagent.Change{Table: table, Key: key, Op: orchagent.OpSet, Fields: f}
}

func del(table, key string) orchagent.Change {
	return orchagent.Change{Table: table, Key: key, Op: orchagent.OpDel}
}

// errorOf is the ORCH_ERROR_TABLE row of "<APP table>:<key>".
func (h *harness) errorOf(name string) map[string]string {
	return h.state.row(orchagent.StateErrorTable + "|" + name)
}
