package orchagent

import (
	"net"
	"net/netip"

	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// neighOrch owns NEIGH_TABLE ("<ifname>:<ip>" {neigh, family}): a
// NEIGHBOR_ENTRY with the MAC and a NEXT_HOP for it that routes use.
type neighOrch struct {
	env    *Env
	intfs  *intfsOrch
	neighs map[string]*neighbor // APP key →
}

type neighbor struct {
	key     string
	ifname  string
	ip      netip.Addr
	mac     net.HardwareAddr
	rif     uint64
	nextHop uint64
	users   users // routes
}

func newNeighOrch(env *Env, intfs *intfsOrch) *neighOrch {
	return &neighOrch{env: env, intfs: intfs, neighs: make(map[string]*neighbor)}
}

func (o *neighOrch) Name() string     { return "neighbors" }
func (o *neighOrch) Tables() []string { return []string{AppNeighTable} }

func neighKey(ifname string, ip netip.Addr) string { return ifname + ":" + ip.String() }

func (o *neighOrch) Sync(t *Task) Result {
	ifname, ipStr, ok := splitKey2(t.Key)
	if !ok {
		return o.invalidOrGone(t, "key %q: want <interface>:<ip>", t.Key)
	}
	ip, err := netip.ParseAddr(ipStr)
	if err != nil || ip.Zone() != "" {
		return o.invalidOrGone(t, "bad IP %q in key %q", ipStr, t.Key)
	}
	ip = ip.Unmap()
	key := neighKey(ifname, ip)
	n := o.neighs[key]
	if t.Op == OpDel {
		if n == nil {
			return Applied()
		}
		if len(n.users) > 0 {
			return Pending("neighbor %s is the next hop of %s", key, n.users)
		}
		o.remove(t, n)
		return Applied()
	}
	macStr, ok := t.Fields["neigh"]
	if !ok {
		return Invalid("field neigh (the MAC address) is missing")
	}
	mac, err := net.ParseMAC(macStr)
	if err != nil || len(mac) != 6 {
		return Invalid("neigh %q is not a MAC address", macStr)
	}
	if fam, ok := t.Fields["family"]; ok && fam != "" && fam != family(ip) {
		return Invalid("family %s does not match %s", fam, ip)
	}
	if n != nil {
		if n.mac.String() != mac.String() {
			prev := n.mac
			n.mac = mac
			err := o.env.ASIC.Set(o.entryKey(n), sairedis.MAC(attrNeighDstMAC, mac), func(err error) {
				if err != nil {
					n.mac = prev
					t.Fail(err)
				}
			})
			if err != nil {
				n.mac = prev
				return Failed(err)
			}
		}
		return Applied()
	}
	ri, ok := o.intfs.RouterInterface(ifname)
	if !ok {
		return Pending("router interface %s does not exist", ifname)
	}
	n = &neighbor{key: key, ifname: ifname, ip: ip, mac: mac, rif: ri.RIF}
	// A refusal of either object undoes the neighbour; whichever object
	// did get created is taken down so the retry starts clean.
	var entryMade, nhMade, failed bool
	fail := func(err error) {
		if failed {
			return
		}
		failed = true
		if o.neighs[key] == n {
			o.forget(n)
		}
		if nhMade {
			o.env.ASIC.Remove(sairedis.ObjectKey(n.nextHop), nil)
		}
		if entryMade {
			o.env.ASIC.Remove(o.entryKey(n), nil)
		}
		t.Fail(err)
	}
	if err := o.env.ASIC.CreateKey(o.entryKey(n), []sairedis.Attr{sairedis.MAC(attrNeighDstMAC, mac)}, func(err error) {
		if err != nil {
			fail(err)
			return
		}
		entryMade = true
		if failed {
			o.env.ASIC.Remove(o.entryKey(n), nil)
		}
	}); err != nil {
		return Failed(err)
	}
	nh, err := o.env.ASIC.Create(tNextHop, []sairedis.Attr{
		sairedis.Enum(attrNHType, nhTypeIP),
		sairedis.IP(attrNHIP, ip),
		sairedis.OID(attrNHRIF, ri.RIF),
	}, func(err error) {
		if err != nil {
			fail(err)
			return
		}
		nhMade = true
		if failed {
			o.env.ASIC.Remove(sairedis.ObjectKey(n.nextHop), nil)
		}
	})
	if err != nil {
		failed = true
		o.env.ASIC.Remove(o.entryKey(n), nil)
		return Failed(err)
	}
	n.nextHop = nh
	o.neighs[key] = n
	o.intfs.addUser(ifname, AppNeighTable+":"+key)
	return Applied()
}

// invalidOrGone: a malformed key is invalid when set, and nothing to do
// when deleted.
func (o *neighOrch) invalidOrGone(t *Task, format string, a ...any) Result {
	if t.Op == OpDel {
		return Applied()
	}
	return Invalid(format, a...)
}

func (o *neighOrch) entryKey(n *neighbor) *halv1.ObjectKey {
	return sairedis.NeighborKey(o.env.ASIC.SwitchID(), n.rif, n.ip)
}

func (o *neighOrch) forget(n *neighbor) {
	delete(o.neighs, n.key)
	o.intfs.delUser(n.ifname, AppNeighTable+":"+n.key)
}

func (o *neighOrch) remove(t *Task, n *neighbor) {
	o.forget(n)
	restore := func(err error) {
		if err != nil && o.neighs[n.key] == nil {
			o.neighs[n.key] = n
			o.intfs.addUser(n.ifname, AppNeighTable+":"+n.key)
			t.Fail(err)
		}
	}
	if err := o.env.ASIC.Remove(sairedis.ObjectKey(n.nextHop), restore); err != nil {
		restore(err)
		return
	}
	if err := o.env.ASIC.Remove(o.entryKey(n), restore); err != nil {
		restore(err)
	}
}

// NextHop implements NeighView.
func (o *neighOrch) NextHop(ifname string, ip netip.Addr) (uint64, bool) {
	if n, ok := o.neighs[neighKey(ifname, ip.Unmap())]; ok {
		return n.nextHop, true
	}
	return 0, false
}

// find returns the neighbour for a next hop: by interface and IP, or by IP
// alone when ifname is empty.
func (o *neighOrch) find(ifname string, ip netip.Addr) *neighbor {
	if ifname != "" {
		return o.neighs[neighKey(ifname, ip)]
	}
	for _, n := range o.neighs {
		if n.ip == ip {
			return n
		}
	}
	return nil
}

func family(a netip.Addr) string {
	if a.Is4() {
		return "IPv4"
	}
	return "IPv6"
}
