package cfgmgr

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/swss/redistest"
)

// benchVlans is how many VLANs one benchmark round configures; each brings
// four CONFIG_DB rows (VLAN, VLAN_MEMBER, VLAN_INTERFACE, its address) and
// four APP_DB rows.
const benchVlans = 1000

const benchPorts = 32

// benchRows returns the CONFIG_DB rows of one round, parents first (as a
// config load writes them).
func benchRows() [][]string {
	var rows [][]string
	for v := 1; v <= benchVlans; v++ {
		rows = append(rows, []string{fmt.Sprintf("VLAN|Vlan%d", v), "vlanid", fmt.Sprint(v)})
	}
	for v := 1; v <= benchVlans; v++ {
		rows = append(rows,
			[]string{fmt.Sprintf("VLAN_MEMBER|Vlan%d|Ethernet%d", v, 4*(v%benchPorts)), "tagging_mode", "tagged"},
			[]string{fmt.Sprintf("VLAN_INTERFACE|Vlan%d", v), "NULL", "NULL"},
			[]string{fmt.Sprintf("VLAN_INTERFACE|Vlan%d|10.%d.%d.1/24", v, v/256, v%256), "NULL", "NULL"})
	}
	return rows
}

// hsetPipelined writes rows with one pipelined HSET each.
func hsetPipelined(ctx context.Context, c *redis.Client, rows [][]string) error {
	pipe := c.Pipeline()
	for _, r := range rows {
		pipe.HSet(ctx, r[0], r[1], r[2])
	}
	_, err := pipe.Exec(ctx)
	return err
}

// BenchmarkCfgmgrdVlanRows measures CONFIG_DB rows → APP_DB rows through
// cfgmgrd (raw pipelined HSET into CONFIG_DB until every APP_DB row is
// staged by ProducerStateTable), and, in the same run, raw pipelined HSET
// of the same rows alone. Metrics: cfg_rows/s, raw_hset_rows/s and their
// ratio.
func BenchmarkCfgmgrdVlanRows(b *testing.B) {
	srv := redistest.Start(b)
	ctx := context.Background()
	cfg, scratch, app := srv.Client(4), srv.Client(9), srv.Client(0)
	var ports [][]string
	for p := 0; p < benchPorts; p++ {
		ports = append(ports, []string{fmt.Sprintf("PORT|Ethernet%d", 4*p), "lanes", fmt.Sprint(4 * p)})
	}
	if err := hsetPipelined(ctx, cfg, ports); err != nil {
		b.Fatal(err)
	}
	var sets, dels atomic.Int64
	plans := make(chan struct{}, 1)
	d, closeDBs, err := Connect(ctx, srv.DBConfig(), DaemonConfig{Logger: zerolog.Nop(), OnPlan: func(p *Plan) {
		for _, op := range p.App {
			if op.Op == OpSet {
				sets.Add(1)
			} else {
				dels.Add(1)
			}
		}
		select {
		case plans <- struct{}{}:
		default:
		}
	}})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	defer func() {
		cancel()
		<-done
		closeDBs()
	}()
	wait := func(count *atomic.Int64, n int64) {
		for count.Load() < n {
			select {
			case <-plans:
			case err := <-done:
				b.Fatalf("cfgmgrd stopped: %v", err)
			}
		}
	}
	wait(&sets, benchPorts)
	rows := benchRows()
	var cfgTime, rawTime time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		start := time.Now()
		if err := hsetPipelined(ctx, scratch, rows); err != nil {
			b.Fatal(err)
		}
		rawTime += time.Since(start)
		scratch.FlushDB(ctx)
		app.FlushDB(ctx) // what orchagent would have popped
		base := sets.Load()
		b.StartTimer()

		start = time.Now()
		if err := hsetPipelined(ctx, cfg, rows); err != nil {
			b.Fatal(err)
		}
		wait(&sets, base+int64(len(rows)))
		cfgTime += time.Since(start)

		b.StopTimer()
		delBase := dels.Load()
		pipe := cfg.Pipeline()
		for j := len(rows) - 1; j >= 0; j-- {
			pipe.Del(ctx, rows[j][0])
		}
		if _, err := pipe.Exec(ctx); err != nil {
			b.Fatal(err)
		}
		// Wait until cfgmgrd has applied the deletes: a delete and the
		// next round's set of the same row arriving together would
		// cancel out (no change, no APP_DB write) and the round would
		// wait for sets that never come.
		wait(&dels, delBase+int64(len(rows)))
		b.StartTimer()
	}
	b.StopTimer()
	n := float64(b.N * len(rows))
	cfgRate, rawRate := n/cfgTime.Seconds(), n/rawTime.Seconds()
	b.ReportMetric(cfgRate, "cfg_rows/s")
	b.ReportMetric(rawRate, "raw_hset_rows/s")
	b.ReportMetric(cfgRate/rawRate, "ratio")
}

// BenchmarkEngineApply is the pure validation and translation cost of the
// same rows (no Redis).
func BenchmarkEngineApply(b *testing.B) {
	var ports, evs []Event
	for p := 0; p < benchPorts; p++ {
		ports = append(ports, set(TablePort, fmt.Sprintf("Ethernet%d", 4*p), "lanes", fmt.Sprint(4*p)))
	}
	for _, r := range benchRows() {
		table, key, _ := cutKey(r[0])
		evs = append(evs, set(table, key, r[1], r[2]))
	}
	var dels []Event
	for i := len(evs) - 1; i >= 0; i-- {
		dels = append(dels, del(evs[i].Table, evs[i].Key))
	}
	e, _ := NewEngine(DefaultFamilies()...)
	e.Start(ports, nil, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if p := e.Apply(evs); len(p.App) != len(evs) {
			b.Fatalf("%d APP ops for %d rows; errors %v", len(p.App), len(evs), p.Errors[:min(3, len(p.Errors))])
		}
		b.StopTimer()
		e.Apply(dels)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*len(evs))/b.Elapsed().Seconds(), "rows/s")
}

func cutKey(full string) (string, string, bool) {
	for i := 0; i < len(full); i++ {
		if full[i] == '|' {
			return full[:i], full[i+1:], true
		}
	}
	return "", "", false
}
