package orchagent

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/swss"
)

// Source delivers APP_DB changes.
type Source interface {
	// Open subscribes to the tables; Snapshot and Run follow.
	Open(ctx context.Context, tables []string) error
	// Snapshot returns every applied row of the tables (what a restarted
	// orchagent must rebuild from) followed by everything pending, as
	// changes in order.
	Snapshot(ctx context.Context) ([]Change, error)
	// Run feeds later changes in batches until ctx ends.
	Run(ctx context.Context, out chan<- []Change)
	Close() error
}

// NotificationSource delivers ASIC_DB NOTIFICATIONS.
type NotificationSource interface {
	Pop(ctx context.Context) (swss.Notification, error)
}

// RedisSource reads APP_DB tables with one ConsumerStateTable each, popping
// up to popBatch keys per pop script call. A popped SET of a plain consumer
// carries only the fields written since the last pop (and a DEL then SET
// arrives as one SET), so the consumers pop whole rows (swss.WithWholeRows:
// the pop script returns the applied hash "<T>:<k>" it just updated), with
// no read-back round trip.
type RedisSource struct {
	db        *swss.DB
	log       zerolog.Logger
	consumers []*swss.ConsumerStateTable
	// RetryDelay is the pause after a failed pop (default 1s).
	RetryDelay time.Duration
}

// popBatch is how many keys one pop script call takes (swss-common's cap).
const popBatch = 1024

// NewRedisSource reads APP_DB through db.
func NewRedisSource(db *swss.DB, log zerolog.Logger) *RedisSource {
	return &RedisSource{db: db, log: log, RetryDelay: time.Second}
}

// Open implements Source.
func (s *RedisSource) Open(ctx context.Context, tables []string) error {
	for _, t := range tables {
		c, err := swss.NewConsumerStateTable(ctx, s.db, t, swss.WithLogger(s.log), swss.WithWholeRows(), swss.WithPopBatch(popBatch))
		if err != nil {
			s.Close()
			return fmt.Errorf("orchagent: APP_DB %s: %w", t, err)
		}
		s.consumers = append(s.consumers, c)
	}
	return nil
}

// Close implements Source.
func (s *RedisSource) Close() error {
	for _, c := range s.consumers {
		c.Close()
	}
	s.consumers = nil
	return nil
}

// Snapshot implements Source.
func (s *RedisSource) Snapshot(ctx context.Context) ([]Change, error) {
	var out []Change
	for _, c := range s.consumers {
		rows, err := s.applied(ctx, c.Table())
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	for _, c := range s.consumers {
		kfvs, err := c.PopNow(ctx)
		if err != nil {
			return nil, err
		}
		chs, err := s.changes(ctx, c.Table(), kfvs)
		if err != nil {
			return nil, err
		}
		out = append(out, chs...)
	}
	return out, nil
}

// applied reads every "<T>:<k>" row.
func (s *RedisSource) applied(ctx context.Context, table string) ([]Change, error) {
	prefix := table + s.db.Separator
	var keys []string
	iter := s.db.Client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return nil, fmt.Errorf("orchagent: scan APP_DB %s: %w", table, err)
	}
	cmds, err := s.hgetall(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]Change, 0, len(keys))
	for i, k := range keys {
		f := cmds[i].Val()
		delete(f, "NULL")
		out = append(out, Change{Table: table, Key: k[len(prefix):], Op: OpSet, Fields: f})
	}
	return out, nil
}

func (s *RedisSource) hgetall(ctx context.Context, keys []string) ([]*redis.MapStringStringCmd, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	pipe := s.db.Client.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.HGetAll(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("orchagent: read %d APP_DB rows: %w", len(keys), err)
	}
	return cmds, nil
}

// changes turns popped entries (whole rows) into changes.
func (s *RedisSource) changes(_ context.Context, table string, kfvs []swss.KeyOpFieldValues) ([]Change, error) {
	out := make([]Change, 0, len(kfvs))
	for _, e := range kfvs {
		if e.Op == swss.OpDel {
			out = append(out, Change{Table: table, Key: e.Key, Op: OpDel})
			continue
		}
		f := make(map[string]string, len(e.Fields))
		for _, fv := range e.Fields {
			if fv.Field != "NULL" {
				f[fv.Field] = fv.Value
			}
		}
		out = append(out, Change{Table: table, Key: e.Key, Op: OpSet, Fields: f})
	}
	return out, nil
}

// Run implements Source: one goroutine per table; it returns when they
// have all stopped (ctx ended).
func (s *RedisSource) Run(ctx context.Context, out chan<- []Change) {
	done := make(chan struct{}, len(s.consumers))
	for _, c := range s.consumers {
		go func(c *swss.ConsumerStateTable) {
			defer func() { done <- struct{}{} }()
			s.consume(ctx, c, out)
		}(c)
	}
	for range s.consumers {
		<-done
	}
}

func (s *RedisSource) consume(ctx context.Context, c *swss.ConsumerStateTable, out chan<- []Change) {
	for {
		kfvs, err := c.Pops(ctx)
		var chs []Change
		if err == nil {
			chs, err = s.changes(ctx, c.Table(), kfvs)
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Error().Str("table", c.Table()).Err(err).Msg("APP_DB pop failed; retrying")
			select {
			case <-ctx.Done():
				return
			case <-time.After(s.RetryDelay):
			}
			continue
		}
		select {
		case out <- chs:
		case <-ctx.Done():
			return
		}
	}
}
