package syncd

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// BenchmarkBulkCreateMyMac measures objects/s from the ASIC_STATE queue to
// the platform (and ASIC_DB, and GETRESPONSE): 64k MY_MAC in bulkcreate
// items of 1000, pushed at once; and, in the same run, raw go-redis
// pipelined HSET of the same 64k hashes (1000 per pipeline) for the ratio.
func BenchmarkBulkCreateMyMac(b *testing.B) {
	benchBulkCreate(b, func(e *env) { serveFake(b, e.halSock, newFakeHal("s1", 0x1000)) }, false)
}

// BenchmarkVSBulkCreateMyMac is the same through the real virtual switch
// (platform/vs) served over a gRPC unix socket; each iteration's MY_MACs
// are removed again (bulkremove, not timed) to stay within the table.
//
//	go test -run XXX -bench BenchmarkVSBulkCreateMyMac -benchtime 5x ./syncd
//
// Sub-benchmarks: chunk=4096 (the default: ASIC_DB writes and replies of one
// part overlap the HAL write of the next) and chunk=all (one popped batch is
// written to ASIC_DB only after all its HAL writes, as before).
func BenchmarkVSBulkCreateMyMac(b *testing.B) {
	for _, c := range []struct {
		name  string
		chunk int
	}{{"chunk=4096", 4096}, {"chunk=all", 1 << 30}} {
		b.Run(c.name, func(b *testing.B) {
			benchBulkCreate(b, func(e *env) {
				e.chunk = c.chunk
				startVS(b, e.halSock, vsConfig(4, 65536))
			}, true)
		})
	}
}

func benchBulkCreate(b *testing.B, platform func(*env), removeAfter bool) {
	const total, per = 65536, 1000
	b.StopTimer()
	e := newEnv(b)
	platform(e)
	e.startSyncd()
	e.initSwitch()
	ctx := context.Background()
	var syncdDur, rawDur time.Duration
	var syncdCPU, rawCPU cpuUse
	var ratios []float64
	objs := 0
	for iter := 0; iter < b.N; iter++ {
		// Build the bulk items (VIDs allocated with one INCRBY).
		end, err := e.asic.IncrBy(ctx, keyVIDCounter, total).Result()
		if err != nil {
			b.Fatal(err)
		}
		first := uint64(end) - total + 1
		var items []Item
		for i := 0; i < total; i += per {
			n := min(per, total-i)
			it := Item{Key: "SAI_OBJECT_TYPE_MY_MAC:" + strconv.Itoa(n), Op: opBulkCreate, Fields: make([]FV, n)}
			for j := 0; j < n; j++ {
				k := i + j
				it.Fields[j] = FV{formatOID(makeVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC, first+uint64(k))),
					"SAI_MY_MAC_ATTR_MAC_ADDRESS=02:" + twoHex(iter) + ":00:" + twoHex(k>>16) + ":" + twoHex(k>>8) + ":" + twoHex(k) +
						"|SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK=FF:FF:FF:FF:FF:FF|SAI_MY_MAC_ATTR_VLAN_ID=" + strconv.Itoa(k%4094+1) + "|SAI_MY_MAC_ATTR_PRIORITY=1"}
			}
			items = append(items, it)
		}
		b.StartTimer()
		c0 := e.cpuNow()
		start := time.Now()
		r := e.call(items...)
		d := time.Since(start)
		syncdCPU.add(c0, e.cpuNow())
		syncdDur += d
		b.StopTimer()
		for _, x := range r {
			if x.Key != "SAI_STATUS_SUCCESS" {
				b.Fatalf("bulk reply %s", x.Key)
			}
		}
		objs += total
		if removeAfter {
			rm := make([]Item, len(items))
			for i, it := range items {
				rm[i] = Item{Key: it.Key, Op: opBulkRemove, Fields: make([]FV, len(it.Fields))}
				for j, o := range it.Fields {
					rm[i].Fields[j] = FV{Field: o.Field}
				}
			}
			for _, x := range e.call(rm...) {
				if x.Key != "SAI_STATUS_SUCCESS" {
					b.Fatalf("bulk remove reply %s", x.Key)
				}
			}
		}

		// Raw: the same hashes with pipelined HSET, 1000 per round trip.
		raw := redis.NewClient(&redis.Options{Network: "unix", Addr: e.redis, DB: 3})
		c0 = e.cpuNow()
		start = time.Now()
		for _, it := range items {
			pipe := raw.Pipeline()
			for _, o := range it.Fields {
				pipe.HSet(ctx, "ASIC_STATE:SAI_OBJECT_TYPE_MY_MAC:"+o.Field, fvArgs(splitJoined(o.Value))...)
			}
			if _, err := pipe.Exec(ctx); err != nil {
				b.Fatal(err)
			}
		}
		rd := time.Since(start)
		rawCPU.add(c0, e.cpuNow())
		rawDur += rd
		ratios = append(ratios, rd.Seconds()/d.Seconds())
		raw.FlushDB(ctx)
		raw.Close()
	}
	syncdRate := float64(objs) / syncdDur.Seconds()
	rawRate := float64(objs) / rawDur.Seconds()
	b.ReportMetric(syncdRate, "objs/s")
	b.ReportMetric(rawRate, "raw_hset_objs/s")
	b.ReportMetric(syncdRate/rawRate, "ratio")
	sort.Float64s(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "median_ratio")
	// CPU per object (load-independent): this process (syncd, the
	// platform, the producer) and redis-server, for syncd and for raw HSET.
	b.ReportMetric(syncdCPU.self.Seconds()*1e6/float64(objs), "go_cpu_µs/obj")
	b.ReportMetric(syncdCPU.redis.Seconds()*1e6/float64(objs), "redis_cpu_µs/obj")
	b.ReportMetric(rawCPU.self.Seconds()*1e6/float64(objs), "raw_go_cpu_µs/obj")
	b.ReportMetric(rawCPU.redis.Seconds()*1e6/float64(objs), "raw_redis_cpu_µs/obj")
	b.ReportMetric(0, "ns/op")
}

// cpuUse sums CPU time of this process and of redis-server.
type cpuUse struct{ self, redis time.Duration }

type cpuSample struct{ self, redis time.Duration }

func (c *cpuUse) add(from, to cpuSample) {
	c.self += to.self - from.self
	c.redis += to.redis - from.redis
}

// cpuNow reads this process's CPU time (getrusage) and redis-server's
// (INFO cpu: used_cpu_sys + used_cpu_user).
func (e *env) cpuNow() cpuSample {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	out := cpuSample{self: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	info := e.asic.Info(context.Background(), "cpu").Val()
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
			f, _ := strconv.ParseFloat(v, 64)
			out.redis += time.Duration(f * float64(time.Second))
		}
	}
	return out
}

// BenchmarkVSSingleCreateMyMac measures the latency of one change: a single
// MY_MAC create pushed to the ASIC_STATE queue until its GETRESPONSE, through
// the real virtual switch; each one is removed again (not timed).
//
//	go test -run XXX -bench BenchmarkVSSingleCreateMyMac -benchtime 2000x ./syncd
func BenchmarkVSSingleCreateMyMac(b *testing.B) {
	b.StopTimer()
	e := newEnv(b)
	startVS(b, e.halSock, vsConfig(4, 1024))
	e.startSyncd()
	e.initSwitch()
	for i := 0; i < b.N; i++ {
		vid := e.newVID(halv1.ObjectType_OBJECT_TYPE_MY_MAC)
		key := "SAI_OBJECT_TYPE_MY_MAC:" + vid
		b.StartTimer()
		r := e.call(Item{Key: key, Op: opCreate, Fields: splitJoined(myMacAttrs(i&0xffff, 10))})
		b.StopTimer()
		if r[0].Key != "SAI_STATUS_SUCCESS" {
			b.Fatalf("create: %+v", r[0])
		}
		if r := e.call(Item{Key: key, Op: opRemove}); r[0].Key != "SAI_STATUS_SUCCESS" {
			b.Fatalf("remove: %+v", r[0])
		}
	}
}
