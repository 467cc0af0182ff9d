package cfgmgr

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

// syncBuffer is a log sink safe for the daemon goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// dvs is one redis-server with cfgmgrd running on it, and raw clients as
// redis-cli would use them.
type dvs struct {
	t      *testing.T
	srv    *redistest.Server
	cfg    *redis.Client // CONFIG_DB (4)
	app    *redis.Client // APPL_DB (0)
	state  *redis.Client // STATE_DB (6)
	log    *syncBuffer
	plans  chan struct{}
	cancel context.CancelFunc
	done   chan error
}

func newDVS(t *testing.T) *dvs {
	t.Helper()
	srv := redistest.Start(t)
	d := &dvs{t: t, srv: srv, cfg: srv.Client(4), app: srv.Client(0), state: srv.Client(6)}
	return d
}

// start runs cfgmgrd until stop (or the test's end).
func (d *dvs) start() {
	d.t.Helper()
	d.log = &syncBuffer{}
	d.plans = make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	daemon, closeDBs, err := Connect(ctx, d.srv.DBConfig(), DaemonConfig{
		Logger: zerolog.New(d.log),
		OnPlan: func(*Plan) {
			select {
			case d.plans <- struct{}{}:
			default:
			}
		},
	})
	if err != nil {
		cancel()
		d.t.Fatal(err)
	}
	d.cancel, d.done = cancel, make(chan error, 1)
	go func() {
		err := daemon.Run(ctx)
		closeDBs()
		d.done <- err
	}()
	d.t.Cleanup(d.stop)
	<-d.plans // the start plan is written
}

func (d *dvs) stop() {
	if d.cancel == nil {
		return
	}
	d.cancel()
	if err := <-d.done; err != nil {
		d.t.Errorf("cfgmgrd Run: %v", err)
	}
	d.cancel = nil
}

// waitUntil blocks until cond holds, re-checking after each plan cfgmgrd
// writes. The deadline only guards against a hung test.
func (d *dvs) waitUntil(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.NewTimer(60 * time.Second)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-d.plans:
		case err := <-d.done:
			d.t.Fatalf("cfgmgrd stopped (%v) while waiting for %s", err, what)
		case <-deadline.C:
			d.t.Fatalf("gave up waiting for %s; log:\n%s", what, d.log.String())
		}
	}
}

// settle waits until cfgmgrd has handled everything written so far, in
// every table: it writes a marker row and waits for its (rejected) error to
// appear, then removes it and waits for the error to go. This is exact, not
// a guess: ConfigSource follows all of CONFIG_DB over one keyspace
// subscription (swss.SubscriberGroup) read by one goroutine, so the
// marker's events come after those of every earlier write of any table,
// and the daemon writes plans in order (APP_DB before STATE_DB). Once the
// marker's error row is there, every earlier row's APP_DB and STATE_DB
// outcome is written. (With one subscription per table, the marker only
// proved that the VLAN table was done.)
func (d *dvs) settle() {
	d.t.Helper()
	ctx := context.Background()
	marker := "Vlan4095"
	d.cfg.HSet(ctx, "VLAN|"+marker, "vlanid", "4095")
	d.waitUntil("the marker row", func() bool { return d.state.Exists(ctx, "CFG_ERROR_TABLE|VLAN|"+marker).Val() == 1 })
	d.cfg.Del(ctx, "VLAN|"+marker)
	d.waitUntil("the marker row's removal", func() bool { return d.state.Exists(ctx, "CFG_ERROR_TABLE|VLAN|"+marker).Val() == 0 })
}

// hset writes a CONFIG_DB row as redis-cli would.
func (d *dvs) hset(key string, kv ...string) {
	d.t.Helper()
	if len(kv) == 0 {
		kv = []string{"NULL", "NULL"}
	}
	args := make([]any, len(kv))
	for i, s := range kv {
		args[i] = s
	}
	if err := d.cfg.HSet(context.Background(), key, args...).Err(); err != nil {
		d.t.Fatal(err)
	}
}

// staged returns the APP_DB producer footprint of table T: the key set and
// the staged hashes "_T:k".
func (d *dvs) staged(table string) (keys []string, rows map[string]map[string]string) {
	ctx := context.Background()
	keys = d.app.SMembers(ctx, table+"_KEY_SET").Val()
	sort.Strings(keys)
	rows = map[string]map[string]string{}
	for _, k := range keys {
		if m := d.app.HGetAll(ctx, "_"+table+":"+k).Val(); len(m) > 0 {
			rows[k] = m
		}
	}
	return keys, rows
}

// pop drains table as orchagent would and returns what it received.
func (d *dvs) pop(table string) []swss.KeyOpFieldValues {
	d.t.Helper()
	ctx := context.Background()
	db := d.srv.DB(swss.ApplDB)
	c, err := swss.NewConsumerStateTable(ctx, db, table)
	if err != nil {
		d.t.Fatal(err)
	}
	defer c.Close()
	out, err := c.PopNow(ctx)
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}

// appRow returns an applied APP_DB row "T:k".
func (d *dvs) appRow(table, key string) map[string]string {
	return d.app.HGetAll(context.Background(), table+":"+key).Val()
}

// stateError returns CFG_ERROR_TABLE|<table>|<key>.
func (d *dvs) stateError(table, key string) map[string]string {
	return d.state.HGetAll(context.Background(), "CFG_ERROR_TABLE|"+table+"|"+key).Val()
}

// appKeys lists every APP_DB key (footprint comparison).
func (d *dvs) appKeys() string {
	keys := d.app.Keys(context.Background(), "*").Val()
	sort.Strings(keys)
	return strings.Join(keys, "\n")
}

func equalMap(a, b map[string]string) bool { return Fields(a).Equal(Fields(b)) }
