package orchagent

import (
	"fmt"

	"github.com/rs/zerolog"
)

// safely runs fn, turning a panic into a logged error: code reacting to
// outside input (callbacks, notifications, timers, extension orchs) must
// not take the agent down.
func safely(log zerolog.Logger, what string, fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error in %s: %v", what, p)
			log.Error().Str("in", what).Interface("panic", p).Msg("recovered")
		}
	}()
	fn()
	return nil
}
