package pgworch

import (
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/cfgmgr/vlt"
	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/orchagent/proxygw"
)

// Tables the orch reads (APP_DB unless said otherwise) and writes (STATE_DB).
const (
	AppDomain     = vlt.AppDomain     // VLT_DOMAIN_TABLE
	AppProxyGW    = vlt.AppProxyGW    // VLT_PROXY_GW_TABLE
	AppRemoteMAC  = vlt.AppRemoteMAC  // VLT_PROXY_GW_REMOTE_MAC_TABLE
	AppLearnedMAC = vlt.AppLearnedMAC // VLT_PROXY_GW_LEARNED_MAC_TABLE
	AppPort       = vlt.AppPort       // VLT_PROXY_GW_PORT_TABLE (for pgwlldpd)
	AppLLDPGlobal = vlt.AppLLDPGlobal // LLDP_GLOBAL_TABLE (for pgwlldpd)

	StatePeerTable      = "VLT_PEER_TABLE"              // read: external VLT daemon
	StateNeighborTable  = "VLT_PROXY_GW_NEIGHBOR_TABLE" // read: pgwlldpd
	StateProxyGWTable   = "VLT_PROXY_GW_TABLE"
	StateRemoteMACTable = "VLT_PROXY_GW_REMOTE_MAC_TABLE"
	StateCRMTable       = "CRM_TABLE"
	CRMKey              = "my_mac"
)

// PlanKey is the pseudo key of VLT_PROXY_GW_TABLE whose Sync runs the
// round's plan (it can never be a domain id).
const PlanKey = "~plan"

// Defaults of Options.
const (
	DefaultPriority = 1
	DefaultRetryMin = time.Second
	DefaultRetryMax = 30 * time.Second
)

// Options tunes the orch.
type Options struct {
	// Capacity is the platform's MY_MAC capacity when known (0: observed
	// from TABLE_FULL refusals).
	Capacity int
	// Priority is the PRIORITY of every MY_MAC entry (default 1).
	Priority uint32
	// RetryMin/RetryMax bound the back-off of refusals other than
	// TABLE_FULL (default 1s, 30s).
	RetryMin, RetryMax time.Duration
}

// Factory returns the orch's orchagent.OrchFactory.
func Factory(o Options) orchagent.OrchFactory {
	return func(env *orchagent.Env) (orchagent.Orch, error) { return New(env, o), nil }
}

type domainRow struct {
	peerRouting bool
	timeout     time.Duration
	peerMAC     proxygw.MAC
	peerLink    string // PortChannelN, the VLTi ("" = none)
}

type pgRow struct {
	mode     proxygw.Mode
	peerLink string
	exclude  proxygw.VLANSet
}

type learnedRow struct {
	learnedOn, neighbor string
}

type peerRow struct {
	mac       proxygw.MAC
	up        bool
	hasStatus bool
}

type neighborRow struct {
	macs    []proxygw.MAC
	expires time.Time
}

// Orch is the proxy-gateway MY_MAC orch. All its methods run on the agent's
// event loop.
type Orch struct {
	env *orchagent.Env
	o   Options
	log zerolog.Logger
	own proxygw.MAC

	domains   map[int]*domainRow
	pgs       map[int]*pgRow
	remote    map[int]map[proxygw.MAC]proxygw.VLANSet
	learned   map[int]map[proxygw.MAC]learnedRow
	peers     map[int]peerRow
	neighbors map[string]neighborRow
	routing   map[int]*proxygw.PeerRouting
	deadline  map[int]time.Time
	cancelDL  map[int]func()
	l3        proxygw.VLANSet

	tracker  *proxygw.Tracker
	oids     map[proxygw.Entry]uint64
	creating map[proxygw.Entry]bool
	removing map[proxygw.Entry]bool
	// held: refused with a status other than TABLE_FULL; not sent again
	// until the back-off timer fires.
	heldCreate  map[proxygw.Entry]bool
	heldRemove  map[proxygw.Entry]bool
	retryDelay  time.Duration
	retryCancel func()
	planQueued  bool

	// tableFull: refused with TABLE_FULL and not installed since; when
	// the capacity is known, a plan retries only as many as there is room
	// for.
	tableFull   map[proxygw.Entry]bool
	loggedFull  int
	observedCap int
	written     map[string]writtenRow // "T|k" → what STATE_DB holds
	stats       counters
}

// Stats counts what the orch did (tests, benchmarks).
type Stats struct {
	Plans, Creates, Removes, CreateFailures, RemoveFailures uint64
}

// counters are Stats readable from any goroutine.
type counters struct {
	plans, creates, removes, createFailures, removeFailures atomic.Uint64
}

// New builds the orch and subscribes it to router interface events.
func New(env *orchagent.Env, o Options) *Orch {
	if o.Priority == 0 {
		o.Priority = DefaultPriority
	}
	if o.RetryMin <= 0 {
		o.RetryMin = DefaultRetryMin
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = max(DefaultRetryMax, o.RetryMin)
	}
	p := &Orch{
		env: env, o: o, log: env.Log.With().Str("orch", "proxy-gateway").Logger(),
		domains: map[int]*domainRow{}, pgs: map[int]*pgRow{},
		remote: map[int]map[proxygw.MAC]proxygw.VLANSet{}, learned: map[int]map[proxygw.MAC]learnedRow{},
		peers: map[int]peerRow{}, neighbors: map[string]neighborRow{},
		routing: map[int]*proxygw.PeerRouting{}, deadline: map[int]time.Time{}, cancelDL: map[int]func(){},
		tracker: proxygw.NewTracker(nil), oids: map[proxygw.Entry]uint64{},
		creating: map[proxygw.Entry]bool{}, removing: map[proxygw.Entry]bool{},
		heldCreate: map[proxygw.Entry]bool{}, heldRemove: map[proxygw.Entry]bool{},
		written: map[string]writtenRow{}, tableFull: map[proxygw.Entry]bool{},
	}
	if env.Switch != nil && len(env.Switch.MAC) == 6 {
		copy(p.own[:], env.Switch.MAC)
	}
	if env.Intfs != nil {
		for _, v := range env.Intfs.L3Vlans() {
			p.l3.Add(v)
		}
	}
	env.Events.OnRouterInterface(p.onRouterInterface)
	env.Events.OnOperStatus(p.onOperStatus)
	return p
}

// Name implements orchagent.Orch.
func (p *Orch) Name() string { return "proxy-gateway" }

// Tables implements orchagent.Orch.
func (p *Orch) Tables() []string {
	return []string{AppDomain, AppProxyGW, AppRemoteMAC, AppLearnedMAC, AppPort, AppLLDPGlobal,
		orchagent.StateTable(StatePeerTable), orchagent.StateTable(StateNeighborTable),
		orchagent.StateTable(StateProxyGWTable), orchagent.StateTable(StateRemoteMACTable)}
}

// Stats returns the orch's counters (safe from any goroutine).
func (p *Orch) Stats() Stats {
	return Stats{Plans: p.stats.plans.Load(), Creates: p.stats.creates.Load(), Removes: p.stats.removes.Load(),
		CreateFailures: p.stats.createFailures.Load(), RemoveFailures: p.stats.removeFailures.Load()}
}

func (p *Orch) onRouterInterface(ev orchagent.RouterInterfaceEvent) {
	if ev.VlanID == 0 || ev.Added == p.l3.Has(ev.VlanID) {
		return
	}
	if ev.Added {
		p.l3.Add(ev.VlanID)
	} else {
		p.l3.Remove(ev.VlanID)
	}
	p.requestPlan()
}

// onOperStatus follows the oper status of the domains' peer links (the
// VLTi): without a VLT_PEER_TABLE status it is the VLT peer's status.
func (p *Orch) onOperStatus(ev orchagent.OperStatusEvent) {
	for id, d := range p.domains {
		if d.peerLink == ev.Name {
			p.log.Info().Int("domain", id).Str("peer_link", ev.Name).Bool("up", ev.Up).Msg("VLT peer link oper status")
			p.refreshPeer(id, p.env.Clock.Now())
			p.requestPlan()
		}
	}
}

// requestPlan queues the round's plan once.
func (p *Orch) requestPlan() {
	if !p.planQueued {
		p.planQueued = true
		p.env.Resync(AppProxyGW, PlanKey)
	}
}

// Sync implements orchagent.Orch.
func (p *Orch) Sync(t *orchagent.Task) orchagent.Result {
	var res orchagent.Result
	switch t.Table {
	case AppProxyGW:
		if t.Key == PlanKey {
			p.planQueued = false
			p.plan()
			return orchagent.Applied()
		}
		res = p.syncProxyGW(t)
	case AppDomain:
		res = p.syncDomain(t)
	case AppRemoteMAC:
		res = p.syncRemoteMAC(t)
	case AppLearnedMAC:
		res = p.syncLearnedMAC(t)
	case orchagent.StateTable(StatePeerTable):
		res = p.syncPeer(t)
	case orchagent.StateTable(StateNeighborTable):
		res = p.syncNeighbor(t)
	case AppPort:
		return syncPort(t)
	case AppLLDPGlobal:
		return syncLLDPGlobal(t)
	case orchagent.StateTable(StateProxyGWTable):
		p.syncOwnRow(t, StateProxyGWTable)
		return orchagent.Applied()
	case orchagent.StateTable(StateRemoteMACTable):
		p.syncOwnRow(t, StateRemoteMACTable)
		return orchagent.Applied()
	default:
		return orchagent.Invalid("table %s is not the proxy gateway's", t.Table)
	}
	p.requestPlan()
	return res
}
