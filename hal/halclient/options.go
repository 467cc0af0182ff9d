package halclient

import (
	"crypto/tls"
	"time"

	"github.com/rs/zerolog"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// DefaultSocket is where the platform serves the HAL by default.
const DefaultSocket = "/var/run/vltgw/hal.sock"

// Backoff bounds the delay between reconnection attempts.
type Backoff struct {
	Initial time.Duration // first delay; default 50ms
	Max     time.Duration // upper bound; default 5s
}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = 50 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 5 * time.Second
	}
	if b.Max < b.Initial {
		b.Max = b.Initial
	}
	return b
}

// next doubles d within the bounds.
func (b Backoff) next(d time.Duration) time.Duration {
	if d <= 0 {
		return b.Initial
	}
	d *= 2
	if d > b.Max {
		d = b.Max
	}
	return d
}

// SessionChange describes a platform restart seen by the client.
type SessionChange struct {
	Old   string               // the session id known before ("" on the first Hello)
	New   string               // the session id now served
	Hello *halv1.HelloResponse // the Hello that revealed it
}

// Options configure Dial.
type Options struct {
	// Address is a unix socket path ("/run/x.sock" or "unix:///run/x.sock")
	// or "host:port" for TCP. TCP requires TLS.
	Address string
	// TLS is required for TCP addresses and ignored for unix sockets.
	TLS *tls.Config
	// Client names the caller in Hello (for the platform's log).
	Client string
	// Backoff bounds reconnection delays.
	Backoff Backoff
	// OnSessionChange runs (on the goroutine that noticed it) whenever a
	// Hello reveals a session id different from the one known before; not
	// for the first Hello. It must not block.
	OnSessionChange func(SessionChange)
	// RequireAck makes Write, Get, GetStats and List return
	// ErrSessionChanged after a session change until AckSession is called,
	// so object ids of the old platform never reach the new one: the calls
	// carry the acknowledged session (metadata x-hal-session) and the
	// platform refuses them if it serves another one, even when the client
	// has not noticed the restart yet. Without it no session is sent.
	RequireAck bool
	// Logger receives connection events; zero value = disabled.
	Logger zerolog.Logger
}
