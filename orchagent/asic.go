package orchagent

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// Done receives the outcome of one ASIC op after the flush that carried it
// (nil on success). It runs on the event loop.
type Done func(err error)

// ASIC is what orchs program. Ops are queued and sent in bulk at the end of
// the event-loop round; each op's Done runs after that flush. Object ids
// are VIDs, valid for referencing immediately (later ops of the same round
// may name an object created earlier in it).
type ASIC interface {
	SwitchID() uint64
	// Create queues the create of an object-id object and returns its VID.
	Create(t halv1.ObjectType, attrs []sairedis.Attr, done Done) (uint64, error)
	// CreateKey queues the create of an entry (route, neighbour, FDB).
	CreateKey(k *halv1.ObjectKey, attrs []sairedis.Attr, done Done) error
	Remove(k *halv1.ObjectKey, done Done) error
	Set(k *halv1.ObjectKey, a sairedis.Attr, done Done) error
}

// Client is the sairedis side the agent drives (a *sairedis.Client through
// SairedisClient, or a fake in tests).
type Client interface {
	SwitchID() uint64
	NewBatch() Batch
	Get(ctx context.Context, k *halv1.ObjectKey, ids ...string) ([]sairedis.Attr, error)
	NotifyInitView(ctx context.Context) error
	NotifyApplyView(ctx context.Context) error
}

// Batch is one bulk exchange (a *sairedis.Batch).
type Batch interface {
	Create(ctx context.Context, t halv1.ObjectType, attrs ...sairedis.Attr) (uint64, error)
	CreateKey(k *halv1.ObjectKey, attrs ...sairedis.Attr) error
	Remove(k *halv1.ObjectKey) error
	Set(k *halv1.ObjectKey, a sairedis.Attr) error
	Len() int
	Flush(ctx context.Context) ([]sairedis.Result, error)
}

// SairedisClient adapts *sairedis.Client to Client.
type SairedisClient struct{ *sairedis.Client }

// NewBatch implements Client.
func (c SairedisClient) NewBatch() Batch { return c.Client.Batch() }

// opQueue implements ASIC over one Batch per round.
type opQueue struct {
	client Client
	ctx    context.Context // of the round; bounds VID allocation
	batch  Batch
	dones  []Done // parallel to the batch's ops
	stats  *Stats
	log    zerolog.Logger
}

func newOpQueue(c Client, stats *Stats, log zerolog.Logger) *opQueue {
	return &opQueue{client: c, batch: c.NewBatch(), ctx: context.Background(), stats: stats, log: log}
}

func (q *opQueue) SwitchID() uint64 { return q.client.SwitchID() }

func (q *opQueue) Create(t halv1.ObjectType, attrs []sairedis.Attr, done Done) (uint64, error) {
	vid, err := q.batch.Create(q.ctx, t, attrs...)
	if err != nil {
		return 0, err
	}
	q.dones = append(q.dones, done)
	return vid, nil
}

func (q *opQueue) CreateKey(k *halv1.ObjectKey, attrs []sairedis.Attr, done Done) error {
	return q.record(q.batch.CreateKey(k, attrs...), done)
}

func (q *opQueue) Remove(k *halv1.ObjectKey, done Done) error {
	return q.record(q.batch.Remove(k), done)
}

func (q *opQueue) Set(k *halv1.ObjectKey, a sairedis.Attr, done Done) error {
	return q.record(q.batch.Set(k, a), done)
}

func (q *opQueue) record(err error, done Done) error {
	if err == nil {
		q.dones = append(q.dones, done)
	}
	return err
}

func (q *opQueue) pending() int { return len(q.dones) }

// flush sends the queued ops and runs their Done callbacks in order. A
// transport failure (Redis down, syncd silent) is returned after every
// callback saw its op fail.
func (q *opQueue) flush(ctx context.Context) error {
	if len(q.dones) == 0 {
		return nil
	}
	dones := q.dones
	q.dones = nil
	start := time.Now()
	results, err := q.batch.Flush(ctx)
	q.stats.FlushWait += time.Since(start)
	if len(results) != len(dones) {
		return fmt.Errorf("orchagent: flush: %d results for %d ops", len(results), len(dones))
	}
	q.stats.Flushes++
	q.stats.Ops += uint64(len(dones))
	for i, d := range dones {
		if results[i].Err != nil {
			q.stats.OpErrors++
		}
		if d != nil {
			safely(q.log, "op callback "+results[i].Key, func() { d(results[i].Err) })
		}
	}
	return err
}
