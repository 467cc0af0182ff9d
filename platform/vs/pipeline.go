package vs

import (
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// egress is one frame leaving one port.
type egress struct {
	p     *port
	frame []byte
}

// pkt is one frame's trip through the pipeline: what it is, where it came
// from, and what the pipeline decided (frames out, punts, a learning
// request), acted on once the read lock is released.
type pkt struct {
	f      frame
	in     *port
	ifOID  uint64 // the port or its LAG
	lagOID uint64
	bp     *bridgePort // bridged ingress
	vlan   *vlan       // bridged ingress VLAN
	out    []egress
	punts  []*halv1.PacketIn
	learn  *learnReq
}

// receive runs a frame that arrived on p through the pipeline and sends
// what it produced.
func (s *Switch) receive(p *port, raw []byte) {
	if len(raw) > MaxFrame {
		p.counters.rxErrors.Add(1)
		p.counters.rxDropped.Add(1)
		s.stages.inc(stDropOversize)
		return
	}
	p.counters.rx(raw)
	pk := &pkt{in: p}
	s.mu.RLock()
	s.ingress(pk, raw)
	s.mu.RUnlock()
	s.finish(pk)
}

// finish applies what the pipeline decided: learning (write lock), punts
// to PacketIO, frames out of their ports.
func (s *Switch) finish(pk *pkt) {
	if pk.learn != nil {
		s.mu.Lock()
		s.st.learn(*pk.learn)
		s.events.publish(s.st.drain()...)
		s.mu.Unlock()
	}
	for _, in := range pk.punts {
		if s.punts.len() == 0 {
			s.stages.inc(stPuntNoListener)
			continue
		}
		s.punts.publish(in)
	}
	for _, e := range pk.out {
		s.transmit(e.p, e.frame)
	}
}

// transmit sends a frame out of a port: counters, capture, wire.
func (s *Switch) transmit(p *port, frame []byte) {
	p.counters.tx(frame)
	p.capture.add(frame, s.now())
	if err := p.wire.Send(frame); err != nil {
		p.counters.txDropped.Add(1)
		s.log.Debug().Err(err).Str("port", p.name).Msg("send")
	}
}

// drop counts a dropped frame against its ingress port and a stage.
func (s *Switch) drop(pk *pkt, st stage) {
	pk.in.counters.rxDropped.Add(1)
	s.stages.inc(st)
}

// ingress: port state, reserved/control frames, routed port or bridge
// port, VLAN classification and filtering, learning, L3 termination, L2.
func (s *Switch) ingress(pk *pkt, raw []byte) {
	p := pk.in
	if !p.operUp {
		s.drop(pk, stDropPortDown)
		return
	}
	if !p.ingressEnabled() {
		s.drop(pk, stDropLAGNoMember)
		return
	}
	f, ok := parseFrame(raw)
	if !ok {
		s.drop(pk, stDropBadFrame)
		return
	}
	pk.f = f
	pk.ifOID, pk.lagOID = p.ifOID(), p.lagOID()
	if isReserved(f.dst) {
		s.reservedFrame(pk)
		return
	}
	st := s.st
	if r, ok := st.rifByIf[pk.ifOID]; ok {
		s.routedPort(pk, r)
		return
	}
	bp, ok := st.bpByIf[pk.ifOID]
	if !ok {
		s.drop(pk, stDropNoBridgePort)
		return
	}
	if !bp.adminUp() {
		s.drop(pk, stDropBridgePortDown)
		return
	}
	vid := f.vid()
	if vid == 0 {
		vid = s.pvid(p, bp)
	}
	v := st.vlanByVID[vid&0xfff]
	if v == nil || v.members[bp.obj.oid] == nil {
		s.drop(pk, stDropVLAN)
		return
	}
	pk.bp, pk.vlan = bp, v
	s.learnSource(pk)
	if !s.controlTraps(pk) {
		return
	}
	if r := st.rifByVID[v.vid]; r != nil && !isMulticast(f.dst) {
		if hit, viaMyMAC := s.terminates(pk, r, v.vid); hit {
			s.route(pk, r, viaMyMAC)
			return
		}
	}
	s.bridge(pk)
}

// pvid is the VLAN of untagged frames: a port's PORT_VLAN_ID when set,
// else the VLAN its bridge port is an untagged member of, else 1. A LAG
// member takes its LAG's (derived from the LAG's untagged membership).
func (s *Switch) pvid(p *port, bp *bridgePort) uint16 {
	if p.lag == nil {
		if a := p.obj.attrs[aPortPVID]; a != nil {
			return uint16(a.GetU32())
		}
	}
	if v := bp.untaggedVID(); v != 0 {
		return v
	}
	return 1
}

// learnSource records the source MAC on the ingress bridge port: a new
// entry or a move is requested (applied under the write lock); a known
// one is refreshed at once.
func (s *Switch) learnSource(pk *pkt) {
	src := pk.f.src
	if isMulticast(src) || src == [6]byte{} || !pk.bp.learning() {
		return
	}
	e, ok := s.st.fdb[fdbKey{bv: pk.vlan.obj.oid, mac: src}]
	if ok {
		if !e.dynamic() || e.bridgePort() == pk.bp.obj.oid {
			if e.dynamic() {
				e.lastSeen.Store(s.now().UnixNano())
			}
			return
		}
	}
	pk.learn = &learnReq{vlan: pk.vlan, mac: src, bp: pk.bp}
}

// terminates reports whether a frame on VLAN vid (0 on a routed port) is
// for the router: the switch MAC, the RIF's MAC, or a MY_MAC entry.
func (s *Switch) terminates(pk *pkt, r *rif, vid uint16) (hit, viaMyMAC bool) {
	da := pk.f.dst
	if da == s.st.mac {
		return true, false
	}
	if m, ok := r.obj.macAttr(aRIFSrcMAC); ok && m == da {
		return true, false
	}
	if s.st.myMACs.lookup(da, vid, pk.in.obj.oid, pk.lagOID) {
		return true, true
	}
	return false, false
}

// routedPort handles a frame on a port (or LAG) with a PORT router
// interface: untagged only; router frames are routed, control frames
// trapped, the rest dropped.
func (s *Switch) routedPort(pk *pkt, r *rif) {
	if pk.f.tagged && pk.f.vid() != 0 {
		s.drop(pk, stDropVLAN)
		return
	}
	if !s.controlTraps(pk) {
		return
	}
	if !isMulticast(pk.f.dst) {
		if hit, viaMyMAC := s.terminates(pk, r, 0); hit {
			s.route(pk, r, viaMyMAC)
			return
		}
	}
	s.drop(pk, stDropNoBridgePort)
}
