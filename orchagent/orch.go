package orchagent

import (
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/swss"
)

// Orch owns some APP_DB tables and turns their rows into ASIC objects.
//
// Sync is level-triggered: it gets the whole current row of a key (or its
// deletion), compares it with what the orch installed, queues ASIC ops and
// says what happened (Applied, Pending, Conflict, Invalid, Failed). The
// agent keeps Pending and Conflict rows queued and syncs them again, in
// arrival order, after every batch until they apply; it writes every
// non-applied row to STATE_DB ORCH_ERROR_TABLE and clears it when the row
// applies or is deleted. Ops that syncd refuses come back through the op's
// Done callback, where the orch undoes its bookkeeping and calls Task.Fail.
type Orch interface {
	Name() string
	// Tables lists the APP_DB tables the orch owns, in the order their
	// pending rows are retried.
	Tables() []string
	Sync(t *Task) Result
}

// Starter is implemented by orchs that program something at start, before
// APP_DB is replayed (the LLDP trap, default routes).
type Starter interface {
	Start() error
}

// NotificationHandler is implemented by orchs that consume ASIC_DB
// NOTIFICATIONS (port_state_change, fdb_event).
type NotificationHandler interface {
	HandleNotification(n swss.Notification)
}

// Env is what an orch is built with: the ASIC, the switch, the other orchs'
// views and events, STATE_DB, the clock. It is the extension point for the
// VLT orchs (isolation group, proxy-gateway MY_MAC): they read Ports, Vlans
// and Intfs, subscribe to Events, and program the ASIC like the core orchs.
type Env struct {
	ASIC   ASIC
	Switch *SwitchInfo
	Events *Events
	State  StateWriter
	Clock  Clock
	Log    zerolog.Logger

	Ports  PortView
	Vlans  VlanView
	Intfs  IntfView
	Neighs NeighView

	// Resync queues a key of a table for Sync again (an orch whose own
	// state changed what an already applied row should do).
	Resync func(table, key string)
	// AfterFunc runs fn on the event loop once d has passed on Clock (the
	// proxy gateway's peer-routing timeout); the ops fn queues are flushed
	// in that round. The returned function cancels it.
	AfterFunc func(d time.Duration, fn func()) (cancel func())
}

// OrchFactory builds an extra orch once the core orchs exist.
type OrchFactory func(env *Env) (Orch, error)
