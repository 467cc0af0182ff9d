package vltisolation

import (
	"strings"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/cfgmgr/vlt"
	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// APP_DB tables the orch consumes (cfgmgrd writes them).
const (
	AppDomain    = vlt.AppDomain    // VLT_DOMAIN_TABLE:<id> {peer_link, ...}
	AppInterface = vlt.AppInterface // VLT_INTERFACE_TABLE:<id>:<PortChannelN>
)

// SAI names the orch programs.
const (
	tGroup  = halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP
	tMember = halv1.ObjectType_OBJECT_TYPE_ISOLATION_GROUP_MEMBER

	AttrGroupType       = "SAI_ISOLATION_GROUP_ATTR_TYPE"
	GroupTypeBridgePort = "SAI_ISOLATION_GROUP_TYPE_BRIDGE_PORT"
	AttrMemberGroup     = "SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_GROUP_ID"
	AttrMemberObject    = "SAI_ISOLATION_GROUP_MEMBER_ATTR_ISOLATION_OBJECT"
	AttrBridgePortGroup = "SAI_BRIDGE_PORT_ATTR_ISOLATION_GROUP"
)

// Factory returns the orch's orchagent.OrchFactory: it owns
// VLT_DOMAIN_TABLE and VLT_INTERFACE_TABLE.
func Factory() orchagent.OrchFactory {
	return func(env *orchagent.Env) (orchagent.Orch, error) { return New(env), nil }
}

// Orch is the VLT isolation-group orch. All its methods run on the agent's
// event loop.
type Orch struct {
	env     *orchagent.Env
	log     zerolog.Logger
	domains map[string]*domain // by APP_DB key (the domain id)
}

// domain is what the orch holds for one VLT_DOMAIN_TABLE row.
type domain struct {
	id    string
	group uint64 // ISOLATION_GROUP VID (0 while none)
	// bound is the port-channel whose bridge port carries the group as
	// SAI_BRIDGE_PORT_ATTR_ISOLATION_GROUP, boundBP that bridge port.
	bound   string
	boundBP uint64
	members map[string]*member // VLT LAG → its member
}

// member is one ISOLATION_GROUP_MEMBER: a VLT LAG's bridge port.
type member struct {
	bp, oid uint64
	created bool // syncd confirmed the create
}

// New builds the orch and subscribes it to bridge port removals.
func New(env *orchagent.Env) *Orch {
	o := &Orch{env: env, log: env.Log.With().Str("orch", "vlt-isolation").Logger(), domains: map[string]*domain{}}
	env.Events.OnBridgePort(o.onBridgePort)
	return o
}

// Name implements orchagent.Orch.
func (o *Orch) Name() string { return "vlt-isolation" }

// Tables implements orchagent.Orch: domains first, so a domain's group
// exists before its members are retried.
func (o *Orch) Tables() []string { return []string{AppDomain, AppInterface} }

// Sync implements orchagent.Orch.
func (o *Orch) Sync(t *orchagent.Task) orchagent.Result {
	switch t.Table {
	case AppDomain:
		return o.SyncDomain(t)
	case AppInterface:
		return o.syncInterface(t)
	}
	return orchagent.Invalid("table %s is not the VLT isolation group's", t.Table)
}

func peerLinkUser(id string) string { return "VLT domain " + id + " peer link isolation" }
func memberUser(id string) string   { return "VLT domain " + id + " isolation group member" }

// SyncDomain reconciles one VLT_DOMAIN_TABLE row: the domain's group, and
// the group on the peer link's bridge port. It is exported so an orch that
// owns VLT_DOMAIN_TABLE for its own reasons can hand the rows on (see
// Beside).
func (o *Orch) SyncDomain(t *orchagent.Task) orchagent.Result {
	id := t.Key
	d := o.domains[id]
	if t.Op == orchagent.OpDel {
		if d != nil {
			o.removeDomain(d)
		}
		return orchagent.Applied()
	}
	if d == nil {
		d = &domain{id: id, members: map[string]*member{}}
		o.domains[id] = d
	}
	if d.group == 0 {
		var vid uint64
		vid, err := o.env.ASIC.Create(tGroup, []sairedis.Attr{sairedis.Enum(AttrGroupType, GroupTypeBridgePort)}, func(err error) {
			if err != nil && o.domains[id] == d && d.group == vid {
				// The peer link binding and the members named the group:
				// they were refused too and their rows are retried.
				if d.bound != "" {
					o.env.Vlans.ReleaseBridgePort(d.bound, peerLinkUser(id))
				}
				d.group, d.bound, d.boundBP = 0, "", 0
				t.Fail(err)
			}
		})
		if err != nil {
			return orchagent.Failed(err)
		}
		d.group = vid
	}
	want := t.Fields["peer_link"]
	if d.bound != "" && d.bound != want {
		o.unbind(d)
	}
	if want == "" || d.bound == want {
		return orchagent.Applied()
	}
	bp, ok := o.env.Vlans.BridgePort(want)
	if !ok || !o.env.Vlans.UseBridgePort(want, peerLinkUser(id)) {
		return orchagent.Pending("peer link %s has no bridge port yet (it is in no VLAN)", want)
	}
	err := o.env.ASIC.Set(sairedis.ObjectKey(bp), sairedis.OID(AttrBridgePortGroup, d.group), func(err error) {
		if err != nil && d.bound == want && d.boundBP == bp {
			d.bound, d.boundBP = "", 0
			o.env.Vlans.ReleaseBridgePort(want, peerLinkUser(id))
			t.Fail(err)
		}
	})
	if err != nil {
		o.env.Vlans.ReleaseBridgePort(want, peerLinkUser(id))
		return orchagent.Failed(err)
	}
	d.bound, d.boundBP = want, bp
	return orchagent.Applied()
}

// unbind clears the group from the peer link's bridge port.
func (o *Orch) unbind(d *domain) {
	port, bp := d.bound, d.boundBP
	d.bound, d.boundBP = "", 0
	err := o.env.ASIC.Set(sairedis.ObjectKey(bp), sairedis.OID(AttrBridgePortGroup, 0), func(err error) {
		if err != nil {
			o.log.Error().Err(err).Str("domain", d.id).Str("peer_link", port).Msg("clear the isolation group of the old peer link's bridge port")
		}
	})
	if err != nil {
		o.log.Error().Err(err).Str("domain", d.id).Str("peer_link", port).Msg("queue the isolation group clear")
	}
	o.env.Vlans.ReleaseBridgePort(port, peerLinkUser(d.id))
}

// removeDomain unbinds the peer link, removes the members and the group, in
// that order, and sends the domain's VLT interface rows back to pending.
func (o *Orch) removeDomain(d *domain) {
	delete(o.domains, d.id)
	if d.bound != "" {
		o.unbind(d)
	}
	for lag, m := range d.members {
		o.removeMember(d, lag, m)
		o.env.Resync(AppInterface, d.id+":"+lag)
	}
	if d.group == 0 {
		return
	}
	err := o.env.ASIC.Remove(sairedis.ObjectKey(d.group), func(err error) {
		if err != nil {
			o.log.Error().Err(err).Str("domain", d.id).Msg("remove the isolation group")
		}
	})
	if err != nil {
		o.log.Error().Err(err).Str("domain", d.id).Msg("queue the isolation group remove")
	}
}

func (o *Orch) syncInterface(t *orchagent.Task) orchagent.Result {
	id, lag, ok := strings.Cut(t.Key, ":")
	if !ok {
		return orchagent.Invalid("key %q is not <domain id>:<PortChannelN>", t.Key)
	}
	d := o.domains[id]
	if t.Op == orchagent.OpDel {
		if d != nil && d.members[lag] != nil {
			o.removeMember(d, lag, d.members[lag])
		}
		return orchagent.Applied()
	}
	switch {
	case d == nil:
		return orchagent.Pending("VLT domain %s is not configured (no %s:%s row)", id, AppDomain, id)
	case d.group == 0:
		return orchagent.Pending("the isolation group of VLT domain %s is not created", id)
	case d.members[lag] != nil:
		return orchagent.Applied()
	}
	bp, ok := o.env.Vlans.BridgePort(lag)
	if !ok || !o.env.Vlans.UseBridgePort(lag, memberUser(id)) {
		return orchagent.Pending("VLT port-channel %s has no bridge port yet (it is in no VLAN)", lag)
	}
	m := &member{bp: bp}
	vid, err := o.env.ASIC.Create(tMember, []sairedis.Attr{
		sairedis.OID(AttrMemberGroup, d.group),
		sairedis.OID(AttrMemberObject, bp),
	}, func(err error) {
		if err == nil {
			m.created = true
			return
		}
		if d.members[lag] == m {
			delete(d.members, lag)
			o.env.Vlans.ReleaseBridgePort(lag, memberUser(id))
		}
		t.Fail(err)
	})
	if err != nil {
		o.env.Vlans.ReleaseBridgePort(lag, memberUser(id))
		return orchagent.Failed(err)
	}
	m.oid = vid
	d.members[lag] = m
	return orchagent.Applied()
}

// removeMember queues the member's remove, then lets its bridge port go.
func (o *Orch) removeMember(d *domain, lag string, m *member) {
	delete(d.members, lag)
	err := o.env.ASIC.Remove(sairedis.ObjectKey(m.oid), func(err error) {
		if err != nil {
			o.log.Error().Err(err).Str("domain", d.id).Str("lag", lag).Msg("remove the isolation group member")
		}
	})
	if err != nil {
		o.log.Error().Err(err).Str("domain", d.id).Str("lag", lag).Msg("queue the isolation group member remove")
	}
	o.env.Vlans.ReleaseBridgePort(lag, memberUser(d.id))
}

// onBridgePort drops the orch's references to a bridge port that is about
// to be removed (its create was refused; a bridge port the orch uses is
// otherwise kept) and sends the rows that need it back to pending.
func (o *Orch) onBridgePort(ev orchagent.BridgePortEvent) {
	if ev.Added {
		return // pending rows are retried after every batch
	}
	for _, d := range o.domains {
		if d.boundBP == ev.BridgePort {
			d.bound, d.boundBP = "", 0
			o.env.Resync(AppDomain, d.id)
		}
		for lag, m := range d.members {
			if m.bp != ev.BridgePort {
				continue
			}
			delete(d.members, lag)
			if m.created {
				// Queued before the bridge port's own remove.
				if err := o.env.ASIC.Remove(sairedis.ObjectKey(m.oid), nil); err != nil {
					o.log.Error().Err(err).Str("domain", d.id).Str("lag", lag).Msg("queue the isolation group member remove")
				}
			}
			o.env.Resync(AppInterface, d.id+":"+lag)
		}
	}
}
