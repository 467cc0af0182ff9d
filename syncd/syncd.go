package syncd

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/halclient"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// Queue yields ASIC_STATE queue items in order; Pop blocks until at least
// one item is there or ctx ends.
type Queue interface {
	Pop(ctx context.Context) ([]Item, error)
}

// Responder sends GETRESPONSE messages, in order.
type Responder interface {
	Send(ctx context.Context, replies []Reply) error
}

// Notifier publishes on the ASIC_DB NOTIFICATIONS channel: the JSON array
// [op, data, f1, v1, …].
type Notifier interface {
	Notify(ctx context.Context, op, data string, fields []FV) error
}

// Config configures a Syncd.
type Config struct {
	ASIC      *redis.Client // ASIC_DB (state hashes, maps, VIDCOUNTER)
	State     *redis.Client // STATE_DB for SYNCD_STATS|global; nil = no stats
	Queue     Queue
	Responder Responder
	Notifier  Notifier
	// HAL is how to reach the platform. Syncd sets RequireAck and
	// OnSessionChange itself.
	HAL    halclient.Options
	Logger zerolog.Logger
	// MaxWriteOps caps the ops of one HAL write (default 16384).
	MaxWriteOps int
	// ChunkObjects cuts a large queue batch into parts of about this many
	// objects whose ASIC_DB writes and replies overlap the next part's HAL
	// write (default 4096).
	ChunkObjects int
	// OnReady, if set, runs once the maps are loaded and the queue is
	// about to be consumed (tests use it).
	OnReady func()
}

// Syncd is the ASIC_DB → HAL agent. All fields are owned by Run's goroutine.
type Syncd struct {
	cfg   Config
	log   zerolog.Logger
	hal   *halclient.Client
	state *stateWriter
	ids   *idMap
	cold  map[uint64]string // VID → role of objects found on the platform
	view  *tempView         // non-nil between INIT_VIEW and APPLY_VIEW
	stats stats

	switchVID uint64
	replaying bool                        // inside platformRestarted
	ridTypes  map[uint64]halv1.ObjectType // types of platform objects seen in List
	session   string                      // platform session ASIC_DB describes
	acked     string                      // platform session HAL calls are made for (fence.go)

	errKeys map[string]struct{} // keys with a SYNCD_ERROR_TABLE row

	sessionCh chan struct{}
	events    chan *halv1.Event
}

// New checks the configuration; Run does the work.
func New(cfg Config) (*Syncd, error) {
	if cfg.ASIC == nil || cfg.Queue == nil || cfg.Responder == nil {
		return nil, errors.New("syncd: ASIC, Queue and Responder are required")
	}
	if cfg.MaxWriteOps <= 0 {
		cfg.MaxWriteOps = 16384
	}
	if cfg.ChunkObjects <= 0 {
		cfg.ChunkObjects = 4096
	}
	s := &Syncd{
		cfg:       cfg,
		log:       cfg.Logger.With().Str("component", "syncd").Logger(),
		state:     newStateWriter(cfg.ASIC, cfg.State),
		ids:       newIDMap(),
		cold:      make(map[uint64]string),
		ridTypes:  make(map[uint64]halv1.ObjectType),
		errKeys:   make(map[string]struct{}),
		sessionCh: make(chan struct{}, 1),
		events:    make(chan *halv1.Event, 1024),
	}
	return s, nil
}

// Run connects to the platform, reconciles ASIC_DB with it, then consumes
// the queue until ctx ends. A batch already popped when ctx ends is still
// applied and answered.
func (s *Syncd) Run(ctx context.Context) error {
	opts := s.cfg.HAL
	opts.RequireAck = true
	if opts.Client == "" {
		opts.Client = "syncd"
	}
	opts.Logger = s.log
	opts.OnSessionChange = func(halclient.SessionChange) {
		select {
		case s.sessionCh <- struct{}{}:
		default:
		}
	}
	hal, err := halclient.Dial(ctx, opts)
	if err != nil {
		if ctx.Err() != nil { // told to stop while waiting for the platform
			s.log.Info().Err(err).Msg("syncd stopped before the platform answered")
			return nil
		}
		return fmt.Errorf("syncd: %w", err)
	}
	s.hal = hal
	defer hal.Close()

	if err := s.startup(ctx); err != nil {
		if ctx.Err() != nil {
			s.log.Info().Err(err).Msg("syncd stopped during start-up")
			return nil
		}
		return err
	}

	s.state.start()
	defer s.state.stop()
	var wg sync.WaitGroup
	gctx, cancel := context.WithCancel(ctx)
	defer func() { cancel(); wg.Wait() }()

	batches := make(chan []Item)
	leftover := make(chan []Item, 1)
	wg.Add(2)
	go func() {
		defer wg.Done()
		s.popLoop(gctx, batches, leftover)
	}()
	go func() {
		defer wg.Done()
		_ = s.hal.Subscribe(gctx, func(ev *halv1.Event) {
			select {
			case s.events <- ev:
			case <-gctx.Done():
			}
		}, nil)
	}()
	if s.cfg.OnReady != nil {
		s.cfg.OnReady()
	}
	s.log.Info().Int("objects", s.ids.len()).Msg("syncd ready")
	// stop finishes at the end of ctx: the batch the popper still held is
	// applied and answered, handed-over writes complete.
	stop := func() error {
		cancel()
		wg.Wait()
		select {
		case items := <-leftover:
			fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			err := s.processItems(fctx, items)
			if err != nil {
				s.log.Error().Err(err).Int("items", len(items)).Msg("last batch at stop")
			}
			fcancel()
		default:
		}
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
		if err := s.state.sync(sctx); err != nil {
			s.log.Error().Err(err).Msg("last writes at stop")
		}
		scancel()
		s.log.Info().Msg("syncd stopped")
		return nil
	}
	// failed ends Run on a handler error, unless the error is only that ctx
	// ended meanwhile (then it is a stop).
	failed := func(err error) error {
		if ctx.Err() != nil {
			s.log.Info().Err(err).Msg("work interrupted by the stop")
			return stop()
		}
		return err
	}
	for {
		select {
		case items := <-batches:
			if err := s.processItems(ctx, items); err != nil {
				return failed(err)
			}
		case ev := <-s.events:
			if err := s.handleEvent(ctx, ev); err != nil {
				return failed(err)
			}
		case <-s.sessionCh:
			if err := s.checkPlatform(ctx); err != nil {
				return failed(err)
			}
		case <-ctx.Done():
			return stop()
		}
	}
}

// popLoop pops queue batches and hands them to the loop one at a time.
func (s *Syncd) popLoop(ctx context.Context, out chan<- []Item, leftover chan<- []Item) {
	for {
		items, err := s.cfg.Queue.Pop(ctx)
		if len(items) > 0 {
			select {
			case out <- items:
			case <-ctx.Done():
				leftover <- items
				return
			}
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.log.Error().Err(err).Msg("ASIC_STATE pop")
			t := time.NewTimer(100 * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
	}
}

// checkPlatform runs when the HAL client saw a session change.
func (s *Syncd) checkPlatform(ctx context.Context) error {
	if s.hal.Session() == s.session {
		return nil
	}
	return s.platformRestarted(ctx)
}

// ridType tells the type of a platform object id: from List, else by the
// VID-like layout platforms use.
func (s *Syncd) ridType(rid uint64) halv1.ObjectType {
	if t, ok := s.ridTypes[rid]; ok {
		return t
	}
	if _, ok := objectTypeOf(typeName(vidType(rid))); ok {
		return vidType(rid)
	}
	return halv1.ObjectType_OBJECT_TYPE_UNSPECIFIED
}
