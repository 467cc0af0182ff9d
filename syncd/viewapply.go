package syncd

import (
	"context"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// maxMatchCandidates bounds the current objects compared with one temporary
// object when no exact match exists (types whose objects share their
// create-only attributes, e.g. virtual routers, would otherwise make the
// match quadratic).
const maxMatchCandidates = 256

// viewOp is one SET of the view difference, with what is needed to undo its
// effect on the final ASIC_DB view if the platform refuses it.
type viewOp struct {
	obj  object
	late bool // references an object created by this apply
}

// applyView matches the temporary view to the current one and applies only
// the difference:
//   - the platform's own objects (switch, ports, default VLAN/router/bridge,
//     …) are matched by VID: changed attributes become SETs, and those
//     orchagent did not mention keep their ASIC_DB rows untouched;
//   - OID objects are matched in dependency order (references resolved
//     through the objects already matched) by their create-only attributes,
//     preferring an identical object, else the one needing the fewest SETs;
//     settable attributes that differ become SETs, settable attributes the
//     new view leaves out are reset to their SAI default (an object whose
//     attribute has no known default cannot be matched); objects whose
//     create-only attributes do not tell them apart (next hop groups, LAGs)
//     are matched first by the objects built on them — a group by its
//     members' next hops, a LAG by its member ports and the VLANs of its
//     bridge port (viewmatch.go);
//   - entries (FDB, route, neighbour) are matched by key the same way;
//   - current objects left unmatched are removed, temporary ones created.
//
// Order on the platform: SETs that only name existing objects, removes
// (reverse dependency order), creates (dependency order), SETs naming new
// objects, then once more the removes refused as OBJECT_IN_USE (a SET above
// may have released the reference).
func (s *Syncd) applyView(ctx context.Context) (halv1.Status, error) {
	s.stats.viewApplies++
	cur, err := s.loadASICView(ctx)
	if err != nil {
		return halv1.Status_STATUS_FAILURE, err
	}
	isCold := func(vid uint64) bool { return vid != 0 && s.cold[vid] != "" }
	curByName := make(map[string]*vobj, len(cur))
	for _, c := range cur {
		curByName[c.name()] = c
	}
	tmp := s.view.list()
	tempVIDs := make(map[uint64]bool)
	for _, o := range tmp {
		if o.vid != 0 && !o.setOnly && !isCold(o.vid) {
			tempVIDs[o.vid] = true
		}
	}
	match := make(map[uint64]uint64) // temp VID → current VID
	resolve := func(v uint64) (uint64, bool) {
		if v == 0 {
			return 0, true
		}
		if m, ok := match[v]; ok {
			return m, true
		}
		if tempVIDs[v] {
			return 0, false
		}
		if _, ok := s.ids.rid(v); ok {
			return v, true
		}
		return 0, false
	}
	// Current objects by exact signature and by identity (create-only
	// attributes), built per type on first use; attributes of current
	// objects already name current VIDs.
	bySig := make(map[string][]*vobj)
	byIdent := make(map[string][]*vobj)
	indexed := make(map[halv1.ObjectType]bool)
	matched := make(map[*vobj]bool)
	trs := make(map[*vobj][]FV)
	translate := func(o *vobj) ([]FV, bool) {
		if tr, ok := trs[o]; ok {
			return tr, tr != nil
		}
		tr, ok := s.translateFV(o.t, o.attrs, resolve)
		if !ok {
			tr = nil
		}
		trs[o] = tr
		return tr, ok
	}
	// Objects of one type sharing their identity are matched by the
	// objects built on them first (viewmatch.go).
	gm := newGraphMatcher(cur, tmp)
	tempOK := func(o *vobj) bool { return !o.setOnly && !isCold(o.vid) }
	curFree := func(c *vobj) bool { return !matched[c] }
	indexType := func(t halv1.ObjectType) {
		if indexed[t] {
			return
		}
		indexed[t] = true
		for _, c := range cur {
			if c.t == t && c.vid != 0 && !isCold(c.vid) {
				bySig[signature(c.attrs)] = append(bySig[signature(c.attrs)], c)
				id := identity(t, c.attrs)
				byIdent[id] = append(byIdent[id], c)
			}
		}
		gm.matchType(t, byIdent, tempOK, curFree, translate, resolve)
	}
	pairOf := make(map[string]*vobj) // final name → the current object it was matched with
	final := make(map[string]*vobj)  // ASIC_DB after apply, by name
	var creates []object
	var sets []viewOp
	for _, o := range tmp {
		if o.setOnly || isCold(o.vid) {
			c := curByName[o.name()]
			merged := &vobj{typeName: o.typeName, t: o.t, id: o.id, key: o.key, vid: o.vid}
			if c != nil {
				matched[c] = true
				pairOf[o.name()] = c
				merged.attrs = append(merged.attrs, c.attrs...)
			}
			for _, a := range o.attrs {
				if a.Field == attrInitSwitch || createOnly(o.t, a.Field) || readOnly(o.t, a.Field) {
					continue
				}
				if c != nil {
					if cv, ok := c.attr(a.Field); ok && cv == a.Value {
						continue
					}
				}
				sets = append(sets, viewOp{obj: object{typeName: o.typeName, id: o.id, attrs: []FV{a}}})
			}
			merged.merge(o.attrs)
			final[o.name()] = merged
			continue
		}
		tr, ok := translate(o)
		var c *vobj
		var diff []FV
		if ok && isEntryType(o.t) {
			if k, err := mapKey(o.key, resolve); err == nil {
				if id, err := formatObjectID(k); err == nil {
					if cand := curByName[o.typeName+":"+id]; cand != nil && !matched[cand] {
						if d, feasible := diffAttrs(o, tr, cand); feasible {
							c, diff = cand, d
						}
					}
				}
			}
		} else if ok {
			indexType(o.t)
			if p, ok := gm.picks[o]; ok {
				c, diff = p.c, p.diff
			} else {
				c, diff = firstCome(o, tr, bySig, byIdent, func(c *vobj) bool { return !matched[c] && !gm.taken[c] })
			}
		}
		if c == nil {
			creates = append(creates, object{typeName: o.typeName, id: o.id, attrs: o.attrs})
			continue
		}
		matched[c] = true
		if o.vid != 0 {
			match[o.vid] = c.vid
		}
		final[o.name()] = o
		pairOf[o.name()] = c
		for _, a := range diff {
			sets = append(sets, viewOp{obj: object{typeName: o.typeName, id: o.id, attrs: []FV{a}}})
		}
	}
	// Matched objects take their new VIDs now, so the ops below (in temp
	// VIDs) resolve; current rows and keys are rebased to temp VIDs.
	rev := make(map[uint64]uint64, len(match))
	for t, c := range match {
		rev[c] = t
		if rid, ok := s.ids.delVID(c); ok {
			s.ids.put(t, rid)
		}
	}
	var removes []object
	for i := len(cur) - 1; i >= 0; i-- {
		c := cur[i]
		if matched[c] {
			continue
		}
		if isCold(c.vid) {
			// A platform object orchagent did not mention: untouched, row kept.
			final[c.name()] = s.rebase(c, rev)
			continue
		}
		rc := s.rebase(c, rev)
		removes = append(removes, object{typeName: rc.typeName, id: rc.id})
		pairOf[rc.name()] = rc
	}
	var early, late []object
	for i := range sets {
		sets[i].late = s.namesNewObject(sets[i].obj)
		if sets[i].late {
			late = append(late, sets[i].obj)
		} else {
			early = append(early, sets[i].obj)
		}
	}
	s.log.Info().Int("current", len(cur)).Int("temporary", len(tmp)).Int("matched", len(matched)).
		Int("create", len(creates)).Int("remove", len(removes)).Int("set", len(sets)).Msg("APPLY_VIEW")

	var reqs []*request
	for _, r := range []struct {
		op   string
		objs []object
	}{{opBulkSet, early}, {opBulkRemove, removes}, {opBulkCreate, creates}, {opBulkSet, late}} {
		if len(r.objs) > 0 {
			reqs = append(reqs, &request{op: r.op, objects: r.objs})
		}
	}
	b := newBatch(modeReplay)
	if err := s.runRequests(ctx, b, reqs); err != nil {
		return halv1.Status_STATUS_FAILURE, err
	}
	// Removes refused because a reference was still held: once more.
	retried := make(map[string]bool)
	var again []object
	for _, rs := range b.reqs {
		if rs.req.op != opBulkRemove {
			continue
		}
		for i, st := range rs.statuses {
			if st == halv1.Status_STATUS_OBJECT_IN_USE {
				o := rs.req.objects[i]
				retried[o.typeName+":"+o.id] = true
				again = append(again, o)
			}
		}
	}
	results := b.reqs
	if len(again) > 0 {
		b2 := newBatch(modeReplay)
		if err := s.runRequests(ctx, b2, []*request{{op: opBulkRemove, objects: again}}); err != nil {
			return halv1.Status_STATUS_FAILURE, err
		}
		results = append(results, b2.reqs...)
	}
	st := halv1.Status_STATUS_SUCCESS
	for n, rs := range results {
		for i, ost := range rs.statuses {
			o := rs.req.objects[i]
			name := o.typeName + ":" + o.id
			if rs.req.op == opBulkRemove && n < len(b.reqs) && retried[name] {
				continue // decided by the second attempt
			}
			if ost == halv1.Status_STATUS_SUCCESS {
				if rs.req.op == opBulkCreate {
					final[name] = s.view.objs[name]
				}
				continue
			}
			st = halv1.Status_STATUS_FAILURE
			switch rs.req.op {
			case opBulkRemove: // still held by the platform
				final[name] = pairOf[name]
			case opBulkSet: // the platform keeps the current value
				if f := final[name]; f != nil {
					final[name] = s.revertAttr(f, pairOf[name], o.attrs[0].Field, rev)
				}
			}
		}
	}
	return st, s.rewriteASICView(ctx, cur, final)
}

// firstCome matches an object with the first free current one whose
// attributes are identical, else with the one of the same identity needing
// the fewest SETs (among the first maxMatchCandidates free ones).
func firstCome(o *vobj, tr []FV, bySig, byIdent map[string][]*vobj, free func(*vobj) bool) (*vobj, []FV) {
	for _, cand := range bySig[signature(tr)] {
		if free(cand) {
			return cand, nil
		}
	}
	var c *vobj
	var diff []FV
	scanned := 0
	for _, cand := range byIdent[identity(o.t, tr)] {
		if !free(cand) {
			continue
		}
		if scanned++; scanned > maxMatchCandidates {
			break
		}
		if d, feasible := diffAttrs(o, tr, cand); feasible && (c == nil || len(d) < len(diff)) {
			c, diff = cand, d
			if len(d) == 0 {
				break
			}
		}
	}
	return c, diff
}

// identity is the signature of an object's create-only attributes: two
// objects with different identities can never be made equal by SETs.
func identity(t halv1.ObjectType, attrs []FV) string {
	var id []FV
	for _, a := range attrs {
		if createOnly(t, a.Field) {
			id = append(id, a)
		}
	}
	return signature(id)
}

// diffAttrs compares a temporary object (tr: its attributes translated to
// current VIDs, sorted) with a current one. It returns the SETs (in the
// temporary object's VIDs) that make the current object equal, or false
// when none can: a create-only attribute differs, or a settable attribute
// the temporary object leaves out has no known default.
func diffAttrs(o *vobj, tr []FV, c *vobj) ([]FV, bool) {
	var out []FV
	inTemp := make(map[string]bool, len(tr))
	for _, a := range tr {
		inTemp[a.Field] = true
		cv, have := c.attr(a.Field)
		if have && cv == a.Value {
			continue
		}
		if createOnly(o.t, a.Field) || readOnly(o.t, a.Field) {
			return nil, false
		}
		v, _ := o.attr(a.Field)
		out = append(out, FV{Field: a.Field, Value: v})
	}
	for _, ca := range c.attrs {
		if inTemp[ca.Field] || readOnly(o.t, ca.Field) {
			continue
		}
		if createOnly(o.t, ca.Field) {
			return nil, false
		}
		def, ok := attrDefault(o.t, ca.Field)
		if !ok {
			return nil, false
		}
		if def != ca.Value {
			out = append(out, FV{Field: ca.Field, Value: def})
		}
	}
	return out, true
}

// saiDefaults are SAI's defaults (saiport.h, sairouterinterface.h, …) for
// settable attributes vltgw uses whose metadata carries none.
var saiDefaults = map[string]string{
	"SAI_PORT_ATTR_ADMIN_STATE":                "false",
	"SAI_VIRTUAL_ROUTER_ATTR_ADMIN_V4_STATE":   "true",
	"SAI_VIRTUAL_ROUTER_ATTR_ADMIN_V6_STATE":   "true",
	"SAI_HOSTIF_TRAP_GROUP_ATTR_ADMIN_STATE":   "true",
	"SAI_HOSTIF_TRAP_GROUP_ATTR_QUEUE":         "0",
	"SAI_LAG_MEMBER_ATTR_EGRESS_DISABLE":       "false",
	"SAI_LAG_MEMBER_ATTR_INGRESS_DISABLE":      "false",
	"SAI_BRIDGE_PORT_ATTR_ADMIN_STATE":         "false",
	"SAI_BRIDGE_PORT_ATTR_FDB_LEARNING_MODE":   "SAI_BRIDGE_PORT_FDB_LEARNING_MODE_HW",
	"SAI_ROUTER_INTERFACE_ATTR_ADMIN_V4_STATE": "true",
	"SAI_ROUTER_INTERFACE_ATTR_ADMIN_V6_STATE": "true",
	"SAI_ROUTER_INTERFACE_ATTR_MTU":            "1514",
	"SAI_FDB_ENTRY_ATTR_PACKET_ACTION":         "SAI_PACKET_ACTION_FORWARD",
	"SAI_NEIGHBOR_ENTRY_ATTR_PACKET_ACTION":    "SAI_PACKET_ACTION_FORWARD",
	"SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION":       "SAI_PACKET_ACTION_FORWARD",
	"SAI_HOSTIF_ATTR_OPER_STATUS":              "false",
	"SAI_HOSTIF_TRAP_ATTR_TRAP_PRIORITY":       "0",
	"SAI_VLAN_MEMBER_ATTR_VLAN_TAGGING_MODE":   "SAI_VLAN_TAGGING_MODE_UNTAGGED",
	"SAI_BRIDGE_PORT_ATTR_ISOLATION_GROUP":     "oid:0x0",
	"SAI_FDB_ENTRY_ATTR_BRIDGE_PORT_ID":        "oid:0x0",
	"SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID":         "oid:0x0",
	"SAI_HOSTIF_TRAP_ATTR_TRAP_GROUP":          "oid:0x0",
}

// attrDefault is the value a settable attribute takes when it is not set:
// from the metadata, else SAI's documented default, else none (an object
// with that attribute set cannot be reset by SET).
func attrDefault(t halv1.ObjectType, field string) (string, bool) {
	m, ok := sai.Attr(t, field)
	if !ok {
		return "", false
	}
	if m.Default != nil {
		if _, v, err := sai.FormatAttr(m.Default); err == nil {
			return v, true
		}
	}
	if v, ok := saiDefaults[field]; ok && v != "" {
		return v, true
	}
	if m.Kind == sai.KindOID && m.AllowNull {
		return formatOID(0), true
	}
	return "", false
}

// namesNewObject reports whether a SET names an object not created yet
// (one this apply creates).
func (s *Syncd) namesNewObject(o object) bool {
	t, ok := objectTypeOf(o.typeName)
	if !ok {
		return false
	}
	for _, fv := range o.attrs {
		a, err := parseAttr(t, fv.Field, fv.Value)
		if err != nil {
			continue
		}
		for _, r := range appendAttrRefs(nil, a) {
			if _, ok := s.ids.rid(r); !ok {
				return true
			}
		}
	}
	return false
}

// rebase rewrites a current object (key and attributes) from current VIDs to
// the VIDs matched objects take.
func (s *Syncd) rebase(c *vobj, rev map[uint64]uint64) *vobj {
	if len(rev) == 0 {
		return c
	}
	res := func(v uint64) (uint64, bool) {
		if t, ok := rev[v]; ok {
			return t, true
		}
		return v, true
	}
	out := &vobj{typeName: c.typeName, t: c.t, id: c.id, key: c.key, vid: c.vid}
	if isEntryType(c.t) {
		if k, err := mapKey(c.key, res); err == nil {
			if id, err := formatObjectID(k); err == nil {
				out.id, out.key = id, k
			}
		}
	}
	out.attrs = make([]FV, 0, len(c.attrs))
	for _, fv := range c.attrs {
		v := fv.Value
		if a, err := parseAttr(c.t, fv.Field, fv.Value); err == nil {
			if m, err := mapAttr(a, res); err == nil {
				if _, mv, err := formatAttr(c.t, m); err == nil {
					v = mv
				}
			}
		}
		out.attrs = append(out.attrs, FV{Field: fv.Field, Value: v})
	}
	return out
}

// revertAttr returns a copy of f whose attribute field is what the current
// object c holds (left out when c does not hold it).
func (s *Syncd) revertAttr(f, c *vobj, field string, rev map[uint64]uint64) *vobj {
	out := &vobj{typeName: f.typeName, t: f.t, id: f.id, key: f.key, vid: f.vid, setOnly: f.setOnly}
	for _, a := range f.attrs {
		if a.Field != field {
			out.attrs = append(out.attrs, a)
		}
	}
	if c != nil {
		if v, ok := s.rebase(c, rev).attr(field); ok {
			out.merge([]FV{{Field: field, Value: v}})
		}
	}
	return out
}
