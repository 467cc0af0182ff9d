// Package halclient is a small client for the vltgw HAL (proto/hal/v1).
//
// It dials the platform on a unix socket (the default) or on TCP with TLS,
// keeps the platform's session id from Hello, and notices when the platform
// restarted: after the connection was lost and came back, the next call first
// re-runs Hello; when the session id changed, the OnSessionChange callback
// runs and that call returns ErrSessionChanged instead of reaching the new,
// empty platform with stale object ids. Reconnection uses gRPC's exponential
// backoff (Options.Backoff); Subscribe re-subscribes with the same backoff.
package halclient
