// Command swssbench measures the swss/ Redis layer against a baseline taken
// in the same run on the same redis-server: raw go-redis pipelined HSET.
// It prints keys/s for ProducerStateTable→ConsumerStateTable and
// ProducerTable→ConsumerTable with their ratio to the baseline.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss"
)

func main() {
	n := flag.Int("n", 200000, "keys per measurement")
	batch := flag.Int("batch", 1000, "producer batch size")
	socket := flag.String("socket", "", "redis unix socket (default: start a private redis-server)")
	flag.Parse()
	if err := run(*n, *batch, *socket); err != nil {
		fmt.Fprintln(os.Stderr, "swssbench:", err)
		os.Exit(1)
	}
}

func run(n, batch int, socket string) error {
	ctx := context.Background()
	if socket == "" {
		dir, err := os.MkdirTemp("", "swssbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		socket = filepath.Join(dir, "redis.sock")
		cmd := exec.Command("redis-server", "--port", "0", "--unixsocket", socket, "--save", "", "--appendonly", "no",
			"--notify-keyspace-events", "AKE", "--dir", dir)
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start redis-server: %w", err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		if err := waitPing(ctx, socket); err != nil {
			return err
		}
	}
	cfg := swss.DefaultDBConfig().WithSocket(socket)
	db, err := swss.Connect(ctx, cfg, swss.ApplDB)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := swss.LoadScripts(ctx, db); err != nil {
		return err
	}

	base := measure(func() error { return rawHSet(ctx, db.Client, n, batch) }, n)
	db.Client.FlushDB(ctx)
	pst := measure(func() error { return stateTables(ctx, db, n, batch, swss.DefaultPopBatch) }, n)
	db.Client.FlushDB(ctx)
	pstBig := measure(func() error { return stateTables(ctx, db, n, batch, 1024) }, n)
	db.Client.FlushDB(ctx)
	queue := measure(func() error { return queueTables(ctx, db, n, batch) }, n)
	db.Client.FlushDB(ctx)

	fmt.Printf("swssbench: n=%d batch=%d (one redis-server, unix socket)\n", n, batch)
	report("raw pipelined HSET (baseline)", base, base)
	report("ProducerStateTable→ConsumerStateTable", pst, base)
	report("  … with pop batch 1024", pstBig, base)
	report("ProducerTable→ConsumerTable", queue, base)
	return nil
}

type result struct {
	rate float64
	err  error
}

func measure(f func() error, n int) result {
	start := time.Now()
	err := f()
	return result{rate: float64(n) / time.Since(start).Seconds(), err: err}
}

func report(name string, r, base result) {
	if r.err != nil {
		fmt.Printf("BENCH %-42s error: %v\n", name, r.err)
		return
	}
	fmt.Printf("BENCH %-42s %10.0f keys/s  ratio %.2f\n", name, r.rate, r.rate/base.rate)
}

func waitPing(ctx context.Context, socket string) error {
	c := redis.NewClient(&redis.Options{Network: "unix", Addr: socket})
	defer c.Close()
	for i := 0; i < 500; i++ {
		if c.Ping(ctx).Err() == nil {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("redis-server on %s did not start", socket)
}

func rawHSet(ctx context.Context, c *redis.Client, n, batch int) error {
	for i := 0; i < n; i += batch {
		pipe := c.Pipeline()
		for j := i; j < min(i+batch, n); j++ {
			pipe.HSet(ctx, "RAW:k"+strconv.Itoa(j), "mac", "00:01:e8:00:00:0c", "vlan", "10")
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

func stateTables(ctx context.Context, db *swss.DB, n, batch, popBatch int) error {
	cons, err := swss.NewConsumerStateTable(ctx, db, "BENCH_TABLE", swss.WithPopBatch(popBatch))
	if err != nil {
		return err
	}
	defer cons.Close()
	prod := swss.NewProducerStateTable(db, "BENCH_TABLE")
	errc := make(chan error, 1)
	go func() {
		b := make([]swss.KeyOpFieldValues, 0, batch)
		for i := 0; i < n; i++ {
			b = append(b, swss.KeyOpFieldValues{Key: "k" + strconv.Itoa(i), Op: swss.OpSet,
				Fields: swss.FieldValues{{Field: "mac", Value: "00:01:e8:00:00:0c"}, {Field: "vlan", Value: "10"}}})
			if len(b) == batch || i == n-1 {
				if err := prod.Apply(ctx, b); err != nil {
					errc <- err
					return
				}
				b = b[:0]
			}
		}
		errc <- nil
	}()
	got := 0
	for got < n {
		out, err := cons.Pops(ctx)
		if err != nil {
			return err
		}
		got += len(out)
	}
	return <-errc
}

func queueTables(ctx context.Context, db *swss.DB, n, batch int) error {
	cons, err := swss.NewConsumerTable(ctx, db, "BENCH_QUEUE", swss.WithPopBatch(1024))
	if err != nil {
		return err
	}
	defer cons.Close()
	prod := swss.NewProducerTable(db, "BENCH_QUEUE")
	errc := make(chan error, 1)
	go func() {
		b := make([]swss.QueueEntry, 0, batch)
		for i := 0; i < n; i++ {
			b = append(b, swss.QueueEntry{Key: "SAI_OBJECT_TYPE_MY_MAC:oid:0x61" + strconv.Itoa(i), Op: "create",
				Fields: swss.FieldValues{{Field: "SAI_MY_MAC_ATTR_MAC_ADDRESS", Value: "00:01:E8:00:00:0C"}, {Field: "SAI_MY_MAC_ATTR_VLAN_ID", Value: "10"}}})
			if len(b) == batch || i == n-1 {
				if err := prod.Send(ctx, b); err != nil {
					errc <- err
					return
				}
				b = b[:0]
			}
		}
		errc <- nil
	}()
	got := 0
	for got < n {
		out, err := cons.Pops(ctx)
		if err != nil {
			return err
		}
		got += len(out)
	}
	return <-errc
}
