package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss"
)

// store reads and writes one database of the switch with pipelined
// commands (a CLI reads whole tables; one round trip per row would be slow).
type store struct {
	name string
	db   *swss.DB
	rdb  *redis.Client
	sep  string
}

// scanBatch is the SCAN COUNT hint.
const scanBatch = 1000

// keys returns every key matching pattern.
func (s *store) keys(ctx context.Context, pattern string) ([]string, error) {
	var out []string
	iter := s.rdb.Scan(ctx, 0, pattern, scanBatch).Iterator()
	for iter.Next(ctx) {
		out = append(out, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("%s: scan %s: %w", s.name, pattern, err)
	}
	return out, nil
}

// hashes reads the hashes of keys in one pipeline; keys that are not hashes
// or are gone are skipped.
func (s *store) hashes(ctx context.Context, keys []string) (map[string]map[string]string, error) {
	out := make(map[string]map[string]string, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.HGetAll(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil && !isWrongType(err) {
		return nil, fmt.Errorf("%s: read %d rows: %w", s.name, len(keys), err)
	}
	for i, c := range cmds {
		if m, err := c.Result(); err == nil && len(m) > 0 {
			out[keys[i]] = m
		}
	}
	return out, nil
}

// table returns the rows of a table by key (without the table name).
func (s *store) table(ctx context.Context, table string) (map[string]map[string]string, error) {
	keys, err := s.keys(ctx, escapeGlob(table+s.sep)+"*")
	if err != nil {
		return nil, err
	}
	rows, err := s.hashes(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(rows))
	for k, f := range rows {
		out[strings.TrimPrefix(k, table+s.sep)] = f
	}
	return out, nil
}

// hash returns one hash.
func (s *store) hash(ctx context.Context, key string) (map[string]string, error) {
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("%s: read %s: %w", s.name, key, err)
	}
	return m, nil
}

// writeRows HSETs every row in one pipeline (merging with what exists, as
// SONiC's `config load` does).
func (s *store) writeRows(ctx context.Context, rows []ConfigRow) error {
	pipe := s.rdb.Pipeline()
	for _, r := range rows {
		args := make([]any, 0, 2*len(r.Fields))
		for f, v := range r.Fields {
			args = append(args, f, v)
		}
		pipe.HSet(ctx, r.Table+s.sep+r.Key, args...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("%s: write %d rows: %w", s.name, len(rows), err)
	}
	return nil
}

// allRows returns every "<TABLE><sep><key>" hash of the database.
func (s *store) allRows(ctx context.Context) ([]ConfigRow, error) {
	keys, err := s.keys(ctx, "*")
	if err != nil {
		return nil, err
	}
	var named []string
	for _, k := range keys {
		if strings.Contains(k, s.sep) {
			named = append(named, k)
		}
	}
	rows, err := s.hashes(ctx, named)
	if err != nil {
		return nil, err
	}
	out := make([]ConfigRow, 0, len(rows))
	for k, f := range rows {
		table, key, _ := strings.Cut(k, s.sep)
		out = append(out, ConfigRow{Table: table, Key: key, Fields: f})
	}
	return out, nil
}

func isWrongType(err error) bool { return strings.HasPrefix(err.Error(), "WRONGTYPE") }

// escapeGlob escapes the glob characters of a literal key prefix.
func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}
