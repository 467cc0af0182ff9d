package orchagent

import (
	"net"
	"net/netip"
	"sort"
	"strings"

	"github.com/vltgw/vltgw/orchagent/sairedis"
)

// intfsOrch owns INTF_TABLE: router interfaces on VLANs, ports and LAGs
// (key "VlanN", "EthernetN", "PortChannelN") and their addresses (key
// "<name>:<ip>/<len>", intf_addrs.go).
type intfsOrch struct {
	env    *Env
	ports  *portsOrch
	vlans  *vlanOrch
	routes routeOwners
	intfs  map[string]*intf
	addrs  map[netip.Addr]string // interface address → its INTF_TABLE row
}

type intf struct {
	name   string
	rif    uint64
	vlanID uint16
	parent string // the VLAN, port or LAG it sits on
	mac    net.HardwareAddr
	addrs  map[netip.Prefix]*intfAddr
	users  users // neighbours and routes
}

func newIntfsOrch(env *Env, ports *portsOrch, vlans *vlanOrch, routes routeOwners) *intfsOrch {
	return &intfsOrch{env: env, ports: ports, vlans: vlans, routes: routes,
		intfs: make(map[string]*intf), addrs: make(map[netip.Addr]string)}
}

func (o *intfsOrch) Name() string     { return "intfs" }
func (o *intfsOrch) Tables() []string { return []string{AppIntfTable} }

func (o *intfsOrch) Sync(t *Task) Result {
	if name, addr, ok := strings.Cut(t.Key, ":"); ok {
		return o.syncAddr(t, name, addr)
	}
	return o.syncIntf(t)
}

func (o *intfsOrch) syncIntf(t *Task) Result {
	name := t.Key
	it := o.intfs[name]
	if t.Op == OpDel {
		if it == nil {
			return Applied()
		}
		if len(it.addrs) > 0 {
			return Pending("interface %s still has addresses %s", name, it.addrList())
		}
		if len(it.users) > 0 {
			return Pending("interface %s is still used by %s", name, it.users)
		}
		o.removeIntf(t, it)
		return Applied()
	}
	var mac net.HardwareAddr
	if v, ok := t.Fields["mac_addr"]; ok && v != "" {
		m, err := net.ParseMAC(v)
		if err != nil || len(m) != 6 {
			return Invalid("mac_addr %q is not a MAC address", v)
		}
		mac = m
	}
	if mac == nil {
		mac = o.env.Switch.MAC
	}
	if it != nil {
		if mac != nil && it.mac.String() != mac.String() {
			prev := it.mac
			it.mac = mac
			err := o.env.ASIC.Set(sairedis.ObjectKey(it.rif), sairedis.MAC(attrRIFSrcMAC, mac), func(err error) {
				if err != nil {
					it.mac = prev
					t.Fail(err)
				}
			})
			if err != nil {
				it.mac = prev
				return Failed(err)
			}
		}
		return Applied()
	}
	attrs := []sairedis.Attr{sairedis.OID(attrRIFVR, o.env.Switch.VirtualRouter)}
	it = &intf{name: name, parent: name, mac: mac, addrs: make(map[netip.Prefix]*intfAddr)}
	switch {
	case strings.HasPrefix(name, prefixVlan):
		id, err := parseVlanName(name)
		if err != nil {
			return Invalid("%v", err)
		}
		v, ok := o.vlans.Vlan(name)
		if !ok {
			return Pending("VLAN %s does not exist", name)
		}
		it.vlanID = id
		attrs = append(attrs, sairedis.Enum(attrRIFType, rifTypeVlan), sairedis.OID(attrRIFVlan, v.ID))
	case isPortName(name) || isLagName(name):
		pi, ok := o.ports.Port(name)
		if !ok {
			return Pending("port %s does not exist", name)
		}
		if pi.LagName != "" {
			return Conflict("port %s is a member of %s; configure the LAG's interface instead", name, pi.LagName)
		}
		if o.vlans.isBridged(name) {
			return Conflict("%s is a VLAN member; it cannot be a routed interface", name)
		}
		attrs = append(attrs, sairedis.Enum(attrRIFType, rifTypePort), sairedis.OID(attrRIFPort, pi.ID))
	default:
		return Invalid("interface %q: want VlanN, EthernetN or PortChannelN", name)
	}
	if mac != nil {
		attrs = append(attrs, sairedis.MAC(attrRIFSrcMAC, mac))
	}
	rif, err := o.env.ASIC.Create(tRIF, attrs, func(err error) {
		if err != nil && o.intfs[name] == it {
			o.env.Events.emitRouterInterface(RouterInterfaceEvent{Name: name, RIF: it.rif, VlanID: it.vlanID, MAC: it.mac})
			o.forget(it)
			t.Fail(err)
		}
	})
	if err != nil {
		return Failed(err)
	}
	it.rif = rif
	o.intfs[name] = it
	o.parentUser(it, true)
	o.env.Events.emitRouterInterface(RouterInterfaceEvent{Name: name, RIF: rif, VlanID: it.vlanID, MAC: mac, Added: true})
	return Applied()
}

func (o *intfsOrch) removeIntf(t *Task, it *intf) {
	o.env.Events.emitRouterInterface(RouterInterfaceEvent{Name: it.name, RIF: it.rif, VlanID: it.vlanID, MAC: it.mac})
	o.forget(it)
	err := o.env.ASIC.Remove(sairedis.ObjectKey(it.rif), func(err error) {
		if err != nil && o.intfs[it.name] == nil {
			o.intfs[it.name] = it
			o.parentUser(it, true)
			o.env.Events.emitRouterInterface(RouterInterfaceEvent{Name: it.name, RIF: it.rif, VlanID: it.vlanID, MAC: it.mac, Added: true})
			t.Fail(err)
		}
	})
	if err != nil {
		o.intfs[it.name] = it
		o.parentUser(it, true)
		t.Fail(err)
	}
}

func (o *intfsOrch) forget(it *intf) {
	delete(o.intfs, it.name)
	o.parentUser(it, false)
}

// parentUser records (or drops) the interface as a user of its VLAN, port
// or LAG.
func (o *intfsOrch) parentUser(it *intf, add bool) {
	user := AppIntfTable + ":" + it.name
	switch {
	case it.vlanID != 0 && add:
		o.vlans.addUser(it.parent, user)
	case it.vlanID != 0:
		o.vlans.delUser(it.parent, user)
	case add:
		o.ports.addUser(it.parent, user)
	default:
		o.ports.delUser(it.parent, user)
	}
}

func (it *intf) addrList() string {
	u := users{}
	for p := range it.addrs {
		u.add(p.String())
	}
	return u.String()
}

// RouterInterface implements IntfView.
func (o *intfsOrch) RouterInterface(name string) (RouterInterfaceInfo, bool) {
	it, ok := o.intfs[name]
	if !ok {
		return RouterInterfaceInfo{}, false
	}
	ri := RouterInterfaceInfo{Name: name, RIF: it.rif, VlanID: it.vlanID, MAC: it.mac}
	for p := range it.addrs {
		ri.Addresses = append(ri.Addresses, p)
	}
	sort.Slice(ri.Addresses, func(i, j int) bool { return ri.Addresses[i].String() < ri.Addresses[j].String() })
	return ri, true
}

// L3Vlans implements IntfView.
func (o *intfsOrch) L3Vlans() []uint16 {
	var out []uint16
	for _, it := range o.intfs {
		if it.vlanID != 0 {
			out = append(out, it.vlanID)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (o *intfsOrch) addUser(name, user string) {
	if it, ok := o.intfs[name]; ok {
		it.users.add(user)
	}
}

func (o *intfsOrch) delUser(name, user string) {
	if it, ok := o.intfs[name]; ok {
		it.users.del(user)
	}
}
