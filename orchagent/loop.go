package orchagent

import (
	"context"
	"sync"
	"time"

	"github.com/vltgw/vltgw/swss"
)

// maxDrain bounds how many queued batches one round takes in, so a flood
// of changes still gets flushed in bulks of a useful size.
const maxDrain = 64

// Run starts the agent and runs its event loop until ctx ends (a clean
// stop: nil). It returns an error only when the start sequence fails.
func (a *Agent) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer a.cfg.Source.Close() // after the feeders stopped
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	ntfs := make(chan swss.Notification, 1024)
	if a.cfg.Notifications != nil {
		// Subscribed before the switch is read so no port change falls
		// between the initial oper status and the first notification.
		wg.Add(1)
		go func() { defer wg.Done(); a.notificationFeed(ctx, ntfs) }()
	}
	if err := a.start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	changes := make(chan []Change, 64)
	wg.Add(1)
	go func() { defer wg.Done(); a.cfg.Source.Run(ctx, changes) }()

	var retry <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			a.log.Info().Msg("stopping")
			return nil
		case chs := <-changes:
			a.core.apply(chs)
		case n := <-ntfs:
			a.core.notify(n)
		case now := <-retry:
			a.core.wake(now)
		}
	drain:
		for i := 0; i < maxDrain; i++ {
			select {
			case chs := <-changes:
				a.core.apply(chs)
			case n := <-ntfs:
				a.core.notify(n)
			default:
				break drain
			}
		}
		if err := a.core.settle(ctx); err != nil {
			if ctx.Err() != nil {
				continue
			}
			a.log.Error().Err(err).Msg("flush failed; refused rows will be retried")
		}
		retry = nil
		if due, ok := a.core.nextWake(); ok {
			retry = a.cfg.Clock.After(max(due.Sub(a.cfg.Clock.Now()), 0))
		}
		a.settled()
	}
}
