package lldp

import (
	"fmt"
	"slices"
	"time"
)

// Agent is one VLT domain's proxy-gateway LLDP agent as a pure state
// machine (spec §5). The daemon calls the input methods with the current
// time (SetConfig, PortOper, Receive, Tick), then drains Frames and Changes
// and calls Tick again at NextDeadline. It never reads the clock, sleeps,
// starts goroutines or does I/O. Not safe for concurrent use: the daemon
// owns it from one goroutine.
type Agent struct {
	cfg     Config
	ttl     uint16
	members map[string]bool
	tlvOff  map[string]bool
	ignore  map[MAC]bool // own and VLT peer MACs: never learned
	adv     []MAC        // advertised set
	advDrop []MAC        // configured but not advertised (over 16 or unusable)
	// contentGen changes whenever the frame we advertise would change
	// (set, TTL, name, chassis); ports compare it with their cached frame.
	contentGen uint64

	ports     map[string]*portState
	portNames []string // sorted: deterministic frame and view order

	neighbors map[neighborKey]*neighbor
	learned   map[MAC]bool
	refused   map[MAC]time.Time // candidate refused by the cap → since when
	reported  map[MAC]bool      // learned set as of the last Changes call

	out     []TxFrame
	version uint64
}

// portState is what the agent knows and schedules per local port.
type portState struct {
	name string
	up   bool
	// active: we transmit here (enabled, member, oper-up, TLV not disabled).
	// Received LLDPDUs are processed only on active ports.
	active bool
	// advertising: our last frame here was a non-shutdown LLDPDU sent with
	// sentChassis, so leaving needs a shutdown LLDPDU with that identity.
	advertising bool
	sentChassis MAC
	lastTx      time.Time
	nextHello   time.Time
	triggerAt   time.Time // pending rate-limited triggered tx; zero = none
	frame       []byte    // cached encoded LLDPDU for frameGen
	frameGen    uint64
	neighbors   int
	counters    PortCounters
}

// TxFrame is an LLDPDU to send on a port. Frame is shared and must not be
// modified (the agent reuses it while the advertised content is unchanged).
type TxFrame struct {
	Port  string
	Frame []byte
}

// New returns an agent for cfg. Ports start oper-down until PortOper says
// otherwise, so nothing is sent before that.
func New(cfg Config, now time.Time) (*Agent, error) {
	a := &Agent{
		ports:     make(map[string]*portState),
		neighbors: make(map[neighborKey]*neighbor),
		learned:   make(map[MAC]bool),
		refused:   make(map[MAC]time.Time),
		reported:  make(map[MAC]bool),
	}
	if err := a.SetConfig(cfg, now); err != nil {
		return nil, err
	}
	return a, nil
}

// SetConfig applies a new configuration. An invalid one is refused with an
// error and the previous one stays in force. Effects: ports that stop
// transmitting get a shutdown LLDPDU (feature disabled, port left the
// member set, TLV disabled on it); ports that start get an LLDPDU at once
// (rate-limited); a changed advertised content triggers a rate-limited
// LLDPDU everywhere; neighbours on ports we stop listening on are dropped;
// learned MACs are re-evaluated (own/peer MAC changes apply at once).
func (a *Agent) SetConfig(cfg Config, now time.Time) error {
	nc, err := cfg.normalized()
	if err != nil {
		return fmt.Errorf("lldp: domain %d: config not applied: %w", cfg.DomainID, err)
	}
	old := a.cfg
	a.cfg = nc
	a.members = toSet(nc.Members)
	a.tlvOff = toSet(nc.TLVDisabled)
	a.ignore = map[MAC]bool{nc.SystemMAC: true}
	for _, m := range nc.RouterMACs {
		a.ignore[m] = true
	}
	if !nc.PeerMAC.IsZero() {
		a.ignore[nc.PeerMAC] = true
	}
	adv, drop := nc.advertisedSet()
	ttl := nc.ttl()
	if !slices.Equal(adv, a.adv) || ttl != a.ttl || nc.SystemName != old.SystemName || nc.SystemMAC != old.SystemMAC {
		a.contentGen++
	}
	a.adv, a.advDrop, a.ttl = adv, drop, ttl
	helloChanged := nc.HelloTime != old.HelloTime

	for _, m := range nc.Members {
		a.port(m)
	}
	for _, name := range a.portNames {
		p := a.ports[name]
		want := a.eligible(p)
		switch {
		case p.active && !want:
			a.shutdown(p)
			p.active, p.triggerAt = false, time.Time{}
		case !p.active && want:
			p.active = true
			a.requestTx(p, now)
		case p.active && want:
			if p.advertising && p.sentChassis != nc.SystemMAC {
				a.shutdown(p) // withdraw the old identity before the new one
			}
			if p.frameGen != a.contentGen || !p.advertising {
				a.requestTx(p, now)
			} else if helloChanged && p.triggerAt.IsZero() {
				p.nextHello = later(p.lastTx.Add(nc.HelloTime), now)
			}
		}
		if !want {
			a.dropPortNeighbors(name)
		}
	}
	a.relearn(now)
	a.version++
	return nil
}

// PortOper reports a port's oper status (STATE_DB). Down: no more tx there
// and its neighbours are removed at once, not at TTL expiry. Up on an
// eligible port: an LLDPDU at once (rate-limited).
func (a *Agent) PortOper(port string, up bool, now time.Time) {
	p := a.port(port)
	if p.up == up {
		return
	}
	p.up = up
	a.version++
	if !up {
		// The link is gone: no shutdown LLDPDU can be sent and the
		// neighbour drops us on its own oper-down.
		p.active, p.advertising, p.triggerAt = false, false, time.Time{}
		if a.dropPortNeighbors(port) {
			a.relearn(now)
		}
		return
	}
	if a.eligible(p) {
		p.active = true
		a.requestTx(p, now)
	}
}

// eligible: the port takes part in the exchange (tx and rx).
func (a *Agent) eligible(p *portState) bool {
	return a.cfg.Enabled && p.up && a.members[p.name] && !a.tlvOff[p.name]
}

// port returns the state of a port, creating it on first mention.
func (a *Agent) port(name string) *portState {
	if p, ok := a.ports[name]; ok {
		return p
	}
	p := &portState{name: name}
	a.ports[name] = p
	i, _ := slices.BinarySearch(a.portNames, name)
	a.portNames = slices.Insert(a.portNames, i, name)
	return p
}

// Version changes whenever the neighbour table, learned or refused MACs,
// advertised set or port state change, so the daemon can skip STATE_DB
// rewrites when nothing moved. Counters are not covered.
func (a *Agent) Version() uint64 { return a.version }

func toSet(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

func later(t, u time.Time) time.Time {
	if t.Before(u) {
		return u
	}
	return t
}
