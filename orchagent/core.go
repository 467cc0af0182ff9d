package orchagent

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/swss"
)

// Change is one APP_DB change as a source delivers it: for SET, Fields is
// the whole row as APP_DB now holds it.
type Change struct {
	Table  string
	Key    string
	Op     string // OpSet or OpDel
	Fields map[string]string
}

// Stats counts what the agent did (exported for tests and benchmarks).
type Stats struct {
	Changes  uint64 // APP_DB changes received
	Syncs    uint64 // Orch.Sync calls
	Flushes  uint64 // bulk exchanges with syncd
	Ops      uint64 // ASIC ops sent
	OpErrors uint64 // ASIC ops refused
	Rounds   uint64
	// PassLimits counts the times rows kept re-queuing each other until
	// maxPasses stopped the passes (an orch bug; see maxPasses).
	PassLimits uint64
	// FlushWait is the time spent in bulk exchanges: sending the ops and
	// waiting for syncd's statuses (which syncd sends once the platform
	// applied them and ASIC_DB holds them).
	FlushWait time.Duration
}

// Retry back-off for rows whose ASIC ops were refused.
const (
	retryMin = time.Second
	retryMax = 30 * time.Second
	// maxRounds bounds flush rounds per settle, against an orch that
	// queues ops forever.
	maxRounds = 64
	// maxPasses bounds the passes between two flushes, against orchs that
	// keep re-queuing each other's rows (a pending row whose Sync asks
	// for another row's Sync, which applies, every pass): without it the
	// loop never ends, the agent spins on its event loop and no longer
	// takes in changes nor sees its context end. Real dependency chains
	// settle in a handful of passes.
	maxPasses = 256
)

type tableState struct {
	name string
	orch Orch
	q    *taskQueue
	rows map[string]*row
}

type row struct {
	fields map[string]string
	gen    uint64
}

type errRecord struct{ status, reason string }

type retryEntry struct {
	ts  *tableState
	key string
	due time.Time
}

// core is the event loop's state without I/O: rows, queues, orchs, the ASIC
// op queue, error bookkeeping. Everything runs on one goroutine.
type core struct {
	log     zerolog.Logger
	orchs   []Orch
	tables  []*tableState // in orch registration order, then Tables() order
	byName  map[string]*tableState
	ops     *opQueue
	state   StateWriter
	clock   Clock
	errs    map[string]errRecord
	retries map[string]*retryEntry
	// attempts counts refusals of a row since it last applied or changed
	// (the back-off), quick marks rows already re-synced at once after a
	// refusal naming a missing object.
	attempts map[string]int
	quick    map[string]bool
	timers   []*timer
	applied  []*Task
	failed   map[*Task]bool
	gen      uint64
	stats    Stats
}

func newCore(log zerolog.Logger, client Client, state StateWriter, clock Clock) *core {
	c := &core{
		log: log, byName: make(map[string]*tableState), state: state, clock: clock,
		errs: make(map[string]errRecord), retries: make(map[string]*retryEntry), failed: make(map[*Task]bool),
		attempts: make(map[string]int), quick: make(map[string]bool),
	}
	c.ops = newOpQueue(client, &c.stats, log)
	return c
}

// register adds an orch and its tables.
func (c *core) register(o Orch) error {
	for _, t := range o.Tables() {
		if prev, ok := c.byName[t]; ok {
			return fmt.Errorf("orchagent: table %s claimed by %s and %s", t, prev.orch.Name(), o.Name())
		}
		ts := &tableState{name: t, orch: o, q: newTaskQueue(t), rows: make(map[string]*row)}
		c.byName[t] = ts
		c.tables = append(c.tables, ts)
	}
	c.orchs = append(c.orchs, o)
	return nil
}

// apply records changes of APP_DB rows and queues their keys.
func (c *core) apply(changes []Change) {
	for _, ch := range changes {
		ts, ok := c.byName[ch.Table]
		if !ok {
			c.log.Warn().Str("table", ch.Table).Str("key", ch.Key).Msg("change of a table no orch owns; ignored")
			continue
		}
		c.stats.Changes++
		c.gen++
		switch ch.Op {
		case OpDel:
			delete(ts.rows, ch.Key)
		default:
			ts.rows[ch.Key] = &row{fields: ch.Fields, gen: c.gen}
		}
		name := ch.Table + ":" + ch.Key
		delete(c.retries, name)
		delete(c.attempts, name)
		delete(c.quick, name)
		c.queueKey(ts, ch.Key)
	}
}

// queueKey queues a task for the key's current row.
func (c *core) queueKey(ts *tableState, key string) {
	t := &Task{Table: ts.name, Key: key, Op: OpDel, core: c}
	if r, ok := ts.rows[key]; ok {
		t.Op, t.Fields, t.gen = OpSet, r.fields, r.gen
	}
	ts.q.put(t)
}

// Resync queues a key of a table again (orchs use it when their own state
// changed what a row should do, e.g. a LAG member whose port came back).
func (c *core) Resync(table, key string) {
	if ts, ok := c.byName[table]; ok {
		c.queueKey(ts, key)
	}
}

// pass syncs every queued task once, in order; it reports whether any left
// its queue.
func (c *core) pass() bool {
	progress := false
	for _, ts := range c.tables {
		if ts.q.len() == 0 {
			continue
		}
		for _, t := range ts.q.snapshot() {
			if cur, ok := ts.q.items[t.Key]; !ok || cur.task != t {
				continue // replaced or settled meanwhile
			}
			c.stats.Syncs++
			res := c.sync(ts, t)
			switch res.kind {
			case kindPending:
				c.recordError(t, res.status, res.reason)
				continue
			case kindApplied:
				c.applied = append(c.applied, t)
			case kindInvalid:
				c.recordError(t, res.status, res.reason)
			case kindFailed:
				c.recordError(t, res.status, res.reason)
				c.scheduleRetry(ts, t.Key)
			}
			ts.q.remove(t.Key)
			progress = true
		}
	}
	return progress
}

// sync runs one Sync, turning a panic in an orch into a failure of that
// row so one bad row cannot stop the agent.
func (c *core) sync(ts *tableState, t *Task) (res Result) {
	if err := safely(c.log, t.Name(), func() { res = ts.orch.Sync(t) }); err != nil {
		return Result{kind: kindFailed, status: "SAI_STATUS_FAILURE", reason: err.Error()}
	}
	return res
}

// settle runs passes and flushes until nothing is left to send: pending rows
// are retried after every flush, since callbacks may have created what they
// wait for.
func (c *core) settle(ctx context.Context) error {
	c.ops.ctx = ctx
	defer func() { c.ops.ctx = context.Background() }()
	for round := 0; ; round++ {
		if err := c.passes(ctx); err != nil {
			return err
		}
		if c.ops.pending() == 0 {
			break
		}
		if round == maxRounds {
			c.log.Error().Int("ops", c.ops.pending()).Msg("rows keep queuing ASIC ops; flushing and stopping this settle")
		}
		c.stats.Rounds++
		err := c.ops.flush(ctx)
		for _, t := range c.applied {
			if !c.failed[t] {
				c.clearError(t)
			}
		}
		c.applied = c.applied[:0]
		clear(c.failed)
		if err != nil {
			return err
		}
		if round >= maxRounds {
			break
		}
	}
	for _, t := range c.applied { // applied without ASIC ops
		c.clearError(t)
	}
	c.applied = c.applied[:0]
	return c.state.Flush(ctx)
}

// passes runs passes until one makes no progress, at most maxPasses; it
// returns early (ctx's error) when ctx ends.
func (c *core) passes(ctx context.Context) error {
	for n := 0; c.pass(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if n+1 == maxPasses {
			c.stats.PassLimits++
			c.log.Error().Int("passes", maxPasses).Strs("queued", c.queuedNames(8)).
				Msg("rows keep re-queuing each other; flushing and leaving them queued for the next round")
			break
		}
	}
	return nil
}

// queuedNames names up to n queued rows (for logs).
func (c *core) queuedNames(n int) []string {
	var out []string
	for _, ts := range c.tables {
		for _, t := range ts.q.snapshot() {
			if len(out) == n {
				return out
			}
			out = append(out, t.Name())
		}
	}
	return out
}

// statusInvalidObjectID is syncd's answer when an op names an object that
// does not exist, typically one whose create was refused earlier in the
// same flush.
const statusInvalidObjectID = "SAI_STATUS_INVALID_OBJECT_ID"

// taskFailed handles an op refusal reported through Task.Fail.
func (c *core) taskFailed(t *Task, status, reason string) {
	c.failed[t] = true
	c.recordError(t, status, reason)
	ts := c.byName[t.Table]
	if ts == nil || ts.q.has(t.Key) {
		return // a newer change is queued and will be synced anyway
	}
	name := t.Name()
	if status == statusInvalidObjectID && !c.quick[name] {
		// Its dependency was refused in the same flush and rolled back:
		// sync again at once, so the row reports what it waits for.
		c.quick[name] = true
		c.queueKey(ts, t.Key)
		return
	}
	c.scheduleRetry(ts, t.Key)
}

func (c *core) scheduleRetry(ts *tableState, key string) {
	name := ts.name + ":" + key
	e := c.retries[name]
	if e == nil {
		e = &retryEntry{ts: ts, key: key}
		c.retries[name] = e
	}
	n := c.attempts[name]
	d := retryMin << n
	if d > retryMax || d <= 0 {
		d = retryMax
	} else {
		c.attempts[name] = n + 1
	}
	e.due = c.clock.Now().Add(d)
}

// nextRetry is when the earliest retry is due (ok false: none).
func (c *core) nextRetry() (time.Time, bool) {
	var first time.Time
	for _, e := range c.retries {
		if first.IsZero() || e.due.Before(first) {
			first = e.due
		}
	}
	return first, !first.IsZero()
}

// retryDue queues the rows whose back-off has passed.
func (c *core) retryDue(now time.Time) {
	for name, e := range c.retries {
		if !e.due.After(now) {
			delete(c.retries, name)
			c.queueKey(e.ts, e.key)
		}
	}
}

func (c *core) recordError(t *Task, status, reason string) {
	name := t.Name()
	rec := errRecord{status, reason}
	if c.errs[name] == rec {
		return
	}
	c.errs[name] = rec
	ev := c.log.Warn()
	if status == StatusPending {
		ev = c.log.Info()
	}
	ev.Str("key", name).Str("op", t.Op).Str("status", status).Str("reason", reason).Msg("row not applied")
	c.state.SetState(StateErrorTable, name, map[string]string{"status": status, "reason": reason})
}

func (c *core) clearError(t *Task) {
	name := t.Name()
	delete(c.attempts, name)
	delete(c.quick, name)
	if _, ok := c.errs[name]; !ok {
		return
	}
	delete(c.errs, name)
	if t.Op == OpSet {
		c.log.Info().Str("key", name).Msg("row applied")
	}
	c.state.DelState(StateErrorTable, name)
}

// pendingCount is the number of rows waiting in queues.
func (c *core) pendingCount() int {
	n := 0
	for _, ts := range c.tables {
		n += ts.q.len()
	}
	return n
}

// notify hands a NOTIFICATIONS message to the orchs that handle them.
func (c *core) notify(n swss.Notification) {
	for _, o := range c.orchs {
		if h, ok := o.(NotificationHandler); ok {
			safely(c.log, o.Name()+" notification "+n.Op, func() { h.HandleNotification(n) })
		}
	}
}
