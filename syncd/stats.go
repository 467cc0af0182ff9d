package syncd

import (
	"strconv"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// StatsKey is the STATE_DB hash syncd keeps its counters in.
const StatsKey = "SYNCD_STATS|global"

// stats are syncd's counters, owned by the event loop and written to
// STATE_DB with every batch.
type stats struct {
	items            uint64 // queue items consumed
	creates          uint64 // objects created on the platform
	removes          uint64
	sets             uint64
	gets             uint64
	errors           uint64 // objects answered with a status other than SUCCESS
	platformRefusals uint64 // of which the platform refused
	halWrites        uint64 // HAL Write calls
	halOps           uint64 // ops in them
	notifications    uint64 // published on NOTIFICATIONS
	platformReplays  uint64 // replays into a restarted platform
	viewApplies      uint64 // APPLY_VIEW comparisons
}

func (st *stats) fields() []any {
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	return []any{
		"items", u(st.items),
		"creates", u(st.creates),
		"removes", u(st.removes),
		"sets", u(st.sets),
		"gets", u(st.gets),
		"errors", u(st.errors),
		"platform_refusals", u(st.platformRefusals),
		"hal_writes", u(st.halWrites),
		"hal_ops", u(st.halOps),
		"notifications", u(st.notifications),
		"platform_replays", u(st.platformReplays),
		"view_applies", u(st.viewApplies),
	}
}

func (st *stats) flush(w *stateWriter) {
	w.stateHSet(StatsKey, st.fields()...)
}

// ErrorTable is the STATE_DB table of refused objects:
// SYNCD_ERROR_TABLE|<SAI_OBJECT_TYPE_X>:<id> {op, status, reason}; the row
// goes once an op on that object succeeds.
const ErrorTable = "SYNCD_ERROR_TABLE"

// recordError writes why an object (or a queue item, by its key) was refused.
func (s *Syncd) recordError(op, key string, st halv1.Status, reason string) {
	if s.cfg.State == nil {
		return
	}
	s.errKeys[key] = struct{}{}
	s.state.stateHSet(ErrorTable+"|"+key, "op", op, "status", statusName(st), "reason", reason)
}

// clearError drops the error row of an object an op just succeeded on.
func (s *Syncd) clearError(key string) {
	if _, ok := s.errKeys[key]; !ok {
		return
	}
	delete(s.errKeys, key)
	s.state.stateDel(ErrorTable + "|" + key)
}
