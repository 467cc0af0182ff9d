package swss

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// SubscriberStateTable follows a plain table (CONFIG_DB, STATE_DB) through
// keyspace notifications: first a dump of every row as SET, then for each
// event DEL on "del" and otherwise the whole row re-read as SET. Redis must
// run with notify-keyspace-events AKE.
type SubscriberStateTable struct {
	db      *DB
	table   string
	prefix  string // "<T><sep>"
	pattern string
	sub     *redis.PubSub
	log     zerolog.Logger
	pending []KeyOpFieldValues // the initial dump, returned by the first Pops
	dumped  bool
}

// NewSubscriberStateTable subscribes first and then dumps the table, so no
// change made in between is lost.
func NewSubscriberStateTable(ctx context.Context, db *DB, table string, opts ...ConsumerOption) (*SubscriberStateTable, error) {
	o := buildOptions(opts)
	s := &SubscriberStateTable{
		db: db, table: table, prefix: table + db.Separator,
		log: o.log.With().Str("table", table).Logger(),
	}
	s.pattern = fmt.Sprintf("__keyspace@%d__:%s*", db.ID, escapeGlob(s.prefix))
	s.sub = db.Client.PSubscribe(ctx, s.pattern)
	if _, err := s.sub.Receive(ctx); err != nil {
		s.sub.Close()
		return nil, fmt.Errorf("%s: psubscribe: %w", table, err)
	}
	rows, err := NewTable(db, table).GetAll(ctx)
	if err != nil {
		s.sub.Close()
		return nil, err
	}
	for _, k := range sortedKeys(rows) {
		s.pending = append(s.pending, KeyOpFieldValues{Key: k, Op: OpSet, Fields: rows[k]})
	}
	return s, nil
}

func sortedKeys(m map[string]FieldValues) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Table returns the table name.
func (s *SubscriberStateTable) Table() string { return s.table }

// Close releases the subscription.
func (s *SubscriberStateTable) Close() error { return s.sub.Close() }

// Pops returns the initial dump on its first call, at once and even when
// the table is empty (so a caller knows its initial sync is complete); later
// calls block until changes arrive and return them, events that arrived
// together batched, one entry per key (its latest state).
func (s *SubscriberStateTable) Pops(ctx context.Context) ([]KeyOpFieldValues, error) {
	if !s.dumped {
		s.dumped = true
		out := s.pending
		s.pending = nil
		return out, nil
	}
	ch := s.sub.Channel()
	var events []*redis.Message
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case m, ok := <-ch:
		if !ok {
			return nil, fmt.Errorf("%s: subscription closed", s.table)
		}
		events = append(events, m)
	}
drain:
	for len(events) < 4096 {
		select {
		case m, ok := <-ch:
			if !ok {
				break drain
			}
			events = append(events, m)
		default:
			break drain
		}
	}
	return s.resolve(ctx, events)
}

// resolve turns keyspace events into changes: the last event per key
// decides; rows are re-read in one pipelined round trip.
func (s *SubscriberStateTable) resolve(ctx context.Context, events []*redis.Message) ([]KeyOpFieldValues, error) {
	chanPrefix := fmt.Sprintf("__keyspace@%d__:", s.db.ID)
	var order []string
	last := map[string]string{}
	for _, m := range events {
		full := strings.TrimPrefix(m.Channel, chanPrefix)
		key, ok := strings.CutPrefix(full, s.prefix)
		if !ok || key == "" {
			s.log.Error().Str("redis_key", full).Msg("keyspace event for a key without the table prefix; skipped")
			continue
		}
		if _, seen := last[key]; !seen {
			order = append(order, key)
		}
		last[key] = m.Payload
	}
	pipe := s.db.Client.Pipeline()
	cmds := map[string]*redis.MapStringStringCmd{}
	for _, k := range order {
		if last[k] != "del" {
			cmds[k] = pipe.HGetAll(ctx, s.prefix+k)
		}
	}
	if len(cmds) > 0 {
		// Per-row server errors (a key that is not a hash) are handled per
		// row below; only a connection-level failure fails the batch.
		if _, err := pipe.Exec(ctx); err != nil && !isReplyError(err) {
			return nil, fmt.Errorf("%s: re-read rows: %w", s.table, err)
		}
	}
	out := make([]KeyOpFieldValues, 0, len(order))
	for _, k := range order {
		cmd, reread := cmds[k]
		if !reread {
			out = append(out, KeyOpFieldValues{Key: k, Op: OpDel})
			continue
		}
		m := cmd.Val()
		if len(m) == 0 { // vanished meanwhile (or not a hash); its del event follows
			if cmd.Err() != nil {
				s.log.Error().Str("key", k).Err(cmd.Err()).Msg("row is not a readable hash; skipped")
			}
			continue
		}
		out = append(out, KeyOpFieldValues{Key: k, Op: OpSet, Fields: FieldValuesFromMap(m)})
	}
	return out, nil
}

// isReplyError reports whether err is an error reply from the server (as
// opposed to a connection or context failure).
func isReplyError(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && err != redis.Nil
}
