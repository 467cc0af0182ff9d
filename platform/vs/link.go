package vs

import halv1 "github.com/vltgw/vltgw/proto/hal/v1"

// advertise tells the port's wire whether our end is up (admin up and not
// pulled by SetLink), so the peer's carrier follows.
func (s *store) advertise(p *port) {
	if p.wire != nil {
		p.wire.SetLocalUp(p.localUp())
	}
}

// updateOper recomputes a port's oper status: admin up, link not pulled,
// carrier present. A change updates OPER_STATUS, raises an event and, on
// down, flushes the dynamic FDB entries learned behind it.
func (s *store) updateOper(p *port) {
	if p.cpu {
		return
	}
	up := p.adminUp() && p.linkUp && p.carrier.Load()
	if up == p.operUp {
		return
	}
	lagWasUp := p.lag != nil && p.lag.bp != nil && p.lag.bp.operUp()
	p.operUp = up
	st := operDown
	if up {
		st = operUp
	}
	p.obj.attrs[aPortOper] = attrEnum(p.obj.ti.meta.Attrs[aPortOper].Name, st)
	s.emit(&halv1.Event{Event: &halv1.Event_PortOperStatus{PortOperStatus: &halv1.PortOperStatusEvent{PortId: p.obj.oid, Up: up}}})
	s.log.Info().Str("port", p.name).Bool("up", up).Msg("oper status")
	if p.lag != nil {
		s.lagOperChanged(p.lag, lagWasUp)
		return
	}
	if !up {
		if bp, ok := s.bpByIf[p.obj.oid]; ok {
			s.flushBridgePort(bp.obj.oid)
		}
	}
}

// lagOperChanged flushes a LAG's learned entries when its last member
// went down.
func (s *store) lagOperChanged(l *lag, wasUp bool) {
	if l.bp != nil && wasUp && !l.bp.operUp() {
		s.flushBridgePort(l.bp.obj.oid)
	}
}

func (s *store) flushBridgePort(bp uint64) {
	s.flushFDB(func(e *fdbEntry) bool { return e.bridgePort() == bp })
}
