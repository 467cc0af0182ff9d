package syncd

// redisq.go: syncd's queue adapters over swss' ProducerTable/ConsumerTable
// (the sairedis wire format: key, JSON field array, op with its "S"/"D"
// prefix; a PUBLISH on <T>_CHANNEL@<db> wakes the consumer).

import (
	"context"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss"
)

// Queue names.
const (
	AsicStateTable   = "ASIC_STATE"
	GetResponseTable = "GETRESPONSE"
	NotificationsCh  = "NOTIFICATIONS"
)

// RedisQueue consumes a ProducerTable queue (ConsumerTable side).
type RedisQueue struct {
	db    *swss.DB
	table string
	batch int

	once sync.Once
	cons *swss.ConsumerTable
	err  error
}

// NewRedisQueue consumes table (e.g. ASIC_STATE) in db dbID, popping up to
// batch items at a time.
func NewRedisQueue(rdb *redis.Client, dbID int, table string, batch int) *RedisQueue {
	if batch <= 0 {
		batch = 1024
	}
	return &RedisQueue{db: swss.NewDB(rdb, swss.AsicDB, dbID, ":"), table: table, batch: batch}
}

// Pop blocks until items are queued (or ctx ends) and returns them, oldest
// first. An item whose field array did not decode comes with an op of
// "invalid:<op>" so it is answered with an error, keeping replies in step.
func (q *RedisQueue) Pop(ctx context.Context) ([]Item, error) {
	q.once.Do(func() { q.cons, q.err = swss.NewConsumerTable(ctx, q.db, q.table, swss.WithPopBatch(q.batch)) })
	if q.err != nil {
		return nil, fmt.Errorf("queue %s: %w", q.table, q.err)
	}
	kfvs, err := q.cons.Pops(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]Item, len(kfvs))
	for i, k := range kfvs {
		it := Item{Key: k.Key, Op: k.Op, Fields: make([]FV, len(k.Fields))}
		if k.Malformed != "" {
			it.Op = "invalid:" + k.Op
		}
		for j, f := range k.Fields {
			it.Fields[j] = FV(f)
		}
		items[i] = it
	}
	return items, nil
}

// Close releases the subscription.
func (q *RedisQueue) Close() error {
	if q.cons != nil {
		return q.cons.Close()
	}
	return nil
}

// RedisProducer writes a ProducerTable queue (also used for GETRESPONSE).
type RedisProducer struct {
	prod *swss.ProducerTable
}

// NewRedisProducer produces into table in db dbID.
func NewRedisProducer(rdb *redis.Client, dbID int, table string) *RedisProducer {
	return &RedisProducer{prod: swss.NewProducerTable(swss.NewDB(rdb, swss.AsicDB, dbID, ":"), table)}
}

// Push queues items in order with one round trip and one wake-up; a
// "remove" is delete-type as in sairedis.
func (p *RedisProducer) Push(ctx context.Context, items []Item) error {
	entries := make([]swss.QueueEntry, len(items))
	for i, it := range items {
		e := swss.QueueEntry{Key: it.Key, Op: it.Op, Delete: it.Op == opRemove}
		if !e.Delete {
			e.Fields = make(swss.FieldValues, len(it.Fields))
			for j, f := range it.Fields {
				e.Fields[j] = swss.FieldValue(f)
			}
		}
		entries[i] = e
	}
	return p.prod.Send(ctx, entries)
}

// Send implements Responder.
func (p *RedisProducer) Send(ctx context.Context, replies []Reply) error {
	items := make([]Item, len(replies))
	for i, r := range replies {
		items[i] = Item(r)
	}
	return p.Push(ctx, items)
}

// RedisNotifier publishes on NOTIFICATIONS.
type RedisNotifier struct {
	prod *swss.NotificationProducer
}

// NewRedisNotifier publishes on channel (NotificationsCh for syncd).
func NewRedisNotifier(rdb *redis.Client, channel string) *RedisNotifier {
	return &RedisNotifier{prod: swss.NewNotificationProducer(swss.NewDB(rdb, swss.AsicDB, 1, ":"), channel)}
}

// Notify publishes [op, data, f1, v1, …].
func (n *RedisNotifier) Notify(ctx context.Context, op, data string, fields []FV) error {
	fvs := make(swss.FieldValues, len(fields))
	for i, f := range fields {
		fvs[i] = swss.FieldValue(f)
	}
	return n.prod.Send(ctx, swss.Notification{Op: op, Data: data, Fields: fvs})
}
