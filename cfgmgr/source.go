package cfgmgr

import (
	"context"
	"fmt"
	"sync"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/swss"
)

// ConfigSource is the Source over CONFIG_DB: one swss.SubscriberGroup
// follows every table over one keyspace pattern subscription, and one
// goroutine forwards its batches.
//
// One subscription rather than one per table: Redis matches every
// notification of every write against every pattern subscribed, so
// per-table patterns made every write of the switch dearer; and changes
// arrive in the order they were written across tables, so whoever waits
// for one marker row has seen every earlier write handled.
type ConfigSource struct {
	db  *swss.DB
	log zerolog.Logger

	events chan []Event
	cancel context.CancelFunc
	wg     sync.WaitGroup
	group  *swss.SubscriberGroup

	mu  sync.Mutex
	err error
}

// NewConfigSource returns a source reading CONFIG_DB through db.
func NewConfigSource(db *swss.DB, log zerolog.Logger) *ConfigSource {
	return &ConfigSource{db: db, log: log, events: make(chan []Event, 64)}
}

// Start subscribes to every table and then reads every table, so no change
// is missed: a change after the read arrives as an event (a change made
// between the subscription and the read may also arrive as an event; the
// snapshot ignores a SET equal to what it holds).
func (s *ConfigSource) Start(ctx context.Context, tables []string) ([]Event, error) {
	g, err := swss.NewSubscriberGroup(ctx, s.db, tables, swss.WithLogger(s.log))
	if err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	dump, err := g.Pops(ctx) // the first Pops is the dump, at once
	if err != nil {
		g.Close()
		return nil, fmt.Errorf("read tables: %w", err)
	}
	s.group = g
	var initial []Event
	for _, tc := range dump {
		initial = append(initial, toEvents(tc.Table, tc.Entries)...)
	}
	ctx, s.cancel = context.WithCancel(ctx)
	s.wg.Add(1)
	go s.follow(ctx)
	go func() {
		s.wg.Wait()
		close(s.events)
	}()
	return initial, nil
}

// follow forwards the group's batches until ctx ends or the subscription
// fails (which stops the whole source: cfgmgrd must not run half-blind).
func (s *ConfigSource) follow(ctx context.Context) {
	defer s.wg.Done()
	for {
		batch, err := s.group.Pops(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.mu.Lock()
				s.err = err
				s.mu.Unlock()
				s.cancel()
			}
			return
		}
		var evs []Event
		for _, tc := range batch {
			evs = append(evs, toEvents(tc.Table, tc.Entries)...)
		}
		if len(evs) == 0 {
			continue
		}
		select {
		case s.events <- evs:
		case <-ctx.Done():
			return
		}
	}
}

// Events implements Source.
func (s *ConfigSource) Events() <-chan []Event { return s.events }

// Err implements Source.
func (s *ConfigSource) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close stops the goroutine and closes the subscription.
func (s *ConfigSource) Close() error {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	if s.group == nil {
		return nil
	}
	err := s.group.Close()
	s.group = nil
	return err
}

func toEvents(table string, batch []swss.KeyOpFieldValues) []Event {
	out := make([]Event, 0, len(batch))
	for _, kfv := range batch {
		ev := Event{TableKey: TableKey{table, kfv.Key}, Op: OpSet}
		if kfv.Op == swss.OpDel {
			ev.Op = OpDel
		} else {
			ev.Fields = Fields(kfv.Fields.Map())
		}
		out = append(out, ev)
	}
	return out
}
