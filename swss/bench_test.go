package swss_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

// The benchmarks count keys (b.N of them) and report keys/s; compare them
// with BenchmarkRawPipelinedHSet from the same run (cmd/swssbench prints
// the ratios directly).

const benchBatch = 1000

func benchRows(n int, f func([]swss.KeyOpFieldValues) error) error {
	b := make([]swss.KeyOpFieldValues, 0, benchBatch)
	for i := 0; i < n; i++ {
		b = append(b, swss.KeyOpFieldValues{Key: "k" + strconv.Itoa(i), Op: swss.OpSet,
			Fields: swss.FieldValues{{"mac", "00:01:e8:00:00:0c"}, {"vlan", "10"}}})
		if len(b) == benchBatch || i == n-1 {
			if err := f(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	return nil
}

func reportKeys(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}

func BenchmarkRawPipelinedHSet(b *testing.B) {
	srv := redistest.Start(b)
	c := srv.Client(0)
	ctx := context.Background()
	b.ResetTimer()
	err := benchRows(b.N, func(rows []swss.KeyOpFieldValues) error {
		pipe := c.Pipeline()
		for _, r := range rows {
			pipe.HSet(ctx, "RAW:"+r.Key, r.Fields[0].Field, r.Fields[0].Value, r.Fields[1].Field, r.Fields[1].Value)
		}
		_, err := pipe.Exec(ctx)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	reportKeys(b)
}

func BenchmarkProducerStateTableApply(b *testing.B) {
	srv := redistest.Start(b)
	p := swss.NewProducerStateTable(srv.DB(swss.ApplDB), "T")
	ctx := context.Background()
	b.ResetTimer()
	if err := benchRows(b.N, func(rows []swss.KeyOpFieldValues) error { return p.Apply(ctx, rows) }); err != nil {
		b.Fatal(err)
	}
	reportKeys(b)
}

func BenchmarkStateTableEndToEnd(b *testing.B) {
	srv := redistest.Start(b)
	app := srv.DB(swss.ApplDB)
	ctx := context.Background()
	cons, err := swss.NewConsumerStateTable(ctx, app, "T")
	if err != nil {
		b.Fatal(err)
	}
	defer cons.Close()
	p := swss.NewProducerStateTable(app, "T")
	b.ResetTimer()
	errc := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx) // a failed producer ends the consumer's wait
	defer cancel()
	go func() {
		err := benchRows(b.N, func(rows []swss.KeyOpFieldValues) error { return p.Apply(ctx, rows) })
		if err != nil {
			cancel()
		}
		errc <- err
	}()
	for got := 0; got < b.N; {
		out, err := cons.Pops(ctx)
		if err != nil {
			b.Fatal(err, <-errc)
		}
		got += len(out)
	}
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	reportKeys(b)
}

func BenchmarkQueueEndToEnd(b *testing.B) {
	srv := redistest.Start(b)
	asic := srv.DB(swss.AsicDB)
	ctx := context.Background()
	cons, err := swss.NewConsumerTable(ctx, asic, "Q", swss.WithPopBatch(1024))
	if err != nil {
		b.Fatal(err)
	}
	defer cons.Close()
	p := swss.NewProducerTable(asic, "Q")
	b.ResetTimer()
	errc := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		err := benchRows(b.N, func(rows []swss.KeyOpFieldValues) error {
			e := make([]swss.QueueEntry, len(rows))
			for i, r := range rows {
				e[i] = swss.QueueEntry{Key: r.Key, Op: "create", Fields: r.Fields}
			}
			return p.Send(ctx, e)
		})
		if err != nil {
			cancel()
		}
		errc <- err
	}()
	for got := 0; got < b.N; {
		out, err := cons.Pops(ctx)
		if err != nil {
			b.Fatal(err, <-errc)
		}
		got += len(out)
	}
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	reportKeys(b)
}
