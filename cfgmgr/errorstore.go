package cfgmgr

import (
	"context"
	"fmt"
	"strings"

	"github.com/vltgw/vltgw/swss"
)

// RedisErrorStore keeps rejections in STATE_DB:
// CFG_ERROR_TABLE|<TABLE>|<key> {field, reason}.
type RedisErrorStore struct {
	db    *swss.DB
	table *swss.Table
}

// NewRedisErrorStore returns the error store of the STATE_DB db.
func NewRedisErrorStore(db *swss.DB) *RedisErrorStore {
	return &RedisErrorStore{db: db, table: swss.NewTable(db, ErrorTable)}
}

// ReadErrors returns the rejections recorded by a previous run.
func (s *RedisErrorStore) ReadErrors(ctx context.Context) (map[TableKey]Rejection, error) {
	rows, err := s.table.GetAll(ctx)
	if err != nil {
		return nil, fmt.Errorf("STATE_DB: %w", err)
	}
	out := make(map[TableKey]Rejection, len(rows))
	for k, f := range rows {
		table, key, ok := strings.Cut(k, s.db.Separator)
		if !ok {
			continue
		}
		m := f.Map()
		out[TableKey{table, key}] = Rejection{Field: m["field"], Reason: m["reason"]}
	}
	return out, nil
}

// WriteErrors sets and clears rejections in one pipeline.
func (s *RedisErrorStore) WriteErrors(ctx context.Context, ops []ErrorOp) error {
	if len(ops) == 0 {
		return nil
	}
	pipe := s.db.Client.Pipeline()
	for _, op := range ops {
		key := op.Table + s.db.Separator + op.Key
		if op.Rejection == nil {
			pipe.Del(ctx, s.table.RowKey(key))
			continue
		}
		s.table.SetPipe(ctx, pipe, key, swss.FieldValues{{Field: "field", Value: op.Rejection.Field}, {Field: "reason", Value: op.Rejection.Reason}})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("STATE_DB: write %d %s rows: %w", len(ops), ErrorTable, err)
	}
	return nil
}
