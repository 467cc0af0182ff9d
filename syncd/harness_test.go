package syncd

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/halclient"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss/redistest"
)

// startRedis runs a private redis-server (swss/redistest: a missing server
// fails the test under CI) and returns its unix socket.
func startRedis(t testing.TB) string {
	t.Helper()
	return redistest.Start(t).Socket
}

type env struct {
	t        testing.TB
	redis    string
	halSock  string
	asic     *redis.Client
	state    *redis.Client
	producer *RedisProducer
	replies  *RedisQueue
	cancel   context.CancelFunc
	done     chan error
	chunk    int // Config.ChunkObjects (0 = default)
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, redis: startRedis(t), halSock: filepath.Join(t.TempDir(), "hal.sock")}
	e.asic = redis.NewClient(&redis.Options{Network: "unix", Addr: e.redis, DB: 1})
	e.state = redis.NewClient(&redis.Options{Network: "unix", Addr: e.redis, DB: 6})
	t.Cleanup(func() { e.asic.Close(); e.state.Close() })
	e.producer = NewRedisProducer(e.asic, 1, AsicStateTable)
	e.replies = NewRedisQueue(e.asic, 1, GetResponseTable, 1)
	return e
}

// startSyncd runs a syncd until stopSyncd.
func (e *env) startSyncd() {
	e.t.Helper()
	ready := make(chan struct{})
	s, err := New(Config{
		ASIC: e.asic, State: e.state,
		Queue:     NewRedisQueue(e.asic, 1, AsicStateTable, 256),
		Responder: NewRedisProducer(e.asic, 1, GetResponseTable),
		Notifier:  NewRedisNotifier(e.asic, NotificationsCh),
		HAL:       halclient.Options{Address: e.halSock, Backoff: halclient.Backoff{Initial: 5 * time.Millisecond, Max: 50 * time.Millisecond}},
		Logger:    zerolog.New(zerolog.NewTestWriter(e.t)).Level(e.logLevel()),
		OnReady:   func() { close(ready) },

		ChunkObjects: e.chunk,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel, e.done = cancel, make(chan error, 1)
	go func() { e.done <- s.Run(ctx) }()
	select {
	case <-ready:
	case err := <-e.done:
		e.t.Fatalf("syncd ended: %v", err)
	}
	e.t.Cleanup(e.stopSyncd)
}

func (e *env) stopSyncd() {
	if e.cancel == nil {
		return
	}
	e.cancel()
	if err := <-e.done; err != nil {
		e.t.Errorf("syncd: %v", err)
	}
	e.cancel = nil
}

// call pushes items and returns one reply per item.
func (e *env) call(items ...Item) []Item {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.producer.Push(ctx, items); err != nil {
		e.t.Fatal(err)
	}
	var out []Item
	for len(out) < len(items) {
		got, err := e.replies.Pop(ctx)
		if err != nil {
			e.t.Fatalf("waiting for replies: %v", err)
		}
		out = append(out, got...)
	}
	return out
}

func (e *env) newVID(t halv1.ObjectType) string {
	n, err := e.asic.Incr(context.Background(), keyVIDCounter).Result()
	if err != nil {
		e.t.Fatal(err)
	}
	return formatOID(makeVID(t, uint64(n)))
}

func (e *env) hash(key string) map[string]string {
	m, err := e.asic.HGetAll(context.Background(), key).Result()
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func fv(pairs ...string) []FV {
	out := make([]FV, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, FV{pairs[i], pairs[i+1]})
	}
	return out
}

const switchVID = "oid:0x21000000000000"

// initSwitch creates the switch the way orchagent does.
func (e *env) initSwitch() {
	e.t.Helper()
	r := e.call(Item{Key: "SAI_OBJECT_TYPE_SWITCH:" + switchVID, Op: opCreate,
		Fields: fv("SAI_SWITCH_ATTR_INIT_SWITCH", "true", "SAI_SWITCH_ATTR_SRC_MAC_ADDRESS", "00:11:22:33:44:55")})
	if r[0].Key != "SAI_STATUS_SUCCESS" {
		e.t.Fatalf("switch create: %+v", r[0])
	}
}

// switchAttr gets one oid attribute of the switch through the queue.
func (e *env) switchAttr(attr string) string {
	e.t.Helper()
	r := e.call(Item{Key: "SAI_OBJECT_TYPE_SWITCH:" + switchVID, Op: opGet, Fields: fv(attr, "oid:0x0")})
	if r[0].Key != "SAI_STATUS_SUCCESS" || len(r[0].Fields) != 1 {
		e.t.Fatalf("get %s: %+v", attr, r[0])
	}
	return r[0].Fields[0].Value
}

func myMacAttrs(i int, vlan int) string {
	return "SAI_MY_MAC_ATTR_MAC_ADDRESS=02:00:00:00:" + twoHex(i>>8) + ":" + twoHex(i) +
		"|SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK=FF:FF:FF:FF:FF:FF|SAI_MY_MAC_ATTR_VLAN_ID=" + strconv.Itoa(vlan) + "|SAI_MY_MAC_ATTR_PRIORITY=1"
}

func twoHex(i int) string {
	const h = "0123456789ABCDEF"
	return string([]byte{h[i>>4&15], h[i&15]})
}

func (e *env) logLevel() zerolog.Level {
	if _, isBench := e.t.(*testing.B); isBench {
		return zerolog.WarnLevel
	}
	return zerolog.InfoLevel
}
