package orchagent

import (
	"fmt"

	"github.com/vltgw/vltgw/orchagent/sairedis"
)

// Ops of a Task.
const (
	OpSet = "SET"
	OpDel = "DEL"
)

// Task asks an orch to reconcile one APP_DB key: with its whole current row
// (Op SET; Fields merged from every change so far, as APP_DB holds it) or
// with its absence (Op DEL). Orchs compare with what they installed, queue
// ASIC ops and return a Result.
type Task struct {
	Table  string
	Key    string
	Op     string
	Fields map[string]string

	core *core
	gen  uint64 // row generation when the task was made
}

// Name is "<TABLE>:<key>", how logs and STATE_DB name the row.
func (t *Task) Name() string { return t.Table + ":" + t.Key }

// Field returns a field of the row.
func (t *Task) Field(f string) (string, bool) {
	v, ok := t.Fields[f]
	return v, ok
}

// Fail reports, from a Done callback, that an op made for this row was
// refused. The orch has already undone its bookkeeping; the row is recorded
// in STATE_DB with the SAI status and synced again after a back-off (unless
// a newer change of the row arrives first).
func (t *Task) Fail(err error) {
	if t.core != nil {
		t.core.taskFailed(t, sairedis.StatusOf(err), err.Error())
	}
}

// Result is what an orch did with a Task.
type Result struct {
	kind   resultKind
	status string
	reason string
}

type resultKind uint8

const (
	kindApplied resultKind = iota
	kindPending
	kindInvalid
	kindFailed
)

// Applied: the row is in effect (its ops are queued, or nothing was
// needed). Its STATE_DB error goes away once the ops succeeded.
func Applied() Result { return Result{kind: kindApplied} }

// Pending: a dependency is missing (a VLAN before its member, a neighbour
// before its route). The row stays queued and is synced again, in order,
// after every batch until it applies.
func Pending(format string, a ...any) Result {
	return Result{kind: kindPending, status: StatusPending, reason: fmt.Sprintf(format, a...)}
}

// Conflict: the row clashes with another one (a duplicate address). Like
// Pending, it is retried when things change.
func Conflict(format string, a ...any) Result {
	return Result{kind: kindPending, status: StatusConflict, reason: fmt.Sprintf(format, a...)}
}

// Invalid: the row itself is wrong (bad prefix, bad VLAN id). It is not
// retried; a new change of the row replaces it.
func Invalid(format string, a ...any) Result {
	return Result{kind: kindInvalid, status: StatusInvalid, reason: fmt.Sprintf(format, a...)}
}

// Failed: queuing the row's ops failed right away (e.g. no VID could be
// allocated); the row is retried after a back-off.
func Failed(err error) Result {
	return Result{kind: kindFailed, status: sairedis.StatusOf(err), reason: err.Error()}
}
