package cfgmgr

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/swss"
)

// ConfigSource is the Source over CONFIG_DB: one SubscriberStateTable per
// table, their batches merged into one channel by one goroutine per table.
type ConfigSource struct {
	db  *swss.DB
	log zerolog.Logger

	events chan []Event
	cancel context.CancelFunc
	wg     sync.WaitGroup
	subs   []*swss.SubscriberStateTable

	mu  sync.Mutex
	err error
}

// NewConfigSource returns a source reading CONFIG_DB through db.
func NewConfigSource(db *swss.DB, log zerolog.Logger) *ConfigSource {
	return &ConfigSource{db: db, log: log, events: make(chan []Event, 64)}
}

// Start subscribes to every table and then reads every table, so no change
// is missed: a change after the read arrives as an event. The subscribers'
// own dumps arrive as the first events and change nothing (the snapshot
// ignores a SET equal to what it holds). (SubscriberStateTable.Pops blocks on
// an empty table, so its dump cannot serve as the complete initial state.)
func (s *ConfigSource) Start(ctx context.Context, tables []string) ([]Event, error) {
	for _, t := range tables {
		sub, err := swss.NewSubscriberStateTable(ctx, s.db, t, swss.WithLogger(s.log))
		if err != nil {
			s.closeSubs()
			return nil, fmt.Errorf("subscribe %s: %w", t, err)
		}
		s.subs = append(s.subs, sub)
	}
	var initial []Event
	for _, t := range tables {
		rows, err := swss.NewTable(s.db, t).GetAll(ctx)
		if err != nil {
			s.closeSubs()
			return nil, fmt.Errorf("read %s: %w", t, err)
		}
		batch := make([]swss.KeyOpFieldValues, 0, len(rows))
		for k, f := range rows {
			batch = append(batch, swss.KeyOpFieldValues{Key: k, Op: swss.OpSet, Fields: f})
		}
		initial = append(initial, toEvents(t, batch)...)
	}
	ctx, s.cancel = context.WithCancel(ctx)
	var once sync.Once
	for _, sub := range s.subs {
		s.wg.Add(1)
		go s.follow(ctx, sub, &once)
	}
	go func() {
		s.wg.Wait()
		close(s.events)
	}()
	return initial, nil
}

// follow forwards one table's batches until ctx ends or the subscription
// fails (which stops the whole source: cfgmgrd must not run half-blind).
func (s *ConfigSource) follow(ctx context.Context, sub *swss.SubscriberStateTable, once *sync.Once) {
	defer s.wg.Done()
	for {
		batch, err := sub.Pops(ctx)
		if err != nil {
			if ctx.Err() == nil {
				once.Do(func() {
					s.mu.Lock()
					s.err = fmt.Errorf("%s: %w", sub.Table(), err)
					s.mu.Unlock()
					s.cancel()
				})
			}
			return
		}
		if len(batch) == 0 {
			continue
		}
		select {
		case s.events <- toEvents(sub.Table(), batch):
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

// Close stops the goroutines and closes the subscriptions.
func (s *ConfigSource) Close() error {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	return s.closeSubs()
}

func (s *ConfigSource) closeSubs() error {
	var errs []error
	for _, sub := range s.subs {
		errs = append(errs, sub.Close())
	}
	s.subs = nil
	return errors.Join(errs...)
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
