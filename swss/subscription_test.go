package swss_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

// silentServer accepts connections, refuses the connection set-up commands
// and never answers a SUBSCRIBE; subscribed is closed once one arrived.
func silentServer(t *testing.T) (socket string, subscribed <-chan struct{}) {
	t.Helper()
	dir, err := os.MkdirTemp("", "swss-silent-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	socket = filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ch := make(chan struct{})
	var once sync.Once
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				var seen []byte
				buf := make([]byte, 4096)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					chunk := bytes.ToLower(buf[:n])
					seen = append(seen, chunk...)
					if bytes.Contains(seen, []byte("subscribe")) {
						once.Do(func() { close(ch) })
						continue // never answered
					}
					// Refuse the connection set-up commands (HELLO): the
					// client carries on with RESP2 defaults.
					cmds := bytes.Count(chunk, []byte("\r\n*"))
					if bytes.HasPrefix(chunk, []byte("*")) {
						cmds++
					}
					for range cmds {
						c.Write([]byte("-ERR unknown command\r\n"))
					}
				}
			}()
		}
	}()
	return socket, ch
}

// A consumer waiting for a subscription confirmation that never comes
// returns when its context ends: go-redis alone would wait forever (it
// reads without a deadline and does not watch the context), and a daemon
// would not stop on SIGTERM.
func TestSubscribeWaitEndsWithTheContext(t *testing.T) {
	socket, subscribed := silentServer(t)
	client := redis.NewClient(&redis.Options{Network: "unix", Addr: socket, Protocol: 2, DisableIdentity: true, MaxRetries: -1})
	defer client.Close()
	db := swss.NewDB(client, swss.ApplDB, 0, ":")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		c, err := swss.NewConsumerStateTable(ctx, db, "T")
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	<-subscribed
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("NewConsumerStateTable: %v, want the context's error", err)
	}
}

// Keys written while a consumer starts are all delivered without the
// fallback poll: the constructor's subscription is confirmed before the
// first pop, so a key is either popped by it or announced after it (the
// subscribe-before-pop discipline of swss-common). Many starts, each
// racing a producer.
func TestConsumerStartingWhileProducing(t *testing.T) {
	srv := redistest.Start(t)
	app := srv.DB(swss.ApplDB)
	ctx := ctxT(t) // a hang guard only
	const starts, keys = 200, 20
	for it := range starts {
		table := fmt.Sprintf("T%d", it)
		p := swss.NewProducerStateTable(app, table)
		produced := make(chan error, 1)
		go func() {
			for i := range keys {
				if err := p.Set(ctx, strconv.Itoa(i), swss.FieldValues{{"a", "1"}}); err != nil {
					produced <- err
					return
				}
			}
			produced <- nil
		}()
		c, err := swss.NewConsumerStateTable(ctx, app, table, swss.WithPollInterval(time.Hour), swss.WithWholeRows(), swss.WithPopBatch(1024))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for len(seen) < keys {
			got, err := c.Pops(ctx)
			if err != nil {
				t.Fatalf("start %d: %d of %d keys: %v", it, len(seen), keys, err)
			}
			for _, e := range got {
				seen[e.Key] = true
			}
		}
		c.Close()
		if err := <-produced; err != nil {
			t.Fatal(err)
		}
	}
}
