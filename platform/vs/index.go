package vs

import (
	"sort"
	"time"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// indexAdd puts a new object into the derived tables. The attributes that
// key a table are create-only, so a later SET never moves an object
// between keys; indexSet handles the few side effects of settable ones.
func (s *store) indexAdd(o *object) {
	switch o.t() {
	case tLAG:
		s.lags[o.oid] = &lag{obj: o}
	case tLAGMember:
		p, l := s.ports[o.oidAttr(aLAGMPort)], s.lags[o.oidAttr(aLAGMLag)]
		s.lagMemOf[o.oidAttr(aLAGMPort)] = o.oid
		if p == nil || l == nil {
			return
		}
		wasUp := l.bp != nil && l.bp.operUp()
		p.lag, p.lagm = l, o
		l.members = append(l.members, p)
		sort.Slice(l.members, func(i, j int) bool { return l.members[i].obj.oid < l.members[j].obj.oid })
		s.lagOperChanged(l, wasUp)
	case tBridgePt:
		if o.enumAttr(aBPType, "") != bpTypePort {
			return
		}
		bp := &bridgePort{obj: o, ifOID: o.oidAttr(aBPPort), vlans: map[uint16]*vlanMember{}}
		if p, ok := s.ports[bp.ifOID]; ok {
			bp.port = p
		} else if l, ok := s.lags[bp.ifOID]; ok {
			bp.lag = l
			l.bp = bp
		}
		s.bps[o.oid] = bp
		s.bpByIf[bp.ifOID] = bp
	case tVLAN:
		v := &vlan{obj: o, vid: uint16(o.u32Attr(aVLANID, 0)), members: map[uint64]*vlanMember{}}
		s.vlans[o.oid] = v
		s.vlanByVID[v.vid&0xfff] = v
	case tVLANMem:
		v, bp := s.vlans[o.oidAttr(aVMVLAN)], s.bps[o.oidAttr(aVMBridgePt)]
		if v == nil || bp == nil {
			return
		}
		m := &vlanMember{obj: o, vlan: v, bp: bp}
		v.members[bp.obj.oid] = m
		v.rebuildFlood()
		bp.vlans[v.vid] = m
		s.vlanMemIdx[[2]uint64{v.obj.oid, bp.obj.oid}] = m
	case tRIF:
		r := &rif{obj: o, kind: o.enumAttr(aRIFType, ""), vr: o.oidAttr(aRIFVR)}
		switch r.kind {
		case rifTypeVLAN:
			if v, ok := s.vlans[o.oidAttr(aRIFVLAN)]; ok {
				r.vid = v.vid
				s.rifByVID[r.vid] = r
			}
		case rifTypePort:
			r.ifOID = o.oidAttr(aRIFPort)
			s.rifByIf[r.ifOID] = r
			s.rifPortDup[r.ifOID] = o.oid
		}
		s.rifs[o.oid] = r
	case tTrap:
		s.traps[o.enumAttr(aTrapType, "")] = o
	case tHostif:
		if a := o.attrs[aHostifName]; a != nil {
			s.hostifName[a.GetStr()] = o.oid
		}
	case tIsoGroup:
		s.isoGroups[o.oid] = &isoGroup{obj: o, members: map[uint64]int{}}
	case tIsoMember:
		g, obj := o.oidAttr(aIsoMGroup), o.oidAttr(aIsoMObject)
		if grp, ok := s.isoGroups[g]; ok {
			grp.members[obj]++
		}
		s.isoMemIdx[[2]uint64{g, obj}] = o.oid
	case tNHGroup, tNHGMember:
		s.nhgIndexAdd(o)
	case tMyMAC:
		mac, mask, vlanID, portOID := myMACTuple(o)
		s.myMACs.add(mac, mask, vlanID, portOID, o.oid)
	case tRoute:
		k := o.ek.(routeKey)
		l, ok := s.lpms[k.vr]
		if !ok {
			l = newLPM()
			s.lpms[k.vr] = l
		}
		l.insert(k.prefix, s.routes[k])
	}
}

// indexRemove takes an object out of the derived tables.
func (s *store) indexRemove(o *object) {
	switch o.t() {
	case tLAG:
		delete(s.lags, o.oid)
	case tLAGMember:
		delete(s.lagMemOf, o.oidAttr(aLAGMPort))
		p, l := s.ports[o.oidAttr(aLAGMPort)], s.lags[o.oidAttr(aLAGMLag)]
		if p == nil || l == nil {
			return
		}
		wasUp := l.bp != nil && l.bp.operUp()
		p.lag, p.lagm = nil, nil
		for i, m := range l.members {
			if m == p {
				l.members = append(l.members[:i:i], l.members[i+1:]...)
				break
			}
		}
		s.lagOperChanged(l, wasUp)
	case tBridgePt:
		bp, ok := s.bps[o.oid]
		if !ok {
			return
		}
		delete(s.bps, o.oid)
		delete(s.bpByIf, bp.ifOID)
		if bp.lag != nil && bp.lag.bp == bp {
			bp.lag.bp = nil
		}
	case tVLAN:
		if v, ok := s.vlans[o.oid]; ok {
			delete(s.vlans, o.oid)
			if s.vlanByVID[v.vid] == v {
				s.vlanByVID[v.vid] = nil
			}
		}
	case tVLANMem:
		k := [2]uint64{o.oidAttr(aVMVLAN), o.oidAttr(aVMBridgePt)}
		m, ok := s.vlanMemIdx[k]
		if !ok {
			return
		}
		delete(s.vlanMemIdx, k)
		delete(m.vlan.members, m.bp.obj.oid)
		m.vlan.rebuildFlood()
		delete(m.bp.vlans, m.vlan.vid)
	case tRIF:
		r, ok := s.rifs[o.oid]
		if !ok {
			return
		}
		delete(s.rifs, o.oid)
		if r.kind == rifTypeVLAN && s.rifByVID[r.vid] == r {
			s.rifByVID[r.vid] = nil
		}
		if r.kind == rifTypePort {
			delete(s.rifByIf, r.ifOID)
			delete(s.rifPortDup, r.ifOID)
		}
	case tTrap:
		delete(s.traps, o.enumAttr(aTrapType, ""))
	case tHostif:
		if a := o.attrs[aHostifName]; a != nil {
			delete(s.hostifName, a.GetStr())
		}
	case tIsoGroup:
		delete(s.isoGroups, o.oid)
	case tIsoMember:
		g, obj := o.oidAttr(aIsoMGroup), o.oidAttr(aIsoMObject)
		if grp, ok := s.isoGroups[g]; ok {
			if grp.members[obj]--; grp.members[obj] <= 0 {
				delete(grp.members, obj)
			}
		}
		delete(s.isoMemIdx, [2]uint64{g, obj})
	case tNHGroup, tNHGMember:
		s.nhgIndexRemove(o)
	case tMyMAC:
		mac, mask, vlanID, portOID := myMACTuple(o)
		s.myMACs.remove(mac, mask, vlanID, portOID)
	case tRoute:
		k := o.ek.(routeKey)
		if l, ok := s.lpms[k.vr]; ok {
			l.delete(k.prefix)
			if l.empty() {
				delete(s.lpms, k.vr)
			}
		}
	}
}

// indexSet handles the side effects of setting attribute i (old was its
// previous value, nil when unset).
func (s *store) indexSet(o *object, i int, old *halv1.Attribute) {
	switch o.t() {
	case tPort:
		if i == aPortAdmin {
			if p, ok := s.ports[o.oid]; ok {
				s.advertise(p)
				s.updateOper(p)
			}
		}
	case tSwitch:
		switch i {
		case aSwitchSrcMAC:
			s.mac, _ = o.macAttr(aSwitchSrcMAC)
		case aSwitchAging:
			s.ageTime = time.Duration(o.u32Attr(aSwitchAging, 0)) * time.Second
		}
	case tNHGMember:
		s.nhgIndexSet(o, i)
	case tFDB:
		if i == aFDBBridgePt || i == aFDBType {
			if e, ok := s.fdb[o.ek.(fdbKey)]; ok {
				e.lastSeen.Store(s.now().UnixNano())
			}
		}
	}
	_ = old
}
