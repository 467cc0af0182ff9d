package orchagent

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/swss"
)

// Config configures an Agent.
type Config struct {
	Client        Client             // ASIC_DB (sairedis)
	Source        Source             // APP_DB
	Notifications NotificationSource // ASIC_DB NOTIFICATIONS; nil = none
	State         StateWriter        // STATE_DB (and APP_DB oper_status)
	// MAC is the switch MAC (SRC_MAC_ADDRESS of the switch and the default
	// of router interfaces); nil keeps the platform's.
	MAC    net.HardwareAddr
	Clock  Clock // default SystemClock
	Logger zerolog.Logger
	// Extra orchs (the VLT ones), built after the core orchs.
	Extra []OrchFactory
	// OnSettled, if set, runs on the event loop after each settle with
	// the number of rows still queued (tests, benchmarks).
	OnSettled func(pending int)
}

// Agent is orchagent: it creates the switch, replays APP_DB between
// INIT_VIEW and APPLY_VIEW, then runs the event loop. One goroutine (Run's)
// owns all state; APP_DB consumers and the notification reader feed it over
// channels.
type Agent struct {
	cfg  Config
	log  zerolog.Logger
	core *core
	env  *Env
	sw   *SwitchInfo
}

// New checks cfg.
func New(cfg Config) (*Agent, error) {
	if cfg.Client == nil || cfg.Source == nil || cfg.State == nil {
		return nil, errors.New("orchagent: Client, Source and State are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	log := cfg.Logger.With().Str("component", "orchagent").Logger()
	return &Agent{cfg: cfg, log: log, core: newCore(log, cfg.Client, cfg.State, cfg.Clock)}, nil
}

// Stats returns the agent's counters; call it from OnSettled or after Run.
func (a *Agent) Stats() Stats { return a.core.stats }

// build creates the switch-dependent environment and the orchs.
func (a *Agent) build(sw *SwitchInfo) error {
	a.sw = sw
	env := &Env{
		ASIC: a.core.ops, Switch: sw, Events: &Events{}, State: a.cfg.State, Clock: a.cfg.Clock,
		Log: a.log, Resync: a.core.Resync, AfterFunc: a.core.afterFunc,
	}
	owners := routeOwners{}
	ports := newPortsOrch(env)
	vlans := newVlanOrch(env, ports)
	intfs := newIntfsOrch(env, ports, vlans, owners)
	neighs := newNeighOrch(env, intfs)
	routes := newRouteOrch(env, intfs, neighs, owners)
	env.Ports, env.Vlans, env.Intfs, env.Neighs = ports, vlans, intfs, neighs
	a.env = env
	for _, o := range []Orch{newCoppOrch(env), ports, vlans, intfs, neighs, routes} {
		if err := a.core.register(o); err != nil {
			return err
		}
	}
	for _, f := range a.cfg.Extra {
		o, err := f(env)
		if err != nil {
			return fmt.Errorf("orchagent: extra orch: %w", err)
		}
		if err := a.core.register(o); err != nil {
			return err
		}
	}
	for _, o := range a.core.orchs {
		if s, ok := o.(Starter); ok {
			if err := s.Start(); err != nil {
				return fmt.Errorf("orchagent: start %s: %w", o.Name(), err)
			}
		}
	}
	return nil
}

func (a *Agent) tables() []string {
	out := make([]string, 0, len(a.core.tables))
	for _, ts := range a.core.tables {
		out = append(out, ts.name)
	}
	return out
}

// boot creates the switch, sends INIT_VIEW and builds the orchs.
//
// SONiC sends INIT_VIEW before creating the switch, and syncd (like
// sairedis') creates a switch right away even in init-view mode. Creating
// it before INIT_VIEW as well keeps the gets that follow independent of
// that rule: syncd maps it, or finds it already mapped after an orchagent
// restart. The create is sent again inside the view so the switch is part
// of the view orchagent replays; syncd sets only the attributes that
// differ from its ASIC_DB row.
func (a *Agent) boot(ctx context.Context) error {
	sw, err := initSwitch(ctx, a.cfg.Client, a.cfg.MAC, a.log)
	if err != nil {
		return fmt.Errorf("orchagent: %w", err)
	}
	if err := a.cfg.Client.NotifyInitView(ctx); err != nil {
		return fmt.Errorf("orchagent: %w", err)
	}
	if err := createSwitch(ctx, a.cfg.Client, a.cfg.MAC); err != nil {
		return fmt.Errorf("orchagent: in the view: %w", err)
	}
	return a.build(sw)
}

// start runs the restart sequence: boot, APP_DB replay until it settles,
// APPLY_VIEW.
func (a *Agent) start(ctx context.Context) error {
	if err := a.boot(ctx); err != nil {
		return err
	}
	if err := a.cfg.Source.Open(ctx, a.tables()); err != nil {
		return err
	}
	snap, err := a.cfg.Source.Snapshot(ctx)
	if err != nil {
		return fmt.Errorf("orchagent: APP_DB replay: %w", err)
	}
	a.core.apply(snap)
	if err := a.core.settle(ctx); err != nil {
		return fmt.Errorf("orchagent: APP_DB replay: %w", err)
	}
	if err := a.cfg.Client.NotifyApplyView(ctx); err != nil {
		// syncd applied what the platform accepted; the refusals are in its
		// log and ASIC_DB shows the truth. Carry on rather than leave the
		// switch unmanaged.
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.log.Error().Err(err).Msg("APPLY_VIEW refused; continuing with what syncd applied")
	}
	a.log.Info().Int("rows", len(snap)).Int("pending", a.core.pendingCount()).Msg("APP_DB replayed; APPLY_VIEW sent")
	a.settled()
	return nil
}

func (a *Agent) settled() {
	if a.cfg.OnSettled != nil {
		a.cfg.OnSettled(a.core.pendingCount())
	}
}

// notificationFeed reads notifications into ch until ctx ends.
func (a *Agent) notificationFeed(ctx context.Context, ch chan<- swss.Notification) {
	for {
		n, err := a.cfg.Notifications.Pop(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			a.log.Error().Err(err).Msg("NOTIFICATIONS read failed; retrying")
			select {
			case <-ctx.Done():
				return
			case <-a.cfg.Clock.After(retryMin):
			}
			continue
		}
		select {
		case ch <- n:
		case <-ctx.Done():
			return
		}
	}
}
