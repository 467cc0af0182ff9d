package syncd

import (
	"context"
	"fmt"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// handleGet answers a get: the platform's values, object ids as VIDs.
func (s *Syncd) handleGet(ctx context.Context, o *object) *Reply {
	s.stats.gets++
	st, fields, err := s.get(ctx, o)
	if err != nil {
		s.stats.errors++
		s.log.Error().Str("op", opGet).Str("key", o.typeName+":"+o.id).Str("status", statusName(st)).Err(err).Msg("get refused")
	}
	return &Reply{Key: statusName(st), Op: opGetResponse, Fields: fields}
}

func (s *Syncd) get(ctx context.Context, o *object) (halv1.Status, []FV, error) {
	t, ok := objectTypeOf(o.typeName)
	if !ok {
		return halv1.Status_STATUS_INVALID_OBJECT_TYPE, nil, fmt.Errorf("unknown object type %q", o.typeName)
	}
	key, err := parseObjectID(t, o.id)
	if err != nil {
		return statusOf(err, halv1.Status_STATUS_INVALID_PARAMETER), nil, err
	}
	ids := make([]string, 0, len(o.attrs))
	for _, fv := range o.attrs {
		if !knownAttr(t, fv.Field) {
			return halv1.Status_STATUS_INVALID_ATTRIBUTE, nil, fmt.Errorf("unknown attribute %s", fv.Field)
		}
		ids = append(ids, fv.Field)
	}
	for {
		rkey, err := mapKey(key, s.ids.rid)
		if err != nil {
			return halv1.Status_STATUS_INVALID_OBJECT_ID, nil, err
		}
		resp, err := s.hal.Get(ctx, rkey, ids...)
		retry, rerr := s.afterCall(ctx, err)
		if rerr != nil {
			return halv1.Status_STATUS_FAILURE, nil, rerr
		}
		if retry {
			continue
		}
		if err != nil {
			return halv1.Status_STATUS_FAILURE, nil, err
		}
		if resp.GetStatus() != halv1.Status_STATUS_SUCCESS {
			return resp.GetStatus(), nil, fmt.Errorf("platform: %s", resp.GetMessage())
		}
		fields := make([]FV, 0, len(resp.GetAttrs()))
		for _, a := range resp.GetAttrs() {
			va, err := mapAttr(a, s.vidOf)
			if err != nil {
				return halv1.Status_STATUS_FAILURE, nil, fmt.Errorf("attribute %s: %w", a.GetId(), err)
			}
			f, v, err := formatAttr(t, va)
			if err != nil {
				return halv1.Status_STATUS_FAILURE, nil, fmt.Errorf("attribute %s: %w", a.GetId(), err)
			}
			fields = append(fields, FV{Field: f, Value: v})
		}
		return halv1.Status_STATUS_SUCCESS, fields, nil
	}
}

// vidOf translates a RID the platform returned, giving a new VID to one it
// never told us about (an object the platform made itself).
func (s *Syncd) vidOf(rid uint64) (uint64, bool) {
	if v, ok := s.ids.vid(rid); ok {
		return v, true
	}
	t := s.ridType(rid)
	if t == halv1.ObjectType_OBJECT_TYPE_UNSPECIFIED {
		return 0, false
	}
	vid, err := s.newVID(context.Background(), t)
	if err != nil {
		s.log.Error().Err(err).Msg("VIDCOUNTER")
		return 0, false
	}
	s.ids.put(vid, rid)
	s.state.mapPut(vid, rid)
	return vid, true
}

// newVID allocates a VID: switch index 0, the type, INCR VIDCOUNTER.
func (s *Syncd) newVID(ctx context.Context, t halv1.ObjectType) (uint64, error) {
	n, err := s.cfg.ASIC.Incr(ctx, keyVIDCounter).Result()
	if err != nil {
		return 0, fmt.Errorf("syncd: INCR %s: %w", keyVIDCounter, err)
	}
	return makeVID(t, uint64(n)), nil
}
