package pgworch

import (
	"net"
	"time"

	"github.com/vltgw/vltgw/orchagent/proxygw"
	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// SAI MY_MAC attributes.
const (
	tMyMAC         = halv1.ObjectType_OBJECT_TYPE_MY_MAC
	AttrMAC        = "SAI_MY_MAC_ATTR_MAC_ADDRESS"
	AttrMask       = "SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK"
	AttrVlanID     = "SAI_MY_MAC_ATTR_VLAN_ID"
	AttrPriority   = "SAI_MY_MAC_ATTR_PRIORITY"
	statusNotFound = "SAI_STATUS_ITEM_NOT_FOUND"
	statusBadOID   = "SAI_STATUS_INVALID_OBJECT_ID"
)

var allOnes = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// peerMAC is the VLT peer's MAC of a domain: the VLT daemon's wins.
func (p *Orch) peerMAC(id int) proxygw.MAC {
	if pe, ok := p.peers[id]; ok && !pe.mac.IsZero() {
		return pe.mac
	}
	if d := p.domains[id]; d != nil {
		return d.peerMAC
	}
	return proxygw.MAC{}
}

// intent builds the proxygw intent at now and (re)arms the peer-routing
// deadlines: a domain whose peer went down is planned again when its
// timeout ends.
func (p *Orch) intent(now time.Time) *proxygw.Intent {
	in := &proxygw.Intent{Domains: map[int]*proxygw.Domain{}, L3VLANs: p.l3}
	for id, d := range p.domains {
		dom := &proxygw.Domain{ID: id, PeerMAC: p.peerMAC(id)}
		p.refreshPeer(id, now) // the peer link may have changed without an event (a LAG created down)
		if pr := p.routing[id]; pr != nil {
			dom.PeerRoutingActive = pr.Active(now) && d.peerRouting
			p.armDeadline(id, pr.NextDeadline(now), now)
		}
		if g := p.pgs[id]; g != nil {
			dom.Mode = g.mode
			dom.PeerLinkExclude = g.exclude
			dom.Static = p.remote[id]
			dom.Learned = map[proxygw.MAC]bool{}
			for m := range p.learned[id] {
				dom.Learned[m] = true
			}
		}
		in.Domains[id] = dom
	}
	for id := range p.deadline {
		if p.domains[id] == nil {
			p.armDeadline(id, time.Time{}, now)
		}
	}
	return in
}

func (p *Orch) armDeadline(id int, at, now time.Time) {
	if p.deadline[id].Equal(at) {
		return
	}
	if c := p.cancelDL[id]; c != nil {
		c()
		delete(p.cancelDL, id)
	}
	delete(p.deadline, id)
	if at.IsZero() {
		return
	}
	p.deadline[id] = at
	p.cancelDL[id] = p.env.AfterFunc(at.Sub(now), func() {
		delete(p.deadline, id)
		delete(p.cancelDL, id)
		p.log.Info().Int("domain", id).Msg("peer routing timeout ended; withdrawing the peer MAC")
		p.requestPlan()
	})
}

// plan moves the hardware towards the desired set: removes first (they
// free room), then creates, each skipped while an op for the same entry is
// in flight or held for back-off.
func (p *Orch) plan() {
	p.stats.plans.Add(1)
	now := p.env.Clock.Now()
	in := p.intent(now)
	desired := proxygw.ComputeDesired(in)
	creates, removes := p.tracker.Plan(desired)
	for _, e := range removes {
		if p.removing[e] || p.heldRemove[e] {
			continue
		}
		p.remove(e)
	}
	for e := range p.tableFull {
		if s := desired[e.MAC]; !s.Has(e.VLAN) {
			delete(p.tableFull, e)
		}
	}
	// Room for retries of TABLE_FULL refusals, when the capacity is known:
	// the removes of this round go first in the flush.
	capacity, _ := p.capacity()
	installed, _ := p.tracker.Counts()
	room := capacity - installed - len(p.creating) + len(p.removing)
	sent := 0
	for _, e := range creates {
		if p.creating[e] || p.heldCreate[e] {
			continue
		}
		if capacity > 0 && p.tableFull[e] && room <= 0 {
			continue // still no room: it stays reported as TABLE_FULL
		}
		if !p.create(e) {
			break
		}
		sent++
		room--
	}
	if sent > 0 || len(removes) > 0 {
		p.log.Debug().Int("creates", sent).Int("removes", len(removes)).Int("installed", installed).
			Int("l3_vlans", p.l3.Len()).Msg("MY_MAC plan")
	}
	p.publish(in, now)
	p.logTableFull()
}

// logTableFull logs, once per change, how many entries the full table
// refused (each refusal is in STATE_DB; this keeps the log to one line).
func (p *Orch) logTableFull() {
	n := len(p.tableFull)
	if n == p.loggedFull {
		return
	}
	used, _ := p.tracker.Counts()
	capacity, source := p.capacity()
	ev, msg := p.log.Warn(), "MY_MAC table full: entries refused with SAI_STATUS_TABLE_FULL (retried when room appears)"
	if n == 0 {
		ev, msg = p.log.Info(), "MY_MAC table: no entry waits for room any more"
	}
	ev.Int("refused", n).Int("used", used).Int("capacity", capacity).Str("capacity_source", source).Msg(msg)
	p.loggedFull = n
}

func (p *Orch) remove(e proxygw.Entry) {
	oid, ok := p.oids[e]
	if !ok { // installed by someone else (ITEM_ALREADY_EXISTS): not ours to remove
		p.tracker.Removed(e, "")
		return
	}
	p.removing[e] = true
	p.stats.removes.Add(1)
	done := func(err error) {
		delete(p.removing, e)
		st := sairedis.StatusOf(err)
		if st == statusBadOID {
			st = statusNotFound // already gone
		}
		p.tracker.Removed(e, st)
		if err != nil && st != statusNotFound {
			p.stats.removeFailures.Add(1)
			p.log.Warn().Str("mac", e.MAC.String()).Uint16("vlan", e.VLAN).Str("status", st).Err(err).Msg("MY_MAC remove refused; retrying after a back-off")
			p.heldRemove[e] = true
			p.scheduleRetry()
		} else {
			delete(p.oids, e)
			p.resetBackoff()
		}
		p.requestPlan()
	}
	if err := p.env.ASIC.Remove(sairedis.ObjectKey(oid), done); err != nil {
		done(err)
	}
}

// create queues one MY_MAC create; false when queuing itself failed (no
// VID), in which case the rest waits for the retry.
func (p *Orch) create(e proxygw.Entry) bool {
	attrs := []sairedis.Attr{
		sairedis.MAC(AttrMAC, net.HardwareAddr(e.MAC[:])),
		sairedis.MAC(AttrMask, allOnes),
		sairedis.U32(AttrVlanID, uint32(e.VLAN)),
		sairedis.U32(AttrPriority, p.o.Priority),
	}
	p.creating[e] = true
	p.stats.creates.Add(1)
	var vid uint64
	done := func(err error) {
		delete(p.creating, e)
		st := sairedis.StatusOf(err)
		switch {
		case err == nil:
			p.oids[e] = vid
			delete(p.tableFull, e)
			p.resetBackoff()
		case st == "SAI_STATUS_ITEM_ALREADY_EXISTS":
			delete(p.tableFull, e)
			p.log.Warn().Str("mac", e.MAC.String()).Uint16("vlan", e.VLAN).Msg("MY_MAC entry already exists on the platform; counted as installed")
		case st == proxygw.StatusTableFull:
			p.stats.createFailures.Add(1)
			inst, _ := p.tracker.Counts()
			p.observedCap = max(p.observedCap, inst)
			p.tableFull[e] = true
		default:
			p.stats.createFailures.Add(1)
			p.log.Warn().Str("mac", e.MAC.String()).Uint16("vlan", e.VLAN).Str("status", st).Err(err).Msg("MY_MAC create refused; retrying after a back-off")
			p.heldCreate[e] = true
			p.scheduleRetry()
		}
		p.tracker.Created(e, st)
		p.requestPlan()
	}
	var err error
	vid, err = p.env.ASIC.Create(tMyMAC, attrs, done)
	if err != nil {
		p.stats.creates.Add(^uint64(0))
		done(err)
		return false
	}
	return true
}

// scheduleRetry arms one back-off timer for every held entry.
func (p *Orch) scheduleRetry() {
	if p.retryCancel != nil {
		return
	}
	if p.retryDelay == 0 {
		p.retryDelay = p.o.RetryMin
	}
	d := p.retryDelay
	p.retryDelay = min(2*p.retryDelay, p.o.RetryMax)
	p.retryCancel = p.env.AfterFunc(d, func() {
		p.retryCancel = nil
		clear(p.heldCreate)
		clear(p.heldRemove)
		p.requestPlan()
	})
}

// resetBackoff starts the back-off over once nothing is held.
func (p *Orch) resetBackoff() {
	if p.retryCancel == nil && len(p.heldCreate) == 0 && len(p.heldRemove) == 0 {
		p.retryDelay = 0
	}
}

// capacity is the MY_MAC capacity: configured, else observed at the last
// TABLE_FULL (0, "unknown" when neither).
func (p *Orch) capacity() (int, string) {
	used, _ := p.tracker.Counts()
	switch {
	case p.o.Capacity > 0:
		return p.o.Capacity, "configured"
	case p.observedCap > 0:
		p.observedCap = max(p.observedCap, used) // someone freed room meanwhile
		return p.observedCap, "observed"
	}
	return 0, "unknown"
}
