package halv1

// session.go: the session check of the HAL contract (see HelloResponse and
// service Hal in hal.proto), for Go clients and platforms. Not generated.

import (
	"context"
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

const (
	// SessionMetadataKey is the gRPC request metadata a client puts the
	// platform session id it believes in under.
	SessionMetadataKey = "x-hal-session"
	// SessionMismatchReason is the ErrorInfo reason of a refusal.
	SessionMismatchReason = "SESSION_MISMATCH"
	// ErrorDomain is the ErrorInfo domain of HAL errors.
	ErrorDomain = "hal.v1"
	// ErrorInfo metadata keys of a session mismatch.
	SessionInfoCurrent   = "session_id"        // the platform's session now
	SessionInfoRequested = "requested_session" // the one the request carried
)

// WithSession returns ctx carrying session as the request's session id
// (ctx unchanged when session is empty).
func WithSession(ctx context.Context, session string) context.Context {
	if session == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, SessionMetadataKey, session)
}

// CheckSession is the platform side of the check: nil when the incoming
// request carries no session id (an old client) or carries current;
// otherwise the refusal (SessionMismatch). A platform calls it before it
// does anything with the request.
func CheckSession(ctx context.Context, current string) error {
	md, _ := metadata.FromIncomingContext(ctx)
	vals := md.Get(SessionMetadataKey)
	if len(vals) == 0 {
		return nil
	}
	for _, v := range vals {
		if v != current {
			return SessionMismatch(v, current)
		}
	}
	return nil
}

// SessionMismatch builds the refusal of a request made for session
// requested by a platform now serving session current: code
// FailedPrecondition with an ErrorInfo detail (domain ErrorDomain, reason
// SessionMismatchReason, metadata session_id=current and
// requested_session=requested).
func SessionMismatch(requested, current string) error {
	st := status.New(codes.FailedPrecondition, "hal: session mismatch: request for session "+requested+", platform session is "+current)
	if d, err := st.WithDetails(&errdetails.ErrorInfo{
		Reason: SessionMismatchReason,
		Domain: ErrorDomain,
		Metadata: map[string]string{
			SessionInfoCurrent:   current,
			SessionInfoRequested: requested,
		},
	}); err == nil {
		st = d
	}
	return st.Err()
}

// SessionMismatchOf reports whether err (or an error it wraps) is a
// platform's session refusal, and the session the platform serves now.
func SessionMismatchOf(err error) (current string, ok bool) {
	var se interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &se) {
		return "", false
	}
	st := se.GRPCStatus()
	if st.Code() != codes.FailedPrecondition {
		return "", false
	}
	for _, d := range st.Details() {
		if info, isInfo := d.(*errdetails.ErrorInfo); isInfo && info.GetDomain() == ErrorDomain && info.GetReason() == SessionMismatchReason {
			return info.GetMetadata()[SessionInfoCurrent], true
		}
	}
	return "", false
}
