package sairedis

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
)

// Requests is the ASIC_STATE queue producer (a *swss.ProducerTable).
type Requests interface {
	Send(ctx context.Context, entries []swss.QueueEntry) error
}

// Responses is the GETRESPONSE queue consumer (a *swss.ConsumerTable):
// Pops blocks until replies are there and returns them in FIFO order.
type Responses interface {
	Pops(ctx context.Context) ([]swss.KeyOpFieldValues, error)
}

// Config configures a Client.
type Config struct {
	Requests  Requests
	Responses Responses
	Counter   Counter // VIDCOUNTER
	// Timeout is how long to wait for the next reply before giving up on
	// syncd (default 60s, as sairedis' synchronous mode).
	Timeout time.Duration
	// VIDChunk is how many VIDs one INCRBY reserves (default 256).
	VIDChunk    int
	SwitchIndex uint8
	Logger      zerolog.Logger
}

// Client talks to syncd through ASIC_DB. It is meant for one goroutine.
type Client struct {
	mu          sync.Mutex
	req         Requests
	resp        Responses
	timeout     time.Duration
	switchIndex uint8
	log         zerolog.Logger
	vids        vidPool

	buffered []swss.KeyOpFieldValues // replies popped but not yet consumed
	stale    int                     // replies still owed to requests we gave up on
	closer   func() error
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	if cfg.Requests == nil || cfg.Responses == nil || cfg.Counter == nil {
		return nil, errors.New("sairedis: Requests, Responses and Counter are required")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.VIDChunk <= 0 {
		cfg.VIDChunk = 256
	}
	return &Client{
		req: cfg.Requests, resp: cfg.Responses, timeout: cfg.Timeout, switchIndex: cfg.SwitchIndex,
		log:  cfg.Logger.With().Str("component", "sairedis").Logger(),
		vids: vidPool{counter: cfg.Counter, chunk: int64(cfg.VIDChunk)},
	}, nil
}

// SwitchID is the VID of the client's switch.
func (c *Client) SwitchID() uint64 { return SwitchVID(c.switchIndex) }

// Get reads attributes of an object (ids name them; values come back in
// ASIC_DB form with object ids as VIDs).
func (c *Client) Get(ctx context.Context, k *halv1.ObjectKey, ids ...string) ([]Attr, error) {
	key, err := FormatKey(k)
	if err != nil {
		return nil, fmt.Errorf("sairedis: get: %w", err)
	}
	fields := make(swss.FieldValues, len(ids))
	for i, id := range ids {
		fields[i] = swss.FieldValue{Field: id, Value: ""}
	}
	replies, err := c.roundTrip(ctx, []swss.QueueEntry{{Key: key, Op: OpGet, Fields: fields}})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	r := replies[0]
	if r.Key != StatusSuccess {
		return nil, &StatusError{Op: OpGet, Key: key, Status: r.Key}
	}
	out := make([]Attr, len(r.Fields))
	for i, f := range r.Fields {
		out[i] = Attr{ID: f.Field, Value: f.Value}
	}
	return out, nil
}

// NotifyInitView tells syncd a restarted orchagent replays its view now.
func (c *Client) NotifyInitView(ctx context.Context) error { return c.notify(ctx, NotifyInitView) }

// NotifyApplyView tells syncd the replay is complete.
func (c *Client) NotifyApplyView(ctx context.Context) error { return c.notify(ctx, NotifyApplyView) }

func (c *Client) notify(ctx context.Context, what string) error {
	replies, err := c.roundTrip(ctx, []swss.QueueEntry{{Key: what, Op: OpNotify, Fields: swss.FieldValues{}}})
	if err != nil {
		return fmt.Errorf("notify %s: %w", what, err)
	}
	if replies[0].Key != StatusSuccess {
		return &StatusError{Op: OpNotify, Key: what, Status: replies[0].Key}
	}
	return nil
}

// roundTrip sends entries and returns exactly one reply per entry, in
// order. On failure it returns the replies received so far; the replies
// still owed are skipped before the next exchange so the FIFO pairing of
// requests and replies survives a timeout.
func (c *Client) roundTrip(ctx context.Context, entries []swss.QueueEntry) ([]swss.KeyOpFieldValues, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.stale > 0 {
		r, err := c.next(ctx)
		if err != nil {
			return nil, fmt.Errorf("skipping %d late replies: %w", c.stale, err)
		}
		c.stale--
		c.log.Warn().Str("status", r.Key).Msg("late reply to an abandoned request skipped")
	}
	if err := c.req.Send(ctx, entries); err != nil {
		return nil, fmt.Errorf("sairedis: send %d requests: %w", len(entries), err)
	}
	out := make([]swss.KeyOpFieldValues, 0, len(entries))
	for len(out) < len(entries) {
		r, err := c.next(ctx)
		if err != nil {
			c.stale += len(entries) - len(out)
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// next returns the next reply, waiting at most the timeout for it.
func (c *Client) next(ctx context.Context) (swss.KeyOpFieldValues, error) {
	for len(c.buffered) == 0 {
		wctx, cancel := context.WithTimeout(ctx, c.timeout)
		rs, err := c.resp.Pops(wctx)
		cancel()
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				return swss.KeyOpFieldValues{}, fmt.Errorf("%w within %v", ErrTimeout, c.timeout)
			}
			return swss.KeyOpFieldValues{}, fmt.Errorf("sairedis: read %s: %w", GetResponseTable, err)
		}
		c.buffered = append(c.buffered, rs...)
	}
	r := c.buffered[0]
	c.buffered = c.buffered[1:]
	return r, nil
}
