package syncd

// fence.go: making sure a HAL call reached the platform syncd acknowledged.
//
// The HAL client checks the platform session before a call (RequireAck), but
// that check and the send are not atomic: gRPC reconnects on its own and the
// client's watcher marks the connection stale asynchronously, so a call made
// right after the platform restarted can pass the check and then be sent on
// the new connection, to the new, empty platform, carrying the old
// platform's object ids.
//
// The platform closes that gap: every Write, Get, GetStats and List carries
// the acknowledged session (gRPC metadata x-hal-session) and the platform
// refuses a call for a session it does not serve before doing anything with
// it (FailedPrecondition, see service Hal in hal.proto). The client turns
// the refusal into halclient.ErrSessionChanged, and so does its own check
// when it already knows of the restart. Either way the call had no effect:
// syncd replays ASIC_DB into the new platform and retries the call with the
// new ids. No extra round trip is made while the platform stays up.
//
// A call that failed otherwise (say Unavailable: the connection died during
// it) may have been cut by a restart; then, and only then, syncd asks the
// session again and replays and retries if it changed.

import (
	"context"
	"errors"

	"github.com/vltgw/vltgw/hal/halclient"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ack acknowledges the platform session the client knows now; calls carry
// it from then on.
func (s *Syncd) ack() *halv1.HelloResponse {
	h := s.hal.AckSession()
	s.acked = h.GetSessionId()
	return h
}

// afterCall runs after a HAL call that carries object ids. retry is true when
// the call was made for a platform session that is gone (it had no effect):
// ASIC_DB has been replayed into the new platform and the caller must
// translate its ops again and resend them. Otherwise the caller handles
// callErr as usual. Inside a replay a restart returns errRestartedAgain.
func (s *Syncd) afterCall(ctx context.Context, callErr error) (retry bool, err error) {
	if callErr == nil {
		return false, nil
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if !errors.Is(callErr, halclient.ErrSessionChanged) {
		// Not refused: did a restart cut the call?
		if _, herr := s.hal.Rehello(ctx); herr != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			return false, nil // the caller reports callErr
		}
		if s.hal.Session() == s.acked {
			return false, nil
		}
	}
	s.log.Warn().Err(callErr).Str("acked_session", s.acked).Str("session", s.hal.Session()).
		Msg("HAL call made for a platform session that is gone; replaying then retrying it")
	if s.replaying {
		return false, errRestartedAgain
	}
	if err := s.platformRestarted(ctx); err != nil {
		return false, err
	}
	return true, nil
}
