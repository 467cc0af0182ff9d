package syncd

import (
	"context"
	"fmt"
	"sort"
	"strings"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// tempView is what orchagent replays between INIT_VIEW and APPLY_VIEW; it
// is not applied to the platform until APPLY_VIEW compares it with the
// current view.
type tempView struct {
	objs  map[string]*vobj
	order []string
}

func newTempView() *tempView { return &tempView{objs: make(map[string]*vobj)} }

func (v *tempView) put(typeName, id string, attrs []FV, setOnly bool) *vobj {
	name := typeName + ":" + id
	if o, ok := v.objs[name]; ok {
		o.merge(attrs)
		return o
	}
	o, err := newVobj(typeName, id, attrs)
	if err != nil {
		return nil
	}
	o.setOnly = setOnly
	v.objs[name] = o
	v.order = append(v.order, name)
	return o
}

func (v *tempView) list() []*vobj {
	out := make([]*vobj, 0, len(v.objs))
	for _, n := range v.order {
		if o, ok := v.objs[n]; ok {
			out = append(out, o)
		}
	}
	sortByDependency(out)
	return out
}

// handleNotify answers INIT_VIEW and APPLY_VIEW (op "notify" on GETRESPONSE).
func (s *Syncd) handleNotify(ctx context.Context, b *batch, rs *reqState) error {
	if err := s.flushWrite(ctx, b); err != nil {
		return err
	}
	st := halv1.Status_STATUS_SUCCESS
	switch strings.TrimPrefix(rs.req.key, "SAI_REDIS_NOTIFY_SYNCD_") {
	case notifyInitView:
		if s.view != nil {
			s.log.Warn().Msg("INIT_VIEW while in INIT_VIEW: temporary view dropped")
		}
		s.view = newTempView()
		s.log.Info().Msg("INIT_VIEW: recording the temporary view")
	case notifyApplyView:
		if s.view == nil {
			s.log.Error().Msg("APPLY_VIEW without INIT_VIEW")
			st = halv1.Status_STATUS_FAILURE
			break
		}
		if err := s.state.flush(ctx); err != nil {
			return err
		}
		var err error
		st, err = s.applyView(ctx)
		s.view = nil
		if err != nil {
			return err
		}
	default:
		s.log.Error().Str("key", rs.req.key).Msg("unknown notify")
		st = halv1.Status_STATUS_NOT_IMPLEMENTED
	}
	rs.reply = &Reply{Key: statusName(st), Op: opNotify}
	return nil
}

// recordTemp records create/set/remove into the temporary view, checking
// them as the platform path would (type, attributes, references).
func (s *Syncd) recordTemp(rs *reqState) {
	v := s.view
	for i := range rs.req.objects {
		o := &rs.req.objects[i]
		t, ok := objectTypeOf(o.typeName)
		if !ok {
			s.fail(rs, i, halv1.Status_STATUS_INVALID_OBJECT_TYPE, fmt.Errorf("unknown object type %q", o.typeName))
			continue
		}
		key, err := parseObjectID(t, o.id)
		if err != nil {
			s.fail(rs, i, statusOf(err, halv1.Status_STATUS_INVALID_PARAMETER), err)
			continue
		}
		attrs := make([]*halv1.Attribute, 0, len(o.attrs))
		bad := false
		for _, fv := range o.attrs {
			a, err := parseAttr(t, fv.Field, fv.Value)
			if err != nil {
				s.fail(rs, i, statusOf(err, halv1.Status_STATUS_INVALID_ATTR_VALUE), fmt.Errorf("attribute %s=%q: %w", fv.Field, fv.Value, err))
				bad = true
				break
			}
			attrs = append(attrs, a)
		}
		if bad {
			continue
		}
		exists := func(vid uint64) bool {
			if vid == 0 {
				return true
			}
			if _, ok := s.ids.rid(vid); ok {
				return true
			}
			_, ok := v.objs[typeName(vidType(vid))+":"+formatOID(vid)]
			return ok
		}
		refs := keyRefs(key)
		for _, a := range attrs {
			refs = appendAttrRefs(refs, a)
		}
		missing := uint64(0)
		for _, r := range refs {
			if !exists(r) {
				missing = r
				break
			}
		}
		if missing != 0 {
			s.fail(rs, i, halv1.Status_STATUS_INVALID_OBJECT_ID, fmt.Errorf("referenced object %s does not exist", formatOID(missing)))
			continue
		}
		name := o.typeName + ":" + o.id
		switch rs.req.op {
		case opCreate, opBulkCreate:
			if t == halv1.ObjectType_OBJECT_TYPE_SWITCH {
				v.put(o.typeName, o.id, o.attrs, true)
				continue
			}
			if err := validateCreate(t, attrs); err != nil {
				s.fail(rs, i, statusOf(err, halv1.Status_STATUS_INVALID_PARAMETER), err)
				continue
			}
			if _, dup := v.objs[name]; dup {
				s.fail(rs, i, halv1.Status_STATUS_ITEM_ALREADY_EXISTS, fmt.Errorf("object %s already exists", name))
				continue
			}
			v.put(o.typeName, o.id, o.attrs, false)
		case opSet, opBulkSet:
			if len(attrs) != 1 {
				s.fail(rs, i, halv1.Status_STATUS_INVALID_PARAMETER, fmt.Errorf("set carries %d attributes, want 1", len(attrs)))
				continue
			}
			if err := validateSet(t, attrs[0]); err != nil {
				s.fail(rs, i, statusOf(err, halv1.Status_STATUS_INVALID_PARAMETER), err)
				continue
			}
			if _, ok := v.objs[name]; ok {
				v.objs[name].merge(o.attrs)
				continue
			}
			if key.GetOid() != 0 && exists(key.GetOid()) {
				v.put(o.typeName, o.id, o.attrs, true)
				continue
			}
			s.fail(rs, i, halv1.Status_STATUS_INVALID_OBJECT_ID, fmt.Errorf("object %s does not exist", name))
		case opRemove, opBulkRemove:
			if _, ok := v.objs[name]; ok {
				delete(v.objs, name)
				continue
			}
			if key.GetOid() != 0 && exists(key.GetOid()) {
				continue
			}
			s.fail(rs, i, halv1.Status_STATUS_ITEM_NOT_FOUND, fmt.Errorf("object %s does not exist", name))
		}
	}
}

// applyView matches the temporary view to the current one and applies only
// the difference: objects are matched in dependency order by type and
// attributes (references resolved through objects already matched), entries
// by key; the platform's own objects get SETs for changed attributes;
// current objects left unmatched are removed, temporary ones created.
func (s *Syncd) applyView(ctx context.Context) (halv1.Status, error) {
	s.stats.viewApplies++
	cur, err := s.loadASICView(ctx)
	if err != nil {
		return halv1.Status_STATUS_FAILURE, err
	}
	curByName := make(map[string]*vobj, len(cur))
	bySig := make(map[string][]*vobj)
	for _, c := range cur {
		curByName[c.name()] = c
	}
	tmp := s.view.list()
	tempVIDs := make(map[uint64]bool)
	for _, o := range tmp {
		if o.vid != 0 && !o.setOnly {
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
	// Signatures of current objects, computed lazily per type (current
	// attributes already name current VIDs).
	sigDone := make(map[halv1.ObjectType]bool)
	indexType := func(t halv1.ObjectType) {
		if sigDone[t] {
			return
		}
		sigDone[t] = true
		for _, c := range cur {
			if c.t == t && c.vid != 0 {
				if _, isCold := s.cold[c.vid]; !isCold {
					bySig[signature(c.attrs)] = append(bySig[signature(c.attrs)], c)
				}
			}
		}
	}
	matched := make(map[*vobj]bool)
	final := make(map[string]*vobj) // ASIC_DB after apply, by name
	var creates, sets []object
	for _, o := range tmp {
		if o.setOnly || (o.vid != 0 && s.cold[o.vid] != "") {
			c := curByName[o.name()]
			merged := &vobj{typeName: o.typeName, t: o.t, id: o.id, key: o.key, vid: o.vid}
			if c != nil {
				matched[c] = true
				merged.attrs = append(merged.attrs, c.attrs...)
			}
			for _, a := range o.attrs {
				if a.Field == attrInitSwitch || createOnly(o.t, a.Field) {
					continue
				}
				if c != nil {
					if cv, ok := c.attr(a.Field); ok && cv == a.Value {
						continue
					}
				}
				sets = append(sets, object{typeName: o.typeName, id: o.id, attrs: []FV{a}})
			}
			merged.merge(o.attrs)
			final[o.name()] = merged
			continue
		}
		tr, ok := s.translateFV(o.t, o.attrs, resolve)
		if isEntryType(o.t) {
			var c *vobj
			if k, err := mapKey(o.key, resolve); err == nil {
				if id, err := formatObjectID(k); err == nil {
					c = curByName[o.typeName+":"+id]
				}
			}
			if c != nil && !matched[c] && ok {
				matched[c] = true
				for _, a := range o.attrs {
					if cv, have := c.attr(a.Field); have && cv == trValue(tr, a.Field) {
						continue
					}
					sets = append(sets, object{typeName: o.typeName, id: o.id, attrs: []FV{a}})
				}
				final[o.name()] = o
				continue
			}
		} else if ok {
			indexType(o.t)
			sig := signature(tr)
			var c *vobj
			for _, cand := range bySig[sig] {
				if !matched[cand] {
					c = cand
					break
				}
			}
			if c != nil {
				matched[c] = true
				match[o.vid] = c.vid
				final[o.name()] = o
				continue
			}
		}
		creates = append(creates, object{typeName: o.typeName, id: o.id, attrs: o.attrs})
	}
	var removes []object
	for i := len(cur) - 1; i >= 0; i-- {
		c := cur[i]
		if matched[c] || (c.vid != 0 && s.cold[c.vid] != "") {
			continue
		}
		removes = append(removes, object{typeName: c.typeName, id: c.id})
	}
	// Matched objects take their new VIDs now, so the ops below (in temp
	// VIDs) resolve.
	for t, c := range match {
		if rid, ok := s.ids.delVID(c); ok {
			s.ids.put(t, rid)
		}
	}
	s.log.Info().Int("current", len(cur)).Int("temporary", len(tmp)).Int("matched", len(match)).
		Int("create", len(creates)).Int("remove", len(removes)).Int("set", len(sets)).Msg("APPLY_VIEW")

	var reqs []*request
	if len(removes) > 0 {
		reqs = append(reqs, &request{op: opBulkRemove, objects: removes})
	}
	if len(creates) > 0 {
		reqs = append(reqs, &request{op: opBulkCreate, objects: creates})
	}
	if len(sets) > 0 {
		reqs = append(reqs, &request{op: opBulkSet, objects: sets})
	}
	b := newBatch(modeReplay)
	if err := s.runRequests(ctx, b, reqs); err != nil {
		return halv1.Status_STATUS_FAILURE, err
	}
	st := halv1.Status_STATUS_SUCCESS
	for _, rs := range b.reqs {
		for i, ost := range rs.statuses {
			o := rs.req.objects[i]
			switch {
			case ost == halv1.Status_STATUS_SUCCESS && rs.req.op == opBulkCreate:
				final[o.typeName+":"+o.id] = s.view.objs[o.typeName+":"+o.id]
			case ost != halv1.Status_STATUS_SUCCESS:
				st = halv1.Status_STATUS_FAILURE
				if rs.req.op == opBulkRemove { // still held by the platform
					final[o.typeName+":"+o.id] = curByName[o.typeName+":"+o.id]
				}
			}
		}
	}
	return st, s.rewriteASICView(ctx, cur, final)
}

// translateFV resolves the object ids inside attribute strings through
// resolve; ok is false when one does not resolve.
func (s *Syncd) translateFV(t halv1.ObjectType, attrs []FV, resolve func(uint64) (uint64, bool)) ([]FV, bool) {
	out := make([]FV, 0, len(attrs))
	for _, fv := range attrs {
		a, err := parseAttr(t, fv.Field, fv.Value)
		if err != nil {
			return nil, false
		}
		m, err := mapAttr(a, resolve)
		if err != nil {
			return nil, false
		}
		f, v, err := formatAttr(t, m)
		if err != nil {
			return nil, false
		}
		out = append(out, FV{Field: f, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out, true
}

func trValue(tr []FV, f string) string {
	for _, fv := range tr {
		if fv.Field == f {
			return fv.Value
		}
	}
	return ""
}

func signature(attrs []FV) string {
	var sb strings.Builder
	for _, a := range attrs {
		sb.WriteString(a.Field)
		sb.WriteByte('=')
		sb.WriteString(a.Value)
		sb.WriteByte('|')
	}
	return sb.String()
}

// rewriteASICView replaces the ASIC_STATE hashes by the final view and
// rewrites the maps, in one transaction.
func (s *Syncd) rewriteASICView(ctx context.Context, cur []*vobj, final map[string]*vobj) error {
	pipe := s.cfg.ASIC.TxPipeline()
	for _, c := range cur {
		if _, keep := final[c.name()]; !keep {
			pipe.Del(ctx, asicKey(c.typeName, c.id))
		}
	}
	for _, o := range final {
		if o == nil {
			continue
		}
		pipe.Del(ctx, asicKey(o.typeName, o.id))
		pipe.HSet(ctx, asicKey(o.typeName, o.id), fvArgs(o.attrs)...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("syncd: rewrite ASIC_STATE: %w", err)
	}
	return s.writeMaps(ctx)
}
