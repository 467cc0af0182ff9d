package swss

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// producerBatchScript applies a whole batch of sets and deletes in one
// atomic call, following swss-common's ProducerStateTable Lua steps: the
// key joins "<T>_KEY_SET", set fields are HSET into the staging hash
// "_<T><sep><k>", a delete joins "<T>_DEL_SET" and drops the staging hash,
// and "G" is published once, only when some key was newly added (keys
// already in the key set have a wake-up pending).
//
// Atomicity matters: a consumer popping between the SADD and the HSET of a
// key it already holds would later pop the key with an empty stage and
// take it for a delete.
//
// Cost matters too (it is the hot path): the key set and the del set each
// get one variadic SADD per batch; only the per-key HSET and the per-delete
// DEL stay per key. Deletes drop their stage in batch order, so "DEL k, SET
// k" in one batch keeps the new fields and "SET k, DEL k" does not. Variadic
// calls go in chunks because Lua's unpack is limited to ~8000 values.
//
// KEYS[1] channel, KEYS[2] key set, KEYS[3] del set, KEYS[4] staging prefix
// "_<T><sep>". ARGV[1] "G", then per entry: key, "D" for a delete or the
// number n of field pairs for a set followed by the n pairs. Returns
// {added, key, error, …}: a key whose staging key holds something other
// than a hash (another writer's) is left out of the batch and reported,
// instead of failing the script half-way.
var producerBatchScript = redis.NewScript(`
local function chunked(cmd, key, list, first, last)
  local r = 0
  for j = first, last, 1000 do
    local n = redis.pcall(cmd, key, unpack(list, j, math.min(j + 999, last)))
    if type(n) == 'table' and n.err then
      return nil, n.err
    end
    r = r + n
  end
  return r
end
local keys, dels, failed = {}, {}, {}
local i = 2
while i <= #ARGV do
  local key, n = ARGV[i], ARGV[i + 1]
  if n == 'D' then
    keys[#keys + 1] = key
    dels[#dels + 1] = key
    redis.call('DEL', KEYS[4] .. key)
    i = i + 2
  else
    n = tonumber(n)
    local _, err = chunked('HSET', KEYS[4] .. key, ARGV, i + 2, i + 1 + 2 * n)
    if err then
      failed[#failed + 1] = key
      failed[#failed + 1] = err
    else
      keys[#keys + 1] = key
    end
    i = i + 2 + 2 * n
  end
end
local added = chunked('SADD', KEYS[2], keys, 1, #keys) or 0
chunked('SADD', KEYS[3], dels, 1, #dels)
if added > 0 then
  redis.call('PUBLISH', KEYS[1], ARGV[1])
end
table.insert(failed, 1, added)
return failed
`)

// maxScriptEntries bounds one script call so Redis is never blocked long.
const maxScriptEntries = 512

// ProducerStateTable writes APP_DB intent the swss-common way: the key goes
// into "<T>_KEY_SET", fields are staged in "_<T>:<k>", deletes are marked in
// "<T>_DEL_SET", and "G" is published on "<T>_CHANNEL@<db>".
type ProducerStateTable struct {
	db    *DB
	table string
	keys  []string
	log   zerolog.Logger
}

// NewProducerStateTable returns a producer for table of db. Of the
// options only WithLogger applies (entries ApplyPipe has to skip).
func NewProducerStateTable(db *DB, table string, opts ...ConsumerOption) *ProducerStateTable {
	o := buildOptions(opts)
	return &ProducerStateTable{db: db, table: table, log: o.log.With().Str("table", table).Logger(), keys: []string{
		db.channelName(table), table + "_KEY_SET", table + "_DEL_SET", "_" + table + db.Separator,
	}}
}

// Table returns the table name.
func (p *ProducerStateTable) Table() string { return p.table }

// Set stages fields for key.
func (p *ProducerStateTable) Set(ctx context.Context, key string, fields FieldValues) error {
	return p.Apply(ctx, []KeyOpFieldValues{{Key: key, Op: OpSet, Fields: fields}})
}

// Del requests the deletion of key.
func (p *ProducerStateTable) Del(ctx context.Context, key string) error {
	return p.Apply(ctx, []KeyOpFieldValues{{Key: key, Op: OpDel}})
}

// Apply writes a batch of sets and deletes in order, in one round trip
// (one pipelined script call per maxScriptEntries entries; each call is
// atomic and publishes at most once). A set without fields is staged as
// NULL=NULL, since an empty stage would reach consumers as a delete. An
// entry whose Op is neither OpSet nor OpDel fails the batch before anything
// is written. A key whose staging key is not a hash (someone else's data)
// is left out and named in the returned error; the other entries apply.
func (p *ProducerStateTable) Apply(ctx context.Context, batch []KeyOpFieldValues) error {
	if len(batch) == 0 {
		return nil
	}
	for _, e := range batch {
		if e.Op != OpSet && e.Op != OpDel {
			return fmt.Errorf("%s: key %q: op %q is neither %s nor %s; nothing written", p.table, e.Key, e.Op, OpSet, OpDel)
		}
	}
	cmds, err := p.exec(ctx, batch)
	if redis.HasErrorPrefix(err, "NOSCRIPT") { // Redis restarted: its script cache is empty
		if err := producerBatchScript.Load(ctx, p.db.Client).Err(); err != nil {
			return fmt.Errorf("%s: load producer script: %w", p.table, err)
		}
		cmds, err = p.exec(ctx, batch)
	}
	if err != nil {
		return fmt.Errorf("%s: apply %d entries: %w", p.table, len(batch), err)
	}
	var errs []error
	for _, c := range cmds {
		res, _ := c.Slice()
		for i := 1; i+1 < len(res); i += 2 {
			errs = append(errs, fmt.Errorf("%s: key %q: staging hash: %v", p.table, res[i], res[i+1]))
		}
	}
	return errors.Join(errs...)
}

func (p *ProducerStateTable) exec(ctx context.Context, batch []KeyOpFieldValues) ([]*redis.Cmd, error) {
	pipe := p.db.Client.Pipeline()
	cmds := p.queue(ctx, pipe, batch)
	_, err := pipe.Exec(ctx)
	return cmds, err
}

// ApplyPipe queues the batch on an existing pipeline (the caller Execs it),
// so a daemon can write several tables in one round trip. The producer
// script must be loaded (LoadScripts) before, and again after a Redis
// restart (Exec then fails with NOSCRIPT). Entries with an invalid Op are
// logged with their key and skipped; a key whose staging key is not a hash
// is left out by the script (reported in the EVALSHA reply, which
// ApplyPipe callers do not read; Apply does).
func (p *ProducerStateTable) ApplyPipe(ctx context.Context, pipe redis.Pipeliner, batch []KeyOpFieldValues) {
	var valid []KeyOpFieldValues // allocated only when something is skipped
	for i, e := range batch {
		ok := e.Op == OpSet || e.Op == OpDel
		if !ok && valid == nil {
			valid = append(make([]KeyOpFieldValues, 0, len(batch)), batch[:i]...)
		}
		if !ok {
			p.log.Error().Str("key", e.Key).Str("op", e.Op).Msg("entry with an op neither SET nor DEL; skipped")
		} else if valid != nil {
			valid = append(valid, e)
		}
	}
	if valid != nil {
		batch = valid
	}
	p.queue(ctx, pipe, batch)
}

// LoadScripts loads the producer and consumer scripts into the server's
// script cache (needed before ApplyPipe).
func LoadScripts(ctx context.Context, db *DB) error {
	for _, s := range []*redis.Script{producerBatchScript, consumerStatePopScript, consumerQueuePopScript} {
		if err := s.Load(ctx, db.Client).Err(); err != nil {
			return fmt.Errorf("load script: %w", err)
		}
	}
	return nil
}

func (p *ProducerStateTable) queue(ctx context.Context, pipe redis.Pipeliner, batch []KeyOpFieldValues) []*redis.Cmd {
	var cmds []*redis.Cmd
	for len(batch) > 0 {
		n := min(len(batch), maxScriptEntries)
		args := []any{updateNotification}
		for _, e := range batch[:n] {
			if e.Op == OpDel {
				args = append(args, e.Key, "D")
				continue
			}
			fields := e.Fields
			if len(fields) == 0 { // an empty stage reads as a delete on the consumer side
				fields = FieldValues{{"NULL", "NULL"}}
			}
			args = append(args, e.Key, len(fields))
			for _, fv := range fields {
				args = append(args, fv.Field, fv.Value)
			}
		}
		cmds = append(cmds, producerBatchScript.EvalSha(ctx, pipe, p.keys, args...))
		batch = batch[n:]
	}
	return cmds
}
