package orchagent

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// routeOrch owns ROUTE_TABLE (<prefix> {nexthop, ifname, blackhole}) in
// the default virtual router. A route goes to one neighbour's next hop
// (waiting until the neighbour exists), to a router interface (next hop
// 0.0.0.0/:: with ifname: directly attached), or is dropped (blackhole).
// ECMP is refused. As SONiC does, the default routes 0.0.0.0/0 and ::/0
// exist from the start with PACKET_ACTION DROP; ROUTE_TABLE rows for them
// set them, and deleting the row drops again.
type routeOrch struct {
	env    *Env
	intfs  *intfsOrch
	neighs *neighOrch
	owners routeOwners
	routes map[netip.Prefix]*route
}

// routeTarget is where a route sends packets.
type routeTarget struct {
	drop bool
	nh   uint64 // NEXT_HOP or ROUTER_INTERFACE object
	user string // the neighbour key or interface name it uses
	intf bool   // user is an interface, not a neighbour
}

type route struct {
	key     string // APP_DB key
	prefix  netip.Prefix
	target  routeTarget
	builtin bool // a default route: exists without a row
}

const ownerDefaultRoute = "default route"

func newRouteOrch(env *Env, intfs *intfsOrch, neighs *neighOrch, owners routeOwners) *routeOrch {
	return &routeOrch{env: env, intfs: intfs, neighs: neighs, owners: owners, routes: make(map[netip.Prefix]*route)}
}

func (o *routeOrch) Name() string     { return "routes" }
func (o *routeOrch) Tables() []string { return []string{AppRouteTable} }

// Start creates the default routes (DROP).
func (o *routeOrch) Start() error {
	for _, p := range []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")} {
		r := &route{prefix: p, target: routeTarget{drop: true}, builtin: true}
		o.owners.claim(p, ownerDefaultRoute)
		o.routes[p] = r
		if err := o.env.ASIC.CreateKey(o.entryKey(p), []sairedis.Attr{sairedis.Enum(attrRouteAction, actionDrop)}, func(err error) {
			if err != nil {
				o.env.Log.Error().Err(err).Stringer("prefix", p).Msg("default route refused")
			}
		}); err != nil {
			return err
		}
	}
	return nil
}

func (o *routeOrch) entryKey(p netip.Prefix) *halv1.ObjectKey {
	return sairedis.RouteKey(o.env.ASIC.SwitchID(), o.env.Switch.VirtualRouter, p)
}

// parseRouteKey accepts "<prefix>" (a bare address is a host route) and
// refuses VRF-qualified keys.
func parseRouteKey(key string) (netip.Prefix, error) {
	s := key
	if strings.HasPrefix(key, "Vrf") {
		vrf, _, _ := strings.Cut(key, ":")
		return netip.Prefix{}, fmt.Errorf("VRF %s: only the default VRF is supported", vrf)
	}
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("bad prefix %q: %v", key, err)
		}
		return hostPrefix(a.Unmap()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("bad prefix %q: %v", key, err)
	}
	if p.Addr().Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("bad prefix %q: zones are not allowed", key)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("bad prefix %q: host bits set (the network is %s)", key, p.Masked())
	}
	return p, nil
}

func (o *routeOrch) Sync(t *Task) Result {
	pfx, err := parseRouteKey(t.Key)
	if err != nil {
		if t.Op == OpDel {
			return Applied()
		}
		return Invalid("%v", err)
	}
	r := o.routes[pfx]
	if t.Op == OpDel {
		if r == nil || r.key != t.Key {
			return Applied()
		}
		return o.remove(t, r)
	}
	target, res := o.resolve(t, pfx)
	if res != nil {
		return *res
	}
	if r != nil && r.key != t.Key && !r.builtin {
		return Conflict("route %s is already %s", pfx, r.key)
	}
	if cur, ok := o.owners.owner(pfx); ok && cur != t.Name() && cur != ownerDefaultRoute {
		return Conflict("prefix %s is owned by %s", pfx, cur)
	}
	if r == nil {
		return o.create(t, pfx, target)
	}
	r.key = t.Key
	o.owners.claim(pfx, t.Name())
	if r.target != target {
		o.retarget(t, r, target)
	}
	return Applied()
}

// resolve turns the row's fields into a target; a non-nil Result says why
// it cannot (yet).
func (o *routeOrch) resolve(t *Task, pfx netip.Prefix) (routeTarget, *Result) {
	fail := func(r Result) (routeTarget, *Result) { return routeTarget{}, &r }
	if bh := t.Fields["blackhole"]; bh == "true" {
		return routeTarget{drop: true}, nil
	} else if bh != "" && bh != "false" {
		return fail(Invalid("blackhole %q: want true or false", bh))
	}
	nhs, ifs := splitList(t.Fields["nexthop"]), splitList(t.Fields["ifname"])
	if len(nhs) > 1 || len(ifs) > 1 {
		return fail(Invalid("ECMP is not supported (%d next hops: %s); give one nexthop", max(len(nhs), len(ifs)), t.Fields["nexthop"]))
	}
	if len(nhs) == 0 && len(ifs) == 0 {
		return fail(Invalid("no nexthop, ifname or blackhole"))
	}
	var ifname string
	if len(ifs) == 1 {
		ifname = ifs[0]
	}
	var nh netip.Addr
	if len(nhs) == 1 {
		a, err := netip.ParseAddr(nhs[0])
		if err != nil {
			return fail(Invalid("nexthop %q is not an IP address", nhs[0]))
		}
		nh = a.Unmap()
		if nh.Is4() != pfx.Addr().Is4() {
			return fail(Invalid("nexthop %s is not of the family of %s", nh, pfx))
		}
	}
	if !nh.IsValid() || nh.IsUnspecified() {
		if ifname == "" {
			return fail(Invalid("nexthop %s without ifname", nhs[0]))
		}
		ri, ok := o.intfs.RouterInterface(ifname)
		if !ok {
			return fail(Pending("router interface %s does not exist", ifname))
		}
		return routeTarget{nh: ri.RIF, user: ifname, intf: true}, nil
	}
	n := o.neighs.find(ifname, nh)
	if n == nil {
		where := ""
		if ifname != "" {
			where = " on " + ifname
		}
		return fail(Pending("next hop %s%s is not a resolved neighbor", nh, where))
	}
	return routeTarget{nh: n.nextHop, user: n.key}, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func targetAttrs(tg routeTarget) []sairedis.Attr {
	if tg.drop {
		return []sairedis.Attr{sairedis.Enum(attrRouteAction, actionDrop)}
	}
	return []sairedis.Attr{sairedis.OID(attrRouteNextHop, tg.nh)}
}

func (o *routeOrch) use(t *Task, tg routeTarget, add bool) {
	user := t.Name()
	switch {
	case tg.user == "":
	case tg.intf && add:
		o.intfs.addUser(tg.user, user)
	case tg.intf:
		o.intfs.delUser(tg.user, user)
	case add:
		if n := o.neighs.neighs[tg.user]; n != nil {
			n.users.add(user)
		}
	default:
		if n := o.neighs.neighs[tg.user]; n != nil {
			n.users.del(user)
		}
	}
}

func (o *routeOrch) create(t *Task, pfx netip.Prefix, tg routeTarget) Result {
	r := &route{key: t.Key, prefix: pfx, target: tg}
	err := o.env.ASIC.CreateKey(o.entryKey(pfx), targetAttrs(tg), func(err error) {
		if err != nil && o.routes[pfx] == r {
			delete(o.routes, pfx)
			o.owners.release(pfx, t.Name())
			o.use(t, r.target, false)
			t.Fail(err)
		}
	})
	if err != nil {
		return Failed(err)
	}
	o.routes[pfx] = r
	o.owners.claim(pfx, t.Name())
	o.use(t, tg, true)
	return Applied()
}

// retarget moves an existing route: to a next hop (PACKET_ACTION FORWARD
// first when it was dropping), or to drop (and the next hop cleared so
// the neighbour can go).
func (o *routeOrch) retarget(t *Task, r *route, tg routeTarget) {
	prev := r.target
	o.use(t, prev, false)
	o.use(t, tg, true)
	r.target = tg
	k := o.entryKey(r.prefix)
	undone := false
	undo := func(err error) {
		if err != nil && !undone {
			undone = true
			if r.target == tg {
				o.use(t, tg, false)
				o.use(t, prev, true)
				r.target = prev
			}
			t.Fail(err)
		}
	}
	var attrs []sairedis.Attr
	if tg.drop {
		attrs = []sairedis.Attr{sairedis.Enum(attrRouteAction, actionDrop), sairedis.OID(attrRouteNextHop, 0)}
	} else {
		if prev.drop {
			attrs = append(attrs, sairedis.Enum(attrRouteAction, actionForward))
		}
		attrs = append(attrs, sairedis.OID(attrRouteNextHop, tg.nh))
	}
	for _, a := range attrs {
		if err := o.env.ASIC.Set(k, a, undo); err != nil {
			undo(err)
			return
		}
	}
}

func (o *routeOrch) remove(t *Task, r *route) Result {
	if r.builtin {
		o.owners.claim(r.prefix, ownerDefaultRoute)
		if !r.target.drop {
			o.retarget(t, r, routeTarget{drop: true})
		}
		r.key = ""
		return Applied()
	}
	delete(o.routes, r.prefix)
	o.owners.release(r.prefix, t.Name())
	o.use(t, r.target, false)
	err := o.env.ASIC.Remove(o.entryKey(r.prefix), func(err error) {
		if err != nil && o.routes[r.prefix] == nil {
			o.routes[r.prefix] = r
			o.owners.claim(r.prefix, t.Name())
			o.use(t, r.target, true)
			t.Fail(err)
		}
	})
	if err != nil {
		return Failed(err)
	}
	return Applied()
}
