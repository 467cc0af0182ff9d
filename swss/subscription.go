package swss

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// errSubscriptionClosed is returned by blocking calls after Close.
var errSubscriptionClosed = errors.New("subscription closed")

// subscription is the Redis pub/sub side of every consumer: one channel or
// one pattern, read through go-redis' background receiver, which reconnects
// and re-subscribes by itself after a Redis restart.
//
// Re-subscriptions are surfaced (as resubscribed) because whatever was
// published while the connection was down is lost: state-table consumers
// pop at once instead of waiting for the poll, and a SubscriberStateTable
// re-reads its whole table.
type subscription struct {
	ps        *redis.PubSub
	ch        <-chan any
	closeOnce sync.Once
}

// subscribeChannel subscribes to one channel (pattern false) or one
// pattern and waits for Redis' acknowledgement, so that nothing published
// after the constructor returns is missed.
//
// The receiver blocks rather than drops when the consumer is slow (a
// dropped keyspace event would be a lost change): Redis then eventually
// disconnects the client on its pub/sub output-buffer limit, go-redis
// reconnects, and the re-subscription triggers the consumer's resync.
func subscribeChannel(ctx context.Context, c *redis.Client, name string, pattern bool, size int) (*subscription, error) {
	var ps *redis.PubSub
	if pattern {
		ps = c.PSubscribe(ctx, name)
	} else {
		ps = c.Subscribe(ctx, name)
	}
	// go-redis reads the confirmation without a deadline when ctx has
	// none, and does not watch ctx: closing the PubSub when ctx ends is
	// what makes a server that never answers (or a stop signal) end the
	// wait.
	stop := context.AfterFunc(ctx, func() { ps.Close() })
	reply, err := ps.Receive(ctx)
	if !stop() { // ctx ended: the PubSub is closed (or closing)
		return nil, fmt.Errorf("waiting for the %s confirmation: %w", name, ctx.Err())
	}
	if err != nil {
		ps.Close()
		return nil, err
	}
	if sub, ok := reply.(*redis.Subscription); !ok || (sub.Kind != "subscribe" && sub.Kind != "psubscribe") {
		ps.Close()
		return nil, fmt.Errorf("subscribe %s: got %v instead of the confirmation", name, reply)
	}
	ch := ps.ChannelWithSubscriptions(redis.WithChannelSize(size), redis.WithChannelSendTimeout(24*time.Hour))
	return &subscription{ps: ps, ch: ch}, nil
}

// close releases the subscription. The receiver goroutine may be blocked
// handing over a message nobody will read: drain until it closes the
// channel, so no goroutine outlives Close.
func (s *subscription) close() error {
	err := errSubscriptionClosed
	s.closeOnce.Do(func() {
		err = s.ps.Close()
		go func() {
			for range s.ch {
			}
		}()
	})
	return err
}

// event is what one receive produced: a message, or a re-subscription.
type event struct {
	msg           *redis.Message
	resubscribed  bool
	closed        bool
	pollTimedOut  bool
	contextClosed error
}

// next blocks for one event, the poll period (poll <= 0: no poll), or ctx.
func (s *subscription) next(ctx context.Context, poll time.Duration) event {
	var tick <-chan time.Time
	if poll > 0 {
		t := time.NewTimer(poll)
		defer t.Stop()
		tick = t.C
	}
	select {
	case <-ctx.Done():
		return event{contextClosed: ctx.Err()}
	case <-tick:
		return event{pollTimedOut: true}
	case m, ok := <-s.ch:
		return toEvent(m, ok)
	}
}

// tryNext returns an event already queued, without blocking.
func (s *subscription) tryNext() (event, bool) {
	select {
	case m, ok := <-s.ch:
		return toEvent(m, ok), true
	default:
		return event{}, false
	}
}

// tryNextIf is tryNext when room is true, and takes nothing otherwise.
func (s *subscription) tryNextIf(room bool) (event, bool) {
	if !room {
		return event{}, false
	}
	return s.tryNext()
}

func toEvent(m any, ok bool) event {
	if !ok {
		return event{closed: true}
	}
	switch m := m.(type) {
	case *redis.Message:
		return event{msg: m}
	case *redis.Subscription:
		// Only (p)subscribe acknowledgements mean "connected again"; the
		// first one was consumed by subscribeChannel.
		return event{resubscribed: m.Kind == "subscribe" || m.Kind == "psubscribe"}
	}
	return event{}
}

// waitAndPop pops; when nothing is pending it waits for a wake-up on the
// table channel, a re-subscription, or the poll period (a PUBLISH lost
// across a reconnect must not stall a consumer), and pops again. Wake-ups
// that piled up meanwhile are discarded: one pop serves them all.
func waitAndPop(ctx context.Context, sub *subscription, poll time.Duration,
	pop func(context.Context) ([]KeyOpFieldValues, error)) ([]KeyOpFieldValues, error) {
	for {
		out, err := pop(ctx)
		if err != nil || len(out) > 0 {
			return out, err
		}
		ev := sub.next(ctx, poll)
		switch {
		case ev.contextClosed != nil:
			return nil, ev.contextClosed
		case ev.closed:
			return nil, errSubscriptionClosed
		}
		for i := 0; i < 4096; i++ {
			if ev, ok := sub.tryNext(); !ok || ev.closed {
				break
			}
		}
	}
}
