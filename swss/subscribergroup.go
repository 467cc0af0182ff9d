package swss

import (
	"context"
	"fmt"
	"strings"

	"github.com/rs/zerolog"
)

// TableChanges are the changes of one table from a SubscriberGroup.
type TableChanges struct {
	Table   string
	Entries []KeyOpFieldValues
}

// SubscriberGroup follows several tables of one database the way a
// SubscriberStateTable follows one (same entries, same resync after a
// reconnect), over ONE keyspace pattern subscription "__keyspace@<db>__:*"
// read by one reader:
//
//   - Redis matches every message it publishes (every keyspace and keyevent
//     notification of every write, in every database) against every
//     subscribed pattern. One pattern per table (twenty for cfgmgrd) made
//     each write of the whole switch noticeably dearer; one pattern keeps
//     that cost flat.
//   - Changes of all the tables arrive in the order Redis made them: once
//     the change of a later write has been returned, so have those of every
//     earlier write (a daemon's callers can wait for one marker row).
//
// Events of keys outside the group's tables are dropped.
type SubscriberGroup struct {
	db         *DB
	sub        *subscription
	tables     []*SubscriberStateTable
	byName     map[string]*SubscriberStateTable
	chanPrefix string
	log        zerolog.Logger
	dumped     bool
	resync     bool
}

// NewSubscriberGroup subscribes first and then dumps every table, so no
// change made in between is lost. The tables' separator is the database's.
func NewSubscriberGroup(ctx context.Context, db *DB, tables []string, opts ...ConsumerOption) (*SubscriberGroup, error) {
	o := buildOptions(opts)
	g := &SubscriberGroup{
		db: db, byName: map[string]*SubscriberStateTable{}, log: o.log,
		chanPrefix: fmt.Sprintf("__keyspace@%d__:", db.ID),
	}
	for _, t := range tables {
		if _, dup := g.byName[t]; dup {
			continue
		}
		if t == "" || strings.Contains(t, db.Separator) {
			return nil, fmt.Errorf("subscriber group: table name %q is empty or holds the separator %q", t, db.Separator)
		}
		s := &SubscriberStateTable{
			db: db, table: t, prefix: t + db.Separator,
			log: o.log.With().Str("table", t).Logger(), known: map[string]struct{}{},
		}
		g.tables = append(g.tables, s)
		g.byName[t] = s
	}
	pattern := g.chanPrefix + "*"
	sub, err := subscribeChannel(ctx, db.Client, pattern, true, maxEventBatch)
	if err != nil {
		return nil, fmt.Errorf("psubscribe %s: %w", pattern, err)
	}
	g.sub = sub
	for _, s := range g.tables {
		if s.pending, err = s.readAll(ctx); err != nil {
			sub.close()
			return nil, err
		}
	}
	return g, nil
}

// Tables returns the tables followed, in the order given.
func (g *SubscriberGroup) Tables() []string {
	out := make([]string, len(g.tables))
	for i, s := range g.tables {
		out[i] = s.table
	}
	return out
}

// Close releases the subscription; a Pops in progress returns an error.
func (g *SubscriberGroup) Close() error { return g.sub.close() }

// Pops returns the initial dump of every table on its first call, at once
// (one TableChanges per table, in the order given, even for an empty
// table); later calls block until changes arrive and return them, events
// that arrived together batched, one entry per key (its latest state),
// tables in the order of their first event. Not safe for concurrent use.
//
// An error (Redis unreachable) leaves the group usable: the next Pops
// re-reads every table (see SubscriberStateTable).
func (g *SubscriberGroup) Pops(ctx context.Context) ([]TableChanges, error) {
	if !g.dumped {
		g.dumped = true
		out := make([]TableChanges, 0, len(g.tables))
		for _, s := range g.tables {
			out = append(out, TableChanges{Table: s.table, Entries: s.pending})
			s.pending = nil
		}
		return out, nil
	}
	for {
		if g.resync {
			var out []TableChanges
			for _, s := range g.tables {
				entries, err := s.readAll(ctx)
				if err != nil {
					return nil, err
				}
				if len(entries) > 0 {
					out = append(out, TableChanges{Table: s.table, Entries: entries})
				}
			}
			g.resync = false
			g.log.Info().Int("tables", len(out)).Msg("re-read the tables after a reconnect")
			if len(out) > 0 {
				return out, nil
			}
			continue
		}
		ev := g.sub.next(ctx, 0)
		if ev.contextClosed != nil {
			return nil, ev.contextClosed
		}
		var order []*resolver
		byTable := map[*SubscriberStateTable]*resolver{}
		n := 0
		// An event is taken off the channel only when there is room for it
		// (the batch bound must not drop one).
		for more := true; more; ev, more = g.sub.tryNextIf(n < maxEventBatch) {
			switch {
			case ev.closed:
				return nil, errSubscriptionClosed
			case ev.resubscribed:
				g.resync = true
			case ev.msg != nil:
				n++
				full, ok := strings.CutPrefix(ev.msg.Channel, g.chanPrefix)
				if !ok {
					continue
				}
				table, key, ok := strings.Cut(full, g.db.Separator)
				s := g.byName[table]
				if !ok || key == "" || s == nil {
					continue
				}
				r := byTable[s]
				if r == nil {
					r = s.newResolver()
					byTable[s] = r
					order = append(order, r)
				}
				r.add(key, ev.msg.Payload)
			}
		}
		if g.resync { // the whole-table reads cover the events too
			continue
		}
		out, err := g.resolve(ctx, order)
		if err != nil {
			g.resync = true
			return nil, err
		}
		if len(out) > 0 {
			return out, nil
		}
	}
}

// resolve re-reads the rows of every table in one round trip.
func (g *SubscriberGroup) resolve(ctx context.Context, rs []*resolver) ([]TableChanges, error) {
	pipe := g.db.Client.Pipeline()
	n := 0
	for _, r := range rs {
		n += r.queue(ctx, pipe)
	}
	if n > 0 {
		if _, err := pipe.Exec(ctx); err != nil && !isReplyError(err) {
			return nil, fmt.Errorf("re-read rows: %w", err)
		}
	}
	out := make([]TableChanges, 0, len(rs))
	for _, r := range rs {
		if entries := r.finish(); len(entries) > 0 {
			out = append(out, TableChanges{Table: r.s.table, Entries: entries})
		}
	}
	return out, nil
}
