package cfgmgr

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"
)

// Source is the CONFIG_DB side of cfgmgrd.
type Source interface {
	// Start subscribes to the tables and returns the rows that exist (as
	// SET events); later changes arrive on Events.
	Start(ctx context.Context, tables []string) ([]Event, error)
	// Events delivers batches of changes; it is closed when the source
	// fails (Err says why) or is closed.
	Events() <-chan []Event
	// Err returns why Events was closed.
	Err() error
	// Close stops the subscriptions and waits for their goroutines.
	Close() error
}

// AppStore is the APP_DB side: it reads what a previous run left and writes
// a plan's operations as one pipelined batch (ProducerStateTable).
type AppStore interface {
	ReadApp(ctx context.Context, tables []string) (map[AppKey]Fields, error)
	WriteApp(ctx context.Context, ops []AppOp) error
}

// ErrorStore is STATE_DB CFG_ERROR_TABLE.
type ErrorStore interface {
	ReadErrors(ctx context.Context) (map[TableKey]Rejection, error)
	WriteErrors(ctx context.Context, ops []ErrorOp) error
}

// DaemonConfig wires a Daemon.
type DaemonConfig struct {
	Source Source
	App    AppStore
	Errors ErrorStore
	Logger zerolog.Logger
	// Families default to DefaultFamilies().
	Families []Family
	// Translators are whole-table families; nil means DefaultTranslators()
	// (the VLT tables), an empty non-nil slice none.
	Translators []Translator
	// ExtraTables are subscribed and kept in the snapshot without a family.
	ExtraTables []string
	// MaxBurst caps the events applied as one plan (default 16384).
	MaxBurst int
	// OnPlan, if set, is called after each plan is written (tests, metrics).
	OnPlan func(*Plan)
}

// Daemon is cfgmgrd's event loop: one goroutine owns the engine; CONFIG_DB
// batches are merged into bursts and each burst's plan is written as one
// APP_DB batch and one STATE_DB batch.
type Daemon struct {
	cfg DaemonConfig
	eng *Engine
	log zerolog.Logger
}

// NewDaemon checks the configuration.
func NewDaemon(cfg DaemonConfig) (*Daemon, error) {
	if cfg.Source == nil || cfg.App == nil || cfg.Errors == nil {
		return nil, errors.New("cfgmgr: daemon needs a Source, an AppStore and an ErrorStore")
	}
	if cfg.Families == nil {
		cfg.Families = DefaultFamilies()
	}
	if cfg.Translators == nil {
		cfg.Translators = DefaultTranslators()
	}
	if cfg.MaxBurst <= 0 {
		cfg.MaxBurst = 16384
	}
	eng, err := NewEngineWith(cfg.Families, cfg.Translators)
	if err != nil {
		return nil, err
	}
	return &Daemon{cfg: cfg, eng: eng, log: cfg.Logger}, nil
}

// Run subscribes, reconciles with what APP_DB and STATE_DB hold, then
// applies CONFIG_DB changes until ctx ends (returning nil) or the source
// fails.
func (d *Daemon) Run(ctx context.Context) error {
	tables := append(d.eng.Subscriptions(), d.cfg.ExtraTables...)
	initial, err := d.cfg.Source.Start(ctx, tables)
	if err != nil {
		return fmt.Errorf("cfgmgr: subscribe to CONFIG_DB: %w", err)
	}
	defer d.cfg.Source.Close()
	existing, err := d.cfg.App.ReadApp(ctx, d.eng.AppTables())
	if err != nil {
		return fmt.Errorf("cfgmgr: read APP_DB: %w", err)
	}
	errs, err := d.cfg.Errors.ReadErrors(ctx)
	if err != nil {
		return fmt.Errorf("cfgmgr: read STATE_DB %s: %w", ErrorTable, err)
	}
	plan := d.eng.Start(initial, existing, errs)
	d.log.Info().Int("config_rows", len(initial)).Int("app_rows", len(existing)).
		Int("app_ops", len(plan.App)).Int("rejected", len(d.eng.rej)).Msg("started")
	if err := d.write(ctx, plan); err != nil {
		return ignoreCanceled(err)
	}
	events := d.cfg.Source.Events()
	for {
		select {
		case <-ctx.Done():
			return nil
		case batch, ok := <-events:
			if !ok {
				if err := d.cfg.Source.Err(); err != nil && ctx.Err() == nil {
					return fmt.Errorf("cfgmgr: CONFIG_DB subscription: %w", err)
				}
				return nil
			}
			burst := d.drain(events, batch)
			if err := d.write(ctx, d.eng.Apply(burst)); err != nil {
				return ignoreCanceled(err)
			}
		}
	}
}

// drain appends the batches already waiting, up to MaxBurst events.
func (d *Daemon) drain(events <-chan []Event, burst []Event) []Event {
	for len(burst) < d.cfg.MaxBurst {
		select {
		case b, ok := <-events:
			if !ok {
				return burst
			}
			burst = append(burst, b...)
		default:
			return burst
		}
	}
	return burst
}

// write logs the plan's rejections and writes it, retrying while Redis is
// unreachable (the engine has already moved on; the plan must land).
func (d *Daemon) write(ctx context.Context, p *Plan) error {
	d.logPlan(p)
	if !p.Empty() {
		if err := retry(ctx, d.log, "APP_DB", func() error { return d.cfg.App.WriteApp(ctx, p.App) }); err != nil {
			return err
		}
		if err := retry(ctx, d.log, "STATE_DB", func() error { return d.cfg.Errors.WriteErrors(ctx, p.Errors) }); err != nil {
			return err
		}
	}
	if d.cfg.OnPlan != nil {
		d.cfg.OnPlan(p)
	}
	return nil
}

func (d *Daemon) logPlan(p *Plan) {
	for _, op := range p.Errors {
		if op.Rejection == nil {
			d.log.Info().Str("table", op.Table).Str("key", op.Key).Msg("row accepted; error cleared")
			continue
		}
		ev := d.log.Warn()
		if op.Rejection.Pending {
			ev = d.log.Info()
		}
		ev.Str("table", op.Table).Str("key", op.Key).Str("field", op.Rejection.Field).
			Str("reason", op.Rejection.Reason).Bool("pending", op.Rejection.Pending).Msg("row rejected")
	}
	for _, k := range p.Stuck {
		d.log.Error().Str("table", k.Table).Str("key", k.Key).Msg("row did not settle in this burst (rule cycle); kept its last outcome")
	}
	if len(p.App) > 0 {
		d.log.Debug().Int("app_ops", len(p.App)).Int("error_ops", len(p.Errors)).Msg("plan")
	}
}

// retry runs fn until it succeeds or ctx ends, backing off 50 ms to 5 s.
func retry(ctx context.Context, log zerolog.Logger, what string, fn func() error) error {
	wait := 50 * time.Millisecond
	for {
		err := fn()
		if err == nil || ctx.Err() != nil {
			if err != nil {
				return ctx.Err()
			}
			return nil
		}
		log.Error().Err(err).Dur("retry_in", wait).Msgf("write %s failed", what)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 5*time.Second)
	}
}

func ignoreCanceled(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}
