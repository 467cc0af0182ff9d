package swss

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// consumerStatePopScript pops up to ARGV[1] keys atomically, following
// swss-common's consumer_state_table_pops.lua: a key in the del set first
// has its applied row deleted; staged fields then move into the applied row
// "<T><sep><k>"; the staged fields are returned (none ⇒ the key is a DEL).
// KEYS[1] key set, KEYS[2] applied-row prefix "<T><sep>", KEYS[3] del set;
// ARGV[2] staging prefix "_". A staging key that is not a hash (written by
// something else) is reported with Redis' error and left untouched, so one
// bad key cannot fail the pop of the others.
var consumerStatePopScript = redis.NewScript(`
local ret = {}
local keys = redis.call('SPOP', KEYS[1], ARGV[1])
for i = 1, #keys do
  local key = keys[i]
  local stage = ARGV[2] .. KEYS[2] .. key
  local fvs = redis.pcall('HGETALL', stage)
  local deleted = redis.call('SREM', KEYS[3], key)
  if fvs.err then
    table.insert(ret, {key, fvs.err})
  else
    if deleted == 1 then
      redis.call('DEL', KEYS[2] .. key)
    end
    if #fvs > 0 then
      redis.call('HSET', KEYS[2] .. key, unpack(fvs))
      redis.call('DEL', stage)
    end
    table.insert(ret, {key, fvs})
  end
end
return ret
`)

// DefaultPopBatch is how many keys one pop takes, as swss-common.
const DefaultPopBatch = 128

// pollInterval bounds how long a consumer can miss work whose wake-up
// PUBLISH was lost (e.g. across a Redis restart).
const pollInterval = time.Second

// ConsumerStateTable consumes what ProducerStateTables (ours, swss-common's
// C++ or Python ones) write to a table.
type ConsumerStateTable struct {
	db       *DB
	table    string
	batch    int
	keys     []string
	sub      *redis.PubSub
	log      zerolog.Logger
	pollTick time.Duration
}

// ConsumerOption configures a consumer.
type ConsumerOption func(*consumerOptions)

type consumerOptions struct {
	batch int
	log   zerolog.Logger
	poll  time.Duration
}

// WithPopBatch sets how many keys one pop takes.
func WithPopBatch(n int) ConsumerOption { return func(o *consumerOptions) { o.batch = n } }

// WithLogger sets the logger for skipped malformed entries.
func WithLogger(l zerolog.Logger) ConsumerOption { return func(o *consumerOptions) { o.log = l } }

// WithPollInterval sets the fallback poll period (tests shorten it).
func WithPollInterval(d time.Duration) ConsumerOption { return func(o *consumerOptions) { o.poll = d } }

func buildOptions(opts []ConsumerOption) consumerOptions {
	o := consumerOptions{batch: DefaultPopBatch, log: zerolog.Nop(), poll: pollInterval}
	for _, f := range opts {
		f(&o)
	}
	if o.batch <= 0 {
		o.batch = DefaultPopBatch
	}
	return o
}

// NewConsumerStateTable subscribes to the table's channel. Keys pending
// from before (written while the consumer was down) are returned by the
// first Pops.
func NewConsumerStateTable(ctx context.Context, db *DB, table string, opts ...ConsumerOption) (*ConsumerStateTable, error) {
	o := buildOptions(opts)
	c := &ConsumerStateTable{
		db: db, table: table, batch: o.batch, log: o.log.With().Str("table", table).Logger(), pollTick: o.poll,
		keys: []string{table + "_KEY_SET", table + db.Separator, table + "_DEL_SET"},
	}
	c.sub = db.Client.Subscribe(ctx, db.channelName(table))
	if _, err := c.sub.Receive(ctx); err != nil { // wait for the subscription ack
		c.sub.Close()
		return nil, fmt.Errorf("%s: subscribe: %w", table, err)
	}
	return c, nil
}

// Table returns the table name.
func (c *ConsumerStateTable) Table() string { return c.table }

// Close releases the subscription.
func (c *ConsumerStateTable) Close() error { return c.sub.Close() }

// Pops blocks until at least one change is available (or ctx ends) and
// returns everything pending, batch by batch. A key with staged fields is a
// SET carrying only the fields written since the last pop; a key without
// is a DEL.
func (c *ConsumerStateTable) Pops(ctx context.Context) ([]KeyOpFieldValues, error) {
	return waitAndPop(ctx, c.sub, c.pollTick, c.PopNow)
}

// waitAndPop pops; when nothing is pending it waits for a wake-up on the
// table channel, or the poll period (a PUBLISH lost across a reconnect must
// not stall a consumer), and pops again.
func waitAndPop(ctx context.Context, sub *redis.PubSub, poll time.Duration,
	pop func(context.Context) ([]KeyOpFieldValues, error)) ([]KeyOpFieldValues, error) {
	ch := sub.Channel()
	timer := time.NewTimer(poll)
	defer timer.Stop()
	for {
		out, err := pop(ctx)
		if err != nil || len(out) > 0 {
			return out, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ch:
		case <-timer.C:
			timer.Reset(poll)
		}
	}
}

// PopNow pops what is pending without waiting (possibly nothing). It keeps
// popping while full batches come back, so one call drains a burst.
func (c *ConsumerStateTable) PopNow(ctx context.Context) ([]KeyOpFieldValues, error) {
	var out []KeyOpFieldValues
	for {
		res, err := consumerStatePopScript.Run(ctx, c.db.Client, c.keys, c.batch, "_").Slice()
		if err != nil {
			return out, fmt.Errorf("%s: pop: %w", c.table, err)
		}
		for _, item := range res {
			if kfv, ok := c.decode(item); ok {
				out = append(out, kfv)
			}
		}
		if len(res) < c.batch {
			return out, nil
		}
	}
}

// decode turns one Lua reply item {key, {f, v, ...}} into a change; a
// malformed item (odd field list, wrong types) is logged and skipped.
func (c *ConsumerStateTable) decode(item any) (KeyOpFieldValues, bool) {
	pair, ok := item.([]any)
	if !ok || len(pair) != 2 {
		c.log.Error().Interface("item", item).Msg("malformed pop reply item; skipped")
		return KeyOpFieldValues{}, false
	}
	key, ok := pair[0].(string)
	if !ok {
		c.log.Error().Interface("item", item).Msg("pop reply item without a string key; skipped")
		return KeyOpFieldValues{}, false
	}
	if reason, isErr := pair[1].(string); isErr {
		c.log.Error().Str("key", key).Str("reason", reason).Msg("staged entry is not a hash; skipped")
		return KeyOpFieldValues{}, false
	}
	raw, ok := pair[1].([]any)
	if !ok || len(raw)%2 != 0 {
		c.log.Error().Str("key", key).Int("elements", len(raw)).Msg("staged hash with odd content; skipped")
		return KeyOpFieldValues{}, false
	}
	if len(raw) == 0 {
		return KeyOpFieldValues{Key: key, Op: OpDel}, true
	}
	fields := make(FieldValues, 0, len(raw)/2)
	for i := 0; i < len(raw); i += 2 {
		f, ok1 := raw[i].(string)
		v, ok2 := raw[i+1].(string)
		if !ok1 || !ok2 {
			c.log.Error().Str("key", key).Msg("staged hash with non-string field; skipped")
			return KeyOpFieldValues{}, false
		}
		fields = append(fields, FieldValue{f, v})
	}
	return KeyOpFieldValues{Key: key, Op: OpSet, Fields: fields}, true
}
