package daemon

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/hal/halclient"
	"github.com/vltgw/vltgw/lldp"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss/redistest"
)

// BenchmarkPuntToAPPDB is pgwlldpd's own hop of the TLV → MY_MAC path: an
// LLDPDU punted on the HAL PacketIO stream (a fake platform on a unix
// socket) whose MAC set differs from the neighbour's previous one → the
// learned-MAC change published in APP_DB (the producer's SADD on
// VLT_PROXY_GW_LEARNED_MAC_TABLE_KEY_SET, seen as a keyspace event).
// Reports p50_ms and p99_ms.
func BenchmarkPuntToAPPDB(b *testing.B) {
	srv := redistest.Start(b)
	hal, halSock := startFakeHAL(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	app, cfg, state := srv.Client(0), srv.Client(4), srv.Client(6)
	app.HSet(ctx, "VLT_PROXY_GW_TABLE:2", "mode", "lldp", "peer_domain_link", "PortChannel100", "vlt_peer_mac_transmit", "false")
	app.HSet(ctx, "VLT_DOMAIN_TABLE:2", "peer_routing", "true", "peer_mac", "00:01:e8:00:01:0d")
	app.HSet(ctx, "LAG_MEMBER_TABLE:PortChannel100:Ethernet8", "status", "enabled")
	app.HSet(ctx, "LLDP_GLOBAL_TABLE:global", "hello_time", "30", "multiplier", "4")
	cfg.HSet(ctx, "DEVICE_METADATA|localhost", "mac", "00:01:e8:00:01:0c", "hostname", "C1")
	state.HSet(ctx, "PORT_TABLE|Ethernet8", "oper_status", "up")
	sub := app.Subscribe(ctx, "__keyspace@0__:VLT_PROXY_GW_LEARNED_MAC_TABLE_KEY_SET")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		b.Fatal(err)
	}
	events := sub.Channel()

	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{DBConfig: srv.DBConfig(), HAL: halclient.Options{Address: halSock}, Log: zerolog.Nop()})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	go func() { // drain what pgwlldpd sends
		for {
			select {
			case <-hal.sent:
			case <-ctx.Done():
				return
			}
		}
	}()
	// Wait until the agent runs (its first LLDPDU went out) by learning once.
	chassis := lldp.MAC{0x00, 0x01, 0xe8, 0x00, 0x00, 0x0c}
	punt := func(i int) {
		frame, err := lldp.Encode(&lldp.PDU{Src: chassis, ChassisID: lldp.ChassisMAC(chassis), PortID: lldp.PortName("Ethernet8"),
			TTL: 120, SystemName: "C", MACs: []lldp.MAC{{0x02, 0x42, byte(i >> 16), byte(i >> 8), byte(i), 0x01}}})
		if err != nil {
			b.Fatal(err)
		}
		hal.inject <- &halv1.PacketIn{IngressPort: oidEth8, Trap: "SAI_HOSTIF_TRAP_TYPE_LLDP", Frame: frame}
	}
	wait := func() {
		select {
		case <-events:
		case <-time.After(20 * time.Second):
			b.Fatal("no learned-MAC change published")
		}
	}
	for i := 0; ; i++ {
		punt(1 << 20)
		select {
		case <-events:
		case <-time.After(20 * time.Millisecond):
			if i > 1000 {
				b.Fatal("pgwlldpd never learned")
			}
			continue
		}
		break
	}
	var ds []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		punt(i)
		wait()
		ds = append(ds, time.Since(start))
		i++
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	pct := func(p float64) float64 {
		k := min(max(int(p*float64(len(ds))+0.5)-1, 0), len(ds)-1)
		return float64(ds[k]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.5), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
}
