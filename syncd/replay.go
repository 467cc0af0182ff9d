package syncd

import (
	"context"
	"errors"
	"fmt"

	"github.com/vltgw/vltgw/hal/halclient"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

var errRestartedAgain = errors.New("syncd: platform restarted again during replay")

// platformRestarted replays ASIC_DB into a platform that restarted empty:
// its own objects are found again by role, everything else is created in
// dependency order with fresh RIDs, attributes set on the platform's own
// objects are set again, and the maps are rewritten. The queue waits
// meanwhile (the event loop is busy here).
func (s *Syncd) platformRestarted(ctx context.Context) error {
	if err := s.state.flush(ctx); err != nil {
		return err
	}
	for {
		err := s.replayOnce(ctx)
		if errors.Is(err, errRestartedAgain) || errors.Is(err, halclient.ErrSessionChanged) {
			s.log.Warn().Msg("platform restarted again; replaying from the start")
			continue
		}
		return err
	}
}

func (s *Syncd) replayOnce(ctx context.Context) error {
	hello := s.ack()
	s.stats.platformReplays++
	s.log.Warn().Str("old_session", s.session).Str("new_session", hello.GetSessionId()).Msg("platform restarted; replaying ASIC_DB")
	view, err := s.loadASICView(ctx)
	if err != nil {
		return err
	}
	_, roles, err := s.platformObjects(ctx)
	if err != nil {
		return err
	}
	byRole := make(map[string]uint64, len(roles))
	for rid, role := range roles {
		byRole[role] = rid
	}
	ids, cold := newIDMap(), make(map[uint64]string)
	for vid, role := range s.cold {
		if rid, ok := byRole[role]; ok {
			ids.put(vid, rid)
			cold[vid] = role
		} else {
			s.log.Error().Str("vid", formatOID(vid)).Str("role", role).Msg("platform object missing after restart")
		}
	}
	s.ids, s.cold = ids, cold
	if s.switchVID != 0 {
		if _, ok := s.ids.rid(s.switchVID); !ok {
			s.ids.put(s.switchVID, hello.GetSwitchId())
			s.cold[s.switchVID] = roleSwitch
		}
	}

	sets := &request{op: opBulkSet}
	var creates []*request
	var dropped []*vobj
	for _, o := range view {
		if o.vid != 0 {
			if _, isCold := s.cold[o.vid]; isCold {
				for _, a := range o.attrs {
					if a.Field == attrInitSwitch || createOnly(o.t, a.Field) || readOnly(o.t, a.Field) {
						continue
					}
					sets.objects = append(sets.objects, object{typeName: o.typeName, id: o.id, attrs: []FV{a}})
				}
				continue
			}
			if o.t == halv1.ObjectType_OBJECT_TYPE_SWITCH || vidType(o.vid) != o.t {
				dropped = append(dropped, o)
				continue
			}
		}
		if o.t == halv1.ObjectType_OBJECT_TYPE_FDB_ENTRY {
			if v, _ := o.attr(fdbAttrType); v == fdbTypeDynamic {
				dropped = append(dropped, o) // the platform learns these again
				continue
			}
		}
		if n := len(creates); n == 0 || creates[n-1].objects[0].typeName != o.typeName {
			creates = append(creates, &request{op: opBulkCreate})
		}
		last := creates[len(creates)-1]
		last.objects = append(last.objects, object{typeName: o.typeName, id: o.id, attrs: o.attrs})
	}
	reqs := append([]*request{}, creates...)
	if len(sets.objects) > 0 {
		reqs = append(reqs, sets)
	}
	b := newBatch(modeReplay)
	s.replaying = true
	err = s.runRequests(ctx, b, reqs)
	s.replaying = false
	if err != nil {
		return err
	}
	failed := 0
	for _, rs := range b.reqs {
		for i, st := range rs.statuses {
			if st == halv1.Status_STATUS_SUCCESS {
				continue
			}
			failed++
			o := &rs.req.objects[i]
			if rs.req.op == opBulkCreate {
				s.state.remove(o.typeName, o.id)
			}
			s.log.Error().Str("key", o.typeName+":"+o.id).Str("status", statusName(st)).Msg("replay failed; object dropped from ASIC_DB")
		}
	}
	for _, o := range dropped {
		s.state.remove(o.typeName, o.id)
	}
	s.stats.flush(s.state)
	if err := s.state.flush(ctx); err != nil {
		return err
	}
	s.session = hello.GetSessionId()
	if err := s.writeMaps(ctx); err != nil {
		return err
	}
	s.log.Info().Int("objects", len(view)).Int("failed", failed).Int("hal_writes", b.writes).Msg("replay done")
	return nil
}

// runRequests pushes synthetic requests through the batch engine.
func (s *Syncd) runRequests(ctx context.Context, b *batch, reqs []*request) error {
	for _, r := range reqs {
		rs := &reqState{req: r, statuses: make([]halv1.Status, len(r.objects))}
		b.reqs = append(b.reqs, rs)
		for i := range r.objects {
			if err := s.prepareObject(ctx, b, rs, i); err != nil {
				return err
			}
		}
	}
	if err := s.flushWrite(ctx, b); err != nil {
		return fmt.Errorf("syncd: replay: %w", err)
	}
	return nil
}
