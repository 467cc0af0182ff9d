package vs

import (
	"net/netip"
)

// route routes a frame terminated on router interface in: LPM in its
// virtual router, route action, TTL, next hop (a group's member picked by
// the flow hash) → neighbour, rewrite, and egress by the outgoing router
// interface.
func (s *Switch) route(pk *pkt, in *rif, viaMyMAC bool) {
	f := &pk.f
	p := f.payload()
	var dst netip.Addr
	var ttl byte
	switch f.etype {
	case etIPv4:
		if !in.obj.boolAttr(aRIFV4, true) {
			s.drop(pk, stDropL3Disabled)
			return
		}
		if len(p) < 20 || p[0]>>4 != 4 || int(p[0]&0xf)*4 < 20 || len(p) < int(p[0]&0xf)*4 {
			s.drop(pk, stDropBadFrame)
			return
		}
		dst, ttl = netip.AddrFrom4([4]byte(p[16:20])), p[8]
	case etIPv6:
		if !in.obj.boolAttr(aRIFV6, true) {
			s.drop(pk, stDropL3Disabled)
			return
		}
		if len(p) < 40 || p[0]>>4 != 6 {
			s.drop(pk, stDropBadFrame)
			return
		}
		dst, ttl = netip.AddrFrom16([16]byte(p[24:40])), p[7]
	default:
		s.drop(pk, stDropNonIP)
		return
	}
	var r *routeEntry
	if l, ok := s.st.lpms[in.vr]; ok {
		r = l.lookup(dst)
	}
	if r == nil {
		s.drop(pk, stDropNoRoute)
		return
	}
	nh := r.oidAttr(aRouteNextHop)
	switch r.enumAttr(aRouteAction, actForward) {
	case actDrop, actDeny:
		s.drop(pk, stDropNoRoute)
		return
	case actTrap:
		s.punt(pk, trapRouteTrap)
		s.stages.inc(stTrapped)
		return
	case actCopy, actLog:
		s.punt(pk, trapRouteTrap)
		s.stages.inc(stCopied)
	}
	if s.st.cpu != nil && nh == s.st.cpu.obj.oid {
		s.punt(pk, trapIP2ME)
		s.stages.inc(stTrapped)
		return
	}
	if ttl <= 1 {
		switch s.st.trapAction(trapTTLError) {
		case actTrap, actCopy, actLog:
			s.punt(pk, trapTTLError)
			s.stages.inc(stTrapped)
		default:
			s.drop(pk, stDropTTL)
		}
		return
	}
	if g, ok := s.st.nhGroups[nh]; ok {
		m := g.pick(ecmpHash(f, s.st.mac))
		if m == nil {
			s.drop(pk, stDropNHGroupEmpty)
			return
		}
		nh = m.nh
	}
	outOID, hop := s.nextHop(nh, dst)
	out, ok := s.st.rifs[outOID]
	if !ok {
		s.drop(pk, stDropNoRoute)
		return
	}
	n, ok := s.st.neighs[neighKey{rif: outOID, ip: hop}]
	if !ok {
		s.drop(pk, stDropNoNeighbor)
		return
	}
	switch n.enumAttr(aNeighAction, actForward) {
	case actDrop, actDeny:
		s.drop(pk, stDropNeighborAction)
		return
	case actTrap:
		s.punt(pk, "SAI_HOSTIF_USER_DEFINED_TRAP_TYPE_NEIGHBOR")
		s.stages.inc(stTrapped)
		return
	}
	dmac, _ := n.macAttr(aNeighMAC)
	smac, ok := out.obj.macAttr(aRIFSrcMAC)
	if !ok {
		smac = s.st.mac
	}
	body := append([]byte(nil), f.body...)
	if f.etype == etIPv4 {
		decTTL(body[2:])
	} else {
		body[2+7]--
	}
	if st, ok := s.egressRIF(pk, out, dmac, smac, body); !ok {
		s.drop(pk, st)
		return
	}
	if viaMyMAC {
		s.stages.inc(stRoutedMyMAC)
	} else {
		s.stages.inc(stRouted)
	}
}

// nextHop resolves a route's next hop to the outgoing router interface
// and the address whose neighbour entry gives the destination MAC: a
// NEXT_HOP's RIF and IP, or for a directly connected route (next hop = a
// RIF) the destination itself.
func (s *Switch) nextHop(nh uint64, dst netip.Addr) (uint64, netip.Addr) {
	o, ok := s.st.objs[nh]
	if !ok {
		return 0, netip.Addr{}
	}
	switch o.t() {
	case tNextHop:
		return o.oidAttr(aNHRIF), o.ipAttr(aNHIP)
	case tRIF:
		return nh, dst
	}
	return 0, netip.Addr{}
}

// egressRIF sends a routed frame out of a router interface: into a VLAN
// through L2 (FDB, else flood), or out of a port or LAG.
func (s *Switch) egressRIF(pk *pkt, out *rif, dmac, smac [6]byte, body []byte) (stage, bool) {
	switch out.kind {
	case rifTypePort:
		return s.toIface(pk, out.ifOID, build(dmac, smac, false, 0, body))
	case rifTypeVLAN:
		v := s.st.vlanByVID[out.vid]
		if v == nil {
			return stDropVLAN, false
		}
		vs := newVariants(&pk.f, dmac, smac, body, v.vid, false)
		vs.pcp = 0
		if e, ok := s.st.fdb[fdbKey{bv: v.obj.oid, mac: dmac}]; ok {
			if bp, ok := s.st.bps[e.bridgePort()]; ok {
				m := v.members[bp.obj.oid]
				if m == nil || !bp.adminUp() {
					return stDropVLAN, false
				}
				return s.toBridgePort(pk, bp, vs.get(m.tagging()))
			}
		}
		s.flood(pk, v, vs, nil, false)
		return 0, true
	}
	return stDropNoRoute, false
}
