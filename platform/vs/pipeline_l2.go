package vs

// bridge forwards a frame within its VLAN: a known unicast destination
// goes to its bridge port, anything else is flooded.
func (s *Switch) bridge(pk *pkt) {
	f := &pk.f
	vs := newVariants(f, f.dst, f.src, f.body, pk.vlan.vid, true)
	if !isMulticast(f.dst) {
		if e, ok := s.st.fdb[fdbKey{bv: pk.vlan.obj.oid, mac: f.dst}]; ok {
			s.unicast(pk, e, vs)
			return
		}
	}
	s.flood(pk, pk.vlan, vs, pk.bp, true)
	s.stages.inc(stFlooded)
}

// unicast sends a frame to a known FDB entry's bridge port.
func (s *Switch) unicast(pk *pkt, e *fdbEntry, vs *variants) {
	switch e.enumAttr(aFDBAction, actForward) {
	case actDrop, actDeny:
		s.drop(pk, stDropFDBAction)
		return
	case actTrap:
		s.punt(pk, "SAI_HOSTIF_USER_DEFINED_TRAP_TYPE_FDB")
		s.stages.inc(stTrapped)
		return
	case actCopy, actLog:
		s.punt(pk, "SAI_HOSTIF_USER_DEFINED_TRAP_TYPE_FDB")
		s.stages.inc(stCopied)
	}
	out, ok := s.st.bps[e.bridgePort()]
	if !ok {
		s.flood(pk, pk.vlan, vs, pk.bp, true)
		s.stages.inc(stFlooded)
		return
	}
	if out == pk.bp {
		s.drop(pk, stDropSamePort)
		return
	}
	if s.isolated(pk.bp, out) {
		s.drop(pk, stDropIsolation)
		return
	}
	m := pk.vlan.members[out.obj.oid]
	if m == nil || !out.adminUp() {
		s.drop(pk, stDropVLAN)
		return
	}
	if st, ok := s.toBridgePort(pk, out, vs.get(m.tagging())); !ok {
		s.drop(pk, st)
		return
	}
	s.stages.inc(stBridged)
}

// flood sends a frame to every member of v except the ingress bridge port
// (skip), honouring isolation groups when isolate is set. Members that
// are down are left out silently.
func (s *Switch) flood(pk *pkt, v *vlan, vs *variants, skip *bridgePort, isolate bool) {
	for _, m := range v.flood {
		if m.bp == skip || !m.bp.adminUp() {
			continue
		}
		if isolate && s.isolated(skip, m.bp) {
			s.stages.inc(stDropIsolation)
			continue
		}
		s.toBridgePort(pk, m.bp, vs.get(m.tagging()))
	}
}

// isolated reports whether frames from bridge port in may not leave by out:
// out is a member of in's isolation group (VLT peer-link split horizon).
func (s *Switch) isolated(in, out *bridgePort) bool {
	if in == nil {
		return false
	}
	g := in.obj.oidAttr(aBPIsoGroup)
	if g == 0 {
		return false
	}
	grp, ok := s.st.isoGroups[g]
	if !ok {
		return false
	}
	if grp.members[out.obj.oid] > 0 {
		return true
	}
	// Port-type groups list ports.
	return out.port != nil && grp.members[out.port.obj.oid] > 0
}

// toBridgePort queues frame out of a bridge port (its port, or one member
// of its LAG); it reports the drop reason when nothing can be sent.
func (s *Switch) toBridgePort(pk *pkt, bp *bridgePort, frame []byte) (stage, bool) {
	if bp.port != nil {
		return s.toPort(pk, bp.port, frame)
	}
	if bp.lag != nil {
		return s.toLAG(pk, bp.lag, frame)
	}
	return stDropNoBridgePort, false
}

// toIface queues frame out of a port or LAG by oid.
func (s *Switch) toIface(pk *pkt, ifOID uint64, frame []byte) (stage, bool) {
	if p, ok := s.st.ports[ifOID]; ok {
		return s.toPort(pk, p, frame)
	}
	if l, ok := s.st.lags[ifOID]; ok {
		return s.toLAG(pk, l, frame)
	}
	return stDropNoBridgePort, false
}

func (s *Switch) toPort(pk *pkt, p *port, frame []byte) (stage, bool) {
	if !p.operUp || p.cpu {
		p.counters.txDropped.Add(1)
		return stDropPortDown, false
	}
	pk.out = append(pk.out, egress{p: p, frame: frame})
	return 0, true
}

// toLAG picks one oper-up, egress-enabled member by the frame's flow hash.
func (s *Switch) toLAG(pk *pkt, l *lag, frame []byte) (stage, bool) {
	var up [64]*port
	cands := up[:0]
	for _, m := range l.members {
		if m.operUp && m.egressEnabled() {
			cands = append(cands, m)
		}
	}
	if len(cands) == 0 {
		return stDropLAGNoMember, false
	}
	p := cands[flowHash(&pk.f)%uint32(len(cands))]
	pk.out = append(pk.out, egress{p: p, frame: frame})
	return 0, true
}
