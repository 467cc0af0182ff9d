package vs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// Version is reported in Hello.
const Version = "vltgw-vs/1"

// Options tune a Switch beyond its platform file.
type Options struct {
	Logger zerolog.Logger
	// Now is the clock for FDB aging and capture timestamps; default
	// time.Now. Tests inject one and call AgeFDB.
	Now func() time.Time
	// AgingInterval is how often the aging sweep runs; default 1s, negative
	// disables the background sweep (AgeFDB still works).
	AgingInterval time.Duration
	// EventQueue bounds each Subscribe stream's queue (default 1<<20) and
	// PuntQueue each PacketIO stream's (default 4096); beyond them items
	// are dropped and counted.
	EventQueue int
	PuntQueue  int
}

// Switch is one virtual switch: the object store, the forwarding
// pipeline, the ports' wires, and the event and packet streams.
type Switch struct {
	cfg     Config
	log     zerolog.Logger
	now     func() time.Time
	session string

	mu     sync.RWMutex // guards st; the pipeline holds it shared
	st     *store
	stages stageCounters

	events          *hub[*halv1.Event]
	punts           *hub[*halv1.PacketIn]
	packetOutErrors atomic.Uint64
	ports           []*port // front-panel ports, config order (immutable after New)

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	close  sync.Once
}

// New builds a switch from a platform configuration, creates its
// platform objects, opens its wires and starts them.
func New(cfg *Config, opts Options) (*Switch, error) {
	if cfg == nil {
		return nil, errors.New("vs: no platform config")
	}
	c := *cfg
	c.Ports = append([]PortConfig(nil), cfg.Ports...)
	if err := c.normalize(); err != nil {
		return nil, fmt.Errorf("vs: platform config: %w", err)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AgingInterval == 0 {
		opts.AgingInterval = time.Second
	}
	if opts.EventQueue <= 0 {
		opts.EventQueue = 1 << 20
	}
	if opts.PuntQueue <= 0 {
		opts.PuntQueue = 4096
	}
	var sid [8]byte
	if _, err := rand.Read(sid[:]); err != nil {
		return nil, fmt.Errorf("vs: session id: %w", err)
	}
	s := &Switch{
		cfg: c, log: opts.Logger, now: opts.Now, session: hex.EncodeToString(sid[:]),
		events: newHub[*halv1.Event](opts.EventQueue),
		punts:  newHub[*halv1.PacketIn](opts.PuntQueue),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.st = newStore(opts.Logger, opts.Now, &s.stages, &c)
	s.boot()
	for i, pc := range c.Ports {
		w, err := newWire(&c, pc, s.log)
		if err != nil {
			for _, p := range s.ports[:i] {
				_ = p.wire.Close()
			}
			return nil, fmt.Errorf("vs: port %s: %w", pc.Name, err)
		}
		s.ports[i].wire = w
	}
	s.mu.Lock()
	for _, p := range s.ports {
		s.st.advertise(p) // admin down at start
	}
	s.mu.Unlock()
	for _, p := range s.ports {
		p.wire.Start(&portHandler{sw: s, p: p})
	}
	if opts.AgingInterval > 0 {
		s.wg.Add(1)
		go s.agingLoop(opts.AgingInterval)
	}
	s.log.Info().Str("session", s.session).Int("ports", len(s.ports)).Str("mac", c.SwitchMAC).Msg("virtual switch started")
	return s, nil
}

// Close announces the shutdown on Subscribe streams, stops the wires and
// the background goroutines. It is safe to call more than once.
func (s *Switch) Close() error {
	var err error
	s.close.Do(func() {
		s.events.publish(&halv1.Event{Event: &halv1.Event_SwitchShutdown{SwitchShutdown: &halv1.SwitchShutdownEvent{Reason: "platform stopping"}}})
		s.cancel()
		s.wg.Wait()
		var errs []error
		for _, p := range s.ports {
			if p.wire != nil {
				errs = append(errs, p.wire.Close())
			}
		}
		err = errors.Join(errs...)
		s.log.Info().Msg("virtual switch stopped")
	})
	return err
}

// Done is closed when Close starts.
func (s *Switch) Done() <-chan struct{} { return s.ctx.Done() }

// Session is the random id of this run, reported in Hello.
func (s *Switch) Session() string { return s.session }

// SwitchID is the switch object's id.
func (s *Switch) SwitchID() uint64 { return s.st.switchOID }

// Write applies a bulk request under one lock: one result per op.
func (s *Switch) Write(req *halv1.WriteRequest) *halv1.WriteResponse {
	s.mu.Lock()
	resp := s.st.write(req)
	s.events.publish(s.st.drain()...)
	s.mu.Unlock()
	return resp
}

// Get reads attributes of one object (see halv1.GetRequest).
func (s *Switch) Get(key *halv1.ObjectKey, ids ...string) *halv1.GetResponse {
	s.mu.RLock()
	attrs, err := s.st.get(key, ids)
	s.mu.RUnlock()
	if err != nil {
		r := resultOf(err, 0)
		return &halv1.GetResponse{Status: r.Status, Message: r.Message}
	}
	return &halv1.GetResponse{Attrs: attrs}
}

// List snapshots the objects of a type (UNSPECIFIED = all, in dependency
// order).
func (s *Switch) List(t halv1.ObjectType) ([]*halv1.Object, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.list(t)
}

// AgeFDB runs one aging sweep at the clock's current time and returns how
// many entries aged out.
func (s *Switch) AgeFDB() int {
	s.mu.Lock()
	n := s.st.age(s.now())
	s.events.publish(s.st.drain()...)
	s.mu.Unlock()
	return n
}

func (s *Switch) agingLoop(every time.Duration) {
	defer s.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.AgeFDB()
		}
	}
}

// portHandler receives one port's wire events.
type portHandler struct {
	sw *Switch
	p  *port
}

func (h *portHandler) Frame(frame []byte) { h.sw.receive(h.p, frame) }

func (h *portHandler) Oversize(int) {
	h.p.counters.rxErrors.Add(1)
	h.p.counters.rxDropped.Add(1)
	h.sw.stages.inc(stDropOversize)
}

func (h *portHandler) Carrier(up bool) {
	h.sw.mu.Lock()
	h.p.carrier.Store(up)
	h.sw.st.updateOper(h.p)
	h.sw.events.publish(h.sw.st.drain()...)
	h.sw.mu.Unlock()
}
