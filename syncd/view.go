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
func (s *Syncd) recordTemp(ctx context.Context, b *batch, rs *reqState) {
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
				// The switch is not deferred to APPLY_VIEW: a fresh syncd maps
				// and discovers it now (the gets that follow need its default
				// objects); its attributes join the view.
				rs.statuses[i] = s.createSwitch(ctx, b, o, key.GetOid())
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

// newObjectRef stands, in a translated attribute, for a reference to an
// object not created yet; it never equals a current value.
const newObjectRef = "\x00new object"

// translateFV resolves the object ids inside attribute strings through
// resolve (an id that does not resolve becomes newObjectRef); ok is false
// when an attribute does not parse.
func (s *Syncd) translateFV(t halv1.ObjectType, attrs []FV, resolve func(uint64) (uint64, bool)) ([]FV, bool) {
	out := make([]FV, 0, len(attrs))
	for _, fv := range attrs {
		a, err := parseAttr(t, fv.Field, fv.Value)
		if err != nil {
			return nil, false
		}
		m, err := mapAttr(a, resolve)
		if err != nil {
			// It names an object this apply creates: equal to no current
			// value (a SET if settable, else no match).
			out = append(out, FV{Field: fv.Field, Value: newObjectRef})
			continue
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
