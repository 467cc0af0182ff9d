package pgworch

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// The unit harness drives the orch directly, the way the agent's core
// does (Sync, Resync, flush with Done callbacks, timers), against an ASIC
// whose answers the test chooses. It covers what the real platform cannot
// be made to do: refusals other than TABLE_FULL, and ops still in flight
// when the intent changes.

type unitOp struct {
	create bool
	vid    uint64
	entry  string // "mac/vlan"
	done   orchagent.Done
}

type unitASIC struct {
	next   uint64
	queued []unitOp
	byVID  map[uint64]string
	held   map[string]bool // what the "platform" holds
}

func (a *unitASIC) SwitchID() uint64 { return 0x21000000000000 }

func (a *unitASIC) Create(t halv1.ObjectType, attrs []sairedis.Attr, done orchagent.Done) (uint64, error) {
	a.next++
	vid := sairedis.MakeVID(0, t, a.next)
	mac, _ := sairedis.Lookup(attrs, AttrMAC)
	vlan, _ := sairedis.Lookup(attrs, AttrVlanID)
	e := strings.ToLower(mac) + "/" + vlan
	a.byVID[vid] = e
	a.queued = append(a.queued, unitOp{create: true, vid: vid, entry: e, done: done})
	return vid, nil
}

func (a *unitASIC) CreateKey(*halv1.ObjectKey, []sairedis.Attr, orchagent.Done) error {
	return fmt.Errorf("unexpected CreateKey")
}

func (a *unitASIC) Remove(k *halv1.ObjectKey, done orchagent.Done) error {
	vid := k.GetOid()
	a.queued = append(a.queued, unitOp{vid: vid, entry: a.byVID[vid], done: done})
	return nil
}

func (a *unitASIC) Set(*halv1.ObjectKey, sairedis.Attr, orchagent.Done) error {
	return fmt.Errorf("unexpected Set")
}

type unitState struct{ rows map[string]map[string]string }

func (s *unitState) SetState(t, k string, f map[string]string) {
	r := s.rows[t+"|"+k]
	if r == nil {
		r = map[string]string{}
		s.rows[t+"|"+k] = r
	}
	for a, b := range f {
		r[a] = b
	}
}
func (s *unitState) DelState(t, k string)                     { delete(s.rows, t+"|"+k) }
func (s *unitState) SetApp(string, string, map[string]string) {}
func (s *unitState) Flush(context.Context) error              { return nil }

type unitIntfs struct{ l3 []uint16 }

func (u unitIntfs) RouterInterface(string) (orchagent.RouterInterfaceInfo, bool) {
	return orchagent.RouterInterfaceInfo{}, false
}
func (u unitIntfs) L3Vlans() []uint16 { return u.l3 }

type unitTimer struct {
	at        time.Time
	fn        func()
	cancelled bool
}

type unit struct {
	t       *testing.T
	asic    *unitASIC
	state   *unitState
	clock   *fakeClock
	orch    *Orch
	resyncs []string
	timers  []*unitTimer
	// answer decides the status of each op ("" = success).
	answer  func(op unitOp) string
	creates map[string]int // create attempts per entry
}

func newUnit(t *testing.T, l3 ...uint16) *unit {
	u := &unit{t: t, asic: &unitASIC{byVID: map[uint64]string{}, held: map[string]bool{}},
		state: &unitState{rows: map[string]map[string]string{}}, clock: newFakeClock(), creates: map[string]int{}}
	u.answer = func(unitOp) string { return "" }
	env := &orchagent.Env{
		ASIC: u.asic, Events: &orchagent.Events{}, State: u.state, Clock: u.clock,
		Log:    zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel),
		Intfs:  unitIntfs{l3},
		Resync: func(table, key string) { u.resyncs = append(u.resyncs, table+"\x00"+key) },
		AfterFunc: func(d time.Duration, fn func()) func() {
			tm := &unitTimer{at: u.clock.Now().Add(d), fn: fn}
			u.timers = append(u.timers, tm)
			return func() { tm.cancelled = true }
		},
	}
	u.orch = New(env, Options{RetryMin: time.Second, RetryMax: 4 * time.Second})
	return u
}

func (u *unit) sync(table, key string, fv ...string) orchagent.Result {
	f := map[string]string{}
	for i := 0; i+1 < len(fv); i += 2 {
		f[fv[i]] = fv[i+1]
	}
	return u.orch.Sync(&orchagent.Task{Table: table, Key: key, Op: orchagent.OpSet, Fields: f})
}

func (u *unit) del(table, key string) {
	u.orch.Sync(&orchagent.Task{Table: table, Key: key, Op: orchagent.OpDel})
}

// pass runs the queued resyncs (the plan), as the core's pass does.
func (u *unit) pass() {
	for len(u.resyncs) > 0 {
		rs := u.resyncs
		u.resyncs = nil
		seen := map[string]bool{}
		for _, r := range rs {
			if seen[r] {
				continue
			}
			seen[r] = true
			table, key, _ := strings.Cut(r, "\x00")
			u.orch.Sync(&orchagent.Task{Table: table, Key: key, Op: orchagent.OpDel})
		}
	}
}

// flush answers the queued ops in order and runs their callbacks.
func (u *unit) flush() bool {
	ops := u.asic.queued
	u.asic.queued = nil
	for _, op := range ops {
		st := u.answer(op)
		if op.create {
			u.creates[op.entry]++
		}
		var err error
		if st != "" {
			kind := "remove"
			if op.create {
				kind = "create"
			}
			err = &sairedis.StatusError{Op: kind, Key: fmt.Sprintf("SAI_OBJECT_TYPE_MY_MAC:%#x", op.vid), Status: st}
		} else if op.create {
			u.asic.held[op.entry] = true
		} else {
			delete(u.asic.held, op.entry)
		}
		op.done(err)
	}
	return len(ops) > 0
}

// settle alternates passes and flushes until nothing is left.
func (u *unit) settle() {
	for i := 0; ; i++ {
		u.pass()
		if !u.flush() && len(u.resyncs) == 0 {
			return
		}
		if i > 64 {
			u.t.Fatal("the orch keeps queuing ops")
		}
	}
}

// advance moves the clock and runs the due timers, then settles.
func (u *unit) advance(d time.Duration) {
	u.clock.Advance(d)
	now := u.clock.Now()
	var keep []*unitTimer
	due := []*unitTimer{}
	for _, tm := range u.timers {
		if tm.cancelled {
			continue
		}
		if !tm.at.After(now) {
			due = append(due, tm)
		} else {
			keep = append(keep, tm)
		}
	}
	u.timers = keep
	for _, tm := range due {
		tm.fn()
	}
	u.settle()
}

func (u *unit) held() string {
	var out []string
	for e := range u.asic.held {
		out = append(out, e)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestUnitRefusalBackoff: a create refused with a status other than
// TABLE_FULL is reported, not re-sent at once (no hammering within the
// round), and retried after a doubling back-off until it succeeds.
func TestUnitRefusalBackoff(t *testing.T) {
	u := newUnit(t, 10, 20)
	refuse := 2
	u.answer = func(op unitOp) string {
		if op.create && op.entry == macC+"/20" && refuse > 0 {
			refuse--
			return "SAI_STATUS_INSUFFICIENT_RESOURCES"
		}
		return ""
	}
	u.sync(AppDomain, "1", "peer_routing", "true")
	u.sync(AppProxyGW, "1", "mode", "static")
	u.sync(AppRemoteMAC, "1:"+macC)
	u.settle()
	if u.held() != macC+"/10" || u.creates[macC+"/20"] != 1 {
		t.Fatalf("held %q, %d attempts", u.held(), u.creates[macC+"/20"])
	}
	r := u.state.rows["VLT_PROXY_GW_REMOTE_MAC_TABLE|1|"+macC]
	if r["state"] != "partial" || r["error"] != "SAI_STATUS_INSUFFICIENT_RESOURCES on VLANs 20" {
		t.Fatalf("row %v", r)
	}
	// An unrelated change plans again but does not re-send the held entry.
	u.sync(AppRemoteMAC, "1:"+macD, "exclude_vlans", "10")
	u.settle()
	if u.creates[macC+"/20"] != 1 || u.held() != macC+"/10 "+macD+"/20" {
		t.Fatalf("held entry re-sent before the back-off: %d attempts, held %q", u.creates[macC+"/20"], u.held())
	}
	u.advance(999 * time.Millisecond)
	if u.creates[macC+"/20"] != 1 {
		t.Fatal("retried before the back-off")
	}
	u.advance(time.Millisecond) // 1s: refused again, next back-off 2s
	if u.creates[macC+"/20"] != 2 {
		t.Fatalf("%d attempts after 1s", u.creates[macC+"/20"])
	}
	u.advance(1999 * time.Millisecond)
	if u.creates[macC+"/20"] != 2 {
		t.Fatal("the back-off did not double")
	}
	u.advance(time.Millisecond)
	if u.creates[macC+"/20"] != 3 || u.held() != macC+"/10 "+macC+"/20 "+macD+"/20" {
		t.Fatalf("%d attempts, held %q", u.creates[macC+"/20"], u.held())
	}
	if r := u.state.rows["VLT_PROXY_GW_REMOTE_MAC_TABLE|1|"+macC]; r["state"] != "installed" || r["error"] != "" {
		t.Fatalf("row after the retry %v", r)
	}
}

// TestUnitChangesWhileInFlight: intent that changes while ops are queued
// converges without duplicate creates: a MAC withdrawn before its creates
// are answered is removed right after, and re-added while its removes are
// in flight is created again once they are done.
func TestUnitChangesWhileInFlight(t *testing.T) {
	u := newUnit(t, 10, 20)
	u.sync(AppDomain, "1", "peer_routing", "true")
	u.sync(AppProxyGW, "1", "mode", "lldp")
	u.sync(AppLearnedMAC, "1:"+macC, "learned_on", "Ethernet8")
	u.pass() // creates queued, not answered
	u.del(AppLearnedMAC, "1:"+macC)
	u.pass()
	if len(u.asic.queued) != 2 {
		t.Fatalf("%d ops queued; want the 2 creates only", len(u.asic.queued))
	}
	u.settle()
	if u.held() != "" || u.creates[macC+"/10"] != 1 {
		t.Fatalf("held %q, creates %v", u.held(), u.creates)
	}
	// Removes in flight, then the MAC comes back.
	u.sync(AppLearnedMAC, "1:"+macC, "learned_on", "Ethernet8")
	u.settle()
	u.del(AppLearnedMAC, "1:"+macC)
	u.pass()
	u.sync(AppLearnedMAC, "1:"+macC, "learned_on", "Ethernet8")
	u.pass()
	if len(u.asic.queued) != 2 || u.asic.queued[0].create {
		t.Fatalf("queued %+v; want the 2 removes only", u.asic.queued)
	}
	u.settle()
	if u.held() != macC+"/10 "+macC+"/20" || u.creates[macC+"/10"] != 3 {
		t.Fatalf("held %q, creates %v", u.held(), u.creates)
	}
}

// TestUnitOwnAndPeerMACs: the switch's own MAC is refused as a remote or
// peer MAC (the switch already routes it); the VLT daemon's peer MAC wins
// over the configured one and its deletion restores it.
func TestUnitOwnAndPeerMACs(t *testing.T) {
	u := newUnit(t, 10)
	u.orch.own = mustMAC(switchMAC)
	if r := u.sync(AppDomain, "1", "peer_routing", "true", "peer_mac", switchMAC); r == orchagent.Applied() {
		t.Fatal("own MAC accepted as the peer MAC")
	}
	u.sync(AppDomain, "1", "peer_routing", "true", "peer_mac", macD)
	u.sync(orchagent.StateTable(StatePeerTable), "1", "peer_mac", macD1, "oper_status", "up")
	u.settle()
	if u.held() != macD1+"/10" {
		t.Fatalf("held %q", u.held())
	}
	u.del(orchagent.StateTable(StatePeerTable), "1")
	u.settle()
	if u.held() != macD+"/10" {
		t.Fatalf("held %q", u.held())
	}
}

// TestUnitTableFullRetriesOnlyTheRoom: once the capacity is known
// (observed at the first TABLE_FULL), a freed entry retries one refused
// create, not every one of them; the rest stay reported as TABLE_FULL.
func TestUnitTableFullRetriesOnlyTheRoom(t *testing.T) {
	u := newUnit(t, 10, 20, 30)
	u.answer = func(op unitOp) string {
		if op.create && len(u.asic.held) >= 4 {
			return "SAI_STATUS_TABLE_FULL"
		}
		return ""
	}
	u.sync(AppDomain, "1", "peer_routing", "true")
	u.sync(AppProxyGW, "1", "mode", "static")
	u.sync(AppRemoteMAC, "1:"+macC)
	u.sync(AppRemoteMAC, "1:"+macD)
	u.sync(AppRemoteMAC, "1:"+macE)
	u.settle()
	if u.held() != macC+"/10 "+macC+"/20 "+macC+"/30 "+macD+"/10" {
		t.Fatalf("held %q", u.held())
	}
	if r := u.state.rows["CRM_TABLE|my_mac"]; r["capacity"] != "4" || r["available"] != "0" || r["failed"] != "5" {
		t.Fatalf("CRM %v", r)
	}
	u.sync(AppRemoteMAC, "1:"+macC, "exclude_vlans", "30")
	u.settle()
	if u.held() != macC+"/10 "+macC+"/20 "+macD+"/10 "+macD+"/20" {
		t.Fatalf("held %q", u.held())
	}
	for _, e := range []string{macD + "/30", macE + "/10", macE + "/20", macE + "/30"} {
		if u.creates[e] != 1 {
			t.Fatalf("%s sent %d times; only the room (one entry) is retried", e, u.creates[e])
		}
	}
	r := u.state.rows["VLT_PROXY_GW_REMOTE_MAC_TABLE|1|"+macE]
	if r["state"] != "failed" || r["error"] != "SAI_STATUS_TABLE_FULL on VLANs 10,20,30" {
		t.Fatalf("E %v", r)
	}
}
