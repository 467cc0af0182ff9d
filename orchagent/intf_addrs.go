package orchagent

import (
	"net/netip"

	"github.com/vltgw/vltgw/orchagent/sairedis"
)

// intfAddr is one interface address and the two routes it brings: IP2ME
// (the address itself, to the CPU port) and the connected subnet (to the
// router interface). A host prefix (/32, /128) and an IPv6 link-local
// address have no subnet route.
type intfAddr struct {
	prefix netip.Prefix // as configured: the interface address and length
	ip2me  netip.Prefix
	subnet netip.Prefix // zero when none
}

func hostPrefix(a netip.Addr) netip.Prefix { return netip.PrefixFrom(a, a.BitLen()) }

func (o *intfsOrch) syncAddr(t *Task, name, addr string) Result {
	pfx, err := netip.ParsePrefix(addr)
	if t.Op == OpDel {
		it := o.intfs[name]
		if err != nil || it == nil || it.addrs[pfx] == nil {
			return Applied()
		}
		o.removeAddr(t, it, it.addrs[pfx])
		return Applied()
	}
	if err != nil {
		return Invalid("bad prefix %q: %v", addr, err)
	}
	if pfx.Addr().Zone() != "" || pfx.Addr().Is4In6() || pfx.Addr().IsUnspecified() || pfx.Addr().IsMulticast() {
		return Invalid("bad prefix %q: not a unicast interface address", addr)
	}
	it := o.intfs[name]
	if it == nil {
		return Pending("interface %s does not exist", name)
	}
	if it.addrs[pfx] != nil {
		return Applied()
	}
	a := &intfAddr{prefix: pfx, ip2me: hostPrefix(pfx.Addr())}
	if pfx.Bits() < pfx.Addr().BitLen() && !pfx.Addr().IsLinkLocalUnicast() {
		a.subnet = pfx.Masked()
	}
	owner := t.Name()
	if other, ok := o.addrs[pfx.Addr()]; ok && other != owner {
		return Conflict("duplicate IP: %s is already configured by %s", pfx.Addr(), other)
	}
	if cur, ok := o.routes.owner(a.ip2me); ok && cur != owner {
		return Conflict("route %s already belongs to %s", a.ip2me, cur)
	}
	if a.subnet.IsValid() {
		if cur, ok := o.routes.owner(a.subnet); ok && cur != owner {
			return Conflict("subnet %s already belongs to %s", a.subnet, cur)
		}
	}
	o.routes.claim(a.ip2me, owner)
	if a.subnet.IsValid() {
		o.routes.claim(a.subnet, owner)
	}
	o.addrs[pfx.Addr()] = owner
	it.addrs[pfx] = a
	undo := func() {
		if it.addrs[pfx] != a {
			return
		}
		delete(it.addrs, pfx)
		delete(o.addrs, pfx.Addr())
		o.routes.release(a.ip2me, owner)
		o.routes.release(a.subnet, owner)
	}
	// A refusal undoes the whole address; a route of it that was created
	// is removed so the retry starts clean.
	var created []netip.Prefix
	failed := false
	done := func(p netip.Prefix) Done {
		return func(err error) {
			if err == nil {
				created = append(created, p)
				if failed {
					o.removeRoute(p, nil)
				}
				return
			}
			if !failed {
				failed = true
				for _, c := range created {
					o.removeRoute(c, nil)
				}
				undo()
				t.Fail(err)
			}
		}
	}
	vr, sw := o.env.Switch.VirtualRouter, o.env.ASIC.SwitchID()
	if err := o.env.ASIC.CreateKey(sairedis.RouteKey(sw, vr, a.ip2me), []sairedis.Attr{
		sairedis.Enum(attrRouteAction, actionForward),
		sairedis.OID(attrRouteNextHop, o.env.Switch.CPUPort),
	}, done(a.ip2me)); err != nil {
		undo()
		return Failed(err)
	}
	if a.subnet.IsValid() {
		if err := o.env.ASIC.CreateKey(sairedis.RouteKey(sw, vr, a.subnet), []sairedis.Attr{
			sairedis.OID(attrRouteNextHop, it.rif),
		}, done(a.subnet)); err != nil {
			failed = true
			undo()
			return Failed(err)
		}
	}
	return Applied()
}

func (o *intfsOrch) removeAddr(t *Task, it *intf, a *intfAddr) {
	owner := t.Name()
	delete(it.addrs, a.prefix)
	delete(o.addrs, a.prefix.Addr())
	restore := func(err error) {
		if err != nil {
			it.addrs[a.prefix] = a
			o.addrs[a.prefix.Addr()] = owner
			o.routes.claim(a.ip2me, owner)
			if a.subnet.IsValid() {
				o.routes.claim(a.subnet, owner)
			}
			t.Fail(err)
		}
	}
	if a.subnet.IsValid() {
		o.routes.release(a.subnet, owner)
		o.removeRoute(a.subnet, restore)
	}
	o.routes.release(a.ip2me, owner)
	o.removeRoute(a.ip2me, restore)
}

func (o *intfsOrch) removeRoute(p netip.Prefix, done Done) {
	k := sairedis.RouteKey(o.env.ASIC.SwitchID(), o.env.Switch.VirtualRouter, p)
	if err := o.env.ASIC.Remove(k, done); err != nil && done != nil {
		done(err)
	}
}
