package swss

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// The producer scripts follow swss-common's Lua steps. One script serves a
// whole batch of sets and deletes so a burst costs one round trip and at
// most one PUBLISH (only when a key was newly added to the key set: the
// consumer already has a wake-up pending for keys already in it).
//
// KEYS[1] channel, KEYS[2] key set, KEYS[3] del set, KEYS[4] staging prefix
// "_<T><sep>". ARGV[1] "G", then per entry: op ("S"/"D"), key, n, n pairs.
var producerBatchScript = redis.NewScript(`
local added = 0
local i = 2
while i <= #ARGV do
  local op = ARGV[i]
  local key = ARGV[i + 1]
  local n = tonumber(ARGV[i + 2])
  added = added + redis.call('SADD', KEYS[2], key)
  local stage = KEYS[4] .. key
  if op == 'D' then
    redis.call('SADD', KEYS[3], key)
    redis.call('DEL', stage)
  else
    redis.call('HSET', stage, unpack(ARGV, i + 3, i + 2 + 2 * n))
  end
  i = i + 3 + 2 * n
end
if added > 0 then
  redis.call('PUBLISH', KEYS[1], ARGV[1])
end
return added
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
}

// NewProducerStateTable returns a producer for table of db.
func NewProducerStateTable(db *DB, table string) *ProducerStateTable {
	return &ProducerStateTable{db: db, table: table, keys: []string{
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

// Apply writes a batch of sets and deletes in order, in as few round trips
// as possible (one pipelined script call per maxScriptEntries entries).
func (p *ProducerStateTable) Apply(ctx context.Context, batch []KeyOpFieldValues) error {
	if len(batch) == 0 {
		return nil
	}
	pipe := p.db.Client.Pipeline()
	p.queue(ctx, pipe, batch)
	if _, err := pipe.Exec(ctx); err != nil {
		if redis.HasErrorPrefix(err, "NOSCRIPT") {
			if err := producerBatchScript.Load(ctx, p.db.Client).Err(); err != nil {
				return fmt.Errorf("%s: load producer script: %w", p.table, err)
			}
			pipe = p.db.Client.Pipeline()
			p.queue(ctx, pipe, batch)
			_, err = pipe.Exec(ctx)
			if err == nil {
				return nil
			}
		}
		return fmt.Errorf("%s: apply %d entries: %w", p.table, len(batch), err)
	}
	return nil
}

// ApplyPipe queues the batch on an existing pipeline (the caller Execs it),
// so a daemon can write several tables in one round trip. The producer
// script must be loaded (LoadScripts) before.
func (p *ProducerStateTable) ApplyPipe(ctx context.Context, pipe redis.Pipeliner, batch []KeyOpFieldValues) {
	p.queue(ctx, pipe, batch)
}

// LoadScripts loads the producer script into the server's script cache.
func LoadScripts(ctx context.Context, db *DB) error {
	for _, s := range []*redis.Script{producerBatchScript, consumerStatePopScript, consumerQueuePopScript} {
		if err := s.Load(ctx, db.Client).Err(); err != nil {
			return fmt.Errorf("load script: %w", err)
		}
	}
	return nil
}

func (p *ProducerStateTable) queue(ctx context.Context, pipe redis.Pipeliner, batch []KeyOpFieldValues) {
	for len(batch) > 0 {
		n := min(len(batch), maxScriptEntries)
		args := []any{updateNotification}
		for _, e := range batch[:n] {
			if e.Op == OpDel {
				args = append(args, "D", e.Key, 0)
				continue
			}
			fields := e.Fields
			if len(fields) == 0 { // an empty stage reads as a delete on the consumer side
				fields = FieldValues{{"NULL", "NULL"}}
			}
			args = append(args, "S", e.Key, len(fields))
			for _, fv := range fields {
				args = append(args, fv.Field, fv.Value)
			}
		}
		producerBatchScript.EvalSha(ctx, pipe, p.keys, args...)
		batch = batch[n:]
	}
}
