// Command swssbench measures the swss/ Redis layer against a baseline taken
// in the same run on the same redis-server: raw go-redis pipelined HSET of
// the same rows. It prints keys/s, each with its ratio to the baseline, for
// ProducerStateTable.Apply alone, ProducerStateTable→ConsumerStateTable end
// to end (producer batches, consumer pops until every key arrived; default
// pop batch and 1024) and ProducerTable→ConsumerTable entries.
//
//	go run ./cmd/swssbench [-n 200000] [-batch 1000] [-runs 3] [-socket path]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss"
)

func main() {
	n := flag.Int("n", 200000, "keys (entries) per measurement")
	batch := flag.Int("batch", 1000, "producer batch size")
	runs := flag.Int("runs", 3, "runs per measurement; the median is reported (the machine may be shared)")
	socket := flag.String("socket", "", "redis unix socket (default: start a private redis-server in a temp dir)")
	flag.Parse()
	if err := run(*n, *batch, *runs, *socket); err != nil {
		fmt.Fprintln(os.Stderr, "swssbench:", err)
		os.Exit(1)
	}
}

func run(n, batch, runs int, socket string) error {
	ctx := context.Background()
	if socket == "" {
		dir, err := os.MkdirTemp("", "swssbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		socket = filepath.Join(dir, "redis.sock")
		// The same settings as production and redistest: keyspace events
		// on (their cost is part of every write), no persistence.
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
	db, err := swss.ConnectSocket(ctx, socket, swss.ApplDB)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := swss.LoadScripts(ctx, db); err != nil {
		return err
	}

	// Each measurement starts on an empty database; runs interleave so a
	// burst of load from other processes hits all of them alike.
	type bench struct {
		name string
		f    func() error
		res  []result
	}
	benches := []*bench{
		{name: "raw pipelined HSET (baseline)", f: func() error { return rawHSet(ctx, db.Client, n, batch) }},
		{name: "ProducerStateTable.Apply (producer only)", f: func() error { return produceOnly(ctx, db, n, batch) }},
		{name: "ProducerStateTable→ConsumerStateTable", f: func() error { return stateTables(ctx, db, n, batch, swss.DefaultPopBatch) }},
		{name: "  … with pop batch 1024", f: func() error { return stateTables(ctx, db, n, batch, 1024) }},
		{name: "ProducerTable→ConsumerTable", f: func() error { return queueTables(ctx, db, n, batch) }},
	}
	for r := 0; r < max(runs, 1); r++ {
		for _, b := range benches {
			if err := db.Client.FlushDB(ctx).Err(); err != nil {
				return err
			}
			b.res = append(b.res, measure(b.f, n))
		}
	}
	fmt.Printf("swssbench: n=%d batch=%d runs=%d (one redis-server, unix socket, keyspace events AKE; median keys/s)\n", n, batch, runs)
	base := median(benches[0].res)
	for _, b := range benches {
		report(b.name, median(b.res), base)
	}
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

// median returns the median rate, or the first error.
func median(rs []result) result {
	rates := make([]float64, 0, len(rs))
	for _, r := range rs {
		if r.err != nil {
			return r
		}
		rates = append(rates, r.rate)
	}
	sort.Float64s(rates)
	return result{rate: rates[len(rates)/2]}
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

func setBatches(n, batch int, f func([]swss.KeyOpFieldValues) error) error {
	b := make([]swss.KeyOpFieldValues, 0, batch)
	for i := 0; i < n; i++ {
		b = append(b, swss.KeyOpFieldValues{Key: "k" + strconv.Itoa(i), Op: swss.OpSet,
			Fields: swss.FieldValues{{Field: "mac", Value: "00:01:e8:00:00:0c"}, {Field: "vlan", Value: "10"}}})
		if len(b) == batch || i == n-1 {
			if err := f(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	return nil
}

func produceOnly(ctx context.Context, db *swss.DB, n, batch int) error {
	prod := swss.NewProducerStateTable(db, "BENCH_TABLE")
	return setBatches(n, batch, func(b []swss.KeyOpFieldValues) error { return prod.Apply(ctx, b) })
}

func stateTables(ctx context.Context, db *swss.DB, n, batch, popBatch int) error {
	cons, err := swss.NewConsumerStateTable(ctx, db, "BENCH_TABLE", swss.WithPopBatch(popBatch))
	if err != nil {
		return err
	}
	defer cons.Close()
	prod := swss.NewProducerStateTable(db, "BENCH_TABLE")
	ctx, cancel := context.WithCancel(ctx) // a failed producer must not leave the consumer waiting
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		err := setBatches(n, batch, func(b []swss.KeyOpFieldValues) error { return prod.Apply(ctx, b) })
		if err != nil {
			cancel()
		}
		errc <- err
	}()
	got := 0
	for got < n {
		out, err := cons.Pops(ctx)
		if err != nil {
			if perr := <-errc; perr != nil {
				return perr
			}
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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		b := make([]swss.QueueEntry, 0, batch)
		for i := 0; i < n; i++ {
			b = append(b, swss.QueueEntry{Key: "SAI_OBJECT_TYPE_MY_MAC:oid:0x61" + strconv.Itoa(i), Op: "create",
				Fields: swss.FieldValues{{Field: "SAI_MY_MAC_ATTR_MAC_ADDRESS", Value: "00:01:E8:00:00:0C"}, {Field: "SAI_MY_MAC_ATTR_VLAN_ID", Value: "10"}}})
			if len(b) == batch || i == n-1 {
				if err := prod.Send(ctx, b); err != nil {
					cancel()
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
			if perr := <-errc; perr != nil {
				return perr
			}
			return err
		}
		got += len(out)
	}
	return <-errc
}
