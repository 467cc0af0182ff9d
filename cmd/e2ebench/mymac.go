package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/orchagent/pgworch"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// runMyMAC is the proxy-gateway scenario (issue 5/7's bench): a static-mode
// domain over nVLANs L3 VLANs (set up first, not timed); then per run
// nMACs VLT_PROXY_GATEWAY_REMOTE_MAC rows are written in one pipeline of raw
// CONFIG_DB HSETs and timed until the platform holds the nMACs × nVLANs
// MY_MAC entries, then deleted and timed until it holds none. The baseline
// is raw pipelined HSET of as many rows as entries, measured in every run:
// the ratio says how the fan-out pipeline compares with writing each entry
// into redis by hand. Latency: one remote MAC excluded from all VLANs but
// one (one MY_MAC entry) is added and deleted, timed to the platform.
func runMyMAC(nMACs, nVLANs, runs, samples, nports, maxBurst, instances int, events, cpuprofile string, log zerolog.Logger) error {
	if nMACs < 1 || nMACs > 255 || nVLANs < 2 || nVLANs > 4000 || runs < 1 || nports < 1 {
		return fmt.Errorf("mymac: need 1 <= -macs <= 255, 2 <= -vlans <= 4000 (VLAN ids 2..4001), -runs >= 1, -ports >= 1")
	}
	entries := nMACs * nVLANs
	capacity := entries + 1024
	errs := make(chan error, 8)
	s, err := start(nports, maxBurst, instances, events, stackOptions{
		myMACCapacity: capacity,
		extra:         []orchagent.OrchFactory{pgworch.Factory(pgworch.Options{Capacity: capacity})},
	}, log, errs)
	if err != nil {
		return err
	}
	defer s.close()
	ctx := context.Background()
	timeout := 180 * time.Second
	myMAC := halv1.ObjectType_OBJECT_TYPE_MY_MAC

	// The domain and the L3 VLANs.
	setup := [][3]string{
		{"PORTCHANNEL|PortChannel1", "admin_status", "up"},
		{"VLT_DOMAIN|1", "peer_link", "PortChannel1"},
		{"VLT_DOMAIN|1", "peer_routing", "true"},
		{"VLT_PROXY_GATEWAY|1", "mode", "static"},
	}
	setup = append(setup, vlanRows(2, nVLANs, nports)...)
	base := s.watch.snapshot()
	if err := hset(ctx, s.cfgDB, setup); err != nil {
		return err
	}
	if err := s.watch.waitFor(plus(base, nVLANs), timeout); err != nil {
		return fmt.Errorf("mymac setup (%d L3 VLANs): %w", nVLANs, err)
	}
	empty := s.watch.snapshot()
	full := s.watch.snapshot()
	full[myMAC] += entries

	var rows [][3]string
	for i := 0; i < nMACs; i++ {
		rows = append(rows, [3]string{fmt.Sprintf("VLT_PROXY_GATEWAY_REMOTE_MAC|1|02:00:00:00:00:%02x", i+1), "exclude_vlans", ""})
	}
	rawRows := make([][3]string, entries)
	for i := range rawRows {
		rawRows[i] = [3]string{fmt.Sprintf("MY_MAC_BASELINE|%d", i), "vlan", "1"}
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var raw, add, rem []float64
	for r := 0; r < runs; r++ {
		select {
		case err := <-errs:
			return err
		default:
		}
		var rs []float64
		for range 3 {
			t0 := time.Now()
			if err := hset(ctx, s.scratch, rawRows); err != nil {
				return err
			}
			rs = append(rs, float64(entries)/time.Since(t0).Seconds())
			if err := s.scratch.FlushDB(ctx).Err(); err != nil {
				return err
			}
		}
		raw = append(raw, median(rs))

		t0 := time.Now()
		if err := hset(ctx, s.cfgDB, rows); err != nil {
			return err
		}
		if err := s.watch.waitFor(full, timeout); err != nil {
			return fmt.Errorf("run %d: %d MY_MAC creates: %w", r+1, entries, err)
		}
		add = append(add, float64(entries)/s.watch.since(t0).Seconds())

		t0 = time.Now()
		if err := del(ctx, s.cfgDB, rows); err != nil {
			return err
		}
		if err := s.watch.waitFor(empty, timeout); err != nil {
			return fmt.Errorf("run %d: %d MY_MAC removes: %w", r+1, entries, err)
		}
		rem = append(rem, float64(entries)/s.watch.since(t0).Seconds())
	}
	if cpuprofile != "" {
		pprof.StopCPUProfile()
	}

	// One change: a remote MAC on VLAN 2 only.
	one := [3]string{"VLT_PROXY_GATEWAY_REMOTE_MAC|1|02:00:00:00:01:00", "exclude_vlans", fmt.Sprintf("3-%d", nVLANs+1)}
	up, down, err := s.sampleChanges(ctx, errs, samples, timeout, myMAC, one)
	if err != nil {
		return err
	}

	rawM, addM, remM := median(raw), median(add), median(rem)
	fmt.Printf("e2ebench mymac: %d remote MACs × %d L3 VLANs = %d MY_MAC entries, capacity %d, runs=%d samples=%d (CONFIG_DB HSET → cfgmgrd → APP_DB → orchagent proxy-gateway orch → ASIC_DB → syncd → gRPC HAL → platform/vs; median entries/s)\n",
		nMACs, nVLANs, entries, capacity, runs, samples)
	fmt.Printf("BENCH mymac_raw_pipelined_hset %.0f rows/s\n", rawM)
	fmt.Printf("BENCH mymac_config_to_platform_create %.0f entries/s ratio %.3f\n", addM, addM/rawM)
	fmt.Printf("BENCH mymac_config_to_platform_remove %.0f entries/s ratio %.3f\n", remM, remM/rawM)
	fmt.Printf("BENCH mymac_one_change_create_p50 %s ms\n", ms(percentile(up, 0.50)))
	fmt.Printf("BENCH mymac_one_change_create_p99 %s ms\n", ms(percentile(up, 0.99)))
	fmt.Printf("BENCH mymac_one_change_remove_p50 %s ms\n", ms(percentile(down, 0.50)))
	fmt.Printf("BENCH mymac_one_change_remove_p99 %s ms\n", ms(percentile(down, 0.99)))
	return nil
}
