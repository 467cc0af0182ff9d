package syncd

// fence.go: making sure a HAL call reached the platform syncd acknowledged.
//
// The HAL client checks the platform session before a call (RequireAck), but
// that check and the send are not atomic: gRPC reconnects on its own and the
// client's watcher marks the connection stale asynchronously, so a call made
// right after the platform restarted can pass the check and then be sent on
// the new connection, to the new, empty platform, carrying the old
// platform's object ids; or it dies on the old connection with Unavailable.
// (TestPlatformRestartReplays was flaky for exactly these two reasons.)
//
// So after every call that carries object ids syncd asks the session again
// (Hello). The channel never goes back to an older platform, so an unchanged
// session proves the call reached the acknowledged platform. A changed one
// means the call may have reached either: what a write created is removed
// from the new platform (undoWrite), and the caller replays ASIC_DB into it
// and retries with the new ids.

import (
	"context"
	"errors"
	"fmt"

	"github.com/vltgw/vltgw/hal/halclient"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ack acknowledges the platform session the client knows now; calls are
// fenced against it.
func (s *Syncd) ack() *halv1.HelloResponse {
	h := s.hal.AckSession()
	s.acked = h.GetSessionId()
	return h
}

// samePlatform asks the platform's session now and reports whether it is
// still the acknowledged one.
func (s *Syncd) samePlatform(ctx context.Context) (bool, error) {
	if _, err := s.hal.Rehello(ctx); err != nil {
		return false, fmt.Errorf("syncd: session check: %w", err)
	}
	return s.hal.Session() == s.acked, nil
}

// afterCall runs after a HAL call that carries object ids. retry is true when
// the platform restarted around the call: ASIC_DB has been replayed into the
// new platform (what req created there was undone first) and the caller
// must translate its ops again and resend them. Otherwise the caller handles
// callErr as usual. Inside a replay a restart returns errRestartedAgain.
func (s *Syncd) afterCall(ctx context.Context, callErr error, req *halv1.WriteRequest, resp *halv1.WriteResponse) (retry bool, err error) {
	if !errors.Is(callErr, halclient.ErrSessionChanged) {
		same, ferr := s.samePlatform(ctx)
		if ferr != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			return false, ferr
		}
		if same {
			return false, nil
		}
		if callErr == nil && req != nil {
			s.undoWrite(ctx, req, resp)
		}
		s.log.Warn().Err(callErr).Str("acked_session", s.acked).Str("session", s.hal.Session()).
			Msg("platform restarted around a HAL call; replaying then retrying it")
	}
	if s.replaying {
		return false, errRestartedAgain
	}
	if err := s.platformRestarted(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// undoWrite removes from the current platform what req created, in reverse
// order, in case it reached the new platform rather than the old one. The
// platform's own objects (switch, ports, objects the switch points at) are
// never removed: a create on the old platform may have returned an id that
// the new one uses for them. The calls go around the client's session guard
// on purpose: they target the new platform with ids it returned.
func (s *Syncd) undoWrite(ctx context.Context, req *halv1.WriteRequest, resp *halv1.WriteResponse) {
	hello := s.hal.Hello()
	keep := map[uint64]bool{hello.GetSwitchId(): true}
	for _, p := range hello.GetPorts() {
		keep[p.GetOid()] = true
	}
	raw := s.hal.Raw()
	sw, err := raw.Get(ctx, &halv1.GetRequest{Key: &halv1.ObjectKey{Type: halv1.ObjectType_OBJECT_TYPE_SWITCH,
		Key: &halv1.ObjectKey_Oid{Oid: hello.GetSwitchId()}}})
	if err == nil {
		for _, a := range sw.GetAttrs() {
			keep[a.GetOid()] = true
			for _, o := range a.GetOidList().GetOids() {
				keep[o] = true
			}
		}
	}
	var ops []*halv1.Op
	results := resp.GetResults()
	for i := len(req.GetOps()) - 1; i >= 0; i-- {
		op := req.GetOps()[i]
		if op.GetKind() != halv1.Op_KIND_CREATE || i >= len(results) || results[i].GetStatus() != halv1.Status_STATUS_SUCCESS {
			continue
		}
		key := op.GetKey()
		if !isEntryType(key.GetType()) {
			oid := results[i].GetOid()
			if oid == 0 || keep[oid] {
				continue
			}
			key = &halv1.ObjectKey{Type: key.GetType(), Key: &halv1.ObjectKey_Oid{Oid: oid}}
		}
		ops = append(ops, &halv1.Op{Kind: halv1.Op_KIND_REMOVE, Key: key})
	}
	if len(ops) == 0 {
		return
	}
	r, err := raw.Write(ctx, &halv1.WriteRequest{Ops: ops, Mode: halv1.WriteRequest_MODE_CONTINUE})
	if err != nil {
		s.log.Error().Err(err).Int("ops", len(ops)).Msg("undo of a write that may have reached the new platform")
		return
	}
	removed := 0
	for _, res := range r.GetResults() {
		if res.GetStatus() == halv1.Status_STATUS_SUCCESS {
			removed++
		}
	}
	s.log.Warn().Int("creates", len(ops)).Int("removed", removed).Msg("undid a write that reached the new platform")
}
