package vs

import (
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// remove deletes an object nothing references. Dynamic FDB entries do
// not keep an object in use: they are flushed with it (FLUSHED events).
func (s *store) remove(o *object) error {
	if o.platform {
		return statusErr(halv1.Status_STATUS_NOT_SUPPORTED, "%s %s belongs to the platform and cannot be removed", o.ti.meta.Name, describeKey(o.objectKey()))
	}
	if n := o.refs - o.dynRefs; n > 0 {
		return statusErr(halv1.Status_STATUS_OBJECT_IN_USE, "%s %s is referenced by %d object(s)", o.ti.meta.Name, describeKey(o.objectKey()), n)
	}
	if o.dynRefs > 0 {
		oid := o.oid
		s.flushFDB(func(e *fdbEntry) bool { return e.k.bv == oid || e.bridgePort() == oid })
	}
	if o.t() == tVLANMem {
		bv, bp := o.oidAttr(aVMVLAN), o.oidAttr(aVMBridgePt)
		s.flushFDB(func(e *fdbEntry) bool { return e.k.bv == bv && e.bridgePort() == bp })
	}
	s.deleteObject(o)
	return nil
}

// deleteObject undoes insert: derived tables, references, count, maps.
func (s *store) deleteObject(o *object) {
	s.indexRemove(o)
	s.unref(o)
	s.count[o.t()]--
	if o.oid != 0 {
		delete(s.objs, o.oid)
		return
	}
	switch k := o.ek.(type) {
	case fdbKey:
		delete(s.fdb, k)
	case routeKey:
		delete(s.routes, k)
	case neighKey:
		delete(s.neighs, k)
	}
}
