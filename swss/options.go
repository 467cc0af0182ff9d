package swss

import (
	"time"

	"github.com/rs/zerolog"
)

// ConsumerOption configures a consumer (and, for the logger, a producer).
type ConsumerOption func(*consumerOptions)

type consumerOptions struct {
	wholeRows bool
	batch     int
	log       zerolog.Logger
	poll      time.Duration
}

// pollInterval bounds how long a consumer can miss work whose wake-up
// PUBLISH was lost (e.g. published while its connection was down).
const pollInterval = time.Second

// WithPopBatch sets how many keys (entries for a ConsumerTable) one pop
// script call takes; state tables cap it at 1024 as swss-common does.
func WithPopBatch(n int) ConsumerOption { return func(o *consumerOptions) { o.batch = n } }

// WithWholeRows makes a ConsumerStateTable return, for a SET, the whole
// applied row after the pop instead of the fields staged since the last
// pop (the row is read inside the pop script: no read-back round trip).
// The data written to Redis is the same either way.
func WithWholeRows() ConsumerOption { return func(o *consumerOptions) { o.wholeRows = true } }

// WithLogger sets the logger for skipped or malformed entries (default: a
// no-op logger).
func WithLogger(l zerolog.Logger) ConsumerOption { return func(o *consumerOptions) { o.log = l } }

// WithPollInterval sets the fallback poll period (tests shorten it; 0 or
// less keeps the default).
func WithPollInterval(d time.Duration) ConsumerOption { return func(o *consumerOptions) { o.poll = d } }

func buildOptions(opts []ConsumerOption) consumerOptions {
	o := consumerOptions{batch: DefaultPopBatch, log: zerolog.Nop(), poll: pollInterval}
	for _, f := range opts {
		f(&o)
	}
	if o.batch <= 0 {
		o.batch = DefaultPopBatch
	}
	if o.poll <= 0 {
		o.poll = pollInterval
	}
	return o
}
