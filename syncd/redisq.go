package syncd

// redisq.go: the sairedis queue wire format (ProducerTable/ConsumerTable) on
// go-redis, used until swss lands: items are LPUSHed as key, JSON field
// array, op; a PUBLISH on <T>_CHANNEL@<db> wakes the consumer.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// Queue names.
const (
	AsicStateTable   = "ASIC_STATE"
	GetResponseTable = "GETRESPONSE"
	NotificationsCh  = "NOTIFICATIONS"
	queueSuffix      = "_KEY_VALUE_OP_QUEUE"
)

// RedisQueue consumes a ProducerTable queue (ConsumerTable side).
type RedisQueue struct {
	rdb     *redis.Client
	list    string
	channel string
	batch   int
}

// NewRedisQueue consumes table (e.g. ASIC_STATE) in db dbID, popping up to
// batch items at a time.
func NewRedisQueue(rdb *redis.Client, dbID int, table string, batch int) *RedisQueue {
	if batch <= 0 {
		batch = 1024
	}
	return &RedisQueue{rdb: rdb, list: table + queueSuffix, channel: table + "_CHANNEL@" + strconv.Itoa(dbID), batch: batch}
}

// Pop blocks until items are queued (or ctx ends) and returns up to the
// batch size of them, oldest first.
func (q *RedisQueue) Pop(ctx context.Context) ([]Item, error) {
	items, err := q.popNow(ctx)
	if err != nil || len(items) > 0 {
		return items, err
	}
	sub := q.rdb.Subscribe(ctx, q.channel)
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil { // subscription confirmed
		return nil, fmt.Errorf("subscribe %s: %w", q.channel, err)
	}
	ch := sub.Channel()
	for {
		items, err := q.popNow(ctx)
		if err != nil || len(items) > 0 {
			return items, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ch:
		}
	}
}

func (q *RedisQueue) popNow(ctx context.Context) ([]Item, error) {
	vals, err := q.rdb.RPopCount(ctx, q.list, 3*q.batch).Result()
	if err == redis.Nil {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pop %s: %w", q.list, err)
	}
	items := make([]Item, 0, len(vals)/3)
	for i := 0; i+2 < len(vals); i += 3 {
		it := Item{Key: vals[i], Op: vals[i+2]}
		fields, err := decodeFields(vals[i+1])
		if err != nil {
			it.Op = "invalid:" + it.Op
		}
		it.Fields = fields
		items = append(items, it)
	}
	return items, nil
}

func decodeFields(s string) ([]FV, error) {
	arr, err := decodeStringArray(s)
	if err != nil {
		return nil, err
	}
	if len(arr)%2 != 0 {
		return nil, fmt.Errorf("odd field array")
	}
	out := make([]FV, len(arr)/2)
	for i := range out {
		out[i] = FV{Field: arr[2*i], Value: arr[2*i+1]}
	}
	return out, nil
}

func encodeFields(fvs []FV) string {
	arr := make([]string, 0, 2*len(fvs))
	for _, f := range fvs {
		arr = append(arr, f.Field, f.Value)
	}
	b, _ := json.Marshal(arr)
	return string(b)
}

// RedisProducer writes a ProducerTable queue (also used for GETRESPONSE).
type RedisProducer struct {
	rdb     *redis.Client
	list    string
	channel string
}

// NewRedisProducer produces into table in db dbID.
func NewRedisProducer(rdb *redis.Client, dbID int, table string) *RedisProducer {
	return &RedisProducer{rdb: rdb, list: table + queueSuffix, channel: table + "_CHANNEL@" + strconv.Itoa(dbID)}
}

// Push queues items in order with one pipeline and one wake-up.
func (p *RedisProducer) Push(ctx context.Context, items []Item) error {
	pipe := p.rdb.Pipeline()
	for _, it := range items {
		pipe.LPush(ctx, p.list, it.Key, encodeFields(it.Fields), it.Op)
	}
	pipe.Publish(ctx, p.channel, "G")
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("push %s: %w", p.list, err)
	}
	return nil
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
	rdb     *redis.Client
	channel string
}

// NewRedisNotifier publishes on channel (NotificationsCh for syncd).
func NewRedisNotifier(rdb *redis.Client, channel string) *RedisNotifier {
	return &RedisNotifier{rdb: rdb, channel: channel}
}

// Notify publishes [op, data, f1, v1, …].
func (n *RedisNotifier) Notify(ctx context.Context, op, data string, fields []FV) error {
	arr := []string{op, data}
	for _, f := range fields {
		arr = append(arr, f.Field, f.Value)
	}
	b, _ := json.Marshal(arr)
	return n.rdb.Publish(ctx, n.channel, string(b)).Err()
}
