package syncd

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/vltgw/vltgw/hal/halclient"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

const attrInitSwitch = "SAI_SWITCH_ATTR_INIT_SWITCH"

// createSwitch maps orchagent's switch VID to the platform's switch, applies
// the settable attributes by SET, and discovers the platform's objects.
func (s *Syncd) createSwitch(ctx context.Context, b *batch, o *object, vid uint64) halv1.Status {
	if vidType(vid) != halv1.ObjectType_OBJECT_TYPE_SWITCH {
		s.log.Error().Str("key", o.typeName+":"+o.id).Msg("switch id is not a switch VID")
		return halv1.Status_STATUS_INVALID_OBJECT_ID
	}
	if s.switchVID != 0 && s.switchVID != vid {
		s.log.Error().Str("key", o.typeName+":"+o.id).Str("switch", formatOID(s.switchVID)).Msg("a second switch")
		return halv1.Status_STATUS_ITEM_ALREADY_EXISTS
	}
	var sets []*halv1.Attribute
	for _, fv := range o.attrs {
		a, err := parseAttr(halv1.ObjectType_OBJECT_TYPE_SWITCH, fv.Field, fv.Value)
		if err != nil {
			s.stats.errors++
			st := statusOf(err, halv1.Status_STATUS_INVALID_ATTR_VALUE)
			s.log.Error().Str("key", o.typeName+":"+o.id).Str("attribute", fv.Field).Err(err).Msg("switch create refused")
			s.recordError(opCreate, o.typeName+":"+o.id, st, err.Error())
			return st
		}
		if fv.Field == attrInitSwitch || createOnly(halv1.ObjectType_OBJECT_TYPE_SWITCH, fv.Field) {
			continue
		}
		sets = append(sets, a)
	}
	mapped := s.switchVID != 0
	if !mapped {
		hello := s.hal.Hello()
		s.switchVID = vid
		s.ids.put(vid, hello.GetSwitchId())
		s.state.mapPut(vid, hello.GetSwitchId())
		s.cold[vid] = roleSwitch
		s.state.asicPipe.HSet(ctx, keyColdVIDs, formatOID(vid), roleSwitch)
		if err := s.discover(ctx); err != nil {
			s.log.Error().Err(err).Msg("discovery")
			return halv1.Status_STATUS_FAILURE
		}
	}
	if s.view != nil && b.mode == modeNormal {
		// INIT_VIEW: the switch already exists; its attributes are compared at APPLY_VIEW.
		s.view.put(o.typeName, o.id, o.attrs, true)
		return halv1.Status_STATUS_SUCCESS
	}
	if mapped && len(sets) > 0 {
		// The switch is created again (a restarted orchagent): only the
		// attributes that differ from its ASIC_DB row are SET.
		var err error
		if sets, err = s.switchChanges(ctx, o, sets); err != nil {
			s.log.Error().Err(err).Str("key", o.typeName+":"+o.id).Msg("switch attributes")
			return halv1.Status_STATUS_FAILURE
		}
	}
	for len(sets) > 0 {
		rid, _ := s.ids.rid(vid)
		req := &halv1.WriteRequest{}
		for _, a := range sets {
			req.Ops = append(req.Ops, &halv1.Op{Kind: halv1.Op_KIND_SET,
				Key:   &halv1.ObjectKey{Type: halv1.ObjectType_OBJECT_TYPE_SWITCH, Key: &halv1.ObjectKey_Oid{Oid: rid}},
				Attrs: []*halv1.Attribute{a}})
		}
		resp, err := s.hal.Write(ctx, req)
		s.stats.halWrites++
		s.stats.halOps += uint64(len(req.Ops))
		retry, rerr := s.afterCall(ctx, err)
		if rerr != nil {
			s.log.Error().Err(rerr).Str("key", o.typeName+":"+o.id).Msg("switch attributes")
			return halv1.Status_STATUS_FAILURE
		}
		if retry {
			continue
		}
		if err != nil {
			s.log.Error().Err(err).Str("key", o.typeName+":"+o.id).Msg("switch attributes")
			return halv1.Status_STATUS_FAILURE
		}
		for i, r := range resp.GetResults() {
			if r.GetStatus() != halv1.Status_STATUS_SUCCESS {
				s.stats.errors++
				s.log.Error().Str("key", o.typeName+":"+o.id).Str("attribute", sets[i].GetId()).
					Str("status", statusName(r.GetStatus())).Str("reason", r.GetMessage()).Msg("switch attribute refused")
				return r.GetStatus()
			}
		}
		break
	}
	if b.mode == modeNormal {
		s.state.set(o.typeName, o.id, o.attrs)
		if len(o.attrs) == 0 {
			s.state.create(o.typeName, o.id, nil)
		}
	}
	return halv1.Status_STATUS_SUCCESS
}

// switchChanges drops from sets the attributes the switch's ASIC_DB row
// already holds with the same value (the ASIC_DB writes handed over so far
// are written first: the row is what the platform holds).
func (s *Syncd) switchChanges(ctx context.Context, o *object, sets []*halv1.Attribute) ([]*halv1.Attribute, error) {
	if err := s.state.flush(ctx); err != nil {
		return nil, err
	}
	row, err := s.cfg.ASIC.HGetAll(ctx, asicKey(o.typeName, o.id)).Result()
	if err != nil {
		return nil, fmt.Errorf("syncd: read the switch row: %w", err)
	}
	same := func(cur string, a *halv1.Attribute) bool {
		if cur == "" {
			return false
		}
		c, err := parseAttr(halv1.ObjectType_OBJECT_TYPE_SWITCH, a.GetId(), cur)
		if err != nil {
			return false
		}
		_, cv, err1 := formatAttr(halv1.ObjectType_OBJECT_TYPE_SWITCH, c)
		_, nv, err2 := formatAttr(halv1.ObjectType_OBJECT_TYPE_SWITCH, a)
		return err1 == nil && err2 == nil && cv == nv
	}
	out := sets[:0:0]
	for _, a := range sets {
		if same(row[a.GetId()], a) {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// Roles name the platform's own objects so they can be found again on a
// restarted platform, where their RIDs differ.
const roleSwitch = "SWITCH"

// platformObjects lists the platform and names its own objects: the switch,
// objects a switch attribute points at (by that attribute), ports (by name),
// and the rest by type and position.
func (s *Syncd) platformObjects(ctx context.Context) ([]*halv1.Object, map[uint64]string, error) {
	hello := s.hal.Hello()
	objs, err := s.hal.List(ctx, halv1.ObjectType_OBJECT_TYPE_UNSPECIFIED)
	if err != nil {
		return nil, nil, err
	}
	roles := make(map[uint64]string)
	roles[hello.GetSwitchId()] = roleSwitch
	var swAttrs []*halv1.Attribute
	for _, o := range objs {
		if o.GetKey().GetType() == halv1.ObjectType_OBJECT_TYPE_SWITCH && o.GetKey().GetOid() == hello.GetSwitchId() {
			swAttrs = o.GetAttrs()
		}
	}
	if len(swAttrs) == 0 {
		resp, err := s.hal.Get(ctx, &halv1.ObjectKey{Type: halv1.ObjectType_OBJECT_TYPE_SWITCH, Key: &halv1.ObjectKey_Oid{Oid: hello.GetSwitchId()}})
		if errors.Is(err, halclient.ErrSessionChanged) {
			return nil, nil, err
		}
		if err == nil && resp.GetStatus() == halv1.Status_STATUS_SUCCESS {
			swAttrs = resp.GetAttrs()
		}
	}
	// List and Get carried the acknowledged session: the platform refused
	// them if it restarted, so what they returned is the acknowledged one's.
	sort.SliceStable(swAttrs, func(i, j int) bool { return swAttrs[i].GetId() < swAttrs[j].GetId() })
	for _, a := range swAttrs {
		if rid := a.GetOid(); rid != 0 {
			if _, ok := roles[rid]; !ok {
				roles[rid] = a.GetId()
			}
		}
	}
	for _, p := range hello.GetPorts() {
		if _, ok := roles[p.GetOid()]; !ok {
			roles[p.GetOid()] = "PORT:" + p.GetName()
		}
	}
	ordinal := make(map[halv1.ObjectType]int)
	for _, o := range objs {
		k := o.GetKey()
		if isEntryType(k.GetType()) {
			continue
		}
		if _, ok := roles[k.GetOid()]; ok {
			continue
		}
		ordinal[k.GetType()]++
		roles[k.GetOid()] = typeName(k.GetType()) + "#" + strconv.Itoa(ordinal[k.GetType()])
	}
	for _, o := range objs {
		if !isEntryType(o.GetKey().GetType()) {
			s.ridTypes[o.GetKey().GetOid()] = o.GetKey().GetType()
		}
	}
	return objs, roles, nil
}

// discover gives a VID to every platform object without one and writes its
// ASIC_STATE hash (read-only attributes left out) and the maps.
func (s *Syncd) discover(ctx context.Context) error {
	objs, roles, err := s.platformObjects(ctx)
	if errors.Is(err, halclient.ErrSessionChanged) {
		return err
	}
	if err != nil {
		return fmt.Errorf("syncd: discovery: %w", err)
	}
	var fresh []*halv1.Object
	for _, o := range objs {
		k := o.GetKey()
		if isEntryType(k.GetType()) {
			continue
		}
		vid, mapped := s.ids.vid(k.GetOid())
		if mapped && s.cold[vid] != "" {
			continue
		}
		if !mapped { // (an event may have named it already: mapped, no role)
			if vid, err = s.newVID(ctx, k.GetType()); err != nil {
				return err
			}
			s.ids.put(vid, k.GetOid())
			s.state.mapPut(vid, k.GetOid())
		}
		s.cold[vid] = roles[k.GetOid()]
		s.state.asicPipe.HSet(ctx, keyColdVIDs, formatOID(vid), roles[k.GetOid()])
		fresh = append(fresh, o)
	}
	for _, o := range fresh {
		vid, _ := s.ids.vid(o.GetKey().GetOid())
		fvs := s.attrsToFV(o.GetKey().GetType(), o.GetAttrs())
		s.state.replace(typeName(o.GetKey().GetType()), formatOID(vid), fvs)
	}
	s.log.Info().Int("objects", len(fresh)).Msg("platform objects discovered")
	return nil
}

// attrsToFV formats platform attributes for ASIC_DB: RIDs → VIDs,
// read-only attributes left out.
func (s *Syncd) attrsToFV(t halv1.ObjectType, attrs []*halv1.Attribute) []FV {
	out := make([]FV, 0, len(attrs))
	for _, a := range attrs {
		if readOnly(t, a.GetId()) {
			continue
		}
		va, err := mapAttr(a, s.vidOf)
		if err != nil {
			s.log.Warn().Str("attribute", a.GetId()).Err(err).Msg("attribute left out of ASIC_DB")
			continue
		}
		f, v, err := formatAttr(t, va)
		if err != nil {
			s.log.Warn().Str("attribute", a.GetId()).Err(err).Msg("attribute left out of ASIC_DB")
			continue
		}
		out = append(out, FV{Field: f, Value: v})
	}
	return out
}
