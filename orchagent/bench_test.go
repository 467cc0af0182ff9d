package orchagent

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vltgw/vltgw/swss"
)

// BenchmarkAppDBToASIC measures APP_DB rows → SAI objects through the real
// Redis transport (ProducerStateTable → orchagent → bulk ASIC_STATE queue →
// replies) with syncd's platform side in memory (queueSyncd): n VLANs, each
// with one tagged member and a VLAN router interface (3n objects plus the
// bridge ports). The baseline is a raw pipelined HSET of 3n hashes on the
// same server in the same run.
func BenchmarkAppDBToASIC(b *testing.B) {
	const n = 1000
	e := newRedisEnv(b)
	e.produce(AppPortTable, set("Ethernet0", "lanes", "0,1,2,3"), set("Ethernet4", "lanes", "4,5,6,7"),
		set("Ethernet8", "lanes", "8,9,10,11"), set("Ethernet12", "lanes", "12,13,14,15"))
	e.startQuiet()
	ctx := context.Background()
	vlans, members, intfs := make([]swss.KeyOpFieldValues, n), make([]swss.KeyOpFieldValues, n), make([]swss.KeyOpFieldValues, n)
	dv, dm, di := make([]swss.KeyOpFieldValues, n), make([]swss.KeyOpFieldValues, n), make([]swss.KeyOpFieldValues, n)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Vlan%d", 100+i)
		port := fmt.Sprintf("Ethernet%d", 4*(i%4))
		vlans[i], members[i], intfs[i] = set(name), set(name+":"+port, "tagging_mode", "tagged"), set(name)
		dv[i], dm[i], di[i] = del(name), del(name+":"+port), del(name)
	}
	var appTime, rawTime time.Duration
	for b.Loop() {
		start := time.Now()
		e.produce(AppVlanTable, vlans...)
		e.produce(AppVlanMemberTable, members...)
		e.produce(AppIntfTable, intfs...)
		e.until("objects", func() bool { return e.syncd.count(tRIF) == n && e.syncd.count(tVlanMember) == n })
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
		e.until("cleanup", func() bool { return e.syncd.count(tVlan) == 0 && e.syncd.count(tRIF) == 0 })
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
