package pgworch

import (
	"fmt"
	"testing"
	"time"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
)

// myMACUsed is the platform's MY_MAC use.
func (s *stack) myMACUsed() int {
	for _, t := range s.sw.Capabilities().GetTables() {
		if t.GetType() == halv1.ObjectType_OBJECT_TYPE_MY_MAC {
			return int(t.GetUsed())
		}
	}
	return -1
}

// waitUsed polls the platform until it holds n MY_MAC entries.
func (s *stack) waitUsed(b *testing.B, n int) {
	deadline := time.Now().Add(5 * time.Minute) // guards a hang only
	for s.myMACUsed() != n {
		if time.Now().After(deadline) {
			b.Fatalf("platform holds %d MY_MAC entries, want %d\n%s", s.myMACUsed(), n, s.describe())
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkStatic16x4000: 4000 L3 VLANs exist; one iteration configures
// 16 static remote MACs in APP_DB (one producer batch) and waits until the
// platform holds the 64000 MY_MAC entries (orch → bulk → syncd → HAL →
// platform/vs), then deletes them and waits for the table to empty.
// Reported: create and remove entries/s, end to end from APP_DB.
func BenchmarkStatic16x4000(b *testing.B) {
	const nVLAN, nMAC = 4000, 16
	s := newStack(b, nVLAN*nMAC+1000)
	s.produce("PORT_TABLE", set("Ethernet0", "lanes", "0,1,2,3", "admin_status", "up"))
	s.start(Options{Capacity: nVLAN*nMAC + 1000})
	var vlans, intfs []swss.KeyOpFieldValues
	for v := 2; v < 2+nVLAN; v++ {
		vlans = append(vlans, set(fmt.Sprintf("Vlan%d", v)))
		intfs = append(intfs, set(fmt.Sprintf("Vlan%d", v)))
	}
	s.produce("VLAN_TABLE", vlans...)
	s.produce("INTF_TABLE", intfs...)
	s.produce(AppDomain, set("1", "peer_routing", "true"))
	s.produce(AppProxyGW, set("1", "mode", "static"))
	deadline := time.Now().Add(5 * time.Minute) // guards a hang only
	for {
		objs, err := s.sw.List(halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE)
		if err != nil {
			b.Fatal(err)
		}
		n := len(objs)
		if n >= nVLAN {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d router interfaces", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var macs, dels []swss.KeyOpFieldValues
	for i := 0; i < nMAC; i++ {
		k := fmt.Sprintf("1:00:01:e8:00:%02x:0c", i)
		macs = append(macs, set(k, "exclude_vlans", ""))
		dels = append(dels, del(k))
	}
	var createT, removeT time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		s.produce(AppRemoteMAC, macs...)
		s.waitUsed(b, nVLAN*nMAC)
		t1 := time.Now()
		s.produce(AppRemoteMAC, dels...)
		s.waitUsed(b, 0)
		createT += t1.Sub(t0)
		removeT += time.Since(t1)
	}
	b.StopTimer()
	n := float64(b.N * nVLAN * nMAC)
	b.ReportMetric(n/createT.Seconds(), "creates/s")
	b.ReportMetric(n/removeT.Seconds(), "removes/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkVLANInterfaces4000x16: 16 static remote MACs exist; one
// iteration adds 4000 VLAN interfaces in APP_DB and waits for the 64000
// MY_MAC entries (router interfaces and MY_MAC entries together), then
// deletes the interfaces and waits for the table to empty. It shows the
// cost of planning while the L3 VLANs change.
func BenchmarkVLANInterfaces4000x16(b *testing.B) {
	const nVLAN, nMAC = 4000, 16
	s := newStack(b, nVLAN*nMAC+1000)
	s.produce("PORT_TABLE", set("Ethernet0", "lanes", "0,1,2,3", "admin_status", "up"))
	s.start(Options{Capacity: nVLAN*nMAC + 1000})
	var vlans, intfs, intfDels []swss.KeyOpFieldValues
	for v := 2; v < 2+nVLAN; v++ {
		vlans = append(vlans, set(fmt.Sprintf("Vlan%d", v)))
		intfs = append(intfs, set(fmt.Sprintf("Vlan%d", v)))
		intfDels = append(intfDels, del(fmt.Sprintf("Vlan%d", v)))
	}
	s.produce("VLAN_TABLE", vlans...)
	s.produce(AppDomain, set("1", "peer_routing", "true"))
	s.produce(AppProxyGW, set("1", "mode", "static"))
	var macs []swss.KeyOpFieldValues
	for i := 0; i < nMAC; i++ {
		macs = append(macs, set(fmt.Sprintf("1:00:01:e8:00:%02x:0c", i), "exclude_vlans", ""))
	}
	s.produce(AppRemoteMAC, macs...)
	var createT, removeT time.Duration
	plans0 := s.orch.Stats().Plans
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		s.produce("INTF_TABLE", intfs...)
		s.waitUsed(b, nVLAN*nMAC)
		t1 := time.Now()
		s.produce("INTF_TABLE", intfDels...)
		s.waitUsed(b, 0)
		createT += t1.Sub(t0)
		removeT += time.Since(t1)
	}
	b.StopTimer()
	n := float64(b.N * nVLAN * nMAC)
	b.ReportMetric(n/createT.Seconds(), "creates/s")
	b.ReportMetric(n/removeT.Seconds(), "removes/s")
	b.ReportMetric(float64(s.orch.Stats().Plans-plans0)/float64(b.N), "plans/op")
	b.ReportMetric(0, "ns/op")
}
