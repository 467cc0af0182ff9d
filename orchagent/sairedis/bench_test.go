package sairedis_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vltgw/vltgw/orchagent/sairedis"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// BenchmarkBulkCreate: one Flush of 10k VLAN creates (VID allocation,
// bulkcreate entries, replies from a syncd stand-in that only answers)
// against a raw pipelined HSET of 10k hashes on the same redis.
func BenchmarkBulkCreate(b *testing.B) {
	const n = 10000
	c, _, asic := openClient(b, time.Minute)
	ctx := context.Background()
	var flush, raw time.Duration
	for b.Loop() {
		start := time.Now()
		batch := c.Batch()
		for i := 0; i < n; i++ {
			if _, err := batch.Create(ctx, halv1.ObjectType_OBJECT_TYPE_VLAN, sairedis.U32("SAI_VLAN_ATTR_VLAN_ID", uint32(i%4094+1))); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := batch.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		flush += time.Since(start)
		b.StopTimer()
		rs := time.Now()
		pipe := asic.Client.Pipeline()
		for i := 0; i < n; i++ {
			pipe.HSet(ctx, fmt.Sprintf("BENCH:%d", i), "SAI_VLAN_ATTR_VLAN_ID", i)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			b.Fatal(err)
		}
		raw += time.Since(rs)
		b.StartTimer()
	}
	objs := float64(n * b.N)
	b.ReportMetric(objs/flush.Seconds(), "objs/s")
	b.ReportMetric(objs/raw.Seconds(), "raw-hset/s")
	b.ReportMetric(raw.Seconds()/flush.Seconds(), "ratio")
}
