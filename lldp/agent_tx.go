package lldp

import "time"

// Transmit side of the Agent: the per-port schedule (periodic hello,
// rate-limited triggered tx, shutdown LLDPDUs) and frame building.

// Tick runs what is due at now: neighbour TTL expiry first (so learned
// MACs are withdrawn as soon as possible), then due transmissions.
func (a *Agent) Tick(now time.Time) {
	a.expire(now)
	for _, name := range a.portNames {
		p := a.ports[name]
		if !p.active {
			continue
		}
		triggered := !p.triggerAt.IsZero() && !now.Before(p.triggerAt)
		if triggered || !now.Before(p.nextHello) {
			a.transmit(p, now)
		}
	}
}

// NextDeadline is when Tick must next be called: the earliest hello,
// pending triggered tx or neighbour expiry. Zero means nothing is
// scheduled (wait for the next event).
func (a *Agent) NextDeadline() time.Time {
	var d time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (d.IsZero() || t.Before(d)) {
			d = t
		}
	}
	for _, p := range a.ports {
		if p.active {
			earliest(p.nextHello)
			earliest(p.triggerAt)
		}
	}
	for _, n := range a.neighbors {
		earliest(n.expires)
	}
	return d
}

// Frames returns the LLDPDUs to send, in order, and forgets them.
func (a *Agent) Frames() []TxFrame {
	out := a.out
	a.out = nil
	return out
}

// requestTx asks for an LLDPDU on p now: sent at once if the last one left
// at least TriggeredTxInterval ago, else once that interval has passed
// (several requests in between coalesce into that one frame, which carries
// the content current at send time).
func (a *Agent) requestTx(p *portState, now time.Time) {
	if p.lastTx.IsZero() || !now.Before(p.lastTx.Add(TriggeredTxInterval)) {
		a.transmit(p, now)
		return
	}
	if p.triggerAt.IsZero() {
		p.triggerAt = p.lastTx.Add(TriggeredTxInterval)
	}
}

// transmit queues the current LLDPDU on p and restarts its hello timer
// (802.1AB restarts txTTR after every transmission).
func (a *Agent) transmit(p *portState, now time.Time) {
	p.triggerAt = time.Time{}
	p.nextHello = now.Add(a.cfg.HelloTime)
	if p.frame == nil || p.frameGen != a.contentGen {
		f, err := Encode(&PDU{
			Src:        a.cfg.SystemMAC,
			ChassisID:  ChassisMAC(a.cfg.SystemMAC),
			PortID:     PortName(p.name),
			TTL:        a.ttl,
			SystemName: a.cfg.SystemName,
			MACs:       a.adv,
		})
		if err != nil { // unreachable: SetConfig validated every field
			p.counters.TxErrors++
			return
		}
		p.frame, p.frameGen = f, a.contentGen
	}
	a.out = append(a.out, TxFrame{Port: p.name, Frame: p.frame})
	p.counters.Tx++
	p.lastTx = now
	p.advertising, p.sentChassis = true, a.cfg.SystemMAC
}

// shutdown queues a shutdown LLDPDU (TTL 0, mandatory TLVs only, as
// 802.1AB specifies) with the identity we last advertised on p, so the
// neighbour drops us now rather than at TTL expiry. Not rate-limited and
// not counted against the triggered-tx limit: it is the last word.
func (a *Agent) shutdown(p *portState) {
	if !p.advertising {
		return
	}
	p.advertising = false
	f, err := Encode(&PDU{Src: p.sentChassis, ChassisID: ChassisMAC(p.sentChassis), PortID: PortName(p.name)})
	if err != nil { // unreachable: the identity was encodable when sent
		p.counters.TxErrors++
		return
	}
	a.out = append(a.out, TxFrame{Port: p.name, Frame: f})
	p.counters.Tx++
}
