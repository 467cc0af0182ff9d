package orchagent

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/swss"
)

// stateTablePrefix marks, in an orch's Tables(), a STATE_DB table rather
// than an APP_DB one.
const stateTablePrefix = "STATE_DB|"

// StateTable names STATE_DB table name for an orch's Tables(): its rows
// arrive as Tasks of that table (Table = StateTable(name)), whole rows from
// a SubscriberStateTable, so an orch can follow state another daemon
// publishes (the VLT daemon's VLT_PEER_TABLE). Such rows are read, never
// popped; the orch must not expect a row's absence to mean anything before
// the initial dump.
func StateTable(name string) string { return stateTablePrefix + name }

// isStateTable returns the STATE_DB table name of a StateTable name.
func isStateTable(t string) (string, bool) { return strings.CutPrefix(t, stateTablePrefix) }

// StateSource delivers STATE_DB tables (named StateTable(name)) with one
// SubscriberStateTable each: every existing row at Snapshot, then each
// change as the whole row.
type StateSource struct {
	db   *swss.DB
	log  zerolog.Logger
	subs []*swss.SubscriberStateTable
	// RetryDelay is the pause after a failed read (default 1s).
	RetryDelay time.Duration
}

// NewStateSource reads STATE_DB through db.
func NewStateSource(db *swss.DB, log zerolog.Logger) *StateSource {
	return &StateSource{db: db, log: log, RetryDelay: time.Second}
}

// Open implements Source; tables are StateTable names.
func (s *StateSource) Open(ctx context.Context, tables []string) error {
	for _, t := range tables {
		name, ok := isStateTable(t)
		if !ok {
			s.Close()
			return fmt.Errorf("orchagent: %q is not a STATE_DB table", t)
		}
		sub, err := swss.NewSubscriberStateTable(ctx, s.db, name, swss.WithLogger(s.log))
		if err != nil {
			s.Close()
			return fmt.Errorf("orchagent: STATE_DB %s: %w", name, err)
		}
		s.subs = append(s.subs, sub)
	}
	return nil
}

// Close implements Source.
func (s *StateSource) Close() error {
	for _, sub := range s.subs {
		sub.Close()
	}
	s.subs = nil
	return nil
}

// Snapshot implements Source: the first Pops of a subscriber is its dump.
func (s *StateSource) Snapshot(ctx context.Context) ([]Change, error) {
	var out []Change
	for _, sub := range s.subs {
		kfvs, err := sub.Pops(ctx)
		if err != nil {
			return nil, fmt.Errorf("orchagent: STATE_DB %s: %w", sub.Table(), err)
		}
		out = append(out, stateChanges(sub.Table(), kfvs)...)
	}
	return out, nil
}

func stateChanges(table string, kfvs []swss.KeyOpFieldValues) []Change {
	out := make([]Change, 0, len(kfvs))
	for _, e := range kfvs {
		ch := Change{Table: StateTable(table), Key: e.Key, Op: OpDel}
		if e.Op != swss.OpDel {
			ch.Op, ch.Fields = OpSet, make(map[string]string, len(e.Fields))
			for _, fv := range e.Fields {
				if fv.Field != "NULL" {
					ch.Fields[fv.Field] = fv.Value
				}
			}
		}
		out = append(out, ch)
	}
	return out
}

// Run implements Source.
func (s *StateSource) Run(ctx context.Context, out chan<- []Change) {
	done := make(chan struct{}, len(s.subs))
	for _, sub := range s.subs {
		go func(sub *swss.SubscriberStateTable) {
			defer func() { done <- struct{}{} }()
			for {
				kfvs, err := sub.Pops(ctx)
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					s.log.Error().Str("table", sub.Table()).Err(err).Msg("STATE_DB read failed; retrying")
					select {
					case <-ctx.Done():
						return
					case <-time.After(s.RetryDelay):
					}
					continue
				}
				select {
				case out <- stateChanges(sub.Table(), kfvs):
				case <-ctx.Done():
					return
				}
			}
		}(sub)
	}
	for range s.subs {
		<-done
	}
}

// WithStateSource returns a Source that delivers the StateTable tables from
// state and every other table from app.
func WithStateSource(app, state Source) Source { return &muxSource{app: app, state: state} }

type muxSource struct {
	app, state Source
	hasState   bool
}

func (m *muxSource) Open(ctx context.Context, tables []string) error {
	var appT, stateT []string
	for _, t := range tables {
		if _, ok := isStateTable(t); ok {
			stateT = append(stateT, t)
		} else {
			appT = append(appT, t)
		}
	}
	if err := m.app.Open(ctx, appT); err != nil {
		return err
	}
	if len(stateT) > 0 {
		if err := m.state.Open(ctx, stateT); err != nil {
			m.app.Close()
			return err
		}
		m.hasState = true
	}
	return nil
}

func (m *muxSource) Snapshot(ctx context.Context) ([]Change, error) {
	out, err := m.app.Snapshot(ctx)
	if err != nil || !m.hasState {
		return out, err
	}
	st, err := m.state.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return append(out, st...), nil
}

func (m *muxSource) Run(ctx context.Context, out chan<- []Change) {
	if !m.hasState {
		m.app.Run(ctx, out)
		return
	}
	done := make(chan struct{})
	go func() { defer close(done); m.state.Run(ctx, out) }()
	m.app.Run(ctx, out)
	<-done
}

func (m *muxSource) Close() error {
	err := m.app.Close()
	if m.hasState {
		if e := m.state.Close(); err == nil {
			err = e
		}
	}
	return err
}
