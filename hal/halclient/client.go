package halclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ErrSessionChanged is returned (as a *SessionChangedError, which matches
// it with errors.Is) by a call that found the platform restarted (its
// session id changed) since the caller last acknowledged the session with
// AckSession. Only returned when Options.RequireAck is set; otherwise the
// change is only reported through OnSessionChange.
var ErrSessionChanged = errors.New("halclient: platform session changed")

// SessionChangedError is the error of a call made for a session the
// platform no longer serves: either the client knew it already (the call
// was not sent) or the platform refused it (Refused: the platform checked
// the session the call carried and applied nothing; see service Hal in
// hal.proto). Either way the call had no effect. errors.Is(err,
// ErrSessionChanged) holds.
type SessionChangedError struct {
	Acked   string // the session the call was made for
	Current string // the platform's session now
	Refused bool   // the platform refused the call (else it was not sent)
}

func (e *SessionChangedError) Error() string {
	how := "not sent"
	if e.Refused {
		how = "refused by the platform"
	}
	return fmt.Sprintf("%s: %s -> %s (%s)", ErrSessionChanged, e.Acked, e.Current, how)
}

// Is makes errors.Is(err, ErrSessionChanged) hold.
func (e *SessionChangedError) Is(target error) bool { return target == ErrSessionChanged }

// Client is a HAL client. It is safe for concurrent use.
type Client struct {
	opts Options
	conn *grpc.ClientConn
	hal  halv1.HalClient

	ctx    context.Context // lives until Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	helloMu sync.Mutex // serialises Hello and session bookkeeping
	mu      sync.Mutex // guards the fields below
	hello   *halv1.HelloResponse
	session string
	acked   string

	stale   atomic.Bool // the connection left READY since the last Hello
	changes atomic.Uint64
}

// Dial connects to the platform and runs Hello, retrying with backoff until
// ctx ends. The returned client owns a watcher goroutine; Close stops it.
func Dial(ctx context.Context, opts Options) (*Client, error) {
	target, creds, err := targetOf(opts)
	if err != nil {
		return nil, err
	}
	opts.Backoff = opts.Backoff.withDefaults()
	if opts.Client == "" {
		opts.Client = "halclient"
	}
	conn, err := grpc.NewClient(target,
		grpc.WithTransportCredentials(creds),
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff: backoff.Config{
				BaseDelay:  opts.Backoff.Initial,
				Multiplier: 1.6,
				Jitter:     0.2,
				MaxDelay:   opts.Backoff.Max,
			},
			MinConnectTimeout: time.Second,
		}),
		grpc.WithDefaultCallOptions(
			grpc.WaitForReady(true),
			grpc.MaxCallRecvMsgSize(256<<20),
			grpc.MaxCallSendMsgSize(256<<20),
		),
	)
	if err != nil {
		return nil, fmt.Errorf("halclient: dial %s: %w", opts.Address, err)
	}
	cctx, cancel := context.WithCancel(context.Background())
	c := &Client{opts: opts, conn: conn, hal: halv1.NewHalClient(conn), ctx: cctx, cancel: cancel}
	c.stale.Store(true)
	conn.Connect()
	if _, err := c.CheckSession(ctx); err != nil {
		cancel()
		_ = conn.Close()
		return nil, fmt.Errorf("halclient: hello %s: %w", opts.Address, err)
	}
	c.mu.Lock()
	c.acked = c.session
	c.mu.Unlock()
	c.wg.Add(1)
	go c.watch()
	return c, nil
}

func targetOf(opts Options) (string, credentials.TransportCredentials, error) {
	addr := opts.Address
	if addr == "" {
		addr = DefaultSocket
	}
	switch {
	case strings.HasPrefix(addr, "unix://"), strings.HasPrefix(addr, "unix:"):
		return addr, insecure.NewCredentials(), nil
	case strings.HasPrefix(addr, "/"), strings.HasPrefix(addr, "."):
		return "unix://" + addr, insecure.NewCredentials(), nil
	default:
		if opts.TLS == nil {
			return "", nil, fmt.Errorf("halclient: TCP address %q needs TLS", addr)
		}
		return "dns:///" + addr, credentials.NewTLS(opts.TLS), nil
	}
}

// Close stops the watcher and closes the connection.
func (c *Client) Close() error {
	c.cancel()
	err := c.conn.Close()
	c.wg.Wait()
	return err
}

// Raw gives the generated client for calls this package does not wrap.
func (c *Client) Raw() halv1.HalClient { return c.hal }

// Hello returns the last HelloResponse (never nil after Dial).
func (c *Client) Hello() *halv1.HelloResponse {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hello
}

// Session returns the platform session id known now.
func (c *Client) Session() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.session
}

// SessionChanges counts session changes seen since Dial.
func (c *Client) SessionChanges() uint64 { return c.changes.Load() }

// AckSession acknowledges the current session: calls stop returning
// ErrSessionChanged. It returns the Hello of that session.
func (c *Client) AckSession() *halv1.HelloResponse {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acked = c.session
	return c.hello
}

// CheckSession re-runs Hello if the connection was lost since the last one
// (or force is implied by a fresh client) and reports whether the session id
// changed. OnSessionChange runs before it returns true.
func (c *Client) CheckSession(ctx context.Context) (bool, error) {
	c.helloMu.Lock()
	defer c.helloMu.Unlock()
	if !c.stale.Load() {
		return false, nil
	}
	return c.helloLocked(ctx)
}

// Rehello runs Hello now, whatever the connection state, and reports whether
// the session id changed.
func (c *Client) Rehello(ctx context.Context) (bool, error) {
	c.helloMu.Lock()
	defer c.helloMu.Unlock()
	return c.helloLocked(ctx)
}

func (c *Client) helloLocked(ctx context.Context) (bool, error) {
	c.stale.Store(false)
	resp, err := c.hal.Hello(ctx, &halv1.HelloRequest{Client: c.opts.Client})
	if err != nil {
		c.stale.Store(true)
		return false, err
	}
	c.mu.Lock()
	old := c.session
	c.session = resp.GetSessionId()
	c.hello = resp
	c.mu.Unlock()
	if old == "" || old == resp.GetSessionId() {
		return false, nil
	}
	c.changes.Add(1)
	c.opts.Logger.Warn().Str("old_session", old).Str("new_session", resp.GetSessionId()).Msg("platform session changed")
	if c.opts.OnSessionChange != nil {
		c.opts.OnSessionChange(SessionChange{Old: old, New: resp.GetSessionId(), Hello: resp})
	}
	return true, nil
}

// guard checks the session before a call that carries object ids. With
// RequireAck it returns ctx carrying the acknowledged session as request
// metadata (halv1.SessionMetadataKey): the platform refuses the call if it
// serves another session by then, which closes the gap between this check
// and the send. Without RequireAck no session is sent (calls are not tied
// to one platform; the platform serves them as an old client's).
func (c *Client) guard(ctx context.Context) (context.Context, error) {
	if _, err := c.CheckSession(ctx); err != nil {
		return ctx, fmt.Errorf("halclient: hello: %w", err)
	}
	if !c.opts.RequireAck {
		return ctx, nil
	}
	c.mu.Lock()
	acked, session := c.acked, c.session
	c.mu.Unlock()
	if session != acked {
		return ctx, &SessionChangedError{Acked: acked, Current: session}
	}
	return halv1.WithSession(ctx, acked), nil
}

// refused turns the platform's session refusal of a call into a
// *SessionChangedError, after running Hello so that Session, Hello and
// OnSessionChange know the new session (AckSession then acknowledges it).
// Other errors are returned as they are.
func (c *Client) refused(ctx context.Context, err error) error {
	current, ok := halv1.SessionMismatchOf(err)
	if !ok {
		return err
	}
	c.mu.Lock()
	acked := c.acked
	c.mu.Unlock()
	c.stale.Store(true) // the next guard runs Hello if this one fails
	if _, herr := c.CheckSession(ctx); herr != nil {
		c.opts.Logger.Warn().Err(herr).Msg("HAL hello after a session refusal")
	}
	if s := c.Session(); s != acked && s != "" {
		current = s
	}
	return &SessionChangedError{Acked: acked, Current: current, Refused: true}
}

// watch marks the session stale whenever the connection leaves READY, keeps
// reconnecting, and re-runs Hello once it is back so a restart is reported
// even when nobody is calling.
func (c *Client) watch() {
	defer c.wg.Done()
	state := c.conn.GetState()
	for {
		if !c.conn.WaitForStateChange(c.ctx, state) {
			return
		}
		next := c.conn.GetState()
		if state == connectivity.Ready && next != connectivity.Ready {
			c.stale.Store(true)
			c.opts.Logger.Info().Str("state", next.String()).Msg("HAL connection lost")
		}
		if next == connectivity.Idle {
			c.conn.Connect()
		}
		if next == connectivity.Ready && c.stale.Load() {
			ctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
			if _, err := c.CheckSession(ctx); err != nil && c.ctx.Err() == nil {
				c.opts.Logger.Warn().Err(err).Msg("HAL hello after reconnect")
			}
			cancel()
		}
		state = next
	}
}

// Write sends one bulk write.
func (c *Client) Write(ctx context.Context, req *halv1.WriteRequest) (*halv1.WriteResponse, error) {
	ctx, err := c.guard(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.hal.Write(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("halclient: write (%d ops): %w", len(req.GetOps()), c.refused(ctx, err))
	}
	if len(resp.GetResults()) != len(req.GetOps()) {
		return nil, fmt.Errorf("halclient: write: %d results for %d ops", len(resp.GetResults()), len(req.GetOps()))
	}
	return resp, nil
}

// Get reads attributes of one object (all of them when ids is empty).
func (c *Client) Get(ctx context.Context, key *halv1.ObjectKey, ids ...string) (*halv1.GetResponse, error) {
	ctx, err := c.guard(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.hal.Get(ctx, &halv1.GetRequest{Key: key, AttrIds: ids})
	if err != nil {
		return nil, fmt.Errorf("halclient: get %v: %w", key, c.refused(ctx, err))
	}
	return resp, nil
}

// GetStats reads counters of one object.
func (c *Client) GetStats(ctx context.Context, key *halv1.ObjectKey, ids ...string) (*halv1.GetStatsResponse, error) {
	ctx, err := c.guard(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := c.hal.GetStats(ctx, &halv1.GetStatsRequest{Key: key, CounterIds: ids})
	if err != nil {
		return nil, fmt.Errorf("halclient: get stats %v: %w", key, c.refused(ctx, err))
	}
	return resp, nil
}

// Capabilities returns the platform's table sizes.
func (c *Client) Capabilities(ctx context.Context) (*halv1.CapabilitiesResponse, error) {
	resp, err := c.hal.Capabilities(ctx, &halv1.CapabilitiesRequest{})
	if err != nil {
		return nil, fmt.Errorf("halclient: capabilities: %w", err)
	}
	return resp, nil
}

// ListFunc streams the objects of one type (UNSPECIFIED = all, in dependency
// order) to fn; an error from fn stops the stream and is returned.
func (c *Client) ListFunc(ctx context.Context, t halv1.ObjectType, fn func(*halv1.Object) error) error {
	ctx, err := c.guard(ctx)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.hal.List(sctx, &halv1.ListRequest{Type: t})
	if err != nil {
		return fmt.Errorf("halclient: list %s: %w", t, c.refused(ctx, err))
	}
	for {
		obj, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("halclient: list %s: %w", t, c.refused(ctx, err))
		}
		if err := fn(obj); err != nil {
			return err
		}
	}
}

// List collects the objects of one type.
func (c *Client) List(ctx context.Context, t halv1.ObjectType) ([]*halv1.Object, error) {
	var out []*halv1.Object
	err := c.ListFunc(ctx, t, func(o *halv1.Object) error {
		out = append(out, o)
		return nil
	})
	return out, err
}

// Subscribe delivers platform events to fn until ctx ends, re-subscribing
// with backoff when the stream breaks (events during the gap are lost; the
// session check after a reconnect reports a restart). onSubscribed, if not
// nil, runs each time a stream is established. It returns ctx.Err().
func (c *Client) Subscribe(ctx context.Context, fn func(*halv1.Event), onSubscribed func()) error {
	var delay time.Duration
	for {
		err := c.subscribeOnce(ctx, fn, onSubscribed, &delay)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		delay = c.opts.Backoff.next(delay)
		c.opts.Logger.Info().Err(err).Dur("retry_in", delay).Msg("HAL event stream ended")
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (c *Client) subscribeOnce(ctx context.Context, fn func(*halv1.Event), onSubscribed func(), delay *time.Duration) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.hal.Subscribe(ctx, &halv1.SubscribeRequest{})
	if err != nil {
		return err
	}
	// The stream is established once headers arrive; then look at the session.
	if _, err := stream.Header(); err != nil {
		return err
	}
	if _, err := c.CheckSession(ctx); err != nil {
		return err
	}
	*delay = 0
	if onSubscribed != nil {
		onSubscribed()
	}
	for {
		ev, err := stream.Recv()
		if err != nil {
			return err
		}
		fn(ev)
	}
}

// PacketIO opens the PacketIO stream (pass-through; the caller owns it and
// ends it by cancelling ctx).
func (c *Client) PacketIO(ctx context.Context) (halv1.Hal_PacketIOClient, error) {
	s, err := c.hal.PacketIO(ctx)
	if err != nil {
		return nil, fmt.Errorf("halclient: packetio: %w", err)
	}
	return s, nil
}
