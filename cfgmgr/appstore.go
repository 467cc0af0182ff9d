package cfgmgr

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss"
)

// RedisAppStore writes APP_DB through ProducerStateTables, every table of a
// plan in one pipeline, and reads what a previous run left (applied rows
// merged with what is still staged for the consumer).
type RedisAppStore struct {
	db        *swss.DB
	producers map[string]*swss.ProducerStateTable
	loaded    bool
}

// NewRedisAppStore returns the APP_DB store of db.
func NewRedisAppStore(db *swss.DB) *RedisAppStore {
	return &RedisAppStore{db: db, producers: map[string]*swss.ProducerStateTable{}}
}

func (s *RedisAppStore) producer(table string) *swss.ProducerStateTable {
	p, ok := s.producers[table]
	if !ok {
		p = swss.NewProducerStateTable(s.db, table)
		s.producers[table] = p
	}
	return p
}

// WriteApp queues each table's operations, in order, on one pipeline.
func (s *RedisAppStore) WriteApp(ctx context.Context, ops []AppOp) error {
	if len(ops) == 0 {
		return nil
	}
	if !s.loaded {
		if err := swss.LoadScripts(ctx, s.db); err != nil {
			return fmt.Errorf("APP_DB: %w", err)
		}
		s.loaded = true
	}
	var order []string
	byTable := map[string][]swss.KeyOpFieldValues{}
	for _, op := range ops {
		if _, ok := byTable[op.Table]; !ok {
			order = append(order, op.Table)
		}
		kfv := swss.KeyOpFieldValues{Key: op.Key, Op: swss.OpSet, Fields: swss.FieldValuesFromMap(op.Fields)}
		if op.Op == OpDel {
			kfv = swss.KeyOpFieldValues{Key: op.Key, Op: swss.OpDel}
		}
		byTable[op.Table] = append(byTable[op.Table], kfv)
	}
	pipe := s.db.Client.Pipeline()
	for _, t := range order {
		s.producer(t).ApplyPipe(ctx, pipe, byTable[t])
	}
	if _, err := pipe.Exec(ctx); err != nil {
		if redis.HasErrorPrefix(err, "NOSCRIPT") {
			s.loaded = false // Redis restarted: reload and let the caller retry
		}
		return fmt.Errorf("APP_DB: write %d operations on %d tables: %w", len(ops), len(order), err)
	}
	return nil
}

// ReadApp returns, for each table, the rows a consumer will hold once it
// has popped everything: applied rows "<T>:<k>", minus keys in "<T>_DEL_SET",
// plus the fields staged in "_<T>:<k>" for keys in "<T>_KEY_SET".
func (s *RedisAppStore) ReadApp(ctx context.Context, tables []string) (map[AppKey]Fields, error) {
	out := map[AppKey]Fields{}
	for _, t := range tables {
		applied, err := swss.NewTable(s.db, t).GetAll(ctx)
		if err != nil {
			return nil, fmt.Errorf("APP_DB: %w", err)
		}
		for k, f := range applied {
			out[AppKey{t, k}] = Fields(f.Map())
		}
		if err := s.readStaged(ctx, t, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *RedisAppStore) readStaged(ctx context.Context, t string, out map[AppKey]Fields) error {
	pipe := s.db.Client.Pipeline()
	keysCmd := pipe.SMembers(ctx, t+"_KEY_SET")
	delsCmd := pipe.SMembers(ctx, t+"_DEL_SET")
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("APP_DB: %s key sets: %w", t, err)
	}
	keys := keysCmd.Val()
	if len(keys) == 0 {
		return nil
	}
	dels := map[string]bool{}
	for _, k := range delsCmd.Val() {
		dels[k] = true
	}
	pipe = s.db.Client.Pipeline()
	staged := make([]*redis.MapStringStringCmd, len(keys))
	for i, k := range keys {
		staged[i] = pipe.HGetAll(ctx, "_"+t+s.db.Separator+k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("APP_DB: %s staged rows: %w", t, err)
	}
	for i, k := range keys {
		ak := AppKey{t, k}
		if dels[k] {
			delete(out, ak)
		}
		f := staged[i].Val()
		if len(f) == 0 {
			continue
		}
		cur := out[ak]
		if cur == nil {
			cur = Fields{}
			out[ak] = cur
		}
		for name, v := range f {
			cur[name] = v
		}
	}
	return nil
}
