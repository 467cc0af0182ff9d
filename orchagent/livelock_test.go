package orchagent

import (
	"context"
	"errors"
	"testing"
)

// echoOrch reproduces the shape of the lab's replay livelock (the
// proxy-gateway and isolation orchs sharing VLT_DOMAIN_TABLE): a row that
// stays pending asks, on every Sync, for another row's Sync, which applies.
// Each pass then "makes progress", so an unbounded pass loop never ends.
type echoOrch struct {
	env    *Env
	syncs  int
	cancel func() // called at the first Sync of the echo row, if set
}

const (
	echoPendingTable = "ECHO_PENDING_TABLE"
	echoPlanTable    = "ECHO_PLAN_TABLE"
	// echoGiveUp stops the echo so the test ends (and fails) even when
	// nothing bounds the passes.
	echoGiveUp = 100 * maxPasses
)

func (o *echoOrch) Name() string     { return "echo" }
func (o *echoOrch) Tables() []string { return []string{echoPendingTable, echoPlanTable} }

func (o *echoOrch) Sync(t *Task) Result {
	o.syncs++
	if t.Table == echoPlanTable {
		if o.cancel != nil {
			o.cancel()
		}
		return Applied()
	}
	if o.syncs < echoGiveUp {
		o.env.Resync(echoPlanTable, "plan")
	}
	return Pending("waits for something that is not there")
}

func newEchoHarness(t *testing.T) (*harness, *echoOrch) {
	o := &echoOrch{}
	h := newHarness(t, func(env *Env) (Orch, error) { o.env = env; return o, nil })
	return h, o
}

// TestSettleEndsWhenRowsKeepRequeuingEachOther: the passes between two
// flushes are bounded, the pending row stays queued and reported, and the
// agent carries on.
func TestSettleEndsWhenRowsKeepRequeuingEachOther(t *testing.T) {
	h, o := newEchoHarness(t)
	h.set(echoPendingTable, "k")
	if o.syncs >= echoGiveUp {
		t.Fatalf("settle ran %d Syncs: the passes never stopped on their own", o.syncs)
	}
	if o.syncs > 2*maxPasses+1 {
		t.Fatalf("%d Syncs for a bound of %d passes", o.syncs, maxPasses)
	}
	if h.a.core.stats.PassLimits != 1 {
		t.Fatalf("pass limit hit %d times", h.a.core.stats.PassLimits)
	}
	h.wantError(echoPendingTable+":k", StatusPending, "waits for")
	if !h.a.core.byName[echoPendingTable].q.has("k") {
		t.Fatal("the pending row left its queue")
	}
	// Other rows still apply.
	h.set(AppVlanTable, "Vlan10")
	h.wantCount(tVlan, 1)
}

// TestSettleSeesItsContextEnd: a settle stuck in such a loop returns once
// its context ends (SIGTERM reaches orchagent through that context).
func TestSettleSeesItsContextEnd(t *testing.T) {
	h, o := newEchoHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o.cancel = cancel
	h.a.core.apply([]Change{{Table: echoPendingTable, Key: "k", Op: OpSet, Fields: map[string]string{}}})
	if err := h.a.core.settle(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("settle: %v, want the context's error", err)
	}
	if o.syncs > 4 {
		t.Fatalf("%d Syncs after the context ended", o.syncs)
	}
}
