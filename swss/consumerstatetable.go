package swss

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// consumerStatePopScript pops up to ARGV[1] keys atomically, with the
// semantics of swss-common's consumer_state_table_pops.lua as the wire spec
// fixes them: a key in the del set first has its applied row "<T><sep><k>"
// deleted; its staged fields then merge into the applied row; the staged
// fields are returned (none ⇒ the key is a DEL, so a delete followed by a
// set arrives as one SET; recent swss-common releases return a DEL before
// the SET there, the wire spec keeps the single SET).
//
// Differences that do not change the data (they keep the per-key Redis
// work, the hot path's cost, low): the del set is only probed per key when
// it is not empty; a staged hash whose applied row does not exist (a new
// key, or one just deleted) is moved into place by RENAMENX instead of
// copied and dropped; the other staging hashes are dropped with one
// variadic DEL.
// Keyspace watchers of applied rows therefore see "rename_to" rather than
// "hset" for new rows; both mean "re-read the row".
//
// A staging key that is not a hash, or an applied row that is not one
// (written by something else), is reported with Redis' error and left as
// it is, instead of failing the whole script: a failed script would have
// SPOPped the other keys already, losing them. A requested delete still
// happens (and is returned) when the staging key is bad.
//
// With ARGV[3] = "1" (WithWholeRows) a SET returns the whole applied row
// after the merge instead of the staged fields alone; a new row (moved into
// place) is both. That saves the consumer reading every row back.
//
// KEYS[1] key set, KEYS[2] applied-row prefix "<T><sep>", KEYS[3] del set;
// ARGV[1] count, ARGV[2] staging prefix "_", ARGV[3] "1" for whole rows.
var consumerStatePopScript = redis.NewScript(`
local function chunked(cmd, key, list, first, last)
  for j = first, last, 1000 do
    local r
    if key then
      r = redis.pcall(cmd, key, unpack(list, j, math.min(j + 999, last)))
    else
      r = redis.pcall(cmd, unpack(list, j, math.min(j + 999, last)))
    end
    if type(r) == 'table' and r.err then
      return r.err
    end
  end
end
local ret = {}
local keys = redis.call('SPOP', KEYS[1], ARGV[1])
local anyDel = redis.call('SCARD', KEYS[3]) > 0
local stages = {}
for i = 1, #keys do
  local key = keys[i]
  local row = KEYS[2] .. key
  local stage = ARGV[2] .. row
  local deleted = anyDel and redis.call('SREM', KEYS[3], key) == 1
  if deleted then
    redis.call('DEL', row)
  end
  local fvs = redis.pcall('HGETALL', stage)
  if fvs.err then
    if deleted then
      ret[#ret + 1] = {key, {}}
    end
    ret[#ret + 1] = {key, fvs.err}
  else
    if #fvs > 0 then
      if redis.call('RENAMENX', stage, row) == 0 then
        local err = chunked('HSET', row, fvs, 1, #fvs)
        if err then
          fvs = 'applied row: ' .. err
        else
          stages[#stages + 1] = stage
          if ARGV[3] == '1' then
            fvs = redis.call('HGETALL', row)
          end
        end
      end
    end
    ret[#ret + 1] = {key, fvs}
  end
end
chunked('DEL', nil, stages, 1, #stages)
return ret
`)

// DefaultPopBatch is how many keys one pop takes, as swss-common.
const DefaultPopBatch = 128

// maxPopScriptKeys bounds one pop script call whatever the batch option
// says, as swss-common does (1024): Redis serves nobody else while a
// script runs.
const maxPopScriptKeys = 1024

// maxDrainKeys bounds what one PopNow returns while a producer keeps the
// key set full, so a caller always gets control back (and memory stays
// bounded) under sustained load.
const maxDrainKeys = 8192

// ConsumerStateTable consumes what ProducerStateTables (ours, swss-common's
// C++ or Python ones) write to a table.
type ConsumerStateTable struct {
	db       *DB
	table    string
	batch    int
	keys     []string
	sub      *subscription
	log      zerolog.Logger
	pollTick time.Duration
	whole    string // ARGV[3] of the pop script
}

// NewConsumerStateTable subscribes to the table's channel. Keys pending
// from before (written while the consumer was down) are returned by the
// first Pops.
func NewConsumerStateTable(ctx context.Context, db *DB, table string, opts ...ConsumerOption) (*ConsumerStateTable, error) {
	o := buildOptions(opts)
	c := &ConsumerStateTable{
		db: db, table: table, batch: min(o.batch, maxPopScriptKeys), log: o.log.With().Str("table", table).Logger(), pollTick: o.poll,
		keys: []string{table + "_KEY_SET", table + db.Separator, table + "_DEL_SET"}, whole: "0",
	}
	if o.wholeRows {
		c.whole = "1"
	}
	sub, err := subscribeChannel(ctx, db.Client, db.channelName(table), false, 64)
	if err != nil {
		return nil, fmt.Errorf("%s: subscribe %s: %w", table, db.channelName(table), err)
	}
	c.sub = sub
	return c, nil
}

// Table returns the table name.
func (c *ConsumerStateTable) Table() string { return c.table }

// Close releases the subscription; a Pops in progress returns an error.
func (c *ConsumerStateTable) Close() error { return c.sub.close() }

// Pops blocks until at least one change is available (or ctx ends) and
// returns what is pending, batch after batch (bounded, see PopNow). A key
// with staged fields is a SET carrying only the fields written since the
// last pop (merge them into what you know), or with WithWholeRows the whole
// row as the table now holds it; a key without is a DEL.
//
// An error (Redis unreachable, e.g. restarting) leaves the table usable:
// call Pops again. Nothing is lost meanwhile: pending keys stay in the key
// set, and after go-redis re-subscribes the next Pops pops at once.
func (c *ConsumerStateTable) Pops(ctx context.Context) ([]KeyOpFieldValues, error) {
	return waitAndPop(ctx, c.sub, c.pollTick, c.PopNow)
}

// PopNow pops what is pending without waiting (possibly nothing). It keeps
// popping while full batches come back, so one call drains a burst, up to
// maxDrainKeys keys. It returns entries or an error, never both, so a
// caller that drops the entries on error loses nothing. While batches come
// back full it sends several pop calls per round trip (each still an
// atomic pop of one batch), so Redis does not idle while this process
// decodes.
func (c *ConsumerStateTable) PopNow(ctx context.Context) ([]KeyOpFieldValues, error) {
	var out []KeyOpFieldValues
	calls := 1
	for {
		results, err := c.popCalls(ctx, calls)
		full := err == nil
		for _, res := range results {
			for _, item := range res {
				if kfv, ok := c.decode(item); ok {
					out = append(out, kfv)
				}
			}
			full = full && len(res) == c.batch
		}
		if err != nil && len(out) == 0 {
			return nil, fmt.Errorf("%s: pop: %w", c.table, err)
		}
		if err != nil {
			// Deliver what was popped (it is gone from Redis); a lasting
			// failure shows again on the next call.
			c.log.Warn().Err(err).Int("delivered", len(out)).Msg("pop failed part-way")
			return out, nil
		}
		if !full || len(out) >= maxDrainKeys {
			return out, nil
		}
		calls = min(calls*2, maxPipelinedPops, max(1, (maxDrainKeys-len(out))/c.batch))
	}
}

// maxPipelinedPops bounds the pop calls PopNow sends in one round trip.
const maxPipelinedPops = 8

// popCalls runs the pop script n times in one round trip, loading it first
// if Redis lost its script cache (a restart).
func (c *ConsumerStateTable) popCalls(ctx context.Context, n int) ([][]any, error) {
	run := func() ([]*redis.Cmd, error) {
		pipe := c.db.Client.Pipeline()
		cmds := make([]*redis.Cmd, n)
		for i := range cmds {
			cmds[i] = consumerStatePopScript.EvalSha(ctx, pipe, c.keys, c.batch, "_", c.whole)
		}
		_, err := pipe.Exec(ctx)
		return cmds, err
	}
	cmds, err := run()
	if redis.HasErrorPrefix(err, "NOSCRIPT") { // nothing ran: safe to run again
		if err := consumerStatePopScript.Load(ctx, c.db.Client).Err(); err != nil {
			return nil, err
		}
		cmds, _ = run()
	}
	// Keys popped by a call that succeeded are delivered even when another
	// call of the round trip failed: they are gone from the key set.
	var firstErr error
	results := make([][]any, 0, n)
	for _, cmd := range cmds {
		res, err := cmd.Slice()
		if err != nil && err != redis.Nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		results = append(results, res)
	}
	return results, firstErr
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
		c.log.Error().Str("key", key).Str("reason", reason).Msg("staged entry or applied row is not a hash; skipped")
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
