package swss

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// consumerQueuePopScript takes up to ARGV[1] entries (three list items
// each) from the tail of the queue atomically. Unlike swss-common's
// consumer_table_pops.lua it never writes table rows: vltgw's consumers of
// the queue (syncd, the GETRESPONSE reader) write state themselves, and
// JSON parsing happens in Go so a malformed entry is skipped, not fatal.
var consumerQueuePopScript = redis.NewScript(`
local n = tonumber(ARGV[1]) * 3
local items = redis.call('LRANGE', KEYS[1], -n, -1)
redis.call('LTRIM', KEYS[1], 0, -n - 1)
return items
`)

// ConsumerTable pops a ProducerTable queue in FIFO order.
type ConsumerTable struct {
	db       *DB
	table    string
	queue    string
	batch    int
	sub      *subscription
	log      zerolog.Logger
	pollTick time.Duration
}

// NewConsumerTable subscribes to the table channel; entries queued before
// are returned by the first Pops.
func NewConsumerTable(ctx context.Context, db *DB, table string, opts ...ConsumerOption) (*ConsumerTable, error) {
	o := buildOptions(opts)
	c := &ConsumerTable{
		db: db, table: table, queue: table + "_KEY_VALUE_OP_QUEUE", batch: o.batch,
		log: o.log.With().Str("table", table).Logger(), pollTick: o.poll,
	}
	sub, err := subscribeChannel(ctx, db.Client, db.channelName(table), false, 64)
	if err != nil {
		return nil, fmt.Errorf("%s: subscribe %s: %w", table, db.channelName(table), err)
	}
	c.sub = sub
	return c, nil
}

// Table returns the table name.
func (c *ConsumerTable) Table() string { return c.table }

// Close releases the subscription; a Pops in progress returns an error.
func (c *ConsumerTable) Close() error { return c.sub.close() }

// Pops blocks until entries are queued (or ctx ends) and returns them in
// FIFO order. Op is the queued op without its "S"/"D" prefix; a "D" entry
// has no fields; an entry whose field array does not parse (or whose op
// lacks the "S"/"D" prefix) is logged with its key and comes with Malformed
// set and no fields, so an in-order replier can still answer it.
//
// An error (Redis unreachable) leaves the table usable: call Pops again;
// the queue keeps what was not popped.
func (c *ConsumerTable) Pops(ctx context.Context) ([]KeyOpFieldValues, error) {
	return waitAndPop(ctx, c.sub, c.pollTick, c.PopNow)
}

// PopNow returns up to one batch of queued entries without waiting.
func (c *ConsumerTable) PopNow(ctx context.Context) ([]KeyOpFieldValues, error) {
	items, err := consumerQueuePopScript.Run(ctx, c.db.Client, []string{c.queue}, c.batch).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("%s: pop: %w", c.table, err)
	}
	if len(items)%3 != 0 { // cannot happen with our producers; keep what is whole
		c.log.Error().Int("items", len(items)).Msg("queue length not a multiple of 3; trailing items dropped")
		items = items[len(items)%3:]
	}
	out := make([]KeyOpFieldValues, 0, len(items)/3)
	// The list holds [op, values, key] triples newest first; walk from the
	// tail to keep FIFO order.
	for i := len(items) - 1; i >= 2; i -= 3 {
		key, values, op := items[i], items[i-1], items[i-2]
		if op == "" {
			c.log.Error().Str("key", key).Msg("queue entry with an empty op; skipped")
			continue
		}
		prefix, name := op[0], op[1:]
		e := KeyOpFieldValues{Key: key, Op: name}
		if prefix != 'S' && prefix != 'D' {
			c.log.Error().Str("key", key).Str("op", op).Msg("queue entry whose op lacks the S/D prefix; delivered as malformed")
			e.Op, e.Malformed = op, fmt.Sprintf("op %q lacks the S/D prefix", op)
			out = append(out, e)
			continue
		}
		if prefix == 'S' {
			f, err := DecodeFieldArray(values)
			if err != nil {
				c.log.Error().Str("key", key).Str("op", name).Err(err).Msg("queue entry with a malformed field array; delivered as malformed")
				e.Malformed = err.Error()
			}
			e.Fields = f
		}
		out = append(out, e)
	}
	return out, nil
}
