package orchagent

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/vltgw/vltgw/hal/sai"
	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ECMP the SONiC way (routeorch's NextHopGroupKey): a ROUTE_TABLE row with
// several next hops ("nexthop a,b" + "ifname x,y") points its route entry
// at a NEXT_HOP_GROUP with one NEXT_HOP_GROUP_MEMBER per resolved next
// hop. Groups are keyed by the canonical next hop set ("ip@ifname" sorted)
// and shared, refcounted, by every route with that set; the last route
// leaving a group removes its members and then the group.
//
// Unresolved next hops: as SONiC does, the group is created with the
// members whose neighbour is resolved and the route installed through it,
// so traffic flows over the paths that work; the row stays Pending (the
// reason names the missing next hops) and each retry adds the members
// whose neighbour has appeared since. Waiting for every neighbour instead
// (the single next hop rule) would keep a whole prefix unreachable
// because one of its paths is down, which defeats multipath. With no
// resolved next hop at all the row is Pending and nothing is installed,
// as for a single next hop.
//
// Changing a route's set: when the route is the only user of its group,
// the group is changed in place (members for the new next hops created
// first, then the dropped ones removed: make before break) and the route
// entry is not touched; when the group is shared or the new set already
// has a group, the route is pointed at the new set's group with one SET
// of NEXT_HOP_ID and the old group is released.
//
// Weights: a "weight" list beside "nexthop" (as fpmsyncd writes for
// weighted ECMP) sets each member's WEIGHT; the weights are part of the
// group's identity (two routes share a group only with the same next hops
// and weights), and a weight change of a group's only route is a SET of
// the members' WEIGHT.
//
// A member's neighbour cannot be removed while a route uses the group
// (NEIGH_TABLE answers Pending naming the routes), as for single next hops.
//
// Link state (SONiC's NHFLAGS_IFDOWN): when a routed port or LAG
// (EthernetN, PortChannelN) goes oper down, the members of next hops on it
// leave their groups, so flows hash over the paths that work; they come
// back when it goes up. The routes of the groups concerned are synced
// again on each oper status event; a route losing members this way is
// Pending and names them. When every next hop of a group is down the
// members stay (there is no better path; the links drop the traffic).
// VLAN interfaces have no oper status of their own and are not tracked.

const (
	tNextHopGroup       = halv1.ObjectType_OBJECT_TYPE_NEXT_HOP_GROUP
	tNextHopGroupMember = halv1.ObjectType_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER

	attrNHGType         = "SAI_NEXT_HOP_GROUP_ATTR_TYPE"
	attrNHGMemberGroup  = "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID"
	attrNHGMemberNH     = "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID"
	attrNHGMemberWeight = "SAI_NEXT_HOP_GROUP_MEMBER_ATTR_WEIGHT"
)

// hop is one next hop of a ROUTE_TABLE row: an address and, when given,
// the interface (else the neighbour is looked up by address alone).
type hop struct {
	ip     netip.Addr
	ifname string
}

// String is SONiC's NextHopKey form, "ip@ifname".
func (h hop) String() string { return h.ip.String() + "@" + h.ifname }

// hopSet is a canonical set of next hops: sorted, without duplicates.
type hopSet []hop

// newHopSet sorts and deduplicates hops.
func newHopSet(hops []hop) hopSet {
	out := append(hopSet(nil), hops...)
	sort.Slice(out, func(i, j int) bool {
		if c := out[i].ip.Compare(out[j].ip); c != 0 {
			return c < 0
		}
		return out[i].ifname < out[j].ifname
	})
	k := 0
	for i, h := range out {
		if i == 0 || h != out[k-1] {
			out[k] = h
			k++
		}
	}
	return out[:k]
}

// key is the group's identity: "ip@ifname,ip@ifname".
func (s hopSet) key() string {
	parts := make([]string, len(s))
	for i, h := range s {
		parts[i] = h.String()
	}
	return strings.Join(parts, ",")
}

// ecmpSpec is what an ECMP row asks for: its next hops and, when the row
// has a weight list, the weight of each.
type ecmpSpec struct {
	hops    hopSet
	weights map[hop]uint32 // nil: no weight list (members take SAI's default, 1)
}

// key is the group's identity: the next hops, then the weights if any
// ("ip@ifname,ip@ifname weights 1,3").
func (s ecmpSpec) key() string {
	k := s.hops.key()
	if s.weights == nil {
		return k
	}
	ws := make([]string, len(s.hops))
	for i, h := range s.hops {
		ws[i] = strconv.FormatUint(uint64(s.weights[h]), 10)
	}
	return k + " weights " + strings.Join(ws, ",")
}

// nhGroup is one NEXT_HOP_GROUP: the next hop set it stands for, the
// members installed for the resolved ones and the routes using it.
type nhGroup struct {
	key     string
	hops    hopSet
	weights map[hop]uint32
	oid     uint64
	members map[hop]*nhgMember
	routes  users // ROUTE_TABLE rows whose route entry points here
	dead    bool  // its create was refused, or it was removed
	// refusedFor is the row whose Sync made the group when its create
	// was refused: that row's failure is the group's status, not the
	// INVALID_OBJECT_ID of its members and route that follow.
	refusedFor *Task
}

// nhgMember is one NEXT_HOP_GROUP_MEMBER, for the neighbour it was made for.
type nhgMember struct {
	oid    uint64
	neigh  string // neighOrch key
	nh     uint64 // the neighbour's NEXT_HOP
	weight uint32 // as set; 0 = not set (SAI's default, 1)
}

// effWeight is the weight a member has: 0 (not set) means 1.
func effWeight(w uint32) uint32 { return max(w, 1) }

// nhGroups holds the groups by key; routeOrch owns it.
type nhGroups struct {
	env    *Env
	neighs *neighOrch
	byKey  map[string]*nhGroup
	down   map[string]bool // ports and LAGs whose last oper status event was down
}

func newNHGroups(env *Env, neighs *neighOrch) *nhGroups {
	return &nhGroups{env: env, neighs: neighs, byKey: make(map[string]*nhGroup), down: make(map[string]bool)}
}

// resolved returns the usable neighbours of the set's next hops, the next
// hops without a neighbour yet, and those whose interface is oper down.
func (g *nhGroups) resolved(s hopSet) (found map[hop]*neighbor, missing, down []hop) {
	found = make(map[hop]*neighbor, len(s))
	for _, h := range s {
		switch n := g.neighs.find(h.ifname, h.ip); {
		case n == nil:
			missing = append(missing, h)
		case g.down[n.ifname]:
			down = append(down, h)
		default:
			found[h] = n
		}
	}
	return found, missing, down
}

// onOperStatus follows the oper status of ports and LAGs and syncs again
// the routes of every group with a next hop that may sit on it.
func (g *nhGroups) onOperStatus(ev OperStatusEvent) {
	if g.down[ev.Name] == !ev.Up {
		return
	}
	if ev.Up {
		delete(g.down, ev.Name)
	} else {
		g.down[ev.Name] = true
	}
	for _, grp := range g.byKey {
		for _, h := range grp.hops {
			if h.ifname != ev.Name && h.ifname != "" {
				continue
			}
			for r := range grp.routes {
				g.env.Resync(AppRouteTable, strings.TrimPrefix(r, AppRouteTable+":"))
			}
			break
		}
	}
}

// forRoute returns the group a route with next hop set s uses: cur (the
// group the route uses now, nil if none) changed in place when the route
// is its only user and s has no group yet, else s's group, created when
// missing. The members are brought in line with the resolved next hops.
// The caller has checked that at least one next hop is resolved.
func (g *nhGroups) forRoute(t *Task, cur *nhGroup, s ecmpSpec) (*nhGroup, error) {
	key := s.key()
	if grp, ok := g.byKey[key]; ok {
		return grp, g.syncMembers(t, grp)
	}
	if cur != nil && !cur.dead && len(cur.routes) == 1 {
		if _, mine := cur.routes[t.Name()]; mine {
			g.env.Log.Info().Str("route", t.Name()).Str("from", cur.key).Str("to", key).Msg("next hop group changed in place")
			delete(g.byKey, cur.key)
			cur.key, cur.hops, cur.weights = key, s.hops, s.weights
			g.byKey[key] = cur
			return cur, g.syncMembers(t, cur)
		}
	}
	grp := &nhGroup{key: key, hops: s.hops, weights: s.weights, members: make(map[hop]*nhgMember)}
	oid, err := g.env.ASIC.Create(tNextHopGroup, []sairedis.Attr{sairedis.Enum(attrNHGType, sai.NextHopGroupTypeECMP)}, func(err error) {
		if err != nil {
			g.forget(grp)
			grp.refusedFor = t
			t.Fail(fmt.Errorf("next hop group %s: %w", grp.key, err))
		}
	})
	if err != nil {
		return nil, fmt.Errorf("next hop group %s: %w", key, err)
	}
	grp.oid = oid
	g.byKey[key] = grp
	return grp, g.syncMembers(t, grp)
}

// syncMembers creates a member for every usable next hop of the group
// that has none (or whose neighbour's NEXT_HOP changed), then removes the
// members of next hops no longer in the set or no longer usable: make
// before break. With no usable next hop at all it changes nothing.
func (g *nhGroups) syncMembers(t *Task, grp *nhGroup) error {
	found, _, _ := g.resolved(grp.hops)
	if len(found) == 0 {
		return nil
	}
	for _, h := range grp.hops {
		n := found[h]
		if n == nil {
			continue
		}
		if m := grp.members[h]; m != nil {
			if m.nh == n.nextHop {
				g.reweigh(t, grp, h, m)
				continue
			}
			g.removeMember(grp, h, m)
		}
		if err := g.addMember(t, grp, h, n); err != nil {
			return err
		}
	}
	for h, m := range grp.members {
		if found[h] == nil {
			g.removeMember(grp, h, m)
		}
	}
	return nil
}

// reweigh sets a member's WEIGHT when the group's weights changed.
func (g *nhGroups) reweigh(t *Task, grp *nhGroup, h hop, m *nhgMember) {
	want := grp.weights[h]
	if effWeight(want) == effWeight(m.weight) {
		return
	}
	prev := m.weight
	m.weight = want
	done := func(err error) {
		if err != nil {
			if m.weight == want {
				m.weight = prev
			}
			t.Fail(fmt.Errorf("next hop group %s member %s weight %d: %w", grp.key, h, effWeight(want), err))
		}
	}
	if err := g.env.ASIC.Set(sairedis.ObjectKey(m.oid), sairedis.U32(attrNHGMemberWeight, effWeight(want)), done); err != nil {
		done(err)
	}
}

func (g *nhGroups) addMember(t *Task, grp *nhGroup, h hop, n *neighbor) error {
	m := &nhgMember{neigh: n.key, nh: n.nextHop, weight: grp.weights[h]}
	attrs := []sairedis.Attr{
		sairedis.OID(attrNHGMemberGroup, grp.oid),
		sairedis.OID(attrNHGMemberNH, n.nextHop),
	}
	if m.weight != 0 {
		attrs = append(attrs, sairedis.U32(attrNHGMemberWeight, m.weight))
	}
	oid, err := g.env.ASIC.Create(tNextHopGroupMember, attrs, func(err error) {
		if err != nil {
			if grp.members[h] == m {
				delete(grp.members, h)
				g.setUsers(grp, m, false)
			}
			if grp.refusedFor != t {
				t.Fail(fmt.Errorf("next hop group %s member %s: %w", grp.key, h, err))
			}
		}
	})
	if err != nil {
		return fmt.Errorf("next hop group %s member %s: %w", grp.key, h, err)
	}
	m.oid = oid
	grp.members[h] = m
	g.setUsers(grp, m, true)
	return nil
}

// removeMember forgets a member and queues its removal.
func (g *nhGroups) removeMember(grp *nhGroup, h hop, m *nhgMember) {
	delete(grp.members, h)
	g.setUsers(grp, m, false)
	g.remove(sairedis.ObjectKey(m.oid), "next hop group "+grp.key+" member "+h.String())
}

// remove queues the removal of an object the groups own; a refusal is
// logged (nothing references it any more from our side, so a refusal
// means ASIC_DB and our state differ).
func (g *nhGroups) remove(k *halv1.ObjectKey, what string) {
	done := func(err error) {
		if err != nil {
			g.env.Log.Error().Err(err).Str("object", what).Msg("removal refused")
		}
	}
	if err := g.env.ASIC.Remove(k, done); err != nil {
		done(err)
	}
}

// setUsers keeps the member's neighbour's users in step: a neighbour
// cannot go while a route reaches it through a group.
func (g *nhGroups) setUsers(grp *nhGroup, m *nhgMember, add bool) {
	n := g.neighs.neighs[m.neigh]
	if n == nil {
		return
	}
	for r := range grp.routes {
		if add {
			n.users.add(r)
		} else {
			n.users.del(r)
		}
	}
}

// refusedFor reports whether t's own group create was refused, which
// already failed t with the reason (a route op on that group then fails
// too, with INVALID_OBJECT_ID).
func refusedFor(tg routeTarget, t *Task) bool { return tg.grp != nil && tg.grp.refusedFor == t }

// acquire records that route uses grp.
func (g *nhGroups) acquire(grp *nhGroup, route string) {
	if grp.dead {
		// Put back by an undo after its removal was queued: it is
		// known again so the row's retry finds and re-fills it.
		grp.dead = false
		if _, taken := g.byKey[grp.key]; !taken {
			g.byKey[grp.key] = grp
		}
	}
	grp.routes.add(route)
	for _, m := range grp.members {
		if n := g.neighs.neighs[m.neigh]; n != nil {
			n.users.add(route)
		}
	}
}

// release records that route left grp; the last route out removes the
// members and then the group. Call it after the route's own op (SET of
// NEXT_HOP_ID, or its removal) is queued, so the group is unreferenced
// when its removal runs.
func (g *nhGroups) release(grp *nhGroup, route string) {
	for _, m := range grp.members {
		if n := g.neighs.neighs[m.neigh]; n != nil {
			n.users.del(route)
		}
	}
	grp.routes.del(route)
	g.dropIfUnused(grp)
}

// dropIfUnused removes a group no route uses.
func (g *nhGroups) dropIfUnused(grp *nhGroup) {
	if len(grp.routes) > 0 || grp.dead {
		return
	}
	g.forget(grp)
	for h, m := range grp.members {
		g.removeMember(grp, h, m)
	}
	g.remove(sairedis.ObjectKey(grp.oid), "next hop group "+grp.key)
}

// forget drops a group from the table (refused create, or removed).
func (g *nhGroups) forget(grp *nhGroup) {
	grp.dead = true
	if g.byKey[grp.key] == grp {
		delete(g.byKey, grp.key)
	}
}
