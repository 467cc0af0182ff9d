package syncd

// idMap is the VID↔RID translation owned by the event loop. It mirrors the
// VIDTORID/RIDTOVID hashes of ASIC_DB.
type idMap struct {
	v2r map[uint64]uint64
	r2v map[uint64]uint64
}

func newIDMap() *idMap {
	return &idMap{v2r: make(map[uint64]uint64), r2v: make(map[uint64]uint64)}
}

func (m *idMap) len() int { return len(m.v2r) }

func (m *idMap) put(vid, rid uint64) {
	if old, ok := m.v2r[vid]; ok {
		delete(m.r2v, old)
	}
	if old, ok := m.r2v[rid]; ok {
		delete(m.v2r, old)
	}
	m.v2r[vid] = rid
	m.r2v[rid] = vid
}

func (m *idMap) delVID(vid uint64) (rid uint64, ok bool) {
	rid, ok = m.v2r[vid]
	if ok {
		delete(m.v2r, vid)
		delete(m.r2v, rid)
	}
	return rid, ok
}

func (m *idMap) rid(vid uint64) (uint64, bool) {
	if vid == 0 {
		return 0, true
	}
	r, ok := m.v2r[vid]
	return r, ok
}

func (m *idMap) vid(rid uint64) (uint64, bool) {
	if rid == 0 {
		return 0, true
	}
	v, ok := m.r2v[rid]
	return v, ok
}
