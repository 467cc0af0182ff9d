package vs

import (
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ridMarker is set in every object id the platform allocates (bit 40).
// VIDs (sairedis) use bits 38–0 for their counter and never set it, so a
// RID and a VID are told apart at a glance; bits 55–48 hold the object
// type as in VIDs, e.g. MY_MAC RIDs read 0x61010000000123.
const ridMarker = 1 << 40

// rid builds a platform object id: type in bits 55–48, the marker, a counter.
func rid(t halv1.ObjectType, n uint64) uint64 {
	return uint64(t)&0xff<<48 | ridMarker | n&(ridMarker-1)
}

// store holds every SAI object and the derived tables. It is not safe for
// concurrent use: the Switch guards it with its lock (writes exclusive, the
// pipeline shared).
type store struct {
	log       zerolog.Logger
	now       func() time.Time
	stages    *stageCounters
	switchOID uint64
	mac       [6]byte // the switch's SRC_MAC_ADDRESS, kept in step by set
	ageTime   time.Duration
	next      uint64

	objs   map[uint64]*object
	fdb    map[fdbKey]*fdbEntry
	routes map[routeKey]*routeEntry
	neighs map[neighKey]*neighEntry
	count  [maxType]int
	caps   [maxType]int

	tables

	// Events raised by the current write, published in order while the
	// switch's lock is still held.
	events []*halv1.Event
}

func newStore(log zerolog.Logger, now func() time.Time, stages *stageCounters, c *Config) *store {
	s := &store{
		log: log, now: now, stages: stages, mac: c.switchMAC(), ageTime: c.FDBAgeTime,
		objs:   map[uint64]*object{},
		fdb:    map[fdbKey]*fdbEntry{},
		routes: map[routeKey]*routeEntry{},
		neighs: map[neighKey]*neighEntry{},
		tables: newTables(),
	}
	s.caps[tMyMAC] = c.Capacity.MyMAC
	s.caps[tFDB] = c.Capacity.FDB
	s.caps[tRoute] = c.Capacity.Route
	s.caps[tNeighbor] = c.Capacity.Neighbor
	s.caps[tNextHop] = c.Capacity.NextHop
	s.caps[tNHGroup] = c.Capacity.NextHopGroup
	s.caps[tNHGMember] = c.Capacity.NextHopGroupMember
	return s
}

// statusErr builds a status error.
func statusErr(st halv1.Status, format string, a ...any) error {
	return &sai.StatusError{Status: st, Msg: fmt.Sprintf(format, a...)}
}

// resultOf converts an error from the store into an op result.
func resultOf(err error, oid uint64) *halv1.Result {
	if err == nil {
		return &halv1.Result{Oid: oid}
	}
	var se *sai.StatusError
	if errors.As(err, &se) {
		return &halv1.Result{Status: se.Status, Message: se.Msg}
	}
	return &halv1.Result{Status: halv1.Status_STATUS_FAILURE, Message: err.Error()}
}

// write applies the ops of one request in order; with stop-on-error the
// ops after the first failure are NOT_EXECUTED.
func (s *store) write(req *halv1.WriteRequest) *halv1.WriteResponse {
	ops := req.GetOps()
	resp := &halv1.WriteResponse{Results: make([]*halv1.Result, len(ops))}
	slab := make([]halv1.Result, len(ops)) // one allocation for the usual successes
	stop := req.GetMode() == halv1.WriteRequest_MODE_STOP_ON_ERROR
	for i, op := range ops {
		oid, err := s.apply(op)
		if err == nil {
			slab[i].Oid = oid
			resp.Results[i] = &slab[i]
			continue
		}
		r := resultOf(err, oid)
		r.Message = fmt.Sprintf("op %d (%s): %s", i, opName(op), r.Message)
		resp.Results[i] = r
		if stop {
			for j := i + 1; j < len(ops); j++ {
				resp.Results[j] = &halv1.Result{Status: halv1.Status_STATUS_NOT_EXECUTED,
					Message: fmt.Sprintf("op %d not executed: op %d failed", j, i)}
			}
			break
		}
	}
	return resp
}

func opName(op *halv1.Op) string {
	k := "unknown"
	switch op.GetKind() {
	case halv1.Op_KIND_CREATE:
		k = "create"
	case halv1.Op_KIND_REMOVE:
		k = "remove"
	case halv1.Op_KIND_SET:
		k = "set"
	}
	return k + " " + sai.TypeName(op.GetKey().GetType())
}

// apply runs one op; it returns the allocated oid of a create.
func (s *store) apply(op *halv1.Op) (uint64, error) {
	k := op.GetKey()
	if k == nil {
		return 0, statusErr(halv1.Status_STATUS_INVALID_PARAMETER, "key missing")
	}
	ti := typeOf(k.GetType())
	if ti == nil {
		return 0, statusErr(halv1.Status_STATUS_INVALID_OBJECT_TYPE, "unknown object type %d", int32(k.GetType()))
	}
	switch op.GetKind() {
	case halv1.Op_KIND_CREATE:
		if ti.meta.IsEntry {
			return 0, s.createEntry(ti, k, op.GetAttrs())
		}
		return s.createObject(ti, k, op.GetAttrs())
	case halv1.Op_KIND_REMOVE:
		o, err := s.find(ti, k)
		if err != nil {
			return 0, err
		}
		return 0, s.remove(o)
	case halv1.Op_KIND_SET:
		o, err := s.find(ti, k)
		if err != nil {
			return 0, err
		}
		return 0, s.set(o, op.GetAttrs())
	}
	return 0, statusErr(halv1.Status_STATUS_INVALID_PARAMETER, "op kind %d: want CREATE, REMOVE or SET", int32(op.GetKind()))
}

// find returns the existing object a key names.
func (s *store) find(ti *typeInfo, k *halv1.ObjectKey) (*object, error) {
	if !ti.meta.IsEntry {
		x, ok := k.GetKey().(*halv1.ObjectKey_Oid)
		if !ok {
			return nil, statusErr(halv1.Status_STATUS_INVALID_PARAMETER, "%s is keyed by an object id", ti.meta.Name)
		}
		o, ok := s.objs[x.Oid]
		if !ok {
			return nil, statusErr(halv1.Status_STATUS_ITEM_NOT_FOUND, "%s %s does not exist", ti.meta.Name, sai.FormatOID(x.Oid))
		}
		if o.t() != ti.t {
			return nil, statusErr(halv1.Status_STATUS_INVALID_OBJECT_ID, "%s is a %s, not a %s", sai.FormatOID(x.Oid), o.ti.meta.Name, ti.meta.Name)
		}
		return o, nil
	}
	ek, err := s.parseEntryKey(ti, k, false)
	if err != nil {
		return nil, err
	}
	var o *object
	switch ek := ek.(type) {
	case fdbKey:
		if e, ok := s.fdb[ek]; ok {
			o = &e.object
		}
	case routeKey:
		if e, ok := s.routes[ek]; ok {
			o = &e.object
		}
	case neighKey:
		if e, ok := s.neighs[ek]; ok {
			o = &e.object
		}
	}
	if o == nil {
		return nil, statusErr(halv1.Status_STATUS_ITEM_NOT_FOUND, "%s %s does not exist", ti.meta.Name, describeKey(k))
	}
	return o, nil
}

// describeKey renders a key for messages.
func describeKey(k *halv1.ObjectKey) string {
	if s, err := sai.FormatObjectID(k); err == nil {
		return s
	}
	return fmt.Sprintf("%v", k.GetKey())
}

// refTargets calls fn for every object id o references: its stored
// attributes and its entry key.
func (s *store) refTargets(o *object, fn func(uint64)) {
	for i, a := range o.attrs {
		if a == nil {
			continue
		}
		switch o.ti.meta.Attrs[i].Kind {
		case sai.KindOID:
			if v := a.GetOid(); v != 0 {
				fn(v)
			}
		case sai.KindOIDList:
			for _, v := range a.GetOidList().GetOids() {
				if v != 0 {
					fn(v)
				}
			}
		}
	}
	switch x := o.key.GetKey().(type) {
	case *halv1.ObjectKey_FdbEntry:
		fn(x.FdbEntry.GetBvId())
	case *halv1.ObjectKey_RouteEntry:
		fn(x.RouteEntry.GetVrId())
	case *halv1.ObjectKey_NeighborEntry:
		fn(x.NeighborEntry.GetRifId())
	}
}

// isDynamicFDB reports whether o is a dynamic FDB entry (its references
// do not keep objects "in use": the entry is flushed instead).
func isDynamicFDB(o *object) bool {
	return o.t() == tFDB && o.enumAttr(aFDBType, fdbDynamic) == fdbDynamic
}

func (s *store) ref(o *object) {
	dyn := isDynamicFDB(o)
	s.refTargets(o, func(v uint64) {
		if t, ok := s.objs[v]; ok {
			t.refs++
			if dyn {
				t.dynRefs++
			}
		}
	})
}

func (s *store) unref(o *object) {
	dyn := isDynamicFDB(o)
	s.refTargets(o, func(v uint64) {
		if t, ok := s.objs[v]; ok {
			t.refs--
			if dyn {
				t.dynRefs--
			}
		}
	})
}

// checkRef verifies that a referenced object exists and has an allowed type.
func (s *store) checkRef(m *sai.AttrMeta, v uint64) error {
	o, ok := s.objs[v]
	if !ok {
		return statusErr(halv1.Status_STATUS_INVALID_OBJECT_ID, "%s: object %s does not exist", m.Name, sai.FormatOID(v))
	}
	for _, t := range m.RefTypes {
		if o.t() == t {
			return nil
		}
	}
	return statusErr(halv1.Status_STATUS_INVALID_OBJECT_ID, "%s: %s is a %s, not a %s", m.Name, sai.FormatOID(v), o.ti.meta.Name, refTypeNames(m.RefTypes))
}

func refTypeNames(ts []halv1.ObjectType) string {
	out := ""
	for i, t := range ts {
		if i > 0 {
			out += " or "
		}
		out += sai.TypeName(t)
	}
	return out
}

// checkRefs verifies every object id in a.
func (s *store) checkRefs(m *sai.AttrMeta, a *halv1.Attribute) error {
	switch m.Kind {
	case sai.KindOID:
		if v := a.GetOid(); v != 0 {
			return s.checkRef(m, v)
		}
	case sai.KindOIDList:
		for _, v := range a.GetOidList().GetOids() {
			if v == 0 {
				return statusErr(halv1.Status_STATUS_INVALID_ATTR_VALUE, "%s: null object id in a list", m.Name)
			}
			if err := s.checkRef(m, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// full reports TABLE_FULL when t has reached its capacity.
func (s *store) full(t halv1.ObjectType) error {
	if c := s.caps[t]; c > 0 && s.count[t] >= c {
		return statusErr(halv1.Status_STATUS_TABLE_FULL, "%s table full (%d entries)", sai.TypeName(t), c)
	}
	return nil
}

func (s *store) emit(ev *halv1.Event) { s.events = append(s.events, ev) }

// drain hands the pending events over.
func (s *store) drain() []*halv1.Event {
	ev := s.events
	s.events = nil
	return ev
}
