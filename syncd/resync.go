package syncd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vltgw/vltgw/hal/halclient"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// startup loads the maps from ASIC_DB and reconciles them with the platform:
// same session → adopt (checked against the platform's List, nothing is
// removed or re-created); another session → the platform restarted while
// syncd was down: replay.
func (s *Syncd) startup(ctx context.Context) error {
	v2r, err := s.cfg.ASIC.HGetAll(ctx, keyVIDToRID).Result()
	if err != nil {
		return fmt.Errorf("syncd: read %s: %w", keyVIDToRID, err)
	}
	for v, r := range v2r {
		vid, err1 := parseOID(v)
		rid, err2 := parseOID(r)
		if err1 != nil || err2 != nil {
			s.log.Warn().Str("vid", v).Str("rid", r).Msg("bad VIDTORID entry ignored")
			continue
		}
		s.ids.put(vid, rid)
		if vidType(vid) == halv1.ObjectType_OBJECT_TYPE_SWITCH {
			s.switchVID = vid
		}
	}
	cold, err := s.cfg.ASIC.HGetAll(ctx, keyColdVIDs).Result()
	if err != nil {
		return fmt.Errorf("syncd: read %s: %w", keyColdVIDs, err)
	}
	for v, role := range cold {
		if vid, err := parseOID(v); err == nil {
			s.cold[vid] = role
		}
	}
	if s.cfg.State != nil {
		iter := s.cfg.State.Scan(ctx, 0, ErrorTable+"|*", 1024).Iterator()
		for iter.Next(ctx) {
			s.errKeys[strings.TrimPrefix(iter.Val(), ErrorTable+"|")] = struct{}{}
		}
		if err := iter.Err(); err != nil {
			return fmt.Errorf("syncd: scan STATE_DB %s: %w", ErrorTable, err)
		}
	}
	s.session, err = s.cfg.ASIC.HGet(ctx, keySyncdSession, "session_id").Result()
	if err != nil && s.ids.len() > 0 {
		s.log.Warn().Err(err).Msg("no recorded platform session")
	}
	hello := s.ack()
	if s.ids.len() == 0 {
		s.session = hello.GetSessionId()
		s.log.Info().Str("session", s.session).Msg("empty ASIC_DB; waiting for the switch object")
		return s.writeMaps(ctx)
	}
	if s.session != hello.GetSessionId() {
		return s.platformRestarted(ctx)
	}
	// Same platform: check the maps against what it holds.
	objs, _, err := s.platformObjects(ctx)
	if errors.Is(err, halclient.ErrSessionChanged) {
		return s.platformRestarted(ctx)
	}
	if err != nil {
		return fmt.Errorf("syncd: list platform: %w", err)
	}
	held := make(map[uint64]struct{}, len(objs))
	for _, o := range objs {
		if !isEntryType(o.GetKey().GetType()) {
			held[o.GetKey().GetOid()] = struct{}{}
		}
	}
	missing := 0
	for vid, rid := range s.ids.v2r {
		if _, ok := held[rid]; !ok {
			missing++
			s.log.Error().Str("vid", formatOID(vid)).Str("rid", formatOID(rid)).Msg("mapped object not held by the platform")
		}
	}
	extra := 0
	for rid := range held {
		if _, ok := s.ids.vid(rid); !ok {
			extra++
			s.log.Warn().Str("rid", formatOID(rid)).Msg("platform object without a VID")
		}
	}
	s.log.Info().Int("objects", s.ids.len()).Int("missing", missing).Int("unmapped", extra).Msg("maps rebuilt from ASIC_DB")
	return nil
}
