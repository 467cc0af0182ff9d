package proxygw

import "time"

// PeerRouting decides whether the VLT peer's MAC is routed. While the peer
// is up it is; when the peer goes down it stays routed for Timeout, then
// stops (Timeout 0 = forever, as peer_routing_timeout 0); the peer coming
// back before that changes nothing. Time is injected by the caller.
type PeerRouting struct {
	Enabled bool
	Timeout time.Duration

	known     bool // an oper status has been seen
	up        bool
	downSince time.Time
}

// SetPeer records the peer's oper status at now.
func (p *PeerRouting) SetPeer(up bool, now time.Time) {
	if p.known && p.up == up {
		return
	}
	if !up && (p.up || !p.known) {
		p.downSince = now
	}
	p.known, p.up = true, up
}

// Active reports whether the peer MAC is routed at now. A peer whose status
// was never reported counts as up (a statically configured peer_mac).
func (p *PeerRouting) Active(now time.Time) bool {
	if !p.Enabled {
		return false
	}
	if !p.known || p.up || p.Timeout == 0 {
		return true
	}
	return now.Before(p.downSince.Add(p.Timeout))
}

// NextDeadline is when Active will change by itself (zero: never).
func (p *PeerRouting) NextDeadline(now time.Time) time.Time {
	if !p.Enabled || !p.known || p.up || p.Timeout == 0 {
		return time.Time{}
	}
	if d := p.downSince.Add(p.Timeout); now.Before(d) {
		return d
	}
	return time.Time{}
}
