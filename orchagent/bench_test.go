package orchagent

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vltgw/vltgw/swss"
)

// BenchmarkAppDBToASIC measures APP_DB rows → SAI objects: n VLANs, each
// with one tagged member and a VLAN router interface (3n objects plus four
// bridge ports), written with ProducerStateTable, until every object is
// there; the baseline is a raw pipelined HSET of 3n hashes on the same
// redis in the same run.
//
//   - queue: orchagent + the real Redis transport (bulk ASIC_STATE queue,
//     GETRESPONSE) with syncd's side in memory (queueSyncd): orchagent's
//     own cost.
//   - syncd: orchagent + the real syncd (in process) + a gRPC HAL platform
//     in memory (halFake), done when ASIC_DB holds the objects.
//   - syncd+vs: the same with platform/vs (the virtual switch) behind the
//     HAL.
func BenchmarkAppDBToASIC(b *testing.B) {
	const n = 1000
	b.Run("queue", func(b *testing.B) {
		e := newRedisEnv(b)
		benchVlans(b, e.base(), n, func() (int, int) { return e.syncd.count(tRIF), e.syncd.count(tVlanMember) })
	})
	b.Run("syncd", func(b *testing.B) {
		e := newStackEnv(b, serveHalFake(b, newHalFake()))
		benchVlans(b, e.base(), n, func() (int, int) { return e.asicCount(tRIF), e.asicCount(tVlanMember) })
	})
	b.Run("syncd+vs", func(b *testing.B) {
		_, sock := startVS(b, "single.yaml")
		e := newStackEnv(b, sock)
		benchVlans(b, e.base(), n, func() (int, int) { return e.asicCount(tRIF), e.asicCount(tVlanMember) })
	})
}

func benchVlans(b *testing.B, e *redisEnv, n int, counts func() (rifs, members int)) {
	e.produce(AppPortTable, set("Ethernet0", "lanes", "0,1,2,3"), set("Ethernet4", "lanes", "4,5,6,7"),
		set("Ethernet8", "lanes", "8,9,10,11"), set("Ethernet12", "lanes", "12,13,14,15"))
	e.startQuiet()
	ctx := context.Background()
	var vlans, members, intfs, dv, dm, di []swss.KeyOpFieldValues
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Vlan%d", 100+i)
		port := fmt.Sprintf("Ethernet%d", 4*(i%4))
		vlans, members, intfs = append(vlans, set(name)), append(members, set(name+":"+port, "tagging_mode", "tagged")), append(intfs, set(name))
		dv, dm, di = append(dv, del(name)), append(dm, del(name+":"+port)), append(di, del(name))
	}
	var appTime, rawTime time.Duration
	for b.Loop() {
		start := time.Now()
		e.produce(AppVlanTable, vlans...)
		e.produce(AppVlanMemberTable, members...)
		e.produce(AppIntfTable, intfs...)
		e.until("objects", func() bool { r, m := counts(); return r == n && m == n })
		appTime += time.Since(start)

		b.StopTimer()
		pipe := e.asic.Client.Pipeline()
		rs := time.Now()
		for i := 0; i < 3*n; i++ {
			pipe.HSet(ctx, fmt.Sprintf("BENCH:SAI_OBJECT_TYPE_VLAN:oid:0x%x", i), "SAI_VLAN_ATTR_VLAN_ID", i)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			b.Fatal(err)
		}
		rawTime += time.Since(rs)
		e.produce(AppIntfTable, di...)
		e.produce(AppVlanMemberTable, dm...)
		e.produce(AppVlanTable, dv...)
		e.until("cleanup", func() bool { r, m := counts(); return r == 0 && m == 0 })
		b.StartTimer()
	}
	objs := float64(3 * n * b.N)
	b.ReportMetric(objs/appTime.Seconds(), "objs/s")
	b.ReportMetric(objs/rawTime.Seconds(), "raw-hset/s")
	b.ReportMetric(rawTime.Seconds()/appTime.Seconds(), "ratio")
}

// startQuiet starts the agent with logging off.
func (e *redisEnv) startQuiet() {
	e.quiet = true
	e.start()
}

func (e *redisEnv) base() *redisEnv { return e }
