package swss

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Table is a plain SONiC table: row k is the hash "<T><sep><k>". A row with
// no data holds the pair NULL=NULL.
type Table struct {
	db   *DB
	name string
}

// NewTable returns the table name of db.
func NewTable(db *DB, name string) *Table { return &Table{db: db, name: name} }

// Name returns the table name.
func (t *Table) Name() string { return t.name }

// RowKey returns the Redis key of row key.
func (t *Table) RowKey(key string) string { return t.name + t.db.Separator + key }

// Set merges fields into row key (HSET); no fields stores NULL=NULL.
func (t *Table) Set(ctx context.Context, key string, fields FieldValues) error {
	if err := t.db.Client.HSet(ctx, t.RowKey(key), hsetArgs(fields)...).Err(); err != nil {
		return fmt.Errorf("%s: set %q: %w", t.name, key, err)
	}
	return nil
}

// SetPipe queues Set on a pipeline (for batched writers).
func (t *Table) SetPipe(ctx context.Context, p redis.Pipeliner, key string, fields FieldValues) {
	p.HSet(ctx, t.RowKey(key), hsetArgs(fields)...)
}

func hsetArgs(fields FieldValues) []any {
	if len(fields) == 0 {
		return []any{"NULL", "NULL"}
	}
	args := make([]any, 0, 2*len(fields))
	for _, fv := range fields {
		args = append(args, fv.Field, fv.Value)
	}
	return args
}

// Get reads row key; found is false when the row does not exist.
func (t *Table) Get(ctx context.Context, key string) (fields FieldValues, found bool, err error) {
	m, err := t.db.Client.HGetAll(ctx, t.RowKey(key)).Result()
	if err != nil {
		return nil, false, fmt.Errorf("%s: get %q: %w", t.name, key, err)
	}
	if len(m) == 0 {
		return nil, false, nil
	}
	return FieldValuesFromMap(m), true, nil
}

// Del deletes row key.
func (t *Table) Del(ctx context.Context, key string) error {
	if err := t.db.Client.Del(ctx, t.RowKey(key)).Err(); err != nil {
		return fmt.Errorf("%s: del %q: %w", t.name, key, err)
	}
	return nil
}

// HDel deletes fields of row key.
func (t *Table) HDel(ctx context.Context, key string, fields ...string) error {
	if err := t.db.Client.HDel(ctx, t.RowKey(key), fields...).Err(); err != nil {
		return fmt.Errorf("%s: hdel %q: %w", t.name, key, err)
	}
	return nil
}

// Keys returns the row keys of the table (without the table prefix). Keys
// may contain the separator; only the first one splits table from key.
func (t *Table) Keys(ctx context.Context) ([]string, error) {
	prefix := t.name + t.db.Separator
	var keys []string
	iter := t.db.Client.Scan(ctx, 0, escapeGlob(prefix)+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, strings.TrimPrefix(iter.Val(), prefix))
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("%s: keys: %w", t.name, err)
	}
	return keys, nil
}

// GetAll reads every row of the table in one pipelined round trip.
func (t *Table) GetAll(ctx context.Context) (map[string]FieldValues, error) {
	keys, err := t.Keys(ctx)
	if err != nil {
		return nil, err
	}
	pipe := t.db.Client.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.HGetAll(ctx, t.RowKey(k))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("%s: get all: %w", t.name, err)
	}
	rows := make(map[string]FieldValues, len(keys))
	for i, k := range keys {
		if m := cmds[i].Val(); len(m) > 0 { // vanished between SCAN and HGETALL
			rows[k] = FieldValuesFromMap(m)
		}
	}
	return rows, nil
}

// SplitKey splits a full Redis key "<T><sep><k>" at the first separator.
func SplitKey(full, sep string) (table, key string, ok bool) {
	i := strings.Index(full, sep)
	if i <= 0 || i+len(sep) > len(full) {
		return "", "", false
	}
	return full[:i], full[i+len(sep):], true
}

// escapeGlob escapes Redis glob metacharacters in a literal prefix.
func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}
