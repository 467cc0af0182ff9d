package vs

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/rs/zerolog"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// myMACOps builds n MY_MAC creates with distinct MACs starting at base.
func myMACOps(base, n int) []*halv1.Op {
	ops := make([]*halv1.Op, n)
	for i := range ops {
		mac := make([]byte, 6)
		binary.BigEndian.PutUint32(mac[2:], uint32(base+i))
		mac[0] = 0x02
		ops[i] = createOp(tMyMAC,
			&halv1.Attribute{Id: "SAI_MY_MAC_ATTR_MAC_ADDRESS", Value: &halv1.Attribute_Mac{Mac: mac}},
			aMAC("SAI_MY_MAC_ATTR_MAC_ADDRESS_MASK", "ff:ff:ff:ff:ff:ff"),
			aU32("SAI_MY_MAC_ATTR_VLAN_ID", uint32(1+(base+i)%4094)),
			aU32("SAI_MY_MAC_ATTR_PRIORITY", 10))
	}
	return ops
}

func removeAll(b *testing.B, ctx context.Context, hal halv1.HalClient, oids []uint64) {
	ops := make([]*halv1.Op, len(oids))
	for i, o := range oids {
		ops[i] = removeOp(oidKey(tMyMAC, o))
	}
	for len(ops) > 0 {
		n := min(len(ops), 5000)
		resp, err := hal.Write(ctx, &halv1.WriteRequest{Ops: ops[:n]})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range resp.GetResults() {
			if r.GetStatus() != halv1.Status_STATUS_SUCCESS {
				b.Fatalf("remove: %v %s", r.GetStatus(), r.GetMessage())
			}
		}
		ops = ops[n:]
	}
}

// BenchmarkHALWriteMyMAC measures MY_MAC creates through the HAL over a
// real unix-socket gRPC connection, in the same run: bulk (1000 ops per
// Write) and one op per Write. Reports entries/s for both and the ratio.
func BenchmarkHALWriteMyMAC(b *testing.B) {
	cfg := testConfig(4)
	cfg.Capacity.MyMAC = 1 << 22
	s := serveSwitch(b, cfg, Options{Logger: zerolog.Nop()})
	ctx := context.Background()
	const bulkWrites, bulkSize, singles = 20, 1000, 2000
	var bulkTime, singleTime time.Duration
	var bulkN, singleN int
	next := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var oids []uint64
		b.StopTimer()
		reqs := make([]*halv1.WriteRequest, bulkWrites)
		for w := range reqs {
			reqs[w] = &halv1.WriteRequest{Ops: myMACOps(next, bulkSize)}
			next += bulkSize
		}
		b.StartTimer()
		start := time.Now()
		for _, req := range reqs {
			resp, err := s.hal.Write(ctx, req)
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range resp.GetResults() {
				if r.GetStatus() != halv1.Status_STATUS_SUCCESS {
					b.Fatalf("bulk create: %v %s", r.GetStatus(), r.GetMessage())
				}
				oids = append(oids, r.GetOid())
			}
		}
		bulkTime += time.Since(start)
		bulkN += bulkWrites * bulkSize

		b.StopTimer()
		ops := myMACOps(next, singles)
		next += singles
		b.StartTimer()
		start = time.Now()
		for _, op := range ops {
			resp, err := s.hal.Write(ctx, &halv1.WriteRequest{Ops: []*halv1.Op{op}})
			if err != nil {
				b.Fatal(err)
			}
			if r := resp.GetResults()[0]; r.GetStatus() != halv1.Status_STATUS_SUCCESS {
				b.Fatalf("single create: %v %s", r.GetStatus(), r.GetMessage())
			}
			oids = append(oids, resp.GetResults()[0].GetOid())
		}
		singleTime += time.Since(start)
		singleN += singles

		b.StopTimer()
		removeAll(b, ctx, s.hal, oids)
		b.StartTimer()
	}
	bulkRate := float64(bulkN) / bulkTime.Seconds()
	singleRate := float64(singleN) / singleTime.Seconds()
	b.ReportMetric(bulkRate, "bulk_entries/s")
	b.ReportMetric(singleRate, "single_entries/s")
	b.ReportMetric(bulkRate/singleRate, "bulk/single")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkStoreWriteMyMAC: the store alone (no gRPC); each iteration is
// 20 Writes of 1000 creates, removed again outside the timer.
func BenchmarkStoreWriteMyMAC(b *testing.B) {
	cfg := testConfig(1)
	cfg.Capacity.MyMAC = 1 << 22
	sw, err := New(cfg, Options{Logger: zerolog.Nop(), AgingInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer sw.Close()
	const writes, size = 20, 1000
	next := 0
	var timed time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		reqs := make([]*halv1.WriteRequest, writes)
		for w := range reqs {
			reqs[w] = &halv1.WriteRequest{Ops: myMACOps(next, size)}
			next += size
		}
		b.StartTimer()
		start := time.Now()
		resps := make([]*halv1.WriteResponse, writes)
		for w, req := range reqs {
			resps[w] = sw.Write(req)
		}
		timed += time.Since(start)
		b.StopTimer()
		for _, resp := range resps {
			rm := make([]*halv1.Op, len(resp.GetResults()))
			for j, r := range resp.GetResults() {
				rm[j] = removeOp(oidKey(tMyMAC, r.GetOid()))
			}
			sw.Write(&halv1.WriteRequest{Ops: rm})
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*writes*size)/timed.Seconds(), "entries/s")
}

// BenchmarkPipeline: frames/s through Inject for known-unicast bridging
// and for routing via MY_MAC (captures off); 20000 frames per iteration.
func BenchmarkPipeline(b *testing.B) {
	cfg := testConfig(5)
	cfg.SwitchMAC = macC1
	cfg.CapturePerPort = -1
	sw, err := New(cfg, Options{Logger: zerolog.Nop(), AgingInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer sw.Close()
	ts := &tsw{t: b, sw: sw}
	for _, a := range ts.get(oidKey(tSwitch, sw.SwitchID()), "SAI_SWITCH_ATTR_DEFAULT_VIRTUAL_ROUTER_ID") {
		ts.vr = a.GetOid()
	}
	ts.up("Ethernet0", "Ethernet4")
	v10, v20 := ts.vlan(10), ts.vlan(20)
	ts.access("Ethernet0", v10, 10)
	ts.access("Ethernet4", v20, 20)
	ts.vlanRIF(v10, "")
	rif20 := ts.vlanRIF(v20, macRIF20)
	ts.route("10.20.0.0/24", aOID("SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID", rif20))
	ts.neighbor(rif20, "10.20.0.50", macS)
	ts.myMAC(macC, 10)
	ts.up("Ethernet8")
	ts.access("Ethernet8", v10, 10)
	ts.inject("Ethernet4", l2Frame(bcast, macS, 0))
	ts.inject("Ethernet0", l2Frame(bcast, macVM1, 0))
	for _, tc := range []struct {
		name  string
		in    string
		frame []byte
		stage string
	}{
		{"bridge", "Ethernet8", l2Frame(macVM1, "00:00:00:00:10:99", 0), "bridged"},
		{"route_my_mac", "Ethernet0", ipv4Frame(macC, macVM1, 0, "10.10.0.100", "10.20.0.50", 64), "routed_my_mac"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			const frames = 20000
			before := sw.Stage(tc.stage)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := 0; j < frames; j++ {
					if err := sw.Inject(tc.in, tc.frame); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N*frames)/b.Elapsed().Seconds(), "frames/s")
			if got := sw.Stage(tc.stage) - before; got != uint64(b.N*frames) {
				b.Fatalf("%s counted %d of %d", tc.stage, got, b.N*frames)
			}
		})
	}
}
