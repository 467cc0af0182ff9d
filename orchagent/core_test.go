package orchagent

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

func TestRefusedCreateIsRecordedAndRetriedWithBackoff(t *testing.T) {
	h := newHarness(t)
	h.ports(1)
	h.asic.refuse[tVlan] = "SAI_STATUS_TABLE_FULL"
	h.set(AppVlanTable, "Vlan10")
	h.wantError("VLAN_TABLE:Vlan10", "SAI_STATUS_TABLE_FULL", "SAI_OBJECT_TYPE_VLAN")
	h.set(AppVlanMemberTable, "Vlan10:Ethernet0")
	h.wantError("VLAN_MEMBER_TABLE:Vlan10:Ethernet0", StatusPending, "VLAN Vlan10 does not exist")
	due, ok := h.a.core.nextRetry()
	if !ok || due.Sub(h.clock.Now()) != retryMin {
		t.Fatalf("retry due in %v", due.Sub(h.clock.Now()))
	}
	// Still full at the first retry: the back-off doubles.
	h.clock.Advance(retryMin)
	h.a.core.retryDue(h.clock.Now())
	h.settle()
	h.wantError("VLAN_TABLE:Vlan10", "SAI_STATUS_TABLE_FULL", "")
	if due, _ := h.a.core.nextRetry(); due.Sub(h.clock.Now()) != 2*retryMin {
		t.Fatalf("second back-off %v", due.Sub(h.clock.Now()))
	}
	// Room appears: the VLAN and then its member apply; errors clear.
	delete(h.asic.refuse, tVlan)
	h.clock.Advance(2 * retryMin)
	h.a.core.retryDue(h.clock.Now())
	h.settle()
	h.wantNoError("VLAN_TABLE:Vlan10")
	h.wantNoError("VLAN_MEMBER_TABLE:Vlan10:Ethernet0")
	h.wantCount(tVlanMember, 1)
	if _, ok := h.a.core.nextRetry(); ok {
		t.Fatal("a retry is still scheduled")
	}
}

func TestRefusedMemberRollsBackBridgePort(t *testing.T) {
	h := newHarness(t)
	h.ports(1)
	h.set(AppVlanTable, "Vlan10")
	h.asic.refuse[tVlanMember] = "SAI_STATUS_INSUFFICIENT_RESOURCES"
	h.set(AppVlanMemberTable, "Vlan10:Ethernet0")
	h.wantError("VLAN_MEMBER_TABLE:Vlan10:Ethernet0", "SAI_STATUS_INSUFFICIENT_RESOURCES", "")
	h.wantCount(tBridgePort, 0) // created, then taken down again
	delete(h.asic.refuse, tVlanMember)
	h.clock.Advance(retryMax)
	h.a.core.retryDue(h.clock.Now())
	h.settle()
	h.wantNoError("VLAN_MEMBER_TABLE:Vlan10:Ethernet0")
	h.wantCount(tBridgePort, 1)
	h.wantCount(tVlanMember, 1)
}

func TestOneBurstIsOneFlush(t *testing.T) {
	h := newHarness(t)
	h.ports(8)
	var chs []Change
	for v := 100; v < 300; v++ {
		name := fmt.Sprintf("Vlan%d", v)
		chs = append(chs,
			Change{Table: AppVlanTable, Key: name, Op: OpSet, Fields: map[string]string{}},
			Change{Table: AppVlanMemberTable, Key: name + ":Ethernet" + itoa(4*(v%8)), Op: OpSet, Fields: map[string]string{"tagging_mode": "tagged"}},
			Change{Table: AppIntfTable, Key: name, Op: OpSet, Fields: map[string]string{}},
		)
	}
	// Delivered members first: they wait for their VLANs within the burst.
	for i := 0; i < len(chs); i += 3 {
		chs[i], chs[i+1] = chs[i+1], chs[i]
	}
	before := h.asic.flushes
	h.a.core.apply(chs)
	h.settle()
	if got := h.asic.flushes - before; got != 1 {
		t.Fatalf("%d flushes for one burst, want 1", got)
	}
	h.wantCount(tVlan, 200)
	h.wantCount(tVlanMember, 200)
	h.wantCount(tRIF, 200)
	h.wantCount(tBridgePort, 8)
	if n := len(h.errorKeys()); n != 0 {
		t.Fatalf("%d errors left: %v", n, h.errorKeys()[:min(n, 3)])
	}
}

// panicky owns TEST_TABLE and panics on key "boom".
type panicky struct{}

func (panicky) Name() string     { return "panicky" }
func (panicky) Tables() []string { return []string{"TEST_TABLE"} }
func (panicky) Sync(t *Task) Result {
	if t.Key == "boom" {
		var m map[string]int
		m["x"]++
	}
	return Applied()
}

func TestPanickingOrchFailsOnlyItsRow(t *testing.T) {
	h := newHarness(t, func(*Env) (Orch, error) { return panicky{}, nil })
	h.a.core.apply([]Change{
		{Table: "TEST_TABLE", Key: "boom", Op: OpSet},
		{Table: "TEST_TABLE", Key: "fine", Op: OpSet},
		{Table: AppVlanTable, Key: "Vlan10", Op: OpSet},
	})
	h.settle()
	h.wantError("TEST_TABLE:boom", "SAI_STATUS_FAILURE", "internal error")
	h.wantNoError("TEST_TABLE:fine")
	h.wantCount(tVlan, 1)
}

func TestDuplicateTableOwnerRefused(t *testing.T) {
	c := newCore(testLogger(t), newFakeASIC(1), newMemState(), newFakeClock())
	if err := c.register(panicky{}); err != nil {
		t.Fatal(err)
	}
	if err := c.register(panicky{}); err == nil {
		t.Fatal("two owners of TEST_TABLE accepted")
	}
}

// isoOrch is a miniature of the VLT isolation-group orch, written only
// against Env: it puts every bridged PortChannel into one isolation group
// and drops the member before the bridge port goes.
type isoOrch struct {
	env     *Env
	group   uint64
	members map[string]uint64
	l3      []uint16
}

func (o *isoOrch) Name() string      { return "iso" }
func (o *isoOrch) Tables() []string  { return nil }
func (o *isoOrch) Sync(*Task) Result { return Applied() }
func (o *isoOrch) Start() error {
	var err error
	o.group, err = o.env.ASIC.Create(halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP,
		[]sairedis.Attr{sairedis.Enum("SAI_ISOLATION_GROUP_ATTR_TYPE", "SAI_ISOLATION_GROUP_TYPE_BRIDGE_PORT")}, nil)
	return err
}

func newIsoOrch(env *Env) (Orch, error) {
	o := &isoOrch{env: env, members: map[string]uint64{}}
	env.Events.OnBridgePort(func(e BridgePortEvent) {
		if !isLagName(e.Port) {
			return
		}
		if e.Added {
			id, err := env.ASIC.Create(halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP_MEMBER, []sairedis.Attr{
				sairedis.OID("SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_GROUP_ID", o.group),
				sairedis.OID("SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_OBJECT", e.BridgePort),
			}, nil)
			if err == nil {
				o.members[e.Port] = id
			}
			return
		}
		if id, ok := o.members[e.Port]; ok {
			env.ASIC.Remove(sairedis.ObjectKey(id), nil)
			delete(o.members, e.Port)
		}
	})
	env.Events.OnRouterInterface(func(RouterInterfaceEvent) { o.l3 = env.Intfs.L3Vlans() })
	return o, nil
}

func TestExtensionOrchFollowsBridgePortsAndL3Vlans(t *testing.T) {
	var iso *isoOrch
	h := newHarness(t, func(env *Env) (Orch, error) {
		o, err := newIsoOrch(env)
		iso = o.(*isoOrch)
		return o, err
	})
	h.ports(2)
	h.set(AppLagTable, "PortChannel1")
	h.set(AppLagMemberTable, "PortChannel1:Ethernet0")
	h.set(AppVlanTable, "Vlan10")
	h.set(AppVlanMemberTable, "Vlan10:PortChannel1", "tagging_mode", "tagged")
	h.set(AppVlanMemberTable, "Vlan10:Ethernet4", "tagging_mode", "tagged")
	h.wantCount(halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP_MEMBER, 1)
	bp, _ := h.a.env.Vlans.BridgePort("PortChannel1")
	_, m := h.find(halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP_MEMBER, "SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_OBJECT", sairedis.FormatOID(bp))
	if m["SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_GROUP_ID"] != sairedis.FormatOID(iso.group) {
		t.Fatalf("member %v", m)
	}
	h.set(AppIntfTable, "Vlan10")
	if len(iso.l3) != 1 || iso.l3[0] != 10 {
		t.Fatalf("L3 VLANs seen by the extension: %v", iso.l3)
	}
	// Leaving the VLAN: the isolation member goes first, so the bridge port
	// removal is not refused as in use.
	h.del(AppVlanMemberTable, "Vlan10:PortChannel1")
	h.wantNoError("VLAN_MEMBER_TABLE:Vlan10:PortChannel1")
	h.wantCount(halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP_MEMBER, 0)
	h.wantCount(tBridgePort, 1)
	// A bridge port an extension uses outlives the last membership.
	if !h.a.env.Vlans.UseBridgePort("Ethernet4", "test user") {
		t.Fatal("Ethernet4 has a bridge port")
	}
	h.del(AppVlanMemberTable, "Vlan10:Ethernet4")
	h.wantCount(tBridgePort, 1)
	h.a.env.Vlans.ReleaseBridgePort("Ethernet4", "test user")
	h.settle()
	h.wantCount(tBridgePort, 0)
	if h.a.env.Vlans.UseBridgePort("Ethernet4", "test user") {
		t.Fatal("no bridge port left to use")
	}
}

func TestRunLoopStartsReplaysAndStopsCleanly(t *testing.T) {
	f := newFakeASIC(4)
	src := &chanSource{
		snapshot: []Change{
			{Table: AppPortTable, Key: "Ethernet0", Op: OpSet, Fields: map[string]string{"lanes": "0,1,2,3", "admin_status": "up"}},
			{Table: AppVlanTable, Key: "Vlan10", Op: OpSet, Fields: map[string]string{}},
		},
		live: make(chan []Change),
	}
	settled := make(chan int, 16)
	clock := newFakeClock()
	ntfs := make(chan string, 1)
	a, err := New(Config{Client: f, Source: src, State: newMemState(), Clock: clock, Logger: testLogger(t),
		Notifications: chanNotifications(ntfs), OnSettled: func(p int) { settled <- p }})
	if err != nil {
		t.Fatal(err)
	}
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	<-settled
	if len(f.views) != 2 || f.views[1] != "APPLY_VIEW" {
		t.Fatalf("views %v", f.views)
	}
	if len(f.of(tVlan)) != 1 {
		t.Fatal("snapshot not replayed before APPLY_VIEW")
	}
	src.live <- []Change{{Table: AppVlanMemberTable, Key: "Vlan10:Ethernet0", Op: OpSet, Fields: map[string]string{}}}
	<-settled
	ntfs <- portStateNotification(f.portID(0), true).Data
	<-settled
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
	if len(f.of(tVlanMember)) != 1 {
		t.Fatal("live change not applied")
	}
	waitGoroutines(t, base)
	if st := a.Stats(); st.Flushes == 0 || st.Changes != 3 {
		t.Fatalf("stats %+v", st)
	}
}

type chanSource struct {
	snapshot []Change
	live     chan []Change
}

func (s *chanSource) Open(context.Context, []string) error       { return nil }
func (s *chanSource) Snapshot(context.Context) ([]Change, error) { return s.snapshot, nil }
func (s *chanSource) Close() error                               { return nil }
func (s *chanSource) Run(ctx context.Context, out chan<- []Change) {
	for {
		select {
		case <-ctx.Done():
			return
		case chs := <-s.live:
			out <- chs
		}
	}
}

// waitGoroutines fails when the goroutine count does not come back to
// base (the agent's feeders must stop with Run).
func waitGoroutines(t *testing.T, base int) {
	t.Helper()
	n := 0
	for i := 0; i < 500; i++ {
		if n = runtime.NumGoroutine(); n <= base {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Fatalf("goroutines %d → %d:\n%s", base, n, buf[:runtime.Stack(buf, true)])
}

func TestAfterFuncRunsOnTheLoopByTheClock(t *testing.T) {
	h := newHarness(t)
	var fired []string
	h.a.env.AfterFunc(3*time.Second, func() { fired = append(fired, "3s") })
	cancel := h.a.env.AfterFunc(2*time.Second, func() { fired = append(fired, "cancelled") })
	h.a.env.AfterFunc(time.Second, func() {
		fired = append(fired, "1s")
		h.a.env.AfterFunc(time.Second, func() { fired = append(fired, "1s+1s") })
	})
	cancel()
	if due, ok := h.a.core.nextWake(); !ok || due.Sub(h.clock.Now()) != time.Second {
		t.Fatalf("next wake in %v", due.Sub(h.clock.Now()))
	}
	h.clock.Advance(time.Second)
	h.a.core.wake(h.clock.Now())
	h.clock.Advance(2 * time.Second)
	h.a.core.wake(h.clock.Now())
	if got := fmt.Sprint(fired); got != "[1s 1s+1s 3s]" {
		t.Fatalf("fired %s", got)
	}
	if _, ok := h.a.core.nextWake(); ok {
		t.Fatal("timers left")
	}
}
