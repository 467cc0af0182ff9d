package orchagent

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// routeOrch owns ROUTE_TABLE (<prefix> {nexthop, ifname, weight, blackhole}) in
// the default virtual router. A route goes to one neighbour's next hop
// (waiting until the neighbour exists), to a NEXT_HOP_GROUP when the row
// lists several next hops (ECMP, see nexthopgroup.go), to a router
// interface (next hop 0.0.0.0/:: with ifname: directly attached), or is
// dropped (blackhole). As SONiC does, the default routes 0.0.0.0/0 and ::/0
// exist from the start with PACKET_ACTION DROP; ROUTE_TABLE rows for them
// set them, and deleting the row drops again.
type routeOrch struct {
	env    *Env
	intfs  *intfsOrch
	neighs *neighOrch
	owners routeOwners
	routes map[netip.Prefix]*route
	nhgs   *nhGroups
}

// routeTarget is where a route sends packets.
type routeTarget struct {
	drop bool
	nh   uint64   // NEXT_HOP or ROUTER_INTERFACE object
	user string   // the neighbour key or interface name it uses
	intf bool     // user is an interface, not a neighbour
	grp  *nhGroup // ECMP: the group nh is (users are its members' neighbours)
}

type route struct {
	key     string // APP_DB key
	prefix  netip.Prefix
	target  routeTarget
	builtin bool // a default route: exists without a row
}

const ownerDefaultRoute = "default route"

func newRouteOrch(env *Env, intfs *intfsOrch, neighs *neighOrch, owners routeOwners) *routeOrch {
	return &routeOrch{env: env, intfs: intfs, neighs: neighs, owners: owners, routes: make(map[netip.Prefix]*route),
		nhgs: newNHGroups(env, neighs)}
}

func (o *routeOrch) Name() string     { return "routes" }
func (o *routeOrch) Tables() []string { return []string{AppRouteTable} }

// Start creates the default routes (DROP) and follows link state for
// the next hop groups.
func (o *routeOrch) Start() error {
	o.env.Events.OnOperStatus(o.nhgs.onOperStatus)
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
	target, spec, res := o.resolve(t, pfx)
	if res != nil {
		return *res
	}
	if r != nil && r.key != t.Key && !r.builtin {
		return Conflict("route %s is already %s", pfx, r.key)
	}
	if cur, ok := o.owners.owner(pfx); ok && cur != t.Name() && cur != ownerDefaultRoute {
		return Conflict("prefix %s is owned by %s", pfx, cur)
	}
	done := Applied()
	if spec != nil {
		var grp *nhGroup
		target, grp, done = o.ecmpTarget(t, r, *spec)
		if grp == nil {
			return done
		}
	}
	if r == nil {
		if res := o.create(t, pfx, target); res.kind != kindApplied {
			if target.grp != nil {
				o.nhgs.dropIfUnused(target.grp)
			}
			return res
		}
		return done
	}
	r.key = t.Key
	o.owners.claim(pfx, t.Name())
	if r.target != target {
		o.retarget(t, r, target)
	}
	return done
}

// ecmpTarget finds or makes the next hop group of a row's next hops and
// brings its members in line with the resolved neighbours. The Result is
// Applied when every next hop is a member, Pending (naming the missing
// ones) when some are not resolved yet: the route is installed over the
// others and the retry adds them. grp is nil when nothing can be
// installed (Result says why).
func (o *routeOrch) ecmpTarget(t *Task, r *route, spec ecmpSpec) (routeTarget, *nhGroup, Result) {
	hops := spec.hops
	found, missing, down := o.nhgs.resolved(hops)
	if len(found) == 0 && len(down) > 0 && r != nil && r.target.grp != nil && r.target.grp.key == spec.key() {
		// Every link down: the group keeps its members.
		return r.target, r.target.grp, Pending("next hop(s) %s: interface oper down; forwarding over none of %d", hopSet(down).key(), len(hops))
	}
	if len(found) == 0 {
		return routeTarget{}, nil, Pending("none of the next hops %s is a resolved neighbor on an interface that is up", hops.key())
	}
	var cur *nhGroup
	if r != nil {
		cur = r.target.grp
	}
	grp, err := o.nhgs.forRoute(t, cur, spec)
	if err != nil {
		if grp != nil {
			o.nhgs.dropIfUnused(grp)
		}
		return routeTarget{}, nil, Failed(err)
	}
	res := Applied()
	if len(missing) > 0 || len(down) > 0 {
		var why []string
		if len(missing) > 0 {
			why = append(why, fmt.Sprintf("next hop(s) %s not resolved neighbors yet", hopSet(missing).key()))
		}
		if len(down) > 0 {
			why = append(why, fmt.Sprintf("next hop(s) %s on an oper-down interface", hopSet(down).key()))
		}
		res = Pending("%s; forwarding over %d of %d", strings.Join(why, ", "), len(found), len(hops))
	}
	return routeTarget{nh: grp.oid, grp: grp}, grp, res
}

// resolve turns the row's fields into a target, or for several distinct
// next hops into their set (the caller makes the group); a non-nil Result
// says why it cannot (yet).
func (o *routeOrch) resolve(t *Task, pfx netip.Prefix) (routeTarget, *ecmpSpec, *Result) {
	fail := func(r Result) (routeTarget, *ecmpSpec, *Result) { return routeTarget{}, nil, &r }
	if bh := t.Fields["blackhole"]; bh == "true" {
		return routeTarget{drop: true}, nil, nil
	} else if bh != "" && bh != "false" {
		return fail(Invalid("blackhole %q: want true or false", bh))
	}
	nhs, ifs := splitList(t.Fields["nexthop"]), splitList(t.Fields["ifname"])
	if len(nhs) > 1 || len(ifs) > 1 {
		spec, res := parseHops(pfx, nhs, ifs, splitList(t.Fields["weight"]))
		if res != nil {
			return fail(*res)
		}
		if len(spec.hops) > 1 {
			return routeTarget{}, &spec, nil
		}
		h := spec.hops[0] // "a,a": one next hop (its weight means nothing)
		nhs, ifs = []string{h.ip.String()}, nil
		if h.ifname != "" {
			ifs = []string{h.ifname}
		}
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
		return routeTarget{nh: ri.RIF, user: ifname, intf: true}, nil, nil
	}
	n := o.neighs.find(ifname, nh)
	if n == nil {
		where := ""
		if ifname != "" {
			where = " on " + ifname
		}
		return fail(Pending("next hop %s%s is not a resolved neighbor", nh, where))
	}
	return routeTarget{nh: n.nextHop, user: n.key}, nil, nil
}

// parseHops reads an ECMP row's next hops ("a,b"), interfaces ("x,y") and
// weights ("1,3"), each list paired one to one with the next hops or
// absent, into their canonical set.
func parseHops(pfx netip.Prefix, nhs, ifs, wts []string) (ecmpSpec, *Result) {
	fail := func(r Result) (ecmpSpec, *Result) { return ecmpSpec{}, &r }
	if len(ifs) > 0 && len(ifs) != len(nhs) {
		return fail(Invalid("%d ifname(s) for %d nexthop(s): the lists pair up one to one", len(ifs), len(nhs)))
	}
	if len(wts) > 0 && len(wts) != len(nhs) {
		return fail(Invalid("%d weight(s) for %d nexthop(s): the lists pair up one to one", len(wts), len(nhs)))
	}
	var weights map[hop]uint32
	if len(wts) > 0 {
		weights = make(map[hop]uint32, len(wts))
	}
	hops := make([]hop, 0, len(nhs))
	for i, s := range nhs {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return fail(Invalid("nexthop %q is not an IP address", s))
		}
		a = a.Unmap()
		if a.Is4() != pfx.Addr().Is4() {
			return fail(Invalid("nexthop %s is not of the family of %s", a, pfx))
		}
		if a.IsUnspecified() {
			return fail(Invalid("nexthop %s: ECMP over directly attached interfaces is not supported; give the next hop addresses", a))
		}
		h := hop{ip: a}
		if len(ifs) > 0 {
			h.ifname = ifs[i]
		}
		if weights != nil {
			w, err := strconv.ParseUint(wts[i], 10, 32)
			if err != nil || w == 0 {
				return fail(Invalid("weight %q of nexthop %s: want an integer 1-4294967295", wts[i], h))
			}
			if prev, dup := weights[h]; dup && prev != uint32(w) {
				return fail(Invalid("nexthop %s is listed twice with weights %d and %d", h, prev, w))
			}
			weights[h] = uint32(w)
		}
		hops = append(hops, h)
	}
	return ecmpSpec{hops: newHopSet(hops), weights: weights}, nil
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
	case tg.grp != nil && add:
		o.nhgs.acquire(tg.grp, user)
	case tg.grp != nil:
		o.nhgs.release(tg.grp, user)
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
			if !refusedFor(r.target, t) {
				t.Fail(err)
			}
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

// retarget moves an existing route: to a next hop or group (PACKET_ACTION
// FORWARD first when it was dropping), or to drop (and the next hop
// cleared so the neighbour can go). The previous target is released after
// the SETs are queued: a next hop group nothing uses any more is removed
// once the route no longer points at it.
func (o *routeOrch) retarget(t *Task, r *route, tg routeTarget) {
	prev := r.target
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
			if !refusedFor(tg, t) {
				t.Fail(err)
			}
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
			undo(err) // back on prev: nothing to release
			return
		}
	}
	o.use(t, prev, false)
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
	err := o.env.ASIC.Remove(o.entryKey(r.prefix), func(err error) {
		if err != nil && o.routes[r.prefix] == nil {
			o.routes[r.prefix] = r
			o.owners.claim(r.prefix, t.Name())
			o.use(t, r.target, true)
			t.Fail(err)
		}
	})
	if err != nil {
		o.routes[r.prefix] = r
		o.owners.claim(r.prefix, t.Name())
		return Failed(err)
	}
	// Released after the removal is queued: a group goes after the
	// route that points at it.
	o.use(t, r.target, false)
	return Applied()
}
