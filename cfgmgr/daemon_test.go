package cfgmgr

import (
	"context"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// chanSource is a Source fed by the test.
type chanSource struct {
	initial []Event
	ch      chan []Event
}

func (s *chanSource) Start(context.Context, []string) ([]Event, error) { return s.initial, nil }
func (s *chanSource) Events() <-chan []Event                           { return s.ch }
func (s *chanSource) Err() error                                       { return nil }
func (s *chanSource) Close() error                                     { return nil }

// memStore is an AppStore and ErrorStore in memory.
type memStore struct {
	mu     sync.Mutex
	app    appDB
	errs   map[TableKey]Rejection
	writes int
}

func (m *memStore) ReadApp(context.Context, []string) (map[AppKey]Fields, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[AppKey]Fields{}
	for k, f := range m.app {
		out[k] = f.Clone()
	}
	return out, nil
}

func (m *memStore) WriteApp(_ context.Context, ops []AppOp) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writes++
	m.app.apply(&Plan{App: ops})
	return nil
}

func (m *memStore) ReadErrors(context.Context) (map[TableKey]Rejection, error) {
	return map[TableKey]Rejection{}, nil
}

func (m *memStore) WriteErrors(_ context.Context, ops []ErrorOp) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, op := range ops {
		if op.Rejection == nil {
			delete(m.errs, op.TableKey)
		} else {
			m.errs[op.TableKey] = *op.Rejection
		}
	}
	return nil
}

func TestDaemonLoop(t *testing.T) {
	src := &chanSource{initial: baseConfig(), ch: make(chan []Event, 4)}
	st := &memStore{app: appDB{}, errs: map[TableKey]Rejection{}}
	plans := make(chan *Plan, 8)
	d, err := NewDaemon(DaemonConfig{Source: src, App: st, Errors: st, Logger: zerolog.New(zerolog.NewTestWriter(t)),
		OnPlan: func(p *Plan) { plans <- p }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	<-plans // start
	// Two batches queued before the loop looks are applied as one burst.
	src.ch <- []Event{set(TableVlan, "Vlan30", "vlanid", "30")}
	src.ch <- []Event{set(TableVlanMember, "Vlan30|Ethernet12", "tagging_mode", "tagged"), set(TableVlan, "Vlan4095", "vlanid", "4095")}
	for {
		<-plans
		st.mu.Lock()
		_, ok := st.app[AppKey{AppVlanMemberTable, "Vlan30:Ethernet12"}]
		nerr := len(st.errs)
		st.mu.Unlock()
		if ok && nerr == 1 {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, ok := st.errs[TableKey{TableVlan, "Vlan4095"}]; !ok {
		t.Fatalf("errors %v", st.errs)
	}
}

func TestDaemonSourceClosedEndsRun(t *testing.T) {
	src := &chanSource{ch: make(chan []Event)}
	st := &memStore{app: appDB{}, errs: map[TableKey]Rejection{}}
	d, _ := NewDaemon(DaemonConfig{Source: src, App: st, Errors: st, Logger: zerolog.Nop()})
	close(src.ch)
	if err := d.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
}
