package syncd

import (
	"sort"
	"strings"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// Objects whose create-only attributes do not tell them apart (next hop
// groups are all ECMP, LAGs and isolation groups carry nothing to match
// them by) are matched by what is built on them: the objects naming them
// in a create-only attribute or in their key (a group's members and the
// next hops they name, a LAG's members and their ports, the bridge port,
// router interface and host interface on a LAG, a virtual router's routes)
// and, one step further, the objects naming those (the VLAN members of a
// LAG's bridge port), like sairedis' ComparisonLogic matches a group by
// its members. Those objects come later in dependency order, so their
// references to objects of the same or a later type are left out of the
// comparison (not matched yet); references to earlier types are
// translated through the matches already made.

// Stand-ins for object ids in a referrer's signature: the object being
// matched, an object not matched yet (same or later type), an object this
// apply creates (equal to no current object), the referrer one level up.
const (
	sigSelf   = ^uint64(0)
	sigLater  = ^uint64(0) - 1
	sigNew    = ^uint64(0) - 2
	sigParent = ^uint64(0) - 3
)

// referrers maps each object id to the objects naming it in a create-only
// attribute or in their key, in the order of objs.
func referrers(objs []*vobj) map[uint64][]*vobj {
	out := make(map[uint64][]*vobj)
	var refs []uint64
	for _, o := range objs {
		refs = refs[:0]
		if isEntryType(o.t) {
			refs = append(refs, keyRefs(o.key)...)
		}
		for _, fv := range o.attrs {
			if !createOnly(o.t, fv.Field) {
				continue
			}
			a, err := parseAttr(o.t, fv.Field, fv.Value)
			if err != nil {
				continue
			}
			refs = appendAttrRefs(refs, a)
		}
		for i, r := range refs {
			if r == 0 || r == o.vid || containsOID(refs[:i], r) {
				continue
			}
			out[r] = append(out[r], o)
		}
	}
	return out
}

func containsOID(l []uint64, v uint64) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

// graphDepth is how far graphSig follows referrers: a LAG's bridge port
// and, one step further, the VLAN members naming that bridge port (two
// memberless LAGs in different VLANs differ).
const graphDepth = 2

// graphSig is the sorted list of the signatures of the objects naming vid
// (an object of type t): their type, key and create-only attributes (with
// all, their settable attributes too), followed by the signatures of the
// objects naming them in turn, down to graphDepth. In them vid is sigSelf,
// the referrer one level up sigParent, ids of types at or after t
// sigLater, and the others are translated by resolve (sigNew when it does
// not resolve).
func graphSig(vid uint64, t halv1.ObjectType, refs map[uint64][]*vobj, resolve func(uint64) (uint64, bool), all bool) []string {
	rank := sai.DependencyRank(t)
	var walk func(parent uint64, depth int) []string
	walk = func(parent uint64, depth int) []string {
		rs := refs[parent]
		if len(rs) == 0 {
			return nil
		}
		m := func(v uint64) (uint64, bool) {
			switch {
			case v == 0:
				return 0, true
			case v == vid:
				return sigSelf, true
			case v == parent:
				return sigParent, true
			case sai.DependencyRank(vidType(v)) >= rank:
				return sigLater, true
			}
			if x, ok := resolve(v); ok {
				return x, true
			}
			return sigNew, true
		}
		out := make([]string, 0, len(rs))
		var sb strings.Builder
		for _, r := range rs {
			sb.Reset()
			sb.WriteString(r.typeName)
			if isEntryType(r.t) {
				k, err := mapKey(r.key, m)
				if err != nil {
					continue
				}
				id, err := formatObjectID(k)
				if err != nil {
					continue
				}
				sb.WriteByte(':')
				sb.WriteString(id)
			}
			for _, fv := range r.attrs {
				if all && readOnly(r.t, fv.Field) || !all && !createOnly(r.t, fv.Field) {
					continue
				}
				v := fv.Value
				if a, err := parseAttr(r.t, fv.Field, fv.Value); err == nil {
					if ma, err := mapAttr(a, m); err == nil {
						if _, mv, err := formatAttr(r.t, ma); err == nil {
							v = mv
						}
					}
				}
				sb.WriteByte('|')
				sb.WriteString(fv.Field)
				sb.WriteByte('=')
				sb.WriteString(v)
			}
			if depth > 1 && r.vid != 0 {
				if sub := walk(r.vid, depth-1); len(sub) > 0 {
					sb.WriteString("{")
					sb.WriteString(strings.Join(sub, ";"))
					sb.WriteString("}")
				}
			}
			out = append(out, sb.String())
		}
		sort.Strings(out)
		return out
	}
	return walk(vid, graphDepth)
}

// overlap counts the signatures two sorted lists share (as multisets).
func overlap(a, b []string) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

func joinSig(identity string, g []string) string {
	return identity + "\x00" + strings.Join(g, "\x00")
}

// pick is the current object a temporary one is matched with, and the
// SETs that make it equal.
type pick struct {
	c    *vobj
	diff []FV
}

// graphMatcher pairs the temporary objects of one type with current ones
// when their identities (create-only attributes) are shared by several
// objects: first those whose graph signatures are equal, then by the most
// referrers in common; the rest are left to the first-come match.
type graphMatcher struct {
	cur, tmp         []*vobj
	curRefs, tmpRefs map[uint64][]*vobj
	tmpByType        map[halv1.ObjectType][]*vobj
	picks            map[*vobj]pick // temporary object → its current one
	taken            map[*vobj]bool // current objects reserved by picks
}

func newGraphMatcher(cur, tmp []*vobj) *graphMatcher {
	g := &graphMatcher{cur: cur, tmp: tmp, tmpByType: make(map[halv1.ObjectType][]*vobj),
		picks: make(map[*vobj]pick), taken: make(map[*vobj]bool)}
	for _, o := range tmp {
		if !isEntryType(o.t) {
			g.tmpByType[o.t] = append(g.tmpByType[o.t], o)
		}
	}
	return g
}

// matchType reserves current objects for the temporary objects of type t
// (all objects of earlier types are matched: resolve translates them).
// byIdent holds the current objects of t by identity; tempOK tells the
// temporary objects to match, curFree the current ones still free.
func (g *graphMatcher) matchType(t halv1.ObjectType, byIdent map[string][]*vobj, tempOK, curFree func(*vobj) bool,
	translate func(*vobj) ([]FV, bool), resolve func(uint64) (uint64, bool)) {
	type tobj struct {
		o     *vobj
		tr    []FV
		ident string
	}
	var todo []*tobj
	tempIdent := make(map[string]int)
	for _, o := range g.tmpByType[t] {
		if !tempOK(o) {
			continue
		}
		tr, ok := translate(o)
		if !ok {
			continue
		}
		x := &tobj{o: o, tr: tr, ident: identity(t, tr)}
		tempIdent[x.ident]++
		todo = append(todo, x)
	}
	ambiguous := func(ident string) bool {
		n := 0
		for _, c := range byIdent[ident] {
			if curFree(c) {
				n++
			}
		}
		return n >= 2 || (n >= 1 && tempIdent[ident] >= 2)
	}
	var amb []*tobj
	ambIdent := make(map[string]bool)
	for _, x := range todo {
		a, seen := ambIdent[x.ident]
		if !seen {
			a = ambiguous(x.ident)
			ambIdent[x.ident] = a
		}
		if a {
			amb = append(amb, x)
		}
	}
	if len(amb) == 0 {
		return
	}
	if g.curRefs == nil {
		g.curRefs, g.tmpRefs = referrers(g.cur), referrers(g.tmp)
	}
	same := func(v uint64) (uint64, bool) { return v, true }
	type sigs struct{ part, full []string } // create-only attributes; all
	curSig := make(map[*vobj]sigs)
	byFull := make(map[string][]*vobj)
	byPart := make(map[string][]*vobj)
	for ident, ok := range ambIdent {
		if !ok {
			continue
		}
		for _, c := range byIdent[ident] {
			if !curFree(c) {
				continue
			}
			cs := sigs{graphSig(c.vid, t, g.curRefs, same, false), graphSig(c.vid, t, g.curRefs, same, true)}
			curSig[c] = cs
			byPart[joinSig(ident, cs.part)] = append(byPart[joinSig(ident, cs.part)], c)
			byFull[joinSig(ident, cs.full)] = append(byFull[joinSig(ident, cs.full)], c)
		}
	}
	tmpSig := make(map[*tobj]sigs, len(amb))
	for _, x := range amb {
		tmpSig[x] = sigs{graphSig(x.o.vid, t, g.tmpRefs, resolve, false), graphSig(x.o.vid, t, g.tmpRefs, resolve, true)}
	}
	free := func(c *vobj) bool { return !g.taken[c] && curFree(c) }
	reserve := func(x *tobj, c *vobj, diff []FV) {
		g.picks[x.o] = pick{c: c, diff: diff}
		g.taken[c] = true
	}
	// fewestSets is the free candidate needing the fewest SETs (an
	// identical one at once).
	fewestSets := func(x *tobj, cands []*vobj) (*vobj, []FV) {
		var best *vobj
		var bestDiff []FV
		scanned := 0
		for _, c := range cands {
			if !free(c) {
				continue
			}
			if scanned++; scanned > maxMatchCandidates {
				break
			}
			if d, ok := diffAttrs(x.o, x.tr, c); ok && (best == nil || len(d) < len(bestDiff)) {
				best, bestDiff = c, d
				if len(d) == 0 {
					break
				}
			}
		}
		return best, bestDiff
	}
	// 1. Equal graph signatures, with the referrers' settable attributes
	// (a group's member weights) first, then without. Memberless objects
	// pair with memberless ones here, before they could take one with
	// members.
	for _, x := range amb {
		if c, d := fewestSets(x, byFull[joinSig(x.ident, tmpSig[x].full)]); c != nil {
			reserve(x, c, d)
		}
	}
	var rest []*tobj
	for _, x := range amb {
		if _, done := g.picks[x.o]; done {
			continue
		}
		if c, d := fewestSets(x, byPart[joinSig(x.ident, tmpSig[x].part)]); c != nil {
			reserve(x, c, d)
		} else {
			rest = append(rest, x)
		}
	}
	// 2. Greedily, the pairs with the most referrers in common (counting
	// create-only attributes, then all), then the fewest SETs, then the
	// first in order. Objects sharing nothing are left to the first-come
	// match.
	type pair struct {
		x            *tobj
		ti, ci       int
		c            *vobj
		common, same int
		diff         []FV
	}
	var pairs []pair
	for ti, x := range rest {
		xs := tmpSig[x]
		if len(xs.part) == 0 {
			continue
		}
		scanned := 0
		for ci, c := range byIdent[x.ident] {
			if !free(c) {
				continue
			}
			if scanned++; scanned > maxMatchCandidates {
				break
			}
			n := overlap(xs.part, curSig[c].part)
			if n == 0 {
				continue
			}
			if d, ok := diffAttrs(x.o, x.tr, c); ok {
				pairs = append(pairs, pair{x: x, ti: ti, ci: ci, c: c, common: n, same: overlap(xs.full, curSig[c].full), diff: d})
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		a, b := pairs[i], pairs[j]
		switch {
		case a.common != b.common:
			return a.common > b.common
		case a.same != b.same:
			return a.same > b.same
		case len(a.diff) != len(b.diff):
			return len(a.diff) < len(b.diff)
		case a.ti != b.ti:
			return a.ti < b.ti
		}
		return a.ci < b.ci
	})
	for _, p := range pairs {
		if _, done := g.picks[p.x.o]; done || g.taken[p.c] {
			continue
		}
		reserve(p.x, p.c, p.diff)
	}
}
