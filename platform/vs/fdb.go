package vs

import (
	"time"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// fdbEvent builds an FDB event for an entry.
func (s *store) fdbEvent(kind halv1.FdbEvent_Kind, e *fdbEntry, bp uint64) *halv1.Event {
	return &halv1.Event{Event: &halv1.Event_Fdb{Fdb: &halv1.FdbEvent{
		Kind:         kind,
		Entry:        &halv1.FdbEntry{SwitchId: s.switchOID, Mac: append([]byte(nil), e.k.mac[:]...), BvId: e.k.bv},
		BridgePortId: bp,
	}}}
}

// learnReq is a learning decision the pipeline made under the read lock,
// applied later under the write lock.
type learnReq struct {
	vlan *vlan
	mac  [6]byte
	bp   *bridgePort
}

// learn creates or moves a dynamic entry: the MAC was seen on bp. The
// decision is re-checked because the tables may have changed since the
// pipeline looked.
func (s *store) learn(r learnReq) {
	if s.vlans[r.vlan.obj.oid] != r.vlan || s.bps[r.bp.obj.oid] != r.bp {
		return // removed meanwhile
	}
	k := fdbKey{bv: r.vlan.obj.oid, mac: r.mac}
	now := s.now().UnixNano()
	if e, ok := s.fdb[k]; ok {
		e.lastSeen.Store(now)
		if !e.dynamic() || e.bridgePort() == r.bp.obj.oid {
			return
		}
		s.unref(&e.object)
		e.attrs[aFDBBridgePt] = attrOID(e.ti.meta.Attrs[aFDBBridgePt].Name, r.bp.obj.oid)
		s.ref(&e.object)
		s.emit(s.fdbEvent(halv1.FdbEvent_KIND_MOVE, e, r.bp.obj.oid))
		s.stages.inc(stMoved)
		return
	}
	if err := s.full(tFDB); err != nil {
		s.stages.inc(stDropFDBFull)
		return
	}
	ti := typeOf(tFDB)
	e := &fdbEntry{k: k, vid: r.vlan.vid, learned: true}
	e.object = object{ti: ti, ek: k, attrs: make([]*halv1.Attribute, len(ti.meta.Attrs)),
		key: &halv1.ObjectKey{Type: tFDB, Key: &halv1.ObjectKey_FdbEntry{FdbEntry: &halv1.FdbEntry{
			SwitchId: s.switchOID, Mac: append([]byte(nil), r.mac[:]...), BvId: k.bv}}}}
	e.attrs[aFDBType] = attrEnum(ti.meta.Attrs[aFDBType].Name, fdbDynamic)
	e.attrs[aFDBBridgePt] = attrOID(ti.meta.Attrs[aFDBBridgePt].Name, r.bp.obj.oid)
	e.lastSeen.Store(now)
	s.fdb[k] = e
	s.insert(&e.object)
	s.emit(s.fdbEvent(halv1.FdbEvent_KIND_LEARNED, e, r.bp.obj.oid))
	s.stages.inc(stLearned)
}

// flushFDB removes the dynamic entries match selects (FLUSHED events).
func (s *store) flushFDB(match func(*fdbEntry) bool) {
	for _, e := range s.fdb {
		if e.dynamic() && match(e) {
			bp := e.bridgePort()
			s.deleteObject(&e.object)
			s.emit(s.fdbEvent(halv1.FdbEvent_KIND_FLUSHED, e, bp))
			s.stages.inc(stFlushed)
		}
	}
}

// age removes the dynamic entries not refreshed within the age time (AGED
// events); it returns how many it removed.
func (s *store) age(now time.Time) int {
	if s.ageTime <= 0 {
		return 0
	}
	limit := now.Add(-s.ageTime).UnixNano()
	n := 0
	for _, e := range s.fdb {
		if e.dynamic() && e.lastSeen.Load() <= limit {
			bp := e.bridgePort()
			s.deleteObject(&e.object)
			s.emit(s.fdbEvent(halv1.FdbEvent_KIND_AGED, e, bp))
			s.stages.inc(stAged)
			n++
		}
	}
	return n
}
