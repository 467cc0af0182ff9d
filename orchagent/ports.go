package orchagent

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vltgw/vltgw/hal/sai"
	"github.com/vltgw/vltgw/orchagent/sairedis"
)

// Default PVID of a port or LAG without an untagged VLAN.
const defaultPVID = 1

// portsOrch maps PORT_TABLE names onto the platform's ports by lanes and
// owns LAGs and their members (ports_lag.go) and oper status
// (ports_oper.go).
type portsOrch struct {
	env      *Env
	byLanes  map[string]*platPort
	byID     map[uint64]*platPort
	ports    map[string]*port
	lags     map[string]*lag
	lagsByID map[uint64]*lag
}

// platPort is one platform port, named once PORT_TABLE maps it.
type platPort struct {
	id        uint64
	lanes     []uint32
	operUp    bool
	operKnown bool
	name      string
}

type port struct {
	name  string
	pp    *platPort
	admin bool
	mtu   uint32 // APP_DB value; 0 = never set
	pvid  uint16
	lag   string // LAG this port is a member of
	users users  // rows referencing the port object
}

func newPortsOrch(env *Env) *portsOrch {
	o := &portsOrch{env: env, byLanes: make(map[string]*platPort), byID: make(map[uint64]*platPort),
		ports: make(map[string]*port), lags: make(map[string]*lag), lagsByID: make(map[uint64]*lag)}
	for _, p := range env.Switch.Ports {
		pp := &platPort{id: p.ID, lanes: p.Lanes, operUp: p.OperUp, operKnown: p.OperKnown}
		o.byLanes[lanesKey(p.Lanes)] = pp
		o.byID[p.ID] = pp
	}
	return o
}

func (o *portsOrch) Name() string { return "ports" }
func (o *portsOrch) Tables() []string {
	return []string{AppPortTable, AppLagTable, AppLagMemberTable}
}

func (o *portsOrch) Sync(t *Task) Result {
	switch t.Table {
	case AppPortTable:
		return o.syncPort(t)
	case AppLagTable:
		return o.syncLag(t)
	default:
		return o.syncLagMember(t)
	}
}

func lanesKey(lanes []uint32) string {
	s := append([]uint32(nil), lanes...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	parts := make([]string, len(s))
	for i, l := range s {
		parts[i] = strconv.FormatUint(uint64(l), 10)
	}
	return strings.Join(parts, ",")
}

func parseLanes(s string) ([]uint32, error) {
	var out []uint32
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseUint(strings.TrimSpace(f), 10, 32)
		if err != nil {
			return nil, fmt.Errorf("lanes %q: %q is not a lane number", s, f)
		}
		out = append(out, uint32(n))
	}
	return out, nil
}

func parseAdmin(fields map[string]string) (bool, error) {
	switch v, ok := fields["admin_status"]; {
	case !ok || v == "down":
		return false, nil
	case v == "up":
		return true, nil
	default:
		return false, fmt.Errorf("admin_status %q: want up or down", v)
	}
}

func parseMTU(fields map[string]string) (uint32, error) {
	v, ok := fields["mtu"]
	if !ok || v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n < 68 || n > 9216 {
		return 0, fmt.Errorf("mtu %q: want 68-9216", v)
	}
	return uint32(n), nil
}

func (o *portsOrch) syncPort(t *Task) Result {
	name := t.Key
	p := o.ports[name]
	if t.Op == OpDel {
		if p == nil {
			return Applied()
		}
		if len(p.users) > 0 {
			return Pending("port %s is still used by %s", name, p.users)
		}
		if p.admin {
			o.setAdmin(t, p, false)
		}
		p.pp.name = ""
		delete(o.ports, name)
		o.env.State.DelState(StatePortTable, name)
		return Applied()
	}
	if !isPortName(name) {
		return Invalid("%q is not a port name (want EthernetN)", name)
	}
	admin, err := parseAdmin(t.Fields)
	if err != nil {
		return Invalid("%v", err)
	}
	mtu, err := parseMTU(t.Fields)
	if err != nil {
		return Invalid("%v", err)
	}
	if p == nil {
		ls, ok := t.Field("lanes")
		if !ok {
			return Invalid("field lanes is missing (it names the platform port)")
		}
		lanes, err := parseLanes(ls)
		if err != nil {
			return Invalid("%v", err)
		}
		pp := o.byLanes[lanesKey(lanes)]
		if pp == nil {
			return Invalid("unknown port: no platform port has lanes %s", lanesKey(lanes))
		}
		if pp.name != "" {
			return Conflict("the platform port with lanes %s is already %s", lanesKey(lanes), pp.name)
		}
		p = &port{name: name, pp: pp, pvid: defaultPVID}
		pp.name = name
		o.ports[name] = p
		o.writeOper(name, pp.operUp)
		o.env.State.SetState(StatePortTable, name, map[string]string{"admin_status": upDown(p.admin)})
	} else if ls, ok := t.Field("lanes"); ok {
		lanes, err := parseLanes(ls)
		if err != nil {
			return Invalid("%v", err)
		}
		if lanesKey(lanes) != lanesKey(p.pp.lanes) {
			return Invalid("lanes %s differ from the mapped platform port's %s (delete the port to remap it)", lanesKey(lanes), lanesKey(p.pp.lanes))
		}
	}
	if admin != p.admin {
		o.setAdmin(t, p, admin)
	}
	if mtu != 0 && mtu != p.mtu {
		prev := p.mtu
		p.mtu = mtu
		// The configured MTU as is: hal/sai bounds SAI_PORT_ATTR_MTU to
		// 68–9216, the CONFIG_DB range (SONiC's portsorch adds 22 bytes of
		// L2 overhead for its vendors' SAI; vltgw's platforms take the
		// configured value).
		o.set(t, p.pp.id, sairedis.U32(attrPortMTU, mtu), func() { p.mtu = prev })
	}
	return Applied()
}

func (o *portsOrch) setAdmin(t *Task, p *port, up bool) {
	prev := p.admin
	p.admin = up
	o.env.State.SetState(StatePortTable, p.name, map[string]string{"admin_status": upDown(up)})
	o.set(t, p.pp.id, sairedis.Bool(attrPortAdminState, up), func() { p.admin = prev })
}

// set queues a SET on an object; undo runs if syncd refuses it.
func (o *portsOrch) set(t *Task, id uint64, a sairedis.Attr, undo func()) {
	err := o.env.ASIC.Set(sairedis.ObjectKey(id), a, func(err error) {
		if err != nil {
			undo()
			t.Fail(err)
		}
	})
	if err != nil {
		undo()
		t.Fail(err)
	}
}

func upDown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

// Port implements PortView.
func (o *portsOrch) Port(name string) (PortInfo, bool) {
	if p, ok := o.ports[name]; ok {
		return PortInfo{Name: name, ID: p.pp.id, OperUp: p.pp.operUp, LagName: p.lag}, true
	}
	if l, ok := o.lags[name]; ok {
		return l.info(), true
	}
	return PortInfo{}, false
}

// PortByID implements PortView.
func (o *portsOrch) PortByID(id uint64) (PortInfo, bool) {
	if pp, ok := o.byID[id]; ok && pp.name != "" {
		return o.Port(pp.name)
	}
	if l, ok := o.lagsByID[id]; ok {
		return l.info(), true
	}
	return PortInfo{}, false
}

// addUser / delUser record rows referencing a port or LAG object.
func (o *portsOrch) addUser(name, user string) {
	if p, ok := o.ports[name]; ok {
		p.users.add(user)
	} else if l, ok := o.lags[name]; ok {
		l.users.add(user)
	}
}

func (o *portsOrch) delUser(name, user string) {
	if p, ok := o.ports[name]; ok {
		p.users.del(user)
	} else if l, ok := o.lags[name]; ok {
		l.users.del(user)
	}
}

// setPVID queues the port's or LAG's PORT_VLAN_ID.
func (o *portsOrch) setPVID(t *Task, name string, vlan uint16) {
	if p, ok := o.ports[name]; ok {
		if p.pvid == vlan {
			return
		}
		prev := p.pvid
		p.pvid = vlan
		o.set(t, p.pp.id, sairedis.U32(attrPortPVID, uint32(vlan)), func() { p.pvid = prev })
	} else if l, ok := o.lags[name]; ok {
		if l.pvid == vlan {
			return
		}
		// SAI_LAG_ATTR_PORT_VLAN_ID is sent only when hal/sai's metadata
		// knows it (today it does not, and syncd would refuse it); the
		// platform then takes untagged frames on a LAG into the VLAN the
		// LAG is an untagged member of. A refusal is logged, not retried:
		// the membership itself stands.
		l.pvid = vlan
		if _, known := sai.Attr(tLag, attrLagPVID); !known {
			o.env.Log.Debug().Str("lag", name).Uint16("pvid", vlan).Msg("LAG PVID left to the platform (attribute unknown to hal/sai)")
			return
		}
		err := o.env.ASIC.Set(sairedis.ObjectKey(l.id), sairedis.U32(attrLagPVID, uint32(vlan)), func(err error) {
			if err != nil {
				o.env.Log.Warn().Str("lag", name).Uint16("pvid", vlan).Err(err).Msg("LAG PVID not set")
			}
		})
		if err != nil {
			o.env.Log.Warn().Str("lag", name).Err(err).Msg("LAG PVID not set")
		}
	}
}
