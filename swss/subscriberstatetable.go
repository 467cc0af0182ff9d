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
// event DEL on "del" (and the other events after which a key is gone:
// expired, evicted, rename_from, move_from) and otherwise the whole row
// re-read as SET (nothing if it vanished meanwhile: its "del" follows). Redis must
// run with notify-keyspace-events AKE (at least K plus the generic/hash
// classes).
//
// Keyspace events are pub/sub: those fired while the connection is down are
// lost. So after go-redis re-subscribes (a Redis restart), and after a
// failed re-read, the table is read again whole: SET for every row, DEL for
// every row delivered before that is gone. The consumer thus converges on
// the table's content whatever it missed.
type SubscriberStateTable struct {
	db      *DB
	table   string
	prefix  string // "<T><sep>"
	pattern string
	sub     *subscription
	log     zerolog.Logger
	pending []KeyOpFieldValues // the initial dump, returned by the first Pops
	dumped  bool
	resync  bool                // re-read the whole table on the next Pops
	known   map[string]struct{} // keys delivered as present, for DELs on resync
}

// maxEventBatch bounds the keyspace events resolved by one Pops.
const maxEventBatch = 4096

// NewSubscriberStateTable subscribes first and then dumps the table, so no
// change made in between is lost.
func NewSubscriberStateTable(ctx context.Context, db *DB, table string, opts ...ConsumerOption) (*SubscriberStateTable, error) {
	o := buildOptions(opts)
	s := &SubscriberStateTable{
		db: db, table: table, prefix: table + db.Separator,
		log: o.log.With().Str("table", table).Logger(), known: map[string]struct{}{},
	}
	s.pattern = fmt.Sprintf("__keyspace@%d__:%s*", db.ID, escapeGlob(s.prefix))
	sub, err := subscribeChannel(ctx, db.Client, s.pattern, true, maxEventBatch)
	if err != nil {
		return nil, fmt.Errorf("%s: psubscribe %s: %w", table, s.pattern, err)
	}
	s.sub = sub
	dump, err := s.readAll(ctx)
	if err != nil {
		sub.close()
		return nil, err
	}
	s.pending = dump
	return s, nil
}

// readAll reads the whole table: SET for every row, DEL for every key
// delivered before that has gone; it updates known.
func (s *SubscriberStateTable) readAll(ctx context.Context) ([]KeyOpFieldValues, error) {
	rows, err := NewTable(s.db, s.table).GetAll(ctx)
	if err != nil {
		return nil, err
	}
	var out []KeyOpFieldValues
	for _, k := range sortedKeys(s.known) {
		if _, ok := rows[k]; !ok {
			out = append(out, KeyOpFieldValues{Key: k, Op: OpDel})
			delete(s.known, k)
		}
	}
	for _, k := range sortedKeys(rows) {
		out = append(out, KeyOpFieldValues{Key: k, Op: OpSet, Fields: rows[k]})
		s.known[k] = struct{}{}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Table returns the table name.
func (s *SubscriberStateTable) Table() string { return s.table }

// Close releases the subscription; a Pops in progress returns an error.
func (s *SubscriberStateTable) Close() error { return s.sub.close() }

// Pops returns the initial dump on its first call, at once and even when
// the table is empty (so a caller knows its initial sync is complete); later
// calls block until changes arrive and return them, events that arrived
// together batched, one entry per key (its latest state). Not safe for
// concurrent use (one reader owns a subscriber).
//
// An error (Redis unreachable) leaves the table usable: the next Pops
// re-reads the whole table (see the type's doc).
func (s *SubscriberStateTable) Pops(ctx context.Context) ([]KeyOpFieldValues, error) {
	if !s.dumped {
		s.dumped = true
		out := s.pending
		s.pending = nil
		return out, nil
	}
	for {
		if s.resync {
			out, err := s.readAll(ctx)
			if err != nil {
				return nil, err
			}
			s.resync = false
			s.log.Info().Int("entries", len(out)).Msg("re-read the table after a reconnect")
			if len(out) > 0 {
				return out, nil
			}
			continue
		}
		ev := s.sub.next(ctx, 0)
		if ev.contextClosed != nil {
			return nil, ev.contextClosed
		}
		var events []*redis.Message
		// An event is taken off the channel only when there is room for it
		// (the batch bound must not drop one).
		for more := true; more; ev, more = s.sub.tryNextIf(len(events) < maxEventBatch) {
			switch {
			case ev.closed:
				return nil, fmt.Errorf("%s: %w", s.table, errSubscriptionClosed)
			case ev.resubscribed:
				s.resync = true
			case ev.msg != nil:
				events = append(events, ev.msg)
			}
		}
		if s.resync { // the whole-table read covers the events too
			continue
		}
		out, err := s.resolve(ctx, events)
		if err != nil {
			s.resync = true
			return nil, err
		}
		if len(out) > 0 {
			return out, nil
		}
	}
}

// goneEvents are the keyspace events after which the key no longer
// exists. The spec names "del"; an expired, evicted, renamed-away or moved
// row is just as gone, and no "del" follows to report it.
var goneEvents = map[string]bool{"del": true, "expired": true, "evicted": true, "rename_from": true, "move_from": true}

// resolve turns keyspace events into changes: the last event per key
// decides; rows are re-read in one pipelined round trip.
func (s *SubscriberStateTable) resolve(ctx context.Context, events []*redis.Message) ([]KeyOpFieldValues, error) {
	chanPrefix := fmt.Sprintf("__keyspace@%d__:", s.db.ID)
	r := s.newResolver()
	for _, m := range events {
		full := strings.TrimPrefix(m.Channel, chanPrefix)
		key, ok := strings.CutPrefix(full, s.prefix)
		if !ok || key == "" {
			s.log.Error().Str("redis_key", full).Msg("keyspace event for a key without the table prefix; skipped")
			continue
		}
		r.add(key, m.Payload)
	}
	pipe := s.db.Client.Pipeline()
	if r.queue(ctx, pipe) > 0 {
		// Per-row server errors (a key that is not a hash) are handled per
		// row below; only a connection-level failure fails the batch.
		if _, err := pipe.Exec(ctx); err != nil && !isReplyError(err) {
			return nil, fmt.Errorf("%s: re-read rows: %w", s.table, err)
		}
	}
	return r.finish(), nil
}

// resolver collects one table's keyspace events of a batch, queues the
// re-reads of the rows still there and turns the answers into changes.
type resolver struct {
	s     *SubscriberStateTable
	order []string
	last  map[string]string
	cmds  map[string]*redis.MapStringStringCmd
}

func (s *SubscriberStateTable) newResolver() *resolver {
	return &resolver{s: s, last: map[string]string{}, cmds: map[string]*redis.MapStringStringCmd{}}
}

// add records one event of key (the last one per key decides).
func (r *resolver) add(key, event string) {
	if _, seen := r.last[key]; !seen {
		r.order = append(r.order, key)
	}
	r.last[key] = event
}

// queue queues the re-reads on pipe and returns how many.
func (r *resolver) queue(ctx context.Context, pipe redis.Pipeliner) int {
	for _, k := range r.order {
		if !goneEvents[r.last[k]] {
			r.cmds[k] = pipe.HGetAll(ctx, r.s.prefix+k)
		}
	}
	return len(r.cmds)
}

// finish builds the changes once the pipeline ran, and updates known.
func (r *resolver) finish() []KeyOpFieldValues {
	s := r.s
	out := make([]KeyOpFieldValues, 0, len(r.order))
	for _, k := range r.order {
		cmd, reread := r.cmds[k]
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
	for _, e := range out {
		if e.Op == OpDel {
			delete(s.known, e.Key)
		} else {
			s.known[e.Key] = struct{}{}
		}
	}
	return out
}

// isReplyError reports whether err is an error reply from the server (as
// opposed to a connection or context failure).
func isReplyError(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && err != redis.Nil
}
