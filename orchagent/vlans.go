package orchagent

import (
	"sort"

	"github.com/vltgw/vltgw/orchagent/sairedis"
)

// vlanOrch owns VLAN_TABLE and VLAN_MEMBER_TABLE (vlan_members.go), and the
// bridge ports of ports and LAGs: created with a port's first VLAN
// membership, removed with its last.
type vlanOrch struct {
	env      *Env
	ports    *portsOrch
	vlans    map[string]*vlan
	bps      map[string]*bridgePort // port/LAG name →
	untagged map[string]string      // port/LAG name → the VLAN it is untagged in
}

type vlan struct {
	name      string
	vlanID    uint16
	id        uint64
	isDefault bool // the platform's VLAN 1: never created nor removed
	members   map[string]*vlanMember
	users     users
}

type vlanMember struct {
	id      uint64
	tagging string // untagged, tagged, priority_tagged
}

type bridgePort struct {
	id     uint64
	portID uint64
	vlans  int   // memberships using it
	users  users // other rows referencing it
}

func newVlanOrch(env *Env, ports *portsOrch) *vlanOrch {
	return &vlanOrch{env: env, ports: ports, vlans: make(map[string]*vlan),
		bps: make(map[string]*bridgePort), untagged: make(map[string]string)}
}

func (o *vlanOrch) Name() string     { return "vlans" }
func (o *vlanOrch) Tables() []string { return []string{AppVlanTable, AppVlanMemberTable} }

func (o *vlanOrch) Sync(t *Task) Result {
	if t.Table == AppVlanTable {
		return o.syncVlan(t)
	}
	return o.syncMember(t)
}

func (o *vlanOrch) syncVlan(t *Task) Result {
	name := t.Key
	v := o.vlans[name]
	if t.Op == OpDel {
		if v == nil {
			return Applied()
		}
		if len(v.members) > 0 {
			return Pending("VLAN %s still has members %s", name, v.memberList())
		}
		if len(v.users) > 0 {
			return Pending("VLAN %s is still used by %s", name, v.users)
		}
		delete(o.vlans, name)
		o.env.Events.emitVlan(VlanEvent{Name: name, VlanID: v.vlanID, VLAN: v.id})
		if v.isDefault {
			return Applied()
		}
		err := o.env.ASIC.Remove(sairedis.ObjectKey(v.id), func(err error) {
			if err != nil {
				o.vlans[name] = v
				o.env.Events.emitVlan(VlanEvent{Name: name, VlanID: v.vlanID, VLAN: v.id, Added: true})
				t.Fail(err)
			}
		})
		if err != nil {
			return Failed(err)
		}
		return Applied()
	}
	id, err := parseVlanName(name)
	if err != nil {
		return Invalid("%v", err)
	}
	if _, err := parseAdmin(t.Fields); err != nil {
		return Invalid("%v", err)
	}
	if _, err := parseMTU(t.Fields); err != nil {
		return Invalid("%v", err)
	}
	if v != nil {
		return Applied()
	}
	v = &vlan{name: name, vlanID: id, members: make(map[string]*vlanMember)}
	if id == defaultPVID && o.env.Switch.DefaultVlan != 0 {
		v.id, v.isDefault = o.env.Switch.DefaultVlan, true
	} else {
		vid, err := o.env.ASIC.Create(tVlan, []sairedis.Attr{sairedis.U32(attrVlanID, uint32(id))}, func(err error) {
			if err != nil && o.vlans[name] == v {
				delete(o.vlans, name)
				o.env.Events.emitVlan(VlanEvent{Name: name, VlanID: id, VLAN: v.id})
				t.Fail(err)
			}
		})
		if err != nil {
			return Failed(err)
		}
		v.id = vid
	}
	o.vlans[name] = v
	o.env.Events.emitVlan(VlanEvent{Name: name, VlanID: id, VLAN: v.id, Added: true})
	return Applied()
}

func (v *vlan) memberList() string {
	u := users{}
	for m := range v.members {
		u.add(m)
	}
	return u.String()
}

// Vlan implements VlanView.
func (o *vlanOrch) Vlan(name string) (VlanInfo, bool) {
	v, ok := o.vlans[name]
	if !ok {
		return VlanInfo{}, false
	}
	vi := VlanInfo{Name: name, VlanID: v.vlanID, ID: v.id}
	for m := range v.members {
		vi.Members = append(vi.Members, m)
	}
	sort.Strings(vi.Members)
	return vi, true
}

// BridgePort implements VlanView.
func (o *vlanOrch) BridgePort(port string) (uint64, bool) {
	if bp, ok := o.bps[port]; ok {
		return bp.id, true
	}
	return 0, false
}

func (o *vlanOrch) addUser(vlanName, user string) {
	if v, ok := o.vlans[vlanName]; ok {
		v.users.add(user)
	}
}

func (o *vlanOrch) delUser(vlanName, user string) {
	if v, ok := o.vlans[vlanName]; ok {
		v.users.del(user)
	}
}

// isBridged reports whether a port or LAG has a bridge port (is a VLAN
// member somewhere).
func (o *vlanOrch) isBridged(port string) bool { _, ok := o.bps[port]; return ok }
